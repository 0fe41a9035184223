"""The report as Markdown with SVG figures, for pasting into documents.

Renderers are looked up by result type like the HTML sections; a result without one is shown
as a table of its main rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .._version import __version__
from ..analysis import available
from ..brief import brief_run, build_brief
from ..deterrence.analysis import DeterrenceResult
from ..escalation.analysis import EscalationResult
from ..factors import FactorsResult
from ..forecast.analysis import ForecastResult
from ..negotiation.analysis import NegotiationAnalysisResult
from ..overview import OverviewResult
from ..process.result import ProcessResult
from ..scenario import citations, describe
from ..scenario.model import Scenario
from ..selfdetermination.analysis import SelfDeterminationResult
from ..space.result import AgreementSpaceResult
from ..stability.analysis import CONCEPT_TITLES, StabilityResult
from .agreement_section import FRONTIER_ROWS, baseline_words, raw_text
from .brief_section import brief_markdown
from .md_table import table
from .md_text import Markdown, md_text
from .process_words import (
    DESIGN_NAMES,
    INTERVAL_KINDS,
    claim_question,
    claim_sentence,
    draws_words,
    forum_landing,
    pct,
)
from .provenance_section import crisis_inputs, escalation_inputs, inputs_markdown, provenance_markdown
from .questions_section import questions_markdown
from .static_charts import (
    designs_svg,
    deterrence_curve_svg,
    escalation_curves_svg,
    escalation_effects_svg,
    forecast_svg,
    forum_svg,
    frontier_svg,
    tornado_svg,
)
from .summary import (
    consistency_lines,
    consistency_verdict,
    gains_against,
    link_sentences,
    security_findings,
    summary_findings,
    summary_lines,
)
from .variant_words import variants_markdown
from .wording import Words, concept_name, fmt

Figures = dict[str, bytes]
MdRenderer = Callable[[Any, Scenario, Figures], str]
_RENDERERS: dict[type, MdRenderer] = {}


def md_renderer(result_type: type) -> Callable[[MdRenderer], MdRenderer]:
    """Decorator: use ``func`` to render results of ``result_type`` as Markdown."""
    def wrap(func: MdRenderer) -> MdRenderer:
        _RENDERERS[result_type] = func
        return func
    return wrap


def render_markdown(scenario: Scenario, results: dict[str, Any], *,
                    generated: datetime | None = None) -> tuple[str, Figures]:
    """The report as Markdown, and its figures by file name (``figures/...svg``)."""
    figures: Figures = {}
    titles = {spec.name: spec.title for spec in available()}
    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"# {md_text(scenario.title)}", "",
             md_text(f"multitrack {__version__}, {when}"
                     + (f"; estimates as of {scenario.as_of}" if scenario.as_of else "")),
             "", brief_markdown(build_brief(scenario, results, run=brief_run(results))),
             questions_markdown(scenario, results), _summary(scenario, results)]
    for name, result in results.items():
        if name == "questions":
            continue  # placed after the brief
        parts += [f"## {md_text(titles.get(name, name))}", "", _section(result, scenario, figures), ""]
    parts += [_positions(scenario), provenance_markdown(scenario), _sources(scenario)]
    return "\n".join(parts).rstrip() + "\n", figures


def _section(result: Any, scenario: Scenario, figures: Figures) -> str:
    for cls in type(result).__mro__:
        if cls in _RENDERERS:
            return _RENDERERS[cls](result, scenario, figures)
    return table(result.to_frame().to_dict("records"))


def _figure(figures: Figures, name: str, svg: bytes | None, caption: str) -> str:
    if svg is None:
        return ""
    path = f"figures/{name}.svg"
    figures[path] = svg
    caption = md_text(caption)
    return f"![{caption}]({path})\n\n*{caption}*\n"


def _summary(scenario: Scenario, results: dict[str, Any]) -> str:
    rows = [{"Track": s.title, "Status": s.status, "Compromise": s.compromise, "Gains and losses": s.gains,
             "Main risk": s.risk} for s in summary_lines(results, scenario)]
    out = ["## Summary", "", table(rows) if rows else "No per-track results.", ""]
    if rows:
        out += [f"_Gains and losses against {md_text(gains_against(scenario))}._", ""]
    for q, a in summary_findings(results, scenario):
        out.append(f"- **{md_text(q)}** {md_text(a)}")
    security = security_findings(results, scenario)
    if security:
        out += ["", "What the security analyses find:", ""]
        out += [f"- **{md_text(q)}** {md_text(a)}" for q, a in security]
    links = link_sentences(results)
    if links:
        out += ["", "What the links between tracks and analyses changed:", ""]
        out += [f"- {md_text(s)}" for s in links]
    verdict = consistency_verdict(results)
    if verdict is not None:
        out += ["", f"Consistency check: {md_text(verdict)}", ""]
        out += [f"- **{md_text(label)}:** {md_text(sentence)}"
                for label, sentence in consistency_lines(results)]
    return "\n".join(out) + "\n"


@md_renderer(OverviewResult)
def _overview(result: OverviewResult, scenario: Scenario, figures: Figures) -> str:
    return table([{"Track": t.title, "Verdict": t.verdict.word, "Why": t.verdict.reason,
                   "Veto players": ", ".join(t.veto_players), "Outcomes": f"{t.n_outcomes:,}"}
                  for t in result.tracks])


@md_renderer(AgreementSpaceResult)
def _agreement(result: AgreementSpaceResult, scenario: Scenario, figures: Figures) -> str:
    words = Words(scenario)
    out = []
    for t in result.tracks:
        out += [f"### {md_text(t.title)}", ""]
        if t.deferred:
            out += ["Left open on purpose; not analysed.", ""]
            continue
        counted = "not counted" if t.n_agreeable is None else f"{t.n_agreeable:,} of {t.n_outcomes:,}"
        out += [f"Outcomes that pass the decision rule: {counted}.", ""]
        out += [md_text(words.no_deal(t)), ""] if t.no_deal_stated else []
        if t.solutions:
            out += [table([{"Solution": concept_name(s.concept, t),
                            "Outcome": words.outcome(s),
                            **{words.actors.get(a, a): _utility_cell(s, a) for a in t.participants},
                            "Indivisible security": "passes" if s.indivisible else
                            "fails: " + ", ".join(words.actors.get(a, a) for a in s.below_baseline)}
                           for s in t.solutions]), "",
                    (f"_Utilities on a 0-1 scale over the track; in brackets the gain over the "
                     f"{md_text(baseline_words(t))} and the raw utility on the scale the scenario "
                     "states._"), ""]
        out += [f"_{md_text(n)}_\n" for n in t.notes]
        out += _frontier_table(t, words)
        out.append(_figure(figures, f"frontier-{t.track_id}", frontier_svg(t, words),
                           f"{t.title}: the veto players' utilities (0-1) on the Pareto frontier, with the "
                           f"{t.baseline} and the bargaining solutions."))
        out += [f"- {md_text(s)}" for s in words.diagnosis(t)] + [""]
    return "\n".join(out)


def _utility_cell(s, a: str) -> str:
    raw = f"; raw {raw_text(s.raw_utility[a])}" if a in s.raw_utility else ""
    return f"{s.utility[a]:.2f} ({s.gain[a]:+.2f}{raw})"


def _frontier_table(t, words: Words) -> list[str]:
    """The Pareto frontier outcome by outcome, in the issues' own terms."""
    if not t.frontier_outcomes:
        return []
    order = sorted(range(len(t.frontier)), key=lambda k: t.frontier[k])
    rows = []
    for k in order[:FRONTIER_ROWS]:
        row = {words.issues.get(i, i): fmt(v) for i, v in t.frontier_outcomes[k].items()}
        raw = t.frontier_raw[k] if t.frontier_raw else (None,) * len(t.bargainers)
        for a, u, r in zip(t.bargainers, t.frontier[k], raw, strict=True):
            row[words.actors.get(a, a)] = f"{u:.2f}" + (f" (raw {raw_text(r)})" if r is not None else "")
        rows.append(row)
    more = (f" The first {FRONTIER_ROWS} of {len(order):,} are listed; results.json holds every one."
            if len(order) > FRONTIER_ROWS else "")
    return [f"Pareto frontier, outcome by outcome ({len(order):,}):", "", table(rows), "",
            f"_Each bargainer's utility on a 0-1 scale, raw in brackets.{more}_", ""]


