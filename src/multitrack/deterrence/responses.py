"""Closed-form behaviour of a guarantor after an attack: a cutoff in its cost of fighting.

Guarantor i, of fighting cost c, responds iff  s + tau k - u M - c >= -(a [binding reading])
(respond pays stake less fighting and escalation costs; not responding pays the tripwire and,
under a binding reading, the audience cost). This is the sequentially rational move of the
last stage of Zagare & Kilgour's (2000) deterrence game with Fearon's (1997) tied hands; the
guarantor responds when indifferent (our tie rule). Vectorised over parameter draws.
"""

from __future__ import annotations

import numpy as np

#: Order of the four guarantor types: (resolve, reading of the pledge).
TYPES: tuple[tuple[str, str], ...] = (("resolute", "binding"), ("resolute", "discretionary"),
                                       ("irresolute", "binding"), ("irresolute", "discretionary"))


def response_thresholds(p: dict[str, np.ndarray]) -> np.ndarray:
    """(2, ...) highest fighting cost at which the guarantor still responds: binding, discretionary."""
    base = p["stake"] + p["tripwire"] * p["tripwire_cost"] - p["umbrella"] * p["escalation_cost"]
    return np.stack([base + p["audience_cost"], base])


def share_below(theta: np.ndarray, cost: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """P(type cost <= theta) for a cost uniform on [cost - w/2, cost + w/2]; a point mass at w = 0."""
    point = (cost <= theta).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ramp = np.clip((theta - cost + spread / 2) / spread, 0.0, 1.0)
    return np.where(spread > 0, ramp, point)


def type_priors(p: dict[str, np.ndarray]) -> np.ndarray:
    """(4, ...) prior of each type in TYPES: credibility q times the reading (1 - alpha, alpha)."""
    q, alpha = p["credibility"], p["ambiguity"]
    return np.stack([q * (1 - alpha), q * alpha, (1 - q) * (1 - alpha), (1 - q) * alpha])


def type_response(p: dict[str, np.ndarray]) -> np.ndarray:
    """(4, ...) probability that each type in TYPES responds (0 or 1 when type_spread is 0)."""
    theta_b, theta_d = response_thresholds(p)
    w = p["type_spread"]
    return np.stack([share_below(theta_b, p["cost_resolute"], w), share_below(theta_d, p["cost_resolute"], w),
                     share_below(theta_b, p["cost_irresolute"], w),
                     share_below(theta_d, p["cost_irresolute"], w)])


def response_probability(p: dict[str, np.ndarray]) -> np.ndarray:
    """Probability, as the challenger sees it, that the guarantor responds to an attack."""
    return (type_priors(p) * type_response(p)).sum(axis=0)


def capability(p: dict[str, np.ndarray]) -> np.ndarray:
    """Challenger's expected loss if this guarantor responds: war cost d plus u N (the umbrella)."""
    return p["war_cost"] + p["umbrella"] * p["nuclear_cost"]
