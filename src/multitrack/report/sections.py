"""HTML sections of the report, one renderer per result type, with a generic fallback.

Renderers only render: they take a result (and the scenario, for names and sources) and
return an HTML fragment. A result type without its own renderer is shown as a table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from ..scenario.model import Scenario

SectionRenderer = Callable[[Any, Scenario], str]
_RENDERERS: dict[type, SectionRenderer] = {}


def section_renderer(result_type: type) -> Callable[[SectionRenderer], SectionRenderer]:
    """Decorator: use ``func`` to render results of ``result_type``."""

    def wrap(func: SectionRenderer) -> SectionRenderer:
        _RENDERERS[result_type] = func
        return func

    return wrap


def render_section(result: Any, scenario: Scenario) -> Markup:
    for cls in type(result).__mro__:
        if cls in _RENDERERS:
            return Markup(_RENDERERS[cls](result, scenario))
    return Markup(generic_table(result.to_frame().to_dict("records")))


def generic_table(rows: list[dict[str, Any]]) -> str:
    """A plain HTML table of records (the fallback for results without a renderer)."""
    if not rows:
        return "<p>No rows.</p>"
    head = "".join(f"<th>{escape(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in r.values()) + "</tr>"
                   for r in rows)
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return "" if v is None else str(v)
