"""The pilot: on the run's first draws, each track's agreement rate in parallel talks (which
gives the easy-first order of a sequence) and the best partial package among every package of
two tracks or more, each beside the other tracks in parallel.

Easy-first: the tracks most likely to agree alone go first, so early agreements can build trust
for the hard ones (graduated reciprocation: Osgood 1962, An Alternative to War or Surrender,
University of Illinois Press). Packages: issue linkage lets a gain on one track pay for a loss on
another (Sebenius 1983, "Negotiation arithmetic: adding and subtracting issues and parties",
International Organization 37), but a package also gives every veto player of every bundled
track a veto over all of it; only the draws can say which effect wins.

The best package agrees the most tracks on the search draws; among packages that tie, the one
with the fewest tracks, then the first in the scenario's order of tracks, so the choice does not
hang on small differences in gain over a few draws. The search finds the package that solving
every package would find: it skips a package whose upper bound (the tracks beside it as in
parallel, and every one of its own tracks in each draw where the package can pass at all) does
not let it come first, and stops solving a package draw by draw once that bound, lowered by the
draws solved, no longer does. Ties are counted exactly except for packages solved with HiGHS
that could at most tie (they cannot come first): those are counted apart as possible ties."""

from __future__ import annotations

import concurrent.futures as cf
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import combinations
from typing import Any

import numpy as np

from ..montecarlo import plan_chunks, run_chunks
from ..progress import ProgressCallback, report
from ..results import Result
from ..settlement.preferences import tolerance
from .config import ProcessConfig
from .designs import DesignDraws, actor_span, beside, per_track
from .package import ENUMERATION_LIMIT, PackageDraws, enumerated, package_by_draw, solve_package
from .package import ENUMERATION_LIMIT as PACKAGE_LIMIT  # solve_package's own default, kept when patched here

#: The pilot's draws are evaluated in pieces of this many draws, whatever the executor, so that
#: one process and many workers give the same arrays.
PILOT_PIECE = 50

#: The progress task of the pilot (its pieces of draws, then the packages searched).
PILOT_TASK = "process pilot"


@dataclass(frozen=True)
class PackageTrial(Result):
    """One package tried on the pilot draws, the other tracks in parallel beside it."""

    tracks: tuple[str, ...]
    mean_agreed: float   # tracks agreed, mean over the pilot draws
    mean_gain: float     # gain over the status quo (share of each actor's range), mean over actors and draws


@dataclass(frozen=True)
class Pilot:
    """What the pilot found: agreement rates in parallel, the easy-first order, the best package,
    the packages tried (best first) and how many packages agree as many tracks as the best."""

    draws: int
    rates: dict[str, float]
    easy_first: tuple[str, ...]
    best: tuple[str, ...] | None
    trials: tuple[PackageTrial, ...]   # the packages tried on the search draws (the others cannot win)
    note: str | None = None
    search_draws: int = 0
    ties: int = 0      # packages solved (the best included) that agree as many tracks as the best
    may_tie: int = 0   # packages left unsolved that could at most tie with the best (they cannot come first)


def run_pilot(run, models: Callable, actors: tuple[str, ...], config: ProcessConfig, threads: int = 1,
              declared: tuple[tuple[str, ...], ...] = (), executor: Any = None,
              progress: ProgressCallback | None = None) -> Pilot:
    """Rates and the easy-first order on the first ``config.pilot_draws`` draws of ``run``, and
    the best partial package on its first ``config.search_draws`` draws (the same draws in every
    run with that seed). ``models(values)`` gives every track's model and its solution alone in
    those draws, as every chunk builds them. The pilot's draws go to ``executor`` in pieces of
    :data:`PILOT_PIECE` draws and the packages to solve in compiled code are solved ahead on its
    workers; the answer is the same on any executor. ``progress`` hears of every piece and of the
    packages searched."""
    pilot = run.first(config.pilot_draws)
    tasks = plan_chunks(pilot.draws, PILOT_PIECE, pilot.seed)  # streams unused: the run's draws are read
    agreed = run_chunks(partial(_agreed_alone, models, pilot.values()), tasks, executor=executor,
                        progress=progress, task_name=PILOT_TASK)
    ids = tuple(agreed)
    rates = {t: float(agreed[t].mean()) for t in ids}
    order = tuple(sorted(ids, key=lambda t: (-rates[t], ids.index(t))))
    draws = min(config.pilot_draws, run.draws)
    if len(ids) < 2:
        return Pilot(draws, rates, order, None, ())
    note = None
    if len(ids) <= config.search_tracks:
        subsets = [c for n in range(2, len(ids) + 1) for c in combinations(ids, n)]
    else:
        named = (tuple(t for t in ids if t in p) for p in (*declared, ids))
        subsets = list(dict.fromkeys(p for p in named if len(p) >= 2))
        note = (f"{len(ids)} tracks give {2 ** len(ids) - len(ids) - 1:,} possible packages, more than "
                f"the search tries ({config.search_tracks} tracks at most): only the declared packages "
                "and the package of every track were tried")
    search = run.first(config.search_draws)
    spaces, solved = models(search.values())[:2]
    found = search_packages(spaces, per_track(spaces, solved, actors), subsets, actors, config, threads,
                            executor=executor, progress=progress)
    return Pilot(draws, rates, order, found.trials[0].tracks, tuple(found.trials), note, search.draws,
                 found.ties, found.may_tie)


