"""Negotiation tracks: who sits, who must consent, the decision rule, and the issues."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, field_validator, model_validator

from ..errors import LocatedValueError
from .empty import empty_dict, empty_list
from .estimates import Estimate
from .ids import Id
from .issues import Issue
from .no_deal import NoDeal, check_talks_months
from .sources import SourceRef


class Unanimity(BaseModel):
    """Every veto player must accept (the default: consensus among those who hold a veto)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    kind: Literal["unanimity"] = "unanimity"


class Qualified(BaseModel):
    """Every veto player plus at least ``min_participants`` of all participants must accept."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    kind: Literal["qualified"]
    min_participants: int = Field(ge=1)


class Weighted(BaseModel):
    """Every veto player, and accepting participants' weights must reach ``threshold``
    (as in the EU Council's qualified majority). In an alternative forum a key may also name a
    member group: each of the group's members then carries that weight."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False)
    kind: Literal["weighted"]
    weights: dict[Id, float] = Field(min_length=1)
    threshold: float = Field(gt=0)

    @model_validator(mode="after")
    def _non_negative(self) -> Weighted:
        for actor, w in self.weights.items():
            if w < 0:
                raise LocatedValueError(f"weight {w:g} is negative", ("weights", actor))
        return self

    def check_reachable(self, total: float, path: tuple) -> None:
        """Refuse a threshold above ``total``, the weight of everybody at the table (the table,
        not the rule, knows how many members each group has)."""
        if self.threshold > total:
            raise LocatedValueError(f"threshold {self.threshold:g} exceeds the total weight {total:g}",
                                    path + ("threshold",))


DecisionRule = Annotated[
    Unanimity | Qualified | Weighted,
    Discriminator("kind", custom_error_type="rule_kind",
                  custom_error_message="a decision rule needs kind: unanimity, qualified or weighted"),
]


class MemberGroup(BaseModel):
    """Members of an alliance or organisation modelled as a group: ``count`` members who each
    take the position of the participant ``like`` with their own independent draws of its
    uncertain estimates, and (by default) each hold a veto."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: Id
    like: Id
    count: int = Field(ge=1, le=64)
    veto: bool = True
    note: str | None = None
    source: SourceRef | None = None


class Forum(BaseModel):
    """An alternative table for the same issues: who sits, who holds a veto, the rule."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: Id
    title: str = Field(min_length=1)
    participants: list[Id] = Field(min_length=1)
    veto_players: list[Id] | None = Field(None, description="Default: every participant under "
                                          "unanimity, nobody under a qualified or weighted rule.")
    decision_rule: DecisionRule = Field(default_factory=Unanimity)
    member_groups: list[MemberGroup] = Field(default_factory=empty_list)
    note: str | None = None
    source: SourceRef | None = None

    @property
    def vetoes(self) -> list[str]:
        if self.veto_players is not None:
            return list(self.veto_players)
        return list(self.participants) if isinstance(self.decision_rule, Unanimity) else []


class Track(BaseModel):
    """A negotiation table: its participants, the veto players of its forum, and its issues."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
        default_factory=empty_dict,
        description="The least utility an actor accepts, in its own points; default: "
        "its no-deal value (the disagreement point), else the utility of the status quo, or on a track "
        "without a status quo the actor's lowest utility over the track's outcomes.")
    no_deal: dict[Id, NoDeal] = Field(
        default_factory=empty_dict, description="Per actor, what the track's failure is worth to it (the "
        "disagreement point) on its normalised scale of the track, when failure is not simply the status "
        "quo continuing.")
    talks_months: Estimate | None = Field(
        None, description="How many months the talks last, over which each no-deal cost per month "
                          "accrues (default 0).")
    costly_failure: bool = Field(False, description="The sources call this track's failure costly (a "
                                 "reminder to state no-deal values: a warning says when none is given).")
    discount_factors: dict[Id, Annotated[float, Field(gt=0, le=1)]] = Field(
        default_factory=empty_dict, description="Per-round discount factor of a participant in automated "
        "negotiation, as in Genius (1 = no time pressure).")
    forums: list[Forum] = Field(default_factory=empty_list, description="Alternative forums for the same "
                                "issues, compared on the same draws.")
    deferred: bool = Field(False, description="Left open on purpose: shown, not analysed.")
    deferred_reason: str | None = None
    source: SourceRef | None = None

    _talks_months = field_validator("talks_months")(check_talks_months)

    @property
    def vetoes(self) -> list[str]:
        """The veto players: as listed; if none are listed, every participant under unanimity
        and nobody under a qualified or weighted rule (where the vote decides)."""
        if self.veto_players is not None:
            return list(self.veto_players)
        return list(self.participants) if isinstance(self.decision_rule, Unanimity) else []

    @property
    def has_status_quo(self) -> bool:
        """Whether the track states a status quo (on every issue; a track states it on all or none).
        Without one, no deal means the disagreement point: each participant's reservation value."""
        return self.issues[0].has_status_quo

    @model_validator(mode="after")
    def _membership(self) -> Track:
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
        _status_quo_on_all_or_none(self.issues)
        sits = set(self.participants)
        for j, issue in enumerate(self.issues):
            for actor in issue.positions:
                if actor not in sits:
                    raise LocatedValueError(f"{actor!r} holds a position but is not a participant of "
                                            "the track", ("issues", j, "positions", actor))
        for field_ in ("reservation_values", "discount_factors", "no_deal"):
            for actor in getattr(self, field_):
                if actor not in sits:
                    raise LocatedValueError(f"{actor!r} is not a participant of the track (its participants: "
                                            f"{', '.join(self.participants)})", (field_, actor))
        rule = self.decision_rule
        if isinstance(rule, Qualified) and rule.min_participants > len(self.participants):
            raise LocatedValueError(f"needs {rule.min_participants} of only {len(self.participants)} "
                                    "participants", ("decision_rule", "min_participants"))
        if isinstance(rule, Weighted):
            for actor in rule.weights:
                if actor not in sits:
                    raise LocatedValueError(f"{actor!r} is not a participant of the track",
                                            ("decision_rule", "weights", actor))
            rule.check_reachable(sum(rule.weights.values()), ("decision_rule",))
        for f, forum in enumerate(self.forums):
            _check_forum(forum, sits, ("forums", f))
        _no_repeats([f.id for f in self.forums], ("forums",), "forum id")
        return self


def _status_quo_on_all_or_none(issues: list) -> None:
    """A track has a status quo on every issue or on none (then it has none at all)."""
    stated = [issue.has_status_quo for issue in issues]
    if any(stated) and not all(stated):
        j = stated.index(False)
        raise LocatedValueError("status quo is missing: the track's other issues state one, so this one "
                                "needs one too (or leave it out on every issue of a track without a status "
                                "quo)", ("issues", j, "status_quo"))


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
    _group_ids_stand_apart(forum, path)
    size = len(forum.participants) + sum(g.count for g in forum.member_groups)
    if size < 2:
        raise LocatedValueError("a forum needs at least two parties (participants and group members)",
                                path + ("participants",))
    rule = forum.decision_rule
    if isinstance(rule, Qualified) and rule.min_participants > size:
        raise LocatedValueError(f"needs {rule.min_participants} of only {size} parties",
                                path + ("decision_rule", "min_participants"))
    if isinstance(rule, Weighted):
        _check_forum_weights(forum, rule, path + ("decision_rule",))


def _group_ids_stand_apart(forum: Forum, path: tuple) -> None:
    """A member group's id names its members in the forum's weights and its own draws, so it may
    be neither a participant's id nor another group's."""
    seen = set(forum.participants)
    for g, group in enumerate(forum.member_groups):
        if group.id in seen:
            what = "a participant" if group.id in forum.participants else "another member group"
            raise LocatedValueError(f"member group id {group.id!r} is already {what} of the forum",
                                    path + ("member_groups", g, "id"))
        seen.add(group.id)


def _check_forum_weights(forum: Forum, rule: Weighted, path: tuple) -> None:
    """The keys of a forum's weights are its participants and its member groups; every group gets
    a weight (a forgotten one would silently count for nothing), which each member carries."""
    counts = {g.id: g.count for g in forum.member_groups}
    for key in rule.weights:
        if key not in forum.participants and key not in counts:
            raise LocatedValueError(f"{key!r} is neither a participant nor a member group of the forum",
                                    path + ("weights", key))
    for gid in counts:
        if gid not in rule.weights:
            raise LocatedValueError(f"member group {gid} has no weight under the weighted rule; give "
                                    f"weights.{gid}", path + ("weights",))
    rule.check_reachable(sum(w * counts.get(key, 1) for key, w in rule.weights.items()), path)


def _no_repeats(ids: list[str], path: tuple, what: str) -> None:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            raise LocatedValueError(f"{what} {x!r} is listed twice", path + (i,))
        seen.add(x)
