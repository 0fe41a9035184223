"""Report section of the escalation analysis: the headline risk of the top rungs with and without
the confidence-building measures, the risk by theatre and horizon, the risk over time, what each
measure takes off it, and where the measures tied to a track are in force (the tracks' agreements
draw by draw)."""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import escape
from plotly.subplots import make_subplots

from ..escalation.analysis import EscalationResult, MeasureInForce, RiskCell, RiskCurve
from ..escalation.risk import ALL_IN_FORCE, BASELINE, COMBINED, PACKAGE
from ..montecarlo.stats import STRUCTURAL
from ..scenario.model import Scenario
from .charts import _LAYOUT, _html
from .provenance_section import escalation_inputs, inputs_html
from .sections import section_renderer
from .variant_words import variants_html

COLOURS = {BASELINE: "#e45756", PACKAGE: "#4c78a8", ALL_IN_FORCE: "#9d9d9d"}
FILLS = {BASELINE: "rgba(228,87,86,0.18)", PACKAGE: "rgba(76,120,168,0.22)",
         ALL_IN_FORCE: "rgba(157,157,157,0.0)"}


def months_words(m: int) -> str:
    if m % 12 == 0:
        years = m // 12
        return f"{m} months ({years} year{'s' if years != 1 else ''})"
    return f"{m} month{'s' if m != 1 else ''}"


def share(v: float) -> str:
    """A probability in percent with one decimal (escalation risks are often a few percent)."""
    return f"{100 * v:.1f}%"


def cell_text(c: RiskCell) -> str:
    """The mean risk and its spread over the inputs, or "same in every draw" when structural."""
    if c.kind == STRUCTURAL:  # no draw changes it: no interval
        return f"{share(c.mean)} (same in every draw)"
    return f"{share(c.mean)} ({100 * c.low:.1f}–{100 * c.high:.1f})"


def range_text(low: float, high: float, kind: str) -> str:
    """'3.9–8.8%' for a spread, '' for a structural figure (which has no interval)."""
    return "" if kind == STRUCTURAL else f" ({100 * low:.1f}–{100 * high:.1f}%)"


def top_rungs(r: EscalationResult) -> tuple[str, ...]:
    """The two highest rungs (use of force and war on the default ladder); never the first, where
    every theatre starts (a two-rung ladder has one rung to reach)."""
    return tuple(r.rungs[1:][-2:])


def shown_rungs(r: EscalationResult) -> tuple[str, ...]:
    """The rungs from crisis upwards (the third rung on), or every rung above the first on a short ladder."""
    return tuple(r.rungs[2:] or r.rungs[1:])


def has_package(r: EscalationResult) -> bool:
    return PACKAGE in r.scenarios


def linked(r: EscalationResult) -> bool:
    """Some measure is tied to a track: "all measures" then means as the tracks agree on them."""
    return ALL_IN_FORCE in r.scenarios


def package_words(r: EscalationResult) -> str:
    """What the package scenario is, in words."""
    if not linked(r):
        return "with all measures together"
    return ("with the measures as agreed under parallel talks" if r.basis != "central"
            else "with the measures as agreed at the central compromise")


def level_words(r: EscalationResult) -> str:
    return f"{round(100 * r.level)}%"


def headline(r: EscalationResult) -> str:
    """The chance that any theatre reaches each of the top two rungs within the longest horizon,
    with no measures and with the package."""
    h = max(r.horizons)
    parts = []
    for k, rung in enumerate(top_rungs(r)):
        base = r.risk(BASELINE, COMBINED, h, rung)
        text = (f"the chance that {'any theatre' if k == 0 else 'it'} reaches '{rung}' is {share(base.mean)}"
                f"{range_text(base.low, base.high, base.kind)} with no measures")
        if has_package(r):
            pack = r.risk(PACKAGE, COMBINED, h, rung)
            text += (f" and {share(pack.mean)}{range_text(pack.low, pack.high, pack.kind)} "
                     f"{package_words(r)}")
        if linked(r):
            full = r.risk(ALL_IN_FORCE, COMBINED, h, rung)
            text += f" ({share(full.mean)} if every measure were in force at full effect, a hypothetical)"
        parts.append(text)
    return f"Within {months_words(h)}, " + "; ".join(parts) + f" ({interval_words(r)})."


