"""What drives a result: a global sensitivity measure of each uncertain input.

Spearman's rank correlation between an input and the outcome over all draws ranks the inputs
(monotone, scale-free and cheap: Saltelli et al. 2008, Global Sensitivity Analysis: The Primer,
Wiley, ch. 1). The tornado bar of an input is the outcome's mean when that input lies in its
lowest third of draws and in its highest third, which reads directly as "if this estimate is
low, agreement is this likely; if high, that likely".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata


@dataclass(frozen=True)
class Driver:
    """One input's effect on one outcome."""

    input: str
    rank_correlation: float
    low_third: float    # outcome mean when the input is in its lowest third
    high_third: float   # outcome mean when the input is in its highest third

    def to_dict(self) -> dict:
        return {"input": self.input, "rank_correlation": self.rank_correlation,
                "low_third": self.low_third, "high_third": self.high_third}


def drivers(inputs: np.ndarray, outcome: np.ndarray, labels: tuple[str, ...], top: int = 8) -> tuple[Driver, ...]:
    """The ``top`` inputs (columns of ``inputs``) with the largest absolute rank correlation with
    ``outcome``; none when the outcome does not vary."""
    y = np.asarray(outcome, dtype=float)
    if inputs.shape[1] == 0 or y.size < 3 or np.ptp(y) == 0:
        return ()
    rho = rank_correlations(inputs, y)
    order = np.argsort(-np.abs(rho), kind="stable")[:top]
    out = []
    for k in order:
        if not np.isfinite(rho[k]) or rho[k] == 0:
            continue
        ranks = rankdata(inputs[:, k], method="ordinal")
        n = len(ranks)
        low, high = ranks <= n / 3, ranks > 2 * n / 3
        out.append(Driver(labels[k], float(rho[k]), float(y[low].mean()), float(y[high].mean())))
    return tuple(out)


def rank_correlations(inputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of every column of ``inputs`` with ``y`` (0 for a constant column)."""
    rx = rankdata(inputs, axis=0)
    ry = rankdata(y)
    rx = rx - rx.mean(axis=0)
    ry = ry - ry.mean()
    den = np.sqrt((rx * rx).sum(axis=0) * (ry * ry).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (rx * ry[:, None]).sum(axis=0) / den
    return np.where(den > 0, rho, 0.0)
