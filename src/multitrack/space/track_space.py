"""A track's outcome space as arrays for the exact engine: per issue, every participant's
weighted value of every value, and which values each participant's red lines allow, at one set
of values (the central ones by default).

Built from the one preference model, :mod:`multitrack.settlement.preferences`, with D = 1;
utilities are combined by broadcasting, never per outcome.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from ..scenario.issues import IssueModel
from ..scenario.model import Scenario
from ..scenario.tracks import Track
from ..settlement.draws import DrawValues
from ..settlement.preferences import DecisionRuleArrays, Preferences, line_mask, track_preferences

__all__ = ["DecisionRuleArrays", "RedLineRef", "TrackSpace", "build_track_space"]


@dataclass(frozen=True)
class RedLineRef:
    """One red line of one participant on one issue, with its own mask over the issue's values."""

    issue: int
    actor: int
    number: int          # position in the actor's red_lines list
    relation: str        # equals | below | above
    threshold: object    # option name or number, as the scenario states it (nominal)
    axis_value: float    # the threshold on the issue's axis (option rank or number)
    condition: object = None   # the condition as written (RedLineCondition), None: always applies
    when_issue: int = -1       # a condition on another issue of the track: that issue (-1: none)
    when_holds: tuple[bool, ...] = ()  # ... and where it holds over that issue's values
    in_force: bool = True      # False: its condition is on another track's issue and does not hold

    @property
    def joint(self) -> bool:
        """Whether it ties two issues of the track (applies only where the other issue meets its
        condition): checked outcome by outcome, not through the per-issue ``allowed`` masks."""
        return self.when_issue >= 0


