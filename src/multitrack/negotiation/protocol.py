"""Alternating offers between two parties and the stacked alternating offers protocol for more
(SAOP; Aydoğan, Festen, Hindriks and Jonker 2017, "Alternating offers protocols for
multilateral negotiation", in Fujita et al. (eds.), Modern Approaches to Agent-based Complex
Automated Negotiation, Springer, 153-167), with a deadline in rounds and the track's decision
rule.

In each round every participant takes one turn, in a fixed order. On its turn a participant
answers the offer on the table, yes or no. The offer is a deal as soon as the yes votes given
since it was made meet the track's decision rule (every veto player, and the qualified majority
or the weighted threshold where the rule has one). A no that leaves the rule out of reach (a
veto player's no; under unanimity anyone's) kills the offer, and the participant who said it
puts its own offer on the table, which it accepts by making it. A no the rule can bear is
recorded and the offer stays. Under unanimity this is SAOP exactly. The talks are opened by the
first bargainer in the turn order (a veto player, or anyone when nobody holds a veto). Two
parties: Rubinstein-style alternating offers as in Genius and the ANAC competitions.

Relative time in round ``r`` (0-based) of a ``T``-round negotiation is ``(r + 1) / (T + 1)``
for every party, as in NegMAS's SAOMechanism with a step limit: the first offer comes just after
the start and the last round ends just before the deadline. Discount factors act on this time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..results import Result
from .domain import NegotiationDomain
from .kernel import AGREED, BROKEN, QUALIFIED, UNANIMITY, WEIGHTED, run_many, run_one
from .strategies import Strategy, encode

#: NegMAS's presorting inverter returns an outcome up to this much below its floor when it is
#: nearer to the floor than the closest outcome above it (its global EPS).
NEGMAS_INVERTER_EPS = 1e-6


@dataclass(frozen=True)
class ProtocolConfig:
    """``deadline``: rounds (each party one turn per round). ``tolerance``: raw-utility slack
    when looking for the outcome closest above a target (NegMAS's ``eps``; 0 by default).
    ``below_slack``: an offer may fall up to this much below ``target - tolerance`` when it is
    nearer to that floor than the closest outcome above it. ``order``: the turn order (party
    numbers; default 0, 1, ...). ``record_offers``: keep every offer in the result of
    :func:`negotiate`. ``distances``: False skips the distances to the Pareto frontier and the
    Nash solution (and so the frontier itself).

    ``mode``: ``"literature"`` (default) plays the agents as the literature defines them: each
    concedes on its own clock, which reaches its reservation value at its last offer that can
    still be answered (Faratin, Sierra and Jennings 1998: the deadline is where the tactic ends),
    accepts by AC_next with discounting (Baarslag, Hindriks and Jonker 2014), and, when its own
    counter-offer could no longer be answered, any acceptable offer; among outcomes it values
    equally it offers the lowest outcome number. ``"negmas"`` reproduces NegMAS 0.16's time-based
    negotiators: their clock ``(r + 1) / (T + 1)``, acceptance only at least ``target -
    tolerance``, ties in NegMAS's order, and no acceptance rule at the last turn; see
    :meth:`negmas`.
    """

    deadline: int = 100
    tolerance: float = 0.0
    below_slack: float = 0.0
    order: tuple[int, ...] | None = None
    record_offers: bool = False
    distances: bool = True  # measure distances to the Pareto frontier and Nash point (needs the frontier)
    mode: Literal["literature", "negmas"] = "literature"

    def __post_init__(self) -> None:
        if self.deadline < 1:
            raise ValueError("deadline must be at least one round")
        if self.tolerance < 0 or self.below_slack < 0:
            raise ValueError("tolerance and below_slack must not be negative")
        if self.mode not in ("literature", "negmas"):
            raise ValueError(f"unknown mode {self.mode!r}")

    @classmethod
    def negmas(cls, tolerance: float = 1e-4, **kw) -> ProtocolConfig:
        """NegMAS 0.16's time-based negotiators with tolerance ``tolerance`` (NegMAS's default is
        1e-4), their clock, their acceptance and their order among outcomes of equal utility,
        and the inverter's slack below the floor (1e-6)."""
        return cls(tolerance=tolerance, below_slack=kw.pop("below_slack", NEGMAS_INVERTER_EPS), mode="negmas",
                   **kw)


@dataclass(frozen=True)
class Offer(Result):
    round: int
    party: str
    outcome: int
    utility: tuple[float, ...]   # normalised, every party


