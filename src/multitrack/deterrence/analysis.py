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
from ..results import LinkEffect, Result, by_id
from ..scenario.model import Scenario
from ..scenario.security import DEFAULT_SWEEP, Crisis
from ..scenario.variants import ModelVariant
from ..settlement import DrawValues, RunDraws, Settlement, settlement_of
from ..settlement.variants import VariantRange, VariantValues
from .links import (
    Candidates,
    CrisisLink,
    TrackOutcomes,
    candidates,
    central_compromise,
    crisis_link,
    designs_in,
    outcomes_from_compromise,
    outcomes_from_process,
    pareto,
)
from .model import CrisisGame, Guarantee
from .solve import solve
from .variants import changes_of, crisis_range, deterrence_variants, varying

#: Draws evaluated together when the frontier builds a track's preference model (memory only).
BLOCK = 500
#: Frontier points kept in the result (best first).
FRONTIER_POINTS = 8


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
class DesignDeterrence(Result):
    """Deterrence under one process design when the crisis's terms come from its track."""

    design: str
    deterred: Estimate95          # share of draws in which deterrence holds
    agreed: float                 # share of draws in which the design agrees on the track
    deterred_with_deal: float | None  # share deterred among the draws with a deal (None: no such draw)


@dataclass(frozen=True)
class FrontierPoint(Result):
    """One outcome of the linked issues: how often it deters, how often it passes the track's rule,
    and how often both in the same draw."""

    outcome: dict                 # linked issue id -> value as written
    deterred: float
    acceptable: float
    both: Estimate95


@dataclass(frozen=True)
class TrackLinkResult(Result):
    """What the crisis's track does to deterrence (issue 16): terms by draw and design, and the
    outcomes that deter and are acceptable."""

    track: str
    terms: tuple[str, ...]        # '<guarantee>.<term>' set by the track's outcome
    issues: tuple[str, ...]       # the linked issues
    source: str                   # "process" (per draw) or "central compromise"
    headline_design: str
    designs: tuple[DesignDeterrence, ...]
    no_deal: Estimate95           # deterrence with the no-deal terms in every draw
    fixed_terms: Estimate95       # with the terms as stated, which no agreement need place
    frontier: tuple[FrontierPoint, ...]   # deterrence vs acceptability, best first
    candidates: int               # outcomes of the linked issues tested
    rest: dict                    # the other issues' values in those outcomes
    rest_from: str                # where those values come from
    note: str | None = None

    def design(self, name: str) -> DesignDeterrence:
        return by_id(self.designs, name, lambda d: d.design, "design")


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
    link: TrackLinkResult | None = None  # terms from a track: deterred etc. are then the headline design's


@dataclass(frozen=True)
class DeterrenceResult(Result):
    draws: int
    seed: int
    crises: tuple[CrisisResult, ...]
    notes: tuple[str, ...] = ()
    per_draw: PerDraw | None = per_draw_field()  # by draw: "<crisis>/deterred", margin, responses, curves
    links: tuple[LinkEffect, ...] = ()  # what each crisis's link to its track changed
    # per crisis that a model variant changes: the share deterred as written and under each variant,
    # and the range across them, beside the interval over the inputs (model vs input uncertainty)
    variants: tuple[VariantRange, ...] = ()

    def headlines(self) -> dict[str, np.ndarray]:
        """Whether each crisis's challenger is deterred (1) or attacks (0), by draw."""
        if self.per_draw is None:
            return {}
        return {f"{c.id} deterred": self.per_draw[f"{c.id}/deterred"].astype(float) for c in self.crises}

    def crisis(self, crisis_id: str) -> CrisisResult:
        return by_id(self.crises, crisis_id, lambda c: c.id, "crisis")

    @property
    def summary(self) -> str:
        """In one line: per crisis, the share of draws in which the challenger is deterred."""
        if not self.crises:
            return "no crisis to analyse"
        first, *rest = self.crises
        return ", ".join([f"{first.id} deterred in {first.deterred.value:.0%} of draws"]
                         + [f"{c.id} in {c.deterred.value:.0%}" for c in rest])

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
class _LinkPlan:
    """A crisis's link to its track for the run: the outcomes by draw of each design (the first is
    the headline), and the candidate outcomes of the frontier."""

    link: CrisisLink
    designs: tuple[TrackOutcomes, ...]
    candidates: Candidates | None
    source: str  # "process" or "central compromise"
    central: dict[str, float]  # the linked terms at the central estimates and the central compromise
    note: str | None = None


