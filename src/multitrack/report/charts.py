"""Interactive charts (plotly), embedded as HTML fragments.

plotly.js goes into the report once, as the *basic* partial bundle (scatter, bar and pie: every
trace type the report draws), shipped beside this module because the plotly pip package carries only
the full bundle. No chart needs WebGL: the frontier of three or more bargainers is drawn as parallel
coordinates of plain lines rather than as plotly's WebGL ``parcoords`` trace. The bundle is inlined
gzip-compressed and unpacked by the browser (``DecompressionStream``), which keeps the built-in
scenario's report under 2 MB; nothing is fetched from the network. The chart template is written once
in the loader too, not once per chart, and the numbers of a chart are kept to four significant digits.
"""

from __future__ import annotations

import base64
import gzip
from functools import lru_cache
from html import escape
from importlib.resources import files
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from ..space.result import TrackAgreement
from .wording import Words, concept_name

_LAYOUT = dict(template="plotly_white", height=420, margin=dict(l=60, r=20, t=40, b=50),
               font=dict(family="system-ui, sans-serif", size=12))

#: The partial bundle of plotly.js inlined in the report (MIT licence, beside it), and its version.
BUNDLE = "plotly-basic.min.js"
#: Trace types that bundle draws: a chart of any other type would stay blank.
BUNDLE_TRACES = frozenset({"scatter", "bar", "pie"})
#: Significant digits a chart's numbers keep (the hover labels show at most three).
DIGITS = 4
#: Frontier outcomes drawn at most in the parallel-coordinates chart (evenly spaced beyond that).
MAX_FRONTIER_LINES = 400

_DRAW = """(function () {
  var template = %(template)s;
  var ready = %(ready)s;
  window.mtPlot = function (id, data, layout, config) {
    layout.template = template;
    return ready.then(function (plotly) { return plotly.newPlot(id, data, layout, config); },
      function () { document.getElementById(id).textContent =
        "This chart needs a browser that can unpack gzip (DecompressionStream: 2023 or later)."; });
  };
})();"""

_UNPACK = """(async function () {
    var bytes = Uint8Array.from(atob("%s"), function (c) { return c.charCodeAt(0); });
    var unpacked = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    var script = document.createElement("script");
    script.textContent = await new Response(unpacked).text();
    document.head.appendChild(script);
    return window.Plotly;
  })()"""


@lru_cache(maxsize=1)
def bundle_source() -> str:
    """The partial plotly.js bundle, as shipped beside this module."""
    return (files("multitrack.report") / "static" / BUNDLE).read_text(encoding="utf-8")


def _template() -> str:
    template = pio.templates["plotly_white"].to_plotly_json()
    template["data"] = {k: v for k, v in template["data"].items() if k in BUNDLE_TRACES}
    return _json(template)


@lru_cache(maxsize=1)
def plotly_script() -> str:
    """The loader to inline once in the report's head: plotly.js (gzip, base64; no CDN, works
    offline), the chart template, and ``mtPlot``, which draws a chart once plotly.js is unpacked."""
    packed = gzip.compress(bundle_source().encode("utf-8"), compresslevel=9, mtime=0)
    ready = _UNPACK % base64.b64encode(packed).decode("ascii")
    return _DRAW % {"template": _template(), "ready": ready}


@lru_cache(maxsize=1)
def draw_script() -> str:
    """``mtPlot`` and the chart template for a page that loads plotly.js itself (the web app), so
    that its charts look like the report's."""
    return _DRAW % {"template": _template(), "ready": "Promise.resolve(window.Plotly)"}


def _json(obj: Any) -> str:
    """JSON safe inside a <script> element (no ``</`` or ``<!--`` to end it early)."""
    return pio.json.to_json_plotly(obj).replace("</", "<\\/").replace("<!--", "<\\!--")


def _compact(obj: Any) -> Any:
    """``obj`` with numpy arrays as lists and floats cut to :data:`DIGITS` significant digits."""
    if isinstance(obj, dict):
        return {k: _compact(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_compact(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _compact(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(f"{float(obj):.{DIGITS}g}") if abs(obj) < 10 ** DIGITS else round(float(obj), 1)
    return obj


def _html(fig: go.Figure, div_id: str) -> str:
    """A chart as a ``<div>`` and the script that draws it: with the report's loader it waits for
    plotly.js to be unpacked; on a page that loads plotly.js itself (the web app) it draws at once."""
    spec = fig.to_plotly_json()
    layout = _compact(spec.get("layout", {}))
    layout.pop("template", None)
    data = _compact(spec.get("data", []))
    height = layout.get("height")
    style = f"height:{height}px; width:100%;" if height else "height:100%; width:100%;"
    config = {"displaylogo": False, "responsive": True}
    args = ",".join(_json(x) for x in (div_id, data, layout, config))
    return (f'<div><div id="{escape(div_id)}" class="plotly-graph-div" style="{style}"></div>'
            '<script type="text/javascript">(window.mtPlot||function(i,d,l,c){Plotly.newPlot(i,d,l,c)})'
            f"({args});</script></div>")


def frontier_chart(t: TrackAgreement, words: Words) -> str | None:
    """Two bargainers: the utility plane with frontier, status quo (or, on a track without one, the
    disagreement point), reservation and solutions. Three or more: parallel coordinates of the
    frontier with the solutions highlighted (Inselberg's parallel coordinates, drawn as plain lines)."""
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
    return _html(_parallel_frontier(t, words, names), f"frontier-{t.track_id}")


def _parallel_frontier(t: TrackAgreement, words: Words, names: list[str]) -> go.Figure:
    """Parallel coordinates without WebGL: one vertical axis per bargainer (utility 0-1), each
    frontier outcome a grey polyline across them (all in one trace, broken by gaps), each solution a
    coloured polyline of its own. Beyond :data:`MAX_FRONTIER_LINES` outcomes, evenly spaced ones."""
    rows = list(t.frontier)
    shown = rows if len(rows) <= MAX_FRONTIER_LINES else \
        [rows[int(i)] for i in np.linspace(0, len(rows) - 1, MAX_FRONTIER_LINES)]
    xs: list[str | None] = []
    ys: list[float | None] = []
    for row in shown:
        xs += [*names, None]
        ys += [*row, None]
    label = "Pareto frontier" if len(shown) == len(rows) else \
        f"Pareto frontier ({len(shown)} of {len(rows)} outcomes)"
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", name=label, hoverinfo="x+y",
                               line=dict(color="rgba(76,120,168,0.25)", width=1)))
    for s in t.solutions:
        fig.add_trace(go.Scatter(x=names, y=[s.utility[a] for a in t.bargainers], mode="lines+markers",
                                 name=concept_name(s.concept, t), line=dict(width=3),
                                 marker=dict(size=9, symbol="diamond"), hovertext=words.outcome(s)))
    fig.update_layout(**_LAYOUT, xaxis=dict(type="category", showgrid=True, gridcolor="#999"),
                      yaxis=dict(range=[0, 1.02], title="utility 0-1"), hovermode="closest")
    return fig
