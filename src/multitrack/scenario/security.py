"""Credibility and risk in a scenario file: crises with their security guarantees (deterrence),
the escalation ladder per theatre with confidence-building measures, and extra criteria for a
legitimate act of self-determination. Numbers are estimates (a number or a distribution) with
sources, like every other estimate of the scenario."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator, model_validator

from ..errors import LocatedValueError
from .empty import empty_dict, empty_list
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
#: Names of the escalation analysis's own scenarios, which no measure may take (and "under-<design>").
RESERVED_SCENARIOS = ("none", "package", "all-in-force")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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


class Linear(_Frozen):
    """A unit mapping: the issue's value ``from[0]`` gives the term ``to[0]``, ``from[1]`` gives
    ``to[1]``, straight in between and held at the nearer anchor beyond them. The anchors in
    ``from`` are points on the issue's own axis; the term's values in ``to`` are estimates, so a
    conversion that is a judgement (troops to a brigade) can carry a distribution: the slope then
    varies by draw."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)

    from_: tuple[float, float] = Field(alias="from", description="Two values on the issue's own axis.")
    to: tuple[Estimate, Estimate] = Field(description="The term's values at those two anchors (numbers or "
                                          "distributions).")

    @model_validator(mode="after")
    def _anchors(self) -> Linear:
        if self.from_[0] == self.from_[1]:
            raise LocatedValueError("the two anchors in 'from' must differ", ("from",))
        return self


class TermFromTrack(_Frozen):
    """How one term of a guarantee follows the linked track's outcome: read off an issue (through
    ``map`` for an option issue or ``linear`` for a numeric one), or set by whether the alliance
    members' troops are present (``when_present`` / ``otherwise``)."""

    issue: Id | None = Field(None, description="The issue of the crisis's track the term is read off.")
    map: dict[StrictStr, Estimate] | None = Field(None, description="Option -> term (every option).")
    linear: Linear | None = None
    when_present: Estimate | None = Field(None, description="The term where the troops are present.")
    otherwise: Estimate | None = Field(None, description="The term where they are not.")

    @model_validator(mode="after")
    def _one_way(self) -> TermFromTrack:
        by_issue = self.map is not None or self.linear is not None
        by_presence = self.when_present is not None or self.otherwise is not None
        if by_issue == by_presence:
            raise LocatedValueError("give either issue with map or linear, or when_present and otherwise", ())
        if by_issue:
            if self.issue is None:
                raise LocatedValueError("name the issue the term is read off", ("issue",))
            if self.map is not None and self.linear is not None:
                raise LocatedValueError("give map or linear, not both", ("linear",))
        else:
            if self.issue is not None:
                raise LocatedValueError("a term set by presence names no issue (presence does)", ("issue",))
            for name in ("when_present", "otherwise"):
                if getattr(self, name) is None:
                    raise LocatedValueError(f"{name} is missing", (name,))
        return self


class Presence(_Frozen):
    """When the alliance members' troops count as present: the issue takes one of ``values``
    (options, or numbers on a numeric issue) or lies above ``above``."""

    issue: Id
    values: list[StrictStr | float] | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Presence:
        if (self.values is None) == (self.above is None):
            raise LocatedValueError("give values or above (one of them)", ("values",))
        if self.values is not None and not self.values:
            raise LocatedValueError("list at least one value", ("values",))
        return self


class FromTrack(_Frozen):
    """Terms of a guarantee taken from the outcome of the crisis's track (its ``track``), draw by
    draw and design by design; where the track does not agree the ``no_deal`` terms hold (by
    default: the mappings applied to the issues' status quo)."""

    presence: Presence | None = Field(None, description="When alliance members' troops are present.")
    terms: dict[str, TermFromTrack] = Field(min_length=1)
    no_deal: dict[str, Estimate] = Field(default_factory=empty_dict,
                                         description="Terms where the track fails.")
    note: str | None = None
    source: SourceRef | None = None

    @model_validator(mode="after")
    def _terms(self) -> FromTrack:
        for name, term in self.terms.items():
            if name not in GUARANTEE_TERMS:
                raise LocatedValueError(f"unknown term {name!r}; terms: {', '.join(GUARANTEE_TERMS)}",
                                        ("terms", name))
            if term.when_present is not None and self.presence is None:
                raise LocatedValueError("a term set by presence needs from_track.presence", ("terms", name))
            for key, est in _term_estimates(term):
                _term_range(name, est, ("terms", name) + key)
            if term.linear is not None:
                for k, y in enumerate(term.linear.to):
                    _term_range(name, y, ("terms", name, "linear", "to", k))
        for name, est in self.no_deal.items():
            if name not in self.terms:
                raise LocatedValueError(f"{name!r} is not a term taken from the track "
                                        f"({', '.join(self.terms)})", ("no_deal", name))
            _term_range(name, est, ("no_deal", name))
        return self


