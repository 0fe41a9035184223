"""The agreement-space analysis of every track: who can accept what, the Pareto frontier, the
bargaining solutions, the indivisible-security test, and what blocks a deal."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..analysis import register
from ..progress import ProgressCallback, report
from ..scenario.model import Scenario
from ..scenario.tracks import Track
from ..settlement.cross_track import shift_central
from ..settlement.preferences import track_preferences
from .acceptance import accepts, no_one_below_baseline, rule_met
from .counting import SpaceCounts, count_space
from .diagnosis import (
    constraints_of,
    deal_mask,
    minimal_blocking_sets,
    relaxed,
    smallest_line_move,
    smallest_reservation_cut,
)
from .enumeration import DEFAULT_CHUNK
from .frontier import DEFAULT_MERGE_CAP, Frontier, FrontierTooLarge, agreement_frontier, enumerated_frontier
from .milp import milp_solve
from .redlines import conditional_red_line_links, cross_track_conditions
from .result import (
    DISAGREEMENT_POINT,
    STATUS_QUO,
    AgreementSpaceResult,
    ConstraintRef,
    Diagnosis,
    OpenedOutcome,
    Opening,
    RelaxationRef,
    SolutionPoint,
    TrackAgreement,
)
from .solutions import CONCEPTS, choose
from .track_space import TrackSpace

#: Most opened outcomes kept per relaxation (the Pareto-optimal ones, best first).
OPENED_ROWS = 10
#: Largest relaxed space whose deals are counted outcome by outcome.
OPENING_ENUMERATION = 2_000_000


class AgreementConfig(BaseModel):
    """Settings of the agreement-space analysis."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    grid_points: int | None = Field(None, ge=2, description="Override the grid of continuous issues.")
    enumeration_limit: int = Field(10**8, ge=1, description="Largest space enumerated outcome by outcome.")
    chunk_size: int = Field(DEFAULT_CHUNK, ge=1024, description="Outcomes evaluated at a time when a space "
                            "is enumerated (memory, not results).")
    merge_cap: int = Field(DEFAULT_MERGE_CAP, ge=1000, description="Most candidate outcomes kept while the "
                           "frontier of a space too large to enumerate is built issue by issue.")
    max_blocking_set_size: int = Field(3, ge=1, description="Largest set of red lines and reservation values "
                                       "searched whose removal together opens a deal.")
    bargaining_power: dict[str, float] | None = Field(
        None, description="Weights for the weighted Nash solution; default: capability.")


@register("agreement", "Agreement space per track", order=10, config=AgreementConfig)
def agreement_space(scenario: Scenario, *, config: AgreementConfig | None = None,
                    progress: ProgressCallback | None = None) -> AgreementSpaceResult:
    """Acceptable outcomes, Pareto frontier, bargaining solutions and blocking red lines per track."""
    config = config or AgreementConfig()
    out = []
    for k, track in enumerate(scenario.tracks):
        report(progress, "agreement", k, len(scenario.tracks))
        out.append(analyze_track(scenario, track, config))
    report(progress, "agreement", len(scenario.tracks), len(scenario.tracks))
    return AgreementSpaceResult(scenario.id, tuple(out))


