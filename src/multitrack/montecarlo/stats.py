"""Summaries of per-draw results that say what their interval measures.

A run draws every uncertain input of the scenario (the run's draws) and evaluates each result
once per draw. Two different things can then be said of a result, and they must not share a
label:

* the **spread over the inputs** (``SPREAD``): how much the result varies because the inputs are
  uncertain, read off the per-draw values (their 2.5th and 97.5th percentiles). It is a property of
  the scenario's uncertainty, not of the number of draws: adding draws sharpens its ends but does
  not narrow it, and duplicating the draws leaves it exactly as it was;
* the **precision of a Monte Carlo estimate** (``MC``): how far a share of draws (a probability
  over the inputs, such as "deterrence holds") or a mean could be from its value with infinitely
  many draws. It shrinks as 1/sqrt(draws) and is only worth showing where it could change the
  figure as printed.

A result that no draw changes is ``STRUCTURAL``: the same in every draw, so it has no interval
of either kind. A run whose scenario has no uncertain input evaluates once, and everything in it
is structural.

So a per-draw quantity (tracks agreed, a gain, a margin) is summarised by :func:`mean` (its mean,
the spread over the inputs, and the MC error of the mean), and a share of draws by
:func:`proportion` (a point value with its MC error and Wilson interval).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..results import Result

Z95 = 1.959963984540054

SPREAD = "spread over inputs"
MC = "Monte Carlo precision"
STRUCTURAL = "structural"
KINDS = (SPREAD, MC, STRUCTURAL)

#: The ends of the spread over the inputs: the central 95% of the per-draw values.
SPREAD_LEVEL = 0.95

#: Per-draw values closer than this (relative to their size) count as "the same in every draw".
_SAME = 1e-12


@dataclass(frozen=True)
class Estimate95(Result):
    """A result over the run's draws: its value, the ends ``low``..``high`` of its interval, and
    what that interval is (``kind``):

    * ``"spread over inputs"``: the central 95% of the per-draw values;
    * ``"Monte Carlo precision"``: a 95% interval of a share of draws (Wilson score);
    * ``"structural"``: the same in every draw; ``low == high == value`` and there is no interval.

    ``mc_error`` is the Monte Carlo standard error of ``value`` (0 when structural, None where
    not computed); ``draws`` the number of draws it summarises."""

    value: float
    low: float
    high: float
    kind: str = SPREAD
    mc_error: float | None = None
    draws: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")

    @property
    def structural(self) -> bool:
        """True when no draw changes the result (no interval to show)."""
        return self.kind == STRUCTURAL

    @property
    def interval(self) -> tuple[float, float] | None:
        """(low, high), or None for a structural result."""
        return None if self.structural else (self.low, self.high)

    def mc_matters(self, unit: float) -> bool:
        """Whether the Monte Carlo error (95%) could change the figure as printed to ``unit``
        (e.g. 0.01 for a share shown in whole percent): at least half a unit."""
        return bool(self.mc_error) and Z95 * float(self.mc_error or 0.0) >= unit / 2

    def to_dict(self) -> dict:
        """value, low, high (equal to value when structural: the kind says there is no interval),
        kind, draws and, where computed, mc_error."""
        out: dict = {"value": self.value, "low": self.low, "high": self.high, "kind": self.kind,
                     "draws": self.draws}
        if self.mc_error is not None:
            out["mc_error"] = self.mc_error
        return out


def structural(value: float, draws: int = 1) -> Estimate95:
    """A result that is the same in every draw."""
    v = float(value)
    return Estimate95(v, v, v, STRUCTURAL, 0.0, int(draws))


def _empty() -> Estimate95:
    nan = float("nan")
    return Estimate95(nan, nan, nan, STRUCTURAL, None, 0)


def _same_everywhere(x: np.ndarray) -> bool:
    lo, hi = float(x.min()), float(x.max())
    return hi - lo <= _SAME * max(1.0, abs(lo), abs(hi))


def proportion(hits: np.ndarray) -> Estimate95:
    """Share of draws in which ``hits`` is True: a probability over the inputs, reported as a
    point value with its Monte Carlo error sqrt(p(1-p)/n) and the Wilson score interval
    (Wilson 1927, JASA 22), which stays inside [0, 1] and behaves near 0 and 1. Structural when
    every draw agrees (0% or 100% of them)."""
    hits = np.asarray(hits, dtype=bool).ravel()
    n = hits.size
    if n == 0:
        return _empty()
    k = int(np.count_nonzero(hits))
    p = k / n
    if k in (0, n):
        return structural(p, n)
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * np.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    low, high = float(centre - half), float(centre + half)
    return Estimate95(p, max(low, 0.0), min(high, 1.0), MC, float(np.sqrt(p * (1 - p) / n)), n)


def spread(x: np.ndarray, level: float = SPREAD_LEVEL) -> tuple[float, float]:
    """The central ``level`` of the per-draw values: their empirical quantiles (the inverse of
    the empirical distribution function, Hyndman & Fan 1996 definition 1), which depend only on
    that function, so duplicated draws leave them unchanged."""
    tail = (1 - level) / 2
    lo, hi = np.quantile(np.asarray(x, dtype=float), [tail, 1 - tail], method="inverted_cdf", axis=0)
    return float(lo), float(hi)


def mean(x: np.ndarray, level: float = SPREAD_LEVEL) -> Estimate95:
    """A per-draw quantity summarised over the draws: its mean, the spread of its per-draw values
    over the inputs (:func:`spread`) and the Monte Carlo error of the mean (sample standard
    deviation / sqrt(n)). Paired differences between designs are per-draw quantities too and keep
    the common random numbers. Structural when every draw gives the same value."""
    x = np.asarray(x, dtype=float).ravel()
    n = x.size
    if n == 0:
        return _empty()
    if _same_everywhere(x):
        return structural(float(x[0]), n)
    low, high = spread(x, level)
    se = float(x.std(ddof=1)) / float(np.sqrt(n))
    return Estimate95(float(x.mean()), low, high, SPREAD, se, n)


def share_difference(a: np.ndarray, b: np.ndarray) -> Estimate95:
    """The difference of two shares of the same draws (P(a) - P(b)), with the Monte Carlo
    error of the paired difference and its normal 95% interval; structural when a and b agree
    in every draw or neither varies."""
    d = np.asarray(a, dtype=float).ravel() - np.asarray(b, dtype=float).ravel()
    n = d.size
    if n == 0:
        return _empty()
    if _same_everywhere(d):
        return structural(float(d[0]), n)
    m = float(d.mean())
    se = float(d.std(ddof=1)) / float(np.sqrt(n)) if n > 1 else 0.0
    return Estimate95(m, max(m - Z95 * se, -1.0), min(m + Z95 * se, 1.0), MC, se, n)


def kind_words(kind: str) -> str:
    """What an interval of this kind is, in a reader's words."""
    return {SPREAD: "spread over the uncertain inputs (central 95% of the draws)",
            MC: "Monte Carlo precision (95%)",
            STRUCTURAL: "the same in every draw"}[kind]
