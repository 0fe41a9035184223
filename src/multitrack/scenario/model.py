"""The validated scenario: sources, actors and tracks, with every cross-reference checked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import LocatedValueError
from ..results import by_id
from .actors import Actor, ActorKind
from .conditions import check_red_line_conditions
from .conflicts import Conflict, check_conflicts
from .control_chars import check_text
from .effects import CrossTrackEffect, check_cross_track
from .empty import empty_list
from .estimates import EstimateModel, Factor
from .ids import Id
from .issues import IssueModel
from .process import Process, check_process
from .security import Crisis, Escalation, SelfDetermination, check_security
from .sources import Source, SourceReference
from .tracks import Track
from .variants import ModelVariant, check_variants


class Settings(BaseModel):
    """Scenario-wide defaults for analyses."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    grid_points: int = Field(11, ge=2, le=100_000, alias="grid",
                             description="Default grid points for continuous issues.")


class Scenario(BaseModel):
    """A whole settlement: who the actors are, which tracks they negotiate, on what, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: int = Field(1, ge=1, le=1, description="Scenario format version.")
    id: Id
    title: str = Field(min_length=1)
    description: str | None = None
    as_of: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$",
                              description="Date the estimates describe (YYYY-MM-DD).")
    settings: Settings = Field(default_factory=lambda: Settings.model_validate({}))
    sources: list[Source] = Field(default_factory=empty_list)
    factors: list[Factor] = Field(default_factory=empty_list, description="Common factors that move several "
                                  "estimates together (an estimate names one with factor: {id, loading}).")
    actors: list[Actor] = Field(min_length=2)
    tracks: list[Track] = Field(default_factory=empty_list, description="Negotiation tracks; a scenario "
                                "needs at least one track or one conflict.")
    process: Process = Field(default_factory=lambda: Process.model_validate({}),
                             description="Sequence, failure penalty and links between tracks, for the "
                             "process-design comparison.")
    cross_track: list[CrossTrackEffect] = Field(default_factory=empty_list, description="Effects of one "
                                                "track's outcome on an actor's no-deal value, reservation "
                                                "value or salience on another track.")
    conflicts: list[Conflict] = Field(default_factory=empty_list, description="Conflicts in option form, "
                                      "for the graph model's stability analysis.")
    deterrence: list[Crisis] = Field(default_factory=empty_list, description="Crises in which guarantors may "
                                     "defend a target: will the guarantees deter an attack?")
    escalation: Escalation | None = Field(None, description="The escalation ladder per theatre and the "
                                          "confidence-building measures that lower its risk.")
    self_determination: SelfDetermination | None = Field(None, description="Extra criteria for a "
                                                         "legitimate act of self-determination.")
    variants: list[ModelVariant] = Field(default_factory=empty_list, description="Named alternative models "
                                         "(calibration choices, model scales) run beside the scenario as "
                                         "written; the report shows each headline's range across them.")

    # ---- look-ups -------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        return by_id(self.actors, actor_id, lambda a: a.id, "actor")

    def track(self, track_id: str) -> Track:
        return by_id(self.tracks, track_id, lambda t: t.id, "track")

    def source(self, source_id: str) -> Source:
        return by_id(self.sources, source_id, lambda s: s.id, "source")

    def issues(self) -> Iterator[tuple[Track, IssueModel]]:
        for track in self.tracks:
            for issue in track.issues:
                yield track, issue

    @property
    def active_tracks(self) -> list[Track]:
        """Tracks that are negotiated now (not deferred)."""
        return [t for t in self.tracks if not t.deferred]

    # ---- text, before any field -------------------------------------------------
    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        """Refuse control characters in every text of the input (see :mod:`.control_chars`)."""
        check_text(data)
        return data

    # ---- cross-references -----------------------------------------------------
    @model_validator(mode="after")
    def _references(self) -> Scenario:
        if self.as_of is not None:
            try:
                date.fromisoformat(self.as_of)
            except ValueError:
                raise LocatedValueError(f"{self.as_of!r} is not a calendar date", ("as_of",)) from None
        if not (self.tracks or self.conflicts or self.deterrence or self.escalation):
            raise LocatedValueError("needs at least 1 track (or a conflict, crisis or escalation ladder), "
                                    "found none", ("tracks",))
        _unique([s.id for s in self.sources], "sources", "source id")
        _unique([f.id for f in self.factors], "factors", "factor id")
        _unique([a.id for a in self.actors], "actors", "actor id")
        _unique([t.id for t in self.tracks], "tracks", "track id")
        _unique_issues(self)
        actors = {a.id: a for a in self.actors}
        for i, actor in enumerate(self.actors):
            for j, member in enumerate(actor.members):
                if member not in actors:
                    raise LocatedValueError(f"member {member!r} is not an actor of the scenario",
                                            ("actors", i, "members", j))
                if actors[member].kind is not ActorKind.state:
                    raise LocatedValueError(f"member {member!r} must be a state", ("actors", i, "members", j))
        for t, track in enumerate(self.tracks):
            for field_ in ("participants", "veto_players"):
                for k, actor in enumerate(getattr(track, field_) or []):
                    if actor not in actors:
                        raise LocatedValueError(f"{actor!r} is not an actor of the scenario",
                                                ("tracks", t, field_, k))
        _check_process(self)
        check_red_line_conditions(self.tracks)
        check_cross_track(self.tracks, self.cross_track)
        check_conflicts(self.conflicts, set(actors), {t.id for t in self.tracks})
        check_security(self)
        check_variants(self.variants, self.escalation, self.deterrence)
        known = {s.id for s in self.sources}
        bad_factor, bad_source = _unknown_references(self, {f.id for f in self.factors}, known)
        if bad_factor:  # the walks with paths run only to say where
            _check_factors(self)
        if bad_source:
            for path, ref in _source_refs(self, ()):
                if ref.id not in known:
                    raise LocatedValueError(f"source {ref.id!r} is not in the sources list", path)
        return self


def _check_process(scenario: Scenario) -> None:
    tracks = {t.id: t for t in scenario.tracks}
    path = ("process",)
    seq = scenario.process.sequence
    if seq is not None:
        for i, t in enumerate(seq):
            if t not in tracks:
                raise LocatedValueError(f"{t!r} is not a track of the scenario", path + ("sequence", i))
            if tracks[t].deferred:
                raise LocatedValueError(f"track {t!r} is deferred, so it has no place in the sequence",
                                        path + ("sequence", i))
        if len(set(seq)) != len(seq):
            raise LocatedValueError("a track is listed twice", path + ("sequence",))
    for i, link in enumerate(scenario.process.links):
        for field_ in ("track", "requires"):
            t = getattr(link, field_)
            if t not in tracks:
                raise LocatedValueError(f"{t!r} is not a track of the scenario", path + ("links", i, field_))
        if link.track == link.requires:
            raise LocatedValueError("a track cannot require itself", path + ("links", i, "requires"))
    check_process(scenario.process, tracks, {a.id for a in scenario.actors})


def _check_factors(scenario: Scenario) -> None:
    """Every factor an estimate names is listed in the scenario's factors."""
    known = {f.id for f in scenario.factors}
    for path, est in _factor_loadings(scenario, ()):
        if est.factor is not None and est.factor.id not in known:
            listed = ", ".join(sorted(known)) if known else "none are listed"
            raise LocatedValueError(f"factor {est.factor.id!r} is not in the factors list ({listed})",
                                    path + ("factor", "id"))