def analyze_track(scenario: Scenario, track: Track, config: AgreementConfig | None = None, *,
                  cross_track: bool = True) -> TrackAgreement:
    """The agreement space of one track. Red lines conditional on another track's issue are read
    at that track's Nash solution (``cross_track`` False: at its status quo, as if it failed;
    the other track is analysed that way, so links that run both ways cannot loop)."""
    config = config or AgreementConfig()
    baseline = STATUS_QUO if track.has_status_quo and not track.no_deal else DISAGREEMENT_POINT
    if track.deferred:
        return TrackAgreement(track.id, track.title, True, participants=tuple(track.participants),
                              baseline=baseline, with_status_quo=track.has_status_quo)

    def nash(other: Track) -> dict[str, Any] | None:  # else the first solution found (MILP on large spaces)
        found = sorted(analyze_track(scenario, other, config, cross_track=False).solutions,
                       key=lambda s: s.concept != "nash")
        return found[0].outcome if found else None

    elsewhere, cross_notes = cross_track_conditions(scenario, track, nash if cross_track else lambda t: None)
    prefs = track_preferences(scenario, track, grid_points=config.grid_points, elsewhere=elsewhere)
    prefs, moved = shift_central(scenario, track, prefs, nash if cross_track else None, config.grid_points)
    space = TrackSpace.from_preferences(prefs, 0)
    engine = _Engine(space, config)
    unavailable: list[str] = []
    counts = engine.counts()
    if counts is None:
        unavailable.append(f"counts of acceptable outcomes ({space.size:,} outcomes exceed the "
                           f"enumeration limit of {config.enumeration_limit:,})")
    frontier = engine.frontier()
    if frontier is None:
        unavailable.append("Pareto frontier, Nash, weighted Nash and Kalai-Smorodinsky solutions "
                           f"({engine.frontier_error})")
    can_agree = (counts.n_agreeable > 0) if counts else (frontier.size > 0 if frontier else engine.exists())
    names = space.actors
    solutions = engine.solutions(frontier, power=_power(space, config)) if can_agree else []
    secure = engine.secure_solution()
    if secure is not None:
        solutions.append(secure)
    elif counts is None:
        unavailable.append("Nash solution among outcomes that pass the indivisible-security test")
    # a track whose passing outcomes are only the status quo, or only outcomes nobody prefers to
    # no deal, has no deal to offer: the diagnosis says what blocks one
    has_deal = can_agree and (bool(_frontier_deals(space, frontier).any())
                              if frontier is not None and space.size > 200_000 else engine.exists())
    diagnosis = None if has_deal else engine.diagnose()
    norm_r = space.normalise(space.reservation)
    norm_sq = space.normalise(space.status_quo_utility)
    norm_d = space.normalise(space.baseline)
    shown = frontier if frontier is not None and frontier.size > 0 else None
    b = list(space.bargainers)
    return TrackAgreement(
        track_id=track.id, title=track.title, deferred=False, participants=names,
        bargainers=tuple(names[b] for b in space.bargainers), rule=space.rule.kind,
        n_outcomes=space.size, frontier_method=frontier.method if frontier else None,
        n_agreeable=counts.n_agreeable if counts else None,
        accepted_by=dict(zip(names, counts.accepted_by, strict=True)) if counts else None,
        n_improving=counts.n_improving if counts else None,
        n_indivisible=counts.n_indivisible if counts else None,
        can_agree=can_agree,
        improves=(counts.n_improving > 0) if counts else _improves(space, frontier),
        baseline=baseline, with_status_quo=track.has_status_quo,
        status_quo={iid: _plain(_sq(issue)) for iid, issue in zip(space.issue_ids, track.issues, strict=True)}
        if track.has_status_quo else {},
        status_quo_utility={a: float(v) for a, v in zip(names, norm_sq, strict=True)}
        if track.has_status_quo else {},
        reservation={a: float(v) for a, v in zip(names, norm_r, strict=True)},
        reservation_raw={a: float(v) for a, v in zip(names, space.reservation, strict=True)},
        disagreement={a: float(v) for a, v in zip(names, norm_d, strict=True)},
        disagreement_raw={a: float(v) for a, v in zip(names, space.baseline, strict=True)},
        no_deal_stated=tuple(a for a in names if a in track.no_deal),
        frontier=tuple(tuple(float(x) for x in row) for row in
                       space.normalise(shown.utility[b], space.bargainers).T) if shown else (),
        frontier_raw=tuple(tuple(float(x) for x in row) for row in shown.utility[b].T) if shown else (),
        frontier_outcomes=tuple({k: _plain(v) for k, v in space.outcome(row).items()} for row in shown.index)
        if shown else (),
        solutions=tuple(solutions), diagnosis=diagnosis, unavailable=tuple(unavailable),
        notes=discount_note(track) + cross_notes,
        links=conditional_red_line_links(space, counts.n_agreeable if counts else None, cross_notes,
                                         chunk_size=config.chunk_size,
                                         track_of={i.id: t.id for t, i in scenario.issues()}) + moved,
    )


