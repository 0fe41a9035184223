"""The forecast models as model variants (issue 17, item 5): where an issue lands depends on which
spatial bargaining model one believes, and the literature defends more than one (the compromise
mean and the weighted median, Achen 2006; the expected-utility challenge model, Bueno de Mesquita
1994; the probabilistic Condorcet model, Wise, Lester & Efird 2015). Each model run is one named
variant; the spread of their forecasts at the central estimates is the *model range* of the issue.

A model range is not an interval: it is the span between defensible model choices, with no
probability attached and no draw behind it, so it is reported beside the interval over the inputs
and each end names the model that gives it. One model run gives no range: the choice of model is
then a structural assumption of the run, and the result says so.

The headline is the model that did best out of sample in the project's backtest on real decisions
among the models a settlement can run (the weighted mean; docs/forecasting.md, DEU III: MAE 23.6
against 24.4 to 29.1 for the other spatial models), unless the settings name another or it was not
run (then the first model run). The models that learn from EU decisions and beat it there (the
candidate-choice and exchange models) read the Commission's and the Parliament's roles, proposals
of several issues and training outcomes, none of which a security settlement has; they are not
run on a scenario.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..results import Result

#: Of the models a scenario's forecast analysis runs, the one with the lowest out-of-sample mean
#: absolute error in the project's backtest on DEU III decisions (docs/forecasting.md, seed 0, 5
#: folds). The learned EU models that beat it there need EU roles and training data.
BACKTEST_BEST = "mean"
#: Where that backtest is reported.
BACKTEST_SOURCE = "the backtest on DEU III decisions in docs/forecasting.md"
#: The kind of a model range, in words, for renderers.
MODEL_RANGE = "model range"


@dataclass(frozen=True)
class ModelRange(Result):
    """The span of an issue's forecast across the models run (their forecasts at the central
    estimates), with the models at each end and the headline model's forecast."""

    headline_model: str
    headline: float
    low: float
    high: float
    low_models: tuple[str, ...]   # the models whose forecast is the low end (ties: all of them)
    high_models: tuple[str, ...]
    models: int                   # how many models span the range
    kind: str = MODEL_RANGE       # not an interval: no probability, no draws behind it

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True)
class Headline:
    """The model a forecast leads with, and why."""

    model: str
    reason: str


def model_range(forecasts: Mapping[str, float], headline: str, tolerance: float = 1e-9) -> ModelRange | None:
    """The model range of one issue from each model's forecast (by name); None with fewer than two
    models (the model choice is then structural). Models within ``tolerance`` of an end share it."""
    if len(forecasts) < 2:
        return None
    low, high = min(forecasts.values()), max(forecasts.values())
    at_low = tuple(m for m, v in forecasts.items() if v - low <= tolerance)
    at_high = tuple(m for m, v in forecasts.items() if high - v <= tolerance)
    return ModelRange(headline, float(forecasts[headline]), float(low), float(high), at_low, at_high,
                      len(forecasts))


def best_in_backtest(report: Any, models: Sequence[str]) -> str | None:
    """The model run with the lowest out-of-sample error in a backtest (a
    :class:`~multitrack.forecast.backtest.BacktestReport`, not imported here: the backtest imports
    the models' package): the cross-validated MAE of a tuned model, the plain MAE of one without
    settings (nothing is fitted to the outcomes)."""
    scores = {r.model: (r.cv_mae or r.mae).value for r in report.rows if r.model in models}
    return min(scores, key=lambda m: scores[m]) if scores else None


def headline_model(models: Sequence[str], chosen: str | None = None, best: str | None = BACKTEST_BEST,
                   source: str = BACKTEST_SOURCE) -> Headline:
    """Which model leads: the one the settings choose, else the backtest-best where it ran, else
    the first model run."""
    if chosen is not None:
        return Headline(chosen, "chosen in the analysis settings")
    if best is not None and best in models:
        return Headline(best, f"the best out of sample in {source}")
    why = ("no model run was scored in a backtest" if best is None
           else f"{best}, best in {source}, was not run")
    return Headline(models[0], f"the first model run ({why})")


def structural_note(model: str) -> str:
    """What a run with one forecast model says instead of a range."""
    return (f"Only one forecast model ran ({model}): the choice of model is a structural assumption of this "
            "run, so there is no model range; the other models may land elsewhere.")


__all__ = ["BACKTEST_BEST", "BACKTEST_SOURCE", "MODEL_RANGE", "Headline", "ModelRange", "best_in_backtest",
           "headline_model", "model_range", "structural_note"]
