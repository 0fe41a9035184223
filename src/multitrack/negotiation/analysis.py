"""The registered "negotiation" analysis: per track, simulated talks between automated agents
(alternating offers for two, the stacked protocol for more, deals under the track's decision
rule), one run per strategy at the central estimates with its offer trace, and a tournament over
strategy assignments and the first ``max_draws`` draws of the run (talks are costly to simulate;
the draws are the run's own, never another sample), played once when the track's inputs are
certain (docs/negotiation.md)."""

from __future__ import annotations

import concurrent.futures as cf
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..analysis import names_setting, register
from ..montecarlo.executors import SerialExecutor
from ..montecarlo.perdraw import PerDraw, per_draw_field
from ..process.batch_space import build_batch_space, parties_of
from ..progress import ProgressCallback, report
from ..results import Result, by_id
from ..scenario.model import Scenario
from ..settlement import DrawValues, RunDraws, Settlement, settlement_of
from .domain import NegotiationDomain
from .protocol import NegotiationResult, ProtocolConfig, negotiate, rule_text
from .strategies import Strategy
from .tournament import AssignmentSummary, StrategySummary, TournamentConfig, run_tournament

PRESETS = {
    "boulware": Strategy.boulware, "linear": Strategy.linear, "conceder": Strategy.conceder,
    "tit-for-tat": Strategy.tit_for_tat, "aspiration": Strategy.aspiration, "hardliner": Strategy.hardliner,
    "random": Strategy.random,
}


class NegotiationConfig(BaseModel):
    """Strategies, deadline, and how many of the run's draws the tournament plays (the first ones)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    strategies: tuple[str, ...] = Field(("boulware", "linear", "conceder", "hardliner"),
                                        description="Strategies in the tournament ("
                                        + ", ".join(PRESETS) + ").")
    deadline: int = Field(100, ge=1, le=100_000, description="Rounds before the talks end without a deal.")
    max_draws: int = Field(10, ge=1, le=10_000, description="The tournament plays the first this many of "
                           "the run's draws (each draw plays every strategy assignment).")
    max_assignments: int = Field(32, ge=1, le=100_000, description="Most strategy assignments per track "
                                 "(a seeded sample when there are more).")
    max_outcomes: int = Field(200_000, ge=1, le=5_000_000, description="Skip tracks with more outcomes.")

    @field_validator("strategies", mode="before")
    @classmethod
    def _strategies(cls, v) -> tuple[str, ...]:
        return names_setting(v, tuple(PRESETS), "strategy")


@dataclass(frozen=True)
class TrackNegotiation(Result):
    track: str
    title: str
    parties: tuple[str, ...]
    required: tuple[str, ...]
    protocol: str
    n_outcomes: int
    runs: tuple[NegotiationResult, ...] = ()  # every party on one strategy, central estimates, with offers
    per_draw: PerDraw | None = per_draw_field()  # the tournament by draw (see TournamentResult)
    strategies: tuple[StrategySummary, ...] = ()  # the tournament, per strategy and per assignment
    assignments: tuple[AssignmentSummary, ...] = ()
    skipped: str | None = None
    plane: tuple[str, ...] = ()  # the two parties whose utilities the offer traces are drawn in
    frontier: tuple[tuple[float, float], ...] = ()  # Pareto-optimal outcomes passing the rule, in that plane
    nash: tuple[float, float] | None = None  # Nash solution, reservation values as disagreement point
    no_deal: tuple[float, float] | None = None
    rule: str = "unanimity"  # the decision rule a deal must pass, in words
    uncertain: bool = False  # the track's inputs varied over the draws (else: played once, exact shares)
    draws: int = 0           # draws the tournament played
    stochastic: bool = False  # some assignment holds a random strategy

    def run(self, strategy: str) -> NegotiationResult:
        return by_id(self.runs, strategy, lambda r: r.strategies[0], "strategy")

    @property
    def any_deal(self) -> bool:
        """Whether any strategy reached a deal in the tournament."""
        return any(s.deals > 0 for s in self.strategies)


@dataclass(frozen=True)
class NegotiationAnalysisResult(Result):
    draws: int
    seed: int
    deadline: int
    strategies: tuple[str, ...]
    tracks: tuple[TrackNegotiation, ...]
    # by draw (the run's first ``draws``): "<track>/agreement" and "<track>/agreement/<strategy>"
    per_draw: PerDraw | None = per_draw_field()

    def headlines(self) -> dict[str, np.ndarray]:
        """Each track's share of tournament talks that end in a deal, by draw (the run's first
        ``draws`` draws)."""
        if self.per_draw is None:
            return {}
        return {f"{t.track} talks that reach a deal": self.per_draw[f"{t.track}/agreement"]
                for t in self.tracks if f"{t.track}/agreement" in self.per_draw}

    def track(self, track_id: str) -> TrackNegotiation:
        return by_id(self.tracks, track_id, lambda t: t.track, "track")

    @property
    def summary(self) -> str:
        """In one line: the tracks whose talks were simulated, and on how many some strategy
        reached a deal."""
        played = [t for t in self.tracks if not t.skipped]
        text = (f"talks simulated on {len(played)} tracks; a deal reached on "
                f"{sum(t.any_deal for t in played)} of them")
        skipped = len(self.tracks) - len(played)
        return text + (f" ({skipped} skipped)" if skipped else "")

    def rows(self) -> list[dict]:
        return [{"track": t.track, "strategy": s.strategy, "agreement": s.agreement.value,
                 "utility": s.utility.value} for t in self.tracks for s in t.strategies]


# --------------------------------------------------------------------------- utilities per draw


def draw_utilities(scenario: Scenario, track, parties: tuple[str, ...], values: DrawValues
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Raw utility of every outcome for every party on each draw of ``values`` (draws, outcomes,
    parties), in the domain's row-major outcome order, and the reservation values (draws, parties)."""
    draws = values.size
    space = build_batch_space(scenario, track, values, parties_of(track, None, {}))
    if tuple(p.name for p in space.parties) != parties:
        raise ValueError("party order differs between the batch space and the domain")
    sizes = [int(s) for s in space.sizes]
    total = np.zeros((draws, len(parties), *sizes))
    for i, size in enumerate(sizes):
        shape = [draws, len(parties)] + [1] * len(sizes)
        shape[2 + i] = size
        total += space.tables[:, :, i, :size].reshape(shape)
    return np.moveaxis(total.reshape(draws, len(parties), -1), 1, 2), space.reservation


