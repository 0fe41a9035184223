"""The registered "forecast" analysis: where each numeric issue of the scenario will land under
the spatial bargaining models (compromise mean and median, the expected-utility challenge
model, a probabilistic Condorcet model), with the spread over the uncertain inputs, beside the
bargaining solutions of the agreement-space analysis (docs/forecasting.md). The models are run as
named model variants: each issue carries the range of their central forecasts (a model range, not
an interval) beside each model's interval over the inputs, led by the backtest-best model
(:mod:`multitrack.forecast.variants`). Each model's forecast is flagged where it lies beyond a
veto player's red line (:mod:`multitrack.forecast.red_lines`) and given again conditional on
agreement, inside the values every veto player accepts (:mod:`multitrack.forecast.on_agreement`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..analysis import names_setting, register
from ..montecarlo import run_chunks
from ..montecarlo.chunks import ChunkTask
from ..montecarlo.perdraw import PerDraw, per_draw_field
from ..progress import ProgressCallback
from ..results import LinkEffect, Result, by_id, plain
from ..scenario.model import Scenario
from ..settlement import DrawValues, RunDraws, Settlement, settlement_of
from ..settlement.membership import own_capability, present_members, shared_absent, shared_members
from ..settlement.preferences import ideal_point
from .challenge import ChallengeConfig
from .models import MODELS, forecast
from .on_agreement import (
    AcceptableRange,
    AgreedForecast,
    acceptable_range,
    acceptable_set,
    agreed_position,
    summarise,
)
from .red_lines import ForecastBreach, beyond, breaches, key, veto_red_lines
from .variants import ModelRange, headline_model, model_range, structural_note

SOLUTION_CONCEPTS = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


class ForecastConfig(BaseModel):
    """Which models and the interval width (the draws and seed are the run's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    models: tuple[str, ...] = Field(tuple(MODELS), description="Models to run (mean, median, challenge, "
                                    "condorcet).")
    level: float = Field(0.9, gt=0, lt=1, description="Width of the intervals over the uncertain inputs.")
    headline: str | None = Field(None, description="Model to lead with (default: the backtest-best, the "
                                 "weighted mean, where it runs; else the first model).")

    @field_validator("models", mode="before")
    @classmethod
    def _models(cls, v: Any) -> tuple[str, ...]:
        return names_setting(v, tuple(MODELS), "model")

    @model_validator(mode="after")
    def _headline_runs(self) -> ForecastConfig:
        if self.headline is not None and self.headline not in self.models:
            raise ValueError(f"headline model {self.headline!r} is not among the models run "
                             f"({', '.join(self.models)})")
        return self


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
    beyond_red_lines: tuple[ForecastBreach, ...] = ()  # forecasts a veto player's red line forbids
    beyond_in_some_draws: tuple[ForecastBreach, ...] = ()  # not flagged, yet beyond one in some draws
    model_range: ModelRange | None = None  # span of the models' central forecasts; None: one model
    acceptable: AcceptableRange | None = None  # the values no veto player's red line excludes
    agreed: tuple[AgreedForecast, ...] = ()  # each model's forecast conditional on agreement

    def model(self, name: str) -> ModelForecast:
        return by_id(self.forecasts, name, lambda f: f.model, "model")

    def on_agreement(self, name: str) -> AgreedForecast:
        """The named model's forecast conditional on agreement."""
        return by_id(self.agreed, name, lambda f: f.model, "model")

    def breaches(self, model: str) -> tuple[ForecastBreach, ...]:
        """The veto players' red lines the named model's forecast lies beyond."""
        return tuple(b for b in self.beyond_red_lines if b.model == model)


