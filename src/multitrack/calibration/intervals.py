"""Interval estimates for shares and differences of shares, and a seeded bootstrap.

Wilson (1927), "Probable inference, the law of succession, and statistical inference", JASA 22;
Newcombe (1998), "Interval estimation for the difference between independent proportions",
Statistics in Medicine 17 (method 10); Efron & Tibshirani (1993), *An Introduction to the Bootstrap*.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.stats import norm


def _z(level: float) -> float:
    return float(norm.ppf(0.5 + level / 2.0))


def wilson(k: int, n: int, level: float = 0.9) -> tuple[float, float, float]:
    """Share k/n with its Wilson score interval; (nan, 0, 1) when n is zero."""
    if n <= 0:
        return float("nan"), 0.0, 1.0
    z, p = _z(level), k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lo, hi = max(0.0, centre - half), min(1.0, centre + half)
    return p, float(min(lo, p)), float(max(hi, p))  # guard against rounding at 0 and 1


def newcombe(k1: int, n1: int, k2: int, n2: int, level: float = 0.9) -> tuple[float, float, float]:
    """Difference of shares k1/n1 - k2/n2 with Newcombe's hybrid Wilson interval."""
    p1, l1, u1 = wilson(k1, n1, level)
    p2, l2, u2 = wilson(k2, n2, level)
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, float(lo), float(hi)


def bootstrap(statistic: Callable[[np.ndarray], np.ndarray], n: int, *, reps: int = 2000,
              level: float = 0.9, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of ``statistic`` over resampled row indices.

    ``statistic`` takes an index array (reps, n) and returns one value per replicate (reps,),
    so the whole bootstrap runs vectorised.
    """
    rng = np.random.default_rng(seed)
    values = statistic(rng.integers(0, n, size=(reps, n)))
    values = values[np.isfinite(values)]
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(values, [tail, 1.0 - tail])
    return float(lo), float(hi)
