"""The registered "consistency" analysis: it runs after every other analysis and reads their
results for contradictions between them and the scenario (docs/consistency.md)."""

from __future__ import annotations

from typing import Any

from ..analysis import register
from ..progress import ProgressCallback, report
from ..results import LinkEffect
from ..scenario.model import Scenario
from .checks import deterrence_warnings, forecast_warnings, measure_warnings
from .disputes import contradictions
from .result import ConsistencyResult

#: Every analysis whose result is checked or whose links are collected (it runs after them all).
CHECKED = ("overview", "agreement", "forecast", "process", "stability", "deterrence", "escalation",
           "self-determination", "negotiation", "factors")


def collect_links(results: dict[str, Any]) -> tuple[LinkEffect, ...]:
    """Every result's ``links``, in report order: what each link between analyses changed."""
    return tuple(link for r in results.values() for link in (getattr(r, "links", None) or ()))


@register("consistency", "Consistency of the analyses", order=95, uses=CHECKED)
def consistency_analysis(scenario: Scenario, *, progress: ProgressCallback | None = None,
                         upstream: dict | None = None) -> ConsistencyResult:
    """Forecasts beyond a veto player's red line, deterrence under terms no agreement places,
    measures counted where their track failed, and contradictory red lines on one dispute."""
    upstream = upstream or {}
    report(progress, "consistency", 0, 1)
    warnings, variants = contradictions(scenario)
    checked, notes = ["contradictory red lines"], []
    forecast = upstream.get("forecast")
    if forecast is not None:
        warnings += forecast_warnings(forecast)
        checked.append("forecasts")
    deterrence = upstream.get("deterrence")
    if deterrence is not None:
        warnings += deterrence_warnings(scenario, deterrence)
        checked.append("deterrence")
    escalation, process = upstream.get("escalation"), upstream.get("process")
    if escalation is not None:
        if process is None:
            notes.append("measures were not checked against their tracks: the process analysis did not run")
        else:
            warnings += measure_warnings(scenario, escalation, process)
            checked.append("measures")
    order = {k: i for i, k in enumerate(("forecast-beyond-red-line", "deterrence-without-agreement",
                                         "measure-without-agreement", "contradictory-red-lines"))}
    warnings = tuple(sorted(warnings, key=lambda w: order.get(w.kind, len(order))))
    report(progress, "consistency", 1, 1)
    return ConsistencyResult(warnings=warnings, variants=variants, checked=tuple(checked), notes=tuple(notes),
                             link_effects=collect_links(upstream))


__all__ = ["collect_links", "consistency_analysis"]
