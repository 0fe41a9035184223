"""The process kernel for the common case of a large track: a unanimity rule and no red line
tied to another issue of the track. It gives the same answer as the general walk
(:func:`multitrack.process.kernel._solve`) bit for bit, and skips most of its work.

Under unanimity only the veto players decide (every one of them must accept), and the values
their red lines forbid are dropped before the walk, so an outcome passes exactly when every veto
player's utility reaches its reservation value less the tolerance. The walk here visits the
same prefixes as the general one (every issue but the last, cut where the general walk cuts them,
with the same sums in the same order) and then takes the last issue's values as one block:

* the block passes whole when each veto player's utility with its worst remaining value already
  reaches its threshold, and not at all when its best does not: the count needs no walk;
* the block cannot move the compromise when an upper bound of the smallest normalised gain in
  it does not beat the best so far by the walk's own tie margin: it is not walked.

Both bounds are floating-point sums of the same kind as the ones the walk computes: rounding
is monotone, so ``fl(p + t) <= fl(p + t_max)`` for every value ``t <= t_max``, and likewise for
``(u - r) * (1 / span)``; the shortcuts never change a count or a choice, and every outcome that
can pass or move the compromise is evaluated with exactly the arithmetic of the general walk.
The compromise is the egalitarian one (Kalai 1977, Econometrica 45), ties to the larger total
gain, then the first outcome, as in :mod:`multitrack.process.kernel`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .leaf import advance, beats, keep
from .leaf import gains as outcome_gains

#: Unit roundoff of a float64 sum (2**-52), for the margin that keeps the whole-subtree count
#: clear of the general walk's own cuts (a sum of n terms taken in another order differs from it
#: by at most about n units of the largest partial sum).
_ULP = 2.0 ** -52


@njit(cache=True, nogil=True)
def solve_unanimity(tables, allowed, sizes, reservation, tol, veto, bargain, inv_span,
                    agreed, n_pass, choice, utility, level,
                    vals, counts, suffix, digit, part, lo_i, hi_i, margin,
                    rem):  # pragma: no cover - compiled
    """Fill the outputs (agreed ... level) draw by draw for a unanimity rule without joint red
    lines, using the work arrays (vals ... rem); the same answers as ``kernel._solve``."""
    d_n, a_n, i_n = tables.shape[0], tables.shape[1], tables.shape[2]
    last = i_n - 1
    for d in range(d_n):
        t, al, r, tl, isp = tables[d], allowed[d], reservation[d], tol[d], inv_span[d]
        empty = False
        for i in range(i_n):  # per issue, the values no veto player's red line forbids
            counts[i] = 0
            for v in range(sizes[i]):
                ok = True
                for a in range(a_n):
                    if veto[a] and not al[a, i, v]:
                        ok = False
                        break
                if ok:
                    vals[i, counts[i]] = v
                    counts[i] += 1
            if counts[i] == 0:
                empty = True
        if empty:
            continue
        for a in range(a_n):  # as the general walk: best utility still to come from issue k on
            suffix[i_n, a] = 0.0
        for k in range(i_n - 1, -1, -1):
            for a in range(a_n):
                top = -np.inf
                for j in range(counts[k]):
                    if t[a, k, vals[k, j]] > top:
                        top = t[a, k, vals[k, j]]
                suffix[k, a] = suffix[k + 1, a] + top
        for a in range(a_n):  # each issue's extremes among the values walked, and the margin
            scale = abs(r[a]) + abs(tl[a])
            for k in range(i_n):
                lo, hi = np.inf, -np.inf
                for j in range(counts[k]):
                    x = t[a, k, vals[k, j]]
                    lo = min(lo, x)
                    hi = max(hi, x)
                lo_i[k, a], hi_i[k, a] = lo, hi
                scale += max(abs(lo), abs(hi))
            margin[a] = 8.0 * (i_n + 2) * _ULP * scale
            part[0, a] = 0.0
        rem[last] = 1
        for k in range(last - 1, -1, -1):
            rem[k] = rem[k + 1] * counts[k + 1]
        for i in range(i_n):
            digit[i] = 0
        passed_n = 0
        improving = False
        best_min, best_sum = -np.inf, -np.inf
        movable = True  # whether the outcomes of the current last-level block may move the compromise
        k = 0
        while True:
            v = vals[k, digit[k]]
            reachable = True
            for a in range(a_n):
                part[k + 1, a] = part[k, a] + t[a, k, v]
                if veto[a] and part[k + 1, a] + suffix[k + 1, a] < r[a] - tl[a]:
                    reachable = False  # no completion satisfies this veto player: the walk cuts here
            if reachable and k < last:
                whole, gains, bound = True, False, np.inf
                for a in range(a_n):
                    if not (veto[a] or bargain[a]):
                        continue
                    lo, hi = part[k + 1, a], part[k + 1, a]
                    for j in range(k + 1, i_n):  # the subtree's extremes, summed as the walk sums
                        lo = lo + lo_i[j, a]
                        hi = hi + hi_i[j, a]
                    if veto[a] and lo < r[a] - tl[a] + margin[a]:
                        whole = False
                    if bargain[a]:
                        g = (hi - r[a]) * isp[a]
                        if g < bound:
                            bound = g
                        if hi - r[a] > tl[a]:
                            gains = True
                can_move = not (bound <= best_min - 1e-12)
                if whole and not can_move and (improving or not gains):
                    passed_n += rem[k]  # every completion passes and none can change anything else
                elif k == last - 1 and not can_move and improving:
                    for j in range(counts[last]):  # only the count is left: the leaves' own test
                        w = vals[last, j]
                        ok = True
                        for a in range(a_n):
                            if veto[a] and (part[k + 1, a] + t[a, last, w]) + suffix[i_n, a] < r[a] - tl[a]:
                                ok = False
                                break
                        if ok:
                            passed_n += 1
                else:
                    movable = can_move
                    k += 1
                    digit[k] = 0
                    continue
            elif reachable:
                passed_n += 1
                if movable or not improving:
                    g_min, g_sum, improves = outcome_gains(part, i_n, r, isp, tl, bargain)
                    if improves:
                        improving = True
                    if beats(g_min, g_sum, best_min, best_sum):
                        best_min, best_sum = g_min, g_sum
                        keep(choice, utility, d, vals, digit, part, i_n)
            k = advance(digit, counts, k)
            if k < 0:
                break
        n_pass[d] = passed_n
        agreed[d] = improving
        level[d] = best_min