@md_renderer(ProcessResult)
def _process(result: ProcessResult, scenario: Scenario, figures: Figures) -> str:
    words = Words(scenario)
    out = [f"{draws_words(result.draws)} of every uncertain estimate (seed {result.seed}). "
           f"{INTERVAL_KINDS}", ""]
    out += [f"- **{md_text(claim_question(result, c, words))}** {md_text(claim_sentence(result, c, words))}"
            for c in result.claims]
    rows = [{"Track": words.tracks.get(t, t),
             **{DESIGN_NAMES[d.design]: pct(d.p_track[t]) for d in result.designs}}
            for t in result.tracks]
    rows.append({"Track": "tracks agreed (mean)",
                 **{DESIGN_NAMES[d.design]: f"{d.mean_agreed.value:.2f}" for d in result.designs}})
    out += ["", table(rows), "", _figure(figures, "process-designs", designs_svg(result, words),
                                         "Probability that each track is agreed under each design.")]
    deals = _deal_rows(result, words)
    if deals:
        out += ["", "### What each design agrees, issue by issue", "",
                "Where a track is agreed under a design: the most frequent option, or the mean of a number, "
                "over the draws in which it is agreed; a dash where it is never agreed.", ""]
        out += [f"- **{md_text(DESIGN_NAMES[d.design])}**: {md_text(d.label)}"
                for d in result.designs if d.label]
        out += ["", table(deals)]
    for fc in result.forums:
        title = words.tracks.get(fc.track, fc.track)
        out += [f"### Forums for {md_text(title)}", "",
                table([{"Forum": f.title, "Parties": f.parties, "Agrees": pct(f.p_agree),
                        "Win-set": f"{f.winset.value:.1%}"} for f in fc.forums]), "",
                _figure(figures, f"forums-{fc.track}", forum_svg(fc),
                        f"{title}: how often each forum agrees.")]
        out += [f"- {md_text(s)}" for s in forum_landing(fc, words)] + [""]
    for d in result.designs:
        drivers = d.drivers.get("tracks agreed") or ()
        if drivers:
            out.append(_figure(figures, f"tornado-{d.design}", tornado_svg(drivers, DESIGN_NAMES[d.design]),
                               f"{DESIGN_NAMES[d.design].capitalize()}: the estimates that drive the number "
                               "of tracks agreed (mean with the estimate in its lowest vs highest third; "
                               "only estimates that pass a permutation test with Holm's correction at 1%)."))
    return "\n".join(out)


