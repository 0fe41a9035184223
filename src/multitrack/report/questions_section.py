"""The section "What the documents ask, and what the model says" (issue 19, item 3) as HTML and as
Markdown, placed after the brief: per question, the model's answer, what it hinges on, how robust
it is, and the documents that raise it. Nothing is decided here: the sentences come from
:mod:`multitrack.questions`."""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

from ..questions import QuestionsResult
from ..scenario.model import Scenario
from .md_text import md_text
from .sections import section_renderer

HEADING = "What the documents ask, and what the model says"


def _find(results: dict[str, Any]) -> QuestionsResult | None:
    return next((r for r in results.values() if isinstance(r, QuestionsResult)), None)


def _raised(scenario: Scenario, ids: tuple[str, ...]) -> str:
    titles = {s.id: s.title for s in scenario.sources}
    return "; ".join(titles.get(i, i) for i in ids)


def questions_html(scenario: Scenario, results: dict[str, Any]) -> Markup | None:
    """The section as HTML (``<section id="analysis-questions">``), or None when the analysis did not run."""
    found = _find(results)
    if found is None:
        return None
    return Markup("\n".join(['<section id="analysis-questions">', f"<h2>{escape(HEADING)}</h2>",
                             answers_html(found, scenario), "</section>"]))


@section_renderer(QuestionsResult)
def answers_html(found: QuestionsResult, scenario: Scenario) -> str:
    """The answers as an HTML list (also the section wherever results are shown one by one: the
    web app)."""
    parts = ["<ol>"]
    for a in found.answers:
        parts.append(f"<li><p><strong>{escape(a.question)}</strong> {escape(a.answer)}</p>")
        if a.answered:
            parts.append(f"<p><em>Hinges on:</em> {escape(a.hinges_on)}</p>")
            parts.append(f"<p><em>Robustness:</em> {escape(a.robustness)}</p>")
        if a.raised_by:
            raised = escape(_raised(scenario, a.raised_by))
            parts.append(f'<p class="raised"><em>Raised by:</em> {raised}</p>')
        parts.append("</li>")
    parts.append("</ol>")
    return "\n".join(parts)


def questions_markdown(scenario: Scenario, results: dict[str, Any]) -> str:
    """The section as Markdown ("" when the analysis did not run)."""
    found = _find(results)
    if found is None:
        return ""
    lines = [f"## {HEADING}", ""]
    for k, a in enumerate(found.answers, 1):
        lines.append(f"{k}. **{md_text(a.question)}** {md_text(a.answer)}")
        if a.answered:
            lines += [f"   - Hinges on: {md_text(a.hinges_on)}", f"   - Robustness: {md_text(a.robustness)}"]
        if a.raised_by:
            lines.append(f"   - Raised by: {md_text(_raised(scenario, a.raised_by))}")
    return "\n".join(lines) + "\n"
