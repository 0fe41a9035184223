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

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..results import Result
from .config import ProcessConfig
from .designs import DesignDraws, actor_span, beside, per_track
from .package import (
    ENUMERATION_LIMIT,
    PackageDraws,
    allowed_outcomes,
    may_pass,
    package_batch,
    package_by_draw,
    solve_package,
)


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
              declared: tuple[tuple[str, ...], ...] = ()) -> Pilot:
    """Rates and the easy-first order on the first ``config.pilot_draws`` draws of ``run``, and
    the best partial package on its first ``config.search_draws`` draws (the same draws in every
    run with that seed). ``models(values)`` gives every track's model and its solution alone in
    those draws, as every chunk builds them."""
    spaces, solved = models(run.first(config.pilot_draws).values())[:2]
    rates = {t: float(r.agreed.mean()) for t, r in solved.items()}
    ids = tuple(spaces)
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
    found = search_packages(spaces, per_track(spaces, solved, actors), subsets, actors, config, threads)
    return Pilot(draws, rates, order, found.trials[0].tracks, tuple(found.trials), note, search.draws,
                 found.ties, found.may_tie)


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


def search_packages(spaces, parallel: DesignDraws, subsets, actors, config: ProcessConfig,
                    threads: int = 1) -> Search:
    """The best package in ``subsets`` (most tracks agreed on the draws, then fewest tracks,
    then the scenario's order): the same one as solving every package. A package is solved
    only while its upper bound lets it come first; packages solved in compiled code go first
    (cheap, they set the bar), the others draw by draw with HiGHS, stopped once they cannot."""
    span = actor_span(spaces, actors)
    candidates = sorted((_candidate(spaces, parallel, s, actors) for s in subsets),
                        key=lambda c: (not c.enumerated, -c.bound, c.rank))
    found: list[tuple[int, tuple[int, ...], PackageTrial]] = []
    stopped: list[int] = []   # upper bounds of packages left unsolved
    bar = _Bar()
    short = np.zeros(len(span))   # per draw, tracks that packages solved so far failed to agree
    for c in candidates:
        design, reach = _design(spaces, parallel, c, actors, config, threads, bar, short)
        if design is None:
            stopped.append(reach)
            continue
        total = int(design.agreed.sum())
        share = design.gain.sum(axis=1) / np.where(span > 0, span, 1.0)
        found.append((total, c.rank, PackageTrial(c.tracks, total / len(span), float(share.mean()))))
        bar.offer(total, c.rank)
    found.sort(key=lambda f: (-f[0], f[1]))
    assert found, "the first package is always solved in full"
    return Search([f[2] for f in found], sum(f[0] == bar.total for f in found),
                  sum(r >= bar.total for r in stopped))


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


def _candidate(spaces, parallel: DesignDraws, tracks: tuple[str, ...], actors) -> _Candidate:
    ids = tuple(spaces)
    inside = [ids.index(t) for t in tracks]
    batch = package_batch([spaces[t] for t in tracks], actors)
    return _Candidate(tracks, (len(tracks), *sorted(inside)),
                      np.delete(parallel.agreed, inside, axis=1).sum(axis=1),
                      may_pass(batch, batch.tolerance), allowed_outcomes(batch) <= ENUMERATION_LIMIT)


def _design(spaces, parallel: DesignDraws, c: _Candidate, actors, config: ProcessConfig, threads: int,
            bar: _Bar, short: np.ndarray) -> tuple[DesignDraws | None, int]:
    """The package beside the other tracks in parallel, or None (with its upper bound then)
    once it cannot come before the best so far. HiGHS takes first the draws in which the
    packages solved so far fell short most often (``short``, updated here), where this one too
    is likeliest to fall short and so to stop early; the order changes nothing else."""
    reach = c.bound
    if reach < bar.total or not (c.enumerated or bar.beaten(reach, c.rank)):
        return None, reach  # compiled code is cheap enough to settle a possible tie
    tracks = [spaces[t] for t in c.tracks]
    if c.enumerated:
        pkg = solve_package(tracks, actors, config.milp_time_limit, threads=threads)
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
