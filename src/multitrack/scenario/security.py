"""Credibility and risk in a scenario file: crises with their security guarantees (deterrence),
the escalation ladder per theatre with confidence-building measures, and extra criteria for a
legitimate act of self-determination. Numbers are estimates (a number or a distribution) with
sources, like every other estimate of the scenario."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..errors import LocatedValueError
from .estimates import Estimate, EstimateModel, check_within
from .ids import Id
from .sources import SourceRef

#: Terms of a guarantee (see docs/deterrence.md); shares lie in [0, 1], the rest are >= 0
#: except the stake, which may be negative.
GUARANTEE_TERMS = ("credibility", "cost_resolute", "cost_irresolute", "type_spread", "stake", "audience_cost",
                   "ambiguity", "tripwire", "tripwire_cost", "war_cost", "umbrella", "nuclear_cost",
                   "escalation_cost")
SHARE_TERMS = ("credibility", "ambiguity", "umbrella")
#: What the report sweeps for each kind of guarantee, unless a guarantee names its own sweep.
DEFAULT_SWEEP = {"tripwire": "tripwire", "umbrella": "umbrella", "clause": "ambiguity", "patron": "stake",
                 "custom": "credibility"}
DEFAULT_RUNGS = ("peacetime", "incident", "crisis", "use of force", "war")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- deterrence


class Sweep(_Frozen):
    """A deterrence curve: the probability that deterrence holds as one term runs low..high."""

    term: str
    low: float
    high: float
    points: int = Field(21, ge=2, le=201)

    @model_validator(mode="after")
    def _order(self) -> Sweep:
        if self.term not in GUARANTEE_TERMS:
            raise LocatedValueError(f"unknown term {self.term!r}; terms: {', '.join(GUARANTEE_TERMS)}",
                                    ("term",))
        if not self.high > self.low:
            raise LocatedValueError("high must exceed low", ("high",))
        return self


class Guarantee(_Frozen):
    """One guarantor's guarantee of the crisis's target, by its terms (docs/deterrence.md)."""

    id: Id
    title: str = Field(min_length=1)
    guarantor: Id = Field(description="An actor id of the scenario.")
    kind: Literal["tripwire", "umbrella", "clause", "patron", "custom"] = "custom"
    description: str | None = None
    terms: dict[str, Estimate] = Field(default_factory=dict, description="Terms of the guarantee "
                                       "(credibility, tripwire, umbrella, ambiguity, stake, ...); "
                                       "terms left out take the model's defaults.")
    sweep: Sweep | None = Field(None, description="The deterrence curve to draw (default by kind).")
    source: SourceRef | None = None

    @field_validator("terms")
    @classmethod
    def _terms(cls, terms: dict[str, EstimateModel]) -> dict[str, EstimateModel]:
        for name, est in terms.items():
            if name not in GUARANTEE_TERMS:
                raise LocatedValueError(f"unknown term {name!r}; terms: {', '.join(GUARANTEE_TERMS)}",
                                        (name,))
            if name in SHARE_TERMS:
                _within(est, 0, 1, name, (name,))
            elif name != "stake":
                _within(est, 0, None, name, (name,))
        return terms


class Crisis(_Frozen):
    """A crisis game: a challenger weighing an attack on a target that guarantors may defend
    (perfect deterrence after Zagare & Kilgour 2000; costly signals after Fearon 1997)."""

    id: Id
    title: str = Field(min_length=1)
    challenger: Id
    target: Id
    challenger_value: Estimate = Field(description="What an unopposed attack is worth to the "
                                       "challenger, on the scale of the guarantors' terms.")
    description: str | None = None
    guarantees: list[Guarantee] = Field(min_length=1)
    source: SourceRef | None = None

    @field_validator("challenger_value")
    @classmethod
    def _value(cls, v: EstimateModel) -> EstimateModel:
        _within(v, 0, None, "challenger_value")
        return v


# --------------------------------------------------------------------------- escalation


class Theatre(_Frozen):
    """A theatre (e.g. the Baltic) with monthly probabilities of moving one rung up or down."""

    id: Id
    title: str = Field(min_length=1)
    start: str | None = Field(None, description="The rung the theatre is on today (default: the first).")
    up: dict[str, Estimate] = Field(description="'from->to' (one rung up) -> monthly probability.")
    down: dict[str, Estimate] = Field(description="'from->to' (one rung down) -> monthly probability.")
    description: str | None = None
    source: SourceRef | None = None


class Effect(_Frozen):
    """A measure's effect: the monthly probability of one transition is multiplied by `factor`."""

    transition: str
    factor: Estimate
    theatres: list[Id] = Field(default_factory=list, description="Theatres it acts in (default: all).")
    note: str | None = None
    source: SourceRef | None = None

    @field_validator("factor")
    @classmethod
    def _factor(cls, v: EstimateModel) -> EstimateModel:
        _within(v, 0, None, "factor")
        return v


