"""Each question's answer computed from the results of a run (issue 19, item 3): one function per
question, reading the upstream results by type; a question whose results did not run is answered
"cannot be answered here" with the analyses it needs. Names are the scenario's, never ids; every
figure a sentence cites is kept in the answer's ``figures``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..deterrence.analysis import DeterrenceResult
from ..escalation.analysis import EscalationResult
from ..hinges import HingesResult, hinge_sentence
from ..montecarlo.stats import Estimate95
from ..process.result import ProcessResult
from ..scenario.model import Scenario
from ..settlement import Settlement
from ..settlement.variants import VariantRange
from ..space.result import AgreementSpaceResult, ConstraintRef
from .questions import QUESTIONS, Question
from .result import CANNOT, Answer

Found = tuple[str, str, str, dict[str, float]]  # (answer, the brief's short answer, robustness, figures)


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def name(scenario: Scenario, actor_id: str) -> str:
    return next((a.name for a in scenario.actors if a.id == actor_id), actor_id)


def title(scenario: Scenario, track_id: str) -> str:
    return next((t.title or t.id for t in scenario.tracks if t.id == track_id), track_id)


def issue_label(scenario: Scenario, issue_id: str) -> str:
    return next((i.label for _, i in scenario.issues() if i.id == issue_id), issue_id)


def interval(e: Estimate95) -> str:
    """An estimate's 95% interval and what it measures."""
    if e.kind == "structural":
        return "the same in every draw (structural: no interval)"
    return f"{e.low:.2f} to {e.high:.2f} ({e.kind})"


def variant_words(v: VariantRange) -> str:
    """A headline across the model variants: its lowest and highest mean and which give them."""
    return (f"Across model variants {v.headline} runs from {100 * v.low:.1f}% ({v.lowest}) to "
            f"{100 * v.high:.1f}% ({v.highest}); each variant's figure has its {v.interval}")


def first(results: dict[str, Any], kind: type) -> Any:
    return next((r for r in results.values() if isinstance(r, kind)), None)


# --------------------------------------------------------------------------- 1 parallel or package


def parallel_or_package(scenario: Scenario, results: dict, q: Question,
                        settlement: Settlement | None) -> Found:
    process: ProcessResult = first(results, ProcessResult)
    par, pack = process.design("parallel"), process.design("package")
    more = process.comparison.more_tracks
    verdict = "beat" if more.low > 0 else ("lose to" if more.high < 0 else "do not clearly beat")
    text = (f"Parallel tracks {verdict} one grand bargain: {par.mean_agreed.value:.2f} tracks agreed on "
            f"average against {pack.mean_agreed.value:.2f} in a single package of all "
            f"{len(pack.tracks)} tracks (parallel ahead in {pct(process.comparison.p_parallel_ahead.value)} "
            "of draws).")
    figures = {"parallel_mean_agreed": par.mean_agreed.value, "package_mean_agreed": pack.mean_agreed.value,
               "more_tracks": more.value}
    partial = next((d for d in process.designs if d.design == "partial-package"), None)
    if partial is not None and partial.mean_agreed.value > par.mean_agreed.value:
        bundled = ", ".join(title(scenario, t) for t in partial.tracks)
        text += (f" A small package of {bundled} with the rest in parallel does better still "
                 f"({partial.mean_agreed.value:.2f}).")
        figures["partial_mean_agreed"] = partial.mean_agreed.value
    robust = (f"Difference in tracks agreed: {more.value:.2f}, interval {interval(more)}. The process "
              "analysis runs no model variants; its designs are model choices compared on the same draws.")
    short = (f"Parallel tracks {verdict} one package: {par.mean_agreed.value:.2f} tracks agreed against "
             f"{pack.mean_agreed.value:.2f}.")
    return text, short, robust, figures


# --------------------------------------------------------------------------- 2 binding red line