@dataclass(frozen=True)
class _Plan:
    run: RunDraws
    crises: tuple[Crisis, ...]
    links: tuple[_LinkPlan | None, ...] = ()
    variants: tuple[ModelVariant, ...] = ()  # the model variants that change the deterrence model

    def link(self, k: int) -> _LinkPlan | None:
        return self.links[k] if self.links else None


def _draws(crisis: Crisis, game: CrisisGame, values: DrawValues) -> dict[str, np.ndarray]:
    """One column per uncertain term, in a fixed order; each guarantor's fighting costs are kept
    ordered (resolute <= irresolute), as the model needs."""
    return _ordered(game, {k: values(est) for k, est in uncertain_terms(crisis).items()}, values.size)


def _ordered(game: CrisisGame, draws: dict[str, np.ndarray], size: int) -> dict[str, np.ndarray]:
    for g in game.guarantors:
        lo, hi = _key(g.name, "cost_resolute"), _key(g.name, "cost_irresolute")
        if lo in draws or hi in draws:
            c_r = draws.get(lo, np.full(size, g.cost_resolute))
            c_i = draws.get(hi, np.full(size, g.cost_irresolute))
            draws[lo], draws[hi] = np.minimum(c_r, c_i), np.maximum(c_r, c_i)
    return draws


def evaluate_chunk(plan: _Plan, task: ChunkTask) -> dict[str, np.ndarray]:
    """Solve every crisis on this chunk of the run's draws, and every guarantee's sweep on the
    same draws; for a crisis tied to a track, under each design's outcome of the track, with the
    no-deal terms, and over the frontier's candidate outcomes."""
    run_values = plan.run.chunk(task)
    out: dict[str, np.ndarray] = {}
    for k, crisis in enumerate(plan.crises):
        game = crisis_game(crisis)
        draws = _draws(crisis, game, run_values)
        if not draws:  # nothing uncertain: one solution, repeated
            draws = {"challenger_value": np.full(task.size, game.challenger_value)}
        linked = plan.link(k)
        from_track: dict[str, np.ndarray] = {}
        if linked is not None:
            out.update(_linked_chunk(crisis, game, linked, draws, run_values, task))
            from_track = linked.link.linked_terms(run_values, *_rows(linked.designs[0], task))
            draws = _ordered(game, {**draws, **from_track}, task.size)
        for variant in varying(crisis, plan.variants):
            out[f"{crisis.id}/variant/{variant.id}/deterred"] = _variant_deterred(
                crisis, game, variant, run_values, from_track, task.size)
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


def _variant_deterred(crisis: Crisis, game: CrisisGame, variant: ModelVariant, values: DrawValues,
                      from_track: dict[str, np.ndarray], size: int) -> np.ndarray:
    """Whether the challenger is deterred in each draw under one model variant: the changed inputs
    read as the variant reads them, every other input as drawn; terms a track sets stay the track's."""
    changed = changes_of(crisis, variant)
    read = VariantValues(values, {id(est): change for est, change in changed.values()})
    keys = uncertain_terms(crisis) | {k: est for k, (est, _) in changed.items()}
    draws = {k: read(est) for k, est in keys.items()} | from_track
    return _deterred(game, draws, size)


def _rows(outcomes: TrackOutcomes, task: ChunkTask) -> tuple[dict[str, np.ndarray], np.ndarray]:
    part = outcomes.rows(task.start, task.start + task.size)
    return part.outcome, part.agreed