def _term_estimates(term: TermFromTrack):
    for key, est in (term.map or {}).items():
        yield ("map", key), est
    for key in ("when_present", "otherwise"):
        if getattr(term, key) is not None:
            yield (key,), getattr(term, key)


def _term_range(name: str, est: EstimateModel | float, path: tuple) -> None:
    if isinstance(est, (int, float)):
        if name in SHARE_TERMS and not 0 <= est <= 1:
            raise LocatedValueError(f"{name} must lie in [0, 1]", path)
        if name not in SHARE_TERMS + ("stake",) and est < 0:
            raise LocatedValueError(f"{name} must be >= 0", path)
    elif name in SHARE_TERMS:
        _within(est, 0, 1, name, path)
    elif name != "stake":
        _within(est, 0, None, name, path)


class Guarantee(_Frozen):
    """One guarantor's guarantee of the crisis's target, by its terms (docs/deterrence.md)."""

    id: Id
    title: str = Field(min_length=1)
    guarantor: Id = Field(description="An actor id of the scenario.")
    kind: Literal["tripwire", "umbrella", "clause", "patron", "custom"] = "custom"
    description: str | None = None
    terms: dict[str, Estimate] = Field(default_factory=empty_dict, description="Terms of the guarantee "
                                       "(credibility, tripwire, umbrella, ambiguity, stake, ...); "
                                       "terms left out take the model's defaults.")
    sweep: Sweep | None = Field(None, description="The deterrence curve to draw (default by kind).")
    from_track: FromTrack | None = Field(None, description="Terms set by the crisis's track's outcome.")
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
    track: Id | None = Field(None, description="The track whose outcome sets guarantees' terms (from_track).")
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
    theatres: list[Id] = Field(default_factory=empty_list, description="Theatres it acts in (default: all).")
    note: str | None = None
    source: SourceRef | None = None

    @field_validator("factor")
    @classmethod
    def _factor(cls, v: EstimateModel) -> EstimateModel:
        _within(v, 0, None, "factor")
        return v


class Response(_Frozen):
    """How much of a measure's stated effect the agreed value of its issue buys: a share s in
    [0, 1] (0 = no effect, 1 = the full stated effect; a factor f then acts as 1 + s * (f - 1)).

    On a number issue (integer, continuous) ``anchors`` lists [value, share] pairs with strictly
    increasing values: the share is linear between anchors and clamped beyond the first and the
    last. On an option issue (ordinal, categorical) ``values`` gives the share of every option."""

    issue: Id | None = Field(None, description="The issue whose agreed value scales the effect "
                             "(default: the measure's issue).")
    anchors: list[tuple[float, Estimate]] | None = Field(None, description="[value, share] pairs on a number "
                                                         "issue, values strictly increasing; a share may be "
                                                         "a distribution.")
    values: dict[str, Estimate] | None = Field(None, description="Option -> share (a number or a "
                                               "distribution), for every option of an option issue.")
    estimated: bool = Field(False, description="The shares are the analyst's judgement, not a source's "
                            "figures.")
    note: str | None = None
    source: SourceRef | None = None

    @model_validator(mode="after")
    def _shape(self) -> Response:
        if (self.anchors is None) == (self.values is None):
            raise LocatedValueError("give either anchors (a number issue) or values (an option issue)", ())
        if self.anchors is not None:
            if len(self.anchors) < 2:
                raise LocatedValueError("give at least two anchors [value, share]", ("anchors",))
            for k, (x, s) in enumerate(self.anchors):
                if k and not x > self.anchors[k - 1][0]:
                    raise LocatedValueError(f"anchor values must increase: {x:g} follows "
                                            f"{self.anchors[k - 1][0]:g}", ("anchors", k))
                _share_within(s, ("anchors", k, 1))
        for name, s in (self.values or {}).items():
            _share_within(s, ("values", name))
        return self


