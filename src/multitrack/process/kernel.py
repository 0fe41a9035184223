"""Every outcome of a track, for every draw, in compiled code: who accepts, whether the forum's
rule is met, and the egalitarian compromise (Kalai 1977, "Proportional solutions to bargaining
situations", Econometrica 45: the outcome that maximises the smallest normalised gain over
reservation among the bargainers; ties go to the larger total gain, then the first outcome).

The outcomes are walked like an odometer, keeping partial sums per issue, so each outcome
costs O(parties) rather than O(parties x issues); values a veto player's red lines forbid are
skipped before the walk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .batch_space import RULE_QUALIFIED, RULE_WEIGHTED, BatchSpace


@dataclass(frozen=True)
class TrackDraws:
    """Per draw: agreed or not, outcomes passing the rule, the compromise and its utilities."""

    agreed: np.ndarray     # (D,) bool: an outcome passes the rule and some bargainer gains
    n_pass: np.ndarray     # (D,) outcomes passing the rule (the win-set)
    choice: np.ndarray     # (D, I) value index per issue of the compromise (-1: none)
    utility: np.ndarray    # (D, A) raw utilities at the compromise (status quo where not agreed)


def solve_batch(space: BatchSpace) -> TrackDraws:
    """Evaluate ``space`` in every draw."""
    lo, hi = space.u_min, space.u_max
    span = np.where(hi > lo, hi - lo, 1.0)
    tol = 1e-9 * np.maximum(np.maximum(np.abs(lo), np.abs(hi)), 1.0)
    bargain = space.veto.copy() if space.veto.any() else np.ones(len(space.parties), dtype=bool)
    agreed, n_pass, choice, utility = _solve(
        np.ascontiguousarray(space.tables), np.ascontiguousarray(space.allowed), space.sizes,
        space.reservation, tol, space.veto, bargain, space.rule, space.min_count, space.weights,
        space.threshold, span)
    utility = np.where(agreed[:, None], utility, space.sq_utility)
    return TrackDraws(agreed, n_pass, choice, utility)


@njit(cache=True, nogil=True)
def _solve(tables, allowed, sizes, reservation, tol, veto, bargain, rule, min_count, weights,
           threshold, span):  # pragma: no cover - compiled
    d_n, a_n, i_n, v_n = tables.shape
    agreed = np.zeros(d_n, dtype=np.bool_)
    n_pass = np.zeros(d_n, dtype=np.int64)
    choice = np.full((d_n, i_n), -1, dtype=np.int64)
    utility = np.zeros((d_n, a_n))
    for d in range(d_n):
        vals, counts = _vetted_values(allowed[d], sizes, veto)
        if counts.min() == 0:
            continue
        n_pass[d], agreed[d] = _walk(tables[d], allowed[d], vals, counts, reservation[d], tol[d], veto,
                                     bargain, rule, min_count, weights, threshold, span[d],
                                     choice[d], utility[d])
    return agreed, n_pass, choice, utility


@njit(cache=True, nogil=True)
def _vetted_values(allowed, sizes, veto):  # pragma: no cover - compiled
    """Per issue, the values no veto player's red line forbids."""
    i_n = sizes.shape[0]
    vals = np.zeros((i_n, allowed.shape[2]), dtype=np.int64)
    counts = np.zeros(i_n, dtype=np.int64)
    for i in range(i_n):
        for v in range(sizes[i]):
            ok = True
            for a in range(allowed.shape[0]):
                if veto[a] and not allowed[a, i, v]:
                    ok = False
                    break
            if ok:
                vals[i, counts[i]] = v
                counts[i] += 1
    return vals, counts


@njit(cache=True, nogil=True)
def _walk(t, allowed, vals, counts, r, tol, veto, bargain, rule, min_count, weights, threshold, span,
          best_idx, best_u):  # pragma: no cover - compiled
    a_n = t.shape[0]
    i_n = counts.shape[0]
    suffix = np.zeros((i_n + 1, a_n))       # best utility a veto player can still add from issue k on
    for k in range(i_n - 1, -1, -1):
        for a in range(a_n):
            top = -np.inf
            for j in range(counts[k]):
                top = max(top, t[a, k, vals[k, j]])
            suffix[k, a] = suffix[k + 1, a] + top
    inv_span = 1.0 / span
    digit = np.zeros(i_n, dtype=np.int64)
    part = np.zeros((i_n + 1, a_n))         # part[k]: utility over issues < k
    okp = np.ones((i_n + 1, a_n), dtype=np.bool_)
    n_pass = 0
    improving = False
    best_min, best_sum = -np.inf, -np.inf
    k = 0
    while True:
        v = vals[k, digit[k]]
        reachable = True
        for a in range(a_n):
            part[k + 1, a] = part[k, a] + t[a, k, v]
            okp[k + 1, a] = okp[k, a] and allowed[a, k, v]
            if veto[a] and part[k + 1, a] + suffix[k + 1, a] < r[a] - tol[a]:
                reachable = False  # no completion can satisfy this veto player: skip the subtree
        if reachable and k < i_n - 1:
            k += 1
            digit[k] = 0
            continue
        if reachable:
            passed = True
            count, weight = 0, 0.0
            for a in range(a_n):
                if okp[i_n, a] and part[i_n, a] >= r[a] - tol[a]:
                    count += 1
                    weight += weights[a]
                elif veto[a]:
                    passed = False
                    break
            if passed and rule == RULE_QUALIFIED and count < min_count:
                passed = False
            if passed and rule == RULE_WEIGHTED and weight < threshold - 1e-12:
                passed = False
            if passed:
                n_pass += 1
                g_min, g_sum = np.inf, 0.0
                for a in range(a_n):
                    if bargain[a]:
                        g = (part[i_n, a] - r[a]) * inv_span[a]
                        if g < g_min:
                            g_min = g
                        g_sum += g
                        if part[i_n, a] - r[a] > tol[a]:
                            improving = True
                if g_min > best_min + 1e-12 or (g_min > best_min - 1e-12 and g_sum > best_sum + 1e-12):
                    best_min, best_sum = g_min, g_sum
                    for j in range(i_n):
                        best_idx[j] = vals[j, digit[j]]
                    for a in range(a_n):
                        best_u[a] = part[i_n, a]
        while k >= 0:
            digit[k] += 1
            if digit[k] < counts[k]:
                break
            k -= 1
        if k < 0:
            break
    return n_pass, improving
