"""A track's outcome space as arrays: per issue, every participant's weighted value of every
value, and which values each participant's red lines allow.

Utilities are computed per issue once and combined by broadcasting, never per outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable

import numpy as np

from ..scenario.issues import IssueModel
from ..scenario.model import Scenario
from ..scenario.tracks import Qualified, Track, Weighted
from .redlines import allowed_mask
from .utility import ValueOf, issue_value, nominal
from .values import as_axis_value, issue_axis, issue_values


@dataclass(frozen=True)
class DecisionRuleArrays:
    """A forum's decision rule over participant indices."""

    kind: str  # unanimity | qualified | weighted
    vetoes: tuple[int, ...]
    min_participants: int = 0
    weights: np.ndarray | None = None
    threshold: float = 0.0


@dataclass(frozen=True)
class RedLineRef:
    """One red line of one participant on one issue, with its own mask over the issue's values."""

    issue: int
    actor: int
    number: int          # position in the actor's red_lines list
    relation: str        # equals | below | above
    threshold: object    # option name or number, as the scenario states it (nominal)
    axis_value: float    # the threshold on the issue's axis (option rank or number)


@dataclass(frozen=True, eq=False)
class TrackSpace:
    """Everything the agreement-space algorithms need about one track, as numbers."""

    track_id: str
    actors: tuple[str, ...]                  # participants, in track order
    issue_ids: tuple[str, ...]
    labels: tuple[tuple, ...]                # each issue's values as written
    tables: tuple[np.ndarray, ...]           # per issue (n_actors, n_values): salience * v
    allowed: tuple[np.ndarray, ...]          # per issue (n_actors, n_values): red lines kept
    reservation: np.ndarray                  # (n_actors,) raw points: the disagreement point
    status_quo_utility: np.ndarray           # (n_actors,) raw points of no deal: see ``baseline``
    status_quo_index: tuple[int | None, ...]  # status quo value's index per issue (None: off grid or none)
    rule: DecisionRuleArrays
    capability: np.ndarray                   # (n_actors,)
    red_lines: tuple[RedLineRef, ...] = ()
    line_masks: tuple[np.ndarray, ...] = ()  # one mask per red line, as in ``red_lines``
    axes: tuple[np.ndarray, ...] = ()        # each issue's values on its axis
    has_status_quo: bool = True              # False: a negotiation game or Genius domain

    @property
    def baseline(self) -> np.ndarray:
        """What each participant keeps without a deal, the point gains and the indivisible-security
        test are measured from: its utility of the status quo, or, on a track without a status
        quo, its disagreement point (the reservation values as the track states them)."""
        return self.status_quo_utility

    @classmethod
    def from_tables(cls, tables: list[np.ndarray], *, reservation: np.ndarray | None = None,
                    actors: tuple[str, ...] | None = None, track_id: str = "domain") -> "TrackSpace":
        """A space straight from per-issue utility tables (each (n_actors, n_values)): every actor
        holds a veto, no red lines, reservation values -inf unless given. For linear-additive
        domains from elsewhere (benchmarks, Genius) and for tests."""
        tables = tuple(np.asarray(t, dtype=float) for t in tables)
        k = tables[0].shape[0]
        r = np.full(k, -np.inf) if reservation is None else np.asarray(reservation, dtype=float)
        return cls(
            track_id=track_id, actors=actors or tuple(f"a{j}" for j in range(k)),
            issue_ids=tuple(f"i{j}" for j in range(len(tables))),
            labels=tuple(tuple(range(t.shape[1])) for t in tables), tables=tables,
            allowed=tuple(np.ones(t.shape, dtype=bool) for t in tables), reservation=r,
            status_quo_utility=r.copy(), status_quo_index=(None,) * len(tables),
            rule=DecisionRuleArrays("unanimity", tuple(range(k))), capability=np.ones(k),
            axes=tuple(np.arange(t.shape[1], dtype=float) for t in tables), has_status_quo=False)

    def without(self, lines: Iterable[int] = (), reservations: Iterable[int] = (),
                moved: dict[int, float] | None = None, reservation: np.ndarray | None = None) -> "TrackSpace":
        """A copy with some red lines dropped (by number in ``red_lines``) or moved to a new
        axis value, and some actors' reservation constraints dropped (set to -inf)."""
        drop, moved = set(lines), dict(moved or {})
        allowed = [np.ones_like(a) for a in self.allowed]
        for k, ref in enumerate(self.red_lines):
            if k in drop:
                continue
            mask = self.line_masks[k] if k not in moved else _line_mask(ref.relation, self.axes[ref.issue], moved[k])
            allowed[ref.issue][ref.actor] &= mask
        r = (self.reservation if reservation is None else reservation).copy()
        for a in reservations:
            r[a] = -np.inf
        return replace(self, allowed=tuple(allowed), reservation=r)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.labels)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def bargainers(self) -> tuple[int, ...]:
        """Whose utilities span the frontier: the veto players, or everyone if none holds a veto."""
        return self.rule.vetoes or tuple(range(self.n_actors))

    @property
    def u_min(self) -> np.ndarray:
        """Each actor's lowest raw utility over the whole space (additive: sum of issue minima)."""
        return np.sum([t.min(axis=1) for t in self.tables], axis=0)

    @property
    def u_max(self) -> np.ndarray:
        return np.sum([t.max(axis=1) for t in self.tables], axis=0)

    def normalise(self, raw: np.ndarray, actors: tuple[int, ...] | None = None) -> np.ndarray:
        """Raw points to [0, 1] over the track's space (rows or last axis follow ``actors``).

        An actor indifferent over the whole space gets 1 everywhere.
        """
        idx = list(range(self.n_actors)) if actors is None else list(actors)
        lo, hi = self.u_min[idx], self.u_max[idx]
        span = np.where(hi > lo, hi - lo, 1.0)
        out = (np.asarray(raw, float) - _col(lo, raw)) / _col(span, raw)
        return np.where(_col(hi > lo, raw), out, 1.0)

    def utilities_of(self, index: np.ndarray) -> np.ndarray:
        """Raw utilities (n_actors, m) of outcomes given as value indices (m, n_issues)."""
        index = np.atleast_2d(index)
        return np.sum([t[:, index[:, i]] for i, t in enumerate(self.tables)], axis=0)

    def outcome(self, index) -> dict:
        """An outcome in the issues' own terms."""
        return {iid: self.labels[i][int(k)] for i, (iid, k) in enumerate(zip(self.issue_ids, index))}


