"""Per-DM state graphs of a conflict: unilateral moves and unilateral improvements.

Fang, Hipel & Kilgour (1993): DM i's unilateral moves from s change only i's
options, respecting irreversibility; an improvement moves to a state i strictly prefers.
A DM cannot move to or from a state it misperceives (hypergame data, as GMCR+ applies it),
so every solution concept and the status quo analysis built on these graphs respect it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from multitrack.scenario.option_form import ConflictModel, ConflictSizeError, subsets

MAX_MOVE_CANDIDATES = 2**26  # (state, option combination) pairs examined for one DM
_CHUNK = 1 << 22             # pairs examined at a time


def _edges(model: ConflictModel, dm: int) -> tuple[np.ndarray, np.ndarray]:
    """Source and target indices of DM `dm`'s unilateral moves, vectorised over states
    (in chunks of states, so memory stays bounded)."""
    mask = model.dm_mask(dm)
    subs = subsets(mask)
    total = model.n_states * len(subs)
    if total > MAX_MOVE_CANDIDATES:
        raise ConflictSizeError(f"decision maker {model.dm_names[dm]!r} controls "
                                f"{len(subs).bit_length() - 1} options: {model.n_states:,} states x "
                                f"{len(subs):,} option combinations = {total:,} candidate moves, more than "
                                f"the limit of {MAX_MOVE_CANDIDATES:,}")
    blocked = None if model.misperceived is None else model.misperceived[:, dm]
    step = max(1, _CHUNK // len(subs))
    rows_out, cols_out = [], []
    for start in range(0, model.n_states, step):
        src_code = model.codes[start:start + step, None]
        dst_code = (src_code & ~np.int64(mask)) | subs[None, :]
        dst = model.index_of_code[dst_code].astype(np.int64)
        ok = (dst >= 0) & (dst_code != src_code)
        ok &= (src_code & ~dst_code & model.forward_only) == 0  # a forward-only option stays taken
        ok &= (~src_code & dst_code & model.backward_only) == 0  # a backward-only one stays off
        rows = np.broadcast_to(np.arange(start, start + len(src_code))[:, None], dst.shape)
        if blocked is not None:  # no move from or to a state the DM misperceives
            ok &= ~blocked[rows] & ~blocked[np.where(ok, dst, 0)]
        rows_out.append(rows[ok])
        cols_out.append(dst[ok])
    if not rows_out:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows_out), np.concatenate(cols_out)


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