def _deal_rows(result: ProcessResult, words: Words) -> list[dict[str, Any]]:
    """One row per issue of every track some design agrees, one column per design."""
    if not any(d.deal for d in result.designs):
        return []
    rows = []
    for track in result.tracks:
        for k, issue in enumerate(result.designs[0].deal.get(track, {})):
            name = (f"{words.tracks.get(track, track)}: " if k == 0 else "") + words.issues.get(issue, issue)
            row: dict[str, Any] = {"Issue": name}
            for d in result.designs:
                v = d.deal.get(track, {}).get(issue)
                text = f"{v:.3g}" if isinstance(v, float) else str(v)
                row[DESIGN_NAMES[d.design]] = "-" if v is None else text
            rows.append(row)
    return rows


@md_renderer(StabilityResult)
def _stability(result: StabilityResult, scenario: Scenario, figures: Figures) -> str:
    from .stability_section import (
        equilibria_sentence,
        misperception_sentences,
        note_sentence,
        path_sentences,
        shown_states,
    )

    names = Words(scenario).actors
    out = [f"_{md_text(n)}_" for n in result.notes]
    for c in result.conflicts:
        out += [f"### {md_text(c.title)}", ""]
        out += [line for s in misperception_sentences(c, names) for line in (md_text(s), "")]
        out += [md_text(equilibria_sentence(c)), ""]
        out += [f"- {md_text(s)}" for s in path_sentences(c, names)] + [""]
        shown = shown_states(c)
        if len(shown) < c.total_states:
            out += [f"_Showing {len(shown)} of {c.total_states:,} states: the status quo, its paths and the "
                    "equilibria; " + ("every state is in results.json._" if not c.left_out else
                                      "results.json lists more of them._"), ""]
            out += [line for n in c.left_out for line in (f"_{md_text(note_sentence(n))}_", "")]
        players = tuple(names.get(d, d) for d in c.decision_makers)
        rows = _stability_rows(c, shown, result.concepts, players, c.stable, c.equilibria, options=True)
        out += [table(rows), "",
                "Column # gives the state's number in GMCR+ (its place among the feasible states); each "
                "concept column names the parties for which the state is stable; **E** marks an equilibrium.",
                ""]
        out += _coalitions(c, shown, result.concepts, names)
    return "\n".join(out)


