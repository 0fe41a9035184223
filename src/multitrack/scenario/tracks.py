"""Negotiation tracks: who sits, who must consent, the decision rule, and the issues."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, model_validator

from ..errors import LocatedValueError
from .estimates import Estimate
from .ids import Id
from .issues import Issue
from .sources import SourceRef


class Unanimity(BaseModel):
    """Every veto player must accept (the default: consensus among those who hold a veto)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["unanimity"] = "unanimity"


class Qualified(BaseModel):
    """Every veto player plus at least ``min_participants`` of all participants must accept."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["qualified"]
    min_participants: int = Field(ge=1)


class Weighted(BaseModel):
    """Every veto player, and accepting participants' weights must reach ``threshold``
    (as in the EU Council's qualified majority)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    kind: Literal["weighted"]
    weights: dict[Id, float] = Field(min_length=1)
    threshold: float = Field(gt=0)

    @model_validator(mode="after")
    def _reachable(self) -> "Weighted":
        for actor, w in self.weights.items():
            if w < 0:
                raise LocatedValueError(f"weight {w:g} is negative", ("weights", actor))
        total = sum(self.weights.values())
        if self.threshold > total:
            raise LocatedValueError(f"threshold {self.threshold:g} exceeds the total weight {total:g}",
                                    ("threshold",))
        return self


DecisionRule = Annotated[
    Union[Unanimity, Qualified, Weighted],
    Discriminator("kind", custom_error_type="rule_kind",
                  custom_error_message="a decision rule needs kind: unanimity, qualified or weighted"),
]


class MemberGroup(BaseModel):
    """Members of an alliance or organisation modelled as a group: ``count`` members who each
    take the position of the participant ``like`` with their own independent draws of its
    uncertain estimates, and (by default) each hold a veto."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id
    like: Id
    count: int = Field(ge=1, le=64)
    veto: bool = True
    note: str | None = None
    source: SourceRef | None = None


class Forum(BaseModel):
    """An alternative table for the same issues: who sits, who holds a veto, the rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: Id
    title: str = Field(min_length=1)
    participants: list[Id] = Field(min_length=1)
    veto_players: list[Id] | None = Field(None, description="Default: every participant under "
                                          "unanimity, nobody under a qualified or weighted rule.")
    decision_rule: DecisionRule = Field(default_factory=Unanimity)
    member_groups: list[MemberGroup] = Field(default_factory=list)
    note: str | None = None
    source: SourceRef | None = None

    @property
    def vetoes(self) -> list[str]:
        if self.veto_players is not None:
            return list(self.veto_players)
        return list(self.participants) if isinstance(self.decision_rule, Unanimity) else []


class Track(BaseModel):
    """A negotiation table: its participants, the veto players of its forum, and its issues."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    title: str = Field(min_length=1)
    description: str | None = None
    forum: str | None = Field(None, description="Where the talks sit (e.g. NATO-Russia Council).")
    participants: list[Id] = Field(min_length=2)
    veto_players: list[Id] | None = Field(
        None, description="Actors whose consent is needed; default: every participant under "
        "unanimity, nobody under a qualified or weighted rule.")
    decision_rule: DecisionRule = Field(default_factory=Unanimity)
    issues: list[Issue] = Field(min_length=1, description="At least one issue.")
    reservation_values: dict[Id, Estimate] = Field(
        default_factory=dict, description="No-deal utility in the actor's own points; default: "
        "the utility of the status quo.")
    discount_factors: dict[Id, Annotated[float, Field(gt=0, le=1)]] = Field(
        default_factory=dict, description="Per-round discount factor of a participant in automated "
        "negotiation, as in Genius (1 = no time pressure).")
    forums: list[Forum] = Field(default_factory=list, description="Alternative forums for the same "
                                "issues, compared on the same draws.")
    deferred: bool = Field(False, description="Left open on purpose: shown, not analysed.")
    deferred_reason: str | None = None
    source: SourceRef | None = None

    @property
    def vetoes(self) -> list[str]:
        """The veto players: as listed; if none are listed, every participant under unanimity
        and nobody under a qualified or weighted rule (where the vote decides)."""
        if self.veto_players is not None:
            return list(self.veto_players)
        return list(self.participants) if isinstance(self.decision_rule, Unanimity) else []

    @model_validator(mode="after")
    def _membership(self) -> "Track":
        if self.deferred_reason is not None and not self.deferred:
            raise LocatedValueError("deferred_reason is given but the track is not deferred (add "
                                    "deferred: true)", ("deferred_reason",))
        _no_repeats(self.participants, ("participants",), "participant")
        if self.veto_players is not None:
            _no_repeats(self.veto_players, ("veto_players",), "veto player")
            for i, v in enumerate(self.veto_players):
                if v not in self.participants:
                    raise LocatedValueError(f"veto player {v!r} is not a participant of the track",
                                            ("veto_players", i))
        sits = set(self.participants)
        for j, issue in enumerate(self.issues):
            for actor in issue.positions:
                if actor not in sits:
                    raise LocatedValueError(f"{actor!r} holds a position but is not a participant of "
                                            "the track", ("issues", j, "positions", actor))
        for field_ in ("reservation_values", "discount_factors"):
            for actor in getattr(self, field_):
                if actor not in sits:
                    raise LocatedValueError(f"{actor!r} is not a participant of the track", (field_, actor))
        rule = self.decision_rule
        if isinstance(rule, Qualified) and rule.min_participants > len(self.participants):
            raise LocatedValueError(f"needs {rule.min_participants} of only {len(self.participants)} "
                                    "participants", ("decision_rule", "min_participants"))
        if isinstance(rule, Weighted):
            for actor in rule.weights:
                if actor not in sits:
                    raise LocatedValueError(f"{actor!r} is not a participant of the track",
                                            ("decision_rule", "weights", actor))
        for f, forum in enumerate(self.forums):
            _check_forum(forum, sits, ("forums", f))
        _no_repeats([f.id for f in self.forums], ("forums",), "forum id")
        return self


def _check_forum(forum: Forum, sits: set[str], path: tuple) -> None:
    _no_repeats(forum.participants, path + ("participants",), "participant")
    for i, a in enumerate(forum.participants):
        if a not in sits:
            raise LocatedValueError(f"{a!r} is not a participant of the track, so it has no positions "
                                    "on its issues", path + ("participants", i))
    for i, v in enumerate(forum.veto_players or []):
        if v not in forum.participants:
            raise LocatedValueError(f"veto player {v!r} is not a participant of the forum",
                                    path + ("veto_players", i))
    for g, group in enumerate(forum.member_groups):
        if group.like not in sits:
            raise LocatedValueError(f"{group.like!r} is not a participant of the track",
                                    path + ("member_groups", g, "like"))
    size = len(forum.participants) + sum(g.count for g in forum.member_groups)
    if size < 2:
        raise LocatedValueError("a forum needs at least two parties (participants and group members)",
                                path + ("participants",))
    rule = forum.decision_rule
    if isinstance(rule, Qualified) and rule.min_participants > size:
        raise LocatedValueError(f"needs {rule.min_participants} of only {size} parties",
                                path + ("decision_rule", "min_participants"))
    if isinstance(rule, Weighted):
        for actor in rule.weights:
            if actor not in forum.participants:
                raise LocatedValueError(f"{actor!r} is not a participant of the forum",
                                        path + ("decision_rule", "weights", actor))


def _no_repeats(ids: list[str], path: tuple, what: str) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise LocatedValueError(f"{what} {x!r} is listed twice", path + (i,))
        seen.add(x)