def interval_words(r: EscalationResult) -> str:
    """What the ranges of the headline are: spreads over the inputs, or none (structural)."""
    if all(c.kind == STRUCTURAL for c in r.cells):
        return "the same in every draw: structural, no interval"
    return (f"ranges: the central {level_words(r)} of the risk's spread over the uncertain inputs, not "
            "Monte Carlo error; a figure without a range is the same in every draw")


def caption_words(r: EscalationResult) -> str:
    """What the intervals are, how theatres combine and where the numbers come from."""
    spread = ("Evaluated once: the scenario has no uncertain input, so every figure is structural (the same "
              "in every draw) and has no interval. " if r.draws == 1 else
              f"Means over {r.draws:,} draws of the uncertain inputs (seed {r.seed}); ranges are "
              f"{level_words(r)} spreads over those inputs, not sampling error. ")
    return (spread + "'Any theatre' combines the "
            "theatres assuming they escalate independently, so it is a floor under the true risk when crises "
            "in one theatre make crises in another more likely. The monthly chances of the upper rungs are "
            "calibrated on conflict "
            "data (ICB, MID), those of the lower rungs and the measures' effects are judgement: see the "
            "scenario's sources.")


@section_renderer(EscalationResult)
def escalation_section(result: EscalationResult, scenario: Scenario) -> str:
    parts = [f"<p class='finding'><b>{escape(headline(result))}</b></p>"]
    if scenario.escalation is not None and scenario.escalation.note:
        parts.append(f"<p class='caption'>{escape(scenario.escalation.note)}</p>")
    parts += [f"<p class='caption'>{escape(n)}</p>" for n in result.notes]
    parts += [_risk_table(result), _curves_chart(result)]
    if len(result.scenarios) > 1:
        parts += [_effects_table(result), _effects_chart(result)]
    if result.in_force:
        parts.append(_in_force_table(result))
    parts.append(inputs_html(escalation_inputs(scenario), scenario, "Inputs of the escalation ladder"))
    parts.append(variants_html(result.variants, "escalation-variants", scenario))
    return "".join(parts)


def link_sentences(r: EscalationResult) -> list[str]:
    """What tying each measure to its track changed, a sentence per measure and one for all."""
    return [link.sentence for link in r.links]


def in_force_rows(r: EscalationResult) -> list[dict[str, str]]:
    """Per measure tied to a track and per design: where it is in force, on what, and what it
    takes off the headline risk (as agreed, where its track agrees, at full effect everywhere)."""
    def points(x: float | None) -> str:
        return "–" if x is None or x != x else f"{100 * x:.1f}"

    def row(m: MeasureInForce) -> dict[str, str]:
        return {"Measure": r.scenarios.get(m.measure, m.measure).split(", as agreed")[0],
                "Track (issue)": f"{m.track} ({m.issue})" if m.issue else m.track,
                "Design": "central compromise" if m.design == "central" else m.design,
                "Track agrees": f"{100 * m.track_agrees:.0f}% of draws",
                "In force": f"{100 * m.in_force:.0f}% of draws",
                "Agreed, most often": m.agreed_value or "–",
                "Share of the stated effect": f"{100 * m.strength:.0f}%",
                "Points off, as agreed": points(m.reduction),
                "where the track agrees": points(m.reduction_agreed),
                "at full effect in every draw": points(m.reduction_full)}
    return [row(m) for m in r.in_force]


