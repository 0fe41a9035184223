"""Forecasts conditional on agreement: where a numeric issue lands when the deal must be one that
every veto player of its track accepts.

A change from the status quo needs the consent of every veto player, so an agreed outcome lies
in the set of values all of them accept (Tsebelis 2002, *Veto Players: How Political
Institutions Work*, Princeton UP, ch. 1, the winset of the status quo and the unanimity core).
On one numeric issue a veto player states what it will not accept as red lines: a floor, a
ceiling, an excluded value. The values that no veto player's red line excludes are the issue's
**acceptable set** (the red lines of :func:`~multitrack.forecast.red_lines.veto_red_lines`:
unconditional ones, and conditional ones whose condition no agreement escapes), with each draw's
thresholds.

**The forecast conditional on agreement** is the model rerun with every actor's position moved
to the value it likes best within the acceptable set: a deal must lie there, so an actor
bargains for the best of what can be agreed. For an ideal point with linear or quadratic loss
and for a monotone preference (single-peaked on a line, Black 1948) that is the nearest value of
the set; for a curve through points, the best point of the curve within the set. Saliences,
capabilities (a grouping counted once, :mod:`multitrack.settlement.membership`) and the status
quo (the no-deal point, not a position) stay as they are. Every model here gives a value within
the span of the positions it is given, so the outcome lies in the set; as a guarantee the
outcome is moved into the set the same way (the nearest acceptable value). Where the set is
empty -- a floor above a ceiling -- no agreement on the issue satisfies every veto player, and
there is no conditional forecast (NaN in that draw).

Choices the definition leaves open, and what this code does:

- An integer issue's set runs from the lowest to the highest acceptable integer (a threshold
  between integers binds at the integer inside it); the forecast itself is not rounded, as the
  unconditional forecast is not.
- An excluded value (``equals``) is one point. A position or an outcome on it moves to the
  nearest acceptable value of the issue's axis (its integers, or its grid and the set's ends),
  the lower one where two are as near; a set that keeps no such value counts as empty.
- Everything is vectorised over the draws: one pass of each model over all draws of a chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..results import Result
from ..settlement import DrawValues
from ..settlement.preferences import ideal_point, issue_axis, on_axis, value_curve
from .red_lines import veto_red_lines


@dataclass(frozen=True)
class AcceptableSet:
    """The values of one numeric issue that no veto player's red line excludes, in each draw:
    from ``low`` to ``high`` less the ``excluded`` points; ``open`` False where it is empty."""

    low: np.ndarray        # (D,)
    high: np.ndarray       # (D,)
    excluded: np.ndarray   # (D, k) excluded values (k may be 0)
    candidates: np.ndarray  # (D, C) sorted acceptable values of the axis and the set's ends; NaN: none
    open: np.ndarray       # (D,) bool: some value is acceptable

    def into(self, x: np.ndarray) -> np.ndarray:
        """``x`` (D, n) moved into the set: clipped to its ends, then off an excluded value to the
        nearest acceptable candidate (the lower on a tie); NaN in draws where the set is empty."""
        x = np.asarray(x, dtype=float)
        out = np.clip(x, self.low[:, None], self.high[:, None])
        if self.excluded.shape[1]:
            hit = np.isclose(out[:, :, None], self.excluded[:, None, :]).any(axis=2)
            if hit.any():
                dist = np.abs(self.candidates[:, None, :] - out[:, :, None])
                nearest = np.take_along_axis(
                    self.candidates, np.argmin(np.where(np.isnan(dist), np.inf, dist), axis=2), axis=1)
                out = np.where(hit, nearest, out)
        return np.where(self.open[:, None] & ~np.isnan(x), out, np.nan)


def acceptable_set(scenario: Any, track: Any, issue: Any, values: DrawValues) -> AcceptableSet:
    """The acceptable set of a numeric ``issue`` of ``track`` in every draw of ``values``."""
    size = values.size
    low = np.full(size, float(issue.low))
    high = np.full(size, float(issue.high))
    points = []
    for _actor, _pos, line in veto_red_lines(scenario, track, issue):
        threshold = np.asarray(on_axis(issue, line.threshold, values), dtype=float)
        if line.relation == "below":
            low = np.maximum(low, threshold)
        elif line.relation == "above":
            high = np.minimum(high, threshold)
        else:
            points.append(threshold)
    if issue.kind == "integer":
        low, high = np.ceil(low - 1e-9) + 0.0, np.floor(high + 1e-9) + 0.0  # + 0.0: never -0
    excluded = np.column_stack(points) if points else np.empty((size, 0))
    axis = np.asarray(issue_axis(issue, scenario.settings), dtype=float)
    cand = np.concatenate([np.broadcast_to(axis, (size, len(axis))), low[:, None], high[:, None]], axis=1)
    ok = (cand >= low[:, None]) & (cand <= high[:, None])
    if points:
        ok &= ~np.isclose(cand[:, :, None], excluded[:, None, :]).any(axis=2)
    cand = np.sort(np.where(ok, cand, np.nan), axis=1)  # NaN last
    return AcceptableSet(low, high, excluded, cand, np.asarray(ok.any(axis=1), dtype=bool))


def agreed_position(issue: Any, pos: Any, values: DrawValues, acceptable: AcceptableSet) -> np.ndarray:
    """(D,) the value of the acceptable set the position likes best (NaN where the set is empty):
    the nearest to its ideal point or to the end it prefers; for a curve through points, the
    best of the curve's points within the set and the set's ends -- the nearest to its best point
    where that is as good, else the lowest of equals (so an unbounded set leaves it where it is)."""
    ideal = ideal_point(issue, pos, values)
    if pos.shape != "points":
        return acceptable.into(ideal[:, None])[:, 0]
    xs = np.array([p[0] for p in pos.points], dtype=float)
    ends = np.column_stack([acceptable.low, acceptable.high])
    low, high = acceptable.low[:, None], acceptable.high[:, None]
    cand = np.concatenate([np.broadcast_to(xs, (values.size, len(xs))), ends], axis=1)
    cand = np.concatenate([np.clip(ideal[:, None], low, high), np.sort(np.clip(cand, low, high), axis=1)],
                          axis=1)
    best = np.take_along_axis(cand, np.argmax(value_curve(issue, pos, cand, values), axis=1)[:, None], axis=1)
    return acceptable.into(best)[:, 0]


@dataclass(frozen=True)
class AcceptableRange(Result):
    """An issue's acceptable set at the central estimates, with the veto players whose red lines
    bound it, and the share of draws in which it is not empty."""

    low: float | None           # None: empty at the central estimates
    high: float | None
    excluded: tuple[float, ...]  # excluded values inside it
    floor: float | None         # the highest veto floor (None: no floor), and whose it is
    floor_actor: str | None
    ceiling: float | None       # the lowest veto ceiling (None: no ceiling), and whose it is
    ceiling_actor: str | None
    share_open: float           # share of draws with some acceptable value

    @property
    def empty(self) -> bool:
        return self.low is None


def acceptable_range(scenario: Any, track: Any, issue: Any, open_by_draw: np.ndarray) -> AcceptableRange:
    """The central acceptable set of ``issue`` and who bounds it (``open_by_draw``: the draws'
    ``open`` flags)."""
    central = DrawValues.central()
    acc = acceptable_set(scenario, track, issue, central)
    floors: dict[str, float] = {}
    ceilings: dict[str, float] = {}
    for actor, _pos, line in veto_red_lines(scenario, track, issue):
        t = float(on_axis(issue, line.threshold, central)[0])
        if line.relation == "below" and t > floors.get(actor, -np.inf):
            floors[actor] = t
        elif line.relation == "above" and t < ceilings.get(actor, np.inf):
            ceilings[actor] = t
    floor_actor = max(floors, key=lambda a: floors[a]) if floors else None
    ceiling_actor = min(ceilings, key=lambda a: ceilings[a]) if ceilings else None
    is_open = bool(acc.open[0])
    low, high = float(acc.low[0]), float(acc.high[0])
    return AcceptableRange(
        low=low if is_open else None, high=high if is_open else None,
        excluded=tuple(float(x) for x in acc.excluded[0] if is_open and low <= x <= high),
        floor=None if floor_actor is None else floors[floor_actor], floor_actor=floor_actor,
        ceiling=None if ceiling_actor is None else ceilings[ceiling_actor], ceiling_actor=ceiling_actor,
        share_open=float(np.mean(open_by_draw)) if len(open_by_draw) else 0.0)


@dataclass(frozen=True)
class AgreedForecast(Result):
    """One model's forecast conditional on agreement: at the central estimates (None where no value
    satisfies every veto player there), and mean and interval over the draws that have one."""

    model: str
    nominal: float | None
    mean: float | None
    low: float | None
    high: float | None
    share: float  # share of draws with a conditional forecast (an acceptable set that is not empty)


def summarise(model: str, nominal: float, draws: np.ndarray, level: float) -> AgreedForecast:
    """The conditional forecast of one model: its central value and its spread over the draws
    where it exists."""
    found = draws[np.isfinite(draws)]
    centre = float(nominal) if np.isfinite(nominal) else None
    share = float(found.size / draws.size) if draws.size else 0.0
    if found.size == 0:
        return AgreedForecast(model, centre, None, None, None, share)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(found, [tail, 100 - tail])
    return AgreedForecast(model, centre, float(found.mean()), float(lo), float(hi), share)


__all__ = ["AcceptableRange", "AcceptableSet", "AgreedForecast", "acceptable_range", "acceptable_set",
           "agreed_position", "summarise"]
