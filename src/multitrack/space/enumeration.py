"""Walk a track's whole outcome space in chunks: utilities and red-line masks of every
participant for up to ``chunk_size`` outcomes at a time, computed by broadcasting.

The trailing issues form an inner block whose utilities are computed once; each chunk adds
the utilities of a batch of leading-issue combinations to it. Memory stays bounded by the
chunk size whatever the size of the space. Red lines conditional on another issue of the track
(joint constraints on two issues) are checked on each chunk's outcomes after the broadcast.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .track_space import TrackSpace

DEFAULT_CHUNK = 1 << 20


@dataclass(frozen=True)
class Chunk:
    """Outcomes ``start .. start + size - 1`` (row-major flat indices over the issues)."""

    start: int
    utility: np.ndarray  # (n_actors, size) raw points
    allowed: np.ndarray  # (n_actors, size) red lines kept

    @property
    def size(self) -> int:
        return self.utility.shape[1]


def _block(tables, masks, n_actors: int) -> tuple[np.ndarray, np.ndarray]:
    u = np.zeros((n_actors, 1))
    m = np.ones((n_actors, 1), dtype=bool)
    for t, a in zip(tables, masks, strict=True):
        u = (u[:, :, None] + t[:, None, :]).reshape(n_actors, -1)
        m = (m[:, :, None] & a[:, None, :]).reshape(n_actors, -1)
    return u, m


def iter_chunks(space: TrackSpace, chunk_size: int = DEFAULT_CHUNK) -> Iterator[Chunk]:
    """Every outcome of the space, in order, as chunks of at most about ``chunk_size``."""
    shape = space.shape
    split = len(shape)
    inner = 1
    while split > 0 and inner * shape[split - 1] <= chunk_size:
        split -= 1
        inner *= shape[split]
    if split == len(shape):  # even the last issue alone exceeds the chunk: take it whole
        split -= 1
        inner = shape[split]
    u_in, m_in = _block(space.tables[split:], space.allowed[split:], space.n_actors)
    outer_shape = shape[:split]
    n_outer = math.prod(outer_shape)
    batch = max(1, chunk_size // inner)
    for start in range(0, n_outer, batch):
        stop = min(n_outer, start + batch)
        idx = np.unravel_index(np.arange(start, stop), outer_shape) if outer_shape else ()
        u_out = np.zeros((space.n_actors, stop - start))
        m_out = np.ones((space.n_actors, stop - start), dtype=bool)
        for i, ix in enumerate(idx):
            u_out += space.tables[i][:, ix]
            m_out &= space.allowed[i][:, ix]
        u = (u_out[:, :, None] + u_in[:, None, :]).reshape(space.n_actors, -1)
        m = (m_out[:, :, None] & m_in[:, None, :]).reshape(space.n_actors, -1)
        if space.joint:
            m &= joint_mask(space, start * inner + np.arange(m.shape[1], dtype=np.int64))
        yield Chunk(start * inner, u, m)


def joint_mask(space: TrackSpace, flat: np.ndarray) -> np.ndarray:
    """(n_actors, m) whether outcomes (flat numbers) keep the joint red lines in force: a red
    line conditional on another issue of the track ties two issues, so it is checked outcome by
    outcome (vectorised over the chunk) rather than through the per-issue masks."""
    strides = np.cumprod((1,) + space.shape[:0:-1])[::-1]
    needed = {i for k, _ in space.joint for i in (space.red_lines[k].issue, space.red_lines[k].when_issue)}
    index = np.zeros((flat.size, len(space.shape)), dtype=np.int64)
    for i in needed:
        index[:, i] = (flat // strides[i]) % space.shape[i]
    return space.joint_ok(index)


def unravel(space: TrackSpace, flat: np.ndarray) -> np.ndarray:
    """Value indices (m, n_issues) of flat outcome numbers."""
    return np.stack(np.unravel_index(np.asarray(flat, dtype=np.int64), space.shape), axis=1)