@dataclass(frozen=True)
class ForecastResult(Result):
    draws: int
    seed: int
    level: float
    models: tuple[str, ...]
    issues: tuple[IssueForecast, ...]
    notes: tuple[str, ...] = ()
    per_draw: PerDraw | None = per_draw_field()  # by draw: "<issue>/<model>" forecasts
    links: tuple[LinkEffect, ...] = ()  # membership: a grouping's capability counted once per issue
    headline: str = ""         # the model the forecasts lead with ("" read as the first model run)
    headline_reason: str = ""  # why that model: the backtest-best, the settings' choice, or the first

    @property
    def lead(self) -> str:
        """The headline model."""
        return self.headline or self.models[0]

    def headlines(self) -> dict[str, np.ndarray]:
        """Each issue's forecast by draw under the headline model."""
        if self.per_draw is None or not self.models:
            return {}
        m = self.lead
        return {f"{i.issue} ({m} forecast)": self.per_draw[f"{i.issue}/{m}"] for i in self.issues}

    def issue(self, issue_id: str) -> IssueForecast:
        return by_id(self.issues, issue_id, lambda i: i.issue, "issue")

    @property
    def summary(self) -> str:
        """In one line: the issues forecast, by how many models, which leads, and the issues on
        which the lead model's forecast lies beyond a veto player's red line."""
        if not self.issues:
            return "no numeric issue to forecast"
        n = len(self.issues)
        text = f"{n} issue{'s' if n != 1 else ''} forecast, lead model {self.lead}"
        beyond = [i.issue for i in self.issues if i.breaches(self.lead)]
        return text + (f"; beyond a veto player's red line on {', '.join(beyond)}" if beyond else "")

    def to_dict(self) -> dict:
        """Plain data; an issue of a track without a status quo has no status-quo field."""
        data = plain(self)
        for issue in data["issues"]:
            if issue["status_quo"] is None:
                del issue["status_quo"]
        return data

    def rows(self) -> list[dict]:
        """One row per issue and model; the model range's ends on every row of its issue."""
        out = []
        for i in self.issues:
            r = i.model_range
            span = {} if r is None else {"model_range_low": r.low, "model_range_high": r.high,
                                         "model_range_low_models": ", ".join(r.low_models),
                                         "model_range_high_models": ", ".join(r.high_models)}
            for f in i.forecasts:
                agreed = next((a for a in i.agreed if a.model == f.model), None)
                on_agreement = {} if agreed is None else {
                    "agreed_nominal": agreed.nominal, "agreed_mean": agreed.mean, "agreed_low": agreed.low,
                    "agreed_high": agreed.high, "agreed_share": agreed.share}
                beyond = ", ".join(sorted({b.actor for b in i.breaches(f.model)}))
                out.append({"track": i.track, "issue": i.issue, "model": f.model,
                            "headline": f.model == self.lead, "nominal": f.nominal, "mean": f.mean,
                            "low": f.low, "high": f.high, "beyond_red_lines_of": beyond, **on_agreement,
                            **span})
        return out


# --------------------------------------------------------------------------- inputs of an issue


@dataclass(frozen=True)
class _Issue:
    """A numeric issue with the estimates the models read, in a fixed actor order."""

    track: Any
    issue: Any
    actors: tuple[str, ...]
    positions: tuple[Any, ...]  # each actor's position; its most preferred value is the model's ideal_point
    saliences: tuple[Any, ...]


def numeric_issues(scenario: Scenario) -> tuple[_Issue, ...]:
    """Every integer or continuous issue of a track under negotiation, with at least one position."""
    out = []
    for track in scenario.active_tracks:
        for issue in track.issues:
            if issue.kind not in ("integer", "continuous") or not issue.positions:
                continue
            actors = tuple(issue.positions)
            out.append(_Issue(track, issue, actors, tuple(issue.positions[a] for a in actors),
                              tuple(issue.positions[a].salience for a in actors)))
    return tuple(out)


def _values(value: Any, values: DrawValues) -> np.ndarray:
    return np.full(values.size, float(value)) if isinstance(value, (int, float)) else values(value)


def _run_models(models: tuple[str, ...], pos, sal, cap, sq, scale: float) -> dict[str, np.ndarray]:
    configs = {"challenge": ChallengeConfig(salience_scale=scale)}
    return {m: np.atleast_1d(forecast(m, pos, sal, cap, status_quo=sq, config=configs.get(m)))
            for m in models}


def _scale(item: _Issue) -> float:
    """The salience scale of the challenge model: 1 for saliences in [0, 1], else the largest."""
    return max(1.0, max(s.support[1] for s in item.saliences))


# --------------------------------------------------------------------------- one chunk


def evaluate_chunk(run: RunDraws, models: tuple[str, ...], task: ChunkTask) -> dict[str, np.ndarray]:
    """Every model's forecast of every numeric issue on this chunk of the run's draws (the same
    draws of capabilities, saliences and ideal points every other analysis of the run reads)."""
    values = run.chunk(task)
    n = task.size
    caps = {a.id: values(a.capability) for a in run.scenario.actors}
    out = {}
    for item in numeric_issues(run.scenario):
        pos = np.column_stack([ideal_point(item.issue, p, values) for p in item.positions])
        sal = np.column_stack([values(s) for s in item.saliences])
        cap = own_capability(run.scenario, item.actors, np.column_stack([caps[a] for a in item.actors]),
                             others=caps.__getitem__)
        sq = np.full(n, np.nan) if item.issue.status_quo is None else _values(item.issue.status_quo, values)
        lines = veto_red_lines(run.scenario, item.track, item.issue)
        unconditional = _run_models(models, pos, sal, cap, sq, _scale(item))
        for m, landed in unconditional.items():
            out[f"{item.issue.id}/{m}"] = landed
            for number, (actor, _pos, line) in enumerate(lines):
                out[key(item.issue.id, m, actor, number)] = beyond(item.issue, line, values, landed)
        acc = acceptable_set(run.scenario, item.track, item.issue, values)
        out[f"{item.issue.id}/acceptable"] = acc.open
        agreed = _agreed(models, item, values, acc, pos, sal, cap, sq, unconditional if not lines else None)
        for m, landed in agreed.items():
            out[f"{item.issue.id}/{m}/agreed"] = landed
    return out


