"""The registered "factors" analysis: for each common factor of the scenario (``factors:``), the
estimates that load on it and its effect on the headline numbers of every sampling analysis of
the run. It reads their per-draw results and the factor's own draws; all come from the run's one
set of draws, so draw k of each is the same state of the world.

A factor *moves* a headline when the significance test of :mod:`multitrack.montecarlo.drivers`
says so: the headline's mean differs between the draws in which the factor lies in its highest
third and those in which it lies in its lowest third by more than shuffling the headline against
the factors explains (permutation test, p = (1 + exceedances) / (B + 1), Phipson and Smyth 2010),
with Holm's correction across the factors tested on that headline (Holm 1979) at 1%. Only
headlines that vary over the draws are tested (one that does not is structural), and only factors
that some uncertain estimate loads on (a factor nothing loads on reaches nothing). Each effect also
carries, for reading, Spearman's rank correlation with its strength in words (Cohen 1988,
Statistical Power Analysis for the Behavioral Sciences, 2nd ed., sec. 3.2: 0.1 small, 0.3 medium,
0.5 large) and the two thirds' means (the tornado reading of Saltelli et al. 2008, Global
Sensitivity Analysis: The Primer, Wiley, ch. 1). The effect measures how the headline moves with
the factor over the run's draws of the uncertain inputs, not how precisely the draws estimate
anything; the judgement (significant or not) is made here, so that no renderer has to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ..analysis import register
from ..montecarlo.drivers import ALPHA, DriverTest, permutations_needed
from ..progress import ProgressCallback, report
from ..results import Result
from ..scenario.model import Scenario
from ..settlement import RunDraws, Settlement, settlement_of
from ..settlement.draws import UncertainInput, uncertain_inputs

#: The analyses whose headline numbers by draw (``result.headlines()``) are set against the factors.
SAMPLING = ("forecast", "process", "deterrence", "escalation", "negotiation")

#: Strength of a rank correlation in words: the smallest |rho| for each word (Cohen 1988, sec. 3.2).
STRENGTHS = ((0.5, "strong"), (0.3, "moderate"), (0.1, "weak"), (0.0, "negligible"))
#: The fields of a track's no-deal value in words.
NO_DEAL_WORDS = {"value": "no-deal value", "cost_per_month": "no-deal cost per month"}
#: Most permuted sums the significance test may take (headlines x draws x permutations x factors):
#: beyond it the test is skipped with a note stating the size (it stops early on noise, so this is
#: the worst case, when every factor moves every headline).
MOST_WORK = 20_000_000_000
#: The word for an effect the significance test cannot tell from shuffling.
UNDETECTED = "not significant"


@dataclass(frozen=True)
class FactorEstimate(Result):
    """An estimate that loads on a factor: its label, its field in the scenario, its loading
    (positive: the estimate rises with the factor; negative: it falls as the factor rises)."""

    label: str
    field: str
    loading: float

    @property
    def moves(self) -> str:
        """Which way the estimate moves, in words."""
        return "with the factor" if self.loading >= 0 else "against the factor"


@dataclass(frozen=True)
class HeadlineEffect(Result):
    """How one headline number of one analysis moves with the factor over the draws."""

    analysis: str
    headline: str
    rank_correlation: float
    low_third: float    # the headline's mean when the factor is in its lowest third of draws
    high_third: float   # ... and in its highest third
    draws: int          # draws compared (the negotiation tournament plays the run's first few)
    label: str = ""     # the headline in the scenario's words (titles for ids)
    strength: str = ""  # the correlation in words: strong, moderate, weak, negligible
    share: bool = False  # the headline is a probability or a 0/1 outcome: its means are shares of draws
    p_value: float | None = None  # Holm-adjusted permutation p-value; None: not significant at ALPHA

    @property
    def direction(self) -> str:
        """Which way the headline moves as the factor rises, in words."""
        return "rises with the factor" if self.rank_correlation > 0 else "falls as the factor rises"

    @property
    def detected(self) -> bool:
        """The factor moves the headline: the swing between its thirds is significant (Holm, 1%)."""
        return self.p_value is not None

    @property
    def significance(self) -> str:
        """The test's verdict in words: the adjusted p-value, or "not significant"."""
        return UNDETECTED if self.p_value is None else f"p = {self.p_value:.2g}"


@dataclass(frozen=True)
class FactorEffect(Result):
    id: str
    title: str
    note: str | None
    source: str | None
    estimates: tuple[FactorEstimate, ...]
    effects: tuple[HeadlineEffect, ...]  # the significant ones first, each part strongest first
    locator: str | None = None           # where in the source

    @property
    def detected(self) -> tuple[HeadlineEffect, ...]:
        """The headlines the factor moves significantly, strongest first."""
        return tuple(e for e in self.effects if e.detected)