def _in_force_table(r: EscalationResult) -> str:
    rows = in_force_rows(r)
    head = "".join(f"<th>{escape(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row.values()) + "</tr>" for row in rows)
    m = r.in_force[0]
    sentences = "".join(f"<li>{escape(x)}</li>" for x in link_sentences(r))
    return (f"<h3>Measures in force where their tracks agree</h3><ul>{sentences}</ul><div class='scroll'>"
            f"<table class='data' id='escalation-in-force'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div><p class='caption'>A measure tied to a track counts only "
            "in the draws in which the track agrees under the design, at the share of its stated effect that "
            "the agreed value buys (the measure's declared response). Points: the reduction of the chance "
            f"that any theatre reaches '{escape(m.rung)}' within {months_words(m.horizon)} by the measure "
            "alone, mean over all draws, over the draws in which its track agrees, and if it were in force "
            "at full effect in every draw; under designs other than parallel talks only all measures "
            "together are run (see the effects table).</p>")


def risk_rows(r: EscalationResult) -> list[dict[str, str]]:
    """Risk by theatre and horizon for each shown rung, no measures vs the package, as words."""
    rows = []
    for t, title in r.theatres.items():
        for h in r.horizons:
            row = {"Theatre": title, "Within (months)": str(h)}
            for rung in shown_rungs(r):
                row[f"{rung}: no measures"] = cell_text(r.risk(BASELINE, t, h, rung))
                if has_package(r):
                    row[f"{rung}: all measures"] = cell_text(r.risk(PACKAGE, t, h, rung))
            rows.append(row)
    return rows


def _risk_table(r: EscalationResult) -> str:
    rungs = shown_rungs(r)
    span = 2 if has_package(r) else 1
    top = "".join(f"<th colspan='{span}'>{escape(rung)}</th>" for rung in rungs)
    sub = "".join("<th>no measures</th>" + ("<th>all measures</th>" if span == 2 else "") for _ in rungs)
    body = []
    for t, title in r.theatres.items():
        for k, h in enumerate(r.horizons):
            name = f"<td rowspan='{len(r.horizons)}'>{'<b>' if t == COMBINED else ''}{escape(title)}" \
                   f"{'</b>' if t == COMBINED else ''}</td>" if k == 0 else ""
            cells = "".join(f"<td>{escape(cell_text(r.risk(s, t, h, rung)))}</td>" for rung in rungs
                            for s in ((BASELINE, PACKAGE) if span == 2 else (BASELINE,)))
            body.append(f"<tr>{name}<td>{h}</td>{cells}</tr>")
    return ("<h3>Risk by theatre and horizon</h3><div class='scroll'><table class='data' "
            "id='escalation-risk'><thead><tr><th rowspan='2'>Theatre</th><th rowspan='2'>Within (months)</th>"
            f"{top}</tr><tr>{sub}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
            "<p class='caption'>The chance that the theatre reaches "
            f"the rung at least once within the horizon, mean and the central {level_words(r)} of its spread "
            "over the uncertain inputs, in percent ('same in every draw': structural, no interval). "
            f"{escape(all_measures_words(r))}</p>")


def all_measures_words(r: EscalationResult) -> str:
    """What 'all measures' means in the tables where measures are tied to tracks."""
    if not linked(r):
        return ""
    where = "under parallel talks" if r.basis != "central" else "at the central compromise"
    return (" 'All measures' counts each measure tied to a track only in the draws in which its track "
            f"agrees {where}, at the share of its stated effect that the agreed value buys.")


def _curve(r: EscalationResult, scenario: str, rung: str) -> RiskCurve | None:
    return next((c for c in r.curves if (c.scenario, c.theatre, c.rung) == (scenario, COMBINED, rung)), None)


def _curves_chart(r: EscalationResult) -> str:
    rungs = [rung for rung in top_rungs(r) if _curve(r, BASELINE, rung) is not None]
    if not rungs:
        return ""
    fig = make_subplots(rows=1, cols=len(rungs), subplot_titles=[f"any theatre reaches '{x}'" for x in rungs],
                        horizontal_spacing=0.1)
    for col, rung in enumerate(rungs, start=1):
        for s in (BASELINE, PACKAGE, ALL_IN_FORCE):
            c = _curve(r, s, rung)
            if c is None:
                continue
            x = list(c.months)
            name = r.scenarios[s]
            fig.add_trace(go.Scatter(x=x, y=list(c.high), mode="lines", line=dict(width=0), hoverinfo="skip",
                                     showlegend=False, legendgroup=s), row=1, col=col)
            fig.add_trace(go.Scatter(x=x, y=list(c.low), mode="lines", line=dict(width=0), fill="tonexty",
                                     fillcolor=FILLS[s], hoverinfo="skip", showlegend=False, legendgroup=s),
                          row=1, col=col)
            fig.add_trace(go.Scatter(x=x, y=list(c.mean), mode="lines", name=name, legendgroup=s,
                                     line=dict(color=COLOURS[s], width=2.5,
                                               dash="dash" if s == ALL_IN_FORCE else "solid"),
                                     showlegend=col == 1,
                                     hovertemplate="%{x} months<br>%{y:.1%}<extra>" + name + "</extra>"),
                          row=1, col=col)
        fig.update_xaxes(title_text="months", row=1, col=col)
        fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=1, col=col)
    fig.update_yaxes(title_text="probability", row=1, col=1)
    fig.update_layout(**{**_LAYOUT, "height": 380, "margin": dict(l=60, r=20, t=60, b=50)},
                      legend=dict(orientation="h", yanchor="bottom", y=-0.32, x=0))
    caption = ("The chance that any theatre reaches " + " and ".join(f"'{x}'" for x in rungs)
               + " at least once by each month, with no measures"
               + (f" and {package_words(r)}" if has_package(r) else "")
               + (" (dashed: every measure in force at full effect, a hypothetical)" if linked(r) else "")
               + f"; bands are the central {level_words(r)} of the spread over the uncertain inputs. "
               + caption_words(r))
    return _figure(fig, "escalation-curves", caption)


