"""Which values of an issue an actor's red lines allow, as boolean masks over the issue's axis."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..scenario.issues import IssueModel
from ..scenario.positions import RedLineModel
from .values import as_axis_value


def allowed_mask(issue: IssueModel, red_lines: list[RedLineModel], axis: np.ndarray,
                 value_of: Callable[[Any], float] | None = None) -> np.ndarray:
    """True where a value on ``axis`` breaks none of ``red_lines`` (thresholds through ``value_of``,
    nominal by default)."""
    ok = np.ones(axis.shape, dtype=bool)
    for line in red_lines:
        threshold = line.threshold
        if value_of is not None and not isinstance(threshold, str):
            threshold = value_of(threshold)
        t = as_axis_value(issue, threshold)
        if line.relation == "below":
            ok &= axis >= t
        elif line.relation == "above":
            ok &= axis <= t
        else:
            ok &= ~np.isclose(axis, t)
    return ok


def breaks_red_lines(issue: IssueModel, red_lines: list[RedLineModel], value) -> bool:
    """Whether a single value (option name or number) breaks any of ``red_lines``."""
    axis = np.asarray([as_axis_value(issue, value)])
    return not bool(allowed_mask(issue, red_lines, axis)[0])
