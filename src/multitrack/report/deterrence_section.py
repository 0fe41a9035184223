"""Report section of the deterrence analysis: per crisis a sentence on how often deterrence holds
and why it fails, a table of the guarantees, and per guarantee its deterrence curve."""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import escape

from ..deterrence.analysis import CrisisResult, DeterrenceCurveResult, DeterrenceResult, GuaranteeResult
from ..scenario.model import Scenario
from .charts import _LAYOUT, _html
from .process_words import interval_words, pct
from .provenance_section import crisis_inputs, inputs_html
from .sections import section_renderer
from .variant_words import variants_html
from .wording import Words

KIND_NAMES = {"tripwire": "tripwire force", "umbrella": "nuclear umbrella", "clause": "defence clause",
              "patron": "patron", "custom": "other guarantee"}

#: What each term of a guarantee is, for axis titles (short) and captions (long).
TERM_WORDS = {
    "tripwire": ("tripwire size", "the size of the force stationed in the target (in the scenario's unit, "
                 "such as brigades)"),
    "umbrella": ("umbrella credibility", "the credibility of the nuclear umbrella (the chance that a "
                 "response escalates to nuclear use)"),
    "ambiguity": ("ambiguity of the clause", "the ambiguity of the clause (the chance that the pledge "
                  "reads as discretionary, so that backing down costs no audience cost)"),
    "stake": ("stake", "the guarantor's stake in the target (what saving it is worth to the guarantor)"),
    "credibility": ("credibility", "the guarantee's credibility (the prior chance that the guarantor is "
                    "resolute)"),
    "cost_resolute": ("cost of fighting, resolute", "the resolute guarantor's cost of fighting"),
    "cost_irresolute": ("cost of fighting, irresolute", "the irresolute guarantor's cost of fighting"),
    "type_spread": ("spread of costs", "the spread of each type's cost of fighting"),
    "audience_cost": ("audience cost", "the audience cost of backing down from a binding pledge"),
    "tripwire_cost": ("cost per unit of tripwire", "the cost, per unit of tripwire, of standing aside once "
                      "the force is hit"),
    "war_cost": ("challenger's war cost",
                 "the challenger's loss from this guarantor's conventional response"),
    "nuclear_cost": ("challenger's nuclear cost", "the challenger's loss from nuclear escalation"),
    "escalation_cost": ("guarantor's escalation cost", "the guarantor's own expected loss from escalation"),
}


def _num(v: float) -> str:
    return f"{v:.3g}"


def _p(v: float) -> str:
    return f"{round(100 * v)}%"


def term_label(term: str) -> str:
    return TERM_WORDS.get(term, (term.replace("_", " "), term.replace("_", " ")))[0]


def term_words(term: str) -> str:
    return TERM_WORDS.get(term, (term.replace("_", " "), term.replace("_", " ")))[1]


def crisis_sentence(c: CrisisResult, names: dict[str, str]) -> str:
    """How often deterrence holds over the draws, and for what lack it fails where it does; for a
    crisis tied to a track, with the terms that track agrees in each draw."""
    who = f"Deterrence of {names.get(c.challenger, c.challenger)} against {names.get(c.target, c.target)}"
    note = interval_words(c.deterred)
    held = (f"{who} holds in {_p(c.deterred.value)} of draws" + (f" ({note})" if note else "")
            + ("" if c.link is None else _under(c)))
    if c.fails_on_credibility + c.fails_on_capability <= 0:
        return held + "; it fails in none of them."
    return (held + f"; where it fails, it is for lack of credibility in {_p(c.fails_on_credibility)} of "
                   f"draws and of capability in {_p(c.fails_on_capability)}.")


def _under(c: CrisisResult) -> str:
    link = c.link
    assert link is not None
    if link.source != "process":
        return (f", with the terms of the {link.track} track's central compromise (or its no-deal terms "
                "where it has none)")
    design = DESIGN_WORDS.get(link.headline_design, f"the {link.headline_design} design")
    return (f" {design}, with the terms the {link.track} track agrees in each draw (its no-deal terms where "
            "it fails)")


