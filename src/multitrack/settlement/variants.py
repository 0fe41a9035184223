"""Model variants on the run's own draws, and the range of a headline across them.

A variant (scenario.variants) replaces some inputs or multiplies them. :class:`VariantValues`
reads the run's draws as the variant sees them: a replaced input is the alternative estimate at
the same quantile as the input in that draw (common random numbers: two variants differ by the
model choice only), a multiplied one is the input as drawn times the factor. Everything else is the
run's own draws. :func:`variant_range` then reports, for one headline, the mean and interval over
the inputs under every variant and the range of the means across them: model uncertainty beside
input uncertainty (Draper 1995, "Assessment and propagation of model uncertainty", JRSS B 57(1)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..results import Result
from ..scenario.estimates import EstimateModel
from ..scenario.variants import BASE, Change
from .draws import DrawValues


class VariantValues:
    """The run's draws as one variant reads them: ``changes`` maps id(input estimate) to its change."""

    def __init__(self, values: DrawValues, changes: Mapping[int, Change]) -> None:
        self.values = values
        self.changes = dict(changes)
        self.size = values.size

    def __call__(self, est: EstimateModel, block: int = 0) -> np.ndarray:
        base = self.values(est, block)
        change = self.changes.get(id(est))
        if change is None:
            return base
        if change.factor is not None:
            return base * change.factor
        assert change.value is not None
        q = self.values.quantile(est, block)
        if q is None:  # the input is a plain number (or values were given, not scores): no quantile to share
            return np.full(self.size, float(change.value.nominal))
        return change.value.ppf(q)


@dataclass(frozen=True)
class VariantFigure(Result):
    """One headline under one variant: its mean over the draws and its interval over the inputs."""

    variant: str
    title: str
    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class VariantRange(Result):
    """A headline across the model variants: the lowest and highest mean (model uncertainty) and
    which variants give them, beside the base model's interval over the inputs (input uncertainty)."""

    headline: str
    level: float
    low: float
    high: float
    lowest: str
    highest: str
    figures: tuple[VariantFigure, ...]
    # what each figure's interval is: over the inputs, or (for a share of draws, whose mean is
    # already over the inputs) the Monte Carlo interval of the share
    interval: str = "interval over the inputs"

    @property
    def base(self) -> VariantFigure:
        return self.figures[0]


def variant_range(headline: str, draws: np.ndarray, ids: Sequence[str], titles: Sequence[str],
                  level: float) -> VariantRange:
    """The range of a headline across variants from its draws (draws, variants); the first
    column is the scenario as written."""
    draws = np.asarray(draws, dtype=float)
    if draws.ndim != 2 or draws.shape[1] != len(ids) or len(ids) != len(titles) or ids[0] != BASE:
        raise ValueError("draws must be (draws, variants) with the base model first")
    tail = (1 - level) / 2
    means = draws.mean(axis=0)
    lows, highs = np.quantile(draws, [tail, 1 - tail], axis=0)
    figures = tuple(VariantFigure(v, t, float(m), float(lo), float(hi))
                    for v, t, m, lo, hi in zip(ids, titles, means, lows, highs, strict=True))
    a, b = int(np.argmin(means)), int(np.argmax(means))
    return VariantRange(headline, level, float(means[a]), float(means[b]), ids[a], ids[b], figures)