@dataclass(frozen=True)
class FactorsResult(Result):
    draws: int
    seed: int
    factors: tuple[FactorEffect, ...]
    notes: tuple[str, ...] = ()
    alpha: float = ALPHA  # family-wise error rate of the test over one headline's factors

    @property
    def summary(self) -> str:
        """In one line: the common factors, and how many headline numbers each moves
        significantly."""
        if not self.factors:
            return "no common factor"
        moves = ", ".join(f"{f.id} {len(f.detected)}" for f in self.factors)
        return f"headlines each common factor moves significantly: {moves}"

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
                    row.update(analysis=e.analysis, headline=e.label, rank_correlation=e.rank_correlation,
                               strength=e.strength, low_third=e.low_third, high_third=e.high_third,
                               significant=e.detected, p_value=e.p_value)
                out.append(row)
        return out


def factor_estimates(run: RunDraws, factor_id: str) -> tuple[FactorEstimate, ...]:
    """The uncertain estimates that load on ``factor_id``, in file order."""
    return _loading_on(run.scenario, run.inputs, factor_id)


def factor_loadings(scenario: Scenario) -> dict[str, tuple[FactorEstimate, ...]]:
    """Per factor of the scenario (in its order), the estimates that load on it, without drawing
    anything (for a summary of the scenario)."""
    inputs = uncertain_inputs(scenario)
    return {f.id: _loading_on(scenario, inputs, f.id) for f in scenario.factors}


def _loading_on(scenario: Scenario, inputs: tuple[UncertainInput, ...],
                factor_id: str) -> tuple[FactorEstimate, ...]:
    return tuple(FactorEstimate(estimate_label(scenario, inp), inp.field, float(inp.estimate.factor.loading))
                 for inp in inputs
                 if inp.estimate.factor is not None and inp.estimate.factor.id == factor_id)


def estimate_label(scenario: Scenario, inp: UncertainInput) -> str:
    """A reader's label for an estimate: names and titles for the no-deal values and the terms of
    a crisis, whose field paths say little; the run's own label for the rest."""
    path, names = inp.path, {a.id: a.name for a in scenario.actors}
    if path[:1] == ("tracks",) and len(path) > 2:
        track = scenario.tracks[path[1]].title
        if path[2] == "no_deal" and len(path) > 4:
            what = NO_DEAL_WORDS.get(path[4], path[4])
            return f"{names.get(path[3], path[3])}'s {what}, {track}"
        if path[2] == "talks_months":
            return f"months of talks, {track}"
    if path[:1] == ("deterrence",) and len(path) > 2:
        crisis = scenario.deterrence[path[1]]
        if path[2] == "challenger_value":
            return f"{names.get(crisis.challenger, crisis.challenger)}'s prize from attacking, {crisis.title}"
        if path[2] == "guarantees" and len(path) > 5:
            return f"{str(path[5]).replace('_', ' ')}, {crisis.guarantees[path[3]].title}"
    return inp.label


def headline_label(scenario: Scenario, analysis: str, headline: str) -> str:
    """A headline in the scenario's words: a leading track, issue or crisis id becomes its title."""
    if analysis == "forecast":
        titles = {i.id: i.label for _, i in scenario.issues()}
    elif analysis == "deterrence":
        titles = {c.id: c.title for c in scenario.deterrence}
    else:
        titles = {t.id: t.title for t in scenario.tracks}
    head, _, rest = headline.partition(" ")
    if head not in titles or not rest:
        return headline
    whole = rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1
    return f"{titles[head]}: {rest[1:-1] if whole else rest}"


def strength(rho: float) -> str:
    """A rank correlation's size in words (Cohen 1988); whether it is significant is the test's."""
    return next(word for bound, word in STRENGTHS if abs(rho) >= bound)


def headline_effect(analysis: str, headline: str, factor: np.ndarray, values: np.ndarray, label: str = "",
                    p_value: float | None = None) -> HeadlineEffect | None:
    """The effect of one factor on one headline over their common draws (the first ``len(values)``
    draws of the factor, those where the headline is a number); None when the headline does not
    vary. ``p_value`` is the test's verdict (:func:`significant_factors`)."""
    y = np.asarray(values, dtype=float)
    x = factor[:y.size]
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    if y.size < 3 or np.ptp(y) == 0:
        return None
    rx, ry = rankdata(x), rankdata(y)
    rho = float(np.corrcoef(rx, ry)[0, 1]) if np.ptp(x) > 0 else 0.0
    order = rankdata(x, method="ordinal")
    low, high = order <= y.size / 3, order > 2 * y.size / 3
    share = analysis != "forecast" and bool(y.min() >= 0 and y.max() <= 1)
    return HeadlineEffect(analysis, headline, rho, float(y[low].mean()), float(y[high].mean()), int(y.size),
                          label or headline, strength(rho), share, p_value)


