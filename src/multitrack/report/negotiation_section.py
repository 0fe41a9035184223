"""Report section of the negotiation analysis: per track a sentence on how automated agents fare,
the tournament's table per strategy, and the offer traces in the utility plane of two parties.

The wording of the tournament's figures lives here too (used by the terminal, Markdown and the
``tournament`` command): a figure carries an interval only when the track's inputs are uncertain,
and the interval is the figure's spread over the draws, said as such. Where no strategy reaches a
deal, no strategy is ranked by its utility.
"""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import escape

from ..negotiation.analysis import NegotiationAnalysisResult, TrackNegotiation
from ..negotiation.domain import NASH_CONVENTION
from ..negotiation.tournament import Spread, StrategySummary
from ..scenario.model import Scenario
from .charts import _LAYOUT, _html
from .sections import section_renderer
from .wording import Words

STRATEGY_WORDS = {"boulware": "Boulware (concedes late)", "linear": "linear concession",
                  "conceder": "conceder (concedes early)", "tit-for-tat": "tit-for-tat",
                  "aspiration": "aspiration", "hardliner": "hard-liner (never concedes)",
                  "random": "random offers"}
PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#9d755d", "#72b7b2"]

NO_DEAL = ("No strategy reaches a deal on this track, so none is ranked: each party's utility would only be "
           "its no-deal utility (its reservation value), whichever strategy it played.")


def figure_text(s: Spread, percent: bool = False, dash: str = "-") -> str:
    """A figure, with its spread over the draws in brackets when it has one."""
    def fmt(x: float) -> str:
        return f"{x:.0%}" if percent else f"{x:.2f}"

    if s.low is not None and s.high is not None:
        if fmt(s.low) == fmt(s.high) == fmt(s.value):
            return f"{fmt(s.value)} (every draw)"
        return f"{fmt(s.value)} ({fmt(s.low)}{dash}{fmt(s.high)})"
    return fmt(s.value)


def interval_note(uncertain: bool, draws: int, n_assignments: int, stochastic: bool = False, runs: int = 1,
                  deal_error: float | None = None) -> str:
    """What the figures measure: exact shares over the assignments with certain inputs; with
    uncertain inputs, the spread over the draws, and the Monte Carlo error apart."""
    if not uncertain:
        what = (f"exact shares over the {n_assignments:,} assignments" if not stochastic else
                f"shares over the {n_assignments:,} assignments (random strategies averaged over their runs)")
        return f"No uncertain input: {what}, so no interval."
    if draws < 2:
        return "One draw of the uncertain inputs: no spread can be given."
    if deal_error is None:
        mc = ""
    elif deal_error < 0.0005:
        mc = (" No deal share changes from draw to draw: the uncertain inputs move the parties' utilities "
              "here, not whether a deal is reached (a structural result).")
    else:
        mc = (f" The Monte Carlo standard error of a deal share is at most {deal_error:.1%} (precision of "
              "the estimate, not spread).")
    return (f"In brackets: the spread over {draws:,} draws of the uncertain inputs (2.5th to 97.5th "
            f"percentile of each figure's value per draw), not a confidence interval; \"every draw\" marks "
            f"a figure that is the same in every draw.{mc}")


def strategy_table(strategies: tuple[StrategySummary, ...], any_deal: bool,
                   dash: str = "-") -> tuple[list[str], list[list[str]]]:
    """Columns and rows of the per-strategy table: without any deal, no utility columns."""
    if not any_deal:
        return ["strategy", "talks", "deals"], [
            [STRATEGY_WORDS.get(s.strategy, s.strategy), f"{s.runs:,}", "0%"] for s in strategies]
    cols = ["strategy", "talks", "deals", "own utility (0-1)", "gain over no deal"]
    rows = [[STRATEGY_WORDS.get(s.strategy, s.strategy), f"{s.runs:,}", figure_text(s.agreement, True, dash),
             figure_text(s.utility, False, dash), f"{s.gain.value:+.2f}"] for s in strategies]
    return cols, rows


def track_notes(t: TrackNegotiation) -> list[str]:
    """The sentences under a track's tournament table."""
    errors = [s.agreement.mc_error for s in t.strategies if s.agreement.mc_error is not None]
    notes = [interval_note(t.uncertain, t.draws, len(t.assignments), t.stochastic,
                           deal_error=max(errors) if errors else None)]
    if not t.any_deal:
        notes.insert(0, NO_DEAL)
    return notes


