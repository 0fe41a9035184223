"""Static figures (SVG, with matplotlib) for the Markdown report, from the same results as the
interactive charts of the HTML report."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..process.result import ForumComparison, ProcessResult  # noqa: E402
from ..space.result import TrackAgreement  # noqa: E402
from .wording import Words, concept_name  # noqa: E402

_COLOURS = {"parallel": "#4c78a8", "linked": "#72b7b2", "sequential": "#f58518", "package": "#e45756"}
plt.rcParams.update({"svg.hashsalt": "multitrack", "font.size": 9})  # stable SVG ids from run to run


def _svg(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return buf.getvalue()


def frontier_svg(t: TrackAgreement, words: Words) -> bytes | None:
    """Two veto players: the utility plane with the frontier, the status quo (the disagreement point
    on a track without one) and the solutions."""
    if len(t.bargainers) != 2 or not t.frontier:
        return None
    a, b = t.bargainers
    fig, ax = plt.subplots(figsize=(5.5, 4))
    pts = sorted(t.frontier)
    ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", color="#4c78a8", ms=3, label="Pareto frontier")
    base = t.disagreement or (t.status_quo_utility if t.has_status_quo else t.reservation)
    ax.plot([base[a]], [base[b]], "kx", ms=8, label=t.baseline)
    for s in t.solutions:
        ax.plot([s.utility[a]], [s.utility[b]], "D", ms=6, label=concept_name(s.concept, t))
    ax.set_xlabel(f"{words.actors.get(a, a)} (utility 0-1)")
    ax.set_ylabel(f"{words.actors.get(b, b)} (utility 0-1)")
    ax.legend(fontsize=7, loc="lower left")
    return _svg(fig)


def designs_svg(r: ProcessResult, words: Words) -> bytes:
    """Probability of agreement per track and design, with 95% Monte Carlo intervals."""
    labels = [words.tracks.get(t, t) for t in r.tracks]
    fig, ax = plt.subplots(figsize=(8, 3.8))
    width = 0.8 / len(r.designs)
    for k, d in enumerate(r.designs):
        xs = [i + k * width for i in range(len(labels))]
        ps = [d.p_track[t] for t in r.tracks]
        ax.bar(xs, [p.value for p in ps], width, color=_COLOURS.get(d.design, "#9d755d"), label=d.design,
               yerr=[[p.value - p.low for p in ps], [p.high - p.value for p in ps]], capsize=2)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(labels))], labels, rotation=30, ha="right")
    ax.set_ylabel("probability of agreement")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, ncol=4)
    return _svg(fig)


def forum_svg(fc: ForumComparison) -> bytes:
    fig, ax = plt.subplots(figsize=(6, 0.6 + 0.45 * len(fc.forums)))
    ys = range(len(fc.forums))
    ax.barh(ys, [f.p_agree.value for f in fc.forums], color="#4c78a8",
            xerr=[[f.p_agree.value - f.p_agree.low for f in fc.forums],
                  [f.p_agree.high - f.p_agree.value for f in fc.forums]], capsize=2)
    ax.set_yticks(list(ys), [f.title[:60] for f in fc.forums])
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("probability of agreement")
    return _svg(fig)


def tornado_svg(drivers, title: str) -> bytes:
    labels = [x.input for x in drivers][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.8 + 0.35 * len(labels)))
    ys = list(range(len(labels)))
    ax.barh([y - 0.2 for y in ys], [x.low_third for x in drivers][::-1], 0.4, color="#e45756",
            label="estimate in its lowest third")
    ax.barh([y + 0.2 for y in ys], [x.high_third for x in drivers][::-1], 0.4, color="#4c78a8",
            label="estimate in its highest third")
    ax.set_yticks(ys, labels)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    return _svg(fig)


def deterrence_curve_svg(curve, x_label: str) -> bytes:
    """P(deterrence holds) over a swept term: the Wilson band, the scenario's value, one half."""
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.fill_between(curve.values, curve.low, curve.high, color="#4c78a8", alpha=0.25, lw=0,
                    label="95% Monte Carlo interval")
    ax.plot(curve.values, curve.probability, "o-", color="#4c78a8", ms=3, label="P(deterrence holds)")
    ax.axhline(0.5, color="#888", lw=0.8, ls=":")
    ax.axvline(curve.nominal, color="#e45756", lw=1.2, ls="--", label=f"scenario: {curve.nominal:.3g}")
    ax.set_xlabel(x_label)
    ax.set_ylabel("P(deterrence holds)")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.legend(fontsize=7, loc="best")
    return _svg(fig)


