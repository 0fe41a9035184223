"""Words and a table for a headline's range across the model variants (scenario.variants), shown
beside the interval over the inputs: model uncertainty next to input uncertainty."""

from __future__ import annotations

from markupsafe import escape

from ..settlement.variants import VariantRange


def percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def range_sentence(v: VariantRange) -> str:
    """One sentence: the headline as written with its interval, and its range across the variants."""
    b = v.base
    names = {f.variant: f.title for f in v.figures}
    return (f"{v.headline}: {percent(b.mean)} as written ({100 * v.level:.0f}% {v.interval} "
            f"{percent(b.low)}-{percent(b.high)}); across {len(v.figures)} model variants "
            f"{percent(v.low)}-{percent(v.high)} (lowest: {names[v.lowest].lower()}; highest: "
            f"{names[v.highest].lower()}).")


def variant_rows(v: VariantRange) -> list[dict[str, str]]:
    """One row per variant: its mean and its interval over the inputs."""
    return [{"Model variant": f.title, "Mean": percent(f.mean),
             f"{100 * v.level:.0f}% {v.interval}": f"{percent(f.low)}-{percent(f.high)}"}
            for f in v.figures]


def variants_html(ranges: tuple[VariantRange, ...], table_id: str) -> str:
    """The ranges as sentences and a table per headline, for the HTML report."""
    if not ranges:
        return ""
    parts = ["<h3>Across model variants</h3><ul>"
             + "".join(f"<li>{escape(range_sentence(v))}</li>" for v in ranges) + "</ul>"]
    for k, v in enumerate(ranges):
        rows = variant_rows(v)
        head = "".join(f"<th>{escape(c)}</th>" for c in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{escape(x)}</td>" for x in row.values()) + "</tr>"
                       for row in rows)
        parts.append(f"<div class='scroll'><table class='data' id='{table_id}-{k}'><caption>"
                     f"{escape(v.headline)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")
    parts.append("<p class='caption'>Each variant is a defensible alternative model (another calibration, "
                 "a judgement doubled), run on the same draws as the scenario as written; the range of the "
                 "means across them is model uncertainty, which the interval over the inputs does not "
                 "contain.</p>")
    return "".join(parts)
