"""The challenger's move: attack iff the prize beats the expected cost of the responses.

With responses independent across guarantors (each decides on its own type only), the
challenger's expected payoff from attacking is V - sum_i P_i D_i against 0 for the status quo
(Zagare & Kilgour 2000: deterrence needs a threat both capable, D, and credible, P). The
challenger does not attack when indifferent (our tie rule).
"""

from __future__ import annotations

import numpy as np

#: Codes of `failure_mode`.
FAILURE_LABELS: tuple[str, ...] = ("holds", "credibility", "capability")


def expected_cost(prob: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """sum_i P_i D_i over the guarantor axis 0: the challenger's expected loss from an attack."""
    return (prob * capability).sum(axis=0)


def deterred(value: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """True where the challenger keeps the status quo: V <= sum_i P_i D_i."""
    return value <= cost


def failure_mode(value: np.ndarray, cost: np.ndarray, full_cost: np.ndarray) -> np.ndarray:
    """0 deterrence holds; 1 fails for credibility only (a sure response, cost sum_i D_i, would
    deter); 2 fails for capability (even a sure response would not deter)."""
    return np.where(value <= cost, 0, np.where(value <= full_cost, 1, 2)).astype(np.int8)
