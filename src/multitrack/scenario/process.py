"""How the tracks relate as a process: the order for a sequential design, the trust lost when
a track fails and gained when one succeeds, links between tracks (one is only agreed if another
is), packages that bundle some tracks, and ratification of a narrow forum's deal."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import LocatedValueError
from .empty import empty_list
from .estimates import Estimate, EstimateModel, check_within
from .ids import Id
from .sources import SourceRef


class Link(BaseModel):
    """Track ``track`` counts as agreed only if track ``requires`` is agreed too."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    track: Id
    requires: Id
    note: str | None = None
    source: SourceRef | None = None


class Package(BaseModel):
    """A declared package: one agreement over these tracks' issues, the other tracks negotiated
    in parallel beside it (the analysis also searches for the best package itself)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: Id
    tracks: list[Id] = Field(min_length=2)
    note: str | None = None
    source: SourceRef | None = None


class Sequence(BaseModel):
    """A named sequence in stages: each stage is one track or a list of tracks negotiated in
    parallel, and every stage starts only once the earlier ones have ended, so their failures and
    agreements move the bar of every track in it (e.g. goodwill signals first, then every other
    track at once). Compared as the design ``sequence:<id>``; tracks in no stage are negotiated on
    their own, as in parallel."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: Id
    stages: list[Id | list[Id]] = Field(min_length=1)
    note: str | None = None
    source: SourceRef | None = None

    def groups(self) -> tuple[tuple[str, ...], ...]:
        """The stages, each as a tuple of track ids."""
        return tuple((s,) if isinstance(s, str) else tuple(s) for s in self.stages)


class Ratification(BaseModel):
    """A forum's deal must then pass the actors it binds: each ``by`` actor (default: the track's
    veto players who do not sit at the forum's table) accepts it under its own red lines and
    reservation value on the track, or the deal falls."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    track: Id
    forum: Id
    by: list[Id] | None = Field(None, description="Who ratifies (default: the track's veto players "
                                "missing from the forum).")
    note: str | None = None
    source: SourceRef | None = None


class Process(BaseModel):
    """Process parameters that the design comparison tests rather than assumes."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    sequence: list[Id] | None = Field(
        None, description="Order of the tracks in a sequential design (default: the order of tracks).")
    failure_penalty: Estimate = Field(
        default=0.0, validate_default=True,
        description="In a sequential design, each earlier failed track raises every participant's "
        "reservation value on a later track by this share of its utility range there (0-1).")
    trust_gain: Estimate = Field(
        default=0.0, validate_default=True,
        description="In a sequential design, each earlier agreed track lowers every participant's "
        "reservation value on a later track by this share of its utility range there (0-1).")
    links: list[Link] = Field(default_factory=empty_list)
    sequences: list[Sequence] = Field(default_factory=empty_list, description="Named sequences in stages, "
                                      "compared beside the declared one.")
    packages: list[Package] = Field(default_factory=empty_list)
    ratification: list[Ratification] = Field(default_factory=empty_list)
    note: str | None = None
    source: SourceRef | None = None

    @field_validator("failure_penalty", "trust_gain")
    @classmethod
    def _share(cls, v: EstimateModel, info) -> EstimateModel:
        check_within(v, 0, 1, info.field_name)
        return v


def check_process(process: Process, tracks: dict, actors: set[str]) -> None:
    """Dangling or impossible references in the process section (``tracks``: id -> Track)."""
    path: tuple = ("process",)
    for i, pkg in enumerate(process.packages):
        for j, t in enumerate(pkg.tracks):
            if t not in tracks:
                raise LocatedValueError(f"{t!r} is not a track of the scenario",
                                        path + ("packages", i, "tracks", j))
            if tracks[t].deferred:
                raise LocatedValueError(f"track {t!r} is deferred, so no package can hold it",
                                        path + ("packages", i, "tracks", j))
        if len(set(pkg.tracks)) != len(pkg.tracks):
            raise LocatedValueError("a track is listed twice", path + ("packages", i, "tracks"))
    if len({p.id for p in process.packages}) != len(process.packages):
        raise LocatedValueError("two packages share an id", path + ("packages",))
    for i, seq in enumerate(process.sequences):
        seen_here: set[str] = set()
        for j, stage in enumerate(seq.stages):
            where = [((j,), stage)] if isinstance(stage, str) else [((j, k), t) for k, t in enumerate(stage)]
            for at, t in where:
                here = path + ("sequences", i, "stages") + at
                if t not in tracks:
                    raise LocatedValueError(f"{t!r} is not a track of the scenario", here)
                if tracks[t].deferred:
                    raise LocatedValueError(f"track {t!r} is deferred, so it has no place in a sequence",
                                            here)
                if t in seen_here:
                    raise LocatedValueError(f"track {t!r} is listed twice", here)
                seen_here.add(t)
    if len({s.id for s in process.sequences}) != len(process.sequences):
        raise LocatedValueError("two sequences share an id", path + ("sequences",))
    seen = set()
    for i, rat in enumerate(process.ratification):
        here = path + ("ratification", i)
        if rat.track not in tracks:
            raise LocatedValueError(f"{rat.track!r} is not a track of the scenario", here + ("track",))
        track = tracks[rat.track]
        forums = {f.id: f for f in track.forums}
        if rat.forum not in forums:
            raise LocatedValueError(f"{rat.forum!r} is not a forum of track {rat.track!r}", here + ("forum",))
        if (rat.track, rat.forum) in seen:
            raise LocatedValueError("this forum's ratification is declared twice", here)
        seen.add((rat.track, rat.forum))
        for j, a in enumerate(rat.by or []):
            if a not in actors:
                raise LocatedValueError(f"{a!r} is not an actor of the scenario", here + ("by", j))
            if a not in track.participants:
                raise LocatedValueError(f"{a!r} does not take part in track {rat.track!r}, so it has no "
                                        "position to ratify by", here + ("by", j))
        if not ratifiers(rat, track):
            raise LocatedValueError("nobody ratifies: every veto player of the track sits at the forum "
                                    "(name them in 'by')", here)


def ratifiers(rat: Ratification, track) -> list[str]:
    """Who must ratify the forum's deal: those named, else the track's veto players not at the
    forum's table."""
    if rat.by is not None:
        return list(rat.by)
    forum = next(f for f in track.forums if f.id == rat.forum)
    return [a for a in track.vetoes if a not in forum.participants]
