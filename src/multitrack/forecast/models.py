"""The forecasting models by name: ``MODELS`` maps each name to its function, ``CONFIGS`` to
its config class, and :func:`forecast` runs any of them by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .challenge import ChallengeConfig, expected_utility
from .compromise import weighted_mean, weighted_median
from .condorcet import CondorcetConfig, probabilistic_condorcet

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