def _linked_chunk(crisis: Crisis, game: CrisisGame, linked: _LinkPlan, draws: dict[str, np.ndarray],
                  values: DrawValues, task: ChunkTask) -> dict[str, np.ndarray]:
    """The fixed terms, each design's terms and the no-deal terms on this chunk, and the
    frontier's candidates (deterred, and passing the track's rule) by draw."""
    size, link = task.size, linked.link
    cid = crisis.id
    out = {f"{cid}/fixed/deterred": _deterred(game, dict(draws), size),
           f"{cid}/no-deal/deterred": _deterred(game, {**draws, **link.no_deal_terms(values)}, size)}
    for design in linked.designs:
        outcome, agreed = _rows(design, task)
        out[f"{cid}/design/{design.design}/deterred"] = _deterred(
            game, {**draws, **link.linked_terms(values, outcome, agreed)}, size)
        out[f"{cid}/design/{design.design}/agreed"] = agreed.copy()
    cand = linked.candidates
    if cand is not None:
        terms = link.terms_at(values, {iid: x[:, None] for iid, x in cand.outcome.items()})  # (m, D)
        swept = {k: np.asarray(v)[None, :] for k, v in draws.items() if k not in terms}
        deterred = solve(game, _ordered(game, {**swept, **terms}, size)).deterred
        out[f"{cid}/frontier/deterred"] = np.broadcast_to(deterred, (len(cand.index), size)).T.copy()
        out[f"{cid}/frontier/passes"] = _passes(link, values, cand)
    return out


def _deterred(game: CrisisGame, draws: dict[str, np.ndarray], size: int) -> np.ndarray:
    return np.broadcast_to(solve(game, _ordered(game, draws, size)).deterred, (size,)).copy()


def _passes(link: CrisisLink, values: DrawValues, cand: Candidates) -> np.ndarray:
    """(D, m): whether each candidate outcome passes the track's decision rule in each draw, by the
    one preference model (red lines, reservation values, vetoes and votes)."""
    from ..settlement.preferences import track_preferences

    blocks = []
    for start in range(0, values.size, BLOCK):
        part = values.rows(start, min(start + BLOCK, values.size))
        blocks.append(track_preferences(link.scenario, link.track, part).passes(cand.index))
    return np.concatenate(blocks, axis=0)


# --------------------------------------------------------------------------- summary


def _curve(crisis: Crisis, guarantee, game: CrisisGame, hits: np.ndarray,
           central: dict[str, float] | None = None) -> DeterrenceCurveResult:
    """The curve's summary; ``central`` holds the terms a track sets at the central estimates, which
    replace the stated terms as the curve's marked value."""
    term, values = sweep_of(guarantee, game)
    nominal = (central or {}).get(_key(guarantee.id, term), getattr(game.guarantor(guarantee.id), term))
    ests = [proportion(hits[:, k]) for k in range(hits.shape[1])]
    prob = tuple(e.value for e in ests)
    side = np.asarray(prob) >= 0.5
    flips = np.flatnonzero(side[1:] != side[:-1])
    return DeterrenceCurveResult(term=term, values=tuple(float(v) for v in values), probability=prob,
                                 low=tuple(e.low for e in ests), high=tuple(e.high for e in ests),
                                 nominal=float(nominal),
                                 crossing=float(values[flips[0] + 1]) if flips.size else None)


def _summarise(crisis: Crisis, arrays: dict[str, np.ndarray],
               linked: _LinkPlan | None = None) -> CrisisResult:
    game = crisis_game(crisis)
    failure = arrays[f"{crisis.id}/failure"]
    guarantees = tuple(
        GuaranteeResult(id=g.id, title=g.title, guarantor=g.guarantor, kind=g.kind,
                        respond=mean(arrays[f"{crisis.id}/{g.id}/respond"]),
                        curve=_curve(crisis, g, game, arrays[f"{crisis.id}/{g.id}/curve"],
                                     None if linked is None else linked.central))
        for g in crisis.guarantees)
    return CrisisResult(id=crisis.id, title=crisis.title, challenger=crisis.challenger, target=crisis.target,
                        deterred=proportion(arrays[f"{crisis.id}/deterred"]),
                        nominal_deterred=bool(np.all(solve(game, None if linked is None else
                                                            linked.central).deterred)),
                        fails_on_credibility=float(np.mean(failure == 1)),
                        fails_on_capability=float(np.mean(failure == 2)),
                        margin=mean(arrays[f"{crisis.id}/margin"]), guarantees=guarantees,
                        link=None if linked is None else _link_summary(crisis, arrays, linked))


