"""The process designs on one chunk of draws: parallel, linked, sequences, packages of some or
all tracks beside the rest in parallel.

All read the same draws (common random numbers), so their differences are paired.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..progress import ProgressCallback
from ..settlement.preferences import Preferences
from .kernel import TrackDraws, solve_batch
from .package import PackageDraws, solve_package


def track_gains(space: Preferences, result: TrackDraws, actors: tuple[str, ...]) -> np.ndarray:
    """(D, n_actors): each actor's raw gain over its disagreement point on this track (the status
    quo unless the track states a no-deal value; 0 off the table)."""
    out = np.zeros((space.draws, len(actors)))
    where = {a: k for k, a in enumerate(actors)}
    for j, party in enumerate(space.parties):
        out[:, where[party.name]] += result.utility[:, j] - space.disagreement[:, j]
    return out


def linked(agreed: np.ndarray, track_ids: tuple[str, ...], links: list[tuple[str, str]]) -> np.ndarray:
    """(D, T): a track linked to another counts only where that one is agreed too (followed
    through chains of links until nothing changes)."""
    out = agreed.copy()
    pos = {t: k for k, t in enumerate(track_ids)}
    pairs = [(pos[a], pos[b]) for a, b in links if a in pos and b in pos]
    for _ in range(len(pairs) + 1):
        before = out.copy()
        for a, b in pairs:
            out[:, a] &= out[:, b]
        if np.array_equal(before, out):
            break
    return out


def sequential(order: Sequence[str | tuple[str, ...]], spaces: dict[str, Preferences],
               parallel: dict[str, TrackDraws], penalty: np.ndarray, trust: np.ndarray | None = None,
               threads: int = 1, progress: ProgressCallback | None = None) -> dict[str, TrackDraws]:
    """Tracks in ``order``; before each, every earlier failure raises each participant's
    reservation value by ``penalty`` (D,) times its utility range on that track, and every earlier
    agreement lowers it by ``trust`` (D,) times that range (the trust that success builds), never
    below what no deal gives the party: trust lowers demands, it does not make a party accept a
    loss against no deal. An item of ``order`` may be a stage, a tuple of tracks negotiated in
    parallel with each other: only earlier stages move their bar. Tracks outside the order are
    negotiated on their own, as in parallel."""
    trust = np.zeros_like(penalty) if trust is None else trust
    failures, successes = np.zeros(penalty.shape[0]), np.zeros(penalty.shape[0])
    out = dict(parallel)
    for stage in order:
        c = penalty * failures - trust * successes
        done = [(t, _after(spaces[t], parallel[t], c, threads, progress))
                for t in ((stage,) if isinstance(stage, str) else stage) if t in spaces]
        for track_id, result in done:
            out[track_id] = result
            failures += ~result.agreed
            successes += result.agreed
    return out


def _after(space: Preferences, alone: TrackDraws, c: np.ndarray, threads: int,
           progress: ProgressCallback | None = None) -> TrackDraws:
    """A track's result once each reservation value has moved by ``c`` (D,) times its range."""
    if not np.any(c != 0):
        return alone
    if np.all(c >= 0) and _uniform_shift(space):
        return _raised_bar(alone, space, c)
    return solve_batch(space.raised(_shift(space, c)), threads, progress)


def _shift(space: Preferences, c: np.ndarray) -> np.ndarray:
    """(D, A) the change of each reservation value: ``c`` (D,) times the party's range, a fall
    stopping at the party's no-deal utility (or at its reservation value, if that is lower)."""
    shift = c[:, None] * (space.u_max - space.u_min)
    floor = np.minimum(space.reservation, space.disagreement)
    lowered = np.maximum(space.reservation + shift, floor) - space.reservation
    return np.where(shift < 0, lowered, shift)


