"""Cross-validation folds that keep each proposal whole: issues of one proposal share actors and
bargaining, so a fold that split them would let a model see part of what it is scored on."""

from __future__ import annotations

import numpy as np


def grouped_folds(groups, k: int, seed: int = 0) -> list[np.ndarray]:
    """Test-row indices of ``k`` folds that never split a group (proposal) between folds.

    Groups are shuffled with ``seed`` and dealt to folds in turn, largest first, so that folds
    hold similar numbers of rows.
    """
    groups = np.asarray(groups)
    names, codes, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    if k > len(names):
        raise ValueError(f"{k} folds need at least {k} proposals; there are {len(names)}")
    rng = np.random.default_rng([seed, 17])
    order = rng.permutation(len(names))
    order = order[np.argsort(-sizes[order], kind="stable")]
    load = np.zeros(k)
    fold_of = np.empty(len(names), dtype=int)
    for g in order:  # greedy: the next group to the lightest fold
        f = int(np.argmin(load))
        fold_of[g] = f
        load[f] += sizes[g]
    return [np.flatnonzero(fold_of[codes] == f) for f in range(k)]


__all__ = ["grouped_folds"]
