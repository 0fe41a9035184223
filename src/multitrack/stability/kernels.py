"""Compiled kernels of the graph model: per-DM move graphs as CSR arrays, minimum over the
states a coalition reaches, and the sanction tests, each one pass over edges, never a Python
call per state.

Definitions are those of `graph` and `concepts` (Fang, Hipel & Kilgour 1993; the reachability
recursion of Xu, Hipel & Kilgour 2009 taken over the (min, value) semiring). This module
imports numba, so the modules above it import it inside their functions: importing the
stability package does not compile or load anything.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _row_targets(code, subs, mask, forward_only, backward_only, index_of_code, blocked, dm, out):
    """DM `dm`'s unilateral moves from the state with this code, written to `out` in
    increasing target order (the sub-masks are increasing); returns how many."""
    count = 0
    if blocked.shape[0] and blocked[index_of_code[code], dm]:
        return 0
    keep = code & ~mask
    for k in range(subs.shape[0]):
        dst_code = keep | subs[k]
        if dst_code == code:
            continue
        if (code & ~dst_code & forward_only) != 0:  # a forward-only option stays taken
            continue
        if (~code & dst_code & backward_only) != 0:  # a backward-only one stays off
            continue
        dst = index_of_code[dst_code]
        if dst < 0:
            continue
        if blocked.shape[0] and blocked[dst, dm]:  # no move to a state the DM misperceives
            continue
        out[count] = dst
        count += 1
    return count


@njit(cache=True)
def move_edges(codes, index_of_code, subs, mask, forward_only, backward_only, blocked, dm, payoff):
    """CSR arrays (indptr, indices) of DM `dm`'s unilateral moves, and per edge whether it is a
    unilateral improvement (payoff[t] > payoff[s]). Rows come out sorted, as scipy keeps them.
    Two passes, counting then filling, so nothing larger than the result is allocated."""
    n = codes.shape[0]
    buf = np.empty(subs.shape[0], dtype=np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    for s in range(n):
        indptr[s + 1] = indptr[s] + _row_targets(codes[s], subs, mask, forward_only, backward_only,
                                                 index_of_code, blocked, dm, buf)
    indices = np.empty(indptr[n], dtype=np.int32)
    better = np.empty(indptr[n], dtype=np.bool_)
    for s in range(n):
        start = indptr[s]
        m = _row_targets(codes[s], subs, mask, forward_only, backward_only, index_of_code, blocked, dm, buf)
        own = payoff[s]
        for k in range(m):
            indices[start + k] = buf[k]
            better[start + k] = payoff[buf[k]] > own
    return indptr, indices, better


@njit(cache=True)
def select_edges(indptr, indices, keep):
    """The sub-graph of the edges with keep[e] set, as CSR arrays."""
    n = indptr.shape[0] - 1
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    out_idx = np.empty(int(keep.sum()), dtype=np.int32)
    m = 0
    for s in range(n):
        for e in range(indptr[s], indptr[s + 1]):
            if keep[e]:
                out_idx[m] = indices[e]
                m += 1
        out_ptr[s + 1] = m
    return out_ptr, out_idx


@njit(cache=True)
def reach_min(ptrs, idxs, flags, values, flagged):
    """Per state s and channel c, the minimum of values[:, c] over the states reachable from s
    by a legal sequence (at least one move, no mover twice in a row) of the movers' edges
    (mover j: CSR ptrs[j], idxs[j]); a channel with flagged[c] uses only the edges with
    flags[j][e] set. +inf where nothing is reachable.

    F[s, j, c], the minimum when j moves first from s, is the largest fixed point of
    F_j(s) = min_{t in J_j(s)} min(v(t), min_{h != j} F_h(t)), as in `concepts.min_over_reach`.
    The sweeps update in place (Gauss-Seidel), alternating direction: values only decrease and
    never below the fixed point, so they reach the same fixed point in fewer sweeps. The
    channels share each pass over the edges. G[t, j, c] = min(v(t), min_{h != j} F_h(t)) is
    what a move of j into t sees, kept up to date per state.
    """
    n, n_ch = values.shape
    k = len(ptrs)
    big = np.inf
    f = np.full((n, k, n_ch), big)
    g = np.empty((n, k, n_ch))
    for s in range(n):
        for j in range(k):
            for c in range(n_ch):
                g[s, j, c] = values[s, c]
    acc = np.empty(n_ch)
    forward = True
    while k:
        changed = False
        for step in range(n):
            s = step if forward else n - 1 - step
            moved = False
            for j in range(k):
                ptr = ptrs[j]
                idx = idxs[j]
                flag = flags[j]
                for c in range(n_ch):
                    acc[c] = f[s, j, c]
                for e in range(ptr[s], ptr[s + 1]):
                    t = idx[e]
                    for c in range(n_ch):
                        if flagged[c] and not flag[e]:
                            continue
                        if g[t, j, c] < acc[c]:
                            acc[c] = g[t, j, c]
                for c in range(n_ch):
                    if acc[c] < f[s, j, c]:
                        f[s, j, c] = acc[c]
                        moved = True
            if moved:
                changed = True
                for j in range(k):
                    for c in range(n_ch):
                        low = values[s, c]
                        for h in range(k):
                            if h != j and f[s, h, c] < low:
                                low = f[s, h, c]
                        g[s, j, c] = low
        if not changed:
            break
        forward = not forward
    best = np.full((n, n_ch), big)
    for s in range(n):
        for j in range(k):
            for c in range(n_ch):
                if f[s, j, c] < best[s, c]:
                    best[s, c] = f[s, j, c]
    return best


@njit(cache=True)
def counter_max(indptr, indices, own):
    """SMR's value per state s2: max(own[s2], own of each unilateral move from s2)."""
    n = indptr.shape[0] - 1
    out = own.copy()
    for s in range(n):
        for e in range(indptr[s], indptr[s + 1]):
            if own[indices[e]] > out[s]:
                out[s] = own[indices[e]]
    return out