def _link_summary(crisis: Crisis, arrays: dict[str, np.ndarray], linked: _LinkPlan) -> TrackLinkResult:
    cid = crisis.id
    designs = []
    for d in linked.designs:
        hit = arrays[f"{cid}/design/{d.design}/deterred"]
        agreed = arrays[f"{cid}/design/{d.design}/agreed"]
        with_deal = float(np.mean(hit[agreed])) if agreed.any() else None
        designs.append(DesignDeterrence(design=d.design, deterred=proportion(hit),
                                        agreed=float(np.mean(agreed)), deterred_with_deal=with_deal))
    cand = linked.candidates
    frontier: tuple[FrontierPoint, ...] = ()
    if cand is not None:
        det, ok = arrays[f"{cid}/frontier/deterred"], arrays[f"{cid}/frontier/passes"]
        shares = np.column_stack([det.mean(axis=0), ok.mean(axis=0)])
        both = det & ok
        front = pareto(shares)
        order = front[np.argsort(-both[:, front].mean(axis=0), kind="stable")][:FRONTIER_POINTS]
        frontier = tuple(FrontierPoint(outcome=dict(cand.labels[j]), deterred=float(shares[j, 0]),
                                       acceptable=float(shares[j, 1]), both=proportion(both[:, j]))
                         for j in order)
    link = linked.link
    return TrackLinkResult(
        track=link.track.id, terms=link.keys(), issues=link.issue_ids, source=linked.source,
        headline_design=linked.designs[0].design, designs=tuple(designs),
        no_deal=proportion(arrays[f"{cid}/no-deal/deterred"]),
        fixed_terms=proportion(arrays[f"{cid}/fixed/deterred"]), frontier=frontier,
        candidates=0 if cand is None else len(cand.index), rest={} if cand is None else dict(cand.rest),
        rest_from="" if cand is None else cand.rest_from, note=linked.note)


def link_effects(crisis: CrisisResult) -> tuple[LinkEffect, ...]:
    """One sentence per guarantee whose terms the crisis's track sets."""
    link = crisis.link
    if link is None:
        return ()
    head = link.design(link.headline_design)
    under = "under parallel talks" if head.design == "parallel" else \
        f"with the {head.design} as the track's outcome" if link.source != "process" else \
        f"under the {head.design} design"
    out = []
    for g in crisis.guarantees:
        terms = [t.split(".", 1)[1].replace("_", " ") for t in link.terms if t.split(".", 1)[0] == g.id]
        if not terms:
            continue
        sentence = (f"The {link.track} track sets the {_and(terms)} of '{g.title}': deterrence of "
                    f"{crisis.challenger} in '{crisis.title}' holds in {_pct(head.deterred.value)} of draws "
                    f"{under} (no deal: {_pct(link.no_deal.value)}; with the fixed terms, which no agreement "
                    f"places, {_pct(link.fixed_terms.value)}).")
        out.append(LinkEffect(kind="deterrence-terms", source=f"track:{link.track}",
                              target=f"crisis:{crisis.id}/guarantee:{g.id}", sentence=sentence,
                              before=link.fixed_terms.value, after=head.deterred.value))
    return tuple(out)


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%" if 0 < 100 * v < 10 else f"{100 * v:.0f}%"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --------------------------------------------------------------------------- the run


