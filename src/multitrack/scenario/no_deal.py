"""What failure of a track costs an actor: its no-deal value, the disagreement point of bargaining
theory, stated apart from the status quo.

The status quo is what the documents on the table say today; the disagreement point is what
an actor ends up with if the talks fail (a war that goes on, an arms race, sanctions kept). The
two coincide only when failure changes nothing. Nash (1950, "The bargaining problem",
Econometrica 18(2), 155-162) measures every gain from that point, so it decides who needs a
deal and how much. The value is written on the actor's normalised scale of the track (0 = its
worst outcome on the table, 1 = its best) so that it can be judged without the actor's raw
points; below 0 means failure is worse than any outcome on the table.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .estimates import Estimate, EstimateModel, check_within
from .sources import SourceRef


class NoDeal(BaseModel):
    """One actor's value of the track failing, with its provenance."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    value: Estimate = Field(description="Worth of the track failing on the actor's normalised scale of the "
                            "track: 0 = its worst outcome on the table, 1 = its best; below 0 when failure "
                            "is worse than any outcome on the table.")
    cost_per_month: Estimate | None = Field(
        None, description="How much the no-deal value falls for each month the talks last (same scale, "
                          ">= 0); the value used is value - cost_per_month * talks_months.")
    source: SourceRef | None = Field(None, description="Default source for both figures.")
    estimated: bool = Field(False, description="True when the figures are the analyst's judgement.")
    note: str | None = Field(None, description="The reasoning behind the figures, in a sentence or two.")

    @field_validator("cost_per_month")
    @classmethod
    def _cost(cls, v: EstimateModel | None) -> EstimateModel | None:
        if v is not None:
            check_within(v, 0, None, "cost per month")
        return v


def check_talks_months(v: EstimateModel | None) -> EstimateModel | None:
    """Talks cannot last a negative number of months."""
    if v is not None:
        check_within(v, 0, None, "talks_months")
    return v
