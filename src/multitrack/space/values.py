"""The values an issue can take in an analysis: its options, its integers, or a grid."""

from __future__ import annotations

from ..scenario.issues import IssueModel, NumericIssue, OptionIssue, value_text
from ..settlement.preferences import issue_axis, issue_values  # the preference model's outcome axes

__all__ = ["as_axis_value", "issue_axis", "issue_values", "status_quo_value", "value_text"]


def as_axis_value(issue: IssueModel, value) -> float:
    """Map an option name (by rank) or an estimate (by its nominal value) onto the issue's axis."""
    if isinstance(issue, OptionIssue):
        return float(issue.options.index(value))
    assert isinstance(issue, NumericIssue)
    return float(getattr(value, "nominal", value))


def status_quo_value(issue: IssueModel):
    """The status quo as written: an option name or the nominal number; None on an issue of a
    track without a status quo."""
    sq = issue.status_quo
    if sq is None:
        return None
    return sq if isinstance(sq, str) else float(sq.nominal)