def _unknown_references(scenario: Scenario, factors: set[str], sources: set[str]) -> tuple[bool, bool]:
    """Whether some estimate loads on a factor not in ``factors``, and whether some citation names
    a source not in ``sources``: one walk without paths over everything the scenario holds (a
    superset of what :func:`_factor_loadings` and :func:`_source_refs` visit), a third of their
    time, so a valid file (the usual case) skips the walks that build every field's path."""
    bad_factor = bad_source = False
    stack: list[Any] = [scenario]
    while stack:
        node = stack.pop()
        if isinstance(node, BaseModel):
            if isinstance(node, SourceReference) and node.id not in sources:
                bad_source = True
            if isinstance(node, EstimateModel) and node.factor is not None and node.factor.id not in factors:
                bad_factor = True
            stack.extend(v for v in node.__dict__.values() if not isinstance(v, (str, int, float)))
        elif isinstance(node, dict):
            stack.extend(v for v in node.values() if not isinstance(v, (str, int, float)))
        elif isinstance(node, (list, tuple)):
            stack.extend(v for v in node if not isinstance(v, (str, int, float)))
    return bad_factor, bad_source


def _factor_loadings(node: Any, path: tuple) -> Iterator[tuple[tuple, EstimateModel]]:
    """Every estimate that loads on a factor, with its field path."""
    if isinstance(node, EstimateModel):
        if node.factor is not None:
            yield path, node
    elif isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield from _factor_loadings(getattr(node, name), path + (info.alias or name,))
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _factor_loadings(v, path + (k,))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _factor_loadings(v, path + (i,))


def _unique(ids: list[str], where: str, what: str) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise LocatedValueError(f"{what} {x!r} is used twice", (where, i, "id"))
        seen.add(x)


def _unique_issues(scenario: Scenario) -> None:
    seen: set[str] = set()
    for t, track in enumerate(scenario.tracks):
        for j, issue in enumerate(track.issues):
            if issue.id in seen:
                raise LocatedValueError(f"issue id {issue.id!r} is used twice (issue ids are unique "
                                        "across all tracks)", ("tracks", t, "issues", j, "id"))
            seen.add(issue.id)


def _source_refs(node: Any, path: tuple) -> Iterator[tuple[tuple, SourceReference]]:
    """Every citation in the model, with its field path."""
    if isinstance(node, SourceReference):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            field_info = type(node).model_fields[name]
            key = field_info.alias or name
            yield from _source_refs(getattr(node, name), path + (key,))
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _source_refs(v, path + (k,))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _source_refs(v, path + (i,))