def response_estimates(response: Response):
    """Every share of a response, as estimates (anchors' shares, then the options')."""
    for _, s in response.anchors or ():
        yield s
    yield from (response.values or {}).values()


def _share_within(est: EstimateModel, path: tuple) -> None:
    lo, hi = est.support
    if lo < 0 or hi > 1:
        shown = f"{lo:g}" if lo == hi else f"{lo:g} to {hi:g}"
        raise LocatedValueError(f"share {shown} is outside [0, 1] (0 = no effect, 1 = the full stated "
                                "effect)", path)


class Measure(_Frozen):
    """A confidence-building measure, optionally tied to the track and issue that enact it: a
    measure tied to a track is in force only in the draws (and process designs) in which that
    track agrees, its effect scaled by the agreed value of its issue through ``response``."""

    id: Id
    title: str = Field(min_length=1)
    track: Id | None = Field(None, description="The track that enacts it (default: in force in every draw).")
    issue: Id | None = None
    response: Response | None = Field(None, description="How the agreed value of the issue scales the effect "
                                      "(default: the full effect wherever the track agrees).")
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
    measures: list[Measure] = Field(default_factory=empty_list)
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
            if (measure.id in measure_ids or measure.id in RESERVED_SCENARIOS
                    or measure.id.startswith("under-")):
                raise LocatedValueError(f"measure id {measure.id!r} is used twice or reserved (none, "
                                        "package, all-in-force, under-...)", here + ("id",))
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
    criteria: list[ExtraCriterion] = Field(default_factory=empty_list)
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
        _check_links(scenario, crisis, here)
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
            if measure.response is not None:
                _check_response(scenario, measure, here + ("response",))
    _check_self_determination(scenario)


def response_issue(scenario, measure: Measure):
    """The issue (a scenario issue object) whose agreed value scales ``measure``, or None."""
    name = (measure.response.issue if measure.response is not None else None) or measure.issue
    track = next((t for t in scenario.tracks if t.id == measure.track), None)
    return None if track is None or name is None else next((i for i in track.issues if i.id == name), None)


def _check_response(scenario, measure: Measure, here: tuple) -> None:
    """A response needs the measure's track, an issue of it, anchors inside a number issue's
    range or a share for every option of an option issue."""
    response = measure.response
    assert response is not None
    if measure.track is None:
        raise LocatedValueError("a response needs the measure's track (the track that enacts it)", here)
    if response.issue and measure.issue and response.issue != measure.issue:
        raise LocatedValueError(f"the response names issue {response.issue!r} but the measure names "
                                f"{measure.issue!r}", here + ("issue",))
    issue = response_issue(scenario, measure)
    if issue is None:
        name = response.issue or measure.issue
        raise LocatedValueError(f"{name!r} is not an issue of track {measure.track!r}" if name else
                                "a response needs an issue (here or on the measure)", here + ("issue",))
    options = getattr(issue, "options", None)
    if options is None:
        if response.anchors is None:
            raise LocatedValueError(f"issue {issue.id!r} is a number issue: give anchors [value, share], not "
                                    "values", here + ("values",))
        for k, (x, _) in enumerate(response.anchors):
            if not issue.low <= x <= issue.high:
                raise LocatedValueError(f"anchor value {x:g} is outside the range [{issue.low:g}, "
                                        f"{issue.high:g}] of issue {issue.id!r}", here + ("anchors", k))
        return
    if response.values is None:
        raise LocatedValueError(f"issue {issue.id!r} has options: give values (option -> share), not "
                                "anchors", here + ("anchors",))
    for name in response.values:
        if name not in options:
            raise LocatedValueError(f"{name!r} is not an option of issue {issue.id!r} (options: "
                                    f"{', '.join(options)})", here + ("values", name))
    missing = [o for o in options if o not in response.values]
    if missing:
        raise LocatedValueError(f"give a share for every option of issue {issue.id!r}; missing: "
                                f"{', '.join(missing)}", here + ("values",))