def significant_factors(scores: np.ndarray, headlines: list[np.ndarray], seed: int,
                        reach: np.ndarray | None = None, alpha: float = ALPHA) -> list[dict[int, float]]:
    """For each headline (by draw), the factors (columns of ``scores``, draws x factors) that move
    it significantly, with their Holm-adjusted permutation p-values: the test of
    :mod:`multitrack.montecarlo.drivers` over the draws where the headline is a number (the first
    ``len(headline)`` draws of the factors). A headline that does not vary has none."""
    scores = np.asarray(scores, dtype=float)
    labels = tuple(str(k) for k in range(scores.shape[1]))
    tests: dict[tuple[int, bytes], DriverTest] = {}
    asked: dict[tuple[int, bytes], list] = {}
    keys = []
    for values in headlines:
        y = np.asarray(values, dtype=float)
        ok = np.isfinite(y)
        key = (y.size, np.packbits(ok).tobytes())
        if key not in tests:  # one prepared test (thirds, permutations) per set of draws compared
            tests[key] = DriverTest(scores[:y.size][ok], seed, alpha)
        asked.setdefault(key, []).append((y[ok], labels, reach, scores.shape[1]))
        keys.append((key, y[ok]))
    for key, requests in asked.items():  # every block of permutations made once per test
        tests[key].prefetch(requests)
    return [{int(d.input): d.p_value for d in tests[key].drivers(y, labels, reach, top=scores.shape[1])}
            for key, y in keys]


@register("factors", "Common factors and their effect", order=90, uses=SAMPLING, reads=("settlement",),
          applies=lambda scenario: bool(scenario.factors))
def factor_analysis(scenario: Scenario, *, settlement: Settlement | None = None,
                    upstream: dict | None = None, progress: ProgressCallback | None = None) -> FactorsResult:
    """Which estimates each common factor moves, and how the headline numbers of the run's
    sampling analyses move with it draw by draw (rank correlation, and the mean in the factor's
    lowest and highest third of draws)."""
    run = settlement_of(scenario, settlement).run
    scores = run.factor_draws()
    given = upstream or {}
    headlines = [(name, label, values) for name in SAMPLING if name in given
                 for label, values in given[name].headlines().items()]
    report(progress, "factors", 0, len(scenario.factors))
    estimates = [factor_estimates(run, f.id) for f in scenario.factors]
    reach = np.array([bool(e) for e in estimates], dtype=bool)  # a factor nothing loads on moves nothing
    work = len(headlines) * run.draws * permutations_needed(int(reach.sum())) * int(reach.sum())
    notes = []
    if work > MOST_WORK:  # too big to test: every effect is reported as not shown to be significant
        moved: list[dict[int, float]] = [{} for _ in headlines]
        notes.append(f"the significance test was skipped: {len(headlines)} headlines x {run.draws:,} draws x "
                     f"{permutations_needed(int(reach.sum())):,} permutations x {int(reach.sum())} factors "
                     f"= {work:.2g} sums, above the limit of {MOST_WORK:.2g}; no factor is reported as "
                     "moving a headline (run fewer draws)")
    else:
        moved = significant_factors(scores, [values for _, _, values in headlines], run.seed, reach)
    out, constant = [], set()
    for k, f in enumerate(scenario.factors):
        report(progress, "factors", k, len(scenario.factors))
        effects = []
        for (name, label, values), found in zip(headlines, moved, strict=True):
            words = headline_label(scenario, name, label)
            e = headline_effect(name, label, scores[:, k], values, words, found.get(k))
            if e is None:
                constant.add(f"{name}: {words}")
            else:
                effects.append(e)
        effects.sort(key=lambda e: (not e.detected, -abs(e.rank_correlation)))
        note = f.note.strip() if f.note else None
        out.append(FactorEffect(f.id, f.title, note, f.source.id if f.source else None, estimates[k],
                                tuple(effects), f.source.locator if f.source else None))
    report(progress, "factors", len(scenario.factors), len(scenario.factors))
    unused = [f.id for f in out if not f.estimates]
    if unused:
        notes.append(f"no uncertain estimate loads on {', '.join(unused)}: such a factor moves nothing")
    if constant:
        notes.append(f"{len(constant)} headline number(s) are the same in every draw (structural): no "
                     f"factor moves them: {'; '.join(sorted(constant))}")
    unmoved = sum(1 for (_, _, values), found in zip(headlines, moved, strict=True)
                  if not found and _varies(values))
    if unmoved:
        notes.append(f"{unmoved} headline number(s) vary over the draws but no factor moves them by more "
                     f"than shuffling explains (permutation test, Holm, {ALPHA:.0%})")
    if not headlines:
        notes.append("no sampling analysis ran before this one: there are no headline numbers to compare")
    return FactorsResult(draws=run.draws, seed=run.seed, factors=tuple(out), notes=tuple(notes))


def _varies(values: np.ndarray) -> bool:
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    return bool(y.size >= 3 and np.ptp(y) > 0)
