"""The compiled round loop of the stacked alternating offers protocol (numba).

One call runs many negotiations on one domain, so tournaments pay no Python cost per run, per
round or per outcome. Every party's acceptable outcomes come pre-sorted from best to worst
(``order``, ``sorted_u``, ``count``); an offer is a binary search for the target utility plus,
for strategies with a window, a short scan of the outcomes just above it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .strategies import (ASPIRATION, HARDLINER, P_DELTA, P_EXPONENT, P_MODEL, P_WINDOW, RANDOM,
                         TFT_ABSOLUTE, TFT_RELATIVE, TIME_DEPENDENT)

AGREED, DEADLINE, BROKEN = 1, 0, 2
#: Most outcomes a window scan looks at.
MAX_SCAN = 512


@njit(cache=True, nogil=True)
def _last_at_least(sorted_u, n, x):
    """Largest j < n with sorted_u[j] >= x (sorted_u descending); -1 if none."""
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if sorted_u[mid] >= x:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


@njit(cache=True, nogil=True)
def _target(p, kind, prm, t, lo, hi, tprev, best, hist, hn, hseen):
    """The utility party p aims for now (updates tit-for-tat's state)."""
    if kind == TIME_DEPENDENT:
        return hi[p] - (hi[p] - lo[p]) * t ** (1.0 / prm[P_EXPONENT])
    if kind == ASPIRATION:
        x = lo[p] + (hi[p] - lo[p]) * (1.0 - t ** prm[P_EXPONENT])
        return x if x > best[p] else min(best[p], hi[p])
    if kind == HARDLINER:
        return hi[p]
    if kind == TFT_RELATIVE or kind == TFT_ABSOLUTE:
        delta = int(prm[P_DELTA])
        k = hn[p]
        if k > hseen[p] and k >= delta + 1:
            older = hist[p, k - 1 - delta]
            newer = hist[p, k - delta]
            x = tprev[p]
            if kind == TFT_ABSOLUTE:
                x = x - (newer - older)
            else:
                withheld_old = hi[p] - older
                if withheld_old > 1e-12:
                    x = lo[p] + (x - lo[p]) * max(hi[p] - newer, 0.0) / withheld_old
            tprev[p] = min(max(x, lo[p]), hi[p])
            hseen[p] = k
        return tprev[p]
    return lo[p]  # random: unused


@njit(cache=True, nogil=True)
def _choose(p, kind, prm, x, order, sorted_u, count, span, tol, slack, vidx, voff, freq, nfreq, required):
    """The outcome p offers for target x: the acceptable outcome closest above x (less ``tol``);
    with a window, the one the others' offers suggest they like best among those within the
    window above it. Random: a uniform acceptable outcome."""
    n = count[p]
    if kind == RANDOM:
        return order[p, np.random.randint(0, n)]
    floor = x - tol
    j = _last_at_least(sorted_u[p], n, floor)
    if j < 0:
        j = 0
    elif slack > 0.0 and j + 1 < n and sorted_u[p, j + 1] >= floor - slack \
            and floor - sorted_u[p, j + 1] < sorted_u[p, j] - floor:
        j = j + 1  # just below the floor but nearer to it (NegMAS's inverter does this)
    w = prm[P_WINDOW] * span[p]
    if prm[P_MODEL] > 0.0 and w >= 0.0:
        k = order.shape[0]
        seen = 0.0
        for q in range(k):
            if q != p:
                seen += nfreq[q]
        if seen > 0.0:
            top = sorted_u[p, j] + w + 1e-12 * span[p]
            best_j = j
            best_s = -1.0
            i = j
            scanned = 0
            while i >= 0 and sorted_u[p, i] <= top and scanned < MAX_SCAN:
                o = order[p, i]
                s = 0.0
                for q in range(k):
                    if q != p and nfreq[q] > 0:
                        acc = 0.0
                        for iss in range(vidx.shape[1]):
                            acc += freq[q, voff[iss] + vidx[o, iss]]
                        s += acc / nfreq[q]
                if s > best_s + 1e-12:
                    best_s = s
                    best_j = i
                i -= 1
                scanned += 1
            j = best_j
    return order[p, j]


@njit(cache=True, nogil=True)
def _accepts(p, offer, nxt, floor, U, A):
    """AC_next: acceptable to p and worth at least what p would offer next (and, when the next
    offer may fall a little below the target, at least the target less the tolerance)."""
    return A[offer, p] and U[offer, p] >= U[nxt, p] and U[offer, p] >= floor


@njit(cache=True, nogil=True)
def run_one(U, A, order, sorted_u, count, lo, hi, span, vidx, voff, n_values, required,
            kinds, prm, turn_order, deadline, tol, slack, seed, record, tr_outcome, tr_party, tr_round,
            votes):
    """One negotiation. Returns (status, round, outcome, offers made). ``votes`` (n_parties,)
    gets 1 accept / 0 reject / -1 not asked for the final offer; the trace arrays get every
    offer when ``record``."""
    k = U.shape[1]
    np.random.seed(seed)
    freq = np.zeros((k, n_values))
    nfreq = np.zeros(k)
    n_turns = deadline * k
    hist = np.zeros((k, n_turns + 1))
    hn = np.zeros(k, dtype=np.int64)
    hseen = np.zeros(k, dtype=np.int64)
    tprev = hi.copy()
    best = np.full(k, -np.inf)
    accepted = np.zeros(k, dtype=np.bool_)
    n_req = 0
    for q in range(k):
        votes[q] = -1
        if required[q]:
            n_req += 1
    standing = -1
    n_acc = 0
    n_off = 0
    for r in range(deadline):
        t = (r + 1.0) / (deadline + 1.0)
        for pos in range(k):
            p = turn_order[pos]
            if not required[p]:
                if standing >= 0:  # a non-veto participant only votes
                    if count[p] == 0:
                        votes[p] = 0
                    else:
                        x = _target(p, kinds[p], prm[p], t, lo, hi, tprev, best, hist, hn, hseen)
                        nxt = _choose(p, kinds[p], prm[p], x, order, sorted_u, count, span, tol, slack,
                                      vidx, voff, freq, nfreq, required)
                        votes[p] = 1 if _accepts(p, standing, nxt, x - tol, U, A) else 0
                continue
            if count[p] == 0:  # a veto player with nothing it can accept walks away
                for q in range(k):
                    votes[q] = -1
                return BROKEN, r, -1, n_off
            x = _target(p, kinds[p], prm[p], t, lo, hi, tprev, best, hist, hn, hseen)
            nxt = _choose(p, kinds[p], prm[p], x, order, sorted_u, count, span, tol, slack, vidx, voff,
                          freq, nfreq, required)
            if standing >= 0 and _accepts(p, standing, nxt, x - tol, U, A):
                accepted[p] = True
                votes[p] = 1
                n_acc += 1
            else:
                standing = nxt
                for q in range(k):
                    accepted[q] = False
                    votes[q] = -1
                accepted[p] = True
                votes[p] = 1
                n_acc = 1
                if record:
                    tr_outcome[n_off] = nxt
                    tr_party[n_off] = p
                    tr_round[n_off] = r
                n_off += 1
                for iss in range(vidx.shape[1]):
                    freq[p, voff[iss] + vidx[nxt, iss]] += 1.0
                nfreq[p] += 1.0
                for q in range(k):
                    if q != p:
                        hist[q, hn[q]] = U[nxt, q]
                        hn[q] += 1
                        if A[nxt, q] and U[nxt, q] > best[q]:
                            best[q] = U[nxt, q]
            if n_acc == n_req:
                for q in range(k):  # the others' views, recorded, not required
                    if not required[q] and votes[q] < 0:
                        if count[q] == 0:
                            votes[q] = 0
                        else:
                            xq = _target(q, kinds[q], prm[q], t, lo, hi, tprev, best, hist, hn, hseen)
                            nq = _choose(q, kinds[q], prm[q], xq, order, sorted_u, count, span, tol,
                                         slack, vidx, voff, freq, nfreq, required)
                            votes[q] = 1 if _accepts(q, standing, nq, xq - tol, U, A) else 0
                return AGREED, r, standing, n_off
    return DEADLINE, deadline - 1, -1, n_off


@njit(cache=True, nogil=True)
def run_many(U, A, order, sorted_u, count, lo, hi, span, vidx, voff, n_values, required,
             kinds, prm, turn_order, deadline, tol, slack, seeds, status, rounds, outcomes, n_offers, votes):
    """Many negotiations on one domain: kinds (R, k), prm (R, k, n_params), seeds (R,); outputs
    status, rounds, outcomes, n_offers (R,) and votes (R, k)."""
    dummy = np.zeros(1, dtype=np.int64)
    for i in range(seeds.shape[0]):
        s, r, o, m = run_one(U, A, order, sorted_u, count, lo, hi, span, vidx, voff, n_values, required,
                             kinds[i], prm[i], turn_order, deadline, tol, slack, seeds[i], False, dummy,
                             dummy, dummy, votes[i])
        status[i] = s
        rounds[i] = r
        outcomes[i] = o
        n_offers[i] = m