def _check_self_determination(scenario) -> None:
    sd = scenario.self_determination
    if sd is not None and sd.track is not None and sd.track not in {t.id for t in scenario.tracks}:
        raise LocatedValueError(f"{sd.track!r} is not a track of the scenario",
                                ("self_determination", "track"))


def _check_links(scenario, crisis: Crisis, here: tuple) -> None:
    """A crisis's track and every issue, option and mapping its guarantees read off it."""
    linked = [(g, guarantee) for g, guarantee in enumerate(crisis.guarantees)
              if guarantee.from_track is not None]
    if crisis.track is None:
        if linked:
            g = linked[0][0]
            raise LocatedValueError("from_track needs the crisis's track (add track: <track id> to the "
                                    "crisis)", here + ("guarantees", g, "from_track"))
        return
    track = next((t for t in scenario.tracks if t.id == crisis.track), None)
    if track is None:
        raise LocatedValueError(f"{crisis.track!r} is not a track of the scenario", here + ("track",))
    issues = {i.id: i for i in track.issues}
    for g, guarantee in linked:
        link = guarantee.from_track
        assert link is not None
        at = here + ("guarantees", g, "from_track")
        if link.presence is not None:
            _check_presence(link.presence, issues, track.id, at + ("presence",))
        for name, term in link.terms.items():
            if term.issue is None:
                continue
            issue = _issue_of(issues, term.issue, track.id, at + ("terms", name, "issue"))
            options = getattr(issue, "options", None)
            if term.map is not None:
                if options is None:
                    raise LocatedValueError(f"issue {issue.id!r} is numeric: map a numeric issue with linear",
                                            at + ("terms", name, "map"))
                for key in term.map:
                    if key not in options:
                        raise LocatedValueError(f"{key!r} is not an option of issue {issue.id!r} (options: "
                                                f"{', '.join(options)})", at + ("terms", name, "map", key))
                missing = [o for o in options if o not in term.map]
                if missing:
                    raise LocatedValueError(f"map misses options of issue {issue.id!r}: {', '.join(missing)}",
                                            at + ("terms", name, "map"))
            if term.linear is not None and options is not None:
                raise LocatedValueError(f"issue {issue.id!r} has options: map each option with map",
                                        at + ("terms", name, "linear"))
            if name not in link.no_deal and not issue.has_status_quo:
                raise LocatedValueError(f"track {track.id!r} has no status quo on issue {issue.id!r}: give "
                                        f"the term where the track fails in from_track.no_deal.{name}",
                                        at + ("terms", name))
        if (link.presence is not None and not issues[link.presence.issue].has_status_quo
                and any(t.issue is None and n not in link.no_deal for n, t in link.terms.items())):
            raise LocatedValueError(f"track {track.id!r} has no status quo on issue {link.presence.issue!r}: "
                                    "give the terms set by presence where the track fails in "
                                    "from_track.no_deal",
                                    at + ("no_deal",))


def _issue_of(issues: dict, issue_id: str, track_id: str, path: tuple):
    if issue_id not in issues:
        raise LocatedValueError(f"{issue_id!r} is not an issue of track {track_id!r} (issues: "
                                f"{', '.join(issues)})", path)
    return issues[issue_id]


def _check_presence(presence: Presence, issues: dict, track_id: str, path: tuple) -> None:
    issue = _issue_of(issues, presence.issue, track_id, path + ("issue",))
    options = getattr(issue, "options", None)
    if presence.above is not None and options is not None:
        raise LocatedValueError(f"issue {issue.id!r} has options: list the options that mean presence "
                                "in values", path + ("above",))
    for k, v in enumerate(presence.values or ()):
        if options is not None and v not in options:
            raise LocatedValueError(f"{v!r} is not an option of issue {issue.id!r} (options: "
                                    f"{', '.join(options)})", path + ("values", k))
        if options is None and (isinstance(v, str) or not issue.low <= v <= issue.high):
            raise LocatedValueError(f"{v!r} is not a value of issue {issue.id!r} (range {issue.low:g} to "
                                    f"{issue.high:g})", path + ("values", k))
