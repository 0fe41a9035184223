"""The compiled round loop of the stacked alternating offers protocol under a decision rule (numba).

One call runs many negotiations on one domain, so tournaments pay no Python cost per run, per
round or per outcome. Every party's acceptable outcomes come pre-sorted from best to worst
(``order``, ``sorted_u``, ``count``); an offer is a binary search for the target utility plus,
for strategies with a window, a short scan of the outcomes just above it.

The rule travels as arrays: ``veto`` (who must accept), ``rule_kind`` (unanimity, qualified,
weighted), ``min_p`` and ``weights``/``threshold``. Each party's answer to the offer on the table
is kept in ``votes`` (1 yes, 0 no, -1 not asked yet); the offer is a deal once the yes votes meet
the rule, and a no that leaves the rule out of reach replaces the offer with the naysayer's own.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .strategies import (
    ASPIRATION,
    HARDLINER,
    P_DELTA,
    P_EXPONENT,
    P_MODEL,
    P_WINDOW,
    RANDOM,
    TFT_ABSOLUTE,
    TFT_RELATIVE,
    TIME_DEPENDENT,
)

AGREED, DEADLINE, BROKEN = 1, 0, 2
UNANIMITY, QUALIFIED, WEIGHTED = 0, 1, 2
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
def _target(p, kind, prm, tau, lo, hi, tprev, best, hist, hn, hseen):
    """The utility party p aims for at its own concession time ``tau`` (updates tit-for-tat's
    state when new offers have come in)."""
    if kind == TIME_DEPENDENT:
        if tau >= 1.0:
            return lo[p]  # exactly, not up to rounding: the tactic ends at the reservation value
        return hi[p] - (hi[p] - lo[p]) * tau ** (1.0 / prm[P_EXPONENT])
    if kind == ASPIRATION:
        x = lo[p] + (hi[p] - lo[p]) * (1.0 - tau ** prm[P_EXPONENT])
        return x if x > best[p] else min(best[p], hi[p])
    if kind == HARDLINER:
        return hi[p]
    if kind == TFT_RELATIVE or kind == TFT_ABSOLUTE:
        delta = int(prm[P_DELTA])
        k = hn[p]
        if k > hseen[p] and k >= delta + 1:
            older = hist[p, k - 1 - delta]   # the others' offer delta offers before the newer one
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
def _closest(p, x, sorted_u, count, tol, slack):
    """Position in p's sorted list of the acceptable outcome closest above ``x - tol`` (its best
    when none is; with ``slack``, one just below when nearer, as NegMAS's inverter does)."""
    n = count[p]
    floor = x - tol
    j = _last_at_least(sorted_u[p], n, floor)
    if j < 0:
        j = 0
    elif slack > 0.0 and j + 1 < n and sorted_u[p, j + 1] >= floor - slack \
            and floor - sorted_u[p, j + 1] < sorted_u[p, j] - floor:
        j = j + 1
    return j


@njit(cache=True, nogil=True)
def _model_pick(p, j, prm, order, sorted_u, span, vidx, voff, freq, nfreq):
    """With a window and an opponent model: among p's outcomes within the window above position
    ``j``, the one the others' offers suggest they like best (a frequency model); else ``j``."""
    w = prm[P_WINDOW] * span[p]
    if prm[P_MODEL] <= 0.0 or w < 0.0:
        return j
    k = order.shape[0]
    seen = 0.0
    for q in range(k):
        if q != p:
            seen += nfreq[q]
    if seen <= 0.0:
        return j
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
    return best_j


@njit(cache=True, nogil=True)
def _passes(votes, veto, rule_kind, min_p, weights, threshold):
    """Do the yes votes meet the rule (every veto player, and the count or weight)?"""
    n = 0
    w = 0.0
    for q in range(votes.shape[0]):
        if votes[q] == 1:
            n += 1
            w += weights[q]
        elif veto[q]:
            return False
    if rule_kind == QUALIFIED:
        return n >= min_p
    if rule_kind == WEIGHTED:
        return w >= threshold - 1e-12
    return True


@njit(cache=True, nogil=True)
def _passable(votes, veto, rule_kind, min_p, weights, threshold):
    """Could the rule still be met if everyone not yet asked said yes?"""
    n = 0
    w = 0.0
    for q in range(votes.shape[0]):
        if votes[q] == 0:
            if veto[q]:
                return False
        else:
            n += 1
            w += weights[q]
    if rule_kind == QUALIFIED:
        return n >= min_p
    if rule_kind == WEIGHTED:
        return w >= threshold - 1e-12
    return True


