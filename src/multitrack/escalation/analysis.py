"""The registered "escalation" analysis: the chance that each theatre reaches each rung of the
escalation ladder within the horizons, with no confidence-building measures, with each measure
alone and with all of them, over the uncertain inputs (docs/escalation.md).

A risk is a probability in each draw (a function of that draw's inputs), so its interval is the
spread over the inputs: the central ``level`` of its per-draw values, read with the empirical
quantile rule of montecarlo/stats.py (so duplicated draws leave it unchanged), beside the Monte
Carlo error of the mean. A figure that no draw changes is structural and carries no interval.

A measure tied to a track counts only in the draws in which its track agrees (the process
analysis's agreements, draw by draw), at the strength its agreed value buys; "all measures in
force at full effect" is kept beside it as an explicitly hypothetical scenario."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..analysis import register
from ..montecarlo import run_chunks
from ..montecarlo.chunks import ChunkTask
from ..montecarlo.perdraw import PerDraw, per_draw_field
from ..montecarlo.stats import SPREAD, SPREAD_LEVEL, STRUCTURAL, Estimate95, proportion
from ..montecarlo.stats import mean as mean_of
from ..progress import ProgressCallback
from ..results import LinkEffect, Result, by_key
from ..scenario.model import Scenario
from ..scenario.security import Escalation
from ..settlement import RunDraws, Settlement, settlement_of
from ..settlement.variants import VariantRange
from .links import CENTRAL, MAIN_DESIGN, AgreedMeasures, agreed_measures, value_words
from .model import Effect, Ladder, Measure, Theatre
from .risk import ALL_IN_FORCE, BASELINE, COMBINED, PACKAGE, escalation_risk
from .variants import escalation_variants, variant_ranges, variant_reach
from .words import headline_rung, horizon_words, link_effects

#: Scenario ids of the other process designs: "under-<design>".
UNDER = "under-"

CURVE_STEP = 6  # months between the points of the risk-over-time curves


class EscalationConfig(BaseModel):
    """The width of the reported spreads over the inputs (the draws and seed are the run's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    level: float = Field(SPREAD_LEVEL, gt=0, lt=1,
                         description="Width of the spreads over the uncertain inputs (central share of the "
                         "per-draw values).")
    designs: tuple[str, ...] | None = Field(
        None, description="Process designs whose agreements get a scenario of their own beside parallel "
        "talks (default: every design the process result holds).")


@dataclass(frozen=True)
class RiskCell(Result):
    """P(the theatre reaches the rung at least once within `horizon` months) under a scenario:
    the mean over the draws, the spread of the per-draw risks over the inputs (``low``..``high``,
    ``kind`` "spread over inputs"), or ``kind`` "structural" (the same in every draw, low == high
    == mean, no interval); ``mc_error`` is the Monte Carlo error of the mean."""

    scenario: str
    theatre: str
    horizon: int
    rung: str
    mean: float
    low: float
    high: float
    kind: str = SPREAD
    mc_error: float | None = None
    draws: int = 0

    @property
    def estimate(self) -> Estimate95:
        """The cell as a montecarlo.stats summary."""
        return Estimate95(self.mean, self.low, self.high, self.kind, self.mc_error, self.draws)


@dataclass(frozen=True)
class MeasureEffect(Result):
    """How much a measure (or the package) lowers the risk of a rung within a horizon, in points:
    the mean of the paired per-draw reductions and their spread over the inputs (or structural)."""

    measure: str
    theatre: str
    horizon: int
    rung: str
    reduction: float
    low: float
    high: float
    relative: float  # reduction / baseline risk (nan when the baseline is 0)
    kind: str = SPREAD
    mc_error: float | None = None
    draws: int = 0

    @property
    def estimate(self) -> Estimate95:
        return Estimate95(self.reduction, self.low, self.high, self.kind, self.mc_error, self.draws)


