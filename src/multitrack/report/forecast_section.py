"""Report section of the forecast analysis: per track a table of where each numeric issue lands
under the four spatial bargaining models (with their intervals over the uncertain inputs) beside
the agreement space's bargaining solutions, a sentence per issue on how far apart they are, and a
dot plot of positions, status quo, forecasts and solutions on each issue's own scale. A forecast
beyond a veto player's red line is marked and said so in its sentence, and each issue bounded by
a veto player's red line gets a second row: the forecasts conditional on agreement, within the
values every veto player accepts."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from markupsafe import escape
from plotly.subplots import make_subplots

from ..forecast.analysis import SOLUTION_CONCEPTS, ForecastResult, IssueForecast, ModelForecast
from ..forecast.on_agreement import AgreedForecast
from ..forecast.variants import model_range
from ..scenario.model import Scenario
from .charts import _LAYOUT, _html
from .sections import section_renderer
from .wording import CONCEPT_NAMES, Words

#: Per model: a short label (table heads, chart rows), a name for sentences, and what it computes.
MODEL_WORDS = {
    "mean": ("compromise", "the compromise model",
             "the capability × salience weighted mean of the positions (Achen 2006; van den Bos 1991)"),
    "median": ("weighted median", "the weighted median",
               "the position no weighted majority can beat, with the same weights (Black 1948; Achen 2006)"),
    "challenge": ("challenge", "the expected-utility challenge model",
                  ("rounds of challenges and offers until positions settle, read at the median voter "
                   "(Bueno de Mesquita 1994, equations after Scholz, Calbert & Smith 2011)")),
    "condorcet": ("Condorcet", "the probabilistic Condorcet model",
                  ("a probabilistic Condorcet election among the positions, as in KAPSARC's KTAB "
                   "(Wise, Lester & Efird 2015)")),
}
MODEL_COLOURS = {"mean": "#4c78a8", "median": "#f58518", "challenge": "#54a24b", "condorcet": "#b279a2"}
SOLUTION_SYMBOLS = {"nash": "diamond", "kalai_smorodinsky": "square", "egalitarian": "triangle-up",
                    "utilitarian": "star"}
SOLUTION_COLOURS = {"nash": "#e45756", "kalai_smorodinsky": "#9d755d", "egalitarian": "#222222",
                    "utilitarian": "#17becf"}
NONE = "—"
#: The mark of a forecast beyond a veto player's red line, and what it means.
BEYOND = "†"
BEYOND_WORDS = (f"{BEYOND}: beyond a veto player's red line (at the central estimates or in at least half "
                "the draws), where no agreement can land.")
#: The label of an issue's second row: its forecasts conditional on agreement.
AGREED_LABEL = "conditional on agreement"
#: One sentence on what a forecast conditional on agreement is.
AGREED_WORDS = ("Conditional on agreement: each model rerun with every actor's position moved to the value "
                "it likes best among those no veto player's red line excludes (the acceptable set, shown "
                "with it), so the forecast is a deal every veto player of the track can accept "
                f"(Tsebelis 2002); {NONE} where no value satisfies every veto player.")


def model_label(model: str) -> str:
    return MODEL_WORDS.get(model, (model, model, model))[0]


def model_name(model: str) -> str:
    return MODEL_WORDS.get(model, (model, f"the {model} model", model))[1]


def solution_name(concept: str) -> str:
    return CONCEPT_NAMES.get(concept, concept.replace("_", " "))


def level_words(r: ForecastResult) -> str:
    return f"{round(100 * r.level)}%"


def decimals(i: IssueForecast) -> int:
    """Digits after the point: three significant digits of the issue's range (one decimal on a
    range of 10 to 99, none from 100 up)."""
    span = abs(i.high - i.low)
    return 0 if span <= 0 else max(0, 2 - math.floor(math.log10(span)))


def num(i: IssueForecast, v: float) -> str:
    """A value of the issue, rounded to its range (see `decimals`); never "-0"."""
    text = f"{v:.{decimals(i)}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def plain(v: float) -> str:
    """A value of the issue's own domain (its ends, the status quo, a bargaining solution): whole
    numbers without decimals, others as they are."""
    return f"{v:g}" if float(v).is_integer() else f"{v:.4g}"


def with_unit(i: IssueForecast, text: str) -> str:
    return f"{text} {i.unit}" if i.unit else text


def issue_label(i: IssueForecast) -> str:
    return f"{i.title} ({i.unit})" if i.unit else i.title


def range_text(i: IssueForecast) -> str:
    return f"{plain(i.low)}–{plain(i.high)}"


def forecast_text(i: IssueForecast, f: ModelForecast) -> str:
    """A model's forecast as 'central (low–high)': the value at the central estimates, then the
    interval over the draws."""
    return f"{num(i, f.nominal)} ({num(i, f.low)}–{num(i, f.high)})"


def solution_text(i: IssueForecast, concept: str) -> str:
    v = i.solutions.get(concept)
    return NONE if v is None else plain(v)


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def line_word(relation: str) -> str:
    return {"below": "floor", "above": "ceiling", "equals": "excluded value"}[relation]


def flag(i: IssueForecast, model: str) -> str:
    """The mark of a forecast beyond a veto player's red line ("" where it is not)."""
    return f" {BEYOND}" if i.breaches(model) else ""


