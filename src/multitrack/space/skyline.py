"""The Pareto frontier (skyline) of a set of utility vectors, all maximised.

Two parties: sort and scan, O(n log n) in numpy. More parties: each point is first checked
against the few points of largest sum, which settles most dominated points when the frontier is
small. Every point left then asks a k-d tree (Bentley 1975, "Multidimensional binary search trees
used for associative searching", CACM 18(9)) over the points left whether the orthant above it
holds another point. A box whose upper corner falls short of the point in some dimension cannot
hold a dominating point and is skipped, which is the pruning of index-based skylines (Papadias,
Tao, Fu and Seeger 2005, "Progressive skyline computation in database systems", ACM TODS 30(1)).
Boxes are cut at the middle of their widest side (the sliding-midpoint rule of Maneewongvatana
and Mount 1999, "It's okay to be skinny, if your friends are fat"). The sort-filter skyline this
replaced (Chomicki, Godfrey, Gryz and Liang 2003) compares each frontier point with every frontier
point before it, which is quadratic when the frontier is large, as it is when the parties'
preferences conflict; the tree only looks near each point.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Points in a leaf of the k-d tree; below this many a leaf is scanned point by point.
LEAF_SIZE = 16
#: Points of largest sum every point is first checked against, to drop most dominated points
#: before the tree is built (when the frontier is small, nearly all of them).
WITNESSES = 8


def pareto_mask(points: np.ndarray, *, decimals: int = 12) -> np.ndarray:
    """Boolean mask over the rows of ``points`` (n, k): True for one representative of each
    distinct undominated utility vector (the first row holding it). Values that agree to
    ``decimals`` places of their column's largest magnitude count as equal, so sums of
    points on any scale (0-1 or thousands) are compared with the same relative tolerance."""
    points = np.asarray(points, dtype=float)
    if points.size:
        scale = np.abs(points).max(axis=0)
        scale[~(scale > 0)] = 1.0
        points = np.round(points / scale, decimals) + 0.0  # +0.0: no -0.0
    n, k = points.shape
    if n == 0:
        return np.zeros(0, dtype=bool)
    if k == 1:
        mask = np.zeros(n, dtype=bool)
        mask[np.argmax(points[:, 0])] = True
        return mask
    if k == 2:
        order = np.lexsort((-points[:, 1], -points[:, 0]))  # u1 desc, then u2 desc, stable
        u2 = points[order, 1]
        best_before = np.concatenate(([-np.inf], np.maximum.accumulate(u2)[:-1]))
        mask = np.zeros(n, dtype=bool)
        mask[order] = u2 > best_before  # equal or dominated by an earlier row: dropped
        return mask
    points = np.ascontiguousarray(points)
    strong = np.argsort(-points.sum(axis=1), kind="stable")[:WITNESSES]
    return _tree_skyline(points, strong, LEAF_SIZE)


@njit(cache=True, nogil=True)
def _tree_skyline(points: np.ndarray, strong: np.ndarray, leaf_size: int) -> np.ndarray:  # pragma: no cover
    """Row i is kept unless some other row j is >= it everywhere and either > somewhere or
    equal with j < i (so of equal rows the first stays). That relation is transitive, so a row
    is beaten by some row exactly when it is beaten by a kept one: rows beaten by one of the
    ``strong`` rows are dropped first, and the tree is built over the rest only."""
    n, k = points.shape
    keep = np.zeros(n, dtype=np.bool_)
    if n == 0:
        return keep
    alive = np.empty(n, dtype=np.int64)
    row = np.empty(k)
    n_alive = 0
    for i in range(n):
        for d in range(k):
            row[d] = points[i, d]
        beaten = False
        for w in strong:
            if w != i and _beats(points, w, w, row, i):
                beaten = True
                break
        if not beaten:
            alive[n_alive] = i
            n_alive += 1
    q, qid, box, node_of = _build_tree(points, alive[:n_alive], leaf_size)
    n = n_alive
    stack = np.empty(box.shape[0] + 1, dtype=np.int64)
    last = -1  # the last dominating row found: neighbours in tree order often share it
    for t in range(n):
        i = qid[t]
        for d in range(k):
            row[d] = q[t, d]
        dominated = last >= 0 and last != t and _beats(q, last, qid[last], row, i)
        top = 0
        stack[0] = 0
        while top >= 0 and not dominated:
            node = stack[top]
            top -= 1
            short = False
            for d in range(k):
                if box[node, k + d] < row[d]:  # the box's upper corner
                    short = True
                    break
            if short:
                continue
            c = node_of[node, 2]
            if c < 0:
                for u in range(node_of[node, 0], node_of[node, 1]):
                    if u != t and _beats(q, u, qid[u], row, i):
                        dominated = True
                        last = u
                        break
            else:
                stack[top + 1] = c      # lower half
                stack[top + 2] = c + 1  # upper half, searched first: more likely to dominate
                top += 2
        keep[i] = not dominated
    return keep


@njit(cache=True, nogil=True, inline="always")
def _beats(q: np.ndarray, u: int, j: int, row: np.ndarray, i: int) -> bool:  # pragma: no cover
    """Whether tree row ``u`` (input row ``j``) removes ``row`` (input row ``i``)."""
    strict = False
    for d in range(row.shape[0]):
        if q[u, d] < row[d]:
            return False
        if q[u, d] > row[d]:
            strict = True
    return strict or j < i


@njit(cache=True, nogil=True)
def _build_tree(points: np.ndarray, rows: np.ndarray, leaf_size: int):  # pragma: no cover - compiled
    """A k-d tree over the given rows. Returns those rows reordered so each node holds a
    contiguous range of them, their input indices, each node's bounding box (lower corner, then
    upper corner) and per node its range ``start, stop`` and first child (the second is next to
    it; -1 for a leaf). Node 0 is the root."""
    n, k = rows.shape[0], points.shape[1]
    q = np.empty((n, k))
    for t in range(n):
        for d in range(k):
            q[t, d] = points[rows[t], d]
    qid = rows.copy()
    cap = max(16, 2 * (n // leaf_size) + 1)
    box = np.empty((cap, 2 * k))
    node_of = _int_rows(cap, 4)  # start, stop, first child, stack slot
    m = 1
    node_of[0, 0], node_of[0, 1] = 0, n
    top = 0
    node_of[0, 3] = 0  # the stack of nodes to split lives in column 3: never longer than m
    while top >= 0:
        node = node_of[top, 3]
        top -= 1
        s, e = node_of[node, 0], node_of[node, 1]
        for d in range(k):
            box[node, d] = q[s, d]
            box[node, k + d] = q[s, d]
        for t in range(s + 1, e):
            for d in range(k):
                v = q[t, d]
                if v < box[node, d]:
                    box[node, d] = v
                if v > box[node, k + d]:
                    box[node, k + d] = v
        if e - s <= leaf_size:
            continue
        axis = 0
        for d in range(1, k):
            if box[node, k + d] - box[node, d] > box[node, k + axis] - box[node, axis]:
                axis = d
        cut = box[node, axis] + 0.5 * (box[node, k + axis] - box[node, axis])
        if not box[node, axis] < cut:
            continue  # all rows equal: one leaf, however many
        mid = _partition(q, qid, s, e, axis, cut)
        if m + 2 > cap:  # more nodes than first allotted: double the arrays
            cap *= 2
            wider = np.empty((cap, 2 * k))
            longer = _int_rows(cap, 4)
            for r in range(m):  # loops, not slice copies: those take seconds to compile
                for c in range(2 * k):
                    wider[r, c] = box[r, c]
                for c in range(4):
                    longer[r, c] = node_of[r, c]
            box, node_of = wider, longer
        node_of[node, 2] = m
        node_of[m, 0], node_of[m, 1] = s, mid
        node_of[m + 1, 0], node_of[m + 1, 1] = mid, e
        node_of[top + 1, 3] = m
        node_of[top + 2, 3] = m + 1
        top += 2
        m += 2
    return q, qid, box[:m], node_of[:m]


@njit(cache=True, nogil=True)
def _partition(q: np.ndarray, qid: np.ndarray, s: int, e: int, axis: int,
               cut: float) -> int:  # pragma: no cover - compiled
    """Reorder rows s..e-1 so those below ``cut`` on ``axis`` come first; the first row at or
    above it. Both sides are non-empty because ``cut`` lies strictly inside the box."""
    a, b = s, e - 1
    while True:
        while a <= b and q[a, axis] < cut:
            a += 1
        while a <= b and q[b, axis] >= cut:
            b -= 1
        if a >= b:
            return a
        for d in range(q.shape[1]):
            q[a, d], q[b, d] = q[b, d], q[a, d]
        qid[a], qid[b] = qid[b], qid[a]
        a += 1
        b -= 1


@njit(cache=True, nogil=True)
def _int_rows(n: int, width: int) -> np.ndarray:  # pragma: no cover - compiled
    """An (n, width) int64 array of -1."""
    out = np.empty((n, width), dtype=np.int64)
    for r in range(n):
        for c in range(width):
            out[r, c] = -1
    return out
