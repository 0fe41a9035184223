"""Value functions: what one value of an issue is worth to an actor, in the actor's own points.

An actor's raw utility of an outcome is additive over the issues it cares about,
``U(x) = sum_i salience_i * v_i(x_i)`` (multi-attribute value theory: Keeney and Raiffa 1976,
Decisions with Multiple Objectives, Wiley, ch. 3). ``v_i`` is the value table as written, the
piecewise-linear curve through the given points, or, for an ideal point or a monotone
preference, a value in [0, 1] (1 at the ideal, 0 at the farthest end of the range).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..scenario.estimates import EstimateModel
from ..scenario.issues import IssueModel, OptionIssue
from ..scenario.positions import Position
from .values import as_axis_value

#: How an estimate becomes a number: its nominal value, or a draw in an uncertainty analysis.
ValueOf = Callable[[EstimateModel], float]


def nominal(estimate: EstimateModel) -> float:
    return float(estimate.nominal)


def _span(issue: IssueModel) -> tuple[float, float]:
    if isinstance(issue, OptionIssue):
        return 0.0, float(len(issue.options) - 1)
    return float(issue.low), float(issue.high)  # type: ignore[attr-defined]


def issue_value(issue: IssueModel, position: Position, x: np.ndarray, value_of: ValueOf = nominal) -> np.ndarray:
    """``v(x)`` for axis coordinates ``x`` (option ranks or numbers), vectorised."""
    x = np.asarray(x, dtype=float)
    lo, hi = _span(issue)
    shape = position.shape
    if shape == "values":
        assert isinstance(issue, OptionIssue) and position.values is not None
        table = np.array([value_of(position.values[o]) for o in issue.options])
        return table[np.rint(x).astype(int)]
    if shape == "monotone":
        t = (x - lo) / (hi - lo)
        return t if position.monotone.value == "increasing" else 1.0 - t  # type: ignore[union-attr]
    if shape == "ideal":
        ideal = position.ideal if isinstance(position.ideal, str) else value_of(position.ideal)  # type: ignore[arg-type]
        centre = as_axis_value(issue, ideal)
        reach = max(centre - lo, hi - centre)
        d = np.abs(x - centre) / reach if reach > 0 else np.zeros_like(x)
        return 1.0 - d if position.loss.value == "linear" else 1.0 - d * d
    assert position.points is not None
    xs = np.array([p[0] for p in position.points], dtype=float)
    ys = np.array([value_of(p[1]) for p in position.points], dtype=float)
    return np.interp(x, xs, ys)