@dataclass(frozen=True, eq=False)
class TrackSpace:
    """Everything the agreement-space algorithms need about one track, as numbers."""

    track_id: str
    actors: tuple[str, ...]                  # participants, in track order
    issue_ids: tuple[str, ...]
    labels: tuple[tuple, ...]                # each issue's values as written
    tables: tuple[np.ndarray, ...]           # per issue (n_actors, n_values): salience * v
    allowed: tuple[np.ndarray, ...]          # per issue (n_actors, n_values): red lines kept
    reservation: np.ndarray                  # (n_actors,) raw points: the least each accepts
    status_quo_utility: np.ndarray           # (n_actors,) raw points of the status quo (none: reservation)
    status_quo_index: tuple[int | None, ...]  # status quo value's index per issue (None: off grid or none)
    rule: DecisionRuleArrays
    capability: np.ndarray                   # (n_actors,)
    red_lines: tuple[RedLineRef, ...] = ()
    line_masks: tuple[np.ndarray, ...] = ()  # one mask per red line, as in ``red_lines``
    axes: tuple[np.ndarray, ...] = ()        # each issue's values on its axis
    has_status_quo: bool = True              # False: a negotiation game or Genius domain
    disagreement: np.ndarray | None = None   # (n_actors,) raw no-deal values the track states; NaN: none
    joint: tuple[tuple[int, np.ndarray], ...] = ()  # joint red lines in force: (k in red_lines, own mask)

    def joint_ok(self, index: np.ndarray) -> np.ndarray:
        """(n_actors, m) whether outcomes given as value indices (m, n_issues) keep the joint red
        lines in force (a red line conditional on another issue of the track)."""
        index = np.atleast_2d(index)
        ok = np.ones((self.n_actors, index.shape[0]), dtype=bool)
        for k, own in self.joint:
            ref = self.red_lines[k]
            holds = np.asarray(ref.when_holds, dtype=bool)[index[:, ref.when_issue]]
            ok[ref.actor] &= ~holds | own[index[:, ref.issue]]
        return ok

    @property
    def baseline(self) -> np.ndarray:
        """What each participant keeps without a deal, the point gains and the indivisible-security
        test are measured from: its no-deal value where the track states one (the disagreement
        point), else its utility of the status quo, or, on a track without a status quo, its
        reservation value as the track states it."""
        if self.disagreement is None:
            return self.status_quo_utility
        return np.where(np.isfinite(self.disagreement), self.disagreement, self.status_quo_utility)

    @classmethod
    def from_tables(cls, tables: list[np.ndarray], *, reservation: np.ndarray | None = None,
                    actors: tuple[str, ...] | None = None, track_id: str = "domain") -> TrackSpace:
        """A space straight from per-issue utility tables (each (n_actors, n_values)): every actor
        holds a veto, no red lines, reservation values -inf unless given. For linear-additive
        domains from elsewhere (benchmarks, Genius) and for tests."""
        arrays = tuple(np.asarray(t, dtype=float) for t in tables)
        k = arrays[0].shape[0]
        r = np.full(k, -np.inf) if reservation is None else np.asarray(reservation, dtype=float)
        return cls(
            track_id=track_id, actors=actors or tuple(f"a{j}" for j in range(k)),
            issue_ids=tuple(f"i{j}" for j in range(len(arrays))),
            labels=tuple(tuple(range(t.shape[1])) for t in arrays), tables=arrays,
            allowed=tuple(np.ones(t.shape, dtype=bool) for t in arrays), reservation=r,
            status_quo_utility=r.copy(), status_quo_index=(None,) * len(arrays),
            rule=DecisionRuleArrays("unanimity", tuple(range(k))), capability=np.ones(k),
            axes=tuple(np.arange(t.shape[1], dtype=float) for t in arrays), has_status_quo=False)

    @classmethod
    def from_preferences(cls, prefs: Preferences, draw: int = 0) -> TrackSpace:
        """Draw ``draw`` of a preference model as a space (the central values when D = 1)."""
        d = draw
        sizes = [int(n) for n in prefs.sizes]
        refs = tuple(RedLineRef(line.issue, line.party, line.number, line.relation,
                                _as_written(line.threshold, t), t, line.condition, line.when_issue,
                                () if line.when_holds is None else tuple(bool(h) for h in line.when_holds),
                                line.applies is None or bool(line.applies[d]))
                     for line, t in zip(prefs.red_lines, (float(x.axis_value[d]) for x in prefs.red_lines),
                                        strict=True))
        masks = tuple(line.mask(prefs.axes[line.issue])[d] for line in prefs.red_lines)
        sq = prefs.status_quo_utility
        sq_axis = prefs.status_quo_axis
        sq_index = tuple(None if sq_axis is None else _index_on(axis, float(sq_axis[d, i]))
                         for i, axis in enumerate(prefs.axes))
        capability = np.ones(len(prefs.parties)) if prefs.capability is None else prefs.capability[d].copy()
        return cls(
            track_id=prefs.track_id, actors=tuple(p.name for p in prefs.parties), issue_ids=prefs.issue_ids,
            labels=prefs.labels,
            tables=tuple(np.ascontiguousarray(prefs.tables[d, :, i, :n]) for i, n in enumerate(sizes)),
            allowed=tuple(np.ascontiguousarray(prefs.allowed[d, :, i, :n]) for i, n in enumerate(sizes)),
            reservation=prefs.reservation[d].copy(),
            status_quo_utility=(prefs.reservation if sq is None else sq)[d].copy(),
            status_quo_index=sq_index, rule=prefs.rule, capability=capability, red_lines=refs,
            line_masks=masks, axes=prefs.axes, has_status_quo=sq is not None,
            disagreement=None if prefs.no_deal is None else prefs.no_deal[d].copy(),
            joint=tuple((k, masks[k]) for k, ref in enumerate(refs) if ref.joint))

    def without(self, lines: Iterable[int] = (), reservations: Iterable[int] = (),
                moved: dict[int, float] | None = None, reservation: np.ndarray | None = None) -> TrackSpace:
        """A copy with some red lines dropped (by number in ``red_lines``) or moved to a new
        axis value, and some actors' reservation constraints dropped (set to -inf)."""
        drop, moved = set(lines), dict(moved or {})
        allowed = [np.ones_like(a) for a in self.allowed]
        joint = []
        for k, ref in enumerate(self.red_lines):
            if k in drop:
                continue
            mask = self.line_masks[k] if k not in moved or not ref.in_force else \
                line_mask(ref.relation, self.axes[ref.issue], moved[k])
            if ref.joint:
                joint.append((k, mask))
            else:
                allowed[ref.issue][ref.actor] &= mask
        r = (self.reservation if reservation is None else reservation).copy()
        for a in reservations:
            r[a] = -np.inf
        return replace(self, allowed=tuple(allowed), reservation=r, joint=tuple(joint))

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
        return {iid: self.labels[i][int(k)]
                for i, (iid, k) in enumerate(zip(self.issue_ids, index, strict=True))}


def _col(v: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Shape per-actor values to broadcast against ``like`` (actors first, or actors last)."""
    like = np.asarray(like)
    if like.ndim <= 1 or like.shape[0] == len(v):
        return np.reshape(v, (len(v),) + (1,) * max(like.ndim - 1, 0))
    return v


def build_track_space(scenario: Scenario, track: Track, *, grid_points: int | None = None,
                      values: DrawValues | None = None, draw: int = 0,
                      elsewhere: Mapping[str, tuple[IssueModel, np.ndarray]] | None = None) -> TrackSpace:
    """A track of a validated scenario as arrays: the preference model
    (:func:`multitrack.settlement.preferences.track_preferences`) at the central values, or at
    draw ``draw`` of ``values``. Reservation values and the disagreement point are the model's;
    ``elsewhere`` gives other tracks' agreed values that conditional red lines read."""
    prefs = track_preferences(scenario, track, values, grid_points=grid_points, elsewhere=elsewhere)
    return TrackSpace.from_preferences(prefs, draw)


def _as_written(threshold: object, axis_value: float) -> object:
    """An option name as it stands, a number at its value in the draw."""
    return threshold if isinstance(threshold, str) else axis_value


def _index_on(axis: np.ndarray, x: float) -> int | None:
    """The index of ``x`` on the issue's axis (None: off the grid)."""
    hit = np.flatnonzero(np.isclose(axis, x, rtol=0, atol=1e-9 * max(1.0, abs(x))))
    return int(hit[0]) if hit.size else None
