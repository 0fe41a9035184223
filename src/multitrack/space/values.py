"""The values an issue can take in an analysis: its options, its integers, or a grid."""

from __future__ import annotations

import numpy as np

from ..scenario.issues import ContinuousIssue, IssueModel, NumericIssue, OptionIssue, value_text
from ..scenario.model import Settings

__all__ = ["as_axis_value", "issue_axis", "issue_values", "status_quo_value", "value_text"]


def issue_values(issue: IssueModel, settings: Settings, grid_points: int | None = None) -> list:
    """Options (categorical, ordinal), every integer, or the continuous grid: ``grid_points``
    when the caller sets it, else the issue's own grid, else the scenario's default."""
    if grid_points is not None and isinstance(issue, ContinuousIssue):
        return issue.grid(grid_points)
    return issue.values_on_grid(settings.grid_points)  # type: ignore[attr-defined]


def issue_axis(issue: IssueModel, settings: Settings, grid_points: int | None = None) -> np.ndarray:
    """The issue's values as numbers: option ranks (0, 1, ...) or the numeric values."""
    if isinstance(issue, OptionIssue):
        return np.arange(len(issue.options), dtype=float)
    return np.asarray(issue_values(issue, settings, grid_points), dtype=float)


def as_axis_value(issue: IssueModel, value) -> float:
    """Map an option name (by rank) or an estimate (by its nominal value) onto the issue's axis."""
    if isinstance(issue, OptionIssue):
        return float(issue.options.index(value))
    assert isinstance(issue, NumericIssue)
    return float(getattr(value, "nominal", value))


def status_quo_value(issue: IssueModel):
    """The status quo as written: an option name or the nominal number; None on an issue of a
    track without a status quo."""
    sq = issue.status_quo  # type: ignore[attr-defined]
    if sq is None:
        return None
    return sq if isinstance(sq, str) else float(sq.nominal)
