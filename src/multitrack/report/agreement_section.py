"""Report section for the agreement space of each track."""

from __future__ import annotations

from markupsafe import escape

from ..scenario.model import Scenario
from ..space.result import AgreementSpaceResult, Opening, TrackAgreement
from .charts import frontier_chart
from .sections import section_renderer
from .wording import Words, concept_name, fmt


def _numbers(t: TrackAgreement, words: Words) -> str:
    if t.n_agreeable is None:
        counted = "not counted (space too large to enumerate)"
    else:
        counted = f"{t.n_agreeable:,} of {t.n_outcomes:,} ({t.n_agreeable / t.n_outcomes:.1%})"
    indiv = "" if t.n_indivisible is None or not t.n_agreeable else (
        f"; {t.n_indivisible:,} of them leave no participant below its {t.baseline}")
    front = "" if not t.frontier else (
        f" Pareto frontier among {', '.join(words.actors.get(a, a) for a in t.bargainers)}: "
        f"{len(t.frontier):,} points.")
    return (f"<p class='counts'>Outcomes that pass the decision rule: "
            f"{escape(counted)}{escape(indiv)}.{escape(front)}</p>")


def _solutions(t: TrackAgreement, words: Words) -> str:
    if not t.solutions:
        return ""
    issues = list(t.solutions[0].outcome)
    head = "".join(f"<th>{escape(words.issues.get(i, i))}</th>" for i in issues)
    head += "".join(f"<th>{escape(words.actors.get(a, a))}</th>" for a in t.participants)
    rows = []
    for s in t.solutions:
        cells = "".join(f"<td>{escape(fmt(s.outcome[i]))}</td>" for i in issues)
        for a in t.participants:
            g = s.gain[a]
            cls = "gain" if g > 1e-9 else ("loss" if g < -1e-9 else "")
            raw = f"; raw {raw_text(s.raw_utility[a])}" if a in s.raw_utility else ""
            cells += f"<td class='{cls}'>{s.utility[a]:.2f} ({g:+.2f}{raw})</td>"
        below = ", ".join(words.actors.get(a, a) for a in s.below_baseline)
        ok = "passes" if s.indivisible else f"fails: {below}"
        rows.append(f"<tr><td>{escape(concept_name(s.concept, t))}</td>{cells}<td>{escape(ok)}</td></tr>")
    return ("<div class='scroll'><table class='data'><thead><tr><th>Solution</th>" + head +
            "<th>Indivisible security</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
            "<p class='caption'>Each row is one bargaining solution: the outcome issue by issue, then each "
            "participant's utility on a 0-1 scale over this track and, in brackets, its gain over the "
            f"{escape(baseline_words(t))} and its raw utility on the scale the scenario states. The last "
            "column is the indivisible-security test: it compares each participant with what it would "
            f"have without a deal ({escape(t.baseline)}), and fails where the solution leaves anyone worse "
            "off.</p>")


def baseline_words(t: TrackAgreement) -> str:
    """What no deal means on the track, in words."""
    if t.gains_over_status_quo:
        return "status quo"
    if t.no_deal_stated:
        rest = "the status quo" if t.has_status_quo else "its reservation value"
        return ("disagreement point (no deal: what failure of the track is worth to each party, its stated "
                f"no-deal value, else {rest})")
    return "disagreement point (each party's reservation value)"


def raw_text(x: float) -> str:
    """A raw utility: up to four significant digits."""
    return f"{x:.4g}"


#: Most frontier outcomes the report lists (every one is in results.json).
FRONTIER_ROWS = 100


