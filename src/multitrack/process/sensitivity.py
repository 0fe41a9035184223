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

from ..results import Result


@dataclass(frozen=True)
class Driver(Result):
    """One input's effect on one outcome."""

    input: str
    rank_correlation: float
    low_third: float    # outcome mean when the input is in its lowest third
    high_third: float   # outcome mean when the input is in its highest third

    def to_dict(self) -> dict:
        return {"input": self.input, "rank_correlation": self.rank_correlation,
                "low_third": self.low_third, "high_third": self.high_third}


class RankedInputs:
    """The inputs' ranks, computed once and shared by every outcome whose drivers are sought."""

    def __init__(self, inputs: np.ndarray) -> None:
        self.n, self.k = inputs.shape
        ranks = rankdata(inputs, axis=0) if inputs.size else np.zeros(inputs.shape)
        self.centred = ranks - ranks.mean(axis=0)
        self.norm = np.sqrt((self.centred ** 2).sum(axis=0))
        order = rankdata(inputs, axis=0, method="ordinal") if inputs.size else np.zeros(inputs.shape)
        self.low, self.high = order <= self.n / 3, order > 2 * self.n / 3

    def correlations(self, y: np.ndarray) -> np.ndarray:
        """Spearman's rho of every input with ``y`` (0 for a constant input)."""
        ry = rankdata(y)
        ry = ry - ry.mean()
        den = self.norm * np.sqrt((ry * ry).sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = (ry @ self.centred) / den
        return np.where(den > 0, rho, 0.0)


def drivers(inputs: np.ndarray | RankedInputs, outcome: np.ndarray, labels: tuple[str, ...],
            top: int = 8) -> tuple[Driver, ...]:
    """The ``top`` inputs (columns of ``inputs``) with the largest absolute rank correlation with
    ``outcome``; none when the outcome does not vary."""
    ranked = inputs if isinstance(inputs, RankedInputs) else RankedInputs(inputs)
    y = np.asarray(outcome, dtype=float)
    if ranked.k == 0 or y.size < 3 or np.ptp(y) == 0:
        return ()
    rho = ranked.correlations(y)
    order = np.argsort(-np.abs(rho), kind="stable")[:top]
    return tuple(Driver(labels[k], float(rho[k]), float(y[ranked.low[:, k]].mean()),
                        float(y[ranked.high[:, k]].mean()))
                 for k in order if np.isfinite(rho[k]) and rho[k] != 0)


def rank_correlations(inputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of every column of ``inputs`` with ``y`` (0 for a constant column)."""
    return RankedInputs(inputs).correlations(np.asarray(y, dtype=float))