def _agreed_alone(models: Callable, values, task) -> dict[str, np.ndarray]:
    """Whether each track agrees alone in the draws of one piece of the pilot (``task.start`` on)."""
    solved = models(values.rows(task.start, task.start + task.size))[1]
    return {t: r.agreed for t, r in solved.items()}


@dataclass(frozen=True)
class _Candidate:
    """A package to try: its tracks, its place among ties (fewest tracks, then the scenario's
    order), its upper bound on the tracks agreed in each draw, and whether it is enumerated."""

    tracks: tuple[str, ...]
    rank: tuple[int, ...]
    outside: np.ndarray   # (D,) tracks agreed beside the package (as in parallel)
    may: np.ndarray       # (D,) the package can pass at all
    enumerated: bool

    @property
    def bound(self) -> int:
        return int(self.outside.sum() + len(self.tracks) * self.may.sum())


@dataclass(frozen=True)
class Search:
    """The packages solved in full (best first), how many of them tie with the best, and how
    many more could at most tie: they cannot come first, so they were not solved to the end."""

    trials: list[PackageTrial]
    ties: int
    may_tie: int


def search_packages(spaces, parallel: DesignDraws, subsets, actors, config: ProcessConfig, threads: int = 1,
                    executor: Any = None, progress: ProgressCallback | None = None) -> Search:
    """The best package in ``subsets`` (most tracks agreed on the draws, then fewest tracks,
    then the scenario's order): the same one as solving every package. A package is solved
    only while its upper bound lets it come first; packages solved in compiled code go first
    (cheap, they set the bar), the others draw by draw with HiGHS, stopped once they cannot.
    With several workers in ``executor`` the next packages for compiled code are solved ahead
    on them; each is taken in the order above or dropped, so the answer is the one of a single
    process. ``progress`` hears how many packages have been dealt with."""
    span = actor_span(spaces, actors)
    bounds = _Bounds(spaces, actors)
    candidates = sorted((bounds.candidate(parallel, s) for s in subsets),
                        key=lambda c: (not c.enumerated, -c.bound, c.rank))
    ahead = _Ahead(candidates, [spaces[t] for t in spaces], tuple(spaces), actors, config, threads, executor)
    found: list[tuple[int, tuple[int, ...], PackageTrial]] = []
    stopped: list[int] = []   # upper bounds of packages left unsolved
    bar = _Bar()
    short = np.zeros(len(span))   # per draw, tracks that packages solved so far failed to agree
    report(progress, SEARCH_TASK, 0, len(candidates))
    try:
        for k, c in enumerate(candidates):
            ahead.fill(k, bar)
            solving = ahead.take(k)
            design, reach = _design(spaces, parallel, c, actors, config, threads, bar, short, solving)
            if design is None:
                if solving is not None:
                    solving.cancel()   # solved ahead, but the bar has risen past it meanwhile
                stopped.append(reach)
            else:
                total = int(design.agreed.sum())
                share = design.gain.sum(axis=1) / np.where(span > 0, span, 1.0)
                found.append((total, c.rank, PackageTrial(c.tracks, total / len(span), float(share.mean()))))
                bar.offer(total, c.rank)
            if design is not None or k % 64 == 63:
                report(progress, SEARCH_TASK, k + 1, len(candidates))
    finally:
        ahead.cancel()
    report(progress, SEARCH_TASK, len(candidates), len(candidates))
    found.sort(key=lambda f: (-f[0], f[1]))
    assert found, "the first package is always solved in full"
    return Search([f[2] for f in found], sum(f[0] == bar.total for f in found),
                  sum(r >= bar.total for r in stopped))


#: The progress task of the package search (packages dealt with, solved or skipped).
SEARCH_TASK = "process package search"


