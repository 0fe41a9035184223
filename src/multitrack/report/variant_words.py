"""Words and a table for a headline's range across the model variants (scenario.variants), shown
beside the interval over the inputs: model uncertainty next to input uncertainty. Shared by the
HTML and Markdown reports, the terminal and the web app, so that all of them name each variant,
say why it is defensible (its description and notes) and cite its source."""

from __future__ import annotations

from markupsafe import escape

from ..scenario.model import Scenario
from ..scenario.variants import BASE, ModelVariant
from ..settlement.variants import VariantRange
from .md_table import table
from .md_text import md_text

#: What the range across the variants is, and what it is not (a caption under the tables).
VARIANTS_CAPTION = ("Each variant is a defensible alternative model (another calibration, a judgement "
                    "doubled), run on the same draws as the scenario as written; the range of the means "
                    "across them is model uncertainty, which the interval over the inputs does not contain.")


def percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def range_sentence(v: VariantRange) -> str:
    """One sentence: the headline as written with its interval, and its range across the variants.
    The variants' titles keep the case the scenario gives them (they name countries, data sets)."""
    b = v.base
    names = {f.variant: f.title for f in v.figures}
    return (f"{v.headline}: {percent(b.mean)} as written ({100 * v.level:.0f}% {v.interval} "
            f"{percent(b.low)}-{percent(b.high)}); across {len(v.figures)} model variants "
            f"{percent(v.low)}-{percent(v.high)} (lowest: {names[v.lowest]}; highest: "
            f"{names[v.highest]}).")


def variant_note(variant: ModelVariant | None) -> str:
    """Why a variant is defensible: its description, its notes and those of its changes, and
    whether it is the analyst's judgement (``estimated``) or a figure its source states."""
    if variant is None:
        return "The scenario's own inputs."
    notes = [variant.description, variant.note] + [c.note for c in _changes(variant)]
    text = " ".join(" ".join(n.split()) for n in notes if n)
    judged = ("Estimated: the analyst's judgement, informed by the source." if variant.estimated
              else "The source states the alternative values.")
    return f"{text} {judged}".strip()


def variant_source(variant: ModelVariant | None, scenario: Scenario | None) -> str:
    """The variant's source as a short citation (author or publisher, year, title, locator)."""
    if variant is None or variant.source is None:
        return "" if variant is None else "no source given"
    ref = variant.source
    found = next((s for s in scenario.sources if s.id == ref.id), None) if scenario is not None else None
    text = ref.id if found is None else f"{found.author or found.publisher} ({found.year}), {found.title}"
    return text + (f", {ref.locator}" if ref.locator else "")


def _changes(variant: ModelVariant) -> list:
    out = []
    if variant.escalation is not None:
        out += list(variant.escalation.transitions.values())
    if variant.deterrence is not None:
        out += ([variant.deterrence.challenger_value] if variant.deterrence.challenger_value else [])
        out += list(variant.deterrence.terms.values())
    return out


def variant_rows(v: VariantRange, scenario: Scenario | None = None) -> list[dict[str, str]]:
    """One row per variant: its mean and its interval over the inputs; with the scenario, also why
    the variant is defensible and its source."""
    declared = {m.id: m for m in scenario.variants} if scenario is not None else {}
    rows = []
    for f in v.figures:
        row = {"Model variant": f.title, "Mean": percent(f.mean),
               f"{100 * v.level:.0f}% {v.interval}": f"{percent(f.low)}-{percent(f.high)}"}
        if scenario is not None:
            variant = None if f.variant == BASE else declared.get(f.variant)
            row["Why"] = variant_note(variant)
            row["Source"] = variant_source(variant, scenario)
        rows.append(row)
    return rows


def variants_html(ranges: tuple[VariantRange, ...], table_id: str, scenario: Scenario | None = None) -> str:
    """The ranges as sentences and a table per headline, for the HTML report and the web app."""
    if not ranges:
        return ""
    parts = ["<h3>Across model variants</h3><ul>"
             + "".join(f"<li>{escape(range_sentence(v))}</li>" for v in ranges) + "</ul>"]
    for k, v in enumerate(ranges):
        rows = variant_rows(v, scenario)
        head = "".join(f"<th>{escape(c)}</th>" for c in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row.values()) + "</tr>"
                       for row in rows)
        parts.append(f"<div class='scroll'><table class='data' id='{table_id}-{k}'><caption>"
                     f"{escape(v.headline)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")
    parts.append(f"<p class='caption'>{escape(VARIANTS_CAPTION)}</p>")
    return "".join(parts)


def variants_markdown(ranges: tuple[VariantRange, ...], scenario: Scenario | None = None) -> list[str]:
    """The ranges as Markdown lines: a heading, a sentence per headline, a table per headline."""
    if not ranges:
        return []
    out = ["### Across model variants", ""] + [f"- {md_text(range_sentence(v))}" for v in ranges] + [""]
    for v in ranges:
        out += [f"**{md_text(v.headline)}, by model variant**", "", table(variant_rows(v, scenario)), ""]
    return out + [f"_{md_text(VARIANTS_CAPTION)}_", ""]
