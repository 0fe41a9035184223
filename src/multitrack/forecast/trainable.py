"""Forecast models that learn from past decisions: fitted on training issues, applied to new ones.

A :class:`TrainableModel` is fitted on an :class:`~multitrack.forecast.readers.IssueSet` of
decided issues and returns a :class:`FittedForecast`: frozen parameters, a line saying what was
chosen, and ``predict(issues)`` for issues it has never seen. The backtest
(:mod:`multitrack.forecast.backtest`) treats every model through this one interface: models
without free parameters (the compromise model, the weighted median) are wrapped by
:func:`fixed`, models with a grid of settings by :func:`grid_search`, and learned models fit
themselves. A model's ``fit`` sees only the training issues (their outcomes included) and must
split them by ``issues.groups`` (proposals) when it cross-validates internally, so that the
backtest's own folds stay honest.

``TRAINABLE`` holds every registered model by name; :mod:`multitrack.forecast.catalogue`
imports the modules that register themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from .models import MODELS, forecast
from .readers import IssueSet


@dataclass(frozen=True)
class FittedForecast:
    """A model fitted on training issues: what it chose and how it forecasts new issues."""

    model: str
    chosen: str                                  # the fitted settings in a few words
    predict_fn: Callable[[IssueSet], np.ndarray] = field(repr=False)
    parameters: dict[str, Any] = field(default_factory=dict)  # for the record (JSON-ready)

    def predict(self, issues: IssueSet) -> np.ndarray:
        """Forecast per issue (NaN where the model gives none)."""
        return np.asarray(self.predict_fn(issues), dtype=float).reshape(len(issues))


@dataclass(frozen=True)
class TrainableModel:
    """A forecast model by name, with its literature reference and how it is fitted.

    ``free_parameters`` is False for models that ignore their training issues (their backtest
    error needs no cross-validation). ``choices`` documents the open choices the model makes
    where the literature leaves them open.
    """

    name: str
    reference: str
    fit_fn: Callable[[IssueSet, int], FittedForecast] = field(repr=False)
    free_parameters: bool = True
    choices: tuple[str, ...] = ()
    summary: str = ""

    def fit(self, train: IssueSet, seed: int = 0) -> FittedForecast:
        """Fit on the training issues with a known outcome (the others are dropped first)."""
        known = ~np.isnan(train.outcome)
        return self.fit_fn(train.subset(known) if not known.all() else train, seed)


#: Every registered model by name, in registration order.
TRAINABLE: dict[str, TrainableModel] = {}


def register(model: TrainableModel) -> TrainableModel:
    """Add ``model`` to :data:`TRAINABLE` (a name may be registered once)."""
    if model.name in TRAINABLE and TRAINABLE[model.name] is not model:
        raise ValueError(f"forecast model {model.name!r} is registered twice")
    TRAINABLE[model.name] = model
    return model


def predict_with(issues: IssueSet, model: str, config: Any = None) -> np.ndarray:
    """Forecasts of one of the spatial models in :data:`~multitrack.forecast.models.MODELS`."""
    return np.asarray(forecast(model, issues.positions, issues.saliences, issues.capabilities,
                               issues.status_quo, config), dtype=float)


def describe(config: Any) -> str:
    """A config's settings that differ from its defaults, as ``k=v,...`` (``defaults`` if none)."""
    if config is None:
        return "defaults"
    default = type(config)()
    changed = [f"{f.name}={getattr(config, f.name)}" for f in fields(config)
               if getattr(config, f.name) != getattr(default, f.name)]
    return ",".join(changed) or "defaults"


def fixed(name: str, reference: str, summary: str = "") -> TrainableModel:
    """A spatial model without free parameters: fitting changes nothing."""
    if name not in MODELS:
        raise ValueError(f"unknown forecast model {name!r}")

    def fit(train: IssueSet, seed: int) -> FittedForecast:
        return FittedForecast(name, "no free parameters", lambda issues: predict_with(issues, name))

    return TrainableModel(name, reference, fit, free_parameters=False, summary=summary)


def grid_search(name: str, grid: Sequence[Any], reference: str, summary: str = "") -> TrainableModel:
    """A spatial model whose settings are chosen from ``grid`` by the lowest mean absolute error on
    the training issues (ties: the first in the grid)."""
    grid = tuple(grid)

    def fit(train: IssueSet, seed: int) -> FittedForecast:
        errors = [np.nanmean(np.abs(predict_with(train, name, cfg) - train.outcome)) for cfg in grid]
        best = grid[int(np.nanargmin(errors))]
        return FittedForecast(name, describe(best), lambda issues: predict_with(issues, name, best),
                              {"config": describe(best)})

    return TrainableModel(name, reference, fit, summary=summary,
                          choices=(f"settings chosen from {len(grid)} by training error",))


__all__ = ["TRAINABLE", "FittedForecast", "TrainableModel", "describe", "fixed", "grid_search",
           "predict_with", "register"]