#: How a process design reads in a sentence.
DESIGN_WORDS = {"parallel": "under parallel talks", "linked": "under linked tracks",
                "sequential": "under sequential talks", "easy-first": "under the easy-first sequence",
                "package": "under one package", "partial-package": "under the best partial package"}


def _pc(v: float) -> str:
    """A share in percent, with a decimal below 10%."""
    return f"{100 * v:.1f}%" if 0 < 100 * v < 9.95 else f"{100 * v:.0f}%"


def link_sentences(c: CrisisResult) -> list[str]:
    """For a crisis tied to a track: deterrence by design, with no deal and with the terms as stated
    (which no agreement need place), and the outcomes best on deterrence and acceptability."""
    link = c.link
    if link is None:
        return []
    by_guarantee: dict[str, list[str]] = {}
    for key in link.terms:
        guarantee, term = key.split(".", 1)
        by_guarantee.setdefault(guarantee, []).append(term.replace("_", " "))
    terms = "; ".join(f"the {' and '.join(t)} of {g}" for g, t in by_guarantee.items())
    out = [f"The {link.track} track sets {terms} (from its issue{'s' if len(link.issues) > 1 else ''} "
           f"{', '.join(link.issues)})."]
    if link.source == "process" and len(link.designs) > 1:
        out.append("By design: " + "; ".join(
            f"{d.design} {_pc(d.deterred.value)} (the track agrees in {_pc(d.agreed)} of draws)"
            for d in link.designs) + ".")
    elif link.designs:
        d = link.designs[0]
        out.append(f"The track agrees in {_pc(d.agreed)} of draws.")
    out.append(f"If the track fails (the no-deal terms in every draw), deterrence holds in "
               f"{_pc(link.no_deal.value)}. With the terms as the file states them, which no agreement "
               f"of the track places, it would hold in {_pc(link.fixed_terms.value)}; that figure is not "
               "the result.")
    out += frontier_sentences(c)
    return out


def frontier_sentences(c: CrisisResult) -> list[str]:
    """The outcomes of the linked issues best on both deterrence and acceptability, in words."""
    link = c.link
    if link is None or not link.frontier:
        return []
    rest = ", ".join(f"{k} {v}" for k, v in link.rest.items())
    where = f" (the other issues at the {link.rest_from}: {rest})" if rest else ""
    head = (f"Over {link.candidates} outcomes of {', '.join(link.issues)}{where}, the share of draws in "
            f"which the guarantee deters and the outcome passes the {link.track} track's rule")
    best = link.frontier[0]
    if max(p.acceptable for p in link.frontier) == 0:
        return [head + " is 0 for every outcome: none passes the rule in any draw. The one that deters "
                f"most, {_outcome(best.outcome)}, deters in {_pc(best.deterred)} of draws."]
    return [head + f" is highest at {_outcome(best.outcome)}: {_pc(best.both.value)} (it deters in "
            f"{_pc(best.deterred)} and passes in {_pc(best.acceptable)})."]


def _outcome(outcome: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in outcome.items())


def frontier_rows(c: CrisisResult) -> list[dict[str, str]]:
    """The frontier of deterrence against acceptability as rows of words (HTML, Markdown, terminal)."""
    if c.link is None:
        return []
    return [{"Outcome": _outcome(p.outcome), "Deters": _pc(p.deterred),
             "Passes the track's rule": _pc(p.acceptable), "Both in the same draw": pct(p.both)}
            for p in c.link.frontier]


