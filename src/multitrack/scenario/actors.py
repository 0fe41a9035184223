"""Actors: states, alliances and organisations that sit at the tables."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .empty import empty_list
from .estimates import Estimate, EstimateModel, check_within
from .ids import Id
from .sources import SourceRef


class ActorKind(StrEnum):
    state = "state"
    alliance = "alliance"
    organisation = "organisation"


class Actor(BaseModel):
    """A party: its name, kind, capability (bargaining weight) and, for groupings, members."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: Id
    name: str = Field(min_length=1)
    kind: ActorKind
    capability: Estimate = Field(
        default=1.0, description="Relative weight the actor brings to bargaining (any non-negative scale).",
        validate_default=True)
    members: list[Id] = Field(default_factory=empty_list,
                              description="Member actor ids (alliances, organisations).")
    cow_code: int | None = Field(None, ge=1, le=999, description="Correlates of War country code, so that "
                                 "`multitrack capabilities` can compute its CINC from data.")
    description: str | None = None
    source: SourceRef | None = None

    @field_validator("capability")
    @classmethod
    def _non_negative(cls, v: EstimateModel) -> EstimateModel:
        check_within(v, 0, None, "capability")
        return v

    @model_validator(mode="after")
    def _members(self) -> Actor:
        if self.kind is ActorKind.alliance and not self.members:
            raise ValueError("an alliance needs its members (actor ids)")
        if self.kind is ActorKind.state and self.members:
            raise ValueError("a state has no members; use kind alliance or organisation")
        if len(set(self.members)) != len(self.members):
            raise ValueError("members are listed more than once")
        return self