@dataclass
class _Bar:
    """The best package so far: tracks agreed over the draws and its place among ties."""

    total: int = -1
    rank: tuple[int, ...] = ()

    def beaten(self, reach: int, rank: tuple[int, ...]) -> bool:
        """Whether a package that agrees at most ``reach`` tracks could come before the best."""
        return reach > self.total or (reach == self.total and rank < self.rank)

    def offer(self, total: int, rank: tuple[int, ...]) -> None:
        if self.beaten(total, rank):
            self.total, self.rank = total, rank


class _Ahead:
    """Packages for compiled code solved ahead on the executor's workers: at most twice the
    workers at a time, only those the bar so far does not rule out (the bar only rises, so a
    package ruled out stays out). A package the bar rules out by the time its turn comes is
    dropped unread. With one worker nothing is solved ahead: each package is solved in turn."""

    def __init__(self, candidates: list[_Candidate], spaces: list, ids: tuple[str, ...], actors,
                 config: ProcessConfig, threads: int, executor: Any) -> None:
        self.candidates, self.actors, self.config, self.threads = candidates, actors, config, threads
        self.by_id = dict(zip(ids, spaces, strict=True))
        self.executor = executor if executor is not None and getattr(executor, "workers", 1) > 1 else None
        self.running: dict[int, cf.Future] = {}
        self.next = 0

    def fill(self, k: int, bar: _Bar) -> None:
        """Submit the next packages from the ``k``-th on that the bar does not rule out."""
        if self.executor is None:
            return
        self.next = max(self.next, k)
        limit = 2 * self.executor.workers
        while len(self.running) < limit and self.next < len(self.candidates):
            c = self.candidates[self.next]
            if not c.enumerated:
                self.next = len(self.candidates)  # HiGHS packages come last and are solved in turn
                break
            if c.bound >= bar.total:
                tracks = [self.by_id[t] for t in c.tracks]
                self.running[self.next] = self.executor.submit(solve_package, tracks, self.actors,
                                                               self.config.milp_time_limit, PACKAGE_LIMIT,
                                                               self.threads)
            self.next += 1

    def take(self, k: int) -> cf.Future | None:
        """The ``k``-th package's solution under way, if it was submitted."""
        return self.running.pop(k, None)

    def cancel(self) -> None:
        for future in self.running.values():
            future.cancel()
        self.running.clear()