def run_sentence(t: TrackNegotiation, words: Words) -> str:
    """How the talks go when every party plays the same strategy, at the central estimates."""
    parts = []
    for run in t.runs:
        name = STRATEGY_WORDS.get(run.strategies[0], run.strategies[0])
        if run.agreed and run.round is not None:
            parts.append(f"{name}: a deal in round {run.round + 1}")
        else:
            why = "the deadline passed" if run.status == "deadline" else run.status
            parts.append(f"{name}: no deal ({why})")
    who = ", ".join(words.actors.get(p, p) for p in t.parties)
    return (f"{len(t.parties)} parties ({who}) on {t.n_outcomes:,} outcomes by {t.protocol}; a deal needs "
            f"{t.rule}; with every party on one strategy at the central estimates — "
            + "; ".join(parts) + ".")


def _table(t: TrackNegotiation) -> str:
    cols, rows = strategy_table(t.strategies, t.any_deal, dash="–")
    head = "".join(f"<th>{escape(c[0].upper() + c[1:])}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row) + "</tr>" for row in rows)
    notes = "".join(f"<p class='caption'>{escape(n)}</p>" for n in track_notes(t))
    return (f"<div class='scroll'><table class='data' id='negotiation-{escape(t.track)}'><thead>"
            f"<tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{notes}")


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
            who = words.actors.get(party, party)
            fig.add_trace(go.Scatter(x=[o.utility[ia] for o in own], y=[o.utility[ib] for o in own],
                                     mode="lines+markers", name=f"{label}: offers by {who}",
                                     line=dict(color=colour, width=1.4, dash=dash), marker=dict(size=4),
                                     hovertext=[f"round {o.round + 1}" for o in own], hoverinfo="text"))
        if run.agreed:
            fig.add_trace(go.Scatter(x=[run.normalised[ia]], y=[run.normalised[ib]], mode="markers",
                                     name=f"deal: {label}", marker=dict(color=colour, size=14, symbol="star",
                                                                        line=dict(color="#222", width=1))))
    for point, name, symbol in ((t.nash, NASH_CONVENTION, "diamond"), (t.no_deal, "no deal", "x")):
        if point is not None:
            fig.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers", name=name,
                                     marker=dict(color="#222", size=12, symbol=symbol)))
    name_a, name_b = words.actors.get(a, a), words.actors.get(b, b)
    fig.update_layout(**{**_LAYOUT, "height": 460},
                      xaxis=dict(title=f"{name_a}: utility (0 worst, 1 best outcome)", range=[-0.03, 1.03]),
                      yaxis=dict(title=f"{name_b}: utility", range=[-0.03, 1.03]))
    more = "" if len(t.parties) == 2 else (
        f" The track has {len(t.parties)} parties: the plane shows two of the bargainers and their own "
        "offers only, and the grey points are the frontier seen in that plane.")
    caption = (f"Offer traces on '{t.title}': the offers of {name_a} (solid) and {name_b} (dotted), in "
               "both parties' utilities, one colour per strategy (every party playing it): each line is a "
               f"party's concession path towards the other; stars mark deals, the diamond the "
               f"{NASH_CONVENTION}, the cross the no-deal point.{more}")
    chart = _html(fig, f"negotiation-trace-{t.track}")
    return f"<figure>{chart}<figcaption>{escape(caption)}</figcaption></figure>"


@section_renderer(NegotiationAnalysisResult)
def negotiation_section(result: NegotiationAnalysisResult, scenario: Scenario) -> str:
    words = Words(scenario)
    parts = ["<p class='caption'>Automated agents negotiate each track: alternating offers between "
             "two parties (Rubinstein; the Genius/ANAC protocol), stacked alternating offers among more "
             "(Aydoğan et al. 2017), where an offer becomes a deal only when the yes votes meet the track's "
             "decision rule. Strategies concede with time (Faratin, Sierra &amp; Jennings 1998), never "
             f"(hard-liner) or at random; the deadline is {result.deadline} rounds. The tournament plays "
             "every assignment of strategies to parties (a seeded sample when there are many): once where "
             f"the track's inputs are certain, else on {result.draws} Monte Carlo draws of the uncertain "
             f"inputs (seed {result.seed}).</p>"]
    for t in result.tracks:
        parts.append(f"<h3 id='negotiation-track-{escape(t.track)}'>{escape(t.title)}</h3>")
        if t.skipped:
            parts.append(f"<p>Not simulated: {escape(t.skipped)}</p>")
            continue
        parts.append(f"<p>{escape(run_sentence(t, words))}</p>")
        parts.append(_table(t))
        parts.append(_traces(t, words))
    return "".join(parts)


__all__ = ["NO_DEAL", "STRATEGY_WORDS", "figure_text", "interval_note", "negotiation_section", "run_sentence",
           "strategy_table", "track_notes"]