def binding_red_line(scenario: Scenario, results: dict, q: Question, settlement: Settlement | None) -> Found:
    space: AgreementSpaceResult = first(results, AgreementSpaceResult)
    parts, figures, whose = [], {}, []
    for t in space.tracks:
        if t.deferred or t.can_agree or t.diagnosis is None or not t.diagnosis.minimal_sets:
            continue
        sets = t.diagnosis.minimal_sets
        singles = all(len(x) == 1 for x in sets)  # each red line blocks alone: name them all
        shown = sets if singles else sets[:1]
        lines = "; ".join(_constraint(scenario, c) for x in shown for c in x)
        opens = [r for r in t.diagnosis.relaxations if r.opens and r.constraint.kind == "red_line"]
        relax = " or ".join(f"{name(scenario, r.constraint.actor)} moving its line on "
                          f"{issue_label(scenario, r.constraint.issue or '')} to {value(r.new_threshold)}"
                          for r in opens[:2])
        more = len(sets) - len(shown)
        text = f"{t.title}: {lines}" + (f" (or {more} other set{'s' if more > 1 else ''})" if more else "")
        text += f"; a deal opens with {relax}" if relax else "; no single red line's relaxation opens a deal"
        parts.append(text)
        actors = list(dict.fromkeys(name(scenario, c.actor) for s in t.diagnosis.minimal_sets for c in s))
        whose.append(f"{' and '.join(actors)} on {t.title}")
        figures[f"{t.track_id}.minimal_sets"] = float(len(t.diagnosis.minimal_sets))
    if not parts:
        return ("No track of the settlement is blocked by red lines: every track analysed can agree or "
                "is left open on purpose.", "No red line blocks a track.",
                "A structural finding at the central estimates.", figures)
    text = "The binding red lines, per blocked track: " + ". ".join(parts) + "."
    short = "Red lines bind for " + "; ".join(whose) + "."
    robust = ("Found at the central estimates (structural, no interval); the hinges say how far an input "
              "must move to change a track's verdict.")
    return text, short, robust, figures


def _constraint(scenario: Scenario, c: ConstraintRef) -> str:
    who = name(scenario, c.actor)
    if c.kind != "red_line" or c.issue is None:
        return f"{who} prefers no deal to what remains"
    rel = {"above": "above", "below": "below"}.get(c.relation or "", "")
    cond = f" {c.condition}" if c.condition else ""
    what = f"{rel} {value(c.threshold)}" if rel else value(c.threshold)
    return f"{who} will not accept {what} on {issue_label(scenario, c.issue)}{cond}"


def value(v: Any) -> str:
    """A threshold as a reader says it: an option's words, a number without needless decimals."""
    if isinstance(v, str):
        return "'" + v.replace("-", " ") + "'"
    return f"{float(v):.3g}" if v is not None else "?"


# --------------------------------------------------------------------------- 3 moratorium


def moratorium(scenario: Scenario, results: dict, q: Question, settlement: Settlement | None) -> Found:
    from ..proposals import Proposal
    from ..proposals.evaluate import proposal_passes
    from ..settlement import settlement_of

    track_id, issue_id = q.subject["track"], q.subject["issue"]
    track = next((t for t in scenario.tracks if t.id == track_id), None)
    issue = None if track is None else next((i for i in track.issues if i.id == issue_id), None)
    if track is None or issue is None:
        raise _Missing(f"the scenario has no issue '{issue_id}' on a track '{track_id}'")
    values = settlement_of(scenario, settlement).run.values()
    parts, figures = [], {}
    for years in q.subject["values"]:
        proposal = Proposal(f"moratorium-{years}", f"{years}-year moratorium", {track_id: {issue_id: years}})
        verdicts, _ = proposal_passes(scenario, proposal, values, nearest=False)
        v = verdicts[0]
        low = sorted(v.parties, key=lambda p: p.accepts)[:2]
        who = ", ".join(f"{name(scenario, p.party)} {pct(p.accepts)}" for p in low)
        parts.append(f"at {years} years the best deal around it passes in {pct(v.passes)} of draws "
                     f"(least willing: {who})")
        figures[f"passes_at_{years}"] = v.passes
    text = f"On {title(scenario, track_id)}, " + "; ".join(parts) + "."
    process = first(results, ProcessResult)
    if process is not None and track_id in process.tracks:
        share = process.design("parallel").p_track[track_id]
        text += f" Left open, the track agrees in {pct(share.value)} of draws in parallel talks."
        figures["parallel_share"] = share.value
    robust = ("Shares of the run's draws (Monte Carlo); no model variant changes the proposal's "
              "evaluation.")
    short = (f"Fixing the moratorium at {' or '.join(str(y) for y in q.subject['values'])} years, the "
             f"deal on {title(scenario, track_id)} passes in "
             f"{' and '.join(pct(figures[f'passes_at_{y}']) for y in q.subject['values'])} of draws.")
    return text, short, robust, figures


# --------------------------------------------------------------------------- 4 guarantee


