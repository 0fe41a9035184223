"""The registered "deterrence" analysis: for each crisis of the scenario, the probability that the
guarantees deter the attack over the uncertain terms, each guarantor's chance of responding, why
deterrence fails where it does, and a deterrence curve per guarantee (docs/deterrence.md)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..analysis import register
from ..montecarlo import run_chunks
from ..montecarlo.chunks import ChunkTask
from ..montecarlo.perdraw import PerDraw, per_draw_field
from ..montecarlo.stats import Estimate95, mean, proportion
from ..progress import ProgressCallback
from ..results import Result, by_id
from ..scenario.model import Scenario
from ..scenario.security import DEFAULT_SWEEP, Crisis
from ..settlement import DrawValues, RunDraws, Settlement, settlement_of
from .model import CrisisGame, Guarantee
from .solve import solve


@dataclass(frozen=True)
class DeterrenceCurveResult(Result):
    """P(deterrence holds) as one term of one guarantee sweeps a range, the other terms at their draws."""

    term: str
    values: tuple[float, ...]
    probability: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    nominal: float  # the term's central estimate in the scenario
    crossing: float | None  # first swept value where the probability crosses one half (up or down)


@dataclass(frozen=True)
class GuaranteeResult(Result):
    id: str
    title: str
    guarantor: str
    kind: str
    respond: Estimate95  # chance the guarantor responds to an attack, averaged over the draws
    curve: DeterrenceCurveResult


@dataclass(frozen=True)
class CrisisResult(Result):
    id: str
    title: str
    challenger: str
    target: str
    deterred: Estimate95  # share of draws in which the challenger does not attack
    nominal_deterred: bool  # at the central estimates
    fails_on_credibility: float  # share of draws: a sure response would deter, the doubt does not
    fails_on_capability: float  # share of draws: even a sure response would not deter
    margin: Estimate95  # expected cost of attacking minus the prize (>= 0: deterred)
    guarantees: tuple[GuaranteeResult, ...]


@dataclass(frozen=True)
class DeterrenceResult(Result):
    draws: int
    seed: int
    crises: tuple[CrisisResult, ...]
    notes: tuple[str, ...] = ()
    per_draw: PerDraw | None = per_draw_field()  # by draw: "<crisis>/deterred", margin, responses, curves

    def headlines(self) -> dict[str, np.ndarray]:
        """Whether each crisis's challenger is deterred (1) or attacks (0), by draw."""
        if self.per_draw is None:
            return {}
        return {f"{c.id} deterred": self.per_draw[f"{c.id}/deterred"].astype(float) for c in self.crises}

    def crisis(self, crisis_id: str) -> CrisisResult:
        return by_id(self.crises, crisis_id, lambda c: c.id, "crisis")

    def rows(self) -> list[dict]:
        return [{"crisis": c.id, "guarantee": g.id, "guarantor": g.guarantor, "p_deterred": c.deterred.value,
                 "p_respond": g.respond.value} for c in self.crises for g in c.guarantees]


# --------------------------------------------------------------------------- model from the scenario


def _key(guarantee_id: str, term: str) -> str:
    return f"{guarantee_id}.{term}"


def crisis_game(crisis: Crisis) -> CrisisGame:
    """The crisis at the central estimates; guarantors are named by guarantee id."""
    guarantors = tuple(Guarantee(name=g.id, kind=g.kind, **{t: est.nominal for t, est in g.terms.items()})
                       for g in crisis.guarantees)
    return CrisisGame(guarantors, challenger_value=crisis.challenger_value.nominal, name=crisis.id)


def uncertain_terms(crisis: Crisis) -> dict:
    """Parameter key -> estimate, for every estimate of the crisis that is a distribution."""
    out = {"challenger_value": crisis.challenger_value}
    out.update({_key(g.id, t): est for g in crisis.guarantees for t, est in g.terms.items()})
    return {k: est for k, est in out.items() if est.is_uncertain}


def sweep_of(guarantee, game: CrisisGame) -> tuple[str, np.ndarray]:
    """The term and values a guarantee's deterrence curve runs over (its own, or by kind)."""
    if guarantee.sweep is not None:
        s = guarantee.sweep
        return s.term, np.linspace(s.low, s.high, s.points)
    term = DEFAULT_SWEEP[guarantee.kind]
    nominal = getattr(game.guarantor(guarantee.id), term)
    high = 1.0 if term in ("credibility", "ambiguity", "umbrella") else max(2.0 * nominal, 1.0)
    return term, np.linspace(0.0, high, 21)


# --------------------------------------------------------------------------- one chunk


@dataclass(frozen=True)
class _Plan:
    run: RunDraws
    crises: tuple[Crisis, ...]


