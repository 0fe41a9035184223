"""Outcome forecasting with spatial bargaining models: where will a decision land, given each
actor's position, salience and capability on a numeric issue?

Models (pure numpy, batched over rows of issues or draws, NaN = actor without a position):

- ``mean``: weighted mean, weights capability x salience (Achen 2006's compromise model);
- ``median``: weighted median, the same weights (the median voter with weights);
- ``challenge``: expected-utility challenge model of Bueno de Mesquita's family as set out by
  Scholz, Calbert and Smith (2011);
- ``condorcet``: KTAB-style probabilistic Condorcet election over positions (Wise, Lester and
  Efird 2015).

``forecast(name, positions, saliences, capabilities, status_quo=None, config=None)`` runs any of
them by name; ``MODELS`` maps names to the functions and ``CONFIGS`` to their config classes.
Readers for DEU III and KTAB files are in :mod:`multitrack.forecast.readers`, the backtest in
:mod:`multitrack.forecast.backtest`. See docs/forecasting.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .challenge import (
    ChallengeConfig,
    ChallengeResult,
    ChallengeRound,
    challenge_round,
    expected_utility,
    run_challenge,
)
from .compromise import weighted_mean, weighted_median
from .condorcet import CondorcetConfig, CondorcetResult, probabilistic_condorcet, run_condorcet

MODELS: dict[str, Callable[..., Any]] = {
    "mean": weighted_mean,
    "median": weighted_median,
    "challenge": expected_utility,
    "condorcet": probabilistic_condorcet,
}

#: Config class of each model that has settings (None: no settings).
CONFIGS: dict[str, type | None] = {
    "mean": None,
    "median": None,
    "challenge": ChallengeConfig,
    "condorcet": CondorcetConfig,
}


def forecast(model_name: str, positions, saliences, capabilities, status_quo=None, config=None):
    """Forecast of the named model: float for one issue (n_actors,), array for (n_rows, n_actors).

    ``config`` is the model's config object, or a dict of its settings.
    """
    if model_name not in MODELS:
        raise ValueError(f"unknown forecast model {model_name!r} (known: {', '.join(MODELS)})")
    cls = CONFIGS[model_name]
    if isinstance(config, dict):
        if cls is None:
            if config:
                raise ValueError(f"model {model_name!r} has no settings")
            config = None
        else:
            config = cls(**config)
    return MODELS[model_name](positions, saliences, capabilities, status_quo, config)


__all__ = [
    "CONFIGS",
    "MODELS",
    "ChallengeConfig",
    "ChallengeResult",
    "ChallengeRound",
    "CondorcetConfig",
    "CondorcetResult",
    "challenge_round",
    "expected_utility",
    "forecast",
    "probabilistic_condorcet",
    "run_challenge",
    "run_condorcet",
    "weighted_mean",
    "weighted_median",
]

from . import analysis as _analysis  # noqa: E402,F401  (registers the analysis)