def _stability_rows(c, shown: tuple[str, ...], concepts: tuple[str, ...], players: tuple[str, ...],
                    stable: dict[str, tuple[tuple[bool, ...], ...]], equilibria: dict[str, tuple[str, ...]],
                    options: bool) -> list[dict[str, str]]:
    """Per shown state: its GMCR+ number, its label (and, if asked, one Y/N column per option),
    then per concept the players for which it is stable, **E** at an equilibrium."""
    index = {label: k for k, label in enumerate(c.states)}
    eq_sets = {k: set(equilibria[k]) for k in concepts}
    rows = []
    for label in shown:
        s = index[label]
        row = {"#": str(c.number(s)), "State": label + (" (status quo)" if label == c.status_quo else "")}
        if options:
            row.update({o: ch for (o, _, _), ch in zip(c.options, label, strict=True)})
        for k in concepts:
            stable_for = md_text(", ".join(p for i, p in enumerate(players) if stable[k][s][i]),
                                 line_start=False)
            row[CONCEPT_TITLES[k]] = Markdown(stable_for + (" **E**" if label in eq_sets[k] else ""))
        rows.append(row)
    return rows


def _coalitions(c, shown: tuple[str, ...], concepts: tuple[str, ...], names: dict[str, str]) -> list[str]:
    """The coalition analysis of a conflict that lists coalitions; nothing for one that does not."""
    from .stability_section import coalition_concepts, coalition_sentences, note_sentence, player_name

    if not c.coalitions:
        return []
    out = ["#### Coalition stability", ""]
    out += [line for s in coalition_sentences(c, names, concepts) for line in (md_text(s), "")]
    computed = coalition_concepts(c, concepts)
    if computed:
        players = tuple(player_name(p, names) for p in c.coalitions)
        rows = _stability_rows(c, shown, computed, players, c.coalition_stable, c.coalition_equilibria,
                               options=False)
        out += [table(rows), "", "Each concept column names the players of the coalition structure for which "
                "the state is stable; **E** marks an equilibrium of the structure.", ""]
    out += [f"_{md_text(note_sentence(n))}_" for n in c.coalition_notes]
    return out + [""] if c.coalition_notes else out


@md_renderer(DeterrenceResult)
def _deterrence(result: DeterrenceResult, scenario: Scenario, figures: Figures) -> str:
    from .deterrence_section import (
        crisis_sentence,
        curve_caption,
        frontier_rows,
        guarantee_rows,
        link_sentences,
        nominal_sentence,
        term_label,
    )

    names = Words(scenario).actors
    out = [f"{draws_words(result.draws)} of the uncertain terms (seed {result.seed}). {INTERVAL_KINDS} Where "
           "deterrence fails, it fails for lack of credibility when a sure response would have deterred, and "
           "for lack of capability when even a sure response would not.", ""]
    out += [f"_{md_text(n)}_" for n in result.notes]
    for c in result.crises:
        out += [f"### {md_text(c.title)}", "",
                f"**{md_text(crisis_sentence(c, names))}** {md_text(nominal_sentence(c))}", ""]
        out += [line for sentence in link_sentences(c) for line in (md_text(sentence), "")]
        if frontier_rows(c):
            out += [table(frontier_rows(c)), ""]
        out += [table(guarantee_rows(c, names)), ""]
        out += ["Inputs of this crisis (sources in the provenance appendix and the source list):", ""]
        out += inputs_markdown(crisis_inputs(scenario, c.id), scenario)
        for g in c.guarantees:
            out.append(_figure(figures, f"deterrence-{c.id}-{g.id}",
                               deterrence_curve_svg(g.curve, term_label(g.curve.term)),
                               curve_caption(c, g, names)))
    out += variants_markdown(result.variants, scenario)
    return "\n".join(out)