@njit(cache=True)
def sanctioned(indptr, indices, better, own, best):
    """Per state s and channel c: True when every unilateral improvement s -> s1 (the edges
    with better[e]) has best[s1, c] <= own[s] (a tie sanctions); column n_ch is Nash (no
    improvement at all)."""
    n, n_ch = best.shape
    out = np.ones((n, n_ch + 1), dtype=np.bool_)
    for s in range(n):
        for e in range(indptr[s], indptr[s + 1]):
            if not better[e]:
                continue
            out[s, n_ch] = False
            t = indices[e]
            for c in range(n_ch):
                if best[t, c] > own[s]:
                    out[s, c] = False
    return out


# --------------------------------------------------------------------------- fibers
#
# A DM with no irreversible option can move from s to every other feasible state it does not
# misperceive that differs from s only in its own options: its move graph is a union of
# cliques, one per "fiber" (the states that agree outside its options). Minima over a row are
# then minima over the fiber, and improvements from s are the fiber's members the DM strictly
# prefers, so each fiber is listed once, sorted by the DM's payoff (best first), and the
# kernels below work per fiber in time linear in the number of states, not of edges.


@njit(cache=True)
def fibers(codes, n_codes, mask, blocked, dm, payoff):
    """The fibers of DM `dm`: order[start[f]:start[f + 1]] are fiber f's states, best first
    (ties in state order); lo[s] is where s's fiber starts and hi[s] where the states s's DM
    strictly prefers to s end, so order[lo[s]:hi[s]] are s's unilateral improvements. A state
    the DM misperceives is in no fiber (lo = hi = 0): it has no move."""
    n = codes.shape[0]
    table = np.full(n_codes, -1, dtype=np.int32)
    fid = np.full(n, -1, dtype=np.int32)
    n_fib = 0
    for s in range(n):
        if blocked.shape[0] and blocked[s, dm]:
            continue
        key = codes[s] & ~mask
        if table[key] < 0:
            table[key] = n_fib
            n_fib += 1
        fid[s] = table[key]
    start = np.zeros(n_fib + 1, dtype=np.int64)
    for s in range(n):
        if fid[s] >= 0:
            start[fid[s] + 1] += 1
    for f in range(n_fib):
        start[f + 1] += start[f]
    fill = start[:-1].copy()
    order = np.empty(start[n_fib], dtype=np.int32)
    for s in range(n):
        if fid[s] >= 0:
            order[fill[fid[s]]] = s
            fill[fid[s]] += 1
    lo = np.zeros(n, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    for f in range(n_fib):
        a, b = start[f], start[f + 1]
        for p in range(a + 1, b):  # stable insertion sort by payoff, best first (fibers are small)
            s = order[p]
            q = p
            while q > a and payoff[order[q - 1]] < payoff[s]:
                order[q] = order[q - 1]
                q -= 1
            order[q] = s
        group = a
        for p in range(a, b):
            if p > a and payoff[order[p]] != payoff[order[p - 1]]:
                group = p
            lo[order[p]] = a
            hi[order[p]] = group
    return order, start, lo, hi


@njit(cache=True)
def _seen(values, f, t, j, c):
    """What a move of mover j into t offers: min(v(t), min_{h != j} F_h(t))."""
    low = values[t, c]
    for h in range(f.shape[1]):
        if h != j and f[t, h, c] < low:
            low = f[t, h, c]
    return low


@njit(cache=True)
def reach_min_fibers(orders, starts, his, values, flagged):
    """`reach_min` for movers whose move graphs are fibers (see `fibers`): per fiber, the
    minimum over the other members (the smallest and second smallest of what they offer) or,
    for a flagged channel, over the members the mover strictly prefers (a running minimum down
    the payoff order). Updating F_j never changes what j's moves offer (that excludes F_j),
    so each pass settles one mover given the others; passes repeat until none changes."""
    n, n_ch = values.shape
    k = len(orders)
    f = np.full((n, k, n_ch), np.inf)
    changed = k > 0
    while changed:
        changed = False
        for j in range(k):
            order = orders[j]
            start = starts[j]
            hi = his[j]
            for fi in range(start.shape[0] - 1):
                a, b = start[fi], start[fi + 1]
                if b - a < 2:
                    continue
                for c in range(n_ch):
                    if flagged[c]:
                        run = np.inf
                        p = a
                        while p < b:
                            q = p
                            while q < b and hi[order[q]] == hi[order[p]]:
                                s = order[q]
                                if run < f[s, j, c]:
                                    f[s, j, c] = run
                                    changed = True
                                q += 1
                            for r in range(p, q):
                                g = _seen(values, f, order[r], j, c)
                                if g < run:
                                    run = g
                            p = q
                    else:
                        m1 = np.inf
                        m2 = np.inf
                        arg = -1
                        for p in range(a, b):
                            t = order[p]
                            g = _seen(values, f, t, j, c)
                            if g < m1:
                                m2 = m1
                                m1 = g
                                arg = t
                            elif g < m2:
                                m2 = g
                        for p in range(a, b):
                            s = order[p]
                            new = m2 if s == arg else m1
                            if new < f[s, j, c]:
                                f[s, j, c] = new
                                changed = True
    best = np.full((n, n_ch), np.inf)
    for s in range(n):
        for j in range(k):
            for c in range(n_ch):
                if f[s, j, c] < best[s, c]:
                    best[s, c] = f[s, j, c]
    return best


@njit(cache=True)
def fiber_max(order, start, own):
    """SMR's value per state: the best payoff in its fiber (its own if it has no move)."""
    out = own.copy()
    for fi in range(start.shape[0] - 1):
        top = own[order[start[fi]]]
        for p in range(start[fi], start[fi + 1]):
            out[order[p]] = top
    return out


@njit(cache=True)
def sanctioned_fibers(order, start, hi, own, best):
    """`sanctioned` for a focal DM given as fibers: the improvements from s are the fiber
    members before s's payoff group, so a running maximum of best down the order tests them."""
    n, n_ch = best.shape
    out = np.ones((n, n_ch + 1), dtype=np.bool_)
    run = np.empty(n_ch)
    for fi in range(start.shape[0] - 1):
        a, b = start[fi], start[fi + 1]
        run[:] = -np.inf
        p = a
        while p < b:
            q = p
            while q < b and hi[order[q]] == hi[order[p]]:
                s = order[q]
                if p > a:
                    out[s, n_ch] = False
                    for c in range(n_ch):
                        if run[c] > own[s]:
                            out[s, c] = False
                q += 1
            for r in range(p, q):
                for c in range(n_ch):
                    if best[order[r], c] > run[c]:
                        run[c] = best[order[r], c]
            p = q
    return out