def beyond_words(i: IssueForecast, model: str, names: dict[str, str] | None = None) -> str:
    """Whose red lines the model's forecast lies beyond: "beyond Russia's ceiling of 0 thousand
    troops (in 100% of draws)"; "" where it lies beyond none."""
    names = names or {}
    parts = [f"{possessive(names.get(b.actor, b.actor))} {line_word(b.relation)} of "
             f"{with_unit(i, plain(b.threshold))} (in {b.share:.0%} of draws)" for b in i.breaches(model)]
    return "beyond " + " and ".join(parts) if parts else ""


def some_draws_words(i: IssueForecast, model: str, names: dict[str, str] | None = None) -> str:
    """The red lines the model's forecast breaks in some draws but too few to flag: "Russia's floor
    of 15 years in 23% of draws"; "" where none."""
    names = names or {}
    return " and ".join(f"{possessive(names.get(b.actor, b.actor))} {line_word(b.relation)} of "
                        f"{with_unit(i, plain(b.threshold))} in {b.share:.0%} of draws"
                        for b in i.beyond_in_some_draws if b.model == model)


def bounded(i: IssueForecast) -> bool:
    """Whether a veto player's red line bounds the issue, so the forecast conditional on agreement
    can differ from the forecast (an issue without one gets no second row)."""
    a = i.acceptable
    return a is not None and bool(i.agreed) and (a.empty or a.share_open < 1 or a.floor_actor is not None
                                                 or a.ceiling_actor is not None or bool(a.excluded))


def acceptable_text(i: IssueForecast) -> str:
    """The acceptable set at the central estimates: "15–20", "0–60 except 7", or "none"."""
    a = i.acceptable
    if a is None or a.low is None or a.high is None:
        return "none"
    text = plain(a.low) if a.low == a.high else f"{plain(a.low)}–{plain(a.high)}"
    return text + (f" except {', '.join(map(plain, a.excluded))}" if a.excluded else "")


def agreed_text(i: IssueForecast, a: AgreedForecast) -> str:
    """A forecast conditional on agreement as 'central (low–high)', with the share of draws that
    have one where it is not all; the dash where there is none."""
    if a.low is None or a.high is None:
        return NONE
    spread = f"{num(i, a.low)}–{num(i, a.high)}"
    some = "" if a.share >= 1 else f", {a.share:.0%} of draws"
    return f"{NONE if a.nominal is None else num(i, a.nominal)} ({spread}{some})"


def agreed_central(i: IssueForecast, a: AgreedForecast) -> str:
    """A forecast conditional on agreement at the central estimates (the dash where there is none)."""
    return NONE if a.nominal is None else num(i, a.nominal)


