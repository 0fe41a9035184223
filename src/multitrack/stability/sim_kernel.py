"""Compiled simultaneous-stability (SIM) test: for each improvement of a DM, search the
opponents' simultaneous moves (each stays or makes one unilateral move) for a sanction.

SIM after Fang, Hipel & Kilgour (1993), Interactive Decision Making, Wiley, generalised to
n DMs. The search is a mixed-radix count over the opponents' move lists per state, with an
early exit at the first sanction; one compiled loop instead of a Python call per state.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numba import njit


@njit(cache=True)
def _sim_kernel(codes, index_of_code, own, ui_ptr, ui_idx, opp_ptr, opp_delta):  # pragma: no cover
    n_states = codes.shape[0]
    n_opp = opp_ptr.shape[0]
    stable = np.ones(n_states, dtype=np.bool_)
    digit = np.zeros(n_opp, dtype=np.int64)
    for s in range(n_states):
        for u in range(ui_ptr[s], ui_ptr[s + 1]):
            base = codes[ui_idx[u]]
            sanctioned = False
            digit[:] = 0
            while True:
                mask = 0
                for k in range(n_opp):
                    if digit[k] > 0:
                        mask |= opp_delta[opp_ptr[k, s] + digit[k] - 1]
                idx = index_of_code[base ^ mask]
                if mask != 0 and idx >= 0 and own[idx] <= own[s]:
                    sanctioned = True
                    break
                k = 0  # advance the mixed-radix counter over (stay, move 1, ..., move m_k)
                while k < n_opp:
                    digit[k] += 1
                    if digit[k] <= opp_ptr[k, s + 1] - opp_ptr[k, s]:
                        break
                    digit[k] = 0
                    k += 1
                if k == n_opp:
                    break
            if not sanctioned:
                stable[s] = False
                break
    return stable


def _opponent_deltas(codes: np.ndarray, moves: Sequence[sp.csr_matrix]) -> tuple[np.ndarray, np.ndarray]:
    """Per opponent k and state s, the option-change masks of k's moves from s, packed as
    offsets opp_ptr[k, s] .. opp_ptr[k, s + 1] into one flat array."""
    n = len(codes)
    ptr = np.zeros((len(moves), n + 1), dtype=np.int64)
    parts, offset = [], 0
    for k, mv in enumerate(moves):
        rows = np.repeat(np.arange(n), np.diff(mv.indptr))
        parts.append(codes[mv.indices] ^ codes[rows])
        ptr[k] = mv.indptr + offset
        offset += mv.nnz
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return ptr, flat.astype(np.int64)


def sim_stable(codes: np.ndarray, index_of_code: np.ndarray, own: np.ndarray,
               ui: sp.csr_matrix, opponent_moves: Sequence[sp.csr_matrix]) -> np.ndarray:
    """Boolean vector over states: SIM-stable for the DM whose improvements are `ui`."""
    ptr, delta = _opponent_deltas(codes.astype(np.int64), opponent_moves)
    return _sim_kernel(codes.astype(np.int64), index_of_code.astype(np.int64), own.astype(np.float64),
                       ui.indptr.astype(np.int64), ui.indices.astype(np.int64), ptr, delta)
