"""The self-contained HTML report: styles and scripts inline, nothing fetched from the network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .._version import __version__
from ..analysis import available
from ..brief import brief_run, build_brief
from ..scenario import citations, describe
from ..scenario.model import Scenario
from . import (  # noqa: F401  (register their renderers)  # noqa: F401  (register their renderers)
    agreement_section,
    deterrence_section,
    escalation_section,
    factors_section,
    forecast_section,
    negotiation_section,
    overview_section,
    process_section,
    selfdetermination_section,
    stability_section,
)
from .brief_section import brief_html
from .charts import plotly_script
from .provenance_section import provenance_html
from .questions_section import questions_html
from .sections import render_section
from .summary import (
    consistency_lines,
    consistency_verdict,
    gains_against,
    link_sentences,
    security_findings,
    summary_findings,
    summary_lines,
)


@dataclass(frozen=True)
class RenderedSection:
    name: str
    title: str
    html: Markup


def _environment() -> Environment:
    return Environment(loader=PackageLoader("multitrack.report", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)


def render_html(scenario: Scenario, results: dict[str, Any], *, generated: datetime | None = None) -> str:
    """The report as one HTML document."""
    titles = {spec.name: spec.title for spec in available()}
    sections = [RenderedSection(name, titles.get(name, name), render_section(result, scenario))
                for name, result in results.items() if name != "questions"]  # placed after the brief
    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    body_has_charts = any("plotly" in str(s.html) for s in sections)
    return _environment().get_template("report.html.j2").render(
        brief=brief_html(build_brief(scenario, results, run=brief_run(results))),
        questions=questions_html(scenario, results),
        plotly_js=Markup(plotly_script()) if body_has_charts else None,
        scenario=scenario, sections=sections, summary=summary_lines(results, scenario),
        findings=summary_findings(results, scenario), security=security_findings(results, scenario),
        generated=when, gains_against=gains_against(scenario), links=link_sentences(results),
        consistency=consistency_lines(results), consistency_verdict=consistency_verdict(results),
        version=__version__, describe=describe, cite=citations,
        actor_names={a.id: a.name for a in scenario.actors},
        source_numbers={s.id: i + 1 for i, s in enumerate(scenario.sources)},
        provenance=Markup(provenance_html(scenario)),
    )