def _draws(crisis: Crisis, game: CrisisGame, values: DrawValues) -> dict[str, np.ndarray]:
    """One column per uncertain term, in a fixed order; each guarantor's fighting costs are kept
    ordered (resolute <= irresolute), as the model needs."""
    size = values.size
    draws = {k: values(est) for k, est in uncertain_terms(crisis).items()}
    for g in game.guarantors:
        lo, hi = _key(g.name, "cost_resolute"), _key(g.name, "cost_irresolute")
        if lo in draws or hi in draws:
            c_r = draws.get(lo, np.full(size, g.cost_resolute))
            c_i = draws.get(hi, np.full(size, g.cost_irresolute))
            draws[lo], draws[hi] = np.minimum(c_r, c_i), np.maximum(c_r, c_i)
    return draws


def evaluate_chunk(plan: _Plan, task: ChunkTask) -> dict[str, np.ndarray]:
    """Solve every crisis on this chunk of the run's draws, and every guarantee's sweep on the
    same draws."""
    run_values = plan.run.chunk(task)
    out: dict[str, np.ndarray] = {}
    for crisis in plan.crises:
        game = crisis_game(crisis)
        draws = _draws(crisis, game, run_values)
        if not draws:  # nothing uncertain: one solution, repeated
            draws = {"challenger_value": np.full(task.size, game.challenger_value)}
        res = solve(game, draws)
        out[f"{crisis.id}/deterred"] = np.broadcast_to(res.deterred, (task.size,)).copy()
        out[f"{crisis.id}/margin"] = np.broadcast_to(res.margin, (task.size,)).astype(float)
        out[f"{crisis.id}/failure"] = np.broadcast_to(res.failure, (task.size,)).astype(np.int8)
        for g, respond in zip(crisis.guarantees, res.respond, strict=True):
            out[f"{crisis.id}/{g.id}/respond"] = np.broadcast_to(respond, (task.size,)).astype(float)
            term, values = sweep_of(g, game)
            key = _key(g.id, term)
            swept = {k: v[None, :] for k, v in draws.items() if k != key}
            swept[key] = values[:, None]
            curve = solve(game, swept).deterred  # (points, draws)
            out[f"{crisis.id}/{g.id}/curve"] = np.broadcast_to(curve, (len(values), task.size)).T.copy()
    return out


# --------------------------------------------------------------------------- summary


def _curve(crisis: Crisis, guarantee, game: CrisisGame, hits: np.ndarray) -> DeterrenceCurveResult:
    term, values = sweep_of(guarantee, game)
    ests = [proportion(hits[:, k]) for k in range(hits.shape[1])]
    prob = tuple(e.value for e in ests)
    side = np.asarray(prob) >= 0.5
    flips = np.flatnonzero(side[1:] != side[:-1])
    return DeterrenceCurveResult(term=term, values=tuple(float(v) for v in values), probability=prob,
                                 low=tuple(e.low for e in ests), high=tuple(e.high for e in ests),
                                 nominal=float(getattr(game.guarantor(guarantee.id), term)),
                                 crossing=float(values[flips[0] + 1]) if flips.size else None)


def _summarise(crisis: Crisis, arrays: dict[str, np.ndarray]) -> CrisisResult:
    game = crisis_game(crisis)
    failure = arrays[f"{crisis.id}/failure"]
    guarantees = tuple(
        GuaranteeResult(id=g.id, title=g.title, guarantor=g.guarantor, kind=g.kind,
                        respond=mean(arrays[f"{crisis.id}/{g.id}/respond"]),
                        curve=_curve(crisis, g, game, arrays[f"{crisis.id}/{g.id}/curve"]))
        for g in crisis.guarantees)
    return CrisisResult(id=crisis.id, title=crisis.title, challenger=crisis.challenger, target=crisis.target,
                        deterred=proportion(arrays[f"{crisis.id}/deterred"]),
                        nominal_deterred=bool(np.all(solve(game).deterred)),
                        fails_on_credibility=float(np.mean(failure == 1)),
                        fails_on_capability=float(np.mean(failure == 2)),
                        margin=mean(arrays[f"{crisis.id}/margin"]), guarantees=guarantees)


@register("deterrence", "Security guarantees and deterrence", order=40, parallel=True,
          applies=lambda scenario: bool(scenario.deterrence), reads=("settlement",))
def deterrence_analysis(scenario: Scenario, *, settlement: Settlement | None = None,
                        progress: ProgressCallback | None = None, executor=None,
                        checkpoint=None) -> DeterrenceResult:
    """Whether each crisis's guarantees deter the attack (perfect deterrence with incomplete
    information, Zagare & Kilgour 2000; tying hands, Fearon 1997), over the run's draws of the
    uncertain terms."""
    run = settlement_of(scenario, settlement).run
    plan = _Plan(run, tuple(scenario.deterrence))
    arrays = run_chunks(partial(evaluate_chunk, plan), run.tasks(), executor=executor, progress=progress,
                        task_name="deterrence")
    crises = tuple(_summarise(c, arrays) for c in plan.crises)
    return DeterrenceResult(draws=run.draws, seed=run.seed, crises=crises,
                            per_draw=PerDraw.of(arrays, run.draws, run.seed))


__all__ = ["CrisisResult", "DeterrenceCurveResult", "DeterrenceResult", "GuaranteeResult",
           "crisis_game", "deterrence_analysis", "evaluate_chunk", "uncertain_terms"]