@njit(cache=True, nogil=True)
def run_one(U, A, order, sorted_u, count, lo, hi, span, vidx, voff, n_values, bargainer, veto,
            rule_kind, min_p, weights, threshold, disc, clock, final, negmas,
            kinds, prm, turn_order, deadline, tol, slack, seed, record, tr_outcome, tr_party, tr_round,
            votes):
    """One negotiation. Returns (status, round, outcome, offers made). ``votes`` (n_parties,)
    gets 1 yes / 0 no / -1 not asked for the final offer; the trace arrays get every offer when
    ``record``.

    ``clock[p]``: party p's concession time in round r is min(1, (r + 1) / clock[p]);
    ``final[p]``: in the last round p's counter-offer could not be answered, so it accepts any
    acceptable offer (not a hard-liner); ``negmas``: accept only at least ``target - tol`` as
    well (NegMAS's acceptance). ``disc``: discount factors; utilities of a deal at protocol time
    t = (r + 1) / (deadline + 1) are u * disc ** t."""
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
    for q in range(k):
        votes[q] = -1
    standing = -1
    n_off = 0
    for r in range(deadline):
        t_now = (r + 1.0) / (deadline + 1.0)
        t_next = (r + 2.0) / (deadline + 1.0)
        for pos in range(k):
            p = turn_order[pos]
            if standing < 0 and not bargainer[p]:
                continue  # only a bargainer opens the talks
            offer = -1
            if standing >= 0:
                acc = False
                nxt = -1
                j = 0
                if count[p] > 0:
                    tau = min(1.0, (r + 1.0) / clock[p])
                    x = _target(p, kinds[p], prm[p], tau, lo, hi, tprev, best, hist, hn, hseen)
                    if kinds[p] == RANDOM:
                        nxt = order[p, np.random.randint(0, count[p])]
                    else:
                        j = _closest(p, x, sorted_u, count, tol, slack)
                        nxt = order[p, j]
                    if A[standing, p]:
                        if final[p] and r == deadline - 1 and kinds[p] != HARDLINER:
                            acc = True  # rejecting now can only end in no deal
                        else:
                            later = t_now if pos == 0 else t_next  # when its own offer could be a deal
                            acc = U[standing, p] * disc[p] ** t_now >= U[nxt, p] * disc[p] ** later
                            if negmas and U[standing, p] < x - tol:
                                acc = False
                if acc:
                    votes[p] = 1
                    if _passes(votes, veto, rule_kind, min_p, weights, threshold):
                        _ask_the_rest(U, A, order, sorted_u, count, lo, hi, tol, slack, kinds, prm, clock, r,
                                      tprev, best, hist, hn, hseen, standing, votes)
                        return AGREED, r, standing, n_off
                    continue
                votes[p] = 0
                if _passable(votes, veto, rule_kind, min_p, weights, threshold):
                    continue  # a no that the rule can bear: recorded, the offer stays
                if count[p] == 0:  # must replace the offer but can accept nothing: walks away
                    for q in range(k):
                        votes[q] = -1
                    return BROKEN, r, -1, n_off
                offer = nxt if kinds[p] == RANDOM else \
                    order[p, _model_pick(p, j, prm[p], order, sorted_u, span, vidx, voff, freq, nfreq)]
            else:
                if count[p] == 0:
                    return BROKEN, r, -1, n_off
                tau = min(1.0, (r + 1.0) / clock[p])
                x = _target(p, kinds[p], prm[p], tau, lo, hi, tprev, best, hist, hn, hseen)
                if kinds[p] == RANDOM:
                    offer = order[p, np.random.randint(0, count[p])]
                else:
                    j = _closest(p, x, sorted_u, count, tol, slack)
                    j = _model_pick(p, j, prm[p], order, sorted_u, span, vidx, voff, freq, nfreq)
                    offer = order[p, j]
            standing = offer
            for q in range(k):
                votes[q] = -1
            votes[p] = 1
            if record:
                tr_outcome[n_off] = offer
                tr_party[n_off] = p
                tr_round[n_off] = r
            n_off += 1
            for iss in range(vidx.shape[1]):
                freq[p, voff[iss] + vidx[offer, iss]] += 1.0
            nfreq[p] += 1.0
            for q in range(k):
                if q != p:
                    hist[q, hn[q]] = U[offer, q]
                    hn[q] += 1
                    if A[offer, q] and U[offer, q] > best[q]:
                        best[q] = U[offer, q]
            if _passes(votes, veto, rule_kind, min_p, weights, threshold):
                return AGREED, r, standing, n_off
    return DEADLINE, deadline - 1, -1, n_off


@njit(cache=True, nogil=True)
def _ask_the_rest(U, A, order, sorted_u, count, lo, hi, tol, slack, kinds, prm, clock, r,
                  tprev, best, hist, hn, hseen, standing, votes):
    """Once a deal is struck: the answers of those not asked yet, recorded, not required."""
    for q in range(U.shape[1]):
        if votes[q] >= 0:
            continue
        if count[q] == 0:
            votes[q] = 0
            continue
        tau = min(1.0, (r + 1.0) / clock[q])
        xq = _target(q, kinds[q], prm[q], tau, lo, hi, tprev, best, hist, hn, hseen)
        nq = order[q, _closest(q, xq, sorted_u, count, tol, slack)]
        votes[q] = 1 if A[standing, q] and U[standing, q] >= U[nq, q] else 0


@njit(cache=True, nogil=True)
def run_many(U, A, order, sorted_u, count, lo, hi, span, vidx, voff, n_values, bargainer, veto,
             rule_kind, min_p, weights, threshold, disc, clock, final, negmas,
             kinds, prm, turn_order, deadline, tol, slack, seeds, status, rounds, outcomes, n_offers, votes):
    """Many negotiations on one domain: kinds (R, k), prm (R, k, n_params), seeds (R,); outputs
    status, rounds, outcomes, n_offers (R,) and votes (R, k)."""
    dummy = np.zeros(1, dtype=np.int64)
    for i in range(seeds.shape[0]):
        s, r, o, m = run_one(U, A, order, sorted_u, count, lo, hi, span, vidx, voff, n_values, bargainer,
                             veto, rule_kind, min_p, weights, threshold, disc, clock, final, negmas,
                             kinds[i], prm[i], turn_order, deadline, tol, slack, seeds[i], False, dummy,
                             dummy, dummy, votes[i])
        status[i] = s
        rounds[i] = r
        outcomes[i] = o
        n_offers[i] = m