def _on_track(scenario: Scenario, crisis_id: str, guarantee_id: str, term: str, v: float) -> str:
    """The term's value read back on the issue of the track that sets it, where a linear unit mapping
    links them (the model counts brigades, the track negotiates troops): inverted at the mapping's
    central values. Empty where no such mapping exists."""
    crisis = next((c for c in scenario.deterrence if c.id == crisis_id), None)
    spec = next((x for x in crisis.guarantees if x.id == guarantee_id), None) if crisis else None
    link = spec.from_track.terms.get(term) if spec is not None and spec.from_track is not None else None
    lin = getattr(link, "linear", None)
    if link is None or lin is None or link.issue is None:
        return " in the model's units"
    (x0, x1), (y0, y1) = lin.from_, (float(lin.to[0].nominal), float(lin.to[1].nominal))
    if y1 == y0:
        return " in the model's units"
    x = x0 + (v - y0) * (x1 - x0) / (y1 - y0)
    units = [getattr(i, "unit", None) for _, i in scenario.issues() if i.id == link.issue]
    unit = f" {units[0]}" if units and units[0] else ""
    return (f" in the model's units (about {x:.3g}{unit} on {issue_label(scenario, link.issue)}, at the "
            "central unit mapping)")


def guarantee(scenario: Scenario, results: dict, q: Question, settlement: Settlement | None) -> Found:
    space: AgreementSpaceResult = first(results, AgreementSpaceResult)
    deterrence: DeterrenceResult = first(results, DeterrenceResult)
    track_id, crisis_id = q.subject["track"], q.subject["crisis"]
    t = next((x for x in space.tracks if x.track_id == track_id), None)
    crisis = next((c for c in deterrence.crises if c.id == crisis_id), None)
    if t is None or crisis is None:
        raise _Missing(f"the scenario has no track '{track_id}' or no crisis '{crisis_id}'")
    agree = "has" if t.can_agree else "has no"
    text = (f"{t.title} {agree} outcome that every party who must consent accepts at the central estimates; "
            f"a renewed offensive by {name(scenario, crisis.challenger)} is deterred in "
            f"{pct(crisis.deterred.value)} of draws under the terms the talks reach.")
    figures = {"deterred": crisis.deterred.value, "can_agree": float(bool(t.can_agree))}
    for g in crisis.guarantees:
        if g.curve is None:
            continue
        enough = [v for v, p in zip(g.curve.values, g.curve.probability, strict=True) if p >= 0.5]
        if enough:
            text += (f" With '{g.title}', deterrence holds in at least half the draws from a "
                     f"{g.curve.term} of {enough[0]:.3g}"
                     f"{_on_track(scenario, crisis_id, g.id, g.curve.term, enough[0])}")
            figures["smallest_deterring"] = float(enough[0])
            line = _challenger_line(t, crisis.challenger)
            if line is not None:
                on = issue_label(scenario, line.issue or "")
                text += (f", where {name(scenario, crisis.challenger)} will not accept "
                         f"{line.relation} {value(line.threshold)} on {on}")
            text += "."
            break
    short = (f"{'An' if t.can_agree else 'No'} outcome of {t.title} that all must accept; a renewed "
             f"offensive is deterred in {pct(crisis.deterred.value)} of draws.")
    robust = f"Share deterred: {interval(crisis.deterred)}."
    ranges = [v for v in deterrence.variants if crisis.title in v.headline]
    if ranges:
        robust += f" {variant_words(ranges[0])}."
    return text, short, robust, figures


def _challenger_line(t: Any, actor: str) -> ConstraintRef | None:
    if t.diagnosis is None:
        return None
    return next((r.constraint for r in t.diagnosis.relaxations if r.constraint.actor == actor
                 and r.constraint.kind == "red_line" and r.constraint.relation in ("above", "below")), None)


# --------------------------------------------------------------------------- 5 CBMs and war


def cbms_and_war(scenario: Scenario, results: dict, q: Question, settlement: Settlement | None) -> Found:
    esc: EscalationResult = first(results, EscalationResult)
    rung, horizon = esc.rungs[-1], max(esc.horizons)
    cells = {c.scenario: c for c in esc.cells
             if c.theatre == "combined" and c.horizon == horizon and c.rung == rung}
    if "none" not in cells or "package" not in cells:
        raise _Missing("the escalation result has no combined risk with and without the measures")
    none, agreed = cells["none"], cells["package"]
    full = cells.get("all-in-force")
    years = horizon // 12
    text = (f"Yes: the chance that any theatre reaches {rung} within {years} years falls from "
            f"{100 * none.mean:.1f}% with no measures to {100 * agreed.mean:.1f}% with the measures as "
            "agreed in parallel talks")
    figures = {"war_risk_none": none.mean, "war_risk_agreed": agreed.mean}
    if full is not None:
        text += f" ({100 * full.mean:.1f}% were all of them in force at full effect)"
        figures["war_risk_all_in_force"] = full.mean
    text += "."
    robust = (f"No measures {100 * none.low:.1f}-{100 * none.high:.1f}%, as agreed "
              f"{100 * agreed.low:.1f}-{100 * agreed.high:.1f}% ({agreed.kind}).")
    for v in esc.variants:
        robust += f" {variant_words(v)}."
    short = (f"The measures as agreed cut the {years}-year risk of {rung} from {100 * none.mean:.1f}% to "
             f"{100 * agreed.mean:.1f}%.")
    return text, short, robust, figures


