"""Joint red lines (a party's red line on one issue that holds only where another issue of the
track takes certain values) as flat arrays, the form both the compiled kernel
(:mod:`.kernel`) and the dense evaluation (:mod:`.dense`) read."""

from __future__ import annotations

import numpy as np

from ..settlement.preferences import Preferences


def joint_arrays(space: Preferences) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The joint red lines (conditional on another issue of the track) as the kernel reads them:
    (L, 3) party, own issue and condition issue of each; (D, L, V) the values of its own issue it
    leaves allowed where its condition holds; (L, V) where its condition holds."""
    lines = space.joint_lines
    v_n = space.tables.shape[3]
    where = np.array([[x.party, x.issue, x.when_issue] for x in lines], dtype=np.int64).reshape(-1, 3)
    own = np.ones((space.draws, len(lines), v_n), dtype=bool)
    holds = np.zeros((len(lines), v_n), dtype=bool)
    for k, x in enumerate(lines):
        assert x.when_holds is not None
        m = x.mask(space.axes[x.issue])
        own[:, k, :m.shape[1]] = m
        holds[k, :len(x.when_holds)] = x.when_holds
    return where, own, holds
