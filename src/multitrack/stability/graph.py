"""Per-DM state graphs of a conflict: unilateral moves and unilateral improvements.

Fang, Hipel & Kilgour (1993): DM i's unilateral moves from s change only i's
options, respecting irreversibility; an improvement moves to a state i strictly prefers.
A DM cannot move to or from a state it misperceives (hypergame data, as GMCR+ applies it),
so every solution concept and the status quo analysis built on these graphs respect it.

Each DM's moves are enumerated once, by a compiled kernel that writes CSR arrays directly
(`kernels.move_edges`), together with a flag per edge saying whether it is an improvement;
the improvement graph is the flagged part. The arrays are cached on the model.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from multitrack.scenario.option_form import ConflictModel, ConflictSizeError, subsets

MAX_MOVE_CANDIDATES = 2**26  # (state, option combination) pairs examined for one DM


class Edges(NamedTuple):
    """DM's unilateral moves as CSR arrays (row s: indices[indptr[s]:indptr[s + 1]], sorted),
    and `better[e]`: edge e is a unilateral improvement."""

    indptr: np.ndarray
    indices: np.ndarray
    better: np.ndarray


def _check_size(model: ConflictModel, dm: int, n_subsets: int) -> None:
    total = model.n_states * n_subsets
    if total > MAX_MOVE_CANDIDATES:
        raise ConflictSizeError(f"decision maker {model.dm_names[dm]!r} controls "
                                f"{n_subsets.bit_length() - 1} options: {model.n_states:,} states x "
                                f"{n_subsets:,} option combinations = {total:,} candidate moves, more than "
                                f"the limit of {MAX_MOVE_CANDIDATES:,}")


def dm_edges(model: ConflictModel, dm: int) -> Edges:
    """DM `dm`'s unilateral moves and which of them are improvements, computed once per model."""
    cache = model._cache.setdefault("edges", {})
    if dm not in cache:
        from multitrack.stability.kernels import move_edges

        mask = model.dm_mask(dm)
        subs = subsets(mask)
        _check_size(model, dm, len(subs))
        blocked = np.zeros((0, 0), dtype=bool) if model.misperceived is None else model.misperceived
        cache[dm] = Edges(*move_edges(model.codes.astype(np.int64), model.index_of_code.astype(np.int64),
                                      subs, np.int64(mask), np.int64(model.forward_only),
                                      np.int64(model.backward_only), blocked, dm,
                                      np.ascontiguousarray(model.payoff[:, dm], dtype=np.float64)))
    return cache[dm]


def dm_improvements(model: ConflictModel, dm: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR arrays (indptr, indices) of DM `dm`'s unilateral improvements, cached on the model."""
    cache = model._cache.setdefault("improvement_edges", {})
    if dm not in cache:
        from multitrack.stability.kernels import select_edges

        cache[dm] = select_edges(*dm_edges(model, dm))
    return cache[dm]


def _csr(n: int, indptr: np.ndarray, indices: np.ndarray) -> sp.csr_matrix:
    """A boolean scipy CSR matrix over the arrays (32-bit indices, as scipy builds them)."""
    index = np.int32 if len(indices) < 2**31 and n < 2**31 else np.int64
    matrix = sp.csr_matrix((np.ones(len(indices), dtype=bool), indices.astype(index, copy=False),
                            indptr.astype(index)), shape=(n, n))
    matrix.has_sorted_indices = True
    return matrix


def unilateral_moves(model: ConflictModel, dm: int) -> sp.csr_matrix:
    """Boolean CSR adjacency: [s, t] is True when DM `dm` can move from s to t in one step."""
    edges = dm_edges(model, dm)
    return _csr(model.n_states, edges.indptr, edges.indices)


def unilateral_improvements(model: ConflictModel, dm: int) -> sp.csr_matrix:
    """Boolean CSR adjacency of DM `dm`'s unilateral moves to strictly preferred states."""
    return _csr(model.n_states, *dm_improvements(model, dm))


def move_graphs(model: ConflictModel) -> tuple[tuple[sp.csr_matrix, ...], tuple[sp.csr_matrix, ...]]:
    """All DMs' unilateral-move and unilateral-improvement matrices, cached on the model."""
    if "graphs" not in model._cache:
        moves = tuple(unilateral_moves(model, i) for i in range(model.n_dms))
        improvements = tuple(unilateral_improvements(model, i) for i in range(model.n_dms))
        model._cache["graphs"] = (moves, improvements)
    return model._cache["graphs"]


class Fibers(NamedTuple):
    """A DM's moves when it has no irreversible option (see `kernels.fibers`): order[start[f]:
    start[f + 1]] is fiber f, best first; order[lo[s]:hi[s]] are s's unilateral improvements."""

    order: np.ndarray
    start: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def dm_fibers(model: ConflictModel, dm: int) -> Fibers:
    """DM `dm`'s fibers, cached on the model (only for a DM with no irreversible option)."""
    cache = model._cache.setdefault("fibers", {})
    if dm not in cache:
        from multitrack.stability.kernels import fibers

        mask = model.dm_mask(dm)
        if mask & (model.forward_only | model.backward_only):
            raise ValueError(f"decision maker {model.dm_names[dm]!r} has an irreversible option: its moves "
                             "are no fibers")
        blocked = np.zeros((0, 0), dtype=bool) if model.misperceived is None else model.misperceived
        cache[dm] = Fibers(*fibers(model.codes.astype(np.int64), len(model.index_of_code), np.int64(mask),
                                   np.ascontiguousarray(blocked), dm,
                                   np.ascontiguousarray(model.payoff[:, dm], dtype=np.float64)))
    return cache[dm]
