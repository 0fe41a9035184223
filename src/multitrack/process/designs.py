"""The four process designs on one chunk of draws: parallel, linked, sequential, single package.

All four read the same draws (common random numbers), so their differences are paired.
"""

from __future__ import annotations

import numpy as np

from ..scenario.model import Scenario
from .batch_space import BatchSpace
from .kernel import TrackDraws, solve_batch


def track_gains(space: BatchSpace, result: TrackDraws, actors: tuple[str, ...]) -> np.ndarray:
    """(D, n_actors): each actor's raw gain over the status quo on this track (0 off the table)."""
    out = np.zeros((space.draws, len(actors)))
    where = {a: k for k, a in enumerate(actors)}
    for j, party in enumerate(space.parties):
        out[:, where[party.name]] += result.utility[:, j] - space.sq_utility[:, j]
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


def sequential(scenario: Scenario, spaces: dict[str, BatchSpace], parallel: dict[str, TrackDraws],
               penalty: np.ndarray) -> dict[str, TrackDraws]:
    """Tracks in the declared order; before each, every earlier failure raises each participant's
    reservation value by ``penalty`` (D,) times its utility range on that track. Tracks outside
    the sequence are negotiated on their own, as in the parallel design."""
    order = scenario.process.sequence or [t.id for t in scenario.active_tracks]
    failures = np.zeros(penalty.shape[0])
    out = dict(parallel)
    for track_id in order:
        if track_id not in spaces:
            continue
        space = spaces[track_id]
        shift = (penalty * failures)[:, None] * (space.u_max - space.u_min)
        result = solve_batch(space.raised(shift)) if np.any(shift > 0) else parallel[track_id]
        out[track_id] = result
        failures += ~result.agreed
    return out
