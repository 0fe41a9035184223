"""Solve the crisis game in closed form for every parameter draw at once (no loop over draws).

Backward induction with Bayesian beliefs: each guarantor type responds iff its cost is below
its cutoff (responses.py); the challenger, knowing only the priors, attacks iff V exceeds
sum_i P_i D_i (challenger.py). The profile is the game's perfect Bayesian equilibrium, unique
up to ties (Zagare & Kilgour 2000; Fearon 1997).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from multitrack.deterrence.challenger import deterred, expected_cost, failure_mode
from multitrack.deterrence.model import CrisisGame
from multitrack.deterrence.outcome import DeterrenceOutcome
from multitrack.deterrence.params import game_arrays
from multitrack.deterrence.responses import capability, response_thresholds, type_priors, type_response


def solve(game: CrisisGame, draws: Mapping[str, object] | None = None) -> DeterrenceOutcome:
    """The equilibrium for each draw; `draws` maps parameter names to arrays (see params.py)."""
    arrs = game_arrays(game, draws)
    shape, gs = arrs.shape, arrs.guarantors
    type_resp = _stack([type_response(p) for p in gs], (4, *shape))
    respond = (_stack([type_priors(p) for p in gs], (4, *shape)) * type_resp).sum(axis=1)
    cap = _stack([capability(p) for p in gs], shape)
    cost, value = expected_cost(respond, cap), arrs.challenger_value
    return DeterrenceOutcome(
        names=arrs.names, challenger_value=value, deterred=deterred(value, cost), respond=respond,
        type_respond=type_resp, thresholds=_stack([response_thresholds(p) for p in gs], (2, *shape)),
        capability=cap, expected_cost=cost, failure=failure_mode(value, cost, cap.sum(axis=0)))


def solve_arrays(game: CrisisGame, draws: Mapping[str, object] | None = None) -> dict[str, np.ndarray]:
    """solve(...).as_arrays(): name -> array, the shape a Monte Carlo engine collects."""
    return solve(game, draws).as_arrays()


def _stack(parts: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    return np.stack(parts) if parts else np.zeros((0, *shape))