@dataclass(frozen=True)
class RiskCurve(Result):
    """Mean risk and its spread over the inputs month by month (every CURVE_STEP months) for one
    scenario; ``kinds`` says, month by month, whether the band is a spread or structural (none)."""

    scenario: str
    theatre: str
    rung: str
    months: tuple[int, ...]
    mean: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureInForce(Result):
    """Where a measure tied to a track is in force under one design: the share of draws in which
    its track agrees, the share in which it agrees on a value that buys some effect (in force),
    the mean strength over all draws (share of the stated effect), the most frequent agreed value,
    and what the measure alone takes off the risk of ``rung`` in any theatre within ``horizon``
    months: as agreed, where its track agrees and where it fails, and if it were in force at full
    effect in every draw."""

    measure: str
    track: str
    issue: str | None
    design: str
    track_agrees: float
    in_force: float
    strength: float
    agreed_value: str
    horizon: int
    rung: str
    reduction: float | None             # None under designs other than the main one (not run alone)
    reduction_agreed: float | None      # mean over the draws in which the track agrees (None: none)
    reduction_failed: float | None      # ... in which it fails (0 by construction)
    reduction_full: float
    # the same as summaries that say what their interval is: the share of draws in force (Monte
    # Carlo precision, or structural) and the reduction as agreed (spread over the inputs)
    in_force_share: Estimate95 | None = None
    reduction_spread: Estimate95 | None = None


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
    # theatres, months and rungs as in the fields above and in ``months``; "strength.<design>"
    # (draws, measures): the share of each measure's stated effect in force
    per_draw: PerDraw | None = per_draw_field()
    months: tuple[int, ...] = ()
    in_force: tuple[MeasureInForce, ...] = ()
    basis: str = "none"   # where the measures' agreements come from: process, central, none (no links)
    links: tuple[LinkEffect, ...] = ()
    # each headline across the scenario's model variants (calibration choices), beside its interval
    variants: tuple[VariantRange, ...] = ()

    def headlines(self) -> dict[str, np.ndarray]:
        """The risk of the top rung within the longest horizon in any theatre, with no measures
        and with all of them, by draw."""
        if self.per_draw is None or not self.months:
            return {}
        reach, h = self.per_draw["reach"], max(self.horizons)
        top, when = len(self.rungs) - 1, self.months.index(h)
        labels = headline_labels(self.rungs, h, self.basis, PACKAGE in self.scenarios)
        columns = [0] + ([list(self.scenarios).index(PACKAGE)] if PACKAGE in self.scenarios else [])
        return {label: reach[:, c, -1, when, top].astype(float)
                for label, c in zip(labels, columns, strict=True)}

    @property
    def summary(self) -> str:
        """In one line: the chance that any theatre reaches the top rung within the longest
        horizon, with no measures and (where there are measures) with all of them."""
        h, top = max(self.horizons), self.rungs[-1]
        text = f"{horizon_words(h)} chance of '{top}': {self.risk(BASELINE, COMBINED, h, top).mean:.1%}"
        if PACKAGE not in self.scenarios:
            return text
        return text + f" without measures, {self.risk(PACKAGE, COMBINED, h, top).mean:.1%} with them"

    def measure_in_force(self, measure: str, design: str = MAIN_DESIGN) -> MeasureInForce:
        return by_key(self.in_force, (measure, design), lambda m: (m.measure, m.design),
                      ("measure", "design"))

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


def headline_labels(rungs: tuple[str, ...], horizon: int, basis: str, package: bool) -> tuple[str, ...]:
    """The names of the headlines: the top rung in any theatre within the longest horizon, with no
    measures and (where there are measures) with all of them."""
    what = f"P({rungs[-1]} within {horizon} months)"
    label = "all measures as agreed" if basis != "none" else "all measures"
    return (f"{what}, no measures",) + ((f"{what}, {label}",) if package else ())


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
    pairs = list(itertools.pairwise(rungs))
    theatres = []
    for t in spec.theatres:
        up = tuple(_up_key(t.id, f"{a}->{b}") for a, b in pairs)
        down = tuple(_up_key(t.id, f"{b}->{a}") if f"{b}->{a}" in t.down else 0.0 for a, b in pairs)
        theatres.append(Theatre(t.id, up, down, start=t.start or rungs[0]))
    measures = tuple(Measure(m.id, tuple(Effect(e.transition, _factor_key(m.id, k), tuple(e.theatres))
                                         for k, e in enumerate(m.effects))) for m in spec.measures)
    return ladder, tuple(theatres), measures


@dataclass(frozen=True)
class ScenarioPlan:
    """The analysis's scenarios: id, title, the design whose strengths apply (an index into the
    agreed terms; None: full strength in every draw) and the measures in force (indices)."""

    ids: tuple[str, ...]
    titles: tuple[str, ...]
    design: tuple[int | None, ...]
    measures: tuple[tuple[int, ...], ...]


