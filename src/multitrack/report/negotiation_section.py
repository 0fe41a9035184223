"""Report section of the negotiation analysis: per track a sentence on how automated agents fare,
the tournament's table per strategy, and the offer traces in the utility plane of two parties."""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import escape

from ..negotiation.analysis import NegotiationAnalysisResult, TrackNegotiation
from ..scenario.model import Scenario
from .charts import _LAYOUT, _html
from .sections import section_renderer
from .wording import Words

STRATEGY_WORDS = {"boulware": "Boulware (concedes late)", "linear": "linear concession",
                  "conceder": "conceder (concedes early)", "tit-for-tat": "tit-for-tat",
                  "aspiration": "aspiration", "hardliner": "hard-liner (never concedes)", "random": "random offers"}
PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#9d755d", "#72b7b2"]


def run_sentence(t: TrackNegotiation, words: Words) -> str:
    """How the talks go when every party plays the same strategy, at the central estimates."""
    parts = []
    for run in t.runs:
        name = STRATEGY_WORDS.get(run.strategies[0], run.strategies[0])
        if run.agreed:
            parts.append(f"{name}: a deal in round {run.round + 1}")
        else:
            parts.append(f"{name}: no deal ({'the deadline passed' if run.status == 'deadline' else run.status})")
    who = ", ".join(words.actors.get(p, p) for p in t.parties)
    return (f"{len(t.parties)} parties ({who}) on {t.n_outcomes:,} outcomes by {t.protocol}; with every party "
            f"on one strategy at the central estimates — " + "; ".join(parts) + ".")


def _table(t: TrackNegotiation) -> str:
    rows = "".join(
        f"<tr><td>{escape(STRATEGY_WORDS.get(s.strategy, s.strategy))}</td><td>{s.runs:,}</td>"
        f"<td>{s.agreement.value:.0%} ({s.agreement.low:.0%}–{s.agreement.high:.0%})</td>"
        f"<td>{s.utility.value:.2f} ({s.utility.low:.2f}–{s.utility.high:.2f})</td><td>{s.gain.value:+.2f}</td></tr>"
        for s in t.strategies)
    return (f"<div class='scroll'><table class='data' id='negotiation-{escape(t.track)}'><thead><tr><th>Strategy</th>"
            "<th>Talks</th><th>Deals (95% interval)</th><th>Own utility, 0–1 (95% interval)</th>"
            f"<th>Gain over no deal</th></tr></thead><tbody>{rows}</tbody></table></div>")


def _traces(t: TrackNegotiation, words: Words) -> str:
    if len(t.plane) < 2 or not t.runs:
        return ""
    a, b = t.plane
    ia, ib = t.parties.index(a), t.parties.index(b)
    fig = go.Figure()
    if t.frontier:
        fig.add_trace(go.Scatter(x=[p[0] for p in t.frontier], y=[p[1] for p in t.frontier], mode="markers",
                                 name="Pareto frontier", marker=dict(color="#bbb", size=7, symbol="square")))
    for k, run in enumerate(t.runs):
        colour = PALETTE[k % len(PALETTE)]
        label = STRATEGY_WORDS.get(run.strategies[0], run.strategies[0])
        for party, dash in ((a, "solid"), (b, "dot")):  # each party's own concession path
            own = [o for o in run.offers if o.party == party]
            fig.add_trace(go.Scatter(x=[o.utility[ia] for o in own], y=[o.utility[ib] for o in own],
                                     mode="lines+markers", name=f"{label}: offers by {words.actors.get(party, party)}",
                                     line=dict(color=colour, width=1.4, dash=dash), marker=dict(size=4),
                                     hovertext=[f"round {o.round + 1}" for o in own], hoverinfo="text"))
        if run.agreed:
            fig.add_trace(go.Scatter(x=[run.normalised[ia]], y=[run.normalised[ib]], mode="markers",
                                     name=f"deal: {label}", marker=dict(color=colour, size=14, symbol="star",
                                                                        line=dict(color="#222", width=1))))
    for point, name, symbol in ((t.nash, "Nash solution", "diamond"), (t.no_deal, "no deal", "x")):
        if point is not None:
            fig.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers", name=name,
                                     marker=dict(color="#222", size=12, symbol=symbol)))
    fig.update_layout(**{**_LAYOUT, "height": 460},
                      xaxis=dict(title=f"{words.actors.get(a, a)}: utility (0 worst, 1 best outcome)", range=[-0.03, 1.03]),
                      yaxis=dict(title=f"{words.actors.get(b, b)}: utility", range=[-0.03, 1.03]))
    more = "" if len(t.parties) == 2 else (f" The track has {len(t.parties)} parties: the plane shows two of the "
                                           "veto players and their own offers only, and the grey points are the "
                                           "frontier seen in that plane.")
    caption = (f"Offer traces on '{t.title}': the offers of {words.actors.get(a, a)} (solid) and "
               f"{words.actors.get(b, b)} (dotted), in both parties' utilities, one colour per strategy (every party "
               f"playing it): each line is a party's concession path towards the other; stars mark deals, the "
               f"diamond the Nash bargaining solution, the cross the no-deal point.{more}")
    return f"<figure>{_html(fig, f'negotiation-trace-{t.track}')}<figcaption>{escape(caption)}</figcaption></figure>"


@section_renderer(NegotiationAnalysisResult)
def negotiation_section(result: NegotiationAnalysisResult, scenario: Scenario) -> str:
    words = Words(scenario)
    parts = [f"<p class='caption'>Automated agents negotiate each track: alternating offers between two parties "
             f"(Rubinstein; the Genius/ANAC protocol), stacked alternating offers among more, where a deal needs every "
             f"veto player (Aydoğan et al. 2017). Strategies concede with time (Faratin, Sierra &amp; Jennings "
             f"1998), never (hard-liner) or at random; the deadline is {result.deadline} rounds. The tournament plays "
             f"every assignment of strategies to parties (a seeded sample when there are many) on "
             f"{result.draws} Monte Carlo draws of the uncertain inputs (seed {result.seed}).</p>"]
    for t in result.tracks:
        parts.append(f"<h3 id='negotiation-track-{escape(t.track)}'>{escape(t.title)}</h3>")
        if t.skipped:
            parts.append(f"<p>Not simulated: {escape(t.skipped)}</p>")
            continue
        parts.append(f"<p>{escape(run_sentence(t, words))}</p>")
        parts.append(_table(t))
        parts.append(_traces(t, words))
    return "".join(parts)


__all__ = ["STRATEGY_WORDS", "negotiation_section", "run_sentence"]
