"""The registered "forecast" analysis: where each numeric issue of the scenario will land under
the spatial bargaining models (compromise mean and median, the expected-utility challenge
model, a probabilistic Condorcet model), with the spread over the uncertain inputs, beside the
bargaining solutions of the agreement-space analysis (docs/forecasting.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..analysis import names_setting, register
from ..montecarlo import plan_chunks, run_chunks
from ..montecarlo.chunks import ChunkTask
from ..progress import ProgressCallback
from ..results import Result, plain
from ..scenario.model import Scenario
from . import MODELS, ChallengeConfig, forecast

SOLUTION_CONCEPTS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


class ForecastConfig(BaseModel):
    """Which models, how many draws of the uncertain inputs, the seed and the interval width."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    models: tuple[str, ...] = Field(tuple(MODELS), description="Models to run (mean, median, challenge, condorcet).")
    draws: int = Field(500, ge=1, le=200_000, description="Monte Carlo draws of the uncertain inputs.")
    seed: int = Field(20240601, ge=0, description="Root seed; the same seed gives the same results.")
    chunk_size: int = Field(500, ge=1, le=100_000, description="Draws per task.")
    level: float = Field(0.9, gt=0, lt=1, description="Width of the intervals over the uncertain inputs.")

    @field_validator("models", mode="before")
    @classmethod
    def _models(cls, v: Any) -> tuple[str, ...]:
        return names_setting(v, tuple(MODELS), "model")


@dataclass(frozen=True)
class ModelForecast(Result):
    """One model's forecast: at the central estimates, and mean and interval over the draws."""

    model: str
    nominal: float
    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class IssueForecast(Result):
    track: str
    issue: str
    title: str
    unit: str | None
    low: float
    high: float
    status_quo: float | None  # None: the track has no status quo (the models do not need one)
    actors: tuple[str, ...]
    positions: tuple[float, ...]  # each actor's most preferred value at the central estimates
    weights: tuple[float, ...]  # capability x salience at the central estimates, summing to 1
    forecasts: tuple[ModelForecast, ...]
    solutions: dict = field(default_factory=dict)  # bargaining solution -> its value on this issue

    def model(self, name: str) -> ModelForecast:
        return next(f for f in self.forecasts if f.model == name)


@dataclass(frozen=True)
class ForecastResult(Result):
    draws: int
    seed: int
    level: float
    models: tuple[str, ...]
    issues: tuple[IssueForecast, ...]
    notes: tuple[str, ...] = ()

    def issue(self, issue_id: str) -> IssueForecast:
        return next(i for i in self.issues if i.issue == issue_id)

    def to_dict(self) -> dict:
        """Plain data; an issue of a track without a status quo has no status-quo field."""
        data = plain(self)
        for issue in data["issues"]:
            if issue["status_quo"] is None:
                del issue["status_quo"]
        return data

    def rows(self) -> list[dict]:
        return [{"track": i.track, "issue": i.issue, "model": f.model, "nominal": f.nominal, "mean": f.mean,
                 "low": f.low, "high": f.high} for i in self.issues for f in i.forecasts]


# --------------------------------------------------------------------------- inputs of an issue


@dataclass(frozen=True)
class _Issue:
    """A numeric issue with the estimates the models read, in a fixed actor order."""

    track: Any
    issue: Any
    actors: tuple[str, ...]
    ideals: tuple[Any, ...]  # an estimate, or a fixed number (monotone or points shapes)
    saliences: tuple[Any, ...]


def _ideal(issue, pos) -> Any:
    """The actor's most preferred value: its ideal point, the end its monotone preference points
    to, or the best of its utility points (at their central values)."""
    if pos.ideal is not None:
        return pos.ideal
    if pos.monotone is not None:
        return issue.high if pos.monotone.value == "increasing" else issue.low
    xs = [x for x, _ in pos.points]
    ys = [y.nominal for _, y in pos.points]
    return float(xs[int(np.argmax(ys))])


def numeric_issues(scenario: Scenario) -> tuple[_Issue, ...]:
    """Every integer or continuous issue of a track under negotiation, with at least one position."""
    out = []
    for track in scenario.active_tracks:
        for issue in track.issues:
            if issue.kind not in ("integer", "continuous") or not issue.positions:
                continue
            actors = tuple(issue.positions)
            out.append(_Issue(track, issue, actors, tuple(_ideal(issue, issue.positions[a]) for a in actors),
                              tuple(issue.positions[a].salience for a in actors)))
    return tuple(out)


def _sample(value: Any, rng: np.random.Generator, size: int) -> np.ndarray:
    return np.full(size, float(value)) if isinstance(value, (int, float)) else value.sample(rng, size)


