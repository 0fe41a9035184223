"""Report section of the factors analysis: per common factor what it stands for and where it
comes from, the estimates it moves with their loadings, and how the run's headline numbers move
with it over the draws (strongest first). The words and rows here are shared with Markdown and
the terminal; every judgement (strength, direction) comes from the result."""

from __future__ import annotations

from markupsafe import escape

from ..analysis import available
from ..factors import FactorEffect, FactorsResult, HeadlineEffect
from ..scenario.model import Scenario
from .sections import section_renderer

#: At most this many headline numbers per factor in the report; results.json holds every one.
SHOWN_EFFECTS = 12

#: What the loadings in the table of estimates mean.
LOADINGS = ("The estimates the factor moves; a loading is the correlation of the estimate's normal score "
            "with the factor (+ moves with the factor, − against it).")


def intro(result: FactorsResult) -> str:
    """What a factor is, and what its effect on a headline measures (and does not)."""
    return (
        "A common factor is one judgement behind several estimates: in each of the run's "
        f"{result.draws:,} draws of the uncertain inputs (seed {result.seed}) it takes one value, and "
        "every estimate that loads on it moves with it: a positive loading (+) makes the estimate rise "
        "as the factor rises, a negative one (−) makes it fall. A factor moves a headline number when "
        "the headline's mean with the factor in its highest third of draws differs from its mean with "
        "the factor in its lowest third by more than shuffling the headline against the factors "
        f"explains (permutation test, Holm's correction across the factors, {result.alpha:.0%}); only "
        "those are listed, and only headlines that vary over the draws are tested. Spearman's rank "
        "correlation (from −1 to +1) is shown for reading, its size after Cohen (1988): from 0.1 weak, "
        "from 0.3 moderate, from 0.5 strong. This measures how the headline moves with this one "
        "judgement across the draws of the uncertain inputs, not how precisely the draws estimate the "
        "headline (that is the Monte Carlo error of each analysis). On a yes-or-no headline (a track "
        "agreed, deterrence holding) the correlation stays small even where the share moves a lot: "
        "read the two thirds. A factor and its loadings are the scenario's judgement; its source "
        "informs it.")


def source_text(f: FactorEffect, scenario: Scenario) -> str:
    """The factor's source as ``[n] citation, locator``; "" without one."""
    if f.source is None:
        return ""
    numbers = {s.id: i + 1 for i, s in enumerate(scenario.sources)}
    cited = next((s for s in scenario.sources if s.id == f.source), None)
    text = f"[{numbers[f.source]}] {cited.citation()}" if cited is not None else f.source
    return f"{text.rstrip('.')} ({f.locator})." if f.locator else text


def estimate_rows(f: FactorEffect) -> list[dict[str, str]]:
    """The estimates a factor moves, with their loadings and which way each moves."""
    return [{"Estimate": e.label, "Loading": f"{e.loading:+.2g}", "Moves": e.moves, "Field": e.field}
            for e in f.estimates]


def shown_effects(f: FactorEffect) -> tuple[HeadlineEffect, ...]:
    """The effects a report lists: those the draws detect, strongest first, at most SHOWN_EFFECTS."""
    return f.detected[:SHOWN_EFFECTS]


def value(e: HeadlineEffect, v: float) -> str:
    """A headline's mean: a share of draws in percent, or a number."""
    if e.share:
        return f"{100 * v:.1f}%" if 100 * v < 9.95 else f"{100 * v:.0f}%"
    return f"{v:.3g}"


def effect_rows(f: FactorEffect) -> list[dict[str, str]]:
    """The shown effects of a factor as rows of words, strongest first."""
    titles = {spec.name: spec.title for spec in available()}
    return [{"Headline": e.label, "Analysis": titles.get(e.analysis, e.analysis),
             "Rank correlation": f"{e.rank_correlation:+.2f}", "Strength": e.strength,
             "Significance": e.significance,
             "Factor in its lowest third": value(e, e.low_third),
             "Factor in its highest third": value(e, e.high_third), "Draws": f"{e.draws:,}"}
            for e in shown_effects(f)]


def strongest_sentence(f: FactorEffect, draws: int) -> str:
    """The factor's strongest effect in a sentence, or that it moves no headline significantly."""
    if not f.estimates:
        return "No uncertain estimate loads on this factor, so it moves nothing."
    if not f.detected:
        return (f"No headline number moves with this factor by more than shuffling explains over the "
                f"{draws:,} draws.")
    e = f.detected[0]
    return (f"Strongest effect: ‘{e.label}’ {e.direction} (rank correlation {e.rank_correlation:+.2f}, "
            f"{e.strength}, {e.significance}): {value(e, e.low_third)} when the factor lies in its lowest "
            "third of draws, "
            f"{value(e, e.high_third)} in its highest.")


def rest_sentence(f: FactorEffect) -> str:
    """How many headline numbers the list leaves out, and where they are; "" when none."""
    left = len(f.effects) - len(shown_effects(f))
    if left <= 0:
        return ""
    undetected = len(f.effects) - len(f.detected)
    why = (f"{undetected} that the factor does not move significantly" if undetected == left else
           f"{left - undetected} weaker ones and {undetected} that the factor does not move significantly")
    many = f"{left} further headline number{'s' if left != 1 else ''}"
    return f"{many} left out ({why}); results.json holds all."


def effects_caption(f: FactorEffect) -> str:
    """The caption under a factor's table of effects."""
    return ("The headline numbers the factor moves significantly, strongest first. "
            + rest_sentence(f)).strip()


@section_renderer(FactorsResult)
def factors_section(result: FactorsResult, scenario: Scenario) -> str:
    parts = [f"<p class='caption'>{escape(intro(result))}</p>"]
    parts += [f"<p class='caption'>{escape(n)}</p>" for n in result.notes]
    for f in result.factors:
        parts.append(_factor(f, result.draws, scenario))
    return "".join(parts)


def _factor(f: FactorEffect, draws: int, scenario: Scenario) -> str:
    out = [f"<h3 id='factor-{escape(f.id)}'>{escape(f.title)} "
           f"<span class='meta'>({escape(f.id)})</span></h3>"]
    if f.note:
        out.append(f"<p>{escape(f.note)}</p>")
    if f.source:
        cite = escape(source_text(f, scenario))
        out.append(f"<p class='meta'>Source: <a href='#src-{escape(f.source)}'>{cite}</a></p>")
    out.append(f"<p class='finding'><b>{escape(strongest_sentence(f, draws))}</b></p>")
    if f.estimates:
        out.append(_table(f"factor-estimates-{f.id}", estimate_rows(f), LOADINGS))
    rows = effect_rows(f)
    if rows:
        out.append(_table(f"factor-effects-{f.id}", rows, effects_caption(f)))
    return "".join(out)


def _table(table_id: str, rows: list[dict[str, str]], caption: str) -> str:
    head = "".join(f"<th>{escape(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in r.values()) + "</tr>" for r in rows)
    return (f"<div class='scroll'><table class='data' id='{escape(table_id)}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div><p class='caption'>{escape(caption)}</p>")


__all__ = ["LOADINGS", "SHOWN_EFFECTS", "effect_rows", "effects_caption", "estimate_rows", "factors_section",
           "intro", "rest_sentence", "shown_effects", "source_text", "strongest_sentence", "value"]
