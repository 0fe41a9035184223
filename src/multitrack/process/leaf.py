"""The compromise rule at one outcome, shared by the compiled kernels (:mod:`.kernel` and
:mod:`.kernel_blocks`) so that both take exactly the same arithmetic: each bargainer's gain over
its reservation value in units of its utility range, the smallest of them (the egalitarian level,
Kalai 1977) and their sum, and whether someone gains more than the float tolerance; an outcome
beats the best so far when its level is higher by more than 1e-12, or equal within 1e-12 with a
larger total (ties beyond that go to the outcome seen first)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def gains(part, row, reservation, inv_span, tol, bargain):
    """(smallest normalised gain, sum of the gains, someone gains beyond tolerance) at the outcome
    whose raw utilities are ``part[row]``."""
    g_min, g_sum, improves = np.inf, 0.0, False
    for a in range(bargain.shape[0]):
        if bargain[a]:
            g = (part[row, a] - reservation[a]) * inv_span[a]
            if g < g_min:
                g_min = g
            g_sum += g
            if part[row, a] - reservation[a] > tol[a]:
                improves = True
    return g_min, g_sum, improves


@njit(cache=True, nogil=True, inline="always")
def beats(g_min, g_sum, best_min, best_sum):
    """Whether an outcome with level ``g_min`` and total ``g_sum`` replaces the best so far."""
    return g_min > best_min + 1e-12 or (g_min > best_min - 1e-12 and g_sum > best_sum + 1e-12)


@njit(cache=True, nogil=True, inline="always")
def keep(choice, utility, d, vals, digit, part, i_n):
    """Record the outcome under the odometer ``digit`` as draw ``d``'s best so far: its value index
    per issue and its raw utilities (row ``i_n`` of the partial sums)."""
    for j in range(i_n):
        choice[d, j] = vals[j, digit[j]]
    for a in range(utility.shape[1]):
        utility[d, a] = part[i_n, a]


@njit(cache=True, nogil=True, inline="always")
def advance(digit, counts, k):
    """Turn the odometer on from position ``k``: the deepest position that moved (-1: the walk is over)."""
    while k >= 0:
        digit[k] += 1
        if digit[k] < counts[k]:
            return k
        k -= 1
    return k
