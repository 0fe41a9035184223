"""Report section of the process-design analysis: the claims answered, designs side by side with
intervals, forums compared, and tornado charts of what drives agreement."""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import escape

from ..process.result import DesignResult, ForumComparison, ProcessResult
from ..process.sensitivity import Driver
from ..scenario.model import Scenario
from .charts import _LAYOUT, _html
from .process_words import DESIGN_NAMES, INTERVAL_KINDS, claim_question, claim_sentence, forum_landing, pct
from .sections import section_renderer
from .summary import gains_against
from .wording import Words

_COLOURS = {"parallel": "#4c78a8", "linked": "#72b7b2", "sequential": "#f58518", "easy-first": "#eeca3b",
            "package": "#e45756", "partial-package": "#b279a2"}


def _colour(design: str) -> str:
    return _COLOURS.get(design, "#9d755d")


@section_renderer(ProcessResult)
def process_section(result: ProcessResult, scenario: Scenario) -> str:
    words = Words(scenario)
    parts = [_intro(result), _claims(result, words), _designs_chart(result, words),
             _distribution_chart(result), _gain_table(result, words, gains_against(scenario)),
             _deals(result, words), _packages(result, words)]
    parts += [_forum(fc, words) for fc in result.forums]
    parts.append(_tornados(result, words))
    parts += [f"<p class='caption'>{escape(n)}</p>" for n in result.notes]
    return "".join(parts)


def _intro(r: ProcessResult) -> str:
    return (f"<p class='caption'>Every estimate given as a distribution is drawn {r.draws:,} times (seed "
            f"{r.seed}); every design and every forum is judged on the same draws. <b>Parallel</b>: "
            "each track agrees or fails on its own. <b>Linked</b>: a track declared to need another "
            "counts only if that one is agreed. <b>Sequences</b>: the declared order and the easy-first "
            "order (tracks most often agreed in parallel first), each failure raising the bar for later "
            "tracks by the scenario's "
            "failure penalty and each agreement lowering it by its trust gain (never below what no deal "
            "gives). <b>One package</b>: a single agreement over all issues that needs every veto player of "
            "every track, so gains on one track can pay for losses on another, and a track counts as agreed "
            "where the package changes something on it. <b>Best partial package</b>: the package of some "
            "tracks, the others negotiated in parallel beside it, that agrees the most tracks (ties: the "
            "larger mean gain); the tracks left out do not constrain it. Each deal is the egalitarian "
            "compromise (the largest smallest gain among the veto players). "
            + escape(INTERVAL_KINDS) + "</p>")


def _claims(r: ProcessResult, words: Words) -> str:
    items = "".join(f"<li><b>{escape(claim_question(r, c, words))}</b> "
                    f"{escape(claim_sentence(r, c, words))}</li>"
                    for c in r.claims)
    return f"<ul class='findings'>{items}</ul>"


def _bar(d: DesignResult, x: list[str], values) -> go.Bar:
    return go.Bar(name=DESIGN_NAMES[d.design], x=x, y=[v.value for v in values],
                  marker_color=_colour(d.design),
                  error_y=dict(type="data", symmetric=False, array=[v.high - v.value for v in values],
                               arrayminus=[v.value - v.low for v in values]),
                  hovertemplate="%{x}<br>%{y:.1%}<extra>" + DESIGN_NAMES[d.design] + "</extra>")


def _designs_chart(r: ProcessResult, words: Words) -> str:
    x = [words.tracks.get(t, t) for t in r.tracks] + ["at least one track", "every track"]
    fig = go.Figure([_bar(d, x, [d.p_track[t] for t in r.tracks] + [d.p_any, d.p_all]) for d in r.designs])
    fig.update_layout(**_LAYOUT, barmode="group",
                      yaxis=dict(title="probability of agreement", tickformat=".0%", range=[0, 1.05]))
    best = max(r.designs, key=lambda d: d.mean_agreed.value)
    caption = (f"Probability that each track is agreed under each design, with its Monte Carlo precision "
               "(95%; none where the same in every draw). On average "
               f"{DESIGN_NAMES[best.design]} agree the most tracks ({best.mean_agreed.value:.2f} of "
              f"{len(r.tracks)}).")
    return _figure(fig, "process-designs", caption)


def _distribution_chart(r: ProcessResult) -> str:
    fig = go.Figure([go.Bar(name=DESIGN_NAMES[d.design], x=list(range(len(d.n_agreed_distribution))),
                            y=list(d.n_agreed_distribution), marker_color=_colour(d.design))
                     for d in r.designs])
    fig.update_layout(**_LAYOUT, barmode="group", xaxis=dict(title="tracks agreed", dtick=1),
                      yaxis=dict(title="share of draws", tickformat=".0%"))
    return _figure(fig, "process-distribution", "How many tracks are agreed: the share of draws with 0, 1, "
                   "2, ... tracks agreed under each design.")


