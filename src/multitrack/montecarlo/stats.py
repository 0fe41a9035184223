"""Estimates with 95% intervals from Monte Carlo draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..results import Result

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate95(Result):
    """A Monte Carlo estimate with its 95% interval."""

    value: float
    low: float
    high: float

    def to_dict(self) -> dict:
        return {"value": self.value, "low": self.low, "high": self.high}


def proportion(hits: np.ndarray) -> Estimate95:
    """Share of True with the Wilson score interval (Wilson 1927, JASA 22), which stays inside
    [0, 1] and behaves at shares near 0 or 1, where most agreement probabilities sit."""
    n = hits.size
    if n == 0:
        return Estimate95(float("nan"), float("nan"), float("nan"))
    p = float(np.count_nonzero(hits)) / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    low, high = float(centre - half), float(centre + half)
    return Estimate95(p, 0.0 if low < 1e-12 else low, 1.0 if high > 1 - 1e-12 else high)


def mean(x: np.ndarray) -> Estimate95:
    """Mean with the normal-approximation interval (draws are independent; paired differences
    between designs are computed on the same draws, so they keep the common random numbers)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n == 0:
        return Estimate95(float("nan"), float("nan"), float("nan"))
    m = float(x.mean())
    half = Z95 * float(x.std(ddof=1)) / float(np.sqrt(n)) if n > 1 else 0.0
    return Estimate95(m, m - half, m + half)
