"""What a negotiation needs about a track, as arrays: every outcome's utility to every party,
who accepts what, the track's decision rule, each party's discount factor, and the reference
points (Pareto frontier, Nash solution) that a result is measured against.

Built from a :class:`multitrack.space.TrackSpace` (enumerated with the agreement-space engine's
own chunked enumeration), from an imported Genius domain, or straight from a utility array (one
Monte Carlo draw of an uncertainty analysis).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from ..settlement.preferences import accepts, tolerance
from ..space import TrackSpace, choose
from ..space.acceptance import rule_passes
from ..space.acceptance import tolerance as _space_tolerance
from ..space.enumeration import iter_chunks
from ..space.frontier import pareto_rows
from ..space.track_space import DecisionRuleArrays

#: Largest outcome space a negotiation domain enumerates.
MAX_OUTCOMES = 5_000_000

#: How the Nash solution's disagreement point is chosen, in words, for every output that shows it.
NASH_CONVENTION = "Nash solution with the reservation values as disagreement point"


@dataclass(frozen=True, eq=False)
class Reference:
    """Where a deal is measured from, in the bargainers' normalised utilities (the veto
    players, or everybody when nobody holds a veto), as in the agreement-space analysis."""

    frontier: np.ndarray        # (m, k) Pareto-optimal outcomes that pass the rule, normalised
    frontier_index: np.ndarray  # (m,) their outcome numbers
    nash: np.ndarray | None     # (k,) the Nash solution, normalised (None: no outcome passes)
    nash_index: int | None
    disagreement: np.ndarray    # (k,) the disagreement point: the reservation values, normalised


@dataclass(frozen=True, eq=False)
class NegotiationDomain:
    """A negotiation over ``n_outcomes`` outcomes among ``n_parties`` parties.

    ``utility`` (n_outcomes, n_parties) raw points; ``allowed`` (same shape): no red line broken;
    ``acceptable``: allowed and at least the reservation value; ``reservation`` (n_parties,) the acceptance
    threshold (-inf: none); ``no_deal`` (n_parties,) each party's utility if talks fail;
    ``required``: the bargainers (the veto players; everybody if nobody holds a veto);
    ``shape``: the issues' sizes when the outcomes are their product in row-major order
    (else one issue of ``n_outcomes`` values); ``start``: the status quo outcome, if on the grid;
    ``has_status_quo``: False for a track without one (a negotiation game, a Genius domain);
    ``rule``: the track's decision rule (default: unanimity of ``required``), which a deal must
    pass; ``discount``: each party's discount factor (Genius semantics, 1 = none).
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
    has_status_quo: bool = True
    rule: DecisionRuleArrays | None = None  # None: unanimity of ``required`` (set in __post_init__)
    discount: np.ndarray | None = None      # None: no discounting (set to ones in __post_init__)

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
        if self.rule is None:
            object.__setattr__(self, "rule", DecisionRuleArrays("unanimity", tuple(self.required)))
        d = np.ones(u.shape[1]) if self.discount is None else \
            np.asarray(self.discount, dtype=float).reshape(-1)
        if d.shape != (u.shape[1],) or not np.all((d > 0) & (d <= 1)):
            raise ValueError("discount factors must be one per party, each in (0, 1]")
        object.__setattr__(self, "discount", d)

    # ---- constructors ----------------------------------------------------------------------
    @classmethod
    def from_utilities(cls, utility, *, reservation=None, required: Sequence[int] | None = None,
                       allowed=None, no_deal=None, shape: Sequence[int] | None = None,
                       parties: Sequence[str] | None = None, name: str = "domain",
                       start: int | None = None, rule: DecisionRuleArrays | None = None,
                       discount=None) -> NegotiationDomain:
        """A domain from a utility array (n_outcomes, n_parties). ``reservation`` (n_parties,)
        defaults to none (-inf); ``allowed`` (n_outcomes, n_parties) marks outcomes no red line
        rules out (default all); ``rule`` is the decision rule (default: unanimity among
        ``required``, which defaults to every party); ``no_deal`` defaults to the reservation
        where finite, else the party's worst outcome; ``discount`` to no discounting."""
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
        if rule is not None:
            bargainers = tuple(rule.vetoes) or tuple(range(k))
        else:
            bargainers = tuple(range(k)) if required is None else tuple(int(a) for a in required)
        return cls(u, np.ascontiguousarray(ok), _acceptable(u, ok, r), r, np.asarray(no_deal, dtype=float),
                   bargainers, tuple(parties) if parties is not None else tuple(f"p{j}" for j in range(k)),
                   tuple(shape) if shape is not None else (n_out,), name=name, start=start, rule=rule,
                   discount=discount)

    @classmethod
    def from_track_space(cls, space: TrackSpace, *, max_outcomes: int = MAX_OUTCOMES,
                         discount=None) -> NegotiationDomain:
        """Every outcome of a track's space, enumerated with the agreement-space engine's chunks;
        the space's decision rule; ``discount`` (n_parties,) the discount factors (default 1)."""
        if space.size > max_outcomes:
            raise ValueError(f"{space.size:,} outcomes: more than the {max_outcomes:,} "
                             "a negotiation enumerates")
        utility = np.empty((space.size, space.n_actors))
        allowed = np.empty((space.size, space.n_actors), dtype=bool)
        for chunk in iter_chunks(space, chunk_size=1 << 20):
            utility[chunk.start:chunk.start + chunk.size] = chunk.utility.T
            allowed[chunk.start:chunk.start + chunk.size] = chunk.allowed.T
        tol = _space_tolerance(space)
        acceptable = np.ascontiguousarray(accepts(utility.T, allowed.T, space.reservation, tol).T)
        sq = space.status_quo_utility
        no_deal = np.where(np.isfinite(space.reservation), space.reservation,
                           np.where(np.isfinite(sq), sq, space.u_min))
        start = None
        index = [i for i in space.status_quo_index if i is not None]
        if len(index) == len(space.status_quo_index):
            start = int(np.ravel_multi_index(tuple(index), space.shape))
        return cls(np.ascontiguousarray(utility), allowed, acceptable, space.reservation.copy(),
                   no_deal, space.bargainers, tuple(space.actors), space.shape, tuple(space.issue_ids),
                   tuple(space.labels), start, space.track_id, has_status_quo=space.has_status_quo,
                   rule=space.rule, discount=discount)

    @classmethod
    def from_scenario(cls, scenario, track_id: str | None = None, **kw) -> NegotiationDomain:
        """The domain of one track of a validated scenario (the first track by default), with
        the track's decision rule and discount factors. A red line conditional on another track's
        issue is read as the agreement space reads it: at that track's Nash solution."""
        from ..space import build_track_space
        from ..space.agreement import analyze_track
        from ..space.redlines import cross_track_conditions

        tracks = scenario.tracks
        track = tracks[0] if track_id is None else next(t for t in tracks if t.id == track_id)
        discount = [track.discount_factors.get(a, 1.0) for a in track.participants]

        def nash(other):  # the other track's Nash solution, else its first solution found
            found = sorted(analyze_track(scenario, other, cross_track=False).solutions,
                           key=lambda s: s.concept != "nash")
            return found[0].outcome if found else None

        elsewhere, _ = cross_track_conditions(scenario, track, nash)
        return cls.from_track_space(build_track_space(scenario, track, elsewhere=elsewhere or None),
                                    discount=discount, **kw)

    def with_utilities(self, utility, reservation=None, no_deal=None) -> NegotiationDomain:
        """The same outcomes, parties, red lines, rule and discount factors with new utilities
        (a Monte Carlo draw)."""
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
        """Raw utilities (..., n_parties) to [0, 1] over the whole space (0 worst, 1 best); a
        party indifferent over the whole space gets 1, as in :meth:`TrackSpace.normalise`."""
        out = (np.asarray(raw, dtype=float) - self.u_min) / self.span
        return np.where(self.u_max > self.u_min, out, 1.0)

    def outcome(self, index: int) -> dict:
        """An outcome in the issues' own terms (value indices when no labels are known)."""
        idx = np.unravel_index(int(index), self.shape)
        if self.labels and self.issues:
            return {iid: self.labels[i][int(k)]
                    for i, (iid, k) in enumerate(zip(self.issues, idx, strict=True))}
        return {f"i{i}": int(k) for i, k in enumerate(idx)}

    # ---- the decision rule -----------------------------------------------------------------
    @property
    def discounts(self) -> np.ndarray:
        """(n_parties,) each party's discount factor (1: none)."""
        assert self.discount is not None  # set in __post_init__
        return self.discount

    @property
    def decision_rule(self) -> DecisionRuleArrays:
        assert self.rule is not None  # set in __post_init__
        return self.rule

    @cached_property
    def passing(self) -> np.ndarray:
        """(n_outcomes,) outcomes whose acceptance (no red line broken, at least the reservation
        value) meets the track's decision rule (:func:`multitrack.space.acceptance.rule_passes`)."""
        return rule_passes(self.decision_rule, self.acceptable.T)

    def passes(self, outcome: int) -> bool:
        return bool(self.passing[int(outcome)])

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
        n_outcomes; -1 past the count), their utilities, and the counts. Among outcomes of equal
        utility the kernel offers the lowest outcome number (each issue's first values)."""
        return self._sorted(negmas=False)

    @cached_property
    def sorted_offers_negmas(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """As :attr:`sorted_offers`, with ties in the order NegMAS 0.16's presorting inverter
        gives them: numpy's default ascending sort of the acceptable outcomes' utilities in
        outcome order, of which the kernel offers the first of a tie."""
        return self._sorted(negmas=True)

    def _sorted(self, negmas: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        k, n = self.n_parties, self.n_outcomes
        order = np.full((k, n), -1, dtype=np.int64)
        util = np.full((k, n), -np.inf)
        count = np.zeros(k, dtype=np.int64)
        for p in range(k):
            idx = np.flatnonzero(self.acceptable[:, p])
            u = self.utility[idx, p]
            # descending; the kernel takes the last outcome of a tie group at the target
            desc = np.argsort(u)[::-1] if negmas else np.lexsort((-idx, -u))
            m = idx.size
            order[p, :m] = idx[desc]
            util[p, :m] = u[desc]
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

    @cached_property
    def bounds_negmas(self) -> tuple[np.ndarray, np.ndarray]:
        """As NegMAS's inverter scales its aspiration: from the reservation value or the party's
        worst outcome over the whole space, whichever is higher, to its best acceptable utility."""
        return np.maximum(self.u_min, self.reservation), self.bounds[1]

    # ---- reference points from the agreement-space machinery -------------------------------
    @cached_property
    def disagreement(self) -> np.ndarray:
        """(n_parties,) the disagreement point of the Nash solution: each party's reservation
        value, normalised (a party without one, -inf, at its worst outcome, 0)."""
        finite = np.isfinite(self.reservation)
        return np.where(finite, self.normalise(np.where(finite, self.reservation, 0.0)), 0.0)

    @cached_property
    def reference(self) -> Reference:
        """As the agreement-space analysis does it: the Pareto frontier among the bargainers of
        the outcomes that pass the decision rule (:func:`multitrack.space.frontier.pareto_rows`,
        among equal utility vectors the one best for the other participants), and the Nash
        solution over it (:func:`multitrack.space.choose`) with the reservation values as the
        disagreement point, all in normalised utilities."""
        req = np.asarray(self.required, dtype=np.intp)
        d = self.disagreement[req]
        passing = np.flatnonzero(self.passing)
        if passing.size == 0:
            return Reference(np.zeros((0, len(req))), np.zeros(0, dtype=np.int64), None, None, d)
        others = np.asarray([a for a in range(self.n_parties) if a not in self.required], dtype=np.intp)
        secondary = (self.utility[np.ix_(passing, others)] / self.span[others]).sum(axis=1)
        rows = pareto_rows(self.utility[np.ix_(passing, req)], secondary)
        front, front_idx = self.normalise(self.utility[passing[rows]])[:, req], passing[rows]
        k = choose("nash", front, d)
        return Reference(front, front_idx, front[k], int(front_idx[k]), d)


def _acceptable(u: np.ndarray, allowed: np.ndarray, reservation: np.ndarray) -> np.ndarray:
    """Allowed and at least the reservation value: the preference model's acceptance
    (:func:`multitrack.settlement.preferences.accepts`, its slack from the utilities' range)."""
    tol = tolerance(u.min(axis=0), u.max(axis=0))
    return np.ascontiguousarray(accepts(u.T, allowed.T, reservation, tol).T)
