"""Escalation risk with and without confidence-building measures, over arrays of parameter draws.

Scenarios: no measures ("none"), each measure alone, and all measures together ("package").
Theatres are combined assuming they escalate independently: P(any) = 1 - prod(1 - p_t).
CBM practice: the 1972 US-Soviet Incidents at Sea Agreement (Lynn-Jones 1985, "A Quiet Success
for Arms Control", International Security 9(4)) and the OSCE Vienna Document 2011.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from multitrack.escalation.model import (
    Ladder,
    Measure,
    Theatre,
    batched_power,
    draw_count,
    rates,
    reach_probabilities,
    transition_matrices,
)

BASELINE = "none"
PACKAGE = "package"
COMBINED = "combined"
#: The hypothetical scenario kept beside the agreed one where measures are tied to tracks: every
#: measure in force at its full stated effect in every draw, as if every track agreed on the terms
#: that buy all of it.
ALL_IN_FORCE = "all-in-force"


@dataclass(frozen=True)
class Summary:
    """Mean and central interval (default 90%) of a quantity over Monte Carlo draws."""

    mean: float
    low: float
    high: float


def summarize(values: np.ndarray, level: float = 0.9) -> Summary:
    """Mean and equal-tailed ``level`` interval of draws (quantiles 5% and 95% by default)."""
    values = np.asarray(values, dtype=float)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return Summary(float(values.mean()), float(low), float(high))


@dataclass(frozen=True)
class EscalationRisk:
    """Reach probabilities, array ``reach`` of shape (scenario, theatre, horizon, rung, draw).

    Theatres include a last entry "combined" (any theatre reaches the rung, independence assumed).
    """

    rungs: tuple[str, ...]
    horizons: tuple[int, ...]
    theatres: tuple[str, ...]
    scenarios: tuple[str, ...]
    reach: np.ndarray

    def probability(self, scenario: str, theatre: str, horizon: int, rung: str) -> np.ndarray:
        """Draws (n,) of P(reach ``rung`` at least once within ``horizon`` months)."""
        return self.reach[self.scenarios.index(scenario), self.theatres.index(theatre),
                          self.horizons.index(horizon), self.rungs.index(rung)]

    def reduction(self, scenario: str, theatre: str, horizon: int, rung: str) -> np.ndarray:
        """Draws of the absolute risk reduction: baseline minus ``scenario`` probability."""
        base = self.probability(BASELINE, theatre, horizon, rung)
        return base - self.probability(scenario, theatre, horizon, rung)

    def as_draws(self) -> dict[str, np.ndarray]:
        """Flat mapping 'scenario/theatre/horizon/rung' -> draws (n,), e.g. for a Monte Carlo store."""
        return {f"{s}/{t}/{h}/{r}": self.probability(s, t, h, r) for s in self.scenarios
                for t in self.theatres for h in self.horizons for r in self.rungs}

    def rows(self, level: float = 0.9) -> list[dict]:
        """One row per scenario/theatre/horizon/rung with mean, interval and risk reduction."""
        out = []
        for s in self.scenarios:
            for t in self.theatres:
                for h in self.horizons:
                    for r in self.rungs[1:]:
                        out.append(self._row(s, t, h, r, level))
        return out

    def _row(self, s: str, t: str, h: int, r: str, level: float) -> dict:
        p, d = summarize(self.probability(s, t, h, r), level), summarize(self.reduction(s, t, h, r), level)
        return {"scenario": s, "theatre": t, "horizon": h, "rung": r, "mean": p.mean, "low": p.low,
                "high": p.high, "reduction": d.mean, "reduction_low": d.low, "reduction_high": d.high}


def combine_theatres(reach: np.ndarray, axis: int = 0) -> np.ndarray:
    """P(at least one theatre reaches the rung) = 1 - prod(1 - p), assuming independent theatres."""
    return 1.0 - np.prod(1.0 - reach, axis=axis)


def theatre_reach(ladder: Ladder, theatre: Theatre, measures: tuple[Measure, ...],
                  draws: Mapping[str, np.ndarray], horizons: tuple[int, ...], n: int) -> np.ndarray:
    """Reach probabilities (H, R, n) for one theatre under the given measures."""
    up, down = rates(ladder, theatre, draws, n, measures)
    p = transition_matrices(up, down, ladder.absorbing_top)
    return np.moveaxis(reach_probabilities(p, ladder.index(theatre.start), horizons), 0, -1)


def rung_reach(ladder: Ladder, theatres: Sequence[Theatre], measures: tuple[Measure, ...],
               draws: Mapping[str, np.ndarray], horizon: int, rung: str | int) -> np.ndarray:
    """P(any theatre reaches ``rung`` within ``horizon`` months), draws (n,), with ``measures`` in
    force: one rung of :func:`escalation_risk`'s combined reach at one horizon, at a fifth of the
    cost on the default ladder (only the rung's own absorbing chain is powered). For the searches of
    switching values, which evaluate the headline over every draw for many candidate values."""
    n = draw_count(draws)
    k = ladder.index(rung)
    per = []
    for theatre in theatres:
        start = ladder.index(theatre.start)
        if start >= k:
            per.append(np.ones(n))
            continue
        up, down = rates(ladder, theatre, draws, n, measures)
        p = transition_matrices(up, down, ladder.absorbing_top)
        p[:, k, :] = 0.0
        p[:, k, k] = 1.0
        per.append(batched_power(p, int(horizon))[:, start, k])
    return combine_theatres(np.stack(per))


def scenario_sets(measures: Sequence[Measure]) -> dict[str, tuple[Measure, ...]]:
    """Scenario name -> measures in force: none, each alone, and the package of all."""
    names = [m.name for m in measures]
    if len(set(names)) != len(names) or {BASELINE, PACKAGE} & set(names):
        raise ValueError("measure names must be distinct and not 'none' or 'package'")
    sets: dict[str, tuple[Measure, ...]] = {BASELINE: ()}
    sets.update({m.name: (m,) for m in measures})
    if measures:
        sets[PACKAGE] = tuple(measures)
    return sets


def escalation_risk(ladder: Ladder, theatres: Sequence[Theatre], measures: Sequence[Measure],
                    draws: Mapping[str, np.ndarray], horizons: Sequence[int] = (12, 60, 120),
                    sets: Mapping[str, tuple[Measure, ...]] | None = None) -> EscalationRisk:
    """Risk of reaching each rung within each horizon for every scenario, vectorised over draws.

    ``sets`` names the scenarios and the measures in force in each (default: :func:`scenario_sets`
    of ``measures``: none, each alone, all together)."""
    names = [t.name for t in theatres]
    if not names or len(set(names)) != len(names) or COMBINED in names:
        raise ValueError("theatres must be distinct, at least one, and none named 'combined'")
    horizons = tuple(int(h) for h in horizons)
    n = draw_count(draws)
    sets = scenario_sets(measures) if sets is None else dict(sets)
    blocks = []
    for ms in sets.values():
        per = np.stack([theatre_reach(ladder, t, ms, draws, horizons, n) for t in theatres])
        blocks.append(np.concatenate([per, combine_theatres(per)[None]], axis=0))
    return EscalationRisk(ladder.rungs, horizons, tuple(names) + (COMBINED,), tuple(sets), np.stack(blocks))


def uniform_draws(bounds: Mapping[str, tuple[float, float]], n: int, seed: int) -> dict[str, np.ndarray]:
    """Independent uniform draws per named parameter, for quick use without a Monte Carlo engine."""
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(lo, hi, size=n) for name, (lo, hi) in bounds.items()}
