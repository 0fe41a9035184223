"""Who accepts an outcome, and whether the forum's decision rule is met: the preference model's
acceptance (:mod:`multitrack.settlement.preferences`) on a space at one set of values."""

from __future__ import annotations

import numpy as np

from ..settlement import preferences
from ..settlement.preferences import rule_passes
from .track_space import TrackSpace

__all__ = ["accepts", "no_one_below_baseline", "rule_met", "rule_passes", "tolerance"]


def tolerance(space: TrackSpace) -> np.ndarray:
    """Per-actor slack for comparing sums of floats with a reservation value."""
    return preferences.tolerance(space.u_min, space.u_max)


def accepts(space: TrackSpace, utility: np.ndarray, allowed: np.ndarray,
            reservation: np.ndarray | None = None) -> np.ndarray:
    """(n_actors, m): no red line broken and at least the reservation value."""
    r = space.reservation if reservation is None else reservation
    return preferences.accepts(utility, allowed, r, tolerance(space))


def rule_met(space: TrackSpace, accepted: np.ndarray) -> np.ndarray:
    """(m,): every veto player accepts, and the qualified or weighted vote is reached."""
    return rule_passes(space.rule, accepted)


def no_one_below_baseline(space: TrackSpace, utility: np.ndarray) -> np.ndarray:
    """(m,): the indivisible-security test, no participant worse off than without a deal (its
    disagreement point: its no-deal value, else its status quo, else its reservation value)."""
    return np.all(utility >= (space.baseline - tolerance(space))[:, None], axis=0)