# --------------------------------------------------------------------------- per track


def _plane(domain: NegotiationDomain) -> dict:
    """The first two required parties (or the first two parties), and the Pareto frontier, Nash
    point and no-deal point in their normalised utilities, for drawing offer traces."""
    req = list(domain.required)
    pair = (req + [j for j in range(len(domain.parties)) if j not in req])[:2]
    ref = domain.reference
    if any(j not in req for j in pair):
        return {"plane": tuple(domain.parties[j] for j in pair)}
    cols = [req.index(j) for j in pair]
    pts = sorted({(round(float(a), 6), round(float(b), 6)) for a, b in ref.frontier[:, cols]})
    nash = None if ref.nash is None else (float(ref.nash[cols[0]]), float(ref.nash[cols[1]]))
    return {"plane": tuple(domain.parties[j] for j in pair), "frontier": tuple(pts), "nash": nash,
            "no_deal": (float(ref.disagreement[cols[0]]), float(ref.disagreement[cols[1]]))}


TRACE_OFFERS = 200  # offers kept per run for the report's trace (evenly spaced, the last always kept)


def _thin(run: NegotiationResult) -> NegotiationResult:
    """The run with at most TRACE_OFFERS of its offers, so that results.json stays small."""
    if len(run.offers) <= TRACE_OFFERS:
        return run
    keep = np.unique(np.linspace(0, len(run.offers) - 1, TRACE_OFFERS).round().astype(int))
    return replace(run, offers=tuple(run.offers[k] for k in keep))


def negotiate_track(scenario: Scenario, track, config: NegotiationConfig, run: RunDraws | None = None,
                    values: DrawValues | None = None) -> TrackNegotiation:
    """The runs at the central estimates and the tournament over the first ``config.max_draws``
    draws of ``run`` (default: the run of :func:`~multitrack.settlement.Settlement.from_scenario`)
    for one track; ``values``: those draws' values, when the caller has them already."""
    run = (run or settlement_of(scenario, None).run).first(config.max_draws)
    seed = run.seed
    base = dict(track=track.id, title=track.title, parties=tuple(track.participants), required=(),
                protocol="", n_outcomes=0)
    try:
        domain = NegotiationDomain.from_scenario(scenario, track.id, max_outcomes=config.max_outcomes)
    except ValueError as exc:
        return TrackNegotiation(**base, skipped=str(exc))
    protocol = ProtocolConfig(deadline=config.deadline, record_offers=True)
    strategies = tuple(PRESETS[name]() for name in config.strategies)
    runs = tuple(_thin(negotiate(domain, [s] * len(domain.parties), config=protocol, seed=seed))
                 for s in strategies)
    values = values if values is not None and values.size == run.draws else run.values()
    utilities, reservation = draw_utilities(scenario, track, domain.parties, values)
    uncertain = None if run.draws > 1 else inputs_vary(scenario, track, domain.parties, run)
    tournament = run_tournament(utilities, strategies, domain=domain, reservation=reservation,
                                seed=seed,
                                config=TournamentConfig(protocol=ProtocolConfig(deadline=config.deadline),
                                                        max_assignments=config.max_assignments),
                                uncertain=uncertain)
    plane = _plane(domain)
    return TrackNegotiation(**plane, track=track.id, title=track.title, parties=domain.parties,
                            required=tuple(domain.parties[j] for j in domain.required),
                            protocol="alternating offers" if len(domain.parties) == 2
                            else "stacked alternating offers",
                            n_outcomes=int(domain.utility.shape[0]), runs=runs,
                            strategies=tournament.strategies,
                            assignments=tournament.assignments, rule=rule_text(domain),
                            uncertain=tournament.uncertain, draws=tournament.draws,
                            stochastic=tournament.stochastic, per_draw=tournament.per_draw)