# --------------------------------------------------------------------------- 6 US-Russia table


def us_russia_table(scenario: Scenario, results: dict, q: Question, settlement: Settlement | None) -> Found:
    process: ProcessResult = first(results, ProcessResult)
    parts, figures = [], {}
    stalls = []
    for comp in sorted(process.forums, key=_ratified_first):
        bilateral = [f for f in comp.forums if f.bilateral]
        others = [f for f in comp.forums if not f.bilateral]
        if not bilateral or not others:
            continue
        b = bilateral[0]
        worst = min(others, key=lambda f: f.p_agree.value)
        text = (f"on {title(scenario, comp.track)} the US-Russia table agrees in {pct(b.p_agree.value)} of "
                f"draws against {pct(worst.p_agree.value)} at the widest table ({worst.title})")
        figures[f"{comp.track}.bilateral"] = b.p_agree.value
        figures[f"{comp.track}.multilateral"] = worst.p_agree.value
        if b.p_ratified is not None:
            who = ", ".join(name(scenario, a) for a in b.ratified_by)
            text += f", but once {who} must ratify it survives in {pct(b.p_ratified.value)}"
            figures[f"{comp.track}.ratified"] = b.p_ratified.value
        parts.append(text)
        if b.p_agree.value > worst.p_agree.value + 1e-9:
            stalls.append((comp.track, b))
    if not parts:
        raise _Missing("the process analysis compared no bilateral forum with a multilateral one")
    if not stalls:
        head = "No: wherever a US-Russia table is modelled, the wider table agrees as often. "
    else:
        survive = [b.p_ratified.value for _, b in stalls if b.p_ratified is not None]
        most = "" if len(survive) < 2 else "at most "
        after = f", but its deal survives ratification in {most}{pct(max(survive))} of draws" \
            if survive else ""
        head = (f"On {', '.join(title(scenario, t) for t, _ in stalls)} the US-Russia table agrees more "
                f"often{after}. ")
    answer = head + "Per track with a US-Russia forum: " + "; ".join(parts) + "."
    robust = ("Shares of the run's draws, paired on the same draws (Monte Carlo intervals); no model "
              "variant is run on the forums.")
    return answer, head.strip(), robust, figures


def _ratified_first(comp: Any) -> tuple[bool, str]:
    """Tracks whose bilateral deal must be ratified first (their hinges are shown first)."""
    return (not any(f.bilateral and f.p_ratified is not None for f in comp.forums), "")


# --------------------------------------------------------------------------- 7 China's pressure


def china_pressure(scenario: Scenario, results: dict, q: Question, settlement: Settlement | None) -> Found:
    process: ProcessResult = first(results, ProcessResult)
    effect = next((e for e in scenario.cross_track if e.id == q.subject["effect"]), None)
    if effect is None:
        raise _Missing(f"the scenario has no cross-track effect '{q.subject['effect']}'")
    src, to = effect.from_, effect.to
    share, why = _firing(scenario, process, effect)
    moved = title(scenario, to.track)
    text = (f"{effect.title or effect.id} fires in {pct(share)} of draws under parallel talks")
    figures = {"fires": share}
    link = next((k for k in process.links if k.kind == "cross-track"
                 and k.source.startswith(f"track:{src.track}/issue:{src.issue}")
                 and k.target.startswith(f"track:{to.track}/")), None)
    if share == 0:
        text += f": {why}, so it changes nothing on {moved}."
    elif link is not None and link.before is not None and link.after is not None:
        text += (f"; {moved} then agrees in {pct(link.after)} of draws instead of {pct(link.before)}.")
        figures["moved_before"], figures["moved_after"] = link.before, link.after
    else:
        text += "."
    det = first(results, DeterrenceResult)
    crisis = None if det is None else next((c for c in det.crises if c.id == q.subject.get("crisis")), None)
    if crisis is not None:
        text += f" {crisis.title} deters in {pct(crisis.deterred.value)} of draws."
        figures["pressure_deterred"] = crisis.deterred.value
    short = text.partition(". ")[0].rstrip(".") + "."
    robust = "A share of the run's draws (Monte Carlo); no model variant changes the effect."
    return text, short, robust, figures