def effect_rows(r: EscalationResult) -> list[dict[str, str]]:
    """Each measure's and the package's risk reduction for the top rungs, any theatre, longest horizon."""
    h = max(r.horizons)
    rows = []
    for s, title in r.scenarios.items():
        if s == BASELINE:
            continue
        row = {"Measure": title}
        for rung in top_rungs(r):
            e = r.effect(s, COMBINED, h, rung)
            rel = "" if e.relative != e.relative else f", {100 * e.relative:.0f}% of the risk"  # nan: no risk
            ends = "" if e.kind == STRUCTURAL else f" ({100 * e.low:.1f}–{100 * e.high:.1f})"
            row[f"{rung}: reduction"] = f"{100 * e.reduction:.1f}{ends} points{rel}"
        rows.append(row)
    return rows


def _effects_table(r: EscalationResult) -> str:
    rows = effect_rows(r)
    head = "".join(f"<th>{escape(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row.values()) + "</tr>" for row in rows)
    return (f"<h3>What the measures take off the risk</h3><div class='scroll'><table class='data' "
            f"id='escalation-effects'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            f"<p class='caption'>Reduction of the chance that any theatre reaches the rung within "
            f"{months_words(max(r.horizons))}, against no measures, in percentage points (mean and the "
            f"central {level_words(r)} of its spread over the uncertain inputs; none where the same in every "
            "draw), and as a share of the risk with no measures.</p>")


def _effects_chart(r: EscalationResult) -> str:
    h = max(r.horizons)
    # plotly stacks upwards: the first measure on top, the package last
    measures = [s for s in r.scenarios if s != BASELINE][::-1]
    labels = [_short(r.scenarios[s]) for s in measures]
    palette = ["#f58518", "#b3261e", "#54a24b", "#72b7b2"]
    bars = []
    for k, rung in reversed(list(enumerate(top_rungs(r)))):  # the lower rung drawn last, so on top
        effects = [r.effect(s, COMBINED, h, rung) for s in measures]
        bars.append(go.Bar(name=rung, y=labels, x=[100 * e.reduction for e in effects], orientation="h",
                           marker_color=palette[k % len(palette)],
                           error_x=dict(type="data", symmetric=False,
                                        array=[100 * (e.high - e.reduction) for e in effects],
                                        arrayminus=[100 * (e.reduction - e.low) for e in effects]),
                           hovertemplate="%{y}<br>%{x:.2f} points<extra>" + rung + "</extra>"))
    fig = go.Figure(bars)
    layout = {**_LAYOUT, "height": 140 + 55 * len(labels), "margin": dict(l=300, r=20, t=30, b=50)}
    fig.update_layout(**layout, barmode="group", legend=dict(traceorder="reversed"),
                      xaxis=dict(title=f"risk reduction within {h} months, any theatre (percentage points)",
                                 zeroline=True))
    caption = ("How much each measure on its own, and all of them together, lowers the chance that any "
               "theatre reaches " + " or ".join(f"'{x}'" for x in top_rungs(r))
               + f" within {months_words(h)}, in "
               f"percentage points against no measures; error bars are the central {level_words(r)} of the "
               "spread over the uncertain inputs (not Monte Carlo error). "
               "Theatres are combined assuming independence; the measures' effects are "
               "judgement (see the scenario's sources).")
    return _figure(fig, "escalation-effects-chart", caption)


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _figure(fig: go.Figure, div_id: str, caption: str) -> str:
    return f"<figure>{_html(fig, div_id)}<figcaption>{escape(caption)}</figcaption></figure>"


__all__ = ["all_measures_words", "caption_words", "effect_rows", "escalation_section", "headline",
           "in_force_rows", "link_sentences", "months_words", "risk_rows", "shown_rungs", "top_rungs"]