@md_renderer(EscalationResult)
def _escalation(result: EscalationResult, scenario: Scenario, figures: Figures) -> str:
    from ..escalation.risk import BASELINE, COMBINED, PACKAGE
    from .escalation_section import caption_words, effect_rows, headline, months_words, risk_rows, top_rungs

    h = max(result.horizons)
    out = [f"**{md_text(headline(result))}**", ""]
    if scenario.escalation is not None and scenario.escalation.note:
        out += [f"_{md_text(scenario.escalation.note)}_", ""]
    out += [f"_{md_text(n)}_" for n in result.notes]
    out += ["### Risk by theatre and horizon", "", table(risk_rows(result)), "",
            f"The chance that the theatre reaches the rung at least once within the horizon: mean and "
            f"the central {round(100 * result.level)}% of its spread over the uncertain inputs, in "
            "percent ('same in every draw': structural, no interval).", ""]
    curve = {(c.scenario, c.rung): c for c in result.curves if c.theatre == COMBINED}
    panels = [(f"any theatre reaches '{rung}'",
               [(result.scenarios[s], colour, curve[(s, rung)]) for s, colour in
                ((BASELINE, "#e45756"), (PACKAGE, "#4c78a8")) if (s, rung) in curve])
              for rung in top_rungs(result) if (BASELINE, rung) in curve]
    if panels:
        out.append(_figure(figures, "escalation-curves", escalation_curves_svg(panels),
                           "The chance that any theatre reaches the top rungs by each month, with no "
                           "measures and with all measures together. " + caption_words(result)))
    if len(result.scenarios) > 1:
        measures = [s for s in result.scenarios if s != BASELINE]
        series = [(rung, colour, [result.effect(s, COMBINED, h, rung) for s in measures])
                  for rung, colour in zip(top_rungs(result), ("#f58518", "#b3261e"), strict=False)]
        out += ["### What the measures take off the risk", "", table(effect_rows(result)), "",
                _figure(figures, "escalation-effects",
                        escalation_effects_svg([result.scenarios[s] for s in measures], series,
                                               f"risk reduction within {h} months, any theatre "
                                               "(percentage points)"),
                        f"Risk reduction against no measures within {months_words(h)}, any theatre, "
                        f"in percentage points with the central {round(100 * result.level)}% of their spread "
                        "over the uncertain inputs (none where the same in every draw).")]
    if result.in_force:
        from .escalation_section import all_measures_words, in_force_rows, link_sentences

        out += ["### Measures in force where their tracks agree", ""]
        out += [f"- {md_text(sentence)}" for sentence in link_sentences(result)] + [""]
        out += [table(in_force_rows(result)), "", md_text(all_measures_words(result)), ""]
    if escalation_inputs(scenario):
        out += ["### Inputs", ""] + inputs_markdown(escalation_inputs(scenario), scenario)
    out += variants_markdown(result.variants, scenario)
    return "\n".join(out)


@md_renderer(ForecastResult)
def _forecast(result: ForecastResult, scenario: Scenario, figures: Figures) -> str:
    from .forecast_section import by_track, forecast_rows, intro, issue_sentence

    words = Words(scenario)
    out = [md_text(intro(result)), ""] + [f"_{md_text(n)}_" for n in result.notes]
    if not result.issues:
        return "\n".join(out + ["The scenario has no numeric issue to forecast."])
    for track, issues in by_track(result).items():
        title = words.tracks.get(track, track)
        out += [f"### {md_text(title)}", "", table(forecast_rows(result, issues)), ""]
        out += [f"- {md_text(issue_sentence(result, i, words.actors))}" for i in issues] + [""]
        out.append(_figure(figures, f"forecast-{track}", forecast_svg(result, issues, words.actors),
                           f"{title}: each issue on its own range, with the actors' positions (sized by "
                           "capability x salience), each model's forecast with its "
                           f"{round(100 * result.level)}% interval over the uncertain inputs, the bargaining "
                           "solutions" + (" and the status quo (dashed)." if any(i.status_quo is not None
                                                                                for i in issues) else ".")))
    return "\n".join(out)