def scenario_plan(spec: Escalation, agreed: AgreedMeasures) -> ScenarioPlan:
    """None; each measure alone and all together, as agreed under the main design (or in force
    everywhere when no measure is tied to a track); then, where some are tied, the hypothetical
    "all in force at full effect" and all together under each other design read."""
    every = tuple(range(len(spec.measures)))
    rows: list[tuple[str, str, int | None, tuple[int, ...]]] = [(BASELINE, "No measures", None, ())]
    if not spec.measures:
        return ScenarioPlan(*map(tuple, zip(*rows, strict=True)))
    main = agreed.designs[0].design
    as_agreed = ("" if not agreed.any_linked else ", as agreed under parallel talks" if main == MAIN_DESIGN
                 else ", as agreed at the central compromise")
    rows += [(m.id, m.title + (as_agreed if agreed.linked[k] else ""), 0, (k,))
             for k, m in enumerate(spec.measures)]
    rows.append((PACKAGE, "All measures together" + as_agreed, 0, every))
    if agreed.any_linked:
        rows.append((ALL_IN_FORCE, "All measures in force at full effect (hypothetical: as if every track "
                     "agreed)", None, every))
        rows += [(UNDER + d.design, f"All measures, as agreed under the {d.design} design", g, every)
                 for g, d in enumerate(agreed.designs) if g > 0]
    return ScenarioPlan(*map(tuple, zip(*rows, strict=True)))


def months(spec: Escalation) -> tuple[int, ...]:
    """The reported horizons and the points of the curves, in order."""
    top = max(spec.horizons)
    return tuple(sorted(set(spec.horizons) | set(range(CURVE_STEP, top + 1, CURVE_STEP))))


# --------------------------------------------------------------------------- one chunk


@dataclass(frozen=True)
class LinkedTask(ChunkTask):
    """A chunk of the run with its slice of the measures' strengths (G designs, M measures, chunk
    draws), so that a worker receives only its own draws' share of them."""

    strength: Any = None


def linked_tasks(run: RunDraws, strengths: np.ndarray) -> list[LinkedTask]:
    return [LinkedTask(t.index, t.start, t.size, t.seed, strengths[:, :, t.start:t.start + t.size])
            for t in run.tasks()]


def _strength_key(design: int, measure: str) -> str:
    return f"{measure}/strength/{design}"