class _Bounds:
    """Each track's share of a package's upper bound, kept per set of veto players, so that the
    bound of a package needs no package model: the issues of the tracks are disjoint and an actor
    off a track allows every value of its issues, so whether the package can pass (every issue
    keeps a value all its veto players allow; each veto player can reach its reservation value
    on those values) and how many outcomes those values make follow from per-track arrays. The
    arrays are put together in the order and the shapes of :func:`.package.package_batch`, so
    the sums are the same floating-point numbers as :func:`.package.may_pass` and
    :func:`.package.allowed_outcomes` give on the package's model."""

    def __init__(self, spaces, actors: tuple[str, ...]) -> None:
        self.spaces, self.actors = spaces, actors
        self.ids = tuple(spaces)
        self.where = {a: k for k, a in enumerate(actors)}
        self.rows = {t: [self.where[p.name] for p in s.parties] for t, s in spaces.items()}
        self.vetoes = {t: {self.where[p.name] for p in s.parties if p.veto} for t, s in spaces.items()}
        self.low = {t: np.asarray([s.tables[:, :, i, :n].min(axis=2) for i, n in enumerate(s.sizes)])
                    for t, s in spaces.items()}   # (I, D, A_t) each issue's least utility
        self.high = {t: np.asarray([s.tables[:, :, i, :n].max(axis=2) for i, n in enumerate(s.sizes)])
                     for t, s in spaces.items()}
        self._pieces: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def candidate(self, parallel: DesignDraws, tracks: tuple[str, ...]) -> _Candidate:
        inside = [self.ids.index(t) for t in tracks]
        may, outcomes = self.bound(tracks)
        return _Candidate(tracks, (len(tracks), *sorted(inside)),
                          np.delete(parallel.agreed, inside, axis=1).sum(axis=1), may,
                          enumerated(outcomes, len(tracks), ENUMERATION_LIMIT))

    def bound(self, tracks: tuple[str, ...]) -> tuple[np.ndarray, int]:
        """(D,) whether the package can pass at all, and the most outcomes in any draw made of
        values no veto player's red lines forbid."""
        veto = set().union(*(self.vetoes[t] for t in tracks))
        d_n, a_n = self.spaces[tracks[0]].draws, len(self.actors)
        i_n = sum(len(self.spaces[t].sizes) for t in tracks)
        best = np.zeros((d_n, a_n, i_n))
        low, high = np.zeros((i_n, d_n, a_n)), np.zeros((i_n, d_n, a_n))
        reservation = np.zeros((d_n, a_n))
        outcomes, start = 1, 0
        possible = np.ones(d_n, dtype=bool)
        for t in tracks:
            s, rows = self.spaces[t], self.rows[t]
            counts, some, top = self._piece(t, veto)
            possible &= some.all(axis=1)
            n = len(s.sizes)
            best[:, :, start:start + n] = np.where(some[:, None, :], 0.0, -np.inf)
            best[:, rows, start:start + n] = top
            low[start:start + n, :, rows] = self.low[t]
            high[start:start + n, :, rows] = self.high[t]
            reservation[:, rows] += s.reservation
            outcomes *= math.prod(int(c) for c in counts)
            start += n
        tol = tolerance(low.sum(axis=0), high.sum(axis=0))
        mask = np.zeros(a_n, dtype=bool)
        mask[list(veto)] = True
        reach = np.all((best.sum(axis=2) >= reservation - tol)[:, mask], axis=1)
        return possible & reach, outcomes

    def _piece(self, t: str, veto: set[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For track ``t`` under the package's veto players ``veto``: per issue the most values
        they allow in any draw (I,); (D, I) whether some value is left; (D, A_t, I) each party's
        best utility on the values left (-inf where none is)."""
        s, rows = self.spaces[t], self.rows[t]
        own = tuple(j for j, a in enumerate(rows) if a in veto)
        outside = bool(veto - set(rows))
        key = (t, own, outside, bool(veto))
        if key not in self._pieces:
            v_n = s.tables.shape[3]
            within = np.arange(v_n)[None, :] < np.asarray(s.sizes)[:, None]   # (I, V)
            if not veto:   # as package_batch: any actor allows, and actors off the track allow all
                ok = within[None] | s.allowed.any(axis=1)
            else:
                ok = s.allowed[:, list(own)].all(axis=1) & (within[None] if outside else True)
            counts = ok.sum(axis=2).max(axis=0) if s.draws else np.asarray(s.sizes)
            ok = ok & within[None]
            top = np.where(ok[:, None], s.tables, -np.inf).max(axis=3)
            self._pieces[key] = (counts, ok.any(axis=2), top)
        return self._pieces[key]


def _design(spaces, parallel: DesignDraws, c: _Candidate, actors, config: ProcessConfig, threads: int,
            bar: _Bar, short: np.ndarray, ahead: cf.Future | None = None) -> tuple[DesignDraws | None, int]:
    """The package beside the other tracks in parallel, or None (with its upper bound then)
    once it cannot come before the best so far. HiGHS takes first the draws in which the
    packages solved so far fell short most often (``short``, updated here), where this one too
    is likeliest to fall short and so to stop early; the order changes nothing else."""
    reach = c.bound
    if reach < bar.total or not (c.enumerated or bar.beaten(reach, c.rank)):
        return None, reach  # compiled code is cheap enough to settle a possible tie
    tracks = [spaces[t] for t in c.tracks]
    if c.enumerated:
        pkg = ahead.result() if ahead is not None else solve_package(tracks, actors, config.milp_time_limit,
                                                                         threads=threads)
        short += len(tracks) * c.may - (pkg.agreed[:, None] & pkg.moved).sum(axis=1)
        return beside(spaces, parallel, c.tracks, pkg), reach
    d_n, t_n, a_n = len(c.may), len(tracks), len(actors)
    agreed, moved = np.zeros(d_n, dtype=bool), np.zeros((d_n, t_n), dtype=bool)
    gain = np.zeros((d_n, t_n, a_n))
    choice = np.full((d_n, sum(len(s.sizes) for s in tracks)), -1, dtype=np.int64)
    draws = np.flatnonzero(c.may)
    draws = draws[np.argsort(-short[draws], kind="stable")]
    for d, deal in package_by_draw(tracks, actors, draws, config.milp_time_limit):
        if deal is not None:
            agreed[d] = True
            choice[d], gain[d], moved[d] = deal
        reach -= t_n - int(moved[d].sum())
        short[d] += t_n - int(moved[d].sum())
        if not bar.beaten(reach, c.rank):
            return None, reach  # even agreeing all its tracks in the draws left, it cannot come first
    pkg = PackageDraws(agreed, moved, gain, np.zeros((d_n, a_n)), choice)
    return beside(spaces, parallel, c.tracks, pkg), reach
