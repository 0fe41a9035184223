"""Who accepts an outcome, and whether the forum's decision rule is met."""

from __future__ import annotations

import numpy as np

from .track_space import DecisionRuleArrays, TrackSpace


def tolerance(space: TrackSpace) -> np.ndarray:
    """Per-actor slack for comparing sums of floats with a reservation value."""
    scale = np.maximum(np.abs(space.u_max), np.abs(space.u_min))
    return 1e-9 * np.maximum(scale, 1.0)


def accepts(space: TrackSpace, utility: np.ndarray, allowed: np.ndarray,
            reservation: np.ndarray | None = None) -> np.ndarray:
    """(n_actors, m): no red line broken and at least the reservation value."""
    r = space.reservation if reservation is None else reservation
    return allowed & (utility >= (r - tolerance(space))[:, None])


def rule_met(space: TrackSpace, accepted: np.ndarray) -> np.ndarray:
    """(m,): every veto player accepts, and the qualified or weighted vote is reached."""
    return rule_passes(space.rule, accepted)


def rule_passes(rule: DecisionRuleArrays, accepted: np.ndarray) -> np.ndarray:
    """(m,): ``rule_met`` for a decision rule on its own (``accepted``: n_actors, m), for the
    negotiation simulator, which holds the rule without the track's space."""
    ok = np.all(accepted[list(rule.vetoes)], axis=0) if rule.vetoes else np.ones(accepted.shape[1], bool)
    if rule.kind == "qualified":
        ok &= accepted.sum(axis=0) >= rule.min_participants
    elif rule.kind == "weighted":
        assert rule.weights is not None
        ok &= rule.weights @ accepted >= rule.threshold - 1e-12
    return ok


def no_one_below_baseline(space: TrackSpace, utility: np.ndarray) -> np.ndarray:
    """(m,): the indivisible-security test, no participant worse off than without a deal (its
    status quo, or the disagreement point on a track without a status quo)."""
    return np.all(utility >= (space.baseline - tolerance(space))[:, None], axis=0)