def evaluate_chunk(run: RunDraws, plan: ScenarioPlan, task: LinkedTask) -> dict[str, np.ndarray]:
    """Reach probabilities (draws, scenario, theatre, month, rung) on this chunk of the run's draws,
    and the reach of each measure alone at full effect within the longest horizon ("full": draws,
    measure, theatre, 1, rung)."""
    spec = run.scenario.escalation
    assert spec is not None
    values = run.chunk(task)
    draws = {k: values(est) for k, est in estimates(spec).items()}
    ladder, theatres, measures = model_of(spec)
    for g in range(task.strength.shape[0]):
        draws.update({_strength_key(g, m.name): task.strength[g, k] for k, m in enumerate(measures)})
    sets = {sid: tuple(measures[k] if g is None else
                       Measure(measures[k].name, measures[k].effects, _strength_key(g, measures[k].name))
                       for k in ks)
            for sid, g, ks in zip(plan.ids, plan.design, plan.measures, strict=True)}
    risk = escalation_risk(ladder, theatres, measures, draws, months(spec), sets=sets)
    out = {"reach": np.moveaxis(risk.reach, -1, 0).astype(np.float32)}
    if any(m.track is not None for m in spec.measures):
        # each measure alone at full effect, within the longest horizon only (what its sentence compares)
        full = escalation_risk(ladder, theatres, measures, draws, (max(spec.horizons),),
                               sets={m.name: (m,) for m in measures})
        out["full"] = np.moveaxis(full.reach, -1, 0).astype(np.float32)
    varied = escalation_variants(run.scenario.variants)
    if varied:
        keys = estimates(spec)
        fixed = {k: v for k, v in draws.items() if k not in keys}
        out["variants"] = variant_reach(spec, varied, values, keys, (ladder, theatres, measures), sets, fixed)
    return out


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class Summaries:
    """Per-draw values summarised over the draws (axis 0), cell by cell: the mean, the ends of the
    spread over the inputs, whether the cell is the same in every draw, and the MC error."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    same: np.ndarray
    mc_error: np.ndarray
    draws: int

    def at(self, index: tuple) -> tuple[float, float, float, str, float, int]:
        """(mean, low, high, kind, mc_error, draws) of one cell."""
        same = bool(self.same[index])
        return (float(self.mean[index]), float(self.low[index]), float(self.high[index]),
                STRUCTURAL if same else SPREAD, float(self.mc_error[index]), self.draws)


def summaries(x: np.ndarray, level: float = SPREAD_LEVEL) -> Summaries:
    """Every cell of ``x`` (draws first) at once, by the rule of montecarlo.stats.mean: the central
    ``level`` of the per-draw values by the empirical quantiles (inverted CDF, so duplicated draws
    leave them unchanged); a cell whose draws all agree is structural, low == high == mean."""
    x = np.asarray(x, dtype=float)
    n = x.shape[0]
    tail = (1 - level) / 2
    low, high = np.quantile(x, [tail, 1 - tail], method="inverted_cdf", axis=0)
    mean = x.mean(axis=0)
    top, bottom = x.max(axis=0), x.min(axis=0)
    same = top - bottom <= 1e-12 * np.maximum(1.0, np.maximum(np.abs(top), np.abs(bottom)))
    se = x.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.zeros_like(mean)
    first = x[0]
    return Summaries(np.where(same, first, mean), np.where(same, first, low), np.where(same, first, high),
                     same, np.where(same, 0.0, se), n)


def summarise(spec: Escalation, arrays: dict[str, np.ndarray], config: EscalationConfig,
              run: RunDraws, plan: ScenarioPlan, agreed: AgreedMeasures) -> EscalationResult:
    reach = arrays["reach"]
    scen = list(plan.ids)
    thea = [t.id for t in spec.theatres] + [COMBINED]
    month = months(spec)
    risk = summaries(reach, config.level)
    mean, low, high = risk.mean, risk.low, risk.high
    cells = tuple(RiskCell(s, t, h, r, *risk.at((i, j, month.index(h), k)))
                  for i, s in enumerate(scen) for j, t in enumerate(thea) for h in spec.horizons
                  for k, r in enumerate(spec.rungs) if k > 0)
    cut = summaries(reach[:, :1] - reach, config.level)  # reduction against no measures, paired by draw
    effects = tuple(_effect(s, t, h, r, cut.at((i, j, month.index(h), k)), mean[0, j, month.index(h), k])
                    for i, s in enumerate(scen) if i > 0 for j, t in enumerate(thea) for h in spec.horizons
                    for k, r in enumerate(spec.rungs) if k > 0)
    curved = (BASELINE, PACKAGE, ALL_IN_FORCE)
    curves = tuple(RiskCurve(s, t, r, month, tuple(map(float, mean[i, j, :, k])),
                             tuple(map(float, low[i, j, :, k])), tuple(map(float, high[i, j, :, k])),
                             tuple(STRUCTURAL if x else SPREAD for x in risk.same[i, j, :, k]))
                   for i, s in enumerate(scen) if s in curved for j, t in enumerate(thea)
                   for k, r in enumerate(spec.rungs) if k >= 2)
    titles = {t.id: t.title for t in spec.theatres} | {COMBINED: "Any theatre (independent theatres)"}
    names = dict(zip(plan.ids, plan.titles, strict=True))
    in_force = tuple(_in_force(spec, reach, arrays.get("full"), run, plan, agreed, month, config.level))
    held = {"reach": reach} | {f"strength.{d.design}": d.strength.T for d in agreed.designs
                               if agreed.any_linked}
    ranges = _variant_ranges(spec, arrays, config, run, plan, agreed)
    result = EscalationResult(variants=ranges, draws=run.draws, seed=run.seed, level=config.level,
                              rungs=tuple(spec.rungs),
                              horizons=tuple(spec.horizons), theatres=titles, scenarios=names, cells=cells,
                              effects=effects, curves=curves, notes=agreed.notes, months=month,
                              per_draw=PerDraw.of(held, run.draws, run.seed), in_force=in_force,
                              basis=agreed.basis)
    return _with_links(result, run)


def _effect(s: str, t: str, h: int, r: str, cut: tuple, base: float) -> MeasureEffect:
    value, low, high, kind, se, n = cut
    return MeasureEffect(s, t, h, r, value, low, high, value / float(base) if base > 0 else float("nan"),
                         kind, se, n)


def _variant_ranges(spec: Escalation, arrays: dict[str, np.ndarray], config: EscalationConfig, run: RunDraws,
                    plan: ScenarioPlan, agreed: AgreedMeasures) -> tuple[VariantRange, ...]:
    """The headlines (top rung, any theatre, longest horizon) across the model variants."""
    varied = escalation_variants(run.scenario.variants)
    if not varied or "variants" not in arrays:
        return ()
    when = months(spec).index(max(spec.horizons))
    columns = [0] + ([plan.ids.index(PACKAGE)] if PACKAGE in plan.ids else [])
    base = arrays["reach"][:, columns, -1, when, -1]
    labels = headline_labels(tuple(spec.rungs), max(spec.horizons), agreed.basis, PACKAGE in plan.ids)
    return variant_ranges(spec, varied, base, arrays["variants"], labels, config.level)


def _in_force(spec: Escalation, reach: np.ndarray, full: np.ndarray | None, run: RunDraws,
              plan: ScenarioPlan, agreed: AgreedMeasures, month: tuple[int, ...],
              level: float = SPREAD_LEVEL):
    """Per linked measure and design: where it is in force and what it takes off the risk."""
    if not agreed.any_linked or full is None:
        return
    h = max(spec.horizons)
    rung = headline_rung(spec.rungs)
    at = (-1, month.index(h), list(spec.rungs).index(rung))  # any theatre, longest horizon, headline rung
    base = reach[:, 0][(slice(None),) + at]
    for k, m in enumerate(spec.measures):
        if not agreed.linked[k]:
            continue
        full_cut = float((base - full[:, k, -1, 0, at[2]]).mean())
        for g, terms in enumerate(agreed.designs):
            if g == 0:
                cut = base - reach[:, plan.ids.index(m.id)][(slice(None),) + at]
            else:  # under another design only the package is run: the measure's share of it is not separable
                cut = None
            on = terms.agreed[k]
            values = terms.value[k][on & ~np.isnan(terms.value[k])]
            yield MeasureInForce(
                measure=m.id, track=str(m.track), issue=(m.response.issue if m.response else None) or m.issue,
                design=terms.design, track_agrees=float(on.mean()),
                in_force=float((terms.strength[k] > 0).mean()),
                strength=float(terms.strength[k].mean()), agreed_value=_typical(run, m, values), horizon=h,
                rung=rung, reduction=float(cut.mean()) if cut is not None else None,
                reduction_agreed=float(cut[on].mean()) if cut is not None and on.any() else None,
                reduction_failed=float(cut[~on].mean()) if cut is not None and (~on).any() else None,
                reduction_full=full_cut, in_force_share=proportion(terms.strength[k] > 0),
                reduction_spread=mean_of(cut, level) if cut is not None else None)


def _typical(run: RunDraws, measure, values: np.ndarray) -> str:
    """The most frequent agreed value in words (numbers rounded to the issue's grid as given)."""
    if values.size == 0:
        return ""
    uniq, counts = np.unique(np.round(values, 9), return_counts=True)
    return value_words(run.scenario, measure, float(uniq[np.argmax(counts)]))


def _with_links(result: EscalationResult, run: RunDraws) -> EscalationResult:
    return replace(result, links=link_effects(result, run.scenario))


@register("escalation", "Escalation risk and confidence-building measures", order=50, config=EscalationConfig,
          parallel=True, applies=lambda scenario: scenario.escalation is not None, reads=("settlement",),
          uses=("process",))
def escalation_analysis(scenario: Scenario, *, config: EscalationConfig | None = None,
                        settlement: Settlement | None = None, progress: ProgressCallback | None = None,
                        executor=None, checkpoint=None, upstream: dict | None = None) -> EscalationResult:
    """How likely each theatre climbs each rung within the horizons, and how much each
    confidence-building measure and all of them lower that risk (a monthly Markov ladder), over
    the run's draws; a measure tied to a track counts only where its track agrees, at the
    strength its agreed value buys."""
    config = config or EscalationConfig.model_validate({})
    spec = scenario.escalation
    assert spec is not None
    settled = settlement_of(scenario, settlement)
    run = settled.run
    agreed = agreed_measures(scenario, spec, settled, run.draws, upstream, _designs(config, upstream))
    plan = scenario_plan(spec, agreed)
    arrays = run_chunks(partial(evaluate_chunk, run, plan), linked_tasks(run, agreed.strengths()),
                        executor=executor, progress=progress, task_name="escalation")
    return summarise(spec, arrays, config, run, plan, agreed)


def _designs(config: EscalationConfig, upstream: dict | None) -> tuple[str, ...]:
    """The designs read beside parallel talks: the configured ones, else every design the process
    result holds by draw (its "<design>.agreed" arrays, forums aside)."""
    if config.designs is not None:
        return config.designs
    per_draw = getattr((upstream or {}).get("process"), "per_draw", None)
    if per_draw is None:
        return ()
    return tuple(n[: -len(".agreed")] for n in per_draw.names()
                 if n.endswith(".agreed") and not n.startswith("forum.") and n.count(".") == 1)


__all__ = ["ALL_IN_FORCE", "CENTRAL", "EscalationConfig", "EscalationResult", "MeasureEffect",
           "MeasureInForce", "RiskCell", "RiskCurve", "escalation_analysis", "headline_rung"]