@dataclass(frozen=True)
class NegotiationResult(Result):
    """One negotiation. Utilities are raw points and normalised (0 worst, 1 best outcome of the
    space); a party's gain is its normalised utility less its normalised no-deal utility (0 when
    there is no deal). ``discounted``: raw utility of the deal discounted to the time it was
    struck, ``u * d ** t`` (without a deal, the no-deal utility discounted to the end of the
    talks), as Genius scores a session. ``accepted_by``: whether the deal is acceptable to each
    party (no red line broken, utility at least its reservation value, to a relative 1e-9);
    None without a deal. ``votes``: each party's answer to the final offer (None: not asked).
    Distances are Euclidean in the bargainers' normalised utilities, from the deal (or, without
    one, the no-deal point) to the nearest Pareto-optimal outcome that passes the rule and to
    the Nash solution with the reservation values as disagreement point; None when no outcome
    passes."""

    protocol: str
    strategies: tuple[str, ...]
    parties: tuple[str, ...]
    agreed: bool
    status: str                       # agreed | deadline | broken (one had to offer, could accept nothing)
    round: int | None                 # 0-based round of the agreement
    outcome: int | None
    outcome_values: dict | None
    utility: tuple[float, ...]
    normalised: tuple[float, ...]
    gain: tuple[float, ...]
    accepted_by: tuple[bool | None, ...]   # the deal is acceptable to each party (None: no deal)
    distance_pareto: float | None
    distance_nash: float | None
    n_offers: int
    offers: tuple[Offer, ...] = ()
    votes: tuple[bool | None, ...] = ()    # answers to the final offer (None: not asked)
    discounted: tuple[float, ...] = ()
    rule: str = "unanimity"

    def rows(self) -> list[dict]:
        return [{"party": p, "strategy": s, "agreed": self.agreed, "round": self.round, "utility": u,
                 "normalised": nu, "gain": g, "acceptable": a}
                for p, s, u, nu, g, a in zip(self.parties, self.strategies, self.utility, self.normalised,
                                              self.gain, self.accepted_by, strict=True)]


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
        return {"utility": raw, "normalised": norm, "gain": gain, "distance_pareto": nan,
                "distance_nash": nan}
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


def discounted(domain: NegotiationDomain, raw: np.ndarray, status: np.ndarray, rounds: np.ndarray,
               deadline: int) -> np.ndarray:
    """Raw utilities (runs, parties) discounted as Genius does (``AbstractUtilitySpace.discount``
    and ``getReservationValueWithDiscount``: ``u * d ** t``): to the time of the deal, or of the
    break, ``(r + 1) / (T + 1)``; to the end, ``t = 1``, when the deadline passed."""
    ended = np.asarray(status) != 0
    t = np.where(ended, (np.asarray(rounds, dtype=float) + 1.0) / (deadline + 1.0), 1.0)
    return raw * domain.discounts[None, :] ** t[:, None]


def _rule_arrays(domain: NegotiationDomain):
    rule = domain.decision_rule
    k = domain.n_parties
    veto = np.zeros(k, dtype=np.bool_)
    veto[list(rule.vetoes)] = True
    kind = {"unanimity": UNANIMITY, "qualified": QUALIFIED, "weighted": WEIGHTED}[rule.kind]
    weights = np.zeros(k) if rule.weights is None else np.asarray(rule.weights, dtype=float)
    return veto, kind, int(rule.min_participants), np.ascontiguousarray(weights), float(rule.threshold)


def _kernel_args(domain: NegotiationDomain, config: ProtocolConfig):
    """The kernel's arrays for this domain and protocol, kept on the domain (its ``__dict__``, as
    ``cached_property`` does) so that repeated negotiations pay for them once."""
    cache = domain.__dict__.setdefault("_kernel_args", {})
    key = (config.mode, config.order, config.deadline)
    if key not in cache:
        cache[key] = _make_kernel_args(domain, config)
    return cache[key]