def discount_note(track: Track) -> tuple[str, ...]:
    """Where a track has discount factors: that they leave the agreement space as it is."""
    if not track.discount_factors:
        return ()
    given = ", ".join(f"{a} {d:g}" for a, d in track.discount_factors.items())
    note = (f"Discount factors ({given}) shrink a deal's worth with each round of automated negotiation: "
            "time preference changes how talks unfold, not which agreements exist, so the Pareto frontier "
            "and the bargaining solutions here (a deal struck at once, before any discounting) are the "
            "same with or without them.")
    return (note,)


def _sq(issue) -> Any:
    sq = issue.status_quo
    return sq if isinstance(sq, str) else sq.nominal


def _plain(v: Any) -> Any:
    return float(v) if isinstance(v, (np.floating, float)) else v


def _power(space: TrackSpace, config: AgreementConfig) -> np.ndarray:
    bargainers = space.bargainers
    if config.bargaining_power:
        return np.array([config.bargaining_power.get(space.actors[b], 0.0) for b in bargainers]) + 1e-300
    cap = space.capability[list(bargainers)]
    return cap if cap.sum() > 0 else np.ones(len(bargainers))


def _improves(space: TrackSpace, frontier: Frontier | None) -> bool | None:
    if frontier is None:
        return None
    b = list(space.bargainers)
    return bool(np.any(frontier.utility[b] > space.reservation[b, None] + 1e-9))