def link_plans(scenario: Scenario, run: RunDraws, process=None) -> tuple[tuple[_LinkPlan | None, ...],
                                                                        tuple[str, ...]]:
    """Each crisis's link for this run, from the process analysis's per-draw outcomes where it ran
    on the same draws, else from the central compromise (with a note)."""
    plans: list[_LinkPlan | None] = []
    notes: list[str] = []
    per_draw = getattr(process, "per_draw", None)
    same = per_draw is not None and per_draw.draws == run.draws and per_draw.seed == run.seed
    for crisis in scenario.deterrence:
        link = crisis_link(scenario, crisis)
        if link is None:
            plans.append(None)
            continue
        agreed, choice = central_compromise(scenario, link.track)
        designs: tuple[TrackOutcomes, ...] = ()
        if same and link.track.id in process.tracks:
            names = designs_in(per_draw, link.track.id)
            names = tuple(sorted(names, key=lambda n: (n != "parallel", names.index(n))))
            designs = tuple(outcomes_from_process(link, per_draw, tuple(process.tracks), n) for n in names)
        note = None
        if designs:
            source = "process"
        else:
            source = "central compromise"
            why = "the process analysis did not run on these draws" if not same else \
                "the process analysis gave no per-draw outcome of this track"
            fails = "" if agreed else " (none: the track fails there, so the no-deal terms)"
            note = (f"Crisis '{crisis.id}': {why}, so the terms taken from track '{link.track.id}' are "
                    f"those of its central compromise in every draw{fails}; run the process analysis "
                    "for terms by draw and design.")
            notes.append(note)
            designs = (outcomes_from_compromise(link, agreed, choice, run.draws),)
        try:
            cand = candidates(scenario, link, choice if agreed else None)
        except ValueError as exc:
            cand = None
            notes.append(f"Crisis '{crisis.id}': no frontier of deterrence and acceptability: {exc}.")
        central = DrawValues.central(scenario)
        at_centre = outcomes_from_compromise(link, agreed, choice, 1)
        terms = link.linked_terms(central, at_centre.outcome, at_centre.agreed)
        plans.append(_LinkPlan(link, designs, cand, source, {k: float(v[0]) for k, v in terms.items()}, note))
    return tuple(plans), tuple(notes)


@register("deterrence", "Security guarantees and deterrence", order=40, parallel=True,
          applies=lambda scenario: bool(scenario.deterrence), reads=("settlement",), uses=("process",))
def deterrence_analysis(scenario: Scenario, *, settlement: Settlement | None = None,
                        progress: ProgressCallback | None = None, executor=None,
                        checkpoint=None, upstream: dict | None = None) -> DeterrenceResult:
    """Whether each crisis's guarantees deter the attack (perfect deterrence with incomplete
    information, Zagare & Kilgour 2000; tying hands, Fearon 1997), over the run's draws of the
    uncertain terms; a crisis tied to a track takes the terms its track agrees, draw by draw and
    design by design (from the process analysis in ``upstream``)."""
    run = settlement_of(scenario, settlement).run
    links, notes = link_plans(scenario, run, (upstream or {}).get("process"))
    plan = _Plan(run, tuple(scenario.deterrence), links, deterrence_variants(scenario.variants))
    arrays = run_chunks(partial(evaluate_chunk, plan), run.tasks(), executor=executor, progress=progress,
                        task_name="deterrence")
    crises = tuple(_summarise(c, arrays, plan.link(k)) for k, c in enumerate(plan.crises))
    return DeterrenceResult(draws=run.draws, seed=run.seed, crises=crises, notes=notes,
                            per_draw=PerDraw.of(arrays, run.draws, run.seed),
                            links=tuple(e for c in crises for e in link_effects(c)),
                            variants=_variant_ranges(plan, arrays))


def _variant_ranges(plan: _Plan, arrays: dict[str, np.ndarray]) -> tuple[VariantRange, ...]:
    """Per crisis that a variant changes, the share deterred across the variants."""
    out = []
    for crisis in plan.crises:
        chosen = varying(crisis, plan.variants)
        if chosen:
            varied = [arrays[f"{crisis.id}/variant/{v.id}/deterred"] for v in chosen]
            out.append(crisis_range(crisis, chosen, arrays[f"{crisis.id}/deterred"], varied))
    return tuple(out)


__all__ = ["CrisisResult", "DesignDeterrence", "DeterrenceCurveResult", "DeterrenceResult", "FrontierPoint",
           "GuaranteeResult", "TrackLinkResult", "crisis_game", "deterrence_analysis", "evaluate_chunk",
           "link_effects", "link_plans", "uncertain_terms"]
