"""What a negotiation needs about a track, as arrays: every outcome's utility to every party,
who accepts what, whose acceptance is required, and the reference points (Pareto frontier, Nash
solution) that a result is measured against.

Built from a :class:`multitrack.space.TrackSpace` (enumerated with the agreement-space engine's
own chunked enumeration), from an imported Genius domain, or straight from a utility array (one
Monte Carlo draw of an uncertainty analysis).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Sequence

import numpy as np

from ..space import TrackSpace, choose, pareto_mask
from ..space.acceptance import tolerance as _space_tolerance
from ..space.enumeration import iter_chunks

#: Largest outcome space a negotiation domain enumerates.
MAX_OUTCOMES = 5_000_000


@dataclass(frozen=True, eq=False)
class Reference:
    """Where a deal is measured from, in the required parties' normalised utilities."""

    frontier: np.ndarray        # (m, k) Pareto-optimal acceptable outcomes, normalised
    frontier_index: np.ndarray  # (m,) their outcome numbers
    nash: np.ndarray | None     # (k,) the Nash solution, normalised (None: no acceptable outcome)
    nash_index: int | None
    disagreement: np.ndarray    # (k,) the no-deal point, normalised


@dataclass(frozen=True, eq=False)
class NegotiationDomain:
    """A negotiation over ``n_outcomes`` outcomes among ``n_parties`` parties.

    ``utility`` (n_outcomes, n_parties) raw points; ``allowed`` (same shape): no red line broken;
    ``acceptable``: allowed and at least the reservation value; ``reservation`` (n_parties,) the acceptance
    threshold (-inf: none); ``no_deal`` (n_parties,) each party's utility if talks fail;
    ``required``: whose acceptance makes a deal (the veto players; everybody if nobody holds a
    veto); ``shape``: the issues' sizes when the outcomes are their product in row-major order
    (else one issue of ``n_outcomes`` values); ``start``: the status quo outcome, if on the grid.
    """

    utility: np.ndarray
    allowed: np.ndarray
    acceptable: np.ndarray
    reservation: np.ndarray
    no_deal: np.ndarray
    required: tuple[int, ...]
    parties: tuple[str, ...]
    shape: tuple[int, ...]
    issues: tuple[str, ...] = ()
    labels: tuple[tuple, ...] = ()
    start: int | None = None
    name: str = "domain"

    def __post_init__(self) -> None:
        u = self.utility
        if u.ndim != 2 or u.shape[1] < 2:
            raise ValueError("utility must be (n_outcomes, n_parties) with at least two parties")
        if self.acceptable.shape != u.shape or self.allowed.shape != u.shape:
            raise ValueError("allowed and acceptable must have the shape of utility")
        if math.prod(self.shape) != u.shape[0]:
            raise ValueError(f"shape {self.shape} does not hold {u.shape[0]} outcomes")
        if not self.required or any(not 0 <= a < u.shape[1] for a in self.required):
            raise ValueError("required must name at least one party")
        if not np.all(np.isfinite(u)):
            raise ValueError("utilities must be finite")

    # ---- constructors ----------------------------------------------------------------------
    @classmethod
    def from_utilities(cls, utility, *, reservation=None, required: Sequence[int] | None = None,
                       allowed=None, no_deal=None, shape: Sequence[int] | None = None,
                       parties: Sequence[str] | None = None, name: str = "domain",
                       start: int | None = None) -> "NegotiationDomain":
        """A domain from a utility array (n_outcomes, n_parties). ``reservation`` (n_parties,)
        defaults to none (-inf); ``allowed`` (n_outcomes, n_parties) marks outcomes no red line
        rules out (default all); ``required`` defaults to every party; ``no_deal`` to the
        reservation where finite, else the party's worst outcome."""
        u = np.ascontiguousarray(np.asarray(utility, dtype=float))
        if u.ndim != 2:
            raise ValueError("utility must be (n_outcomes, n_parties)")
        n_out, k = u.shape
        r = np.full(k, -np.inf) if reservation is None else np.asarray(reservation, dtype=float).reshape(k)
        ok = np.ones_like(u, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
        if ok.shape != u.shape:
            raise ValueError("allowed must have the shape of utility")
        if no_deal is None:
            no_deal = np.where(np.isfinite(r), r, u.min(axis=0))
        return cls(u, np.ascontiguousarray(ok), _acceptable(u, ok, r), r, np.asarray(no_deal, dtype=float),
                   tuple(range(k)) if required is None else tuple(int(a) for a in required),
                   tuple(parties) if parties is not None else tuple(f"p{j}" for j in range(k)),
                   tuple(shape) if shape is not None else (n_out,), name=name, start=start)

    @classmethod
    def from_track_space(cls, space: TrackSpace, *, max_outcomes: int = MAX_OUTCOMES) -> "NegotiationDomain":
        """Every outcome of a track's space, enumerated with the agreement-space engine's chunks."""
        if space.size > max_outcomes:
            raise ValueError(f"{space.size:,} outcomes: more than the {max_outcomes:,} "
                             "a negotiation enumerates")
        utility = np.empty((space.size, space.n_actors))
        allowed = np.empty((space.size, space.n_actors), dtype=bool)
        for chunk in iter_chunks(space, chunk_size=1 << 20):
            utility[chunk.start:chunk.start + chunk.size] = chunk.utility.T
            allowed[chunk.start:chunk.start + chunk.size] = chunk.allowed.T
        tol = _space_tolerance(space)
        acceptable = np.ascontiguousarray(allowed & (utility >= (space.reservation - tol)[None, :]))
        sq = space.status_quo_utility
        no_deal = np.where(np.isfinite(space.reservation), space.reservation,
                           np.where(np.isfinite(sq), sq, space.u_min))
        start = None
        if all(i is not None for i in space.status_quo_index):
            start = int(np.ravel_multi_index(tuple(int(i) for i in space.status_quo_index), space.shape))
        return cls(np.ascontiguousarray(utility), allowed, acceptable, space.reservation.copy(),
                   no_deal, space.bargainers, tuple(space.actors), space.shape, tuple(space.issue_ids),
                   tuple(space.labels), start, space.track_id)

    @classmethod
    def from_scenario(cls, scenario, track_id: str | None = None, **kw) -> "NegotiationDomain":
        """The domain of one track of a validated scenario (the first track by default)."""
        from ..space import build_track_space

        tracks = scenario.tracks
        track = tracks[0] if track_id is None else next(t for t in tracks if t.id == track_id)
        return cls.from_track_space(build_track_space(scenario, track), **kw)

    @classmethod
    def from_genius(cls, folder: Path | str, **kw) -> "NegotiationDomain":
        """A Genius XML or GeniusWeb JSON domain, through :func:`multitrack.interop.read_genius`
        (raw utilities are the Genius utilities; reservation values as in the profiles)."""
        from ..interop import import_genius
        from ..scenario.model import Scenario

        return cls.from_scenario(Scenario.model_validate(import_genius(folder)), **kw)

    def with_utilities(self, utility, reservation=None, no_deal=None) -> "NegotiationDomain":
        """The same outcomes, parties and red lines with new utilities (a Monte Carlo draw)."""
        u = np.ascontiguousarray(np.asarray(utility, dtype=float))
        if u.shape != self.utility.shape:
            raise ValueError(f"utility has shape {u.shape}; the domain has {self.utility.shape}")
        r = self.reservation if reservation is None else np.asarray(reservation, dtype=float).reshape(-1)
        if no_deal is None:
            no_deal = np.where(np.isfinite(r), r, u.min(axis=0))
        return replace(self, utility=u, acceptable=_acceptable(u, self.allowed, r), reservation=r,
                       no_deal=np.asarray(no_deal, dtype=float))

    # ---- sizes and normalisation -----------------------------------------------------------
    @property
    def n_outcomes(self) -> int:
        return self.utility.shape[0]

    @property
    def n_parties(self) -> int:
        return self.utility.shape[1]

    @cached_property
    def u_min(self) -> np.ndarray:
        return self.utility.min(axis=0)

    @cached_property
    def u_max(self) -> np.ndarray:
        return self.utility.max(axis=0)

    @property
    def span(self) -> np.ndarray:
        return np.where(self.u_max > self.u_min, self.u_max - self.u_min, 1.0)

    def normalise(self, raw) -> np.ndarray:
        """Raw utilities (..., n_parties) to [0, 1] over the whole space (0 worst, 1 best)."""
        return (np.asarray(raw, dtype=float) - self.u_min) / self.span

    def outcome(self, index: int) -> dict:
        """An outcome in the issues' own terms (value indices when no labels are known)."""
        idx = np.unravel_index(int(index), self.shape)
        if self.labels and self.issues:
            return {iid: self.labels[i][int(k)] for i, (iid, k) in enumerate(zip(self.issues, idx))}
        return {f"i{i}": int(k) for i, k in enumerate(idx)}

    # ---- compiled-kernel inputs ------------------------------------------------------------
    @cached_property
    def value_index(self) -> np.ndarray:
        """(n_outcomes, n_issues) each outcome's value index per issue (for opponent models)."""
        flat = np.arange(self.n_outcomes, dtype=np.int64)
        return np.ascontiguousarray(np.stack(np.unravel_index(flat, self.shape), axis=1).astype(np.int64))

    @cached_property
    def value_offset(self) -> np.ndarray:
        return np.concatenate(([0], np.cumsum(self.shape)[:-1])).astype(np.int64)

    @cached_property
    def sorted_offers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per party its acceptable outcomes from best to worst: outcome numbers (n_parties,
        n_outcomes; -1 past the count), their utilities, and the counts. Ties keep the order of
        numpy's default ascending sort, reversed."""
        k, n = self.n_parties, self.n_outcomes
        order = np.full((k, n), -1, dtype=np.int64)
        util = np.full((k, n), -np.inf)
        count = np.zeros(k, dtype=np.int64)
        for p in range(k):
            idx = np.flatnonzero(self.acceptable[:, p])
            u = self.utility[idx, p]
            asc = np.argsort(u)
            m = idx.size
            order[p, :m] = idx[asc[::-1]]
            util[p, :m] = u[asc[::-1]]
            count[p] = m
        return order, util, count

    @cached_property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Per party: the lowest utility it concedes to (its reservation value, or its worst
        acceptable outcome when that is higher) and its best acceptable utility."""
        _, util, count = self.sorted_offers
        hi = np.array([util[p, 0] if count[p] else -np.inf for p in range(self.n_parties)])
        worst = np.array([util[p, count[p] - 1] if count[p] else -np.inf for p in range(self.n_parties)])
        lo = np.maximum(worst, self.reservation)
        return lo, hi

    # ---- reference points from the agreement-space machinery -------------------------------
    @cached_property
    def reference(self) -> Reference:
        """The Pareto frontier among the required parties of the outcomes every required party
        accepts (:func:`multitrack.space.pareto_mask`), and the Nash solution over it
        (:func:`multitrack.space.choose`), disagreement point = the no-deal utilities."""
        req = list(self.required)
        d = np.clip(self.normalise(self.no_deal)[req], 0.0, 1.0)
        passing = np.flatnonzero(self.acceptable[:, req].all(axis=1))
        if passing.size == 0:
            return Reference(np.zeros((0, len(req))), np.zeros(0, dtype=np.int64), None, None, d)
        pts = self.normalise(self.utility[passing])[:, req]
        keep = pareto_mask(pts)
        front, front_idx = pts[keep], passing[keep]
        k = choose("nash", front, d)
        return Reference(front, front_idx, front[k], int(front_idx[k]), d)


def _acceptable(u: np.ndarray, allowed: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """Allowed and at least the reservation value (with a relative slack of 1e-9 for float sums,
    as the agreement-space engine uses)."""
    tol = 1e-9 * np.maximum(np.abs(u).max(axis=0), 1.0)
    return np.ascontiguousarray(allowed & (u >= (reservation - tol)[None, :]))