def nominal_sentence(c: CrisisResult) -> str:
    """What happens at the central estimates, and the margin by which attacking does not pay."""
    at = "holds" if c.nominal_deterred else "fails"
    return (f"At the scenario's central estimates deterrence {at}. On average over the draws, the "
            "challenger's expected cost of attacking "
            f"{'exceeds' if c.margin.value >= 0 else 'falls short of'} its prize by "
            f"{abs(c.margin.value):.2f} ({_margin_words(c)}the cost "
            "minus the prize, on the scenario's utility scale).")


def _margin_words(c: CrisisResult) -> str:
    note = interval_words(c.margin, scale=1.0, digits=2, unit="")
    return f"{note}; " if note else ""


def crossing_sentence(curve: DeterrenceCurveResult) -> str:
    """Where the curve crosses one half, or on which side of it it stays."""
    if curve.crossing is None:
        side = "above" if curve.probability and curve.probability[0] >= 0.5 else "below"
        return (f"Over the whole range ({_num(curve.values[0])} to {_num(curve.values[-1])}) the chance that "
                f"deterrence holds stays {side} one half.")
    crossing = curve.crossing
    k = min(range(len(curve.values)), key=lambda i: abs(curve.values[i] - crossing))
    way = "rises above" if curve.probability[k] >= 0.5 else "falls below"
    return (f"The chance that deterrence holds {way} one half when the {term_label(curve.term)} reaches "
            f"about {_num(curve.crossing)}.")


def curve_caption(c: CrisisResult, g: GuaranteeResult, names: dict[str, str]) -> str:
    curve = g.curve
    return (f"{g.title} ({names.get(g.guarantor, g.guarantor)}): the probability that deterrence of "
            f"{names.get(c.challenger, c.challenger)} holds as {term_words(curve.term)} runs from "
            f"{_num(curve.values[0])} to {_num(curve.values[-1])}, every other term at its draws. The band "
            "is the Monte Carlo precision of each point (95%, Wilson); the dashed line marks the scenario's "
            "central value "
            f"({_num(curve.nominal)}); the dotted line marks one half. " + crossing_sentence(curve))


@section_renderer(DeterrenceResult)
def deterrence_section(result: DeterrenceResult, scenario: Scenario) -> str:
    names = Words(scenario).actors
    parts = ["<p class='caption'>Each crisis is a game of incomplete information (perfect deterrence after "
             f"Zagare &amp; Kilgour 2000; tying hands after Fearon 1997), solved for {result.draws:,} draws "
             f"of the uncertain terms (seed {result.seed}). Deterrence holds in a draw when the challenger's "
             "expected cost of attacking is at least its prize. Where it fails, it fails for lack of "
             "credibility when a sure response would have deterred, and for lack of capability when even a "
             "sure response would not. A share of draws is a probability over the uncertain inputs, shown "
             "with its Monte Carlo error where that could change the figure; an average per draw is shown "
             "with its spread over the inputs (central 95% of the draws); \"the same in every draw\" marks "
             "a result no draw changes (structural).</p>"]
    parts += [f"<p class='caption'>{escape(n)}</p>" for n in result.notes]
    for c in result.crises:
        parts.append(_crisis(c, names, scenario))
    parts.append(variants_html(result.variants, "deterrence-variants", scenario))
    return "".join(parts)


def _crisis(c: CrisisResult, names: dict[str, str], scenario: Scenario) -> str:
    out = [f"<h3 id='crisis-{escape(c.id)}'>{escape(c.title)}</h3>",
           f"<p class='finding'><b>{escape(crisis_sentence(c, names))}</b> {escape(nominal_sentence(c))}</p>"]
    out += [f"<p>{escape(s)}</p>" for s in link_sentences(c)]
    out += [_frontier_table(c), _table(c, names)]
    out.append(inputs_html(crisis_inputs(scenario, c.id), scenario, "Inputs of this crisis"))
    out += [_curve_figure(c, g, names) for g in c.guarantees]
    return "".join(out)


