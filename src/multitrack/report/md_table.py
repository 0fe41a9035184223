"""A Markdown table of records, shared by the Markdown report and the sections that write Markdown."""

from __future__ import annotations

from typing import Any

from .md_text import md_text


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of records; every header and cell is escaped text (see :func:`md_text`)
    unless it is :class:`~.md_text.Markdown` already."""
    if not rows:
        return "No rows."
    head = list(rows[0])
    out = ["| " + " | ".join(map(_cell, head)) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(r[k]) for k in head) + " |" for r in rows]
    return "\n".join(out)


def _cell(v: Any) -> str:
    text = f"{v:.3g}" if isinstance(v, float) else ("" if v is None else v)
    return md_text(text, line_start=False)
