"""Input checking shared by the forecast models: one issue or a batch of issues, NaN = no position."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Batch:
    """Model inputs as (n_rows, n_actors) arrays; ``valid`` marks actors with a position.

    Positions, saliences and capabilities of invalid actors are replaced by 0 so that array
    arithmetic never meets a NaN; ``weight`` is capability x salience, 0 where invalid.
    """

    positions: np.ndarray
    saliences: np.ndarray
    capabilities: np.ndarray
    valid: np.ndarray
    status_quo: np.ndarray  # (n_rows,), NaN where unknown
    single: bool  # the caller gave one issue: return a scalar

    @property
    def weight(self) -> np.ndarray:
        return self.capabilities * self.saliences


def prepare(positions, saliences, capabilities, status_quo=None) -> Batch:
    """Broadcast and check the arrays of one issue (n,) or many (rows, n).

    Raises ValueError for shapes that do not fit, negative capabilities or saliences, or a
    salience/capability missing where a position is given.
    """
    p = np.asarray(positions, dtype=float)
    single = p.ndim == 1
    p = np.atleast_2d(p)
    if p.ndim != 2:
        raise ValueError(f"positions must have shape (n_actors,) or (n_rows, n_actors), not {p.shape}")
    try:
        s = np.broadcast_to(np.asarray(saliences, dtype=float), p.shape)
        c = np.broadcast_to(np.asarray(capabilities, dtype=float), p.shape)
    except ValueError:
        raise ValueError(f"saliences {np.shape(saliences)} and capabilities {np.shape(capabilities)} "
                         f"do not fit positions {p.shape}") from None
    valid = ~np.isnan(p)
    if np.any(valid & (np.isnan(s) | np.isnan(c))):
        raise ValueError("an actor with a position has no salience or no capability")
    if np.any(valid & ((s < 0) | (c < 0))):
        raise ValueError("saliences and capabilities must not be negative")
    if np.any(valid & ~np.isfinite(p)):
        raise ValueError("positions must be finite numbers (NaN marks an actor without a position)")
    if status_quo is None:
        sq = np.full(p.shape[0], np.nan)
    else:
        sq = np.broadcast_to(np.asarray(status_quo, dtype=float), (p.shape[0],)).copy()
    return Batch(positions=np.where(valid, p, 0.0), saliences=np.where(valid, s, 0.0),
                 capabilities=np.where(valid, c, 0.0), valid=valid, status_quo=sq, single=single)


def finish(values: np.ndarray, batch: Batch):
    """A float for one issue, else the (n_rows,) array."""
    return float(values[0]) if batch.single else values


def position_range(batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: lowest and highest position among valid actors and their distance (NaN if none)."""
    hi = np.where(batch.valid, batch.positions, -np.inf).max(axis=1)
    lo = np.where(batch.valid, batch.positions, np.inf).min(axis=1)
    empty = ~batch.valid.any(axis=1)
    lo = np.where(empty, np.nan, lo)
    hi = np.where(empty, np.nan, hi)
    return lo, hi, hi - lo
