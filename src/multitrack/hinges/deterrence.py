"""What a crisis's deterrence hinges on: for each term of the crisis (the challenger's prize and
every guarantee's terms, uncertain or stated), the value at which

- the share of draws in which deterrence holds crosses one half, the term fixed at that value in
  every draw and every other input keeping its draws (the run's headline), and
- the verdict at the central estimates flips, every other input at its central value.

Terms the crisis's track sets (``from_track``) are outcomes of a negotiation, not inputs, and are
not searched; they keep their values by draw (the headline design's) or at the central compromise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..deterrence.model import CrisisGame
from ..deterrence.solve import solve
from ..scenario.estimates import EstimateModel
from ..scenario.security import SHARE_TERMS, Crisis
from .results import Switch
from .search import Crossing, MeasureMany, crossings_many, percentile_of

#: Tails of an uncertain input left out of its searched range when its support is unbounded.
TAIL = 1e-3
#: A stated number is searched up to this many times its own size (or the scale of its unit).
STATED_REACH = 4.0
#: Cells (values x draws x terms) the requests of several inputs may fill in one solve.
MANY_CELLS = 4_000_000


@dataclass(frozen=True)
class SearchInput:
    """One input a search moves: its key in the crisis game, a label, its estimate, and the range."""

    key: str
    label: str
    estimate: EstimateModel
    low: float
    high: float

    @property
    def central(self) -> float:
        return float(self.estimate.nominal)

    @property
    def stated(self) -> bool:
        return not self.estimate.is_uncertain


def crisis_inputs(crisis: Crisis, exclude: tuple[str, ...] = ()) -> tuple[SearchInput, ...]:
    """Every term of the crisis as a search input, in file order, but those in ``exclude``."""
    value = float(crisis.challenger_value.nominal)
    out = [_input("challenger_value", f"{crisis.challenger}'s prize from attacking", crisis.challenger_value,
                  max(value, 1.0))]
    for g in crisis.guarantees:
        tau = g.terms.get("tripwire_cost")
        for term, est in g.terms.items():
            key = f"{g.id}.{term}"
            if key in exclude:
                continue
            unit = max(value, 1.0)
            if term == "tripwire":  # tau converts the force's size to utility
                per = float(tau.nominal) if tau is not None else 0.0
                unit = unit / per if per > 0 else max(float(est.nominal), 1.0)
            out.append(_input(key, f"{g.id} {term.replace('_', ' ')}", est, unit))
    return tuple(out)


def _input(key: str, label: str, est: EstimateModel, unit: float) -> SearchInput:
    """The searched range: an uncertain input's support (its 0.1 and 99.9 percentiles where
    unbounded); a stated number's domain up to STATED_REACH times its size or its unit's scale."""
    if est.is_uncertain:
        lo, hi = est.support
        if not np.isfinite(lo):
            lo = float(est.ppf(np.array([TAIL]))[0])
        if not np.isfinite(hi):
            hi = float(est.ppf(np.array([1 - TAIL]))[0])
        return SearchInput(key, label, est, float(lo), float(hi))
    x = float(est.nominal)
    term = key.rsplit(".", 1)[-1]
    if term in SHARE_TERMS:
        return SearchInput(key, label, est, 0.0, 1.0)
    reach = STATED_REACH * max(abs(x), unit)
    return SearchInput(key, label, est, x - reach if term == "stake" else 0.0, x + reach)


def share_measure(game: CrisisGame, draws: Mapping[str, np.ndarray], key: str):
    """values -> share of draws deterred with ``key`` fixed at each value, the other terms at their
    draws; one broadcast solve over (values, draws)."""
    others = {k: np.asarray(v, dtype=float)[None, :] for k, v in draws.items() if k != key}

    def measure(values: np.ndarray) -> np.ndarray:
        fixed = {**others, key: np.asarray(values, dtype=float)[:, None]}
        hit = solve(game, ordered(game, fixed)).deterred
        return np.asarray(hit, dtype=float).reshape(len(values), -1).mean(axis=1)

    return measure


def share_many(game: CrisisGame, draws: Mapping[str, np.ndarray], inputs: tuple[SearchInput, ...]
               ) -> MeasureMany:
    """[(input index, values)] -> the share of draws deterred with each input fixed at each of its
    values, the other terms at their draws (or their stated values): one broadcast solve for all
    requests where they fit in MANY_CELLS cells, else one per request (:func:`share_measure`)."""
    n = max((np.asarray(v).size for v in draws.values()), default=1)
    others = {k: np.asarray(v, dtype=float)[None, :] for k, v in draws.items()}

    def measure(asked: list[tuple[int, np.ndarray]]) -> list[np.ndarray]:
        keys = sorted({inputs[k].key for k, _ in asked})
        total = sum(len(xs) for _, xs in asked)
        if len(asked) == 1 or total * n * (len(keys) + len(others)) > MANY_CELLS:
            return [share_measure(game, draws, inputs[k].key)(xs) for k, xs in asked]
        central = {inputs[k].key: inputs[k].central for k, _ in asked}
        fixed = dict(others)
        for key in keys:
            fixed[key] = np.array(np.broadcast_to(others.get(key, np.array([[central[key]]])), (total, n)))
        start = 0
        for k, xs in asked:
            fixed[inputs[k].key][start:start + len(xs), :] = np.asarray(xs, dtype=float)[:, None]
            start += len(xs)
        hit = np.asarray(solve(game, ordered(game, fixed)).deterred, dtype=float)
        hit = hit.reshape(total, -1).mean(axis=1)
        return np.split(hit, np.cumsum([len(xs) for _, xs in asked])[:-1])

    return measure


def ordered(game: CrisisGame, draws: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each guarantor's fighting costs kept ordered (resolute <= irresolute), as the model needs and
    as the deterrence analysis does with its draws."""
    out = dict(draws)
    for g in game.guarantors:
        lo, hi = f"{g.name}.cost_resolute", f"{g.name}.cost_irresolute"
        if lo in out or hi in out:
            c_r = np.asarray(out.get(lo, g.cost_resolute), dtype=float)
            c_i = np.asarray(out.get(hi, g.cost_irresolute), dtype=float)
            out[lo], out[hi] = np.minimum(c_r, c_i), np.maximum(c_r, c_i)
    return out


