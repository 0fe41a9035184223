"""The four process designs on one chunk of draws: parallel, linked, sequential, single package.

All four read the same draws (common random numbers), so their differences are paired.
"""

from __future__ import annotations

import numpy as np

from ..scenario.model import Scenario
from ..settlement.preferences import Preferences
from .kernel import TrackDraws, solve_batch


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


def sequential(scenario: Scenario, spaces: dict[str, Preferences], parallel: dict[str, TrackDraws],
               penalty: np.ndarray, threads: int = 1) -> dict[str, TrackDraws]:
    """Tracks in the declared order; before each, every earlier failure raises each participant's
    reservation value by ``penalty`` (D,) times its utility range on that track. Tracks outside
    the sequence are negotiated on their own, as in the parallel design."""
    order = scenario.process.sequence or [t.id for t in scenario.active_tracks]
    failures = np.zeros(penalty.shape[0])
    out = dict(parallel)
    for track_id in order:
        if track_id not in spaces:
            continue
        space, c = spaces[track_id], penalty * failures
        if not np.any(c > 0):
            result = parallel[track_id]
        elif _uniform_shift(space):
            result = _raised_bar(parallel[track_id], space, c)
        else:
            result = solve_batch(space.raised(c[:, None] * (space.u_max - space.u_min)), threads)
        out[track_id] = result
        failures += ~result.agreed
    return out


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
