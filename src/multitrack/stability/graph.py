"""Per-DM state graphs of a conflict: unilateral moves and unilateral improvements.

Fang, Hipel & Kilgour (1993): DM i's unilateral moves from s change only i's
options, respecting irreversibility; an improvement moves to a state i strictly prefers.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from multitrack.stability.conflict import ConflictModel


def _subsets(mask: int) -> np.ndarray:
    """Every sub-mask of an integer bit mask, as int64 (2**popcount entries)."""
    bits = [1 << k for k in range(mask.bit_length()) if mask >> k & 1]
    subs = np.zeros(1, dtype=np.int64)
    for b in bits:
        subs = np.concatenate([subs, subs | b])
    return subs


def _edges(model: ConflictModel, dm: int) -> tuple[np.ndarray, np.ndarray]:
    """Source and target indices of DM `dm`'s unilateral moves, vectorised over states."""
    mask = model.dm_mask(dm)
    src_code = model.codes[:, None]
    dst_code = (src_code & ~np.int64(mask)) | _subsets(mask)[None, :]
    dst = model.index_of_code[dst_code]
    ok = (dst >= 0) & (dst_code != src_code)
    ok &= (src_code & ~dst_code & model.forward_only) == 0  # a forward-only option stays taken
    ok &= (~src_code & dst_code & model.backward_only) == 0  # a backward-only one stays off
    rows = np.broadcast_to(np.arange(model.n_states)[:, None], dst.shape)
    return rows[ok], dst[ok]


def _csr(model: ConflictModel, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    n = model.n_states
    data = np.ones(len(rows), dtype=bool)
    return sp.csr_matrix((data, (rows, cols)), shape=(n, n), dtype=bool)


def unilateral_moves(model: ConflictModel, dm: int) -> sp.csr_matrix:
    """Boolean CSR adjacency: [s, t] is True when DM `dm` can move from s to t in one step."""
    return _csr(model, *_edges(model, dm))


def unilateral_improvements(model: ConflictModel, dm: int) -> sp.csr_matrix:
    """Boolean CSR adjacency of DM `dm`'s unilateral moves to strictly preferred states."""
    rows, cols = _edges(model, dm)
    better = model.payoff[cols, dm] > model.payoff[rows, dm]
    return _csr(model, rows[better], cols[better])


def move_graphs(model: ConflictModel) -> tuple[tuple[sp.csr_matrix, ...], tuple[sp.csr_matrix, ...]]:
    """All DMs' unilateral-move and unilateral-improvement matrices, cached on the model."""
    if "graphs" not in model._cache:
        moves = tuple(unilateral_moves(model, i) for i in range(model.n_dms))
        improvements = tuple(unilateral_improvements(model, i) for i in range(model.n_dms))
        model._cache["graphs"] = (moves, improvements)
    return model._cache["graphs"]