class Measure(_Frozen):
    """A confidence-building measure, optionally tied to the track and issue that enact it."""

    id: Id
    title: str = Field(min_length=1)
    track: Id | None = None
    issue: Id | None = None
    effects: list[Effect] = Field(min_length=1)
    description: str | None = None
    source: SourceRef | None = None


class Escalation(_Frozen):
    """The escalation ladder, its theatres and the confidence-building measures."""

    rungs: list[str] = Field(default_factory=lambda: list(DEFAULT_RUNGS), min_length=2)
    absorbing_top: bool = Field(True, description="The top rung (war) does not end within the horizon.")
    horizons: list[int] = Field(default_factory=lambda: [12, 60, 120], min_length=1,
                                description="Months at which the risk is reported.")
    theatres: list[Theatre] = Field(min_length=1)
    measures: list[Measure] = Field(default_factory=list)
    note: str | None = None
    source: SourceRef | None = None

    @field_validator("horizons")
    @classmethod
    def _horizons(cls, v: list[int]) -> list[int]:
        for i, h in enumerate(v):
            if not 1 <= h <= 1200:
                raise LocatedValueError(f"horizon {h} must be 1 to 1200 months", (i,))
        return v

    @model_validator(mode="after")
    def _ladder(self) -> Escalation:
        rungs = self.rungs
        if len(set(rungs)) != len(rungs):
            raise LocatedValueError("a rung is listed twice", ("rungs",))
        ups = {f"{a}->{b}" for a, b in itertools.pairwise(rungs)}
        downs = {f"{b}->{a}" for a, b in itertools.pairwise(rungs)}
        if self.absorbing_top:
            downs.discard(f"{rungs[-1]}->{rungs[-2]}")
        theatre_ids = set()
        for t, theatre in enumerate(self.theatres):
            here = ("theatres", t)
            if theatre.id in theatre_ids:
                raise LocatedValueError(f"theatre id {theatre.id!r} is used twice", here + ("id",))
            theatre_ids.add(theatre.id)
            if theatre.start is not None and theatre.start not in rungs:
                raise LocatedValueError(f"{theatre.start!r} is not a rung ({', '.join(rungs)})",
                                        here + ("start",))
            _transitions(theatre.up, ups, here + ("up",), "one rung up")
            _transitions(theatre.down, downs, here + ("down",), "one rung down")
            _leaving_at_most_one(theatre, rungs, here)
        measure_ids = set()
        for m, measure in enumerate(self.measures):
            here = ("measures", m)
            if measure.id in measure_ids or measure.id in ("none", "package"):
                raise LocatedValueError(f"measure id {measure.id!r} is used twice or reserved",
                                        here + ("id",))
            measure_ids.add(measure.id)
            for e, effect in enumerate(measure.effects):
                if effect.transition not in ups | downs:
                    raise LocatedValueError(f"{effect.transition!r} is not a transition of the ladder (write "
                                            f"'from->to' between adjacent rungs)",
                                            here + ("effects", e, "transition"))
                for k, th in enumerate(effect.theatres):
                    if th not in theatre_ids:
                        raise LocatedValueError(f"{th!r} is not a theatre",
                                                here + ("effects", e, "theatres", k))
        return self


