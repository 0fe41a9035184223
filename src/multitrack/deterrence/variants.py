"""The deterrence model under the scenario's model variants: another reading of the challenger's
prize or of a guarantee's terms (a multiplier, or an alternative estimate drawn at the same
quantile), run on the run's own draws. Per crisis, only the headline is computed per variant:
whether the challenger is deterred, draw by draw."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..montecarlo.stats import proportion
from ..scenario.security import Crisis
from ..scenario.variants import BASE, Change, ModelVariant
from ..settlement.variants import VariantFigure, VariantRange


def deterrence_variants(variants: Sequence[ModelVariant]) -> tuple[ModelVariant, ...]:
    """The variants that change the deterrence model, in file order (not those that set scenario
    values: they run on their own, with analyze --variant)."""
    return tuple(v for v in variants if v.deterrence is not None and v.is_model_variant)


def changes_of(crisis: Crisis, variant: ModelVariant) -> dict[str, tuple[object, Change]]:
    """Parameter key ('challenger_value' or '<guarantee>.<term>') -> (the estimate it reads, its
    change) for every input of the crisis the variant changes; empty when it leaves the crisis alone."""
    changes = variant.deterrence
    if changes is None or (changes.crises and crisis.id not in changes.crises):
        return {}
    out: dict[str, tuple[object, Change]] = {}
    if changes.challenger_value is not None:
        out["challenger_value"] = (crisis.challenger_value, changes.challenger_value)
    for g in crisis.guarantees:
        for term, change in changes.terms.items():
            if term in g.terms:
                out[f"{g.id}.{term}"] = (g.terms[term], change)
    return out


def varying(crisis: Crisis, variants: Sequence[ModelVariant]) -> tuple[ModelVariant, ...]:
    """The variants that change this crisis."""
    return tuple(v for v in variants if changes_of(crisis, v))


def crisis_range(crisis: Crisis, variants: Sequence[ModelVariant], base: np.ndarray,
                 varied: Sequence[np.ndarray], level: float = 0.95) -> VariantRange:
    """The share of draws deterred in one crisis as written (``base``, by draw) and under each
    variant that changes it (``varied``, by draw), and the range of the shares across them.

    Each draw is deterred or not, so a share is already an average over the inputs; its interval
    is the share's own (Wilson) Monte Carlo interval, as in the crisis's headline."""
    ids = (BASE,) + tuple(v.id for v in variants)
    titles = ("The scenario as written",) + tuple(v.title for v in variants)
    shares = [proportion(x) for x in [base, *varied]]
    figures = tuple(VariantFigure(i, t, s.value, s.low, s.high)
                    for i, t, s in zip(ids, titles, shares, strict=True))
    means = np.array([f.mean for f in figures])
    a, b = int(np.argmin(means)), int(np.argmax(means))
    return VariantRange(f"P(deterred), {crisis.title}", level, float(means[a]), float(means[b]),
                        ids[a], ids[b], figures, interval="Monte Carlo interval of the share")