def _make_kernel_args(domain: NegotiationDomain, config: ProtocolConfig):
    negmas = config.mode == "negmas"
    order, sorted_u, count = domain.sorted_offers_negmas if negmas else domain.sorted_offers
    lo, hi = domain.bounds_negmas if negmas else domain.bounds
    bargainer = np.zeros(domain.n_parties, dtype=np.bool_)
    bargainer[list(domain.required)] = True
    k = domain.n_parties
    turn = np.arange(k, dtype=np.int64) if config.order is None else np.asarray(config.order, np.int64)
    if sorted(turn.tolist()) != list(range(domain.n_parties)):
        raise ValueError(f"order must list every party once: {config.order}")
    T = config.deadline
    if negmas:
        clock = np.full(k, T + 1.0)
        final = np.zeros(k, dtype=np.bool_)
    else:  # the first mover's last offer is answered in the last round; the others' one round earlier
        clock = np.full(k, float(max(T - 1, 1)))
        clock[turn[0]] = float(T)
        final = np.ones(k, dtype=np.bool_)
        final[turn[0]] = False
    veto, kind, min_p, weights, threshold = _rule_arrays(domain)
    return (domain.utility, domain.acceptable, order, sorted_u, count, lo, hi, domain.span,
            domain.value_index, domain.value_offset, int(sum(domain.shape)), bargainer, veto, kind, min_p,
            weights, threshold, np.ascontiguousarray(domain.discounts, dtype=float), clock, final,
            negmas), turn


def _check(domain: NegotiationDomain, strategies: Sequence[Strategy]) -> None:
    if len(strategies) != domain.n_parties:
        raise ValueError(f"{len(strategies)} strategies for {domain.n_parties} parties")


def rule_text(domain: NegotiationDomain) -> str:
    """The decision rule in words, as a deal must pass it."""
    if "_rule_text" not in domain.__dict__:
        domain.__dict__["_rule_text"] = _rule_words(domain)
    return domain.__dict__["_rule_text"]


def _rule_words(domain: NegotiationDomain) -> str:
    rule = domain.decision_rule
    vetoes = [domain.parties[v] for v in rule.vetoes]
    veto = f", including {', '.join(vetoes)}" if vetoes else ""
    if rule.kind == "qualified":
        return f"qualified majority: {rule.min_participants} of {domain.n_parties}{veto}"
    if rule.kind == "weighted":
        return f"weighted vote: at least {rule.threshold:g} of the weight{veto}"
    if len(vetoes) == domain.n_parties:
        return "unanimity"
    return f"unanimity of the veto players ({', '.join(vetoes)})" if vetoes else "no veto player"


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
    status, rnd, outcome, n_off = run_one(  # type: ignore[call-arg]  # mypy cannot count starred args
        *args, codes, params, turn, config.deadline, float(config.tolerance), float(config.below_slack), s32,
        config.record_offers, tr_o, tr_p, tr_r, votes)
    agreed = status == AGREED
    m = measure(domain, np.array([agreed]), np.array([outcome]), distances=config.distances)
    disc = discounted(domain, m["utility"], np.array([status]), np.array([rnd]), config.deadline)
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
        accepted_by=tuple(bool(a) for a in domain.acceptable[outcome]) if agreed
        else (None,) * domain.n_parties,
        distance_pareto=_opt(m["distance_pareto"][0]), distance_nash=_opt(m["distance_nash"][0]),
        n_offers=int(n_off), offers=offers, votes=tuple(None if v < 0 else bool(v) for v in votes),
        discounted=tuple(map(float, disc[0])), rule=rule_text(domain))


def negotiate_many(domain: NegotiationDomain, assignments: Sequence[Sequence[Strategy]], *,
                   config: ProtocolConfig | None = None, seeds: Sequence[int] | np.ndarray | None = None
                   ) -> dict[str, np.ndarray]:
    """Many negotiations on one domain in one compiled call: one strategy per party for each
    run. Returns arrays: ``status`` (1 agreed, 0 deadline, 2 broken), ``agreed``, ``round``,
    ``outcome`` (-1: none), ``n_offers``, ``votes`` (runs, parties), the measures of
    :func:`measure` and ``discounted`` (runs, parties)."""
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
    run_many(*args, codes, params, turn,  # type: ignore[call-arg]  # mypy cannot count starred args
             config.deadline, float(config.tolerance), float(config.below_slack), seeds, status, rounds,
             outcomes, n_offers, votes)
    agreed = status == AGREED
    m = measure(domain, agreed, outcomes, distances=config.distances)
    return {"status": status, "agreed": agreed, "round": np.where(agreed, rounds, -1), "outcome": outcomes,
            "n_offers": n_offers, "votes": votes, **m,
            "discounted": discounted(domain, m["utility"], status, rounds, config.deadline)}


def _opt(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)