def _transitions(given: Mapping[str, EstimateModel], expected: set[str], path: tuple, what: str) -> None:
    for name, est in given.items():
        if name not in expected:
            raise LocatedValueError(f"{name!r} is not a transition {what} between adjacent rungs",
                                    path + (name,))
        _within(est, 0, 1, "a monthly probability", path + (name,))
    missing = sorted(expected - set(given))
    if missing:
        raise LocatedValueError(f"missing {', '.join(repr(m) for m in missing)}", path)


def _leaving_at_most_one(theatre: Theatre, rungs: list[str], path: tuple) -> None:
    """On each rung the monthly chances of moving up and of moving down add up to at most 1 in
    every draw: the largest values their distributions can take are checked, not only the
    central ones, since the Monte Carlo analyses draw anywhere in between."""
    for k in range(1, len(rungs) - 1):
        up, down = f"{rungs[k]}->{rungs[k + 1]}", f"{rungs[k]}->{rungs[k - 1]}"
        if up not in theatre.up or down not in theatre.down:
            continue
        hi_up, hi_down = theatre.up[up].support[1], theatre.down[down].support[1]
        if hi_up + hi_down > 1 + 1e-12:
            raise LocatedValueError(
                f"on rung {rungs[k]!r} the monthly chances of moving up ({up!r}, up to {hi_up:g}) and down "
                f"({down!r}, up to {hi_down:g}) can add up to {hi_up + hi_down:g}; together they must stay "
                "at most 1 in every draw (lower the high ends of their distributions)", path + ("down", down))


# --------------------------------------------------------------------------- self-determination


class ExtraCriterion(_Frozen):
    """A criterion for a legitimate act of self-determination that the scenario adds."""

    id: Id
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)
    needs_vote: bool = False
    source: SourceRef | None = None


class SelfDetermination(_Frozen):
    """The criteria checklist: the built-in criteria plus the scenario's own."""

    track: Id | None = Field(None, description="The track that negotiates the criteria.")
    criteria: list[ExtraCriterion] = Field(default_factory=list)
    note: str | None = None
    source: SourceRef | None = None


# --------------------------------------------------------------------------- checks


def _within(est: EstimateModel, low: float | None, high: float | None, what: str, path: tuple = ()) -> None:
    try:
        check_within(est, low, high, what)
    except ValueError as exc:
        raise LocatedValueError(str(exc), path) from None


def check_security(scenario) -> None:
    """Cross-references of crises, escalation and self-determination to actors, tracks, issues."""
    actors = {a.id for a in scenario.actors}
    for c, crisis in enumerate(scenario.deterrence):
        here: tuple = ("deterrence", c)
        for field_ in ("challenger", "target"):
            if getattr(crisis, field_) not in actors:
                raise LocatedValueError(f"{getattr(crisis, field_)!r} is not an actor of the scenario",
                                        here + (field_,))
        seen = set()
        for g, guarantee in enumerate(crisis.guarantees):
            if guarantee.guarantor not in actors:
                raise LocatedValueError(f"{guarantee.guarantor!r} is not an actor of the scenario",
                                        here + ("guarantees", g, "guarantor"))
            if guarantee.id in seen:
                raise LocatedValueError(f"guarantee id {guarantee.id!r} is used twice",
                                        here + ("guarantees", g, "id"))
            seen.add(guarantee.id)
    if scenario.escalation is not None:
        issues = {t.id: {i.id for i in t.issues} for t in scenario.tracks}
        for m, measure in enumerate(scenario.escalation.measures):
            here = ("escalation", "measures", m)
            if measure.track is not None and measure.track not in issues:
                raise LocatedValueError(f"{measure.track!r} is not a track of the scenario",
                                        here + ("track",))
            if measure.issue is not None and (measure.track is None
                                              or measure.issue not in issues[measure.track]):
                raise LocatedValueError(f"{measure.issue!r} is not an issue of track {measure.track!r}",
                                        here + ("issue",))
    sd = scenario.self_determination
    if sd is not None and sd.track is not None and sd.track not in {t.id for t in scenario.tracks}:
        raise LocatedValueError(f"{sd.track!r} is not a track of the scenario",
                                ("self_determination", "track"))
