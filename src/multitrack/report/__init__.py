"""Renderers of results: the self-contained HTML report and results.json."""

from .files import OutputError, results_document, write_report
from .html import render_html
from .sections import generic_table, section_renderer

__all__ = ["OutputError", "generic_table", "render_html", "results_document", "section_renderer",
           "write_report"]
