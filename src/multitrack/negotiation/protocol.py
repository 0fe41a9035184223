"""Alternating offers between two parties and the stacked alternating offers protocol for more
(SAOP; Aydoğan, Festen, Hindriks and Jonker 2017, "Alternating offers protocols for
multilateral negotiation", in Fujita et al. (eds.), Modern Approaches to Agent-based Complex
Automated Negotiation, Springer, 153-167), with a deadline in rounds.

In each round every participant takes one turn, in a fixed order. On its turn a veto player
either accepts the offer on the table or replaces it with its own (which it accepts by making
it). The offer is agreed as soon as every veto player has accepted it since it was made.
Participants without a veto are asked on their turn and again when a deal is struck; their
answers are recorded, not required, and they make no offers. Two parties: Rubinstein-style
alternating offers as in Genius and the ANAC competitions.

Relative time in round ``r`` (0-based) of a ``T``-round negotiation is ``(r + 1) / (T + 1)`` for
every party, as in NegMAS's SAOMechanism with a step limit: the first offer comes just after
the start and the last round ends just before the deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..results import Result
from .domain import NegotiationDomain
from .kernel import AGREED, BROKEN, run_many, run_one
from .strategies import Strategy, encode


@dataclass(frozen=True)
class ProtocolConfig:
    """``deadline``: rounds (each party one turn per round). ``tolerance``: raw-utility slack
    when looking for the outcome closest above a target (NegMAS's ``eps``; 0 by default).
    ``below_slack``: an offer may fall up to this much below ``target - tolerance`` when it is
    nearer to that floor than the closest outcome above it (NegMAS's inverter admits 1e-6; 0 by
    default). ``order``: the turn order (party numbers; default 0, 1, ...). ``record_offers``:
    keep every offer in the result of :func:`negotiate`. ``distances``: False skips the distances
    to the Pareto frontier and the Nash solution (and so the frontier itself)."""

    deadline: int = 100
    tolerance: float = 0.0
    below_slack: float = 0.0
    order: tuple[int, ...] | None = None
    record_offers: bool = False
    distances: bool = True  # measure distances to the Pareto frontier and Nash point (needs the frontier)

    def __post_init__(self) -> None:
        if self.deadline < 1:
            raise ValueError("deadline must be at least one round")
        if self.tolerance < 0 or self.below_slack < 0:
            raise ValueError("tolerance and below_slack must not be negative")


@dataclass(frozen=True)
class Offer:
    round: int
    party: str
    outcome: int
    utility: tuple[float, ...]   # normalised, every party


@dataclass(frozen=True)
class NegotiationResult(Result):
    """One negotiation. Utilities are raw points and normalised (0 worst, 1 best outcome of the
    space); a party's gain is its normalised utility less its normalised no-deal utility (0 when
    there is no deal). Distances are Euclidean in the required parties' normalised utilities,
    from the deal (or, without one, the no-deal point) to the nearest Pareto-optimal acceptable
    outcome and to the Nash solution; None when no outcome is acceptable to all of them."""

    protocol: str
    strategies: tuple[str, ...]
    parties: tuple[str, ...]
    agreed: bool
    status: str                       # agreed | deadline | broken (a veto player had nothing to offer)
    round: int | None                 # 0-based round of the agreement
    outcome: int | None
    outcome_values: dict | None
    utility: tuple[float, ...]
    normalised: tuple[float, ...]
    gain: tuple[float, ...]
    accepted_by: tuple[bool | None, ...]   # answers to the final offer (None: not asked)
    distance_pareto: float | None
    distance_nash: float | None
    n_offers: int
    offers: tuple[Offer, ...] = ()

    def rows(self) -> list[dict]:
        return [{"party": p, "strategy": s, "agreed": self.agreed, "round": self.round, "utility": u,
                 "normalised": nu, "gain": g, "accepted": a}
                for p, s, u, nu, g, a in zip(self.parties, self.strategies, self.utility, self.normalised,
                                              self.gain, self.accepted_by)]


def measure(domain: NegotiationDomain, agreed: np.ndarray, outcomes: np.ndarray,
            distances: bool = True) -> dict[str, np.ndarray]:
    """Utilities, gains and distances of many results on one domain (vectorised over runs);
    without ``distances`` they are NaN and the Pareto frontier is not computed."""
    agreed = np.asarray(agreed, dtype=bool)
    safe = np.where(agreed, outcomes, 0)
    raw = np.where(agreed[:, None], domain.utility[safe], domain.no_deal[None, :])
    norm = domain.normalise(raw)
    d_all = np.clip(domain.normalise(domain.no_deal), 0.0, 1.0)
    norm = np.where(agreed[:, None], norm, d_all[None, :])
    gain = np.where(agreed[:, None], norm - d_all[None, :], 0.0)
    if not distances:
        nan = np.full(agreed.size, np.nan)
        return {"utility": raw, "normalised": norm, "gain": gain, "distance_pareto": nan, "distance_nash": nan}
    ref = domain.reference
    req = list(domain.required)
    pts = norm[:, req]
    if ref.nash is None:
        dp = np.full(agreed.size, np.nan)
        dn = np.full(agreed.size, np.nan)
    else:
        dn = np.sqrt(((pts - ref.nash[None, :]) ** 2).sum(axis=1))
        dp = np.empty(agreed.size)
        for start in range(0, agreed.size, 4096):  # bounded memory: runs x frontier points
            block = pts[start:start + 4096]
            dist = ((block[:, None, :] - ref.frontier[None, :, :]) ** 2).sum(axis=2)
            dp[start:start + 4096] = np.sqrt(dist.min(axis=1))
    return {"utility": raw, "normalised": norm, "gain": gain, "distance_pareto": dp, "distance_nash": dn}


def _kernel_args(domain: NegotiationDomain, config: ProtocolConfig):
    order, sorted_u, count = domain.sorted_offers
    lo, hi = domain.bounds
    required = np.zeros(domain.n_parties, dtype=np.bool_)
    required[list(domain.required)] = True
    k = domain.n_parties
    turn = np.arange(k, dtype=np.int64) if config.order is None else np.asarray(config.order, np.int64)
    if sorted(turn.tolist()) != list(range(domain.n_parties)):
        raise ValueError(f"order must list every party once: {config.order}")
    return (domain.utility, domain.acceptable, order, sorted_u, count, lo, hi, domain.span,
            domain.value_index, domain.value_offset, int(sum(domain.shape)), required), turn


def _check(domain: NegotiationDomain, strategies: Sequence[Strategy]) -> None:
    if len(strategies) != domain.n_parties:
        raise ValueError(f"{len(strategies)} strategies for {domain.n_parties} parties")


def negotiate(domain: NegotiationDomain, strategies: Sequence[Strategy], *,
              config: ProtocolConfig | None = None, seed: int = 0) -> NegotiationResult:
    """One negotiation under the alternating (two parties) or stacked alternating offers protocol."""
    config = config or ProtocolConfig()
    _check(domain, strategies)
    args, turn = _kernel_args(domain, config)
    codes, params = encode(strategies)
    size = config.deadline * domain.n_parties if config.record_offers else 1
    tr_o, tr_p, tr_r = (np.zeros(size, dtype=np.int64) for _ in range(3))
    votes = np.zeros(domain.n_parties, dtype=np.int64)
    s32 = int(np.random.SeedSequence(seed).generate_state(1)[0])
    status, rnd, outcome, n_off = run_one(*args, codes, params, turn, config.deadline,
                                          float(config.tolerance), float(config.below_slack), s32,
                                          config.record_offers, tr_o, tr_p, tr_r, votes)
    agreed = status == AGREED
    m = measure(domain, np.array([agreed]), np.array([outcome]), distances=config.distances)
    offers: tuple[Offer, ...] = ()
    if config.record_offers:
        nu = domain.normalise(domain.utility[tr_o[:n_off]])
        offers = tuple(Offer(int(tr_r[i]), domain.parties[tr_p[i]], int(tr_o[i]), tuple(map(float, nu[i])))
                       for i in range(n_off))
    return NegotiationResult(
        protocol="alternating_offers" if domain.n_parties == 2 else "stacked_alternating_offers",
        strategies=tuple(s.label for s in strategies), parties=domain.parties, agreed=agreed,
        status="agreed" if agreed else ("broken" if status == BROKEN else "deadline"),
        round=int(rnd) if agreed else None, outcome=int(outcome) if agreed else None,
        outcome_values=domain.outcome(outcome) if agreed else None,
        utility=tuple(map(float, m["utility"][0])), normalised=tuple(map(float, m["normalised"][0])),
        gain=tuple(map(float, m["gain"][0])),
        accepted_by=tuple(None if v < 0 else bool(v) for v in votes),
        distance_pareto=_opt(m["distance_pareto"][0]), distance_nash=_opt(m["distance_nash"][0]),
        n_offers=int(n_off), offers=offers)


def negotiate_many(domain: NegotiationDomain, assignments: Sequence[Sequence[Strategy]], *,
                   config: ProtocolConfig | None = None, seeds: Sequence[int] | np.ndarray | None = None
                   ) -> dict[str, np.ndarray]:
    """Many negotiations on one domain in one compiled call: one strategy per party for each
    run. Returns arrays: ``status`` (1 agreed, 0 deadline, 2 broken), ``agreed``, ``round``,
    ``outcome`` (-1: none), ``n_offers``, ``votes`` (runs, parties) and the measures of
    :func:`measure`."""
    config = config or ProtocolConfig()
    n_runs = len(assignments)
    for a in assignments:
        _check(domain, a)
    args, turn = _kernel_args(domain, config)
    k = domain.n_parties
    codes = np.zeros((n_runs, k), dtype=np.int64)
    params = np.zeros((n_runs, k, 4))
    for i, a in enumerate(assignments):
        codes[i], params[i] = encode(a)
    if seeds is None:
        seeds = np.zeros(n_runs, dtype=np.int64)
    seeds = np.asarray(seeds, dtype=np.int64).reshape(n_runs)
    status = np.zeros(n_runs, dtype=np.int64)
    rounds = np.zeros(n_runs, dtype=np.int64)
    outcomes = np.zeros(n_runs, dtype=np.int64)
    n_offers = np.zeros(n_runs, dtype=np.int64)
    votes = np.zeros((n_runs, k), dtype=np.int64)
    run_many(*args, codes, params, turn, config.deadline, float(config.tolerance), float(config.below_slack),
             seeds, status, rounds, outcomes, n_offers, votes)
    agreed = status == AGREED
    return {"status": status, "agreed": agreed, "round": np.where(agreed, rounds, -1), "outcome": outcomes,
            "n_offers": n_offers, "votes": votes, **measure(domain, agreed, outcomes)}


def _opt(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)
