"""The registered "factors" analysis: for each common factor of the scenario (``factors:``), the
estimates that load on it and its effect on the headline numbers of every sampling analysis of
the run. It reads their per-draw results and the factor's own draws; all come from the run's one
set of draws, so draw k of each is the same state of the world.

The effect of a factor on a headline is Spearman's rank correlation between the factor's draws
and the headline's, with the headline's mean when the factor lies in its lowest and its highest
third of draws (the tornado reading of Saltelli et al. 2008, Global Sensitivity Analysis: The
Primer, Wiley, ch. 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ..analysis import register
from ..progress import ProgressCallback
from ..results import Result
from ..scenario.model import Scenario
from ..settlement import RunDraws, Settlement, settlement_of

#: The analyses whose headline numbers by draw (``result.headlines()``) are set against the factors.
SAMPLING = ("forecast", "process", "deterrence", "escalation", "negotiation")


@dataclass(frozen=True)
class FactorEstimate(Result):
    """An estimate that loads on a factor: its label, its field in the scenario, its loading."""

    label: str
    field: str
    loading: float


@dataclass(frozen=True)
class HeadlineEffect(Result):
    """How one headline number of one analysis moves with the factor over the draws."""

    analysis: str
    headline: str
    rank_correlation: float
    low_third: float    # the headline's mean when the factor is in its lowest third of draws
    high_third: float   # ... and in its highest third
    draws: int          # draws compared (the negotiation tournament plays the run's first few)


@dataclass(frozen=True)
class FactorEffect(Result):
    id: str
    title: str
    note: str | None
    source: str | None
    estimates: tuple[FactorEstimate, ...]
    effects: tuple[HeadlineEffect, ...]  # strongest first


@dataclass(frozen=True)
class FactorsResult(Result):
    draws: int
    seed: int
    factors: tuple[FactorEffect, ...]
    notes: tuple[str, ...] = ()

    def factor(self, factor_id: str) -> FactorEffect:
        found = [f for f in self.factors if f.id == factor_id]
        if not found:
            raise KeyError(f"no factor {factor_id!r}; factors: {', '.join(f.id for f in self.factors)}")
        return found[0]

    def rows(self) -> list[dict[str, Any]]:
        """One row per factor and headline; the estimates a factor moves on its first row."""
        out = []
        for f in self.factors:
            moves = "; ".join(f"{e.label} ({e.loading:+g})" for e in f.estimates)
            for k, e in enumerate(f.effects or (None,)):
                row: dict[str, Any] = {"factor": f.title, "moves": moves if k == 0 else ""}
                if e is not None:
                    row.update(analysis=e.analysis, headline=e.headline, rank_correlation=e.rank_correlation,
                               low_third=e.low_third, high_third=e.high_third)
                out.append(row)
        return out


def factor_estimates(run: RunDraws, factor_id: str) -> tuple[FactorEstimate, ...]:
    """The uncertain estimates that load on ``factor_id``, in file order."""
    return tuple(FactorEstimate(inp.label, inp.field, float(inp.estimate.factor.loading))
                 for inp in run.inputs
                 if inp.estimate.factor is not None and inp.estimate.factor.id == factor_id)


def headline_effect(analysis: str, headline: str, factor: np.ndarray,
                    values: np.ndarray) -> HeadlineEffect | None:
    """The effect of one factor on one headline over their common draws (the first ``len(values)``
    draws of the factor); None when the headline does not vary."""
    y = np.asarray(values, dtype=float)
    x = factor[:y.size]
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    if y.size < 3 or np.ptp(y) == 0:
        return None
    rx, ry = rankdata(x), rankdata(y)
    rho = float(np.corrcoef(rx, ry)[0, 1])
    order = rankdata(x, method="ordinal")
    low, high = order <= y.size / 3, order > 2 * y.size / 3
    return HeadlineEffect(analysis, headline, rho, float(y[low].mean()), float(y[high].mean()), int(y.size))


@register("factors", "Common factors and their effect", order=90, uses=SAMPLING, reads=("settlement",),
          applies=lambda scenario: bool(scenario.factors))
def factor_analysis(scenario: Scenario, *, settlement: Settlement | None = None,
                    upstream: dict | None = None, progress: ProgressCallback | None = None) -> FactorsResult:
    """Which estimates each common factor moves, and how the headline numbers of the run's
    sampling analyses move with it draw by draw (rank correlation, and the mean in the factor's
    lowest and highest third of draws)."""
    run = settlement_of(scenario, settlement).run
    scores = run.factor_draws()
    headlines = [(name, label, values) for name in SAMPLING if name in (upstream or {})
                 for label, values in upstream[name].headlines().items()]  # type: ignore[index]
    out, constant = [], set()
    for k, f in enumerate(scenario.factors):
        effects = []
        for name, label, values in headlines:
            e = headline_effect(name, label, scores[:, k], values)
            if e is None:
                constant.add(f"{name}: {label}")
            else:
                effects.append(e)
        effects.sort(key=lambda e: -abs(e.rank_correlation))
        out.append(FactorEffect(f.id, f.title, f.note, f.source.id if f.source else None,
                                factor_estimates(run, f.id), tuple(effects)))
    notes = []
    unused = [f.id for f in out if not f.estimates]
    if unused:
        notes.append(f"no uncertain estimate loads on {', '.join(unused)}: such a factor moves nothing")
    if constant:
        notes.append(f"{len(constant)} headline number(s) do not vary over the draws and have no "
                     f"correlation to show: {', '.join(sorted(constant))}")
    if not headlines:
        notes.append("no sampling analysis ran before this one: there are no headline numbers to compare")
    return FactorsResult(draws=run.draws, seed=run.seed, factors=tuple(out), notes=tuple(notes))
