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
from .models import CONFIGS, MODELS, forecast

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