def no_agreement_words(i: IssueForecast, names: dict[str, str] | None = None) -> str:
    """Why no value satisfies every veto player at the central estimates."""
    names = names or {}
    a = i.acceptable
    if a is not None and a.floor_actor and a.ceiling_actor and a.floor is not None and a.ceiling is not None \
            and a.floor > a.ceiling:
        return (f"{possessive(names.get(a.floor_actor, a.floor_actor))} floor of "
                f"{with_unit(i, plain(a.floor))} lies above "
                f"{possessive(names.get(a.ceiling_actor, a.ceiling_actor))} ceiling of "
                f"{with_unit(i, plain(a.ceiling))}")
    return "the veto players' red lines leave no value of the issue open"


def agreed_sentence(i: IssueForecast, model: str, names: dict[str, str] | None = None) -> str:
    """The named model's forecast conditional on agreement, in a sentence ("" where no veto
    player's red line bounds the issue)."""
    if not bounded(i):
        return ""
    a = i.on_agreement(model)
    acc = i.acceptable
    assert acc is not None
    if acc.empty:
        out = ("At the central estimates no value satisfies every veto player "
               f"({no_agreement_words(i, names)})")
        if a.low is None or a.high is None:
            return out + ", nor in any draw, so there is no forecast conditional on agreement."
        return (out + f"; in the {a.share:.0%} of draws where some value does, {model_name(model)} "
                f"conditional on agreement gives {num(i, a.low)}–{with_unit(i, num(i, a.high))}.")
    assert a.nominal is not None
    spread = "" if a.low is None or a.high is None else f" ({num(i, a.low)}–{num(i, a.high)})"
    out = (f"Conditional on agreement (within {with_unit(i, acceptable_text(i))}, the values no veto "
           f"player's red line excludes) it is {with_unit(i, num(i, a.nominal))}{spread}")
    if acc.share_open < 1:
        out += f"; in {1 - acc.share_open:.0%} of draws no value satisfies every veto player"
    return out + "."


def headline_model(r: ForecastResult) -> str:
    """The model the sentences lead with: the result's headline model (the backtest-best where it ran)."""
    return r.lead


def model_range_text(i: IssueForecast) -> str:
    """An issue's model range as 'low (models) – high (models)'; "" with one model or none apart."""
    return _range_text(i, i.model_range)


def _range_text(i: IssueForecast, m) -> str:
    if m is None:
        return ""
    if num(i, m.low) == num(i, m.high):
        return f"{num(i, m.low)} (all models)"
    return (f"{num(i, m.low)} ({', '.join(map(model_label, m.low_models))}) – "
            f"{num(i, m.high)} ({', '.join(map(model_label, m.high_models))})")


def issue_sentence(r: ForecastResult, i: IssueForecast, names: dict[str, str] | None = None) -> str:
    """Where the lead model puts the issue (and whose red line that lies beyond), how far apart the
    models are, where it lands conditional on agreement, and how the bargaining solutions (Nash
    first) compare. ``names``: actor id -> name."""
    lead = i.model(headline_model(r))
    span = abs(i.high - i.low) or 1.0
    out = (f"On '{i.title}', {model_name(lead.model)} puts the outcome at "
           f"{with_unit(i, num(i, lead.nominal))} ({num(i, lead.low)}–{num(i, lead.high)})")
    beyond = beyond_words(i, lead.model, names)
    if beyond:
        out += f", {beyond}, where no agreement can land"
    elif some := some_draws_words(i, lead.model, names):
        out += f"; in some draws it lies beyond a veto player's red line ({some})"
    m = i.model_range
    if m is not None:
        if num(i, m.low) == num(i, m.high):
            out += f"; all {count(m.models)} models agree on {num(i, m.low)}"
        else:
            out += (f"; across the {count(m.models)} models it lands from {num(i, m.low)} "
                    f"({', '.join(map(model_label, m.low_models))}) to {num(i, m.high)} "
                    f"({', '.join(map(model_label, m.high_models))}), {round(100 * m.width / span)}% of the "
                    "issue's range (a model range: the span between defensible models, not an interval)")
    out += "."
    agreed = agreed_sentence(i, lead.model, names)
    if agreed:
        out += " " + agreed
    if not i.solutions:
        return out + " The track has no agreeable outcome, so there is no bargaining solution to compare."
    lead_concept = "nash" if "nash" in i.solutions else next(iter(i.solutions))
    value = i.solutions[lead_concept]
    gap = value - lead.nominal
    where = ("the same value" if num(i, abs(gap)) == num(i, 0.0) else
             f"{with_unit(i, num(i, abs(gap)))} {'above' if gap > 0 else 'below'} it")
    out += f" The {solution_name(lead_concept)} bargaining solution is at {plain(value)}, {where}"
    others = [v for c, v in i.solutions.items() if c != lead_concept]
    if others:
        vals = list(i.solutions.values())
        out += f"; the bargaining solutions span {plain(min(vals))}–{plain(max(vals))}"
    return out + "."