class _Engine:
    """Chooses the exact method for each question by the size of the space."""

    def __init__(self, space: TrackSpace, config: AgreementConfig) -> None:
        self.space = space
        self.config = config
        self.enumerable = space.size <= config.enumeration_limit
        self.frontier_error = ""

    # ---- counts and frontier --------------------------------------------------
    def counts(self, space: TrackSpace | None = None) -> SpaceCounts | None:
        space = space or self.space
        return count_space(space, chunk_size=self.config.chunk_size) if self.enumerable else None

    def frontier(self, space: TrackSpace | None = None) -> Frontier | None:
        try:
            return agreement_frontier(space or self.space, chunk_size=self.config.chunk_size,
                                      enumeration_limit=self.config.enumeration_limit,
                                      cap=self.config.merge_cap)
        except FrontierTooLarge as exc:
            self.frontier_error = str(exc)
            return None

    def exists(self, space: TrackSpace | None = None) -> bool:
        """Whether ``space`` holds a deal: an outcome that passes the rule, is not the status quo,
        and that some participant prefers to its disagreement point. Exact by enumeration up to
        200,000 outcomes; beyond, judged on the Pareto frontier (the bargainers' gains), and only
        as "some outcome passes" where a frontier cannot be built."""
        space = space or self.space
        if space.size <= 200_000:  # small: one vectorised pass beats building a frontier
            return any(u.shape[1] for u in _deal_utilities(space, self.config.chunk_size))
        if space.rule.kind == "unanimity" or self.enumerable:
            f = self.frontier(space)
            if f is not None:
                return bool(_frontier_deals(space, f).any())
        return milp_solve(space) is not None

    def best_utility(self, space: TrackSpace, a: int) -> float | None:
        """a's highest utility over the deals of ``space`` (outcomes that pass the rule, other than
        the status quo, that someone prefers to no deal)."""
        if space.size > 200_000:
            f = self.frontier(space)
            if f is not None and a in f.dims:
                ok = _frontier_deals(space, f)
                return float(f.utility[a, ok].max()) if ok.any() else None
        if self.enumerable:
            best = None
            for chunk_u in _deal_utilities(space, self.config.chunk_size):
                if chunk_u.size:
                    m = float(chunk_u[a].max())
                    best = m if best is None else max(best, m)
            return best
        x = milp_solve(space, "feasible")
        return None if x is None else float(space.utilities_of(x[None, :])[a, 0])

    # ---- solutions ------------------------------------------------------------
    def solutions(self, frontier: Frontier | None, power: np.ndarray) -> list[SolutionPoint]:
        space = self.space
        b = list(space.bargainers)
        if frontier is None or frontier.size == 0:
            return self._milp_solutions()
        u = space.normalise(frontier.utility[b], space.bargainers).T
        d = space.normalise(bargaining_point(space)[b], space.bargainers)
        return [self._point(c, frontier.index[choose(c, u, d, power)]) for c in CONCEPTS]

    def _milp_solutions(self) -> list[SolutionPoint]:
        out = []
        for concept in ("egalitarian", "utilitarian"):
            x = milp_solve(self.space, concept)
            if x is not None:
                out.append(self._point(concept, x))
        return out

    def secure_solution(self) -> SolutionPoint | None:
        """Nash solution among the outcomes that pass the rule and leave nobody below its baseline
        (its status quo, or the disagreement point on a track without one)."""
        space = self.space
        if not self.enumerable:
            return None

        def passes(chunk):
            acc = accepts(space, chunk.utility, chunk.allowed)
            return rule_met(space, acc) & no_one_below_baseline(space, chunk.utility)

        f = enumerated_frontier(space, passes, space.bargainers, chunk_size=self.config.chunk_size)
        if f.size == 0:
            return None
        b = list(space.bargainers)
        u = space.normalise(f.utility[b], space.bargainers).T
        d = space.normalise(bargaining_point(space)[b], space.bargainers)
        return self._point("nash_indivisible", f.index[choose("nash", u, d)])

    def _point(self, concept: str, index: np.ndarray) -> SolutionPoint:
        space = self.space
        raw = space.utilities_of(np.asarray(index)[None, :])[:, 0]
        norm = space.normalise(raw)
        gain = norm - space.normalise(space.baseline)
        tol = 1e-9 * np.maximum(np.abs(space.u_max), 1.0)
        below = tuple(a for a, r, s, t in zip(space.actors, raw, space.baseline, tol, strict=True)
                      if r < s - t)
        return SolutionPoint(concept, {k: _plain(v) for k, v in space.outcome(index).items()},
                             {a: float(x) for a, x in zip(space.actors, norm, strict=True)},
                             {a: float(x) for a, x in zip(space.actors, gain, strict=True)}, below,
                             {a: float(x) for a, x in zip(space.actors, raw, strict=True)})

    # ---- diagnosis ------------------------------------------------------------
    def diagnose(self) -> Diagnosis:
        space = self.space
        sets, searched, complete = minimal_blocking_sets(space, self.exists,
                                                         max_size=self.config.max_blocking_set_size)
        relaxations = []
        for kind, k in constraints_of(space):
            if kind == "red_line":
                rel = smallest_line_move(space, k, self.exists)
                opened = space.without(moved={k: _axis(space, k, rel.new_threshold)}) if rel.opens and \
                    rel.new_threshold is not None else space.without(lines=[k])
            else:
                rel = smallest_reservation_cut(space, k, self.best_utility)
                r = space.reservation.copy()
                if rel.opens:
                    r[k] -= rel.reduction
                opened = space.without(reservation=r)
            opening = self.opening(opened) if rel.opens else Opening(None)
            relaxations.append(RelaxationRef(
                self._ref((kind, k)), rel.opens, _plain(rel.new_threshold), rel.move,
                rel.reduction_normalised, opening.n_outcomes, opening.outcomes))
        return Diagnosis(tuple(tuple(self._ref(c) for c in s) for s in sets), searched, complete,
                         tuple(relaxations), tuple(self.opening(relaxed(space, s)) for s in sets))

    def opening(self, opened: TrackSpace) -> Opening:
        """The deals a relaxed space admits: how many, and the Pareto-optimal ones among the
        bargainers, best first (largest product of normalised gains over the disagreement point,
        then largest sum), each with every participant's gain. Counted by enumeration up to
        ``OPENING_ENUMERATION`` outcomes; beyond, the Pareto-optimal deals only (from the frontier,
        uncounted), or nothing where no frontier can be built."""
        n: int | None = None
        if opened.size <= OPENING_ENUMERATION:
            n = sum(u.shape[1] for u in _deal_utilities(opened, self.config.chunk_size))

            def passes(chunk):
                ok = rule_met(opened, accepts(opened, chunk.utility, chunk.allowed))
                return ok & deal_mask(opened, chunk.utility, chunk.start + np.arange(chunk.size))

            f = enumerated_frontier(opened, passes, opened.bargainers, chunk_size=self.config.chunk_size)
        else:
            whole = self.frontier(opened)
            if whole is None:
                return Opening(None)
            keep = _frontier_deals(opened, whole)
            f = Frontier(whole.index[keep], whole.utility[:, keep], whole.dims, whole.method)
        gain = opened.normalise(f.utility) - opened.normalise(opened.baseline)[:, None]
        b = list(opened.bargainers)
        score = np.prod(np.maximum(gain[b], 0.0), axis=0)
        order = np.lexsort((-gain.sum(axis=0), -score))[:OPENED_ROWS]
        names = opened.actors
        return Opening(n, tuple(OpenedOutcome({k: _plain(v) for k, v in opened.outcome(f.index[m]).items()},
                                              {a: float(g) for a, g in zip(names, gain[:, m], strict=True)})
                                for m in order))

    def _ref(self, constraint: tuple[str, int]) -> ConstraintRef:
        kind, k = constraint
        space = self.space
        if kind == "reservation":
            return ConstraintRef(space.actors[k], "reservation")
        ref = space.red_lines[k]
        return ConstraintRef(space.actors[ref.actor], "red_line", space.issue_ids[ref.issue], ref.relation,
                             _plain(ref.threshold), getattr(ref.condition, "text", None))