def _nominal(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else float(value.nominal)


def _run_models(models: tuple[str, ...], pos, sal, cap, sq, scale: float) -> dict[str, np.ndarray]:
    configs = {"challenge": ChallengeConfig(salience_scale=scale)}
    return {m: np.atleast_1d(forecast(m, pos, sal, cap, status_quo=sq, config=configs.get(m))) for m in models}


def _scale(item: _Issue) -> float:
    """The salience scale of the challenge model: 1 for saliences in [0, 1], else the largest."""
    return max(1.0, max(s.support[1] for s in item.saliences))


# --------------------------------------------------------------------------- one chunk


def evaluate_chunk(scenario: Scenario, models: tuple[str, ...], task: ChunkTask) -> dict[str, np.ndarray]:
    """Every model's forecast of every numeric issue on this chunk's draws (capabilities are
    drawn once per draw and shared by all issues)."""
    rng = task.rng()
    n = task.size
    caps = {a.id: a.capability.sample(rng, n) for a in scenario.actors}
    out = {}
    for item in numeric_issues(scenario):
        pos = np.column_stack([_sample(v, rng, n) for v in item.ideals])
        sal = np.column_stack([s.sample(rng, n) for s in item.saliences])
        cap = np.column_stack([caps[a] for a in item.actors])
        sq = np.full(n, np.nan) if item.issue.status_quo is None else _sample(item.issue.status_quo, rng, n)
        for m, values in _run_models(models, pos, sal, cap, sq, _scale(item)).items():
            out[f"{item.issue.id}/{m}"] = values
    return out


# --------------------------------------------------------------------------- summary


def _solutions(upstream: dict, item: _Issue) -> dict[str, float]:
    agreement = upstream.get("agreement")
    if agreement is None:
        return {}
    try:
        track = agreement.track(item.track.id)
    except StopIteration:
        return {}
    out = {}
    for s in track.solutions:
        value = s.outcome.get(item.issue.id) if s.concept in SOLUTION_CONCEPTS else None
        if isinstance(value, (int, float)):
            out[s.concept] = float(value)
    return out


def _summarise(scenario: Scenario, item: _Issue, models: tuple[str, ...], arrays: dict, level: float,
               upstream: dict) -> IssueForecast:
    pos = np.array([_nominal(v) for v in item.ideals])
    sal = np.array([s.nominal for s in item.saliences])
    cap = np.array([scenario.actor(a).capability.nominal for a in item.actors])
    sq = np.nan if item.issue.status_quo is None else item.issue.status_quo.nominal
    nominal = _run_models(models, pos[None], sal[None], cap[None], np.array([sq]), _scale(item))
    tail = (1 - level) / 2 * 100
    forecasts = []
    for m in models:
        draws = arrays[f"{item.issue.id}/{m}"]
        lo, hi = np.percentile(draws, [tail, 100 - tail])
        forecasts.append(ModelForecast(m, float(nominal[m][0]), float(draws.mean()), float(lo), float(hi)))
    weights = cap * sal
    weights = weights / weights.sum() if weights.sum() > 0 else weights
    return IssueForecast(track=item.track.id, issue=item.issue.id, title=item.issue.title or item.issue.id,
                         unit=item.issue.unit, low=item.issue.low, high=item.issue.high,
                         status_quo=None if item.issue.status_quo is None else float(sq),
                         actors=item.actors, positions=tuple(map(float, pos)), weights=tuple(map(float, weights)),
                         forecasts=tuple(forecasts), solutions=_solutions(upstream, item))


@register("forecast", "Outcome forecasts of the numeric issues", order=15, config=ForecastConfig, parallel=True,
          applies=lambda scenario: bool(numeric_issues(scenario)), uses=("agreement",))
def forecast_analysis(scenario: Scenario, *, config: ForecastConfig | None = None,
                      progress: ProgressCallback | None = None, executor=None, checkpoint=None,
                      upstream: dict | None = None) -> ForecastResult:
    """Where each numeric issue lands under the compromise, challenge and Condorcet models
    (Achen 2006; Scholz, Calbert & Smith 2011; KTAB), over the uncertain inputs."""
    config = config or ForecastConfig()
    tasks = plan_chunks(config.draws, config.chunk_size, config.seed)
    arrays = run_chunks(partial(evaluate_chunk, scenario, config.models), tasks, executor=executor,
                        progress=progress, task_name="forecasts")
    issues = tuple(_summarise(scenario, item, config.models, arrays, config.level, upstream or {})
                   for item in numeric_issues(scenario))
    return ForecastResult(draws=config.draws, seed=config.seed, level=config.level, models=config.models,
                          issues=issues)


__all__ = ["ForecastConfig", "ForecastResult", "IssueForecast", "ModelForecast", "forecast_analysis"]