def count(n: int) -> str:
    return ("no", "one", "two", "three", "four", "five", "six")[n] if n <= 6 else str(n)


def by_track(r: ForecastResult) -> dict[str, list[IssueForecast]]:
    out: dict[str, list[IssueForecast]] = {}
    for i in r.issues:
        out.setdefault(i.track, []).append(i)
    return out


def forecast_rows(r: ForecastResult, issues: list[IssueForecast]) -> list[dict[str, str]]:
    """One row of words per issue (shared with Markdown)."""
    rows = []
    for i in issues:
        row = {"Issue": issue_label(i), "Range": range_text(i)}
        if any(j.status_quo is not None for j in issues):  # a track without a status quo has no column
            row["Status quo"] = plain(i.status_quo) if i.status_quo is not None else ""
        row.update({model_label(f.model): forecast_text(i, f) + flag(i, f.model) for f in i.forecasts})
        if any(j.model_range is not None for j in issues):
            row["Model range"] = model_range_text(i)
        row.update({solution_name(c): solution_text(i, c) for c in SOLUTION_CONCEPTS})
        rows.append(row)
        if bounded(i):
            rows.append(agreed_row(i, row))
    return rows


def agreed_row(i: IssueForecast, row: dict[str, str]) -> dict[str, str]:
    """The issue's second row (the keys of ``row``): the acceptable set in the range column and
    each model's forecast conditional on agreement; the bargaining solutions are agreements
    already, so their cells stay empty."""
    out = {k: "" for k in row}
    out["Issue"] = f"↳ {AGREED_LABEL}"
    out["Range"] = acceptable_text(i)
    out.update({model_label(a.model): agreed_text(i, a) for a in i.agreed})
    if "Model range" in out:
        out["Model range"] = agreed_range_text(i)
    return out


def agreed_range_text(i: IssueForecast) -> str:
    """The model range of the forecasts conditional on agreement ("" with fewer than two)."""
    given = {a.model: a.nominal for a in i.agreed if a.nominal is not None}
    return _range_text(i, model_range(given, next(iter(given), "")) if len(given) > 1 else None)


def intro(r: ForecastResult) -> str:
    """What the models compute, what the weights are and what the intervals are."""
    models = "; ".join(f"{model_label(m)}: {MODEL_WORDS.get(m, (m, m, m))[2]}" for m in r.models)
    return (f"Each numeric issue is forecast with {count(len(r.models))} spatial bargaining models "
            f"({models}). Every actor's weight is its capability × salience, shared so the weights sum to "
            "one. The central value is the forecast at the scenario's central estimates; the range in "
            f"brackets is the {level_words(r)} interval over {r.draws:,} draws of the uncertain inputs (seed "
            f"{r.seed}). Beside them, the agreement space's bargaining solutions (Nash, Kalai-Smorodinsky, "
            f"egalitarian, utilitarian) on the same issue ({NONE} where the track has no agreeable outcome). "
            + headline_words(r) + agreement_words(r))


