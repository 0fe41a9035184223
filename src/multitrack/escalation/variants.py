"""The escalation ladder under the scenario's model variants: other calibrations of the monthly
transition probabilities (COW MID, GML MID or ICB rates, docs/escalation.md) or a multiplier on a
judgemental rate, run on the run's own draws. Only what the headline needs is computed per
variant: the reach of every rung within the longest horizon, with no measures and with all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..scenario.security import Escalation
from ..scenario.variants import BASE, Change, ModelVariant
from ..settlement.draws import DrawValues
from ..settlement.variants import VariantRange, VariantValues, variant_range
from .model import Ladder, Measure, Theatre
from .risk import BASELINE, PACKAGE, escalation_risk


def escalation_variants(variants: Sequence[ModelVariant]) -> tuple[ModelVariant, ...]:
    """The variants that change the escalation ladder, in file order (not those that set scenario
    values: they run on their own, with analyze --variant)."""
    return tuple(v for v in variants if v.escalation is not None and v.is_model_variant)


def changes_of(spec: Escalation, variant: ModelVariant) -> dict[int, Change]:
    """id(transition estimate) -> its change under the variant, for every theatre it acts in."""
    if variant.escalation is None:
        return {}
    out: dict[int, Change] = {}
    for theatre in spec.theatres:
        for name, est in {**theatre.up, **theatre.down}.items():
            change = variant.escalation.transitions.get(name)
            if change is not None and (not change.theatres or theatre.id in change.theatres):
                out[id(est)] = change
    return out


def variant_reach(spec: Escalation, variants: Sequence[ModelVariant], values: DrawValues,
                  keys: Mapping[str, object], model: tuple[Ladder, tuple[Theatre, ...], tuple[Measure, ...]],
                  sets: Mapping[str, tuple[Measure, ...]], extra: Mapping[str, np.ndarray]) -> np.ndarray:
    """Reach within the longest horizon, (draws, variant, scenario, theatre incl. combined, rung), for
    every variant and the scenarios no measures and (where there are measures) the package.

    ``keys`` maps draw names to the estimates they read; ``extra`` holds draws that no variant
    changes (the measures' strengths); ``sets`` the measures in force per scenario of the run."""
    ladder, theatres, measures = model
    chosen = {s: ms for s, ms in sets.items() if s in (BASELINE, PACKAGE)}
    out = []
    for variant in variants:
        read = VariantValues(values, changes_of(spec, variant))
        draws = {k: read(est) for k, est in keys.items()} | dict(extra)  # type: ignore[arg-type]
        risk = escalation_risk(ladder, theatres, measures, draws, (max(spec.horizons),), sets=chosen)
        out.append(risk.reach[:, :, 0])  # (scenario, theatre, rung, draw)
    return np.moveaxis(np.stack(out), -1, 0).astype(np.float32)


def variant_ranges(spec: Escalation, variants: Sequence[ModelVariant], base: np.ndarray, varied: np.ndarray,
                   labels: Sequence[str], level: float) -> tuple[VariantRange, ...]:
    """The range of each headline across the base model and the variants.

    ``base`` (draws, scenario) is the headline cell of the scenario as written for each of the
    scenarios in ``labels`` (no measures, then the package); ``varied`` is :func:`variant_reach`'s
    array. The headline is the top rung in any theatre within the longest horizon."""
    ids = (BASE,) + tuple(v.id for v in variants)
    titles = ("The scenario as written",) + tuple(v.title for v in variants)
    out = []
    for s, label in enumerate(labels):
        columns = np.column_stack([base[:, s]] + [varied[:, v, s, -1, -1] for v in range(len(variants))])
        out.append(variant_range(label, columns, ids, titles, level))
    return tuple(out)