@md_renderer(NegotiationAnalysisResult)
def _negotiation(result: NegotiationAnalysisResult, scenario: Scenario, figures: Figures) -> str:
    from .negotiation_section import run_sentence, strategy_table, track_notes

    words = Words(scenario)
    out = [f"_Automated agents on every track: deadline {result.deadline} rounds; the tournament plays every "
           "assignment of strategies, once where the track's inputs are certain, else on "
           f"{result.draws} draws of the uncertain inputs (seed {result.seed})._", ""]
    for t in result.tracks:
        out += [f"### {md_text(t.title)}", ""]
        if t.skipped:
            out += [f"Not simulated: {md_text(t.skipped)}", ""]
            continue
        cols, cells = strategy_table(t.strategies, t.any_deal)
        rows = [{c[0].upper() + c[1:]: x for c, x in zip(cols, row, strict=True)} for row in cells]
        out += [md_text(run_sentence(t, words)), "", table(rows), "", *map(md_text, track_notes(t)), ""]
    return "\n".join(out)


@md_renderer(FactorsResult)
def _factors(result: FactorsResult, scenario: Scenario, figures: Figures) -> str:
    from .factors_section import (
        LOADINGS,
        effect_rows,
        effects_caption,
        estimate_rows,
        intro,
        source_text,
        strongest_sentence,
    )

    out = [f"_{md_text(intro(result))}_", ""] + [f"_{md_text(n)}_\n" for n in result.notes]
    for f in result.factors:
        out += [f"### {md_text(f.title)} ({f.id})", ""]
        out += [md_text(f.note), ""] if f.note else []
        out += [f"Source: {md_text(source_text(f, scenario))}", ""] if f.source else []
        out += [f"**{md_text(strongest_sentence(f, result.draws))}**", ""]
        if f.estimates:
            out += [table(estimate_rows(f)), "", f"_{md_text(LOADINGS)}_", ""]
        rows = effect_rows(f)
        if rows:
            out += [table(rows), "", f"_{md_text(effects_caption(f))}_", ""]
    return "\n".join(out)


@md_renderer(SelfDeterminationResult)
def _self_determination(result: SelfDeterminationResult, scenario: Scenario, figures: Figures) -> str:
    from .selfdetermination_section import LEGEND, case_label, intro, symbol

    out = [md_text(intro(result, scenario)), "", "### Criteria", ""]
    out += [f"- **{md_text(c.label)}**: {md_text(c.description)} ({md_text(c.origin)})"
            for c in result.criteria]
    rows = [{"Case": case_label(case), **{c.label: symbol(case, c.id) for c in result.criteria},
             "Met": f"{case.met} of {case.assessed}"} for case in result.cases]
    out += ["", "### Past cases", "", table(rows), "",
            md_text(f"{LEGEND} Met: criteria met of those assessed."), "",
            "<details><summary>Sources behind the findings, by case</summary>", ""]
    for case in result.cases:
        out += [f"**{md_text(case_label(case))}**", ""] + [f"- {md_text(s)}" for s in case.sources] + [""]
    out += ["</details>", ""]
    return "\n".join(out)


def _positions(scenario: Scenario) -> str:
    numbers = {s.id: i + 1 for i, s in enumerate(scenario.sources)}
    names = {a.id: a.name for a in scenario.actors}
    out = ["## Positions", ""]
    for track in scenario.tracks:
        rows = []
        for issue in track.issues:
            row = {"Issue": issue.label}
            if track.has_status_quo:
                row["Status quo"] = describe.status_quo_text(issue)
            for a in track.participants:
                pos = issue.positions.get(a)
                refs = "".join(f" [[{numbers[r.id]}]](#source-{numbers[r.id]})"
                               for r in citations(pos, issue, track)) if pos else ""
                text = md_text(describe.position_text(issue, pos), line_start=False) if pos else "-"
                row[names[a] + (" (veto)" if a in track.vetoes else "")] = Markdown(text + refs)
            rows.append(row)
        out += [f"### {md_text(track.title)}", "", table(rows), ""]
    return "\n".join(out)


def _sources(scenario: Scenario) -> str:
    out = ["## Sources", ""]
    for i, s in enumerate(scenario.sources, start=1):
        locator = getattr(s, "locator", None)
        out.append(f'{i}. <a id="source-{i}"></a>{md_text(s.citation())}'
                   + (f" {md_text(locator)}" if locator else ""))
    return "\n".join(out) + "\n"


__all__ = ["md_renderer", "render_markdown", "table", "fmt"]
