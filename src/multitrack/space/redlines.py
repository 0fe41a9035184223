"""Which values of an issue an actor's red lines allow, as boolean masks over the issue's axis:
the preference model's red lines (:mod:`multitrack.settlement.preferences`) at the central values."""

from __future__ import annotations

import numpy as np

from ..scenario.issues import IssueModel
from ..scenario.positions import RedLineModel
from ..settlement.preferences import allowed_on
from .values import as_axis_value


def allowed_mask(issue: IssueModel, red_lines: list[RedLineModel], axis: np.ndarray) -> np.ndarray:
    """True where a value on ``axis`` breaks none of ``red_lines`` (thresholds at their central values)."""
    return allowed_on(issue, red_lines, axis)[0]


def breaks_red_lines(issue: IssueModel, red_lines: list[RedLineModel], value) -> bool:
    """Whether a single value (option name or number) breaks any of ``red_lines``."""
    axis = np.asarray([as_axis_value(issue, value)])
    return not bool(allowed_mask(issue, red_lines, axis)[0])