def _gain_table(r: ProcessResult, words: Words, against: str = "the status quo") -> str:
    head = "".join(f"<th>{escape(DESIGN_NAMES[d.design])}</th>" for d in r.designs)
    rows = "".join(
        f"<tr><td>{escape(words.actors.get(a, a))}</td>" + "".join(
            f"<td class='{'gain' if d.gain[a].value > 1e-9 else 'loss' if d.gain[a].value < -1e-9 else ''}'>"
            f"{d.gain[a].value:+.3f}</td>" for d in r.designs) + "</tr>" for a in r.actors)
    short = "the status quo" if against == "the status quo" else "no deal"
    return (f"<h3>Expected gain over {escape(short)}</h3><p class='caption'>Each actor's expected gain "
            f"over {escape(against)}, summed over the tracks it sits on, as a share of its whole utility "
            "range over those tracks.</p><div class='scroll'><table class='data'><thead><tr><th>Actor</th>"
            f"{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def _forum(fc: ForumComparison, words: Words) -> str:
    title = words.tracks.get(fc.track, fc.track)
    y = [_short(f.title) for f in fc.forums][::-1]
    agree = [f.p_agree for f in fc.forums][::-1]
    fig = go.Figure([
        go.Bar(name="probability of agreement", y=y, x=[p.value for p in agree], orientation="h",
               marker_color="#4c78a8", error_x=dict(type="data", symmetric=False,
                                                    array=[p.high - p.value for p in agree],
                                                    arrayminus=[p.value - p.low for p in agree])),
        go.Bar(name="win-set (share of outcomes passing)", y=y, x=[f.winset.value for f in fc.forums][::-1],
               orientation="h", marker_color="#9ecae9")])
    layout = {**_LAYOUT, "height": 140 + 60 * len(y), "margin": dict(l=360, r=20, t=30, b=40)}
    fig.update_layout(**layout, barmode="group", xaxis=dict(tickformat=".0%", range=[0, 1.05]))
    ratify = any(f.p_ratified is not None for f in fc.forums)
    rows = "".join(f"<tr><td>{escape(f.title)}</td><td>{f.parties}</td><td>{escape(pct(f.p_agree))}</td>"
                   + (f"<td>{escape(_ratified(f))}</td>" if ratify else "")
                   + f"<td>{f.winset.value:.1%}</td></tr>" for f in fc.forums)
    landing = "".join(f"<li>{escape(s)}</li>" for s in forum_landing(fc, words))
    return (f"<h3>Forums for {escape(title)}</h3>" + _figure(
        fig, f"forums-{fc.track}", f"For {title}: how often each forum agrees and how large its win-set "
        "is, on the same draws.") + "<div class='scroll'><table class='data'><thead><tr><th>Forum</th>"
        "<th>Parties</th>"
        "<th>Agrees</th>" + ("<th>Agreed and ratified</th>" if ratify else "")
        + f"<th>Win-set</th></tr></thead><tbody>{rows}</tbody></table></div>"
        + (f"<p>Where the compromise lands when the forum agrees:</p><ul>{landing}</ul>" if landing else ""))


def _ratified(f) -> str:
    return ("no ratification" if f.p_ratified is None
            else f"{pct(f.p_ratified)} (by {', '.join(f.ratified_by)})")


def _deals(r: ProcessResult, words: Words) -> str:
    """Every design's deal, issue by issue, where the track is agreed under it."""
    if not any(d.deal for d in r.designs):
        return ""
    head = "".join(f"<th>{escape(DESIGN_NAMES[d.design])}</th>" for d in r.designs)
    rows = []
    for track in r.tracks:
        issues = list(r.designs[0].deal.get(track, {}))
        for k, issue in enumerate(issues):
            name = (f"{words.tracks.get(track, track)}: " if k == 0 else "") + words.issues.get(issue, issue)
            cells = "".join(f"<td>{escape(_cell(d.deal.get(track, {}).get(issue)))}</td>" for d in r.designs)
            rows.append(f"<tr><td>{escape(name)}</td>{cells}</tr>")
    what = "".join(f"<li><b>{escape(DESIGN_NAMES[d.design])}</b>: {escape(d.label)}</li>"
                   for d in r.designs if d.label)
    return ("<h3>What each design agrees, issue by issue</h3><p class='caption'>Where a track is agreed "
            "under a design: the most frequent option, or the mean of a number, over the draws in which it "
            "is agreed; a dash where it is never agreed.</p><ul>" + what + "</ul><div class='scroll'><table "
            f"class='data'><thead><tr><th>Issue</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table></div>")


def _cell(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def _packages(r: ProcessResult, words: Words) -> str:
    """The packages the pilot tried, best first."""
    if not r.packages_tried:
        return ""
    rows = "".join(f"<tr><td>{escape(', '.join(words.tracks.get(t, t) for t in p.tracks))}</td>"
                   f"<td>{p.mean_agreed:.2f}</td><td>{p.mean_gain:+.3f}</td></tr>" for p in r.packages_tried)
    return ("<h3>Packages tried</h3><p class='caption'>The best packages of the search (each beside the "
            "other tracks in parallel), on the run's first draws: tracks agreed and mean gain over the "
            "status quo (share of each actor's range, mean over actors). Ranked by tracks agreed, then "
            "fewest tracks, then the scenario's order of tracks (gain does not decide): "
            f"{r.packages_tied} tie with the best"
            + (f", {r.packages_may_tie} more could at most tie" if r.packages_may_tie else "")
            + ".</p><div class='scroll'>"
            "<table class='data'><thead>"
            "<tr><th>Package</th><th>Tracks agreed</th><th>Mean gain</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def _tornados(r: ProcessResult, words: Words) -> str:
    parts = ["<h3>What drives agreement</h3><p class='caption'>For each outcome that varies over the draws, "
             "the uncertain estimates that drive it: those whose lowest and highest thirds of draws give "
             "the outcome means further apart than shuffling the outcome against the estimate does "
             "(a permutation test seeded from the run, with Holm's correction over the estimates that can "
             "reach the outcome, at a 1% chance of naming any estimate that does not drive it). Only "
             "estimates that can reach the outcome are tested: an actor's own estimates only for tracks it "
             "sits on. Each bar runs from the outcome's mean with the estimate in its lowest third to its "
             "mean in the highest third; the largest swing comes first.</p>"]
    shown = 0
    for d in r.designs:
        for target, drivers in d.drivers.items():
            if not drivers:
                continue
            shown += 1
            parts.append(_tornado(d, target, drivers, words))
    if not shown:
        parts.append("<p>No estimate drives any outcome: where an outcome varies over the draws, no estimate "
                     "that can reach it moves it by more than chance would.</p>")
    parts.append(_inputs_table(r, {x.input for d in r.designs for ds in d.drivers.values() for x in ds}))
    return "".join(parts)


def _inputs_table(r: ProcessResult, shown: set[str]) -> str:
    """The estimates named in the charts, with their distributions and sources."""
    rows = []
    for info in r.input_details:
        if info.label not in shown:
            continue
        cite = (f"<a href='#src-{escape(info.source)}' title='{escape(info.locator or '')}'>"
                f"{escape(info.source)}</a>"
                if info.source else "<em>no source</em>")
        rows.append(f"<tr><td>{escape(info.label)}</td><td>{escape(info.distribution)}</td><td>{cite}</td></tr>")
    if not rows:
        return ""
    return ("<details><summary>The estimates in these charts and their sources</summary><div class='scroll'>"
            "<table class='data'><thead><tr><th>Estimate</th><th>Distribution</th><th>Source</th></tr>"
            "</thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></details>")


def _tornado(d: DesignResult, target: str, drivers: tuple[Driver, ...], words: Words) -> str:
    name = words.tracks.get(target, target)
    labels = [x.input for x in drivers][::-1]
    lo = [x.low_third for x in drivers][::-1]
    hi = [x.high_third for x in drivers][::-1]
    fig = go.Figure([
        go.Bar(name="estimate in its lowest third", y=labels, x=lo, orientation="h", marker_color="#e45756"),
        go.Bar(name="estimate in its highest third", y=labels, x=hi, orientation="h",
               marker_color="#4c78a8")])
    unit = "tracks agreed" if target == "tracks agreed" else "probability of agreement"
    layout = {**_LAYOUT, "height": 120 + 32 * len(labels), "margin": dict(l=320, r=20, t=30, b=50)}
    fig.update_layout(**layout, barmode="group",
                      xaxis=dict(title=unit, tickformat=".0%" if target != "tracks agreed" else None))
    top = drivers[0]
    caption = (f"{DESIGN_NAMES[d.design].capitalize()}, {name}: the estimate that matters most is "
               f"{top.input}: with it low the outcome averages {top.low_third:.2f}, with it high "
               f"{top.high_third:.2f} (permutation test, Holm-adjusted p = {top.p_value:.3f}; rank "
               f"correlation {top.rank_correlation:+.2f}).")
    return _figure(fig, f"tornado-{d.design}-{target}".replace(" ", "-"), caption)


def _short(text: str, limit: int = 55) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _figure(fig: go.Figure, div_id: str, caption: str) -> str:
    return f"<figure>{_html(fig, div_id)}<figcaption>{escape(caption)}</figcaption></figure>"
