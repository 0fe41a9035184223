"""Tournaments: every assignment of strategies to parties, over many runs and over the
uncertain inputs (one utility array per Monte Carlo draw), summarised as means with 95%
intervals."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..montecarlo.stats import Estimate95, mean, proportion
from ..results import Result
from .domain import NegotiationDomain
from .protocol import ProtocolConfig, negotiate_many
from .strategies import DEFAULT_STRATEGIES, Strategy


@dataclass(frozen=True)
class TournamentConfig:
    """``runs``: repetitions per draw of each assignment that holds a random strategy
    (deterministic assignments run once per draw: repeating them gives the same result).
    ``self_play``: let a strategy meet itself. ``max_assignments``: with more parties, a seeded
    sample of this many assignments when there are more."""

    protocol: ProtocolConfig = field(default_factory=ProtocolConfig)
    runs: int = 1
    self_play: bool = True
    max_assignments: int = 4096

    def __post_init__(self) -> None:
        if self.runs < 1 or self.max_assignments < 1:
            raise ValueError("runs and max_assignments must be at least 1")


@dataclass(frozen=True)
class AssignmentSummary:
    """One assignment (a strategy per party, in party order) over every draw and run. Utilities
    and gains are normalised (0-1 over the space); the round is over agreements only."""

    strategies: tuple[str, ...]
    runs: int
    agreement: Estimate95
    round: Estimate95
    utility: tuple[Estimate95, ...]
    gain: tuple[Estimate95, ...]
    distance_pareto: Estimate95
    distance_nash: Estimate95


@dataclass(frozen=True)
class StrategySummary:
    """One strategy over every seat it took: its party's utility and gain, and how often the
    talks it took part in ended in a deal."""

    strategy: str
    runs: int
    agreement: Estimate95
    utility: Estimate95
    gain: Estimate95


@dataclass(frozen=True)
class TournamentResult(Result):
    parties: tuple[str, ...]
    draws: int
    deadline: int
    assignments: tuple[AssignmentSummary, ...]
    strategies: tuple[StrategySummary, ...]

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for a in self.assignments:
            row: dict[str, Any] = {"assignment": " vs ".join(a.strategies), "runs": a.runs,
                                   "agreement": a.agreement.value, "agreement_low": a.agreement.low,
                                   "agreement_high": a.agreement.high, "round": a.round.value,
                                   "distance_pareto": a.distance_pareto.value,
                                   "distance_nash": a.distance_nash.value}
            for p, u, g in zip(self.parties, a.utility, a.gain):
                row[f"utility:{p}"] = u.value
                row[f"gain:{p}"] = g.value
            out.append(row)
        return out

    def strategy_rows(self) -> list[dict[str, Any]]:
        return [{"strategy": s.strategy, "runs": s.runs, "agreement": s.agreement.value,
                 "utility": s.utility.value, "utility_low": s.utility.low, "utility_high": s.utility.high,
                 "gain": s.gain.value} for s in self.strategies]


def assignments_of(strategies: Sequence[Strategy], n_parties: int, config: TournamentConfig,
                   seed: int = 0) -> list[tuple[Strategy, ...]]:
    """Every assignment of strategies to parties (ordered: who sits where matters), without
    self-play if asked; a seeded sample of ``max_assignments`` when there are more."""
    total = len(strategies) ** n_parties
    if total <= config.max_assignments * 4:
        pool = [a for a in itertools.product(strategies, repeat=n_parties)
                if config.self_play or len({s.label for s in a}) == n_parties]
    else:
        rng = np.random.default_rng([seed, 7])
        pool = []
        seen = set()
        while len(pool) < config.max_assignments and len(seen) < total:
            pick = tuple(int(i) for i in rng.integers(len(strategies), size=n_parties))
            if pick in seen:
                continue
            seen.add(pick)
            a = tuple(strategies[i] for i in pick)
            if config.self_play or len({s.label for s in a}) == n_parties:
                pool.append(a)
    if len(pool) > config.max_assignments:
        rng = np.random.default_rng([seed, 11])
        keep = np.sort(rng.choice(len(pool), size=config.max_assignments, replace=False))
        pool = [pool[i] for i in keep]
    if not pool:
        raise ValueError("no assignment of strategies to parties (too few strategies without self-play?)")
    return pool


def _domains(utilities, domain: NegotiationDomain | None, reservation) -> list[NegotiationDomain]:
    if isinstance(utilities, NegotiationDomain):
        return [utilities]
    if isinstance(utilities, np.ndarray) and utilities.ndim == 2:
        utilities = utilities[None]
    items = list(utilities)
    if items and all(isinstance(d, NegotiationDomain) for d in items):
        return items
    arrays = [np.asarray(u, dtype=float) for u in items]
    if not arrays:
        raise ValueError("no utilities given")
    r = None if reservation is None else np.asarray(reservation, dtype=float)
    if r is not None and r.ndim == 1:
        r = np.broadcast_to(r, (len(arrays), r.size))
    base = domain if domain is not None else NegotiationDomain.from_utilities(
        arrays[0], reservation=None if r is None else r[0])
    return [base.with_utilities(u, None if r is None else r[i]) for i, u in enumerate(arrays)]


def run_tournament(utilities, strategies: Sequence[Strategy] = DEFAULT_STRATEGIES, *,
                   domain: NegotiationDomain | None = None, reservation=None,
                   config: TournamentConfig | None = None, seed: int = 0) -> TournamentResult:
    """Play every assignment of ``strategies`` on every draw.

    ``utilities``: a :class:`NegotiationDomain`, a list of them, or utility arrays, either
    (draws, n_outcomes, n_parties) or a list of (n_outcomes, n_parties). With arrays, ``domain``
    supplies what does not change across draws (parties, issues, red lines, veto players;
    default: every party required, no red lines) and ``reservation`` the reservation values,
    (n_parties,) or (draws, n_parties) (default: the domain's, or none).
    """
    config = config or TournamentConfig()
    strategies = tuple(strategies)
    labels = [s.label for s in strategies]
    if len(set(labels)) != len(labels):
        raise ValueError(f"strategy labels must differ: {labels}")
    draws = _domains(utilities, domain, reservation)
    k = draws[0].n_parties
    pool = assignments_of(strategies, k, config, seed)
    runs_of = [config.runs if any(s.stochastic for s in a) else 1 for a in pool]
    plan = [i for i, n in enumerate(runs_of) for _ in range(n)]
    seq = np.random.SeedSequence(seed)
    per_draw = []
    for d, (dom, child) in enumerate(zip(draws, seq.spawn(len(draws)))):
        if dom.n_parties != k:
            raise ValueError("every draw must have the same parties")
        seeds = child.generate_state(len(plan), dtype=np.uint32).astype(np.int64)
        per_draw.append(negotiate_many(dom, [pool[i] for i in plan], config=config.protocol, seeds=seeds))
    cat = {key: np.concatenate([o[key] for o in per_draw]) for key in per_draw[0]}
    which = np.tile(np.asarray(plan), len(draws))
    summaries = []
    for i, a in enumerate(pool):
        sel = which == i
        agreed = cat["agreed"][sel]
        rounds = cat["round"][sel][agreed].astype(float)
        summaries.append(AssignmentSummary(
            strategies=tuple(s.label for s in a), runs=int(sel.sum()), agreement=proportion(agreed),
            round=mean(rounds), utility=tuple(mean(cat["normalised"][sel][:, p]) for p in range(k)),
            gain=tuple(mean(cat["gain"][sel][:, p]) for p in range(k)),
            distance_pareto=mean(_finite(cat["distance_pareto"][sel])),
            distance_nash=mean(_finite(cat["distance_nash"][sel]))))
    seat = np.array([[labels.index(s.label) for s in pool[i]] for i in which]).reshape(len(which), k)
    by_strategy = []
    for j, name in enumerate(labels):
        rows, cols = np.nonzero(seat == j)
        if rows.size == 0:
            continue
        by_strategy.append(StrategySummary(
            strategy=name, runs=int(rows.size), agreement=proportion(cat["agreed"][rows]),
            utility=mean(cat["normalised"][rows, cols]), gain=mean(cat["gain"][rows, cols])))
    return TournamentResult(parties=draws[0].parties, draws=len(draws), deadline=config.protocol.deadline,
                            assignments=tuple(summaries), strategies=tuple(by_strategy))


def _finite(x: np.ndarray) -> np.ndarray:
    return x[np.isfinite(x)]
