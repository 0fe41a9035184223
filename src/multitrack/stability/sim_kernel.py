"""Compiled simultaneous-stability (SIM) test: for each unilateral improvement (UI) of a DM,
search the opponents' simultaneous responses (each stays or makes one of its own UIs from
the same state) for a sanction.

SIM after Fraser & Hipel (1984), Conflict Analysis: Models and Resolutions, North-Holland
(simultaneous sanctioning), in graph form in Fang, Hipel & Kilgour (1993), Interactive
Decision Making, Wiley, and as GMCR II computes it (Fang, Hipel, Kilgour & Peng 2003, IEEE
Trans. SMC-C 33(1)), for any number of DMs. DMs control disjoint options, so the state
that results when several DMs move at once is the option-wise combination of their moves:
the code of i's target with the movers' option changes applied (XOR with their union).
A combined state that is infeasible cannot occur, so it is no sanction.

The search is a depth-first walk over the opponents' responses per state (one opponent per
level), with an early exit at the first sanction: one compiled loop instead of a Python call
per state. Proving a UI unsanctioned means walking every combination, so the walk prunes a
branch when no state it could still end in is a sanction: `bound[L][c & ~M]` is the lowest
payoff over every feasible state that agrees with c outside M, the options the opponents from
level L on can change (branch and bound; the bound only skips branches, so the verdicts are
those of the full walk).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numba import njit

MAX_BOUND_ENTRIES = 1 << 24  # payoff bounds kept for the pruning (levels x option combinations)


@njit(cache=True)
def _bounds(own_code, level_masks, use):  # pragma: no cover
    """bound[L, x]: min of own_code over the codes c with c & ~level_masks[L] == x (+inf if none)."""
    n_levels = level_masks.shape[0]
    size = own_code.shape[0] if use else 1
    out = np.full((n_levels, size), np.inf)
    if not use:
        out[:, :] = -np.inf
        return out
    for c in range(size):
        v = own_code[c]
        if v == v:  # feasible (not NaN)
            for lev in range(n_levels):
                x = c & ~level_masks[lev]
                if v < out[lev, x]:
                    out[lev, x] = v
    return out


@njit(cache=True)
def _sim_kernel(codes, own, own_code, ui_lo, ui_hi, ui_idx, n_opp, opp_lo, opp_hi, opp_idx, bound, rest,
                use):  # pragma: no cover
    n_states = codes.shape[0]
    stable = np.ones(n_states, dtype=np.bool_)
    width = 1
    for k in range(n_opp):
        width = max(width, np.max(opp_hi[k] - opp_lo[k]) + 1 if n_states else 1)
    delta = np.zeros((max(n_opp, 1), width), dtype=np.int64)  # per level: stay (0), then each response
    count = np.zeros(max(n_opp, 1), dtype=np.int64)
    digit = np.zeros(n_opp + 1, dtype=np.int64)
    cur = np.zeros(n_opp + 1, dtype=np.int64)
    for s in range(n_states):
        if ui_lo[s] == ui_hi[s]:
            continue
        code = codes[s]
        limit = own[s]
        for k in range(n_opp):
            lo = opp_lo[k][s]
            idx = opp_idx[k]
            count[k] = opp_hi[k][s] - lo + 1
            for e in range(lo, opp_hi[k][s]):
                delta[k, e - lo + 1] = codes[idx[e]] ^ code
        for u in range(ui_lo[s], ui_hi[s]):
            base = codes[ui_idx[u]]
            sanctioned = False
            if n_opp > 0 and (not use or bound[0, base & ~rest[0]] <= limit):
                level = 0
                cur[0] = 0  # option changes of the opponents chosen above this level (OR)
                digit[0] = -1
                while level >= 0:
                    digit[level] += 1
                    if digit[level] >= count[level]:
                        level -= 1
                        continue
                    mask = cur[level] | delta[level, digit[level]]
                    if level == n_opp - 1:
                        if mask != 0 and own_code[base ^ mask] <= limit:  # a tie sanctions; NaN never
                            sanctioned = True
                            break
                        continue
                    if use and bound[level + 1, (base ^ mask) & ~rest[level + 1]] > limit:
                        continue  # nothing below this branch can sanction
                    level += 1
                    cur[level] = mask
                    digit[level] = -1
            if not sanctioned:
                stable[s] = False
                break
    return stable


Ranges = tuple[np.ndarray, np.ndarray, np.ndarray]  # (lo, hi, idx): state s's list is idx[lo[s]:hi[s]]


def _csr_ranges(indptr: np.ndarray, indices: np.ndarray) -> Ranges:
    indptr = np.asarray(indptr, dtype=np.int64)
    return indptr[:-1], indptr[1:], np.asarray(indices, dtype=np.int64)


def _delta_masks(codes: np.ndarray, responses: Sequence[Ranges]) -> np.ndarray:
    """rest[L]: every option some response of the opponents L, L+1, ... can change."""
    masks = []
    for lo, hi, idx in responses:
        counts = hi - lo
        rows = np.repeat(np.arange(len(codes)), counts)
        first = np.repeat(lo - (np.cumsum(counts) - counts), counts)  # edge k of the list -> idx position
        pos = np.arange(int(counts.sum())) + first
        masks.append(int(np.bitwise_or.reduce(codes[idx[pos]] ^ codes[rows])) if len(pos) else 0)
    rest = np.zeros(len(responses), dtype=np.int64)
    acc = 0
    for level in range(len(responses) - 1, -1, -1):
        acc |= masks[level]
        rest[level] = acc
    return rest


def sim_stable_ranges(codes: np.ndarray, index_of_code: np.ndarray, own: np.ndarray, ui: Ranges,
                      responses: Sequence[Ranges], rest: np.ndarray | None = None) -> np.ndarray:
    """`sim_stable` with each list given as ranges (lo, hi, idx): the UIs of s are
    idx[lo[s]:hi[s]] (CSR rows, or fibers). `rest` may be passed when known (see `_delta_masks`)."""
    codes = np.ascontiguousarray(codes, dtype=np.int64)
    own = np.ascontiguousarray(own, dtype=np.float64)
    index = np.asarray(index_of_code)
    own_code = np.full(len(index), np.nan)
    own_code[codes] = own
    rest = _delta_masks(codes, responses) if rest is None else rest
    use = len(responses) * len(index) <= MAX_BOUND_ENTRIES
    bound = _bounds(own_code, rest, use)
    empty = np.zeros(0, dtype=np.int64)  # a lone DM: one unread placeholder, so the tuples have a type
    lists = tuple(tuple(np.ascontiguousarray(r[k], dtype=np.int64) for r in responses) or (empty,)
                  for k in range(3))
    lo, hi, idx = (np.ascontiguousarray(a, dtype=np.int64) for a in ui)
    return _sim_kernel(codes, own, own_code, lo, hi, idx, len(responses), lists[0], lists[1], lists[2], bound,
                       rest, use)


def sim_stable(codes: np.ndarray, index_of_code: np.ndarray, own: np.ndarray,
               ui: sp.csr_matrix, responses: Sequence[sp.csr_matrix]) -> np.ndarray:
    """Boolean vector over states: s is stable for the DM with payoffs `own` and UIs `ui` when
    every UI s -> s1 is met by some simultaneous response from s (each opponent k stays or
    takes one transition of `responses[k]` from s, at least one moves) whose combination
    with s1 is a feasible state the DM does not prefer to s. SIM passes the opponents' UIs."""
    lists = [_csr_ranges(r.indptr, r.indices) for r in (sp.csr_matrix(m) for m in responses)]
    return sim_stable_ranges(codes, index_of_code, own, _csr_ranges(ui.indptr, ui.indices), lists)