def _frontier(t: TrackAgreement, words: Words) -> str:
    """The Pareto-optimal acceptable outcomes in the issues' own terms, with the bargainers'
    utilities (0-1 and raw)."""
    if not t.frontier_outcomes:
        return ""
    issues = list(t.frontier_outcomes[0])
    head = "".join(f"<th>{escape(words.issues.get(i, i))}</th>" for i in issues)
    head += "".join(f"<th>{escape(words.actors.get(a, a))}</th>" for a in t.bargainers)
    order = sorted(range(len(t.frontier)), key=lambda k: t.frontier[k])
    rows = []
    for k in order[:FRONTIER_ROWS]:
        cells = "".join(f"<td>{escape(fmt(t.frontier_outcomes[k][i]))}</td>" for i in issues)
        raw = t.frontier_raw[k] if t.frontier_raw else (None,) * len(t.bargainers)
        cells += "".join(f"<td>{u:.2f}" + (f" (raw {raw_text(r)})" if r is not None else "") + "</td>"
                         for u, r in zip(t.frontier[k], raw, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    more = (f" The first {FRONTIER_ROWS} of {len(order):,} are listed; results.json holds every one."
            if len(order) > FRONTIER_ROWS else "")
    return (f"<details><summary>The Pareto frontier outcome by outcome ({len(order):,})</summary>"
            f"<div class='scroll'><table class='data'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
            "</tbody></table></div><p class='caption'>Each row is one Pareto-optimal acceptable outcome: its "
            "value on each issue, then each bargainer's utility on a 0-1 scale and, in brackets, raw."
            f"{escape(more)}</p></details>")


def _track(t: TrackAgreement, words: Words) -> str:
    if t.deferred:
        return (f"<article class='track deferred' id='agreement-{escape(t.track_id)}'><h3>{escape(t.title)} "
                "<span class='badge deferred'>deferred</span></h3>"
                "<p>Left open on purpose; not analysed.</p></article>")
    # the track's verdict is the overview's (Tracks at a glance, and the summary): not decided here
    parts = [f"<article class='track' id='agreement-{escape(t.track_id)}'>", f"<h3>{escape(t.title)}</h3>",
             _numbers(t, words), _no_deal(t, words), _solutions(t, words), _frontier(t, words)]
    parts += [f"<p class='meta'>{escape(n)}</p>" for n in t.notes]
    chart = frontier_chart(t, words)
    if chart:
        what = ("the two veto players' utilities (0-1) on the Pareto frontier of the acceptable outcomes, "
                f"with the {t.baseline} and the bargaining solutions" if len(t.bargainers) == 2 else
                "each Pareto-optimal acceptable outcome as a line across the veto players' utilities (0-1); "
                "the bargaining solutions are drawn in colour")
        parts.append(f"<figure>{chart}<figcaption class='caption'>The chart shows {escape(what)}. Hover for "
                     "values; drag to zoom.</figcaption></figure>")
    sentences = words.diagnosis(t)
    if sentences:
        parts.append("<h4>What blocks a deal</h4><ul>"
                     + "".join(f"<li>{escape(s)}</li>" for s in sentences) + "</ul>")
        parts.append(_openings(t, words))
    if t.unavailable:
        parts.append(f"<p class='meta'>Not computed at this size: {escape('; '.join(t.unavailable))}.</p>")
    parts.append("</article>")
    return "".join(parts)


@section_renderer(AgreementSpaceResult)
def agreement_section(result: AgreementSpaceResult, scenario: Scenario) -> str:
    words = Words(scenario)
    intro = ("<p class='caption'>An outcome is acceptable to a party when it breaks none of its red lines "
             f"and is worth at least its reservation value ({escape(reservation_default(result))}); "
             "an outcome passes when the acceptances meet its forum's decision rule. Each track's verdict, "
             "drawn from these numbers, is in the summary and in Tracks at a glance. Utilities are shown on "
             "a 0-1 scale over each track, and raw on the scale the scenario states them.</p>")
    return intro + "".join(_track(t, words) for t in result.tracks)


def _no_deal(t: TrackAgreement, words: Words) -> str:
    """The disagreement point where the track states what failure costs."""
    text = words.no_deal(t)
    return f"<p class='no-deal'>{escape(text)}</p>" if text else ""


def _openings(t: TrackAgreement, words: Words) -> str:
    """Per minimal relaxation, the deals it opens in the issues' own terms, with each participant's
    gain over no deal (negative: worse off than without a deal)."""
    d = t.diagnosis
    if d is None:
        return ""
    named = [("Giving up " + "; ".join(words.constraint(c) for c in s), o)
             for s, o in zip(d.minimal_sets, d.openings, strict=True)]
    named += [(words.relaxation_title(r), Opening(r.opens_outcomes, r.opened))
              for r in d.relaxations if r.opens]
    blocks = [_opening_table(title, o, t, words) for title, o in named if o.outcomes]
    if not blocks:
        return ""
    return ("<details><summary>What each relaxation opens, outcome by outcome</summary>" + "".join(blocks) +
            "<p class='caption'>For each relaxation that opens a deal: the Pareto-optimal outcomes it "
            "admits (other than the status quo, and only outcomes someone prefers to no deal), best first, "
            f"each with every participant's gain over the {escape(baseline_words(t))} on its 0-1 scale; a "
            "negative gain means worse off than without a deal.</p></details>")


def _opening_table(title: str, o: Opening, t: TrackAgreement, words: Words) -> str:
    issues = list(o.outcomes[0].outcome)
    head = "".join(f"<th>{escape(words.issues.get(i, i))}</th>" for i in issues)
    head += "".join(f"<th>{escape(words.actors.get(a, a))}</th>" for a in t.participants)
    rows = []
    for x in o.outcomes:
        cells = "".join(f"<td>{escape(fmt(x.outcome[i]))}</td>" for i in issues)
        for a in t.participants:
            g = x.gain.get(a, 0.0)
            cls = "gain" if g > 1e-9 else ("loss" if g < -1e-9 else "")
            cells += f"<td class='{cls}'>{g:+.2f}</td>"
        rows.append(f"<tr>{cells}</tr>")
    more = "" if o.n_outcomes is None or o.n_outcomes <= len(o.outcomes) else \
        f" ({len(o.outcomes)} of {o.n_outcomes:,} shown)"
    return (f"<h5>{escape(title)}{escape(more)}</h5><div class='scroll'><table class='data'><thead><tr>{head}"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def reservation_default(result: AgreementSpaceResult) -> str:
    """Where reservation values come from when a track does not state them, for the tracks at hand."""
    if any(t.no_deal_stated for t in result.tracks):
        return ("by default, its no-deal value where the track states one (what failure is worth to it), "
                "else the status quo" + ("" if all(t.has_status_quo for t in result.tracks) else
                                    "; on a track without one, its worst outcome"))
    with_sq = [t.has_status_quo for t in result.tracks]
    if all(with_sq):
        return "by default, the status quo"
    if not any(with_sq):
        return "the disagreement point; by default, the party's worst outcome"
    return ("by default, the status quo; on a track without one, the party's worst outcome, the disagreement "
            "point")
