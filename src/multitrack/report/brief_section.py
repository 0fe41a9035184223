"""The brief (multitrack.brief) as HTML, as Markdown, and as a page of its own to print: the
report's first screen and the ``multitrack brief`` outputs. Nothing is decided here: the sentences
and their tags come from :func:`multitrack.brief.build_brief`."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from ..brief import Brief
from ..brief.sections import basis_tag
from .md_text import md_text

#: The brief's look, inline so that the section can stand in the report and on a page of its own;
#: the type size and margins are the ones the one-page budget (brief/sections.py MAX_WORDS) is set for.
STYLE = """<style>
section.brief { font-size: 9.5pt; line-height: 1.3; }
section.brief h2 { margin-top: .4rem; } section.brief h3 { font-size: 10.5pt; margin: .55rem 0 .1rem; }
section.brief ul { margin: .1rem 0 .2rem; padding-left: 1.1rem; } section.brief li { margin: .08rem 0; }
section.brief .tag { font-size: 8pt; color: #5b6473; border: 1px solid #d9dde5; border-radius: .5rem;
  padding: 0 .3rem; white-space: nowrap; } section.brief .tag.judgement { color: #7a4a00; }
section.brief .run, section.brief .more { color: #5b6473; font-size: 9pt; }
</style>"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · brief</title>
<style>@page {{ size: A4; margin: 12mm 14mm; }}
body {{ font-family: "DejaVu Sans", system-ui, Arial, sans-serif; color: #1d2330; margin: 0; }}
h1 {{ font-size: 13pt; margin: 0 0 .2rem; }} section.brief h2 {{ display: none; }}</style>
{style}</head><body><h1>{title}</h1>
{body}</body></html>
"""


def brief_html(brief: Brief, *, heading: str = "Brief") -> Markup:
    """The brief as an HTML section (``<section id="brief">``) for the report's first screen."""
    parts = [STYLE, '<section id="brief" class="brief">', f"<h2>{escape(heading)}</h2>"]
    if brief.run:
        parts.append(f'<p class="run">{escape(brief.run)}</p>')
    for s in brief.sections:
        parts.append(f"<h3>{escape(s.heading)}</h3><ul>")
        for line in s.lines:
            tag = basis_tag(line.basis)
            shown = f' <span class="tag {escape(line.basis)}">{escape(tag)}</span>' if tag else ""
            parts.append(f"<li>{escape(line.text)}{shown}</li>")
        parts.append("</ul>")
        if s.more:
            parts.append(f'<p class="more">{_more(s.more)}</p>')
    parts.append("</section>")
    return Markup("\n".join(parts))


def brief_page(brief: Brief) -> str:
    """The brief as a whole HTML document sized for one printed A4 page."""
    return _PAGE.format(title=escape(brief.title), style=STYLE, body=brief_html(brief))


def brief_markdown(brief: Brief, *, level: int = 2) -> str:
    """The brief as Markdown: a heading of ``level``, one list per section, tags in brackets."""
    hashes = "#" * level
    out = [f"{hashes} Brief", ""]
    if brief.run:
        out += [f"*{md_text(brief.run)}*", ""]
    for s in brief.sections:
        out += [f"{hashes}# {md_text(s.heading)}", ""]
        for line in s.lines:
            tag = basis_tag(line.basis)
            out.append(f"- {md_text(line.text)}" + (f" [{tag}]" if tag else ""))
        if s.more:
            out += ["", f"*{_more(s.more)}*"]
        out.append("")
    return "\n".join(out)


def brief_text(brief: Brief) -> list[str]:
    """The brief as plain lines for a terminal (headings, then one line per sentence)."""
    out = [brief.title]
    if brief.run:
        out.append(brief.run)
    for s in brief.sections:
        out += ["", s.heading.upper()]
        for line in s.lines:
            tag = basis_tag(line.basis)
            out.append(f"- {line.text}" + (f" [{tag}]" if tag else ""))
        if s.more:
            out.append(f"  {_more(s.more)}")
    return out


def _more(n: int) -> str:
    return f"{n} more left out to keep to one page (see the full report)."
