"""An actor's stance on one issue: salience, utility shape, red lines.

Utility shapes: a value table (categorical and ordinal issues, in the actor's own points),
an ideal point with linear or quadratic loss, a monotone preference, or a piecewise-linear
curve through given points (numeric issues).
"""

from __future__ import annotations

from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictStr,
    field_validator,
    model_validator,
)

from ..errors import LocatedValueError
from .empty import empty_list
from .estimates import Estimate, EstimateModel, check_within
from .sources import SourceRef


class Loss(StrEnum):
    linear = "linear"
    quadratic = "quadratic"


class Monotone(StrEnum):
    increasing = "increasing"
    decreasing = "decreasing"


#: A threshold or value on an issue: an option name (categorical, ordinal) or a number.
IssueValue = StrictStr | Estimate


def _red_line_shorthand(value: Any) -> Any:
    """A bare option name or number means "never this value"."""
    return value if isinstance(value, dict) else {"equals": value}


#: An option name or a number as written, for conditions (nominal: a condition is not drawn).
PlainValue = StrictStr | float


class RedLineCondition(BaseModel):
    """When a conditional red line applies: while another issue (of this track or of another)
    takes one of the given values (``in``), or a value strictly ``below`` or ``above`` a given
    one. Exactly one of the three. Issue ids are unique in a scenario, so the issue names its
    track; on another track the condition is read against that track's agreed outcome."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True, validate_by_alias=True,
                              serialize_by_alias=True, defer_build=True)

    issue: StrictStr = Field(description="The issue whose value decides whether the red line applies.")
    in_: list[PlainValue] | None = Field(None, alias="in",
                                         description="The red line applies at these values.")
    below: PlainValue | None = Field(None, description="The red line applies at values strictly below this.")
    above: PlainValue | None = Field(None, description="The red line applies at values strictly above this.")
    source: SourceRef | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one(self) -> RedLineCondition:
        given = [k for k in ("in_", "below", "above") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a condition is {issue: x, in: [values]}, or {issue: x, below: v}, "
                             "or {issue: x, above: v}")
        if self.in_ is not None and not self.in_:
            raise LocatedValueError("'in' lists no value", ("in",))
        return self

    @property
    def text(self) -> str:
        """The condition in words: "while open-door is one of a, b" / "while moratorium is below 10"."""
        def shown(v: object) -> str:
            return f"{v:g}" if isinstance(v, float) else str(v)
        if self.in_ is not None:
            values = ", ".join(shown(v) for v in self.in_)
            return f"while {self.issue} is {values}" if len(self.in_) == 1 else \
                f"while {self.issue} is one of {values}"
        return f"while {self.issue} is {self.relation} {shown(getattr(self, self.relation))}"

    @property
    def relation(self) -> str:
        """in | below | above."""
        return "in" if self.in_ is not None else ("below" if self.below is not None else "above")


class _RedLine(BaseModel):
    """Values an actor will never accept: exactly one of ``equals``, ``below`` or ``above``;
    with ``when``, only while another issue takes the values the condition names."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    equals: IssueValue | None = Field(None, description="Never this option or value.")
    below: IssueValue | None = Field(None, description="Never anything strictly below this.")
    above: IssueValue | None = Field(None, description="Never anything strictly above this.")
    when: RedLineCondition | None = Field(
        None, description="The red line applies only while this condition on another issue holds.")

    @model_validator(mode="after")
    def _one(self) -> _RedLine:
        given = [k for k in ("equals", "below", "above") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a red line is one option or number, or {below: x}, or {above: x}")
        return self

    @property
    def conditional(self) -> bool:
        return self.when is not None

    @property
    def relation(self) -> str:
        return next(k for k in ("equals", "below", "above") if getattr(self, k) is not None)

    @property
    def threshold(self) -> str | EstimateModel:
        return getattr(self, self.relation)


RedLine = Annotated[_RedLine, BeforeValidator(_red_line_shorthand)]
RedLineModel = _RedLine


class Position(BaseModel):
    """One actor's preferences on one issue."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    salience: Estimate = Field(description="How much the issue matters to the actor (>= 0, any scale).")
    values: dict[str, Estimate] | None = Field(
        None, description="Value table: points for every option (categorical, ordinal).")
    ideal: IssueValue | None = Field(None, description="Ideal point (numeric) or ideal option (ordinal).")
    loss: Loss = Field(Loss.linear, description="How utility falls with distance from the ideal.")
    monotone: Monotone | None = Field(None, description="More is better (increasing) or worse (decreasing).")
    points: list[tuple[float, Estimate]] | None = Field(
        None, description="Piecewise-linear utility through (value, points) pairs (numeric issues).")
    red_lines: list[RedLine] = Field(default_factory=empty_list)
    source: SourceRef | None = Field(None, description="Default source for every estimate here.")
    estimated: bool = Field(False, description="Default: figures are the analyst's judgement.")
    note: str | None = None

    @field_validator("salience")
    @classmethod
    def _salience(cls, v: EstimateModel) -> EstimateModel:
        check_within(v, 0, None, "salience")
        return v

    @model_validator(mode="after")
    def _one_shape(self) -> Position:
        shapes = [k for k in ("values", "ideal", "monotone", "points") if getattr(self, k) is not None]
        if len(shapes) != 1:
            found = ", ".join(shapes) if shapes else "none"
            raise ValueError(
                f"give exactly one utility shape (values, ideal, monotone or points); found {found}")
        if self.points is not None:
            xs = [x for x, _ in self.points]
            if len(xs) < 2 or any(b <= a for a, b in pairwise(xs)):
                raise LocatedValueError("points need at least two (value, points) pairs with increasing "
                                        "values", ("points",))
        return self

    @property
    def shape(self) -> str:
        return next(k for k in ("values", "ideal", "monotone", "points") if getattr(self, k) is not None)

    @property
    def plain_red_lines(self) -> list[RedLineModel]:
        """The red lines that always apply (no ``when``): the ones a single issue can check."""
        return [line for line in self.red_lines if line.when is None]