def _negotiate_on(run: RunDraws, track_id: str, config: NegotiationConfig,
                  values: DrawValues | None = None) -> TrackNegotiation:
    """One track's talks, read from the run's own scenario: a worker gets its own copy of the
    run, and the draws are found by the scenario's estimates themselves, so the track must come
    from that copy (``values`` is used only in this process, where it is the run's)."""
    track = next(t for t in run.scenario.active_tracks if t.id == track_id)
    here = values is not None and values.inputs is run.inputs
    return negotiate_track(run.scenario, track, config, run, values if here else None)


def inputs_vary(scenario: Scenario, track, parties: tuple[str, ...], run: RunDraws) -> bool:
    """Whether the track's utilities or reservation values change with its uncertain inputs:
    compared at two probe values of every input, its lower and upper quartile (not a sample)."""
    inputs = run.inputs
    probe = np.array([[inp.estimate.ppf(np.array([q]))[0] for inp in inputs] for q in (0.25, 0.75)])
    u, r = draw_utilities(scenario, track, parties, DrawValues(inputs, probe.reshape(2, len(inputs))))
    return not (np.array_equal(u[0], u[1]) and np.array_equal(r[0], r[1]))


def warm_up() -> None:
    """Compile the negotiation kernels on a tiny domain (run in a background thread by analyze)."""
    domain = NegotiationDomain.from_utilities(np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]))
    strategies = (Strategy.boulware(), Strategy.conceder())
    negotiate(domain, strategies, config=ProtocolConfig(deadline=4, record_offers=True))
    run_tournament(domain.utility[None], strategies, domain=domain,
                   config=TournamentConfig(protocol=ProtocolConfig(deadline=4)))


@register("negotiation", "Simulated negotiations between automated agents", order=80,
          config=NegotiationConfig,
          applies=lambda scenario: any(len(t.participants) >= 2 for t in scenario.active_tracks),
          warm_up=warm_up, compile_ahead=True, reads=("settlement",), parallel=True)
def negotiation_analysis(scenario: Scenario, *, config: NegotiationConfig | None = None,
                         settlement: Settlement | None = None, progress: ProgressCallback | None = None,
                         executor: Any = None, checkpoint: Any = None) -> NegotiationAnalysisResult:
    """How talks on each track might run between automated agents (time-dependent concession after
    Faratin, Sierra & Jennings 1998; stacked alternating offers after Aydogan et al. 2017), at the
    central estimates and as a tournament over the first draws of the run. Each track's talks go
    to ``executor`` (default: this process); every track has its own seeds, so the answer is the
    same on any executor. Nothing is checkpointed (``checkpoint`` is accepted and unused)."""
    config = config or NegotiationConfig.model_validate({})
    run = settlement_of(scenario, settlement).run.first(config.max_draws)
    values = run.values()
    tracks = [t for t in scenario.active_tracks if len(t.participants) >= 2]
    executor = executor if executor is not None else SerialExecutor()
    report(progress, "negotiation", 0, len(tracks))
    futures = [executor.submit(_negotiate_on, run, track.id, config, values) for track in tracks]
    for k, _ in enumerate(cf.as_completed(futures)):
        report(progress, "negotiation", k + 1, len(tracks))
    out = [future.result() for future in futures]
    by_draw = {f"{t.track}/{name}": a for t in out if t.per_draw is not None
               for name, a in t.per_draw.arrays().items()}
    return NegotiationAnalysisResult(draws=run.draws, seed=run.seed, deadline=config.deadline,
                                     strategies=config.strategies, tracks=tuple(out),
                                     per_draw=PerDraw.of(by_draw, run.draws, run.seed))


__all__ = ["NegotiationAnalysisResult", "NegotiationConfig", "PRESETS", "TrackNegotiation", "negotiate_track",
           "negotiation_analysis"]
