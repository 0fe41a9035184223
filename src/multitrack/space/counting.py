"""Exact counts over a whole outcome space, by chunked enumeration."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..progress import ProgressCallback, report
from .acceptance import accepts, no_one_below_baseline, rule_met, tolerance
from .enumeration import DEFAULT_CHUNK, iter_chunks
from .track_space import TrackSpace


@dataclass(frozen=True)
class SpaceCounts:
    """How many outcomes each actor accepts, how many pass the rule, and how many of those
    leave no participant below its status quo (its disagreement point on a track without one)."""

    n_outcomes: int
    accepted_by: tuple[int, ...]   # per participant
    n_agreeable: int               # pass the decision rule
    n_improving: int               # ... and give some bargainer more than its reservation value
    n_indivisible: int             # ... and leave no participant below its baseline


def count_space(space: TrackSpace, *, chunk_size: int = DEFAULT_CHUNK, reservation: np.ndarray | None = None,
                progress: ProgressCallback | None = None, task: str = "counting") -> SpaceCounts:
    accepted_by = np.zeros(space.n_actors, dtype=np.int64)
    agreeable = improving = indivisible = 0
    r = space.reservation if reservation is None else reservation
    tol = tolerance(space)[list(space.bargainers), None]
    total = space.size
    for chunk in iter_chunks(space, chunk_size):
        acc = accepts(space, chunk.utility, chunk.allowed, r)
        accepted_by += acc.sum(axis=1)
        ok = rule_met(space, acc)
        agreeable += int(ok.sum())
        gains = chunk.utility[list(space.bargainers)] > (r[list(space.bargainers), None] + tol)
        improving += int((ok & gains.any(axis=0)).sum())
        indivisible += int((ok & no_one_below_baseline(space, chunk.utility)).sum())
        report(progress, task, chunk.start + chunk.size, total)
    return SpaceCounts(total, tuple(int(x) for x in accepted_by), agreeable, improving, indivisible)
