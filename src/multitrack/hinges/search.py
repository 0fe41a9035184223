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
    return crossings_many(lambda asked: [measure(xs) for _, xs in asked], [(low, high, central)], threshold,
                          grid=grid, steps=steps)[0]


#: requests [(search, values)] -> the headline of each search at its values, in one evaluation
MeasureMany = Callable[[list[tuple[int, np.ndarray]]], list[np.ndarray]]


def crossings_many(measure: MeasureMany, ranges: list[tuple[float, float, float]], threshold: float,
                   *, grid: int = GRID, steps: int = STEPS) -> list[tuple[Crossing, ...]]:
    """:func:`crossings` of several searches (``ranges``: low, high, central of each) at once:
    their grids asked in one request, then every bracket bisected together, one request per step
    (each search's headline at one value), so that a batched ``measure`` solves them together."""
    asked: list[tuple[int, np.ndarray]] = []
    centres = {}
    for k, (low, high, central) in enumerate(ranges):
        if high > low:
            centres[k] = float(np.clip(central, low, high))
            asked.append((k, np.unique(np.append(np.linspace(low, high, grid), centres[k]))))
    brackets: list[Bracket] = []
    for (k, xs), ys in zip(asked, measure(asked) if asked else [], strict=True):
        brackets += grid_brackets(k, xs, np.asarray(ys, dtype=float), centres[k], threshold,
                                  ranges[k][1] - ranges[k][0])
    found = narrow(measure, brackets, threshold, steps)
    return [found.get(k, ()) for k in range(len(ranges))]


def narrow(measure: MeasureMany, brackets: list[Bracket], threshold: float,
           steps: int = STEPS) -> dict[int, tuple[Crossing, ...]]:
    """Bisect every bracket until narrower than XTOL of its range (``steps`` at most), keeping the
    end nearer the centre on its side: all of them together, one request per step. The crossings
    by search, in the order of ``brackets``."""
    for _ in range(steps):
        live = [b for b in brackets if abs(b.outer - b.inner) > XTOL * b.span]
        if not live:
            break
        mids = [0.5 * (b.inner + b.outer) for b in live]
        got = measure([(b.search, np.array([mid])) for b, mid in zip(live, mids, strict=True)])
        for b, mid, y in zip(live, mids, got, strict=True):
            value = float(np.asarray(y, dtype=float)[0])
            if (value >= threshold) == b.inner_side:
                b.inner = mid
            else:
                b.outer, b.beyond = mid, value
    out: dict[int, list[Crossing]] = {}
    for b in brackets:
        out.setdefault(b.search, []).append(Crossing(value=0.5 * (b.inner + b.outer), direction=b.direction,
                                                     beyond=b.beyond, width=abs(b.outer - b.inner)))
    return {k: tuple(c) for k, c in out.items()}


@dataclass
class Bracket:
    """A side change of search ``search`` between ``inner`` (nearer the central value, on
    ``inner_side``) and ``outer`` (the headline ``beyond`` there), in a range ``span`` wide."""

    search: int
    inner: float
    outer: float
    inner_side: bool
    direction: str
    beyond: float
    span: float


def grid_brackets(k: int, xs: np.ndarray, ys: np.ndarray, centre: float, threshold: float,
                  span: float) -> list[Bracket]:
    """The side changes of search ``k`` nearest the centre on its grid (``xs``, the headline
    ``ys`` there): below it, then above it."""
    side = ys >= threshold
    c = int(np.searchsorted(xs, centre))
    out = []
    down = np.flatnonzero(side[:c] != side[1:c + 1])  # changes between xs[i] and xs[i + 1], below centre
    if down.size:
        i = int(down[-1])
        out.append(Bracket(k, float(xs[i + 1]), float(xs[i]), bool(side[i + 1]), "below", float(ys[i]), span))
    up = np.flatnonzero(side[c:-1] != side[c + 1:]) + c
    if up.size:
        i = int(up[0])
        out.append(Bracket(k, float(xs[i]), float(xs[i + 1]), bool(side[i]), "above", float(ys[i + 1]), span))
    return out


def percentile_of(ppf: Callable[[np.ndarray], np.ndarray], value: float, points: int = 4001) -> float:
    """The share of an estimate's draws at or below ``value``: its distribution function, read off
    the inverse (``ppf``) on a fine grid of probabilities (exact to 1 / ``points`` for any
    estimate, discrete ones included). The grid of an estimate's (frozen) ``ppf`` is kept."""
    xs = _ppf_grid(ppf, points)
    return float(np.searchsorted(xs, value, side="right")) / points


#: (id of the estimate, its ppf, points) -> (the estimate, its ppf on the grid); the estimate is
#: held so that its id stays its own while the entry lives.
_GRIDS: dict[tuple, tuple[object, np.ndarray]] = {}
_KEPT = 512


def _ppf_grid(ppf: Callable[[np.ndarray], np.ndarray], points: int) -> np.ndarray:
    owner = getattr(ppf, "__self__", None)
    key = (id(owner), getattr(ppf, "__func__", ppf), points)
    hit = _GRIDS.get(key) if owner is not None else None
    if hit is not None and hit[0] is owner:
        return hit[1]
    u = (np.arange(points) + 0.5) / points
    xs = np.asarray(ppf(u), dtype=float)
    if owner is not None:
        if len(_GRIDS) >= _KEPT:
            _GRIDS.clear()
        _GRIDS[key] = (owner, xs)
    return xs
