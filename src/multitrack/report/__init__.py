"""Renderers of results: the self-contained HTML report (or Markdown) and the report folder
(``results.json`` is :func:`multitrack.results.results_document`)."""

from .files import OutputError, write_report
from .html import render_html
from .sections import generic_table, section_renderer

__all__ = ["OutputError", "generic_table", "render_html", "section_renderer", "write_report"]