def widened(inp: SearchInput) -> SearchInput:
    """An estimate's range widened by STATED_REACH times its width (or size, at least 1) on each
    side, kept within the term's domain (a share in [0, 1], a stake anywhere, any other term from
    0): where to look for what it would take when the estimate does not flip a headline."""
    reach = STATED_REACH * max(inp.high - inp.low, abs(inp.central), 1.0)
    term = inp.key.rsplit(".", 1)[-1]
    low, high = inp.low - reach, inp.high + reach
    if term in SHARE_TERMS:
        low, high = 0.0, 1.0
    elif term != "stake":
        low = max(low, 0.0)
    return SearchInput(inp.key, inp.label, inp.estimate, low, high)


def would_take(game: CrisisGame, draws: Mapping[str, np.ndarray], inputs: tuple[SearchInput, ...],
               threshold: float = 0.5) -> tuple[Switch, ...]:
    """For the estimates among ``inputs`` (those that do not flip the headline within their
    range): their switching values over ranges widened beyond their support (:func:`widened`),
    each reported with its estimate's own range, the smallest move relative to that range's width
    first; crossings still inside the range (at its very ends) are left out."""
    found = []
    estimates = tuple(inp for inp in inputs if not inp.stated)
    ranges = [(w.low, w.high, w.central) for w in map(widened, estimates)]
    for inp, hits in zip(estimates, crossings_many(share_many(game, draws, estimates), ranges, threshold),
                         strict=True):
        for c in hits:
            if inp.low <= c.value <= inp.high:
                continue
            found.append(Switch(input=inp.key, label=inp.label, central=inp.central, value=c.value,
                                direction=c.direction, percentile=percentile_of(inp.estimate.ppf, c.value),
                                central_percentile=percentile_of(inp.estimate.ppf, inp.central),
                                beyond=c.beyond, low=inp.low, high=inp.high))
    return tuple(sorted(found, key=lambda s: abs(s.value - s.central) / max(s.high - s.low, 1e-12)))


def switches(game: CrisisGame, draws: Mapping[str, np.ndarray], inputs: tuple[SearchInput, ...],
             threshold: float = 0.5) -> tuple[tuple[Switch, ...], tuple[str, ...]]:
    """The switching values of each input (estimates first, then stated numbers, each smallest move
    first; see Switch.order) and the labels of the inputs that do
    not flip the share of ``draws`` deterred across ``threshold`` within their ranges. With one draw
    (or none) the share is the verdict at those values."""
    ranges = [(inp.low, inp.high, inp.central) for inp in inputs]
    return switches_of(inputs, crossings_many(share_many(game, draws, inputs), ranges, threshold))


def switches_of(inputs: Sequence[SearchInput], hits_of: Sequence[Sequence[Crossing]]
                ) -> tuple[tuple[Switch, ...], tuple[str, ...]]:
    """Each input's crossings as switching values (with the value's and the central value's
    percentile in the estimate; none for a stated number), smallest move first, and the labels of
    the inputs with no crossing."""
    found: list[Switch] = []
    steady: list[str] = []
    for inp, hits in zip(inputs, hits_of, strict=True):
        if not hits:
            steady.append(inp.label)
        for c in hits:
            pct = None if inp.stated else percentile_of(inp.estimate.ppf, c.value)
            mid = None if inp.stated else percentile_of(inp.estimate.ppf, inp.central)
            found.append(Switch(input=inp.key, label=inp.label, central=inp.central, value=c.value,
                                direction=c.direction, percentile=pct, central_percentile=mid,
                                beyond=c.beyond, low=inp.low, high=inp.high))
    return tuple(sorted(found, key=lambda s: s.order)), tuple(steady)
