"""Agreement space per track: issue values, red-line masks (the engine grows here)."""

from .redlines import allowed_mask, breaks_red_lines
from .values import as_axis_value, issue_axis, issue_values, status_quo_value

__all__ = ["allowed_mask", "as_axis_value", "breaks_red_lines", "issue_axis", "issue_values",
           "status_quo_value"]
