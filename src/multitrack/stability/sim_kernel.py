"""Compiled simultaneous-stability (SIM) test: for each unilateral improvement (UI) of a DM,
search the opponents' simultaneous responses (each stays or makes one of its own UIs from
the same state) for a sanction.

SIM after Fraser & Hipel (1984), Conflict Analysis: Models and Resolutions, North-Holland
(simultaneous sanctioning), in graph form in Fang, Hipel & Kilgour (1993), Interactive
Decision Making, Wiley, and as GMCR II computes it (Fang, Hipel, Kilgour & Peng 2003, IEEE
Trans. SMC-C 33(1)), for any number of DMs. DMs control disjoint options, so the state
that results when several DMs move at once is the option-wise combination of their moves:
the code of i's target with each mover's option changes applied (bitwise XOR of the masks).
A combined state that is infeasible cannot occur, so it is no sanction.

The search is a mixed-radix count over the opponents' response lists per state, with an
early exit at the first sanction: one compiled loop instead of a Python call per state.
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
                if mask != 0 and idx >= 0 and own[idx] <= own[s]:  # a tie is a sanction
                    sanctioned = True
                    break
                k = 0  # advance the mixed-radix counter over (stay, response 1, ..., response m_k)
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


def _opponent_deltas(codes: np.ndarray, responses: Sequence[sp.csr_matrix]) -> tuple[np.ndarray, np.ndarray]:
    """Per opponent k and state s, the option-change masks of k's responses from s, packed as
    offsets opp_ptr[k, s] .. opp_ptr[k, s + 1] into one flat array."""
    n = len(codes)
    ptr = np.zeros((len(responses), n + 1), dtype=np.int64)
    parts, offset = [], 0
    for k, mv in enumerate(responses):
        rows = np.repeat(np.arange(n), np.diff(mv.indptr))
        parts.append(codes[mv.indices] ^ codes[rows])
        ptr[k] = mv.indptr + offset
        offset += mv.nnz
    flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return ptr, flat.astype(np.int64)


def sim_stable(codes: np.ndarray, index_of_code: np.ndarray, own: np.ndarray,
               ui: sp.csr_matrix, responses: Sequence[sp.csr_matrix]) -> np.ndarray:
    """Boolean vector over states: s is stable for the DM with payoffs `own` and UIs `ui` when
    every UI s -> s1 is met by some simultaneous response from s (each opponent k stays or
    takes one transition of `responses[k]` from s, at least one moves) whose combination
    with s1 is a feasible state the DM does not prefer to s. SIM passes the opponents' UIs."""
    ptr, delta = _opponent_deltas(codes.astype(np.int64), responses)
    return _sim_kernel(codes.astype(np.int64), index_of_code.astype(np.int64), own.astype(np.float64),
                       ui.indptr.astype(np.int64), ui.indices.astype(np.int64), ptr, delta)
