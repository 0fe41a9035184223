"""The registered "escalation" analysis: the chance that each theatre reaches each rung of the
escalation ladder within the horizons, with no confidence-building measures, with each measure
alone and with the package, with intervals over the uncertain inputs (docs/escalation.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import pairwise

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..analysis import register
from ..montecarlo import run_chunks
from ..montecarlo.chunks import ChunkTask
from ..montecarlo.perdraw import PerDraw, per_draw_field
from ..progress import ProgressCallback
from ..results import Result, by_key
from ..scenario.model import Scenario
from ..scenario.security import Escalation
from ..settlement import RunDraws, Settlement, settlement_of
from .model import Effect, Ladder, Measure, Theatre
from .risk import BASELINE, COMBINED, PACKAGE, escalation_risk

CURVE_STEP = 6  # months between the points of the risk-over-time curves


class EscalationConfig(BaseModel):
    """The width of the reported intervals (the draws and seed are the run's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    level: float = Field(0.9, gt=0, lt=1, description="Width of the intervals over the uncertain inputs.")


@dataclass(frozen=True)
class RiskCell(Result):
    """P(the theatre reaches the rung at least once within `horizon` months) under a scenario."""

    scenario: str
    theatre: str
    horizon: int
    rung: str
    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class MeasureEffect(Result):
    """How much a measure (or the package) lowers the risk of a rung within a horizon, in points."""

    measure: str
    theatre: str
    horizon: int
    rung: str
    reduction: float
    low: float
    high: float
    relative: float  # reduction / baseline risk (nan when the baseline is 0)


@dataclass(frozen=True)
class RiskCurve(Result):
    """Mean risk and interval month by month (every CURVE_STEP months) for one scenario."""

    scenario: str
    theatre: str
    rung: str
    months: tuple[int, ...]
    mean: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]


@dataclass(frozen=True)
class EscalationResult(Result):
    draws: int
    seed: int
    level: float
    rungs: tuple[str, ...]
    horizons: tuple[int, ...]
    theatres: dict  # id -> title (last: combined)
    scenarios: dict  # id -> title: none, each measure, package
    cells: tuple[RiskCell, ...]
    effects: tuple[MeasureEffect, ...]
    curves: tuple[RiskCurve, ...]
    notes: tuple[str, ...] = ()
    # by draw: "reach" (draws, scenarios, theatres, months, rungs), the orders of scenarios,
    # theatres, months and rungs as in the fields above and in ``months``
    per_draw: PerDraw | None = per_draw_field()
    months: tuple[int, ...] = ()

    def headlines(self) -> dict[str, np.ndarray]:
        """The risk of the top rung within the longest horizon in any theatre, with no measures
        and with all of them, by draw."""
        if self.per_draw is None or not self.months:
            return {}
        reach, h = self.per_draw["reach"], max(self.horizons)
        top, when = len(self.rungs) - 1, self.months.index(h)
        what = f"P({self.rungs[top]} within {h} months)"
        out = {f"{what}, no measures": reach[:, 0, -1, when, top].astype(float)}
        if PACKAGE in self.scenarios:
            out[f"{what}, all measures"] = reach[:, -1, -1, when, top].astype(float)
        return out

    def risk(self, scenario: str, theatre: str, horizon: int, rung: str) -> RiskCell:
        return by_key(self.cells, (scenario, theatre, horizon, rung),
                      lambda c: (c.scenario, c.theatre, c.horizon, c.rung),
                      ("scenario", "theatre", "horizon", "rung"))

    def effect(self, measure: str, theatre: str, horizon: int, rung: str) -> MeasureEffect:
        return by_key(self.effects, (measure, theatre, horizon, rung),
                      lambda e: (e.measure, e.theatre, e.horizon, e.rung),
                      ("measure", "theatre", "horizon", "rung"))

    def rows(self) -> list[dict]:
        return [c.to_dict() for c in self.cells]


# --------------------------------------------------------------------------- model from the scenario


def _up_key(theatre: str, transition: str) -> str:
    return f"{theatre}/{transition}"


def _factor_key(measure: str, k: int) -> str:
    return f"{measure}/effect{k}"


def estimates(spec: Escalation) -> dict:
    """Draw name -> estimate, for every transition and effect of the ladder."""
    out = {}
    for t in spec.theatres:
        out.update({_up_key(t.id, tr): est for tr, est in {**t.up, **t.down}.items()})
    for m in spec.measures:
        out.update({_factor_key(m.id, k): e.factor for k, e in enumerate(m.effects)})
    return out


def model_of(spec: Escalation) -> tuple[Ladder, tuple[Theatre, ...], tuple[Measure, ...]]:
    """The ladder, theatres and measures with every number named by its draw key."""
    rungs = tuple(spec.rungs)
    ladder = Ladder(rungs, spec.absorbing_top)
    pairs = list(pairwise(rungs))
    theatres = []
    for t in spec.theatres:
        up = tuple(_up_key(t.id, f"{a}->{b}") for a, b in pairs)
        down = tuple(_up_key(t.id, f"{b}->{a}") if f"{b}->{a}" in t.down else 0.0 for a, b in pairs)
        theatres.append(Theatre(t.id, up, down, start=t.start or rungs[0]))
    measures = tuple(Measure(m.id, tuple(Effect(e.transition, _factor_key(m.id, k), tuple(e.theatres))
                                         for k, e in enumerate(m.effects))) for m in spec.measures)
    return ladder, tuple(theatres), measures