def _firing(scenario: Scenario, process: ProcessResult, effect: Any) -> tuple[float, str]:
    """The share of draws in which the effect's source track agrees on one of its values (parallel
    talks), and why it never does where that share is zero."""
    src = effect.from_
    track = scenario.track(src.track)
    agreed_share = process.design("parallel").p_track.get(src.track)
    if agreed_share is None:
        return 0.0, f"{track.title} is not analysed"
    if process.per_draw is None or f"parallel.value.{src.track}.{src.issue}" not in process.per_draw:
        return 0.0, "the run kept no per-draw deals"
    agreed = process.per_draw["parallel.agreed"][:, list(process.tracks).index(src.track)].astype(bool)
    value = np.asarray(process.per_draw[f"parallel.value.{src.track}.{src.issue}"], dtype=float)
    issue = next(i for i in track.issues if i.id == src.issue)
    options = list(getattr(issue, "options", ()) or ())
    wanted = [options.index(v) if v in options else float(v) for v in (src.values or ())]
    hit = agreed & (np.isin(value, wanted) if wanted else True)
    share = float(np.mean(hit))
    if agreed_share.value == 0:
        why = f"{track.title} itself never agrees"
    elif share == 0:
        why = f"where {track.title} agrees, it never lands on China pressing Moscow"
    else:
        why = ""
    return share, why


# --------------------------------------------------------------------------- all


class _Missing(Exception):
    """A question this scenario or run cannot answer, and why."""


ANSWER: dict[str, Callable[[Scenario, dict, Question, Settlement | None], Found]] = {
    "parallel-or-package": parallel_or_package, "binding-red-line": binding_red_line,
    "moratorium": moratorium, "guarantee": guarantee, "cbms-and-war": cbms_and_war,
    "us-russia-table": us_russia_table, "china-pressure": china_pressure}

#: The upstream results each answer reads (by analysis name): missing one, it cannot be answered.
NEEDS: dict[str, tuple[str, ...]] = {
    "parallel-or-package": ("process",), "binding-red-line": ("agreement",), "moratorium": (),
    "guarantee": ("agreement", "deterrence"), "cbms-and-war": ("escalation",),
    "us-russia-table": ("process",), "china-pressure": ("process",)}


def answer_all(scenario: Scenario, results: dict[str, Any], settlement: Settlement | None = None,
               questions: tuple[Question, ...] = QUESTIONS) -> tuple[Answer, ...]:
    """Every question's answer from ``results`` (by analysis name)."""
    return tuple(answer_one(scenario, results, q, settlement) for q in questions)


def answer_one(scenario: Scenario, results: dict[str, Any], q: Question,
               settlement: Settlement | None = None) -> Answer:
    sources = {s.id for s in scenario.sources}
    raised = tuple(s for s in q.raised_by if s in sources)
    missing = [n for n in NEEDS.get(q.id, ()) if n not in results]
    if missing:
        return Answer(q.id, q.asks, raised, q.results, answered=False,
                      answer=f"This {CANNOT}: the run has no {', '.join(missing)} result.")
    try:
        text, short, robust, figures = ANSWER[q.id](scenario, results, q, settlement)
    except _Missing as why:
        return Answer(q.id, q.asks, raised, q.results, answered=False, answer=f"This {CANNOT}: {why}.")
    return Answer(q.id, q.asks, raised, q.results, answered=True, answer=text, short=short,
                  hinges_on=hinges_on(results, q, figures), robustness=robust, figures=figures)


def hinges_on(results: dict[str, Any], q: Question, figures: dict[str, float]) -> str:
    """What the answer hinges on: the hinges analysis's sentence for each headline that bears on
    the question (the first two), or why none is given; a prefix with "{track}" stands for each
    track the answer's figures name (``<track>.<figure>``)."""
    hinges: HingesResult | None = first(results, HingesResult)
    if hinges is None:
        return "The hinges analysis did not run."
    tracks = list(dict.fromkeys(k.split(".")[0] for k in figures if "." in k))
    prefixes = [p.replace("{track}", t) for p in q.hinges for t in (tracks if "{track}" in p else [""])]
    found = [h for h in hinges.hinges if any(h.id.startswith(p) for p in prefixes)
             and (h.switches or h.would_take)]
    if not found:
        return "No single input the hinges analysis searched flips it."
    return " ".join(hinge_sentence(h, 1) for h in found[:2])
