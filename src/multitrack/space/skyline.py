"""The Pareto frontier (skyline) of a set of utility vectors, all maximised.

Two parties: sort and scan, O(n log n) in numpy. More parties: sort-filter-skyline
(Chomicki, Godfrey, Gryz and Liang 2003, "Skyline with presorting", ICDE), compiled with
numba: points in order of decreasing sum can only be dominated by earlier points, and
most are dominated by one of the first frontier points they meet.
"""

from __future__ import annotations

import numpy as np
from numba import njit


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
    order = np.argsort(-points.sum(axis=1), kind="stable")
    keep_sorted = _sfs(np.ascontiguousarray(points[order]))
    mask = np.zeros(n, dtype=bool)
    mask[order] = keep_sorted
    return mask


@njit(cache=True, nogil=True)
def _sfs(sorted_points: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    n, k = sorted_points.shape
    keep = np.zeros(n, dtype=np.bool_)
    frontier = np.empty(n, dtype=np.int64)
    m = 0
    for i in range(n):
        dominated = False
        for f in range(m):
            j = frontier[f]
            ge = True
            for d in range(k):
                if sorted_points[j, d] < sorted_points[i, d]:
                    ge = False
                    break
            if ge:  # >= everywhere: dominated, or a copy of an earlier frontier point
                dominated = True
                break
        if not dominated:
            keep[i] = True
            frontier[m] = i
            m += 1
    return keep
