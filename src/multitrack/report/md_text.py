"""Scenario text made inert in Markdown, so that a title or a note cannot add HTML, links or layout.

A scenario is written by whoever shares it; the Markdown report is pasted into documents and
rendered by any CommonMark renderer, most of which pass raw HTML through. Every text the report
takes from the scenario (or from a sentence built around it) therefore goes through :func:`md_text`:
``<`` and ``&`` become entities where they could start a tag or an entity, the characters that
make Markdown emphasis, links, code, headings and table cells get a backslash where they could, and
line breaks become spaces. What cannot change the structure stays as written, so that the raw
Markdown reads well: parentheses (they only build a link right after ``]``, which is always
escaped), ``#`` and ``>`` after a line's start, ``_`` inside a word, ``&`` in ``SEQ&SIM``. Text the renderer
writes as Markdown on purpose (bold labels, links to the source list) is a :class:`Markdown`
value and passes unchanged.
"""

from __future__ import annotations

import re

#: Characters with a backslash in front wherever they stand: emphasis with ``*``, links and
#: images, code, table cells, strikethrough, and the backslash itself; ``_`` only at a word's edge
#: (inside a word it never makes emphasis, so ``challenger_value`` stays as written).
_SPECIAL = re.compile(r"([\\`*\[\]|~]|(?<!\w)_|_(?!\w))")
#: ``<`` where it could open a tag, an autolink or a comment; ``&`` where it could start an entity.
_HTML = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?[0-9A-Za-z]+;)")
_ENTITIES = {"&": "&amp;", "<": "&lt;"}
#: What makes a block when the text starts a line (a quote, a list item, an underline), and a ``#``
#: after a space, which opens a heading at a line's start and closes one at a heading's end.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=>])|(?<!\S)(#)")


class Markdown(str):
    """Text that is Markdown already: the report's own markup around escaped scenario text."""


def md_text(value: object, *, line_start: bool = True) -> str:
    """``value`` as Markdown text that renders as exactly that text, on one line.

    ``line_start``: the text stands in a paragraph, heading or list item and may begin a line, so
    the markers that make blocks there are escaped too (not needed inside a table cell)."""
    if isinstance(value, Markdown):
        return value
    text = " ".join(("" if value is None else str(value)).split())
    text = _SPECIAL.sub(r"\\\1", text)
    text = _HTML.sub(lambda m: _ENTITIES[m.group()], text)
    if line_start:
        text = _BLOCK_START.sub(_block_marker, text)
    return text


def _block_marker(m: re.Match[str]) -> str:
    if m.group(1):
        return f"{m.group(1)}\\{m.group(2)}"
    return "\\" + (m.group(3) or m.group(4))


def md_code_cell(value: object) -> Markdown:
    """``value`` as a code span for a table cell: fenced with more backticks than it holds, so a
    backtick in an option label cannot end the span early; pipes escaped (GFM splits cells first)."""
    text = " ".join(str(value).split()).replace("|", "\\|")
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markdown(f"{fence}{pad}{text}{pad}{fence}")