def agreement_words(r: ForecastResult) -> str:
    """What the mark and the second row mean, where some issue has them ("" elsewhere)."""
    out = ""
    if any(bounded(i) for i in r.issues):
        out += " " + AGREED_WORDS
    if any(i.beyond_red_lines for i in r.issues):
        out += " " + BEYOND_WORDS
    return out


def headline_words(r: ForecastResult) -> str:
    """Which model leads and why, and what the model range is (and is not)."""
    lead = f"The sentences lead with {model_name(r.lead)}" + (f", {r.headline_reason}." if r.headline_reason
                                                                else ".")
    if len(r.models) < 2:
        return lead
    return (lead + " The model range of an issue is the span of the models' central forecasts, with the "
            "model at each end: the uncertainty over which model to believe, not an interval over the inputs "
            "(no probability attaches to it).")


@section_renderer(ForecastResult)
def forecast_section(result: ForecastResult, scenario: Scenario) -> str:
    words = Words(scenario)
    parts = [f"<p class='caption'>{escape(intro(result))}</p>"]
    parts += [f"<p class='caption'>{escape(n)}</p>" for n in result.notes]
    if not result.issues:
        return "".join(parts) + "<p>The scenario has no numeric issue to forecast.</p>"
    for track, issues in by_track(result).items():
        parts.append(_track(result, track, issues, words))
    return "".join(parts)


def _track(r: ForecastResult, track: str, issues: list[IssueForecast], words: Words) -> str:
    title = words.tracks.get(track, track)
    out = [f"<h3 id='forecast-track-{escape(track)}'>{escape(title)}</h3>", _table(r, track, issues)]
    out.append("<ul>" + "".join(f"<li>{escape(issue_sentence(r, i, words.actors))}</li>" for i in issues)
               + "</ul>")
    out.append(_chart(r, track, title, issues, words))
    return "".join(out)