def _uniform_shift(space: Preferences) -> bool:
    """Raising every reservation by the same share c of its range lowers every normalised gain by
    c; under unanimity with the veto players bargaining, the compromise stays the same outcome
    and passes exactly when its smallest gain is at least c (no need to walk the space again)."""
    if space.rule.kind != "unanimity" or not space.veto.any():
        return False
    return bool(np.all((space.u_max - space.u_min)[:, space.veto] > 0))


def _raised_bar(parallel: TrackDraws, space: Preferences, c: np.ndarray) -> TrackDraws:
    keep = parallel.agreed & (parallel.level >= c - 1e-9)
    return TrackDraws(keep, parallel.n_pass, np.where(keep[:, None], parallel.choice, -1),
                      np.where(keep[:, None], parallel.utility, space.disagreement), parallel.level)


@dataclass(frozen=True)
class DesignDraws:
    """One design on a block of draws: tracks agreed (D, T), each actor's raw gain on each track
    (D, T, A; 0 where the track is not agreed) and each track's deal (value index per issue,
    -1 where the track is not agreed)."""

    agreed: np.ndarray
    gain: np.ndarray
    choice: dict[str, np.ndarray]

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        out = {f"{name}.agreed": self.agreed, f"{name}.gain": self.gain}
        out.update({f"{name}.choice.{t}": c for t, c in self.choice.items()})
        return out


def per_track(spaces: dict[str, Preferences], results: dict[str, TrackDraws], actors: tuple[str, ...]
              ) -> DesignDraws:
    """A design whose tracks are negotiated each on its own (parallel or in a sequence)."""
    agreed = np.column_stack([results[t].agreed for t in spaces])
    gain = np.stack([track_gains(spaces[t], results[t], actors) * results[t].agreed[:, None]
                     for t in spaces], axis=1)
    choice = {t: np.where(results[t].agreed[:, None], results[t].choice, -1) for t in spaces}
    return DesignDraws(agreed, gain, choice)


def bundled(spaces: dict[str, Preferences], parallel: DesignDraws, bundle: tuple[str, ...],
            actors: tuple[str, ...], time_limit: float = 60.0,
            threads: int = 1, progress: ProgressCallback | None = None) -> tuple[DesignDraws, np.ndarray]:
    """One package over the tracks in ``bundle``, the other tracks negotiated in parallel beside
    it: the tracks left out do not constrain the package (their veto players and red lines bind
    only their own track). A bundled track counts as agreed where the agreed package changes
    something on it. Also returns (D,) whether the package itself is agreed."""
    pkg = solve_package([spaces[t] for t in bundle], actors, time_limit=time_limit, threads=threads,
                        progress=progress)
    return beside(spaces, parallel, bundle, pkg), pkg.agreed


def beside(spaces: dict[str, Preferences], parallel: DesignDraws, bundle: tuple[str, ...],
           pkg: PackageDraws) -> DesignDraws:
    """The package ``pkg`` over the tracks in ``bundle`` with the other tracks as in ``parallel``."""
    ids = tuple(spaces)
    inside = [ids.index(t) for t in bundle]
    agreed, gain = parallel.agreed.copy(), parallel.gain.copy()
    agreed[:, inside] = pkg.agreed[:, None] & pkg.moved
    gain[:, inside] = pkg.gain * agreed[:, inside, None]
    choice = dict(parallel.choice)
    start = 0
    for k, t in zip(inside, bundle, strict=True):
        n = len(spaces[t].sizes)
        choice[t] = np.where(agreed[:, k, None], pkg.choice[:, start:start + n], -1)
        start += n
    return DesignDraws(agreed, gain, choice)


def actor_span(spaces: dict[str, Preferences], actors: tuple[str, ...]) -> np.ndarray:
    """(D, A) each actor's utility range summed over every track (what gains are shares of)."""
    where = {a: k for k, a in enumerate(actors)}
    out = np.zeros((next(iter(spaces.values())).draws, len(actors)))
    for s in spaces.values():
        out[:, [where[p.name] for p in s.parties]] += s.u_max - s.u_min
    return out
