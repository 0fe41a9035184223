"""The compromise models: weighted mean and weighted median of positions, weights capability x salience.

Achen (2006), "Institutional realism and bargaining models", in Thomson, Stokman, Achen and
Koenig (eds.), *The European Union Decides*, Cambridge UP; van den Bos (1991), *Dutch EC
Policy Making*. The mean is what a compromise that weighs every actor's pull gives; the median
is the position no weighted majority can beat (Black 1948).
"""

from __future__ import annotations

import numpy as np

from ._arrays import finish, prepare


def weighted_mean(positions, saliences, capabilities, status_quo=None, config=None):
    """Mean position with weights capability x salience (Achen 2006's compromise model).

    One issue: arrays of shape (n_actors,) -> float; many: (n_rows, n_actors) -> (n_rows,).
    NaN positions are left out; NaN where no actor has a positive weight. ``status_quo`` and
    ``config`` are accepted for a common signature and not used.
    """
    b = prepare(positions, saliences, capabilities, status_quo)
    w = b.weight
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, (w * b.positions).sum(axis=1) / np.where(total > 0, total, 1.0), np.nan)
    return finish(out, b)


def weighted_median(positions, saliences, capabilities, status_quo=None, config=None):
    """Weighted median position, weights capability x salience (the median voter with weights).

    The smallest position at which the cumulative weight reaches half the total; where it is
    exactly half, the midpoint between that position and the next (so that the result does not
    depend on the direction the scale is read). NaN where no actor has a positive weight.
    """
    b = prepare(positions, saliences, capabilities, status_quo)
    w = np.where(b.valid, b.weight, 0.0)
    x = np.where(b.valid & (w > 0), b.positions, np.inf)  # weightless actors sort to the end
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(w, order, axis=1)
    cum = np.cumsum(ws, axis=1)
    total = cum[:, -1:]
    half = total / 2.0
    tol = 1e-12 * np.maximum(total, 1e-300)
    reached = cum >= half - tol
    k = np.argmax(reached, axis=1)
    rows = np.arange(x.shape[0])
    lower = xs[rows, k]
    exactly_half = np.abs(cum[rows, k] - half[:, 0]) <= tol[:, 0]
    nxt = xs[rows, np.minimum(k + 1, x.shape[1] - 1)]
    nxt = np.where(np.isfinite(nxt), nxt, lower)
    out = np.where(exactly_half, (lower + nxt) / 2.0, lower)
    out = np.where(total[:, 0] > 0, out, np.nan)
    return finish(out, b)
