"""The chance that an escalation ladder's chain reaches a rung within a horizon, per draw,
compiled: the quantity :func:`multitrack.escalation.risk.rung_reach` computes for one theatre,
for the switching-value searches, which evaluate it for some millions of (value, draw) chains.

Moves are between adjacent rungs only, so the chain reaches rung ``k`` by ``h`` months exactly
when the chain with ``k`` made absorbing holds its mass on ``k`` after ``h`` steps: one minus the
mass left among the rungs below ``k``, whose chain alone is powered (the rungs above ``k`` never
matter). Only the starting rung's row of the ``h``-th power is needed: it is carried as a vector
through the repeated squaring (Kemeny & Snell 1960, *Finite
Markov Chains*, ch. 3, absorbing chains).
"""

from __future__ import annotations

import numpy as np
from numba import njit


def reach_within(up: np.ndarray, down: np.ndarray, start: int, rung: int, horizon: int) -> np.ndarray:
    """P(reach ``rung`` within ``horizon`` steps | start at ``start``), one per row of ``up`` and
    ``down`` (n, R-1): the monthly chances of moving up from and down to each rung (as
    :func:`multitrack.escalation.model.rates` returns them)."""
    if start >= rung:
        return np.ones(up.shape[0])
    if horizon < 0:
        raise ValueError("horizon must be non-negative")
    up = np.ascontiguousarray(up, dtype=np.float64)
    down = np.ascontiguousarray(down, dtype=np.float64)
    return _reach(up, down, int(start), int(rung), int(horizon))


#: Chains walked together (innermost axis of the kernel's arrays).
BLOCK = 256


@njit(cache=True, nogil=True)
def _reach(up, down, start, rung, horizon):  # pragma: no cover - compiled
    # q: the chain among the rungs below ``rung`` (the transient ones), for BLOCK chains at once
    # (the chains innermost, so that each step is one vector operation); the mass still among
    # them after ``horizon`` steps is the chance of not having reached ``rung``.
    n = up.shape[0]
    r = rung
    out = np.empty(n)
    q = np.empty((r, r, BLOCK))
    s2 = np.empty((r, r, BLOCK))
    v = np.empty((r, BLOCK))
    w = np.empty((r, BLOCK))
    for b0 in range(0, n, BLOCK):
        b = min(BLOCK, n - b0)
        for i in range(r):
            for j in range(r):
                for d in range(b):
                    q[i, j, d] = 0.0
        for i in range(r):
            for d in range(b):
                u = up[b0 + d, i]
                stay = 1.0 - u
                if i + 1 < r:
                    q[i, i + 1, d] = u
                if i > 0:
                    dn = down[b0 + d, i - 1]
                    q[i, i - 1, d] = dn
                    stay -= dn
                q[i, i, d] = stay
        for i in range(r):
            for d in range(b):
                v[i, d] = 0.0
        for d in range(b):
            v[start, d] = 1.0
        e = horizon
        while e:
            if e & 1:
                for j in range(r):
                    for d in range(b):
                        w[j, d] = 0.0
                    for i in range(r):
                        for d in range(b):
                            w[j, d] += v[i, d] * q[i, j, d]
                for j in range(r):
                    for d in range(b):
                        v[j, d] = w[j, d]
            e >>= 1
            if e:
                for i in range(r):
                    for j in range(r):
                        for d in range(b):
                            s2[i, j, d] = 0.0
                        for m in range(r):
                            for d in range(b):
                                s2[i, j, d] += q[i, m, d] * q[m, j, d]
                for i in range(r):
                    for j in range(r):
                        for d in range(b):
                            q[i, j, d] = s2[i, j, d]
        for d in range(b):
            left = 0.0
            for j in range(r):
                left += v[j, d]
            out[b0 + d] = 1.0 - left
    return out
