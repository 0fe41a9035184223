"""Terminal renderers: rich tables for scenarios and results."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..overview import OverviewResult
from ..scenario import describe
from ..scenario.model import Scenario

#: How each verdict word is coloured (the words themselves come from the overview result).
_VERDICT_STYLE = {"can agree": "green", "blocked": "red", "status quo only": "yellow", "not known": "dim"}


def show_scenario(console: Console, scenario: Scenario) -> None:
    """A summary table per track: who sits, who can veto, each issue and every stance on it."""
    console.print(f"[bold]{scenario.title}[/bold]  [dim]({scenario.id}"
                  f"{', as of ' + scenario.as_of if scenario.as_of else ''})[/dim]")
    actors = Table(title="Actors", show_lines=False)
    for col in ("id", "name", "kind", "capability", "members"):
        actors.add_column(col, overflow="fold")  # ids and names whole, never cut short
    for actor in scenario.actors:
        actors.add_row(actor.id, actor.name, actor.kind.value, describe.estimate_text(actor.capability),
                       ", ".join(actor.members))
    console.print(actors)
    names = {a.id: a.name for a in scenario.actors}
    for track in scenario.tracks:
        title = f"{track.title} [dim]({track.id})[/dim]" + (
            " [yellow]deferred[/yellow]" if track.deferred else "")
        table = Table(title=title, show_lines=True, title_justify="left")
        table.add_column("issue", style="bold")
        table.add_column("values")
        if track.has_status_quo:  # a track without one (a negotiation game, a Genius domain) shows none
            table.add_column("status quo")
        for a in track.participants:
            table.add_column(names[a] + (" [red](veto)[/red]" if a in track.vetoes else ""))
        for issue in track.issues:
            cells = [issue.label, describe.domain_text(issue)]
            if track.has_status_quo:
                cells.append(describe.status_quo_text(issue))
            for a in track.participants:
                pos = issue.positions.get(a)
                cells.append(describe.position_text(issue, pos) if pos else "[dim]-[/dim]")
            table.add_row(*cells)
        console.print(table)
        if track.forum:
            console.print(f"  forum: {track.forum}")
        # who must accept, who can block, what no deal is worth
        for line in describe.track_lines(track, names):
            console.print(f"  {line}", markup=False, soft_wrap=True)
    show_scenario_factors(console, scenario)
    show_conflicts(console, scenario)


def show_scenario_factors(console: Console, scenario: Scenario) -> None:
    """Per common factor: its title, note and source, and every estimate that loads on it (those
    of sections the summary does not print, such as a crisis's terms, included)."""
    from ..factors import factor_loadings
    from ..report.factors_section import LOADINGS

    loadings = factor_loadings(scenario)
    for f in scenario.factors:
        table = Table(title=f"Factor: {escape(f.title)} [dim]({f.id})[/dim]", title_justify="left")
        for col in ("estimate", "loading", "moves", "field"):
            table.add_column(col, overflow="fold")
        for e in loadings[f.id]:
            table.add_row(escape(e.label), f"{e.loading:+g}", e.moves, escape(e.field))
        console.print(table)
        if f.note:
            console.print(f"  {f.note.strip()}", markup=False, soft_wrap=True)
        if f.source:
            where = f", {f.source.locator}" if f.source.locator else ""
            console.print(f"  source: {f.source.id}{where}", markup=False, soft_wrap=True)
        console.print(f"  {LOADINGS}" if loadings[f.id] else "  No uncertain estimate loads on this factor.",
                      style="dim", markup=False, soft_wrap=True)


def show_conflicts(console: Console, scenario: Scenario) -> None:
    """Per conflict: each decision maker's options (numbered as in statements) and
    preferences, then its size, rules, status quo, misperceptions and coalitions."""
    from ..stability.summary import conflict_lines, conflict_model, preferences_text

    names = {a.id: a.name for a in scenario.actors}
    for c in scenario.conflicts:
        model = conflict_model(c)
        table = Table(title=f"Conflict: {escape(c.title)} [dim]({c.id})[/dim]", show_lines=True,
                      title_justify="left")
        for col in ("decision maker", "options (number id: title)", "preferences"):
            table.add_column(col, overflow="fold")
        number = 0
        for dm in c.decision_makers:
            options = []
            for o in dm.options:
                number += 1
                options.append(f"{number} {o.id}: {o.title}")
            table.add_row(escape(f"{names.get(dm.id, dm.id)} ({dm.id})"), escape("\n".join(options)),
                          escape(preferences_text(c.preferences[dm.id])))
        console.print(table)
        for line in conflict_lines(c, names, model):
            console.print(f"  {line}", markup=False, soft_wrap=True)


def show_overview(console: Console, result: OverviewResult, scenario: Scenario) -> None:
    table = Table(title="Tracks at a glance", title_justify="left", expand=True)
    table.add_column("track", ratio=2, overflow="fold")
    table.add_column("verdict", no_wrap=True)
    table.add_column("veto players", ratio=2, overflow="fold")
    table.add_column("outcomes", justify="right", no_wrap=True)
    table.add_column("why", ratio=5)
    for t in result.tracks:
        word = t.verdict.word
        table.add_row(escape(t.title), f"[{_VERDICT_STYLE[word]}]{word}[/]",
                      escape(", ".join(t.veto_players)), f"{t.n_outcomes:,}", escape(t.verdict.reason))
    console.print(table)


def show_generic(console: Console, name: str, result: Any) -> None:
    """Fallback for results without their own terminal renderer: the result's main table."""
    frame = result.to_frame()
    table = Table(title=name, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col))
    for row in frame.head(30).itertuples(index=False):
        table.add_row(*[f"{v:.3g}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)


def _renderers() -> dict[type, Any]:
    """Result type -> the function that prints it."""
    from ..consistency import ConsistencyResult
    from ..deterrence.analysis import DeterrenceResult
    from ..escalation.analysis import EscalationResult
    from ..factors import FactorsResult
    from ..forecast.analysis import ForecastResult
    from ..hinges import HingesResult
    from ..negotiation.analysis import NegotiationAnalysisResult
    from ..process import ProcessResult
    from ..selfdetermination.analysis import SelfDeterminationResult
    from ..space import AgreementSpaceResult
    from ..stability.analysis import StabilityResult

    return {OverviewResult: show_overview, AgreementSpaceResult: show_agreement,
            ProcessResult: show_process, StabilityResult: show_stability,
            DeterrenceResult: show_deterrence, EscalationResult: show_escalation,
            SelfDeterminationResult: show_self_determination, ForecastResult: show_forecast,
            NegotiationAnalysisResult: show_negotiation, ConsistencyResult: show_consistency,
            FactorsResult: show_factors, HingesResult: show_hinges}


def show_hinges(console: Console, result, scenario: Scenario) -> None:
    """What each headline hinges on: its switching values, a sentence per headline."""
    from ..hinges import hinge_sentence

    for h in result.hinges:
        console.print(f"  - {escape(hinge_sentence(h))}", soft_wrap=True)
        if h.note:
            console.print(f"    [dim]{escape(h.note)}[/]", soft_wrap=True)
    for note in result.notes:
        console.print(f"  [dim]{escape(note)}[/]", soft_wrap=True)


def show_consistency(console: Console, result, scenario: Scenario) -> None:
    """The run's closing block: what each link changed, a sentence per link, then the
    consistency check's warnings (and the variants a scenario declares on purpose)."""
    from ..report.summary import CONSISTENCY_LABELS

    if result.link_effects:
        console.print("[bold]What the links between tracks and analyses changed[/]")
        for link in result.link_effects:
            console.print(f"  - {escape(link.sentence)}", soft_wrap=True)
    found = len(result.warnings)
    head = f"{found} contradiction{'s' if found != 1 else ''} found" if found else "no contradiction found"
    console.print(f"[bold]Consistency check[/]: {head}; checked: {escape(', '.join(result.checked))}")
    for w in result.warnings + result.variants:
        style = "yellow" if w.kind != "declared-variant" else "dim"
        console.print(f"  [{style}]{escape(CONSISTENCY_LABELS.get(w.kind, w.kind))}[/]: {escape(w.sentence)}",
                      soft_wrap=True)
    for note in result.notes:
        console.print(f"  [dim]{escape(note)}[/]", soft_wrap=True)


def show_result(console: Console, name: str, result: Any, scenario: Scenario) -> None:
    """Print a result with its own renderer, or as a generic table for analyses without one."""
    render = _renderers().get(type(result))
    if render is None:
        show_generic(console, name, result)
    else:
        render(console, result, scenario)


def show_negotiation(console: Console, result, scenario: Scenario) -> None:
    """Per track: how the talks go with every party on one strategy, and the tournament table."""
    from ..report.negotiation_section import run_sentence, strategy_table, track_notes
    from ..report.wording import Words

    words = Words(scenario)
    for t in result.tracks:
        if t.skipped:
            console.print(f"[dim]{t.title}: not simulated ({t.skipped})[/dim]")
            continue
        table = Table(title=f"Negotiation: {t.title}", title_justify="left")
        cols, rows = strategy_table(t.strategies, t.any_deal)
        for col in cols:
            table.add_column(col)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        for note in track_notes(t):
            console.print(note, markup=False)
        console.print(run_sentence(t, words), markup=False)


def show_stability(console: Console, result, scenario: Scenario) -> None:
    """Per conflict: each state (GMCR+ number and Y/N label) with the decision makers for which
    it is stable under each concept, and the same per player when the conflict has coalitions."""
    from ..report.stability_section import equilibria_sentence, path_sentences, shown_states
    from ..stability.analysis import CONCEPT_TITLES

    names = {a.id: a.name for a in scenario.actors}
    for note in result.notes:
        console.print(f"[dim]{note}[/dim]")
    for c in result.conflicts:
        shown = shown_states(c)
        caption = (f"{len(shown)} of {c.total_states:,} states shown (status quo, paths, equilibria)"
                   if len(shown) < c.total_states else None)
        console.print(_stability_table(console, f"Conflict stability: {escape(c.title)}", c, shown,
                                       result.concepts, c.decision_makers, c.stable, c.equilibria, caption),
                      crop=False)
        console.print("#: GMCR+ state number; options: " + ", ".join(f"{o} ({dm})" for o, _, dm in c.options),
                      markup=False, soft_wrap=True)
        for dm, states in c.misperceived.items():
            console.print(f"{names.get(dm, dm)} misperceives {', '.join(states)} (no move to or from them)",
                          markup=False, soft_wrap=True)
        console.print(equilibria_sentence(c), markup=False, soft_wrap=True)
        for note in c.left_out:
            console.print(note + ".", style="dim", markup=False, soft_wrap=True)
        for line in path_sentences(c, names):
            console.print(f"  {line}", markup=False, soft_wrap=True)
        if c.coalitions:
            concepts = tuple(k for k in result.concepts if k in c.coalition_stable)
            console.print(_stability_table(console, f"Coalition stability: {escape(c.title)}", c, shown,
                                           concepts, c.coalitions, c.coalition_stable, c.coalition_equilibria,
                                           caption),
                          crop=False)
            console.print("Players: the coalitions analysed as one each (a coalition improves when every "
                          "member gains), every other decision maker alone. Equilibria — " + "; ".join(
                              f"{CONCEPT_TITLES[k]}: {', '.join(c.coalition_equilibria[k]) or 'none'}"
                              for k in concepts) + ".", markup=False, soft_wrap=True)
        for note in c.coalition_notes:
            console.print(note, style="dim", markup=False, soft_wrap=True)


def _stability_table(console: Console, title: str, c, shown, concepts, players, stable, equilibria,
                     caption: str | None) -> Table:
    """States as rows, concepts as columns, each cell the players for which the state is
    stable ("EQ all" at an equilibrium); labels and names are never cut short."""
    from ..stability.analysis import CONCEPT_TITLES

    table = Table(title=title, title_justify="left", caption=caption)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("state", no_wrap=True)
    for k in concepts:
        table.add_column(CONCEPT_TITLES[k], overflow="fold")
    index = {label: k for k, label in enumerate(c.states)}
    eq_sets = {k: set(equilibria[k]) for k in concepts}
    for label in shown:
        s = index[label]
        cells = []
        for k in concepts:
            who = "\n".join(p for i, p in enumerate(players) if stable[k][s][i])
            cells.append("[bold green]EQ[/] all" if label in eq_sets[k] else escape(who))
        table.add_row(str(c.number(s)), label + (" (sq)" if label == c.status_quo else ""), *cells)
    longest = max((len(w) for p in players for w in p.split()), default=1)
    needed = (len(str(c.total_states)) + len(c.states[0]) + 5 + len(concepts) * longest
              + 3 * (len(concepts) + 2) + 1)
    if needed > console.width:  # wider than the terminal (printed uncropped) rather than cut short
        table.width = needed
    return table


def show_agreement(console: Console, result, scenario: Scenario) -> None:
    """Per track: how many outcomes pass, the Nash compromise, and what blocks (the track's verdict is
    the overview's, printed in Tracks at a glance)."""
    from ..report.wording import Words, fmt

    words = Words(scenario)
    table = Table(title="Agreement space per track", title_justify="left", show_lines=True)
    for col in ("track", "outcomes passing", "Nash compromise", "indivisible security"):
        table.add_column(col)
    notes = []
    for t in result.tracks:
        if t.deferred:
            table.add_row(t.title, "[dim]deferred: not analysed[/]", "", "")
            continue
        passing = "n/a" if t.n_agreeable is None else f"{t.n_agreeable:,} of {t.n_outcomes:,}"
        nash = next((s for s in t.solutions if s.concept == "nash"), None)
        compromise = "; ".join(f"{k}={fmt(v)}" for k, v in nash.outcome.items()) if nash else ""
        secure = "" if nash is None else ("passes" if nash.indivisible else
                                          "fails: " + ", ".join(nash.below_baseline))
        table.add_row(t.title, passing, compromise, secure)
        if words.compromise(t):
            notes.append((t.title, "the compromise against no deal", words.compromise(t)))
        if t.diagnosis is not None:
            notes.append((t.title, "what blocks a deal", words.diagnosis(t)))
        if t.notes:
            notes.append((t.title, "note", list(t.notes)))
    console.print(table)
    for title, heading, sentences in notes:
        console.print(f"[bold]{title}[/bold]: {heading}")
        for s in sentences:
            console.print(f"  - {s}", markup=False)


def show_process(console: Console, result, scenario: Scenario) -> None:
    """Designs side by side, each track's chance under each, the forums, and the claims answered."""
    from ..report.process_words import (
        DESIGN_NAMES,
        SHORT_KEY,
        claim_question,
        claim_sentence,
        deal_lines,
        draws_words,
        pct_short,
    )
    from ..report.wording import Words

    words = Words(scenario)
    table = Table(title=f"Process designs over {draws_words(result.draws)} (seed {result.seed}; {SHORT_KEY})",
                  title_justify="left")
    table.add_column("track")
    for d in result.designs:
        table.add_column(DESIGN_NAMES[d.design])
    for t in result.tracks:
        table.add_row(words.tracks.get(t, t), *[pct_short(d.p_track[t]) for d in result.designs])
    means = [f"{d.mean_agreed.value:.2f}" + "*" * d.mean_agreed.structural for d in result.designs]
    table.add_row("[bold]tracks agreed (mean)[/]", *means)
    table.add_row("[bold]at least one[/]", *[pct_short(d.p_any) for d in result.designs])
    table.add_row("[bold]all[/]", *[pct_short(d.p_all) for d in result.designs])
    console.print(table)
    console.print("[bold]What each design agrees, issue by issue[/] (most frequent option or mean "
                  "where agreed)")
    for line in deal_lines(result, words):
        console.print(line, markup=False, soft_wrap=True)
    for fc in result.forums:
        ft = Table(title=f"Forums for {words.tracks.get(fc.track, fc.track)}", title_justify="left")
        ratify = any(f.p_ratified is not None for f in fc.forums)
        for col in ("forum", "parties", "agrees", *(["agreed and ratified"] if ratify else []),
                    "win-set (share of outcomes)"):
            ft.add_column(col)
        for f in fc.forums:
            then = [pct_short(f.p_ratified) if f.p_ratified is not None else "-"] if ratify else []
            ft.add_row(f.title, str(f.parties), pct_short(f.p_agree), *then, f"{f.winset.value:.1%}")
        console.print(ft)
    for claim in result.claims:
        console.print(f"[bold]{claim_question(result, claim, words)}[/] "
                      f"{claim_sentence(result, claim, words)}", soft_wrap=True)
    _show_drivers(console, result, words)


def _show_drivers(console: Console, result, words) -> None:
    """Only the inputs that drive a result beyond chance, with their effect and Holm p; one
    sentence where none does."""
    from ..report.process_words import NO_DRIVERS, driver_rows

    rows = driver_rows(result, words)
    if not rows:
        console.print(NO_DRIVERS, markup=False, soft_wrap=True)
        return
    table = Table(title="What drives agreement (permutation test, Holm's correction at 1%)",
                  title_justify="left")
    for col in rows[0]:
        table.add_column(escape(col))
    for row in rows:
        table.add_row(*[escape(v) for v in row.values()])
    console.print(table)


def show_deterrence(console: Console, result, scenario: Scenario) -> None:
    """Per crisis: how often deterrence holds and why it fails, and each guarantee's chance of responding."""
    from ..report.deterrence_section import (
        crisis_sentence,
        frontier_rows,
        guarantee_rows,
        link_sentences,
        nominal_sentence,
    )
    from ..report.process_words import draws_words

    names = {a.id: a.name for a in scenario.actors}
    for note in result.notes:
        console.print(note, style="dim", markup=False)
    for c in result.crises:
        console.print(f"[bold]{escape(c.title)}[/bold]")
        console.print(crisis_sentence(c, names), markup=False, soft_wrap=True)
        console.print(nominal_sentence(c), markup=False, soft_wrap=True, style="dim")
        for sentence in link_sentences(c):
            console.print(sentence, markup=False, soft_wrap=True)
        front = frontier_rows(c)
        if front:
            ft = Table(title="Deterrence and acceptability: the best outcomes", title_justify="left")
            for col in front[0]:
                ft.add_column(col)
            for row in front:
                ft.add_row(*[escape(v) for v in row.values()])
            console.print(ft)
        rows = guarantee_rows(c, names)
        table = Table(title=f"Guarantees ({draws_words(result.draws)}, seed {result.seed}; averages with "
                      "their spread over the inputs)", title_justify="left")
        for col in rows[0] if rows else ():
            table.add_column(col)
        for row in rows:
            table.add_row(*[escape(v) for v in row.values()])
        console.print(table)
    _show_variants(console, result.variants, scenario)


def show_escalation(console: Console, result, scenario: Scenario) -> None:
    """The headline risk, the risk by theatre and horizon, and what each measure takes off."""
    from ..escalation.risk import BASELINE, PACKAGE
    from ..report.escalation_section import effect_rows, headline, shown_rungs

    console.print(headline(result), markup=False, soft_wrap=True, style="bold")
    package = PACKAGE in result.scenarios
    risk = Table(title="Escalation risk by theatre and horizon (mean" + (
        ": no measures → all measures)" if package else ", no measures)"), title_justify="left")
    risk.add_column("theatre")
    risk.add_column("months", justify="right")
    for rung in shown_rungs(result):
        risk.add_column(escape(rung), justify="right")
    for t, title in result.theatres.items():
        for k, h in enumerate(result.horizons):
            cells = []
            for rung in shown_rungs(result):
                text = f"{100 * result.risk(BASELINE, t, h, rung).mean:.1f}%"
                if package:
                    text += f" → {100 * result.risk(PACKAGE, t, h, rung).mean:.1f}%"
                cells.append(text)
            risk.add_row(escape(title) if k == 0 else "", str(h), *cells,
                         end_section=k == len(result.horizons) - 1)
    console.print(risk)
    rows = effect_rows(result)
    if rows:
        table = Table(title="Risk reduction by measure, any theatre, longest horizon", title_justify="left")
        for col in rows[0]:
            table.add_column(escape(col))
        for row in rows:
            table.add_row(*[escape(v) for v in row.values()])
        console.print(table)
    from ..report.escalation_section import link_sentences

    for sentence in link_sentences(result):
        console.print(sentence, markup=False, soft_wrap=True)
    _show_variants(console, result.variants, scenario)
    console.print(f"Ranges are the central {round(100 * result.level)}% of each figure's spread over the "
                  "uncertain inputs, not Monte Carlo error; a figure without one is the same in every draw "
                  "(structural); 'any theatre' assumes the theatres escalate "
                  "independently; the lower rungs and the measures' effects are judgement (see the "
                  "scenario's sources).", style="dim", soft_wrap=True, markup=False)


def _show_variants(console: Console, ranges, scenario: Scenario | None = None) -> None:
    """Each headline across the model variants, beside its interval over the inputs; with the
    scenario, each variant's reasons and source."""
    from ..report.variant_words import range_sentence, variant_rows

    for v in ranges:
        console.print(range_sentence(v), markup=False, soft_wrap=True)
        rows = variant_rows(v, scenario)
        table = Table(title=f"{v.headline}, by model variant", title_justify="left")
        for col in rows[0]:
            table.add_column(escape(col))
        for row in rows:
            table.add_row(*[escape(x) for x in row.values()])
        console.print(table)


def show_self_determination(console: Console, result, scenario: Scenario) -> None:
    """Past cases against the criteria, with symbols and the count met."""
    from ..report.selfdetermination_section import LEGEND, case_label, symbol

    table = Table(title="Criteria for legitimate self-determination, applied to past cases",
                  title_justify="left")
    table.add_column("case", ratio=1)
    for k, _ in enumerate(result.criteria, start=1):  # numbered columns, keyed below, to fit a terminal
        table.add_column(str(k), justify="center", no_wrap=True)
    table.add_column("met", justify="right", no_wrap=True)
    for case in result.cases:
        table.add_row(escape(case_label(case)), *[symbol(case, c.id) for c in result.criteria],
                      f"{case.met} of {case.assessed}")
    console.print(table)
    console.print("; ".join(f"{k} {c.label}" for k, c in enumerate(result.criteria, start=1)) + ".",
                  markup=False, soft_wrap=True)
    console.print(LEGEND, style="dim", markup=False, soft_wrap=True)


def show_forecast(console: Console, result, scenario: Scenario) -> None:
    """Each numeric issue, by track: the status quo, every model's central forecast and the Nash solution."""
    from ..report.forecast_section import (
        AGREED_LABEL,
        acceptable_text,
        agreed_central,
        agreed_range_text,
        agreed_sentence,
        agreement_words,
        beyond_words,
        bounded,
        by_track,
        flag,
        headline_words,
        issue_label,
        model_name,
        model_range_text,
        num,
        plain,
        solution_text,
    )
    from ..report.wording import Words

    if not result.issues:
        console.print("No numeric issue to forecast.", style="dim")
        return
    tracks = Words(scenario).tracks
    table = Table(title=f"Forecasts of the numeric issues (central values; {round(100 * result.level)}% "
                  f"intervals over {result.draws:,} draws in results.json)", title_justify="left")
    table.add_column("issue", ratio=1)
    with_sq = any(i.status_quo is not None for i in result.issues)  # none on games, Genius domains
    if with_sq:
        table.add_column("status quo", justify="right", no_wrap=True)
    for m in result.models:
        table.add_column(f"{m} (lead)" if m == result.lead and len(result.models) > 1 else m,
                         justify="right", no_wrap=True)
    ranged = any(i.model_range is not None for i in result.issues)
    if ranged:
        table.add_column("model range", overflow="fold")
    table.add_column("Nash", justify="right", no_wrap=True)
    for track, issues in by_track(result).items():
        table.add_row(f"[bold]{escape(tracks.get(track, track))}[/bold]")
        for k, i in enumerate(issues):
            sq = [plain(i.status_quo) if i.status_quo is not None else ""] if with_sq else []
            span = [escape(model_range_text(i))] if ranged else []
            last = k == len(issues) - 1
            table.add_row("  " + escape(issue_label(i)), *sq,
                          *[num(i, i.model(m).nominal) + flag(i, m) for m in result.models], *span,
                          solution_text(i, "nash"), end_section=last and not bounded(i))
            if bounded(i):  # the forecasts conditional on agreement, within the acceptable set
                table.add_row(f"    ↳ {AGREED_LABEL} (acceptable: {escape(acceptable_text(i))})",
                              *([""] if with_sq else []),
                              *[agreed_central(i, i.on_agreement(m)) for m in result.models],
                              *([escape(agreed_range_text(i))] if ranged else []), "", end_section=last)
    console.print(table)
    words = Words(scenario).actors
    for i in result.issues:  # the headline model beyond a red line: say so, and where an agreement lands
        beyond = beyond_words(i, result.lead, words)
        if beyond:
            console.print(f"{i.title}: {model_name(result.lead)}'s forecast lies {beyond}. "
                          + agreed_sentence(i, result.lead, words), markup=False, soft_wrap=True)
    console.print(headline_words(result) + agreement_words(result), style="dim", markup=False,
                  soft_wrap=True)
    console.print("mean: the compromise model (capability x salience weighted mean); median: weighted "
                  "median; challenge: expected-utility challenge model; condorcet: probabilistic Condorcet "
                  "model; Nash: the Nash bargaining solution of the track's agreement space (— where the "
                  "agreement space gives none).",
                  style="dim", markup=False, soft_wrap=True)
    for note in result.notes:
        console.print(note, style="dim", markup=False)


def show_factors(console: Console, result, scenario: Scenario) -> None:
    """Per common factor: what it stands for, the estimates it moves with their loadings, and how
    the headline numbers move with it over the draws, strongest first."""
    from ..report.factors_section import (
        LOADINGS,
        effects_caption,
        intro,
        shown_effects,
        source_text,
        strongest_sentence,
        value,
    )

    for f in result.factors:
        console.print(f"[bold]{escape(f.title)}[/bold] [dim]({escape(f.id)})[/dim]")
        if f.note:
            console.print(f.note.strip(), markup=False, soft_wrap=True)
        if f.source:
            console.print(f"Source: {source_text(f, scenario)}", style="dim", markup=False, soft_wrap=True)
        console.print(strongest_sentence(f, result.draws), style="bold", markup=False, soft_wrap=True)
        if f.estimates:
            moved = Table(title="Estimates the factor moves", title_justify="left", expand=True)
            moved.add_column("estimate", ratio=1, overflow="fold")
            moved.add_column("loading", justify="right", no_wrap=True)
            moved.add_column("moves", no_wrap=True)
            for e in f.estimates:
                moved.add_row(escape(e.label), f"{e.loading:+.2g}", e.moves)
            console.print(moved)
            console.print(LOADINGS, style="dim", markup=False, soft_wrap=True)
        shown = shown_effects(f)
        if shown:
            title = f"Headline numbers by the factor ({result.draws:,} draws, seed {result.seed})"
            table = Table(title=title, title_justify="left", expand=True)
            table.add_column("headline [dim](analysis)[/dim]", ratio=1, overflow="fold")
            for col in ("rank corr.", "strength", "Holm p", "factor low", "factor high"):
                table.add_column(col, justify="right" if col != "strength" else "left", no_wrap=True)
            for e in shown:
                table.add_row(f"{escape(e.label)} [dim]({e.analysis})[/dim]", f"{e.rank_correlation:+.2f}",
                              e.strength, f"{e.p_value:.2g}", value(e, e.low_third), value(e, e.high_third))
            console.print(table)
            console.print("factor low / high: the headline's mean when the factor is in its lowest / highest "
                          "third of draws. " + effects_caption(f), style="dim", markup=False, soft_wrap=True)
    console.print(intro(result), style="dim", markup=False, soft_wrap=True)
    for note in result.notes:
        console.print(note, style="dim", markup=False, soft_wrap=True)


def show_evaluation(console: Console, result) -> None:
    """Proposals ranked: per track the outcome and share passing, per party the share accepting
    and why not, the effects on linked analyses and the nearest passing outcomes."""
    console.print(f"[bold]Proposals on {escape(result.scenario)}[/bold] ({result.draws} draws, seed "
                  f"{result.seed}); ranked by {escape(result.ranking)}")
    for p in result.proposals:
        console.print(f"\n[bold]{p.rank}. {escape(p.id)}[/bold]: {escape(p.title)} -- every track passes in "
                      f"{_pct(p.joint)} of draws; mean party acceptance {_pct(p.mean_acceptance)}")
        for t in p.tracks:
            terms = ", ".join(f"{k} {v}" for k, v in t.outcome.items())
            left = f" (left open, best completion: {', '.join(t.open_issues)})" if t.open_issues else ""
            console.print(f"  Track {escape(t.track)}: {escape(terms)}{escape(left)}; "
                          f"passes in {_pct(t.passes)}")
            table = Table(show_edge=False, pad_edge=False)
            for col in ("party", "veto", "accepts", "why not (share of draws)"):
                table.add_column(col)
            for v in t.parties:
                why = "; ".join(f"{r.detail} ({_pct(r.share)})" for r in v.reasons) or "-"
                table.add_row(escape(v.party), "yes" if v.veto else "", _pct(v.accepts), escape(why))
            console.print(table)
            for r in t.blocked_by:
                console.print(f"    blocked: {escape(r.detail)} in {_pct(r.share)} of draws")
            for n in t.nearest:
                change = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in n.changes.items())
                console.print(f"    nearer to passing: {escape(change)} (passes in {_pct(n.passes)})")
            if t.note:
                console.print(f"    {escape(t.note)}")
        for e in p.effects:
            base = "" if e.baseline is None else f" ({e.baseline_label}: {_pct(e.baseline)})"
            console.print(f"  {escape(e.analysis)}: {escape(e.headline)}: {_pct(e.with_proposal)}{base}")
        for note in p.notes:
            console.print(f"  [dim]{escape(note)}[/dim]")


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"