def _table(r: ForecastResult, track: str, issues: list[IssueForecast]) -> str:
    models = "".join(f"<th>{escape(model_label(m))}</th>" for m in r.models)
    concepts = "".join(f"<th>{escape(solution_name(c))}</th>" for c in SOLUTION_CONCEPTS)
    body = []
    with_sq = any(i.status_quo is not None for i in issues)
    ranged = any(i.model_range is not None for i in issues)
    for i in issues:
        cells = [f"<td style='min-width:13em'>{escape(i.title)}"
                 + (f" <span class='meta'>({escape(i.unit)})</span>" if i.unit else "")
                 + "</td>", f"<td>{escape(range_text(i))}</td>"]
        if with_sq:
            cells.append(f"<td>{escape(plain(i.status_quo)) if i.status_quo is not None else ''}</td>")
        cells += [f"<td>{escape(forecast_text(i, i.model(m)) + flag(i, m))}</td>" for m in r.models]
        if ranged:
            cells.append(f"<td>{escape(model_range_text(i))}</td>")
        cells += [f"<td>{escape(solution_text(i, c))}</td>" for c in SOLUTION_CONCEPTS]
        body.append(f"<tr id='forecast-{escape(track)}-{escape(i.issue)}'>{''.join(cells)}</tr>")
        if bounded(i):
            agreed = [f"<td class='meta'>↳ {escape(AGREED_LABEL)}</td>",
                      f"<td>{escape(acceptable_text(i))}</td>"]
            agreed += ["<td></td>"] if with_sq else []
            agreed += [f"<td>{escape(agreed_text(i, i.on_agreement(m)))}</td>" for m in r.models]
            agreed += [f"<td>{escape(agreed_range_text(i))}</td>"] if ranged else []
            agreed += ["<td></td>"] * len(SOLUTION_CONCEPTS)
            body.append(f"<tr id='forecast-{escape(track)}-{escape(i.issue)}-agreed'>{''.join(agreed)}</tr>")
    return (f"<div class='scroll'><table class='data' id='forecast-{escape(track)}'><thead><tr>"
            "<th rowspan='2'>Issue</th><th rowspan='2'>Range</th>"
            + ("<th rowspan='2'>Status quo</th>" if with_sq else "") +
            f"<th colspan='{len(r.models)}'>Models: central ({level_words(r)} interval)</th>"
            + ("<th rowspan='2'>Model range</th>" if ranged else "") +
            f"<th colspan='{len(SOLUTION_CONCEPTS)}'>Bargaining solutions</th></tr>"
            f"<tr>{models}{concepts}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


# --------------------------------------------------------------------------- the dot plot


def chart_rows(r: ForecastResult, solutions: bool = True) -> dict[str, float]:
    """The rows of an issue's panel, top to bottom, with their place on the y axis: the actors'
    positions (given more room, for the circles), each model, the bargaining solutions."""
    rows = {"actors' positions": -0.6}
    rows.update({model_label(m): float(k) for k, m in enumerate(r.models, start=1)})
    if solutions:
        rows["bargaining solutions"] = float(len(r.models) + 1)
    return rows


def grouped_positions(i: IssueForecast, names: dict[str, str]) -> list[tuple[float, float, list[str]]]:
    """Actors at the same position as one point: (position, summed weight, 'name (weight)' lines)."""
    groups: dict[float, tuple[float, list[str]]] = {}
    for a, x, w in zip(i.actors, i.positions, i.weights, strict=True):
        total, who = groups.get(x, (0.0, []))
        groups[x] = (total + w, who + [f"{names.get(a, a)} ({100 * w:.0f}%)"])
    return [(x, w, who) for x, (w, who) in sorted(groups.items())]


def _t(text: str) -> str:
    """Text for a plotly label: plotly reads a little HTML, so scenario text goes in escaped."""
    return str(escape(text))


def _chart(r: ForecastResult, track: str, title: str, issues: list[IssueForecast], words: Words) -> str:
    ys = chart_rows(r, solutions=any(i.solutions for i in issues))
    panel, gap, top, bottom = 30 + 30 * len(ys), 100, 70, 50  # pixels
    height = top + bottom + panel * len(issues) + gap * (len(issues) - 1)
    fig = make_subplots(rows=len(issues), cols=1, vertical_spacing=gap / (height - top - bottom),
                        subplot_titles=[_t(issue_label(i)) for i in issues])
    shown: set[str] = set()

    def legend(key: str) -> bool:
        first = key not in shown
        shown.add(key)
        return first

    for row, i in enumerate(issues, start=1):
        groups = grouped_positions(i, words.actors)
        fig.add_trace(go.Scatter(
            x=[g[0] for g in groups], y=[ys["actors' positions"]] * len(groups), mode="markers",
            name="actor's position (size: weight)", legendgroup="actors", showlegend=legend("actors"),
            marker=dict(size=[8 + 30 * math.sqrt(g[1]) for g in groups], color="rgba(120,120,120,0.45)",
                        line=dict(color="#444", width=1)),
            hovertext=["<br>".join(map(_t, g[2])) + f"<br>position {_t(with_unit(i, num(i, g[0])))}"
                       for g in groups], hoverinfo="text"),
            row=row, col=1)
        for f in i.forecasts:
            label = model_label(f.model)
            fig.add_trace(go.Scatter(
                x=[f.nominal], y=[ys[label]], mode="markers", name=label, legendgroup=f.model,
                showlegend=legend(f.model), marker=dict(size=11, color=MODEL_COLOURS.get(f.model, "#4c78a8")),
                error_x=dict(type="data", symmetric=False, array=[max(0.0, f.high - f.nominal)],
                             arrayminus=[max(0.0, f.nominal - f.low)], thickness=2, width=6),
                hovertext=[_t(f"{label}: {with_unit(i, forecast_text(i, f) + flag(i, f.model))}"
                              + (f", {beyond_words(i, f.model, words.actors)}" if i.breaches(f.model)
                                 else ""))],
                hoverinfo="text"),
            row=row, col=1)
            agreed = next((a for a in i.agreed if a.model == f.model), None) if bounded(i) else None
            if agreed is not None and agreed.nominal is not None:  # conditional on agreement: open marker
                fig.add_trace(go.Scatter(
                    x=[agreed.nominal], y=[ys[label] + 0.25], mode="markers", name=AGREED_LABEL,
                    legendgroup="agreed", showlegend=legend("agreed"),
                    marker=dict(size=9, symbol="circle-open", color=MODEL_COLOURS.get(f.model, "#4c78a8"),
                                line=dict(width=2)),
                    hovertext=[_t(f"{label}, {AGREED_LABEL}: {with_unit(i, agreed_text(i, agreed))}")],
                    hoverinfo="text"),
                    row=row, col=1)
        concepts = [c for c in SOLUTION_CONCEPTS if c in i.solutions]
        for k, c in enumerate(concepts):
            offset = (k - (len(concepts) - 1) / 2) * 0.18  # coinciding solutions stay visible
            fig.add_trace(go.Scatter(
                x=[i.solutions[c]], y=[ys["bargaining solutions"] + offset], mode="markers",
                name=solution_name(c), legendgroup=c, showlegend=legend(c),
                marker=dict(size=11, symbol=SOLUTION_SYMBOLS.get(c, "circle"),
                            color=SOLUTION_COLOURS.get(c, "#333"), line=dict(color="#fff", width=0.5)),
                hovertext=[_t(f"{solution_name(c)}: {with_unit(i, num(i, i.solutions[c]))}")],
                hoverinfo="text"),
                row=row, col=1)
        if i.status_quo is not None:  # a track without a status quo has no line to draw
            fig.add_trace(go.Scatter(
                x=[i.status_quo, i.status_quo], y=[-1.3, max(ys.values()) + 0.5], mode="lines",
                name="status quo", legendgroup="sq", showlegend=legend("sq"),
                line=dict(color="#222", width=1.5, dash="dash"),
                hovertext=_t(f"status quo: {with_unit(i, num(i, i.status_quo))}"), hoverinfo="text"),
                row=row, col=1)
        pad = 0.03 * (abs(i.high - i.low) or 1.0)
        fig.update_xaxes(range=[i.low - pad, i.high + pad], title_text=_t(i.unit or ""), row=row, col=1,
                         showgrid=True, zeroline=False)
        fig.update_yaxes(tickvals=list(ys.values()), ticktext=list(ys), range=[max(ys.values()) + 0.6, -1.4],
                         zeroline=False, showgrid=True, gridcolor="#eee", row=row, col=1)
    fig.update_layout(**{**_LAYOUT, "height": height, "margin": dict(l=150, r=20, t=top, b=bottom)},
                      legend=dict(orientation="h", yanchor="bottom", y=1 + 30 / (height - top - bottom), x=0))
    caption = (f"{title}: each issue on its own scale (its range, in its unit). Grey circles are the actors' "
               "positions, sized by their weight (capability × salience; hover for names); each model's "
               f"forecast at the central estimates, with its {level_words(r)} interval over the uncertain "
               "inputs as a bar (hover for the veto player's red line it lies beyond, if any), "
               "and just below it, as an open circle, its forecast conditional on agreement where a veto "
               "player's red line bounds the issue; the bargaining solutions as distinct markers (side by "
               "side where they coincide)"
               + ("; the dashed line is the status quo." if any(i.status_quo is not None for i in issues)
                  else "."))
    return (f"<figure>{_html(fig, f'forecast-chart-{track}')}"
            f"<figcaption>{escape(caption)}</figcaption></figure>")


__all__ = ["AGREED_LABEL", "AGREED_WORDS", "BEYOND", "BEYOND_WORDS", "MODEL_WORDS", "acceptable_text",
           "agreed_central", "agreed_range_text", "agreed_row", "agreed_sentence", "agreed_text",
           "agreement_words", "beyond_words", "bounded", "by_track", "chart_rows", "decimals", "flag",
           "forecast_rows", "forecast_section", "forecast_text", "grouped_positions", "headline_words",
           "intro", "issue_label", "issue_sentence", "model_label", "model_name", "model_range_text",
           "num", "solution_name", "solution_text", "some_draws_words"]