def _agreed(models: tuple[str, ...], item: _Issue, values: DrawValues, acc, pos, sal, cap, sq,
            unbounded: dict[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Every model's forecast conditional on agreement (:mod:`multitrack.forecast.on_agreement`):
    rerun on the positions moved into the acceptable set, the outcome kept in it; NaN in the
    draws where no value satisfies every veto player. ``unbounded``: the unconditional forecasts
    of an issue on which no veto player holds a red line, which are then the conditional ones
    too (nothing moves), so the models are not run again."""
    if unbounded is not None:
        return {m: acc.into(np.atleast_1d(landed)[:, None])[:, 0] for m, landed in unbounded.items()}
    moved = np.column_stack([agreed_position(item.issue, p, values, acc) for p in item.positions])
    moved = np.where(np.isnan(moved), pos, moved)  # draws without an acceptable value: dropped below
    return {m: acc.into(np.atleast_1d(landed)[:, None])[:, 0]
            for m, landed in _run_models(models, moved, sal, cap, sq, _scale(item)).items()}


# --------------------------------------------------------------------------- summary


def _solutions(upstream: dict, item: _Issue) -> dict[str, float]:
    agreement = upstream.get("agreement")
    if agreement is None:
        return {}
    try:
        track = agreement.track(item.track.id)
    except KeyError:
        return {}
    out = {}
    for s in track.solutions:
        value = s.outcome.get(item.issue.id) if s.concept in SOLUTION_CONCEPTS else None
        if isinstance(value, (int, float)):
            out[s.concept] = float(value)
    return out


def _summarise(scenario: Scenario, item: _Issue, models: tuple[str, ...], arrays: dict, level: float,
               upstream: dict, lead: str) -> IssueForecast:
    pos = np.array([ideal_point(item.issue, p, DrawValues.central())[0] for p in item.positions])
    sal = np.array([s.nominal for s in item.saliences])
    cap = own_capability(scenario, item.actors, _nominal_capability(scenario, item))
    sq = np.nan if item.issue.status_quo is None else item.issue.status_quo.nominal
    nominal = _run_models(models, pos[None], sal[None], cap[None], np.array([sq]), _scale(item))
    central = DrawValues.central()
    acc = acceptable_set(scenario, item.track, item.issue, central)
    lines = veto_red_lines(scenario, item.track, item.issue)
    agreed_nominal = _agreed(models, item, central, acc, pos[None], sal[None], cap[None], np.array([sq]),
                             None if lines else nominal)
    agreed = tuple(summarise(m, float(agreed_nominal[m][0]), arrays[f"{item.issue.id}/{m}/agreed"], level)
                   for m in models)
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
                         actors=item.actors, positions=tuple(map(float, pos)),
                         weights=tuple(map(float, weights)),
                         forecasts=tuple(forecasts), solutions=_solutions(upstream, item),
                         beyond_red_lines=breaches(scenario, item.track, item.issue, models, nominal,
                                                           arrays),
                         beyond_in_some_draws=breaches(scenario, item.track, item.issue, models, nominal,
                                                       arrays, flagged=False),
                         model_range=model_range({f.model: f.nominal for f in forecasts}, lead),
                         acceptable=acceptable_range(scenario, item.track, item.issue,
                                                     arrays[f"{item.issue.id}/acceptable"]),
                         agreed=agreed)


def _nominal_capability(scenario: Scenario, item: _Issue) -> np.ndarray:
    return np.array([scenario.actor(a).capability.nominal for a in item.actors], dtype=float)


def _deducted(group: str, present: dict[str, tuple[str, ...]], absent: dict[str, tuple[str, ...]]) -> str:
    """What a grouping's weight leaves out, in words: "USA, POL; half of FRA (also in EU)"."""
    parts = [", ".join(present.get(group, ()))] if group in present else []
    for m, groups in absent.items():
        if group in groups:
            k = len(groups)
            share = "half" if k == 2 else f"{k - 1}/{k}"
            parts.append(f"{share} of {m} (also in {', '.join(g for g in groups if g != group)})")
    return "; ".join(parts)


def overlap_notes(scenario: Scenario, items: tuple[_Issue, ...]) -> tuple[str, ...]:
    """Groupings on one issue that list a member in common may share members neither lists, whose
    capability both weights then hold: one note per pair of groupings."""
    pairs: dict[tuple[str, str], list[str]] = {}
    for item in items:
        for pair in shared_members(scenario, item.actors):
            pairs.setdefault(pair, []).append(item.issue.id)
    return tuple(f"{g} and {h} both hold positions on {', '.join(issues)} and list members in common; "
                 "members that neither lists (and that hold no position there) may weigh in both their "
                 "capabilities."
                 for (g, h), issues in pairs.items())


def membership_link(scenario: Scenario, item: _Issue, model: str,
                    summary: IssueForecast) -> LinkEffect | None:
    """What counting each grouping's capability once changed on this issue: the groupings'
    weights and the model's central forecast with and without the rule (None: no grouping sits
    beside its members here)."""
    present = present_members(scenario, item.actors)
    absent = shared_absent(scenario, item.actors)
    groups = [g for g in dict.fromkeys(item.actors)
              if g in present or any(g in gs for gs in absent.values())]
    if not groups:
        return None
    pos = np.array([ideal_point(item.issue, p, DrawValues.central())[0] for p in item.positions])
    sal = np.array([s.nominal for s in item.saliences])
    sq = np.array([np.nan if item.issue.status_quo is None else item.issue.status_quo.nominal])
    whole = _nominal_capability(scenario, item)
    before = float(_run_models((model,), pos[None], sal[None], whole[None], sq, _scale(item))[model][0])
    after = summary.model(model).nominal
    own = own_capability(scenario, item.actors, whole)
    index = {a: k for k, a in enumerate(item.actors)}
    words = "; ".join(f"{g} weighs {own[index[g]]:.3g} instead of {whole[index[g]]:.3g} "
                      f"(less {_deducted(g, present, absent)})" for g in groups)
    unit = f" {summary.unit}" if summary.unit else ""
    sentence = (f"Membership counts capability once on {summary.title}: {words}; the {model} forecast "
                f"moves from {before:.3g}{unit} to {after:.3g}{unit}.")
    return LinkEffect("membership", f"actor:{','.join(groups)}/members",
                      f"forecast:{summary.issue}/{model}", sentence, before, after)


@register("forecast", "Outcome forecasts of the numeric issues", order=15, config=ForecastConfig,
          parallel=True, applies=lambda scenario: bool(numeric_issues(scenario)), uses=("agreement",),
          reads=("settlement",))
def forecast_analysis(scenario: Scenario, *, config: ForecastConfig | None = None,
                      settlement: Settlement | None = None, progress: ProgressCallback | None = None,
                      executor=None, checkpoint=None, upstream: dict | None = None) -> ForecastResult:
    """Where each numeric issue lands under the compromise, challenge and Condorcet models
    (Achen 2006; Scholz, Calbert & Smith 2011; KTAB), over the run's draws of the inputs."""
    config = config or ForecastConfig.model_validate({})
    run = settlement_of(scenario, settlement).run
    arrays = run_chunks(partial(evaluate_chunk, run, config.models), run.tasks(), executor=executor,
                        progress=progress, task_name="forecast")
    items = numeric_issues(scenario)
    lead = headline_model(config.models, config.headline)
    issues = tuple(_summarise(scenario, item, config.models, arrays, config.level, upstream or {}, lead.model)
                   for item in items)
    links = tuple(link for item, summary in zip(items, issues, strict=True)
                  if (link := membership_link(scenario, item, lead.model, summary)) is not None)
    notes = ((structural_note(config.models[0]),) if len(config.models) == 1 else ()) + \
        overlap_notes(scenario, items)
    return ForecastResult(draws=run.draws, seed=run.seed, level=config.level, models=config.models,
                          issues=issues, per_draw=PerDraw.of(arrays, run.draws, run.seed), links=links,
                          notes=notes, headline=lead.model, headline_reason=lead.reason)


__all__ = ["AcceptableRange", "AgreedForecast", "ForecastBreach",
           "ForecastConfig", "ForecastResult", "IssueForecast", "ModelForecast",
           "ModelRange", "forecast_analysis"]