def months(spec: Escalation) -> tuple[int, ...]:
    """The reported horizons and the points of the curves, in order."""
    top = max(spec.horizons)
    return tuple(sorted(set(spec.horizons) | set(range(CURVE_STEP, top + 1, CURVE_STEP))))


# --------------------------------------------------------------------------- one chunk


def evaluate_chunk(run: RunDraws, task: ChunkTask) -> dict[str, np.ndarray]:
    """Reach probabilities (draws, scenario, theatre, month, rung) on this chunk of the run's draws."""
    spec = run.scenario.escalation
    assert spec is not None
    values = run.chunk(task)
    draws = {k: values(est) for k, est in estimates(spec).items()}
    ladder, theatres, measures = model_of(spec)
    risk = escalation_risk(ladder, theatres, measures, draws, months(spec))
    return {"reach": np.moveaxis(risk.reach, -1, 0).astype(np.float32)}


# --------------------------------------------------------------------------- summary


def _interval(x: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - level) / 2 * 100
    return np.percentile(x, tail, axis=0), np.percentile(x, 100 - tail, axis=0)


def summarise(spec: Escalation, reach: np.ndarray, config: EscalationConfig,
              run: RunDraws) -> EscalationResult:
    scen = [BASELINE] + [m.id for m in spec.measures] + ([PACKAGE] if spec.measures else [])
    thea = [t.id for t in spec.theatres] + [COMBINED]
    month = months(spec)
    mean = reach.mean(axis=0)
    low, high = _interval(reach, config.level)
    cells = tuple(RiskCell(s, t, h, r, float(mean[i, j, month.index(h), k]),
                           float(low[i, j, month.index(h), k]), float(high[i, j, month.index(h), k]))
                  for i, s in enumerate(scen) for j, t in enumerate(thea) for h in spec.horizons
                  for k, r in enumerate(spec.rungs) if k > 0)
    cut = reach[:, :1] - reach  # reduction against no measures, per draw
    c_mean, (c_low, c_high) = cut.mean(axis=0), _interval(cut, config.level)
    effects = tuple(
        MeasureEffect(s, t, h, r, float(c_mean[i, j, month.index(h), k]),
                      float(c_low[i, j, month.index(h), k]), float(c_high[i, j, month.index(h), k]),
                      float(c_mean[i, j, month.index(h), k] / mean[0, j, month.index(h), k])
                      if mean[0, j, month.index(h), k] > 0 else float("nan"))
        for i, s in enumerate(scen) if i > 0 for j, t in enumerate(thea) for h in spec.horizons
        for k, r in enumerate(spec.rungs) if k > 0)
    curves = tuple(RiskCurve(s, t, r, month, tuple(map(float, mean[i, j, :, k])),
                             tuple(map(float, low[i, j, :, k])), tuple(map(float, high[i, j, :, k])))
                   for i, s in enumerate(scen) if s in (BASELINE, PACKAGE) for j, t in enumerate(thea)
                   for k, r in enumerate(spec.rungs) if k >= 2)
    titles = {t.id: t.title for t in spec.theatres} | {COMBINED: "Any theatre (independent theatres)"}
    names = {BASELINE: "No measures"} | {m.id: m.title for m in spec.measures} | (
        {PACKAGE: "All measures together"} if spec.measures else {})
    return EscalationResult(draws=run.draws, seed=run.seed, level=config.level, rungs=tuple(spec.rungs),
                            horizons=tuple(spec.horizons), theatres=titles, scenarios=names, cells=cells,
                            effects=effects, curves=curves, months=month,
                            per_draw=PerDraw.of({"reach": reach}, run.draws, run.seed))


@register("escalation", "Escalation risk and confidence-building measures", order=50, config=EscalationConfig,
          parallel=True, applies=lambda scenario: scenario.escalation is not None, reads=("settlement",))
def escalation_analysis(scenario: Scenario, *, config: EscalationConfig | None = None,
                        settlement: Settlement | None = None, progress: ProgressCallback | None = None,
                        executor=None, checkpoint=None) -> EscalationResult:
    """How likely each theatre climbs each rung within the horizons, and how much each
    confidence-building measure and the package lower that risk (a monthly Markov ladder), over
    the run's draws."""
    config = config or EscalationConfig.model_validate({})
    spec = scenario.escalation
    assert spec is not None
    run = settlement_of(scenario, settlement).run
    arrays = run_chunks(partial(evaluate_chunk, run), run.tasks(), executor=executor, progress=progress,
                        task_name="escalation")
    return summarise(spec, arrays["reach"], config, run)


__all__ = ["EscalationConfig", "EscalationResult", "MeasureEffect", "RiskCell", "RiskCurve",
           "escalation_analysis"]
