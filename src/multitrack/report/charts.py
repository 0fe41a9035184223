"""Interactive charts (plotly), embedded as HTML fragments; plotly.js is inlined once per report."""

from __future__ import annotations

import plotly.graph_objects as go

from ..space.result import TrackAgreement
from .wording import Words, concept_name

_LAYOUT = dict(template="plotly_white", height=420, margin=dict(l=60, r=20, t=40, b=50),
               font=dict(family="system-ui, sans-serif", size=12))


def plotly_script() -> str:
    """plotly.js itself, to inline once in the report's head (no CDN, works offline)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _html(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})


def frontier_chart(t: TrackAgreement, words: Words) -> str | None:
    """Two bargainers: the utility plane with frontier, status quo (or, on a track without one, the
    disagreement point), reservation and solutions. Three or more: parallel coordinates of the
    frontier with the solutions highlighted."""
    if not t.frontier:
        return None
    names = [words.actors.get(a, a) for a in t.bargainers]
    if len(names) == 2:
        fig = go.Figure()
        pts = sorted(t.frontier)
        fig.add_trace(go.Scatter(x=[p[0] for p in pts], y=[p[1] for p in pts], mode="lines+markers",
                                 name="Pareto frontier", marker=dict(size=6, color="#4c78a8")))
        rv = [t.reservation[a] for a in t.bargainers]
        sq = [t.disagreement[a] for a in t.bargainers] if t.disagreement else \
            [t.status_quo_utility[a] for a in t.bargainers] if t.has_status_quo else rv
        fig.add_trace(go.Scatter(x=[sq[0]], y=[sq[1]], mode="markers", name=t.baseline,
                                 marker=dict(size=12, symbol="x", color="#222")))
        if rv != sq:
            fig.add_trace(go.Scatter(x=[rv[0]], y=[rv[1]], mode="markers", name="reservation values",
                                     marker=dict(size=11, symbol="x-open", color="#888")))
        for s in t.solutions:
            fig.add_trace(go.Scatter(x=[s.utility[t.bargainers[0]]], y=[s.utility[t.bargainers[1]]],
                                     mode="markers", name=concept_name(s.concept, t),
                                     marker=dict(size=11, symbol="diamond"), hovertext=words.outcome(s)))
        fig.update_layout(**_LAYOUT, xaxis_title=f"{names[0]} (utility 0-1)",
                          yaxis_title=f"{names[1]} (utility 0-1)")
        return _html(fig, f"frontier-{t.track_id}")
    rows = list(t.frontier)
    colour = [0.0] * len(rows)
    labels = ["frontier"]
    for j, s in enumerate(t.solutions, start=1):
        rows.append(tuple(s.utility[a] for a in t.bargainers))
        colour.append(float(j))
        labels.append(concept_name(s.concept, t))
    dims = [dict(label=n, values=[r[i] for r in rows], range=[0, 1]) for i, n in enumerate(names)]
    top = max(colour) or 1.0
    fig = go.Figure(go.Parcoords(line=dict(color=colour, colorscale=[[0, "#c7d3e3"], [1e-9, "#e45756"],
                                                                    [1, "#54a24b"]], cmin=0, cmax=top),
                                 dimensions=dims))
    fig.update_layout(**_LAYOUT)
    return _html(fig, f"frontier-{t.track_id}")
