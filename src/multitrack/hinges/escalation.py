"""What the escalation headline hinges on (issue 17, item 4): for each number of the escalation
ladder that the run draws (every theatre's monthly transition chances and every measure's effect
factors, in the order of ``escalation.analysis.estimates``), the value at which

- the chance that any theatre reaches the top rung (war) within the longest horizon, with the
  measures as agreed, crosses a threshold (default 10%), and
- the measures as agreed stop (or start) at least halving that chance against no measures,

the number fixed at that value in every draw and every other input keeping its draws (one-way
sensitivity analysis; Briggs, Claxton & Sculpher 2006, ch. 4). The measures' strengths (where
their tracks agree, and how much of their effect the agreed terms buy) are outcomes of the
negotiation, not inputs: they keep their values by draw and are not searched.

Each candidate value is evaluated over every draw at once: the ladder's chain for all (value,
draw) pairs in one batch of matrix powers (``escalation.risk.rung_reach``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from ..escalation.analysis import estimates, model_of
from ..escalation.model import Ladder, Measure, Theatre, rates
from ..escalation.words import horizon_words
from ..progress import ProgressCallback, report
from ..scenario.estimates import EstimateModel
from ..scenario.model import Scenario
from ..scenario.security import Escalation
from ..settlement.draws import RunDraws
from .chains import reach_within
from .deterrence import TAIL, SearchInput, switches_of
from .phrases import switch_list
from .results import Hinge, Switch
from .search import MeasureMany, crossings_many, evaluations

#: The default threshold of the war-risk headline.
WAR_THRESHOLD = 0.10
#: The measures "at least halve" the risk when they take at least this share of it off.
HALVED = 0.5
#: A stated number is searched up to this many times its own size.
STATED_REACH = 5.0
#: Ladder evaluations (draws x candidate values x theatres x 2 scenarios) a run may spend on the
#: searches; above it they are skipped with a note that states the size.
MAX_LADDERS = 60_000_000
#: (value, draw) pairs evaluated in one batch, to bound memory.
BATCH = 20_000

#: the inputs searched -> the headline of each at its values, all requests in one batch
MeasureOf = Callable[[tuple[SearchInput, ...]], MeasureMany]

ID_RISK = "escalation/war-risk"
ID_HALVED = "escalation/halved"


@dataclass(frozen=True)
class LadderRun:
    """The ladder with its numbers by draw: ``draws`` maps every estimate's key (and each
    measure's strength, "<measure>/strength") to its values over the run's draws."""

    ladder: Ladder
    theatres: tuple[Theatre, ...]
    measures: tuple[Measure, ...]     # strengths named by draw key
    draws: Mapping[str, np.ndarray]
    horizon: int
    n: int
    bases: dict = field(default_factory=dict, compare=False, repr=False)  # each theatre's reach, by draw

    def risks(self, key: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean P(top rung within the horizon, any theatre) over the draws with ``key`` fixed at each
        of ``values``: (with no measures, with the measures as agreed), each of shape (len(values),).
        Only the theatres whose chain reads ``key`` are evaluated again; the others keep their
        per-draw reach (computed once)."""
        values = np.asarray(values, dtype=float)
        per = max(1, BATCH // max(self.n, 1))
        out = []
        for measures in ((), self.measures) if self.measures else ((),):
            means = []
            for start in range(0, values.size, per):
                chunk = values[start:start + per]
                escape = np.ones((chunk.size, self.n))
                for theatre in self.theatres:
                    if _reads(theatre, measures, key):
                        draws = _Fixed(self.draws, key, chunk, self.n)
                        reach = self._reach(theatre, measures, draws, chunk.size * self.n)
                        reach = reach.reshape(chunk.size, self.n)
                    else:
                        reach = self._base(theatre, measures)[None, :]
                    escape = escape * (1.0 - reach)
                means.append((1.0 - escape).mean(axis=1))
            out.append(np.concatenate(means))
        return out[0], out[-1]

    def risks_many(self, asked: list[tuple[str, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`risks` of several (key, values) at once: per theatre, one batch of the chains of
        every request whose key it reads (a bisection step of every search together)."""
        if len(asked) == 1:
            return [self.risks(*asked[0])]
        sizes = [np.asarray(v).size for _, v in asked]
        total = sum(sizes)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int)
        out = []
        for measures in ((), self.measures) if self.measures else ((),):
            escape = np.ones((total, self.n))
            for theatre in self.theatres:
                reads = [i for i, (key, _) in enumerate(asked) if _reads(theatre, measures, key)]
                reach = np.broadcast_to(self._base(theatre, measures)[None, :], (total, self.n)).copy()
                if reads:
                    part = [asked[i] for i in reads]
                    rows = sum(sizes[i] for i in reads)
                    got = self._reach(theatre, measures, _FixedMany(self.draws, part, self.n), rows * self.n)
                    got = got.reshape(rows, self.n)
                    at = 0
                    for i in reads:
                        reach[starts[i]:starts[i] + sizes[i]] = got[at:at + sizes[i]]
                        at += sizes[i]
                escape = escape * (1.0 - reach)
            out.append((1.0 - escape).mean(axis=1))
        none, agreed = np.split(out[0], starts[1:]), np.split(out[-1], starts[1:])
        return list(zip(none, agreed, strict=True))

    def _base(self, theatre: Theatre, measures: tuple[Measure, ...]) -> np.ndarray:
        """The theatre's reach in the run's own draws (kept: every search reads it)."""
        name = (theatre.name, tuple(m.name for m in measures))
        if name not in self.bases:
            self.bases[name] = self._reach(theatre, measures, self.draws, self.n)
        return self.bases[name]

    def _reach(self, theatre: Theatre, measures: tuple[Measure, ...], draws: Mapping[str, np.ndarray],
               n: int) -> np.ndarray:
        """P(the theatre reaches the top rung within the horizon), per row of ``draws``: as
        :func:`multitrack.escalation.risk.rung_reach` computes it, compiled."""
        up, down = rates(self.ladder, theatre, draws, n, measures)
        top = self.ladder.size - 1
        return reach_within(up, down, self.ladder.index(theatre.start), top, self.horizon)


class _Fixed(Mapping):
    """The run's draws with ``key`` fixed at each of ``values`` in every draw: row ``v * n + d``
    is draw ``d`` with the key at ``values[v]``; the arrays are tiled only when read."""

    def __init__(self, draws: Mapping[str, np.ndarray], key: str, values: np.ndarray, n: int):
        self._draws, self._key, self._values, self._n = draws, key, values, n

    def __getitem__(self, name: str) -> np.ndarray:
        if name == self._key:
            return np.repeat(self._values, self._n)
        return np.tile(np.asarray(self._draws[name], dtype=float), self._values.size)

    def __iter__(self):
        return iter(self._draws)

    def __len__(self) -> int:
        return len(self._draws)


class _FixedMany(Mapping):
    """The run's draws for several requests stacked: request r's rows (its values x the draws,
    value-major) hold its key at each of its values and every other number at its draws."""

    def __init__(self, draws: Mapping[str, np.ndarray], asked: list[tuple[str, np.ndarray]], n: int):
        self._draws, self._asked, self._n = draws, asked, n
        self._rows = sum(np.asarray(v).size for _, v in asked)

    def __getitem__(self, name: str) -> np.ndarray:
        out = np.tile(np.asarray(self._draws[name], dtype=float), self._rows)
        at = 0
        for key, values in self._asked:
            size = np.asarray(values).size * self._n
            if key == name:
                out[at:at + size] = np.repeat(values, self._n)
            at += size
        return out

    def __iter__(self):
        return iter(self._draws)

    def __len__(self) -> int:
        return len(self._draws)


def _reads(theatre: Theatre, measures: tuple[Measure, ...], key: str) -> bool:
    """Whether the theatre's chain, with these measures in force, reads the draws named ``key``."""
    if key in theatre.up or key in theatre.down:
        return True
    return any(e.factor == key and e.applies_to(theatre.name) for m in measures for e in m.effects)


def ladder_run(spec: Escalation, values: Callable[[EstimateModel], np.ndarray], n: int,
               strengths: np.ndarray | None) -> LadderRun:
    """The ladder over the run's ``n`` draws; ``strengths`` (measures, draws) is the share of each
    measure's stated effect in force by draw under the main design (None: full effect)."""
    ladder, theatres, measures = model_of(spec)
    draws = {k: np.asarray(values(est), dtype=float).ravel() for k, est in estimates(spec).items()}
    if strengths is not None and measures:
        draws.update({f"{m.name}/strength": np.asarray(strengths[k], dtype=float)
                      for k, m in enumerate(measures)})
        measures = tuple(Measure(m.name, m.effects, f"{m.name}/strength") for m in measures)
    draws = {k: np.broadcast_to(v, (n,)) if v.size == 1 else v for k, v in draws.items()}
    if any(v.shape != (n,) for v in draws.values()):
        raise ValueError(f"the ladder's draws must number {n}")
    return LadderRun(ladder, theatres, measures, draws, max(spec.horizons), n)


# --------------------------------------------------------------------------- inputs and ranges


def ladder_inputs(spec: Escalation, run: LadderRun, domain: bool = False) -> tuple[SearchInput, ...]:
    """Every number of the ladder the analysis draws, as a search input, with its searched range:
    an estimate's support (0.1 and 99.9 percentiles where unbounded), a stated number's [0, 5 x
    itself]; a transition chance kept where every draw's chain stays valid (up + down <= 1).
    With ``domain``, every estimate's whole domain instead (a chance from 0 to that cap, a factor
    from 0 to five times its largest value): where it would have to go, beyond its range."""
    out = []
    for key, est in estimates(spec).items():
        theatre, name = key.split("/", 1)
        if name.startswith("effect"):
            title = next(m.title for m in spec.measures if m.id == theatre)
            label = f"the effect of '{title}' ({_effect_words(spec, theatre, name)})"
            cap = np.inf
        else:
            label = f"the monthly chance of {name} in the {theatre} theatre"
            cap = 1.0 - _competing(spec, run, theatre, name)
        low, high = _range(est)
        if domain:
            low, high = 0.0, (STATED_REACH * max(high, 1.0) if not np.isfinite(cap) else cap)
        high = min(high, cap)
        if high > low:
            out.append(SearchInput(key, label, est, low, high))
    return tuple(out)


def _effect_words(spec: Escalation, measure: str, name: str) -> str:
    m = next(x for x in spec.measures if x.id == measure)
    return f"factor on {m.effects[int(name[len('effect'):])].transition}"


def _range(est: EstimateModel) -> tuple[float, float]:
    if est.is_uncertain:
        lo, hi = est.support
        if not np.isfinite(lo):
            lo = float(est.ppf(np.array([TAIL]))[0])
        if not np.isfinite(hi):
            hi = float(est.ppf(np.array([1 - TAIL]))[0])
        return float(lo), float(hi)
    x = float(est.nominal)
    return 0.0, STATED_REACH * x if x > 0 else 1.0


def _competing(spec: Escalation, run: LadderRun, theatre: str, transition: str) -> float:
    """The largest chance, over the draws, of the other way out of the rung this transition leaves:
    a move up from rung i competes with the move down from it, and the reverse."""
    rungs = list(spec.rungs)
    a, b = (r.strip() for r in transition.split("->"))
    i, j = rungs.index(a), rungs.index(b)
    other = f"{a}->{rungs[i - 1]}" if j == i + 1 and i > 0 else \
        f"{a}->{rungs[i + 1]}" if j == i - 1 and i + 1 < len(rungs) else None
    if other is None:
        return 0.0
    draws = run.draws.get(f"{theatre}/{other}")
    return float(np.max(draws)) if draws is not None else 0.0


# --------------------------------------------------------------------------- the search


def escalation_hinges(spec: Escalation, run: LadderRun, threshold: float = WAR_THRESHOLD,
                      ) -> tuple[tuple[Hinge, ...], tuple[str, ...]]:
    """The hinges of the war-risk headline and (where there are measures) of the halving, and
    notes (a search too big to run is skipped, with its size)."""
    inputs = ladder_inputs(spec, run)
    work = evaluations(len(inputs)) * run.n * len(run.theatres) * 2
    if work > MAX_LADDERS:
        return (), (f"Escalation: the switching values would take {work:,} ladder evaluations (more than "
                    f"{MAX_LADDERS:,}); skipped. Run fewer draws to get them.",)
    cache: dict[tuple[str, float], tuple[float, float]] = {}

    def both(asked: list[tuple[str, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
        todo = [(key, np.array([v for v in values if (key, float(v)) not in cache], dtype=float))
                for key, values in asked]
        todo = [(key, values) for key, values in todo if values.size]
        for (key, values), (none, agreed) in zip(todo, run.risks_many(todo) if todo else [], strict=True):
            cache.update({(key, float(v)): (a, b) for v, a, b in zip(values, none, agreed, strict=True)})
        out = []
        for key, values in asked:
            got = np.array([cache[(key, float(v))] for v in values], dtype=float).reshape(-1, 2)
            out.append((got[:, 0], got[:, 1]))
        return out

    def risk(inputs: tuple[SearchInput, ...]) -> MeasureMany:
        return lambda asked: [agreed for _, agreed in both([(inputs[k].key, xs) for k, xs in asked])]

    def cut(inputs: tuple[SearchInput, ...]) -> MeasureMany:
        def measure(asked: list[tuple[int, np.ndarray]]) -> list[np.ndarray]:
            return [np.where(none > 0, 1.0 - agreed / np.where(none > 0, none, 1.0), 0.0)
                    for none, agreed in both([(inputs[k].key, xs) for k, xs in asked])]
        return measure

    none_now, agreed_now = run.risks("", np.array([0.0]))  # no key fixed: the run as it is
    h = horizon_words(run.horizon)
    top = run.ladder.rungs[-1]
    with_measures = "with the measures as agreed" if run.measures else "with no measures"
    wide = ladder_inputs(spec, run, domain=True)
    hinges = [_hinge(ID_RISK, f"the {h} chance that any theatre reaches '{top}' {with_measures}",
                     float(agreed_now[0]), threshold, inputs, risk, wide,
                     (f"at or above {_pct(threshold)}", f"below {_pct(threshold)}"))]
    if run.measures:
        now = float(1 - agreed_now[0] / none_now[0]) if none_now[0] > 0 else 0.0
        hinges.append(_hinge(ID_HALVED, f"the share of the {h} chance of '{top}' that the measures as agreed "
                             "take off (against no measures)", now, HALVED, inputs, cut, wide,
                             ("at least halved", "not halved")))
    return tuple(hinges), ()


def _hinge(hid: str, headline: str, now: float, threshold: float, inputs: tuple[SearchInput, ...],
           measure_of: MeasureOf, wide: tuple[SearchInput, ...],
           sides: tuple[str, str]) -> Hinge:
    """The switching values within the inputs' ranges; where no estimate has one, what each
    estimate would have to become over its whole domain (``would_take``)."""
    found, steady = _switches(inputs, measure_of, threshold)
    beyond: list[Switch] = []
    if not any(s.percentile is not None for s in found):
        ranges = {i.key: (i.low, i.high) for i in inputs}
        far, _ = _switches(tuple(i for i in wide if not i.stated and i.key in ranges), measure_of, threshold)
        # each with its estimate's own range, nearest to it first (in widths of that range)
        beyond = sorted((replace(x, low=ranges[x.input][0], high=ranges[x.input][1]) for x in far),
                        key=_outside)
    return Hinge(id=hid, headline=headline, kind="mean", now=now, threshold=threshold,
                 switches=tuple(found), steady=tuple(steady), searched=len(inputs), about="escalation",
                 sides=sides, would_take=tuple(beyond))


def _outside(s: Switch) -> float:
    """How far a switching value lies outside its estimate's range, in widths of the range."""
    width = (s.high - s.low) or 1.0
    return max(s.value - s.high, s.low - s.value, 0.0) / width


def _switches(inputs: tuple[SearchInput, ...], measure_of: MeasureOf,
              threshold: float) -> tuple[list[Switch], list[str]]:
    ranges = [(inp.low, inp.high, inp.central) for inp in inputs]
    found, steady = switches_of(inputs, crossings_many(measure_of(inputs), ranges, threshold))
    return list(found), list(steady)


def _pct(v: float) -> str:
    return f"{100 * v:g}%"


def _switch(s: Switch) -> str:
    """One switching value within the input's range, with where it lies in the estimate."""
    verb = "exceeds" if s.direction == "above" else "falls below"
    where = (f"a stated number, now {s.central:.3g}" if s.percentile is None else
             f"the {_ordinal(s.percentile)} percentile of its estimate, now {s.central:.3g}")
    return f"{s.label} {verb} {s.value:.3g} ({where})"


def _ordinal(p: float) -> str:
    n = min(max(int(round(100 * p)), 0), 100)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _far(s: Switch) -> str:
    """A switching value beyond the estimate's range, with how far beyond."""
    verb = "above" if s.direction == "above" else "below"
    return (f"{s.label} {verb} {s.value:.3g} (outside its estimate's range {s.low:.3g}–{s.high:.3g}; "
            f"now {s.central:.3g})")


def escalation_step(scenario: Scenario, run: RunDraws, upstream: dict,
                    progress: ProgressCallback | None, threshold: float = WAR_THRESHOLD,
                    ) -> tuple[list[Hinge], list[str]]:
    """The hinges analysis's step for the escalation headline (war-risk ``threshold``). The
    measures' strengths by draw are the escalation analysis's (its "strength.<design>" arrays, the
    main design first); without them, measures tied to tracks are taken at full effect, and a note
    says so."""
    spec = scenario.escalation
    if spec is None:
        return [], []
    report(progress, "hinges", 0, 1)
    notes: list[str] = []
    strengths = None
    per_draw = getattr(upstream.get("escalation"), "per_draw", None)
    names = [n for n in per_draw.names() if n.startswith("strength.")] if per_draw is not None else []
    if names and per_draw is not None and per_draw.draws == run.draws:
        strengths = np.asarray(per_draw[names[0]], dtype=float).T  # (measures, draws)
    elif any(m.track is not None for m in spec.measures):
        notes.append("Escalation: the measures' strengths by draw were not available (the escalation "
                     "analysis did not run on these draws); its switching values take every measure at "
                     "full effect.")
    found, said = escalation_hinges(spec, ladder_run(spec, run.values(), run.draws, strengths),
                                    threshold)
    report(progress, "hinges", 1, 1)
    return list(found), notes + list(said)


def escalation_sentence(h: Hinge, shown: int = 3) -> str:
    """E.g. "The ten-year chance that any theatre reaches 'war' with the measures as agreed (6.1%,
    below 10%) rises to 10% if the monthly chance of crisis->use of force in the baltic theatre
    exceeds 0.2 (the 99th percentile of its estimate)"."""
    on = h.now >= h.threshold
    state = h.sides[0] if on else h.sides[1]
    now = f"{100 * h.now:.1f}%"
    head = f"{h.headline[0].upper()}{h.headline[1:]} ({now}: {state})"
    flip = h.sides[1] if on else h.sides[0]
    if not h.switches:
        text = f"{head}: no single input of the {h.searched} searched makes it {flip} within its range"
        if not h.would_take:
            return text + "; it would take several at once."
        return text + "; it would take " + "; or ".join(_far(s) for s in h.would_take[:shown]) + "."
    listed, tail = switch_list(h.switches, shown, _switch)
    return f"{head} becomes {flip}{listed}{tail}."


__all__ = ["HALVED", "ID_HALVED", "ID_RISK", "MAX_LADDERS", "WAR_THRESHOLD", "LadderRun", "escalation_hinges",
           "escalation_sentence", "escalation_step", "ladder_inputs", "ladder_run"]
