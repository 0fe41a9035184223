"""Tournaments: every assignment of strategies to parties, over many runs and over the
uncertain inputs (one utility array per Monte Carlo draw).

A share over the assignments is not a sample: with certain inputs it is exact, and playing the
same negotiations again adds nothing. Draws whose inputs are all the same are detected and
played once. Intervals describe the inputs' uncertainty only: the spread of each figure over the
draws (the 2.5th to 97.5th percentile of its per-draw value), with the Monte Carlo standard
error of the mean as a separate number.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..montecarlo.perdraw import PerDraw, per_draw_field
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
class Spread(Result):
    """One tournament figure. ``value``: over every negotiation played. With uncertain inputs
    and more than one draw, ``low`` and ``high`` are the 2.5th and 97.5th percentiles of the
    figure's per-draw values (how it varies with the inputs, not a confidence interval) and
    ``mc_error`` is the Monte Carlo standard error of ``value`` (the per-draw values' standard
    deviation over the square root of their number); all three are None with certain inputs
    or one draw. ``draws``: how many draws the per-draw values come from (a mean over deals
    leaves out draws without one)."""

    value: float
    low: float | None = None
    high: float | None = None
    mc_error: float | None = None
    draws: int = 1

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None


def spread(per_draw: np.ndarray, value: float, uncertain: bool) -> Spread:
    """A :class:`Spread` from per-draw values (NaN where a draw has none) and the pooled value."""
    x = np.asarray(per_draw, dtype=float)
    x = x[np.isfinite(x)]
    if not uncertain or x.size < 2:
        return Spread(float(value), draws=int(x.size))
    low, high = np.percentile(x, [2.5, 97.5])
    return Spread(float(value), float(low), float(high), float(x.std(ddof=1) / np.sqrt(x.size)), int(x.size))


@dataclass(frozen=True)
class AssignmentSummary(Result):
    """One assignment (a strategy per party, in party order) over every draw and run. Utilities
    and gains are normalised (0-1 over the space); the round is over agreements only."""

    strategies: tuple[str, ...]
    runs: int
    agreement: Spread
    round: Spread
    utility: tuple[Spread, ...]
    gain: tuple[Spread, ...]
    distance_pareto: Spread
    distance_nash: Spread


@dataclass(frozen=True)
class StrategySummary(Result):
    """One strategy over every seat it took: its party's utility and gain, how often the talks
    it took part in ended in a deal, and how many deals that was."""

    strategy: str
    runs: int
    agreement: Spread
    utility: Spread
    gain: Spread
    deals: int = 0


@dataclass(frozen=True)
class TournamentResult(Result):
    """``draws``: the draws played (1 when every draw held the same inputs); ``uncertain``:
    whether the inputs varied over the draws, so that the figures carry a spread;
    ``draws_given``: the draws asked for; ``stochastic``: some assignment holds a random
    strategy (run ``runs`` times per draw)."""

    parties: tuple[str, ...]
    draws: int
    deadline: int
    assignments: tuple[AssignmentSummary, ...]
    strategies: tuple[StrategySummary, ...]
    uncertain: bool = False
    draws_given: int = 1
    stochastic: bool = False
    runs: int = 1
    # by draw given: "agreement" (share of runs with a deal) and "agreement/<strategy>"
    per_draw: PerDraw | None = per_draw_field()

    @property
    def any_deal(self) -> bool:
        return any(s.deals > 0 for s in self.strategies)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for a in self.assignments:
            row: dict[str, Any] = {"assignment": " vs ".join(a.strategies), "runs": a.runs,
                                   "agreement": a.agreement.value, "agreement_low": a.agreement.low,
                                   "agreement_high": a.agreement.high, "round": a.round.value,
                                   "distance_pareto": a.distance_pareto.value,
                                   "distance_nash": a.distance_nash.value}
            for p, u, g in zip(self.parties, a.utility, a.gain, strict=True):
                row[f"utility:{p}"] = u.value
                row[f"gain:{p}"] = g.value
            out.append(row)
        return out

    def strategy_rows(self) -> list[dict[str, Any]]:
        return [{"strategy": s.strategy, "runs": s.runs, "deals": s.deals, "agreement": s.agreement.value,
                 "agreement_low": s.agreement.low, "agreement_high": s.agreement.high,
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
        seen: set[tuple[int, ...]] = set()
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


def _same_inputs(a: NegotiationDomain, b: NegotiationDomain) -> bool:
    return (a.utility.shape == b.utility.shape and np.array_equal(a.utility, b.utility)
            and np.array_equal(a.reservation, b.reservation) and np.array_equal(a.allowed, b.allowed)
            and np.array_equal(a.no_deal, b.no_deal))


def _per_draw(values: np.ndarray, draw: np.ndarray, n_draws: int) -> np.ndarray:
    """Mean of ``values`` within each draw (NaN where a draw has none)."""
    ok = np.isfinite(values)
    total = np.bincount(draw[ok], weights=values[ok], minlength=n_draws)
    count = np.bincount(draw[ok], minlength=n_draws)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _figure(values: np.ndarray, draw: np.ndarray, n_draws: int, uncertain: bool) -> Spread:
    ok = np.isfinite(values)
    pooled = float(values[ok].mean()) if ok.any() else float("nan")
    return spread(_per_draw(values, draw, n_draws), pooled, uncertain)


def run_tournament(utilities, strategies: Sequence[Strategy] = DEFAULT_STRATEGIES, *,
                   domain: NegotiationDomain | None = None, reservation=None,
                   config: TournamentConfig | None = None, seed: int = 0,
                   uncertain: bool | None = None) -> TournamentResult:
    """Play every assignment of ``strategies`` on every draw.

    ``utilities``: a :class:`NegotiationDomain`, a list of them, or utility arrays, either
    (draws, n_outcomes, n_parties) or a list of (n_outcomes, n_parties). With arrays, ``domain``
    supplies what does not change across draws (parties, issues, red lines, decision rule,
    discount factors; default: every party a veto player, no red lines) and ``reservation`` the
    reservation values, (n_parties,) or (draws, n_parties) (default: the domain's, or none).

    Draws that all hold the same inputs are played once. ``uncertain`` says whether the draws
    come from uncertain inputs (default: whether they differ); with False, or one draw, the
    figures carry no interval.
    """
    config = config or TournamentConfig()
    strategies = tuple(strategies)
    labels = [s.label for s in strategies]
    if len(set(labels)) != len(labels):
        raise ValueError(f"strategy labels must differ: {labels}")
    given = _domains(utilities, domain, reservation)
    k = given[0].n_parties
    if any(d.n_parties != k for d in given):
        raise ValueError("every draw must have the same parties")
    identical = len(given) > 1 and all(_same_inputs(given[0], d) for d in given[1:])
    draws = given[:1] if identical else given
    varied = False if identical else (bool(uncertain) if uncertain is not None else len(given) > 1)
    pool = assignments_of(strategies, k, config, seed)
    runs_of = [config.runs if any(s.stochastic for s in a) else 1 for a in pool]
    plan = [i for i, n in enumerate(runs_of) for _ in range(n)]
    seq = np.random.SeedSequence(seed)
    per_draw = []
    for dom, child in zip(draws, seq.spawn(len(draws)), strict=True):
        seeds = child.generate_state(len(plan), dtype=np.uint32).astype(np.int64)
        per_draw.append(negotiate_many(dom, [pool[i] for i in plan], config=config.protocol, seeds=seeds))
    cat = {key: np.concatenate([o[key] for o in per_draw]) for key in per_draw[0]}
    n_draws = len(draws)
    which = np.tile(np.asarray(plan), n_draws)
    draw_of = np.repeat(np.arange(n_draws), len(plan))
    agreed = cat["agreed"].astype(float)
    rounds = np.where(cat["agreed"], cat["round"], np.nan).astype(float)
    summaries = []
    for i, a in enumerate(pool):
        sel = which == i
        d = draw_of[sel]

        def fig(values: np.ndarray, d: np.ndarray = d) -> Spread:
            return _figure(values, d, n_draws, varied)

        summaries.append(AssignmentSummary(
            strategies=tuple(s.label for s in a), runs=int(sel.sum()), agreement=fig(agreed[sel]),
            round=fig(rounds[sel]), utility=tuple(fig(cat["normalised"][sel][:, p]) for p in range(k)),
            gain=tuple(fig(cat["gain"][sel][:, p]) for p in range(k)),
            distance_pareto=fig(cat["distance_pareto"][sel]), distance_nash=fig(cat["distance_nash"][sel])))
    seat = np.array([[labels.index(s.label) for s in pool[i]] for i in which]).reshape(len(which), k)
    by_strategy = []
    for j, name in enumerate(labels):
        rows, cols = np.nonzero(seat == j)
        if rows.size == 0:
            continue
        d = draw_of[rows]
        by_strategy.append(StrategySummary(
            strategy=name, runs=int(rows.size), agreement=_figure(agreed[rows], d, n_draws, varied),
            utility=_figure(cat["normalised"][rows, cols], d, n_draws, varied),
            gain=_figure(cat["gain"][rows, cols], d, n_draws, varied), deals=int(cat["agreed"][rows].sum())))
    by_draw = {"agreement": _per_draw(agreed, draw_of, n_draws)}
    for j, name in enumerate(labels):
        rows, _ = np.nonzero(seat == j)
        if rows.size:
            by_draw[f"agreement/{name}"] = _per_draw(agreed[rows], draw_of[rows], n_draws)
    if identical:  # played once: the same figures in every draw given
        by_draw = {key: np.repeat(v, len(given)) for key, v in by_draw.items()}
    return TournamentResult(parties=draws[0].parties, draws=n_draws, deadline=config.protocol.deadline,
                            assignments=tuple(summaries), strategies=tuple(by_strategy), uncertain=varied,
                            draws_given=len(given), stochastic=any(n > 1 for n in runs_of) or any(
                                s.stochastic for a in pool for s in a), runs=config.runs,
                            per_draw=PerDraw.of(by_draw, len(given), seed))