def escalation_curves_svg(panels: Sequence[tuple[str, Sequence[tuple[str, str, Any]]]]) -> bytes:
    """Risk over time: one panel per rung, each a list of (label, colour, curve) with its band."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3), squeeze=False)
    for ax, (title, lines) in zip(axes[0], panels, strict=True):
        for label, colour, c in lines:
            ax.fill_between(c.months, c.low, c.high, color=colour, alpha=0.2, lw=0)
            ax.plot(c.months, c.mean, color=colour, lw=1.8, label=label)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("months")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axes[0][0].set_ylabel("probability")
    axes[0][0].legend(fontsize=7, loc="upper left")
    return _svg(fig)


def escalation_effects_svg(labels: list[str], series: list[tuple[str, str, list]], x_label: str) -> bytes:
    """Risk reduction per measure (horizontal bars, one per rung) in percentage points, with intervals;
    `series` holds (rung, colour, effects in the order of `labels`)."""
    fig, ax = plt.subplots(figsize=(7, 0.8 + 0.5 * len(labels)))
    n = len(series)
    height = 0.8 / max(n, 1)
    ys = list(range(len(labels)))[::-1]  # first label on top
    for k, (rung, colour, effects) in enumerate(series):
        pos = [y + 0.4 - height / 2 - k * height for y in ys]
        ax.barh(pos, [100 * e.reduction for e in effects], height, color=colour, label=rung,
                xerr=[[100 * (e.reduction - e.low) for e in effects],
                      [100 * (e.high - e.reduction) for e in effects]],
                capsize=2)
    ax.set_yticks(ys, labels)
    ax.axvline(0, color="#444", lw=0.8)
    ax.set_xlabel(x_label)
    ax.legend(fontsize=7)
    return _svg(fig)


def forecast_svg(result, issues: list, names: dict[str, str]) -> bytes | None:
    """The forecast dot plot of one track: a panel per issue on its own range, with the actors'
    positions (sized by weight), each model's forecast and interval, the bargaining solutions and
    the status quo."""
    from .forecast_section import (
        MODEL_COLOURS,
        SOLUTION_COLOURS,
        chart_rows,
        grouped_positions,
        issue_label,
        model_label,
        solution_name,
    )

    if not issues:
        return None
    markers = {"nash": "D", "kalai_smorodinsky": "s", "egalitarian": "^", "utilitarian": "*"}
    ys = chart_rows(result, solutions=any(i.solutions for i in issues))
    fig, axes = plt.subplots(len(issues), 1,
                             figsize=(7.5, 0.6 + 0.3 * len(ys) * len(issues) + 0.5 * len(issues)),
                             squeeze=False)
    for ax, i in zip(axes[:, 0], issues, strict=True):
        groups = grouped_positions(i, names)
        ax.scatter([g[0] for g in groups], [ys["actors' positions"]] * len(groups),
                   s=[20 + 400 * g[1] for g in groups], color="#999", alpha=0.5, edgecolor="#444",
                   label="actor's position (size: weight)")
        for f in i.forecasts:
            label = model_label(f.model)
            ax.errorbar([f.nominal], [ys[label]],
                        xerr=[[max(0.0, f.nominal - f.low)], [max(0.0, f.high - f.nominal)]],
                        fmt="o", ms=5, capsize=3, color=MODEL_COLOURS.get(f.model, "#4c78a8"), label=label)
        concepts = [c for c in markers if c in i.solutions]
        for j, c in enumerate(concepts):
            offset = (j - (len(concepts) - 1) / 2) * 0.18
            ax.plot([i.solutions[c]], [ys["bargaining solutions"] + offset], markers[c], ms=6,
                    color=SOLUTION_COLOURS.get(c, "#333"), label=solution_name(c))
        if i.status_quo is not None:  # a track without a status quo has no line to draw
            ax.axvline(i.status_quo, color="#222", lw=1, ls="--", label="status quo")
        pad = 0.03 * (abs(i.high - i.low) or 1.0)
        ax.set_xlim(i.low - pad, i.high + pad)
        ax.set_ylim(max(ys.values()) + 0.6, -1.4)
        ax.set_yticks(list(ys.values()), list(ys), fontsize=7)
        ax.set_title(issue_label(i), fontsize=8)
        ax.grid(axis="x", color="#eee")
    legend: dict = {}
    for ax in axes[:, 0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    order = ["actor's position (size: weight)", *(model_label(m) for m in result.models),
             *(solution_name(c) for c in markers), "status quo"]
    labels = [x for x in order if x in legend]
    axes[0][0].legend([legend[x] for x in labels], labels, fontsize=6, ncol=4, loc="lower left",
                      bbox_to_anchor=(0, 1.12), frameon=False)
    fig.tight_layout()
    return _svg(fig)
