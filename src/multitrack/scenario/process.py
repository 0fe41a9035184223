"""How the tracks relate as a process: the order for a sequential design, the trust lost when
a track fails, and links between tracks (one is only agreed if another is)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .estimates import Estimate, EstimateModel, check_within
from .ids import Id
from .sources import SourceRef


class Link(BaseModel):
    """Track ``track`` counts as agreed only if track ``requires`` is agreed too."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    track: Id
    requires: Id
    note: str | None = None
    source: SourceRef | None = None


class Process(BaseModel):
    """Process parameters that the design comparison tests rather than assumes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sequence: list[Id] | None = Field(
        None, description="Order of the tracks in a sequential design (default: the order of tracks).")
    failure_penalty: Estimate = Field(
        default=0.0, validate_default=True,
        description="In a sequential design, each earlier failed track raises every participant's "
        "reservation value on a later track by this share of its utility range there (0-1).")
    links: list[Link] = Field(default_factory=list)
    note: str | None = None
    source: SourceRef | None = None

    @field_validator("failure_penalty")
    @classmethod
    def _share(cls, v: EstimateModel) -> EstimateModel:
        check_within(v, 0, 1, "failure_penalty")
        return v