def guarantee_rows(c: CrisisResult, names: dict[str, str]) -> list[dict[str, str]]:
    """The guarantees of a crisis as rows of words (shared with Markdown and the terminal)."""
    return [{"Guarantee": g.title, "Guarantor": names.get(g.guarantor, g.guarantor),
             "Kind": KIND_NAMES.get(g.kind, g.kind), "Chance of responding": pct(g.respond),
             "Curve crosses one half": _stays(g.curve) if g.curve.crossing is None else
             f"at {term_label(g.curve.term)} {_num(g.curve.crossing)}"}
            for g in c.guarantees]


def _stays(curve: DeterrenceCurveResult) -> str:
    return "never (stays " + ("above" if curve.probability and curve.probability[0] >= 0.5 else "below") + ")"


def _table(c: CrisisResult, names: dict[str, str]) -> str:
    rows = guarantee_rows(c, names)
    head = "".join(f"<th>{escape(k)}</th>" for k in rows[0]) if rows else ""
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in r.values()) + "</tr>" for r in rows)
    return (f"<div class='scroll'><table class='data' id='guarantees-{escape(c.id)}'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            "<p class='caption'>Chance of responding: how likely the guarantor is to respond to an attack, "
            "as the challenger sees it, averaged over the draws (with its spread over the inputs).</p>")


def _frontier_table(c: CrisisResult) -> str:
    rows = frontier_rows(c)
    if not rows:
        return ""
    head = "".join(f"<th>{escape(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in r.values()) + "</tr>" for r in rows)
    return (f"<div class='scroll'><table class='data' id='frontier-{escape(c.id)}'><thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table></div><p class='caption'>Outcomes of the linked issues "
            "that no other outcome beats on both the share of draws in which the guarantee deters and the "
            "share in which the track's decision rule passes (red lines, reservation values, vetoes), best "
            "joint share first.</p>")


def _curve_figure(c: CrisisResult, g: GuaranteeResult, names: dict[str, str]) -> str:
    curve = g.curve
    x = list(curve.values)
    fig = go.Figure([
        go.Scatter(x=x, y=list(curve.high), mode="lines", line=dict(width=0), hoverinfo="skip",
                   showlegend=False),
        go.Scatter(x=x, y=list(curve.low), mode="lines", line=dict(width=0), fill="tonexty",
                   fillcolor="rgba(76,120,168,0.25)", name="Monte Carlo 95%", hoverinfo="skip"),
        go.Scatter(x=x, y=list(curve.probability), mode="lines+markers", name="P(deterrence holds)",
                   line=dict(color="#4c78a8", width=2.5), marker=dict(size=5),
                   hovertemplate=f"{term_label(curve.term)} %{{x:.3g}}<br>%{{y:.1%}}<extra></extra>"),
    ])
    fig.add_hline(y=0.5, line=dict(color="#888", width=1, dash="dot"), annotation_text="one half",
                  annotation_position="bottom right")
    fig.add_vline(x=curve.nominal, line=dict(color="#e45756", width=1.5, dash="dash"),
                  annotation_text=f"scenario: {_num(curve.nominal)}", annotation_position="top")
    layout = {**_LAYOUT, "height": 340, "margin": dict(l=60, r=20, t=40, b=50)}
    fig.update_layout(**layout, xaxis=dict(title=term_label(curve.term)),
                      yaxis=dict(title="P(deterrence holds)", tickformat=".0%", range=[0, 1.02]),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    caption = curve_caption(c, g, names)
    return (f"<figure>{_html(fig, f'deterrence-{c.id}-{g.id}')}"
            f"<figcaption>{escape(caption)}</figcaption></figure>")


__all__ = ["DESIGN_WORDS", "KIND_NAMES", "TERM_WORDS", "crisis_sentence", "crossing_sentence",
           "curve_caption", "deterrence_section", "frontier_rows", "frontier_sentences", "guarantee_rows",
           "link_sentences", "nominal_sentence", "term_label", "term_words"]
