"""One-at-a-time switching values: the value of one input at which a headline flips, found by a
grid over the input's range and bisection inside each bracket where the headline changes side.

A switching value (Felli & Hazen 1998, "Sensitivity analysis and the expected value of perfect
information", *Medical Decision Making* 18(1); Briggs, Claxton & Sculpher 2006, *Decision
Modelling for Health Economic Evaluation*, OUP, ch. 4, one-way sensitivity analysis) is the value
of a single input, every other input as before, at which the decision the analysis supports
changes. Here the "decision" is a headline's side of a threshold: a deterred share at or above
one half, a verdict that holds or fails.

The headline is a vectorised function of the input: ``measure(values)`` takes an array of
candidate values and returns the headline at each, in one call (no Python call per draw).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Points of the first pass over an input's range (the central value is added to them).
GRID = 33
#: Bisection steps inside a bracket at most; the bracket ends narrower than XTOL of the range.
STEPS = 40
XTOL = 1e-7

Measure = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Crossing:
    """Where the headline changes side as the input moves away from its central value:
    ``value`` (the midpoint of a bracket narrower than XTOL of the range), the side ``"above"``
    (the headline differs from its side at the central value once the input exceeds ``value``)
    or ``"below"``, and the headline just beyond it (``beyond``)."""

    value: float
    direction: str
    beyond: float
    width: float  # width of the final bracket


def evaluations(inputs: int, grid: int = GRID, steps: int = STEPS) -> int:
    """Headline evaluations a search over ``inputs`` inputs makes at most: one grid pass, then up to
    ``steps`` bisections on each side of the central value."""
    return inputs * (grid + 1 + 2 * steps)


def crossings(measure: Measure, low: float, high: float, central: float, threshold: float,
              *, grid: int = GRID, steps: int = STEPS) -> tuple[Crossing, ...]:
    """The crossings of ``threshold`` nearest to ``central`` on each side (at most two), searching
    ``[low, high]``: the side of a value is ``measure(value) >= threshold``. A side change between
    two grid points is narrowed by bisection; a crossing between grid points that changes side
    twice (there and back) is missed, which a finer ``grid`` cures."""
    if not high > low:
        return ()
    centre = float(np.clip(central, low, high))
    xs = np.unique(np.append(np.linspace(low, high, grid), centre))
    ys = np.asarray(measure(xs), dtype=float)
    side = ys >= threshold
    c = int(np.searchsorted(xs, centre))
    out = []
    span = high - low
    down = np.flatnonzero(side[:c] != side[1:c + 1])  # changes between xs[i] and xs[i + 1], below centre
    if down.size:
        i = int(down[-1])
        out.append(_bisect(measure, xs[i], xs[i + 1], bool(side[i + 1]), threshold, steps, span, "below"))
    up = np.flatnonzero(side[c:-1] != side[c + 1:]) + c
    if up.size:
        i = int(up[0])
        out.append(_bisect(measure, xs[i], xs[i + 1], bool(side[i]), threshold, steps, span, "above"))
    return tuple(out)


def _bisect(measure: Measure, a: float, b: float, inner_side: bool, threshold: float, steps: int,
            span: float, direction: str) -> Crossing:
    """Narrow [a, b], where the side changes, keeping the end nearer the centre on ``inner_side``."""
    inner, outer = (b, a) if direction == "below" else (a, b)
    beyond = float(measure(np.array([outer]))[0])
    for _ in range(steps):
        if abs(outer - inner) <= XTOL * span:
            break
        mid = 0.5 * (inner + outer)
        y = float(measure(np.array([mid]))[0])
        if (y >= threshold) == inner_side:
            inner = mid
        else:
            outer, beyond = mid, y
    return Crossing(value=0.5 * (inner + outer), direction=direction, beyond=beyond, width=abs(outer - inner))


def percentile_of(ppf: Callable[[np.ndarray], np.ndarray], value: float, points: int = 4001) -> float:
    """The share of an estimate's draws at or below ``value``: its distribution function, read off
    the inverse (``ppf``) on a fine grid of probabilities (exact to 1 / ``points`` for any
    estimate, discrete ones included)."""
    u = (np.arange(points) + 0.5) / points
    xs = np.asarray(ppf(u), dtype=float)
    return float(np.searchsorted(xs, value, side="right")) / points