def _col(v: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Shape per-actor values to broadcast against ``like`` (actors first, or actors last)."""
    like = np.asarray(like)
    if like.ndim <= 1 or like.shape[0] == len(v):
        return np.reshape(v, (len(v),) + (1,) * max(like.ndim - 1, 0))
    return v


def build_track_space(scenario: Scenario, track: Track, *, grid_points: int | None = None,
                      value_of: ValueOf = nominal, reservation_override: dict[str, float] | None = None
                      ) -> TrackSpace:
    """Turn a track of a validated scenario into arrays (estimates through ``value_of``).

    Reservation values default to the status quo's utility; on a track without a status quo, to
    each participant's lowest utility over the track's outcomes (it then accepts whatever its
    red lines allow), and the disagreement point stands where the status quo would."""
    settings = scenario.settings
    actors = tuple(track.participants)
    tables, allowed, labels, sq_index, refs, line_masks, axes = [], [], [], [], [], [], []
    sq_utility = np.zeros(len(actors))
    has_sq = track.has_status_quo
    for issue in track.issues:
        axis = issue_axis(issue, settings, grid_points)
        values = issue_values(issue, settings, grid_points)
        table = np.zeros((len(actors), len(values)))
        mask = np.ones((len(actors), len(values)), bool)
        sq_x = np.array([_status_quo_axis(issue, value_of) if has_sq else np.nan])
        for a, actor in enumerate(actors):
            pos = issue.positions.get(actor)
            if pos is None:
                continue
            weight = value_of(pos.salience)
            table[a] = weight * issue_value(issue, pos, axis, value_of)
            mask[a] = allowed_mask(issue, pos.red_lines, axis, value_of)
            for j, line in enumerate(pos.red_lines):
                threshold = line.threshold if isinstance(line.threshold, str) else value_of(line.threshold)
                refs.append(RedLineRef(len(tables), a, j, line.relation, threshold,
                                       as_axis_value(issue, threshold)))
                line_masks.append(allowed_mask(issue, [line], axis, value_of))
            if has_sq:
                sq_utility[a] += weight * issue_value(issue, pos, sq_x, value_of)[0]
        tables.append(table)
        allowed.append(mask)
        labels.append(tuple(values))
        axes.append(axis)
        sq_index.append(_index_on(axis, float(sq_x[0])) if has_sq else None)
    lowest = np.sum([t.min(axis=1) for t in tables], axis=0)
    reservation = sq_utility.copy() if has_sq else lowest
    for a, actor in enumerate(actors):
        if actor in track.reservation_values:
            reservation[a] = value_of(track.reservation_values[actor])
    if not has_sq:
        sq_utility = reservation.copy()
    for a, actor in enumerate(actors):
        if actor in (reservation_override or {}):
            reservation[a] = reservation_override[actor]  # type: ignore[index]
    return TrackSpace(
        track_id=track.id, actors=actors, issue_ids=tuple(i.id for i in track.issues),
        labels=tuple(labels), tables=tuple(tables), allowed=tuple(allowed), reservation=reservation,
        status_quo_utility=sq_utility, status_quo_index=tuple(sq_index),
        rule=_rule(track, actors), capability=np.array([value_of(scenario.actor(a).capability) for a in actors]),
        red_lines=tuple(refs), line_masks=tuple(line_masks), axes=tuple(axes), has_status_quo=has_sq,
    )


def _index_on(axis: np.ndarray, x: float) -> int | None:
    """The index of ``x`` on the issue's axis (None: off the grid)."""
    hit = np.flatnonzero(np.isclose(axis, x, rtol=0, atol=1e-9 * max(1.0, abs(x))))
    return int(hit[0]) if hit.size else None


def _line_mask(relation: str, axis: np.ndarray, t: float) -> np.ndarray:
    if relation == "below":
        return axis >= t
    if relation == "above":
        return axis <= t
    return ~np.isclose(axis, t)


def _status_quo_axis(issue: IssueModel, value_of: ValueOf) -> float:
    sq = issue.status_quo  # type: ignore[attr-defined]
    return as_axis_value(issue, sq if isinstance(sq, str) else value_of(sq))


def _rule(track: Track, actors: tuple[str, ...]) -> DecisionRuleArrays:
    vetoes = tuple(actors.index(a) for a in track.vetoes)
    rule = track.decision_rule
    if isinstance(rule, Qualified):
        return DecisionRuleArrays("qualified", vetoes, min_participants=rule.min_participants)
    if isinstance(rule, Weighted):
        weights = np.array([rule.weights.get(a, 0.0) for a in actors])
        return DecisionRuleArrays("weighted", vetoes, weights=weights, threshold=rule.threshold)
    return DecisionRuleArrays("unanimity", vetoes)
