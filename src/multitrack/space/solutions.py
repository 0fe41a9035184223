"""Bargaining solutions, chosen among the Pareto-optimal acceptable outcomes.

Each concept's maximiser over the acceptable set can be taken on the Pareto frontier, so the
frontier is all they need. Utilities are normalised to [0, 1] over the track's space; the
disagreement point is each bargainer's normalised no-deal value where the track states one (what
it gets if the talks fail), else its reservation value.

- Nash: Nash, J. (1950), "The bargaining problem", Econometrica 18(2), 155-162.
- Weighted (asymmetric) Nash: Kalai, E. (1977), "Nonsymmetric Nash solutions and replications
  of 2-person bargaining", International Journal of Game Theory 6(3), 129-133.
- Kalai-Smorodinsky: Kalai, E. and Smorodinsky, M. (1975), "Other solutions to Nash's bargaining
  problem", Econometrica 43(3), 513-518.
- Egalitarian: Kalai, E. (1977), "Proportional solutions to bargaining situations: interpersonal
  utility comparisons", Econometrica 45(7), 1623-1630 (equal gains; max-min on a discrete set).
- Utilitarian: the largest sum of normalised utilities (Harsanyi's rule).
"""

from __future__ import annotations

import numpy as np

CONCEPTS = ("nash", "weighted_nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


def _pick(primary: np.ndarray, *tiebreaks: np.ndarray) -> int:
    """Index of the largest ``primary``; ties (to 1e-12) go to the larger tiebreaks in order."""
    keys = [np.round(k, 12) for k in reversed(tiebreaks)] + [np.round(primary, 12)]
    return int(np.lexsort([-k for k in keys])[0])


def choose(concept: str, u: np.ndarray, d: np.ndarray, power: np.ndarray | None = None) -> int:
    """Row of ``u`` (m, k normalised utilities of the bargainers) that ``concept`` selects,
    given the disagreement point ``d`` (k,) and, for weighted Nash, bargaining ``power`` (k,)."""
    if u.shape[0] == 0:
        raise ValueError("no acceptable outcome")
    gain = np.maximum(u - d, 0.0)
    total = u.sum(axis=1)
    worst = gain.min(axis=1)
    if concept in ("nash", "weighted_nash"):
        w = np.ones(u.shape[1]) if concept == "nash" or power is None else power / power.sum()
        with np.errstate(divide="ignore"):
            score = (w * np.log(gain)).sum(axis=1)
        return _pick(score, total, worst)
    if concept == "kalai_smorodinsky":
        ideal = u.max(axis=0)
        reach = ideal - d
        live = reach > 1e-12
        ratio = (gain[:, live] / reach[live]).min(axis=1) if live.any() else np.zeros(u.shape[0])
        return _pick(ratio, total, worst)
    if concept == "egalitarian":  # unclipped: under a vote, a passing outcome may leave someone below d
        return _pick((u - d).min(axis=1), total)
    if concept == "utilitarian":
        return _pick(total, worst)
    raise ValueError(f"unknown bargaining solution {concept!r}")


def nash_product(u: np.ndarray, d: np.ndarray, power: np.ndarray | None = None) -> np.ndarray:
    """The (weighted) Nash product of each row: prod (u - d)^w, 0 where a gain is not positive."""
    w = np.ones(u.shape[1]) if power is None else power / power.sum()
    gain = np.maximum(u - d, 0.0)
    return np.prod(gain ** w, axis=1)