def bargaining_point(space: TrackSpace) -> np.ndarray:
    """The disagreement point of the bargaining solutions, raw: a party's stated no-deal value (what
    it gets if bargaining fails, Nash 1950), else its reservation value as before no-deal values
    existed. A reservation value above the no-deal value only narrows the acceptable set."""
    if space.disagreement is None:
        return space.reservation
    return np.where(np.isfinite(space.disagreement), space.disagreement, space.reservation)


def _axis(space: TrackSpace, k: int, label: Any) -> float:
    ref = space.red_lines[k]
    return float(space.axes[ref.issue][list(space.labels[ref.issue]).index(label)])


def _deal_utilities(space: TrackSpace, chunk_size: int):
    """Per chunk, the utilities of the deals: outcomes that pass the rule, other than the status
    quo, that some participant prefers to its disagreement point."""
    from .enumeration import iter_chunks

    for chunk in iter_chunks(space, chunk_size):
        ok = rule_met(space, accepts(space, chunk.utility, chunk.allowed))
        ok &= deal_mask(space, chunk.utility, chunk.start + np.arange(chunk.size))
        yield chunk.utility[:, ok]


def _frontier_deals(space: TrackSpace, f: Frontier) -> np.ndarray:
    """Which frontier points are deals."""
    if not f.size:
        return np.zeros(0, dtype=bool)
    flat = np.ravel_multi_index(tuple(f.index.T), space.shape)
    return deal_mask(space, f.utility, flat)
