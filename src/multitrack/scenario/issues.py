"""Issues negotiated on a track, in four kinds: categorical, ordinal, integer and continuous.

Each issue carries the positions of the actors who care about it, checked here against the
issue's options or range, and its status quo (what holds if the track fails) where the track
has one: a negotiation game or a Genius domain has none, and then the track's disagreement
point (its reservation values) says what no deal is worth.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StrictInt, StrictStr, model_validator

from ..errors import LocatedValueError
from .disputes import DisputeTag
from .empty import empty_dict
from .estimates import Estimate, check_within
from .ids import Id
from .positions import Position, RedLineModel
from .sources import SourceRef


class _Issue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False)

    id: Id
    title: str | None = None
    description: str | None = None
    positions: dict[Id, Position] = Field(default_factory=empty_dict,
                                          description="Each caring actor's stance, by actor id.")
    source: SourceRef | None = None
    dispute: DisputeTag | None = Field(None, description="The question this issue models, when another "
                                       "track models it too (for the consistency check's red-line test).")

    @model_validator(mode="after")
    def _dispute_levels(self) -> _Issue:
        if self.dispute is not None:
            self.dispute.check_against(getattr(self, "options", None), getattr(self, "low", None),
                                       getattr(self, "high", None))
        return self

    if TYPE_CHECKING:  # declared by each kind of issue; pydantic must not see fields here
        kind: str
        status_quo: str | Estimate | None

    @property
    def label(self) -> str:
        return self.title or self.id

    @property
    def has_status_quo(self) -> bool:
        return getattr(self, "status_quo", None) is not None

    def _each_position(self, check) -> None:
        for actor, pos in self.positions.items():
            try:
                check(pos)
            except LocatedValueError as exc:
                raise LocatedValueError(exc.message, ("positions", actor) + exc.path) from None

    def values_on_grid(self, grid_points: int) -> list[str] | list[float]:
        """The values the issue takes in an analysis; ``grid_points``: the scenario's default grid."""
        raise NotImplementedError


class _OptionIssue(_Issue):
    """An issue whose outcome is one of a list of named options."""

    if TYPE_CHECKING:  # each subclass declares its own kind; pydantic must not see a field here
        kind: Literal["categorical", "ordinal"]

    options: list[StrictStr] = Field(min_length=2)
    status_quo: StrictStr | None = Field(None, description="The option that holds now; leave it out on "
                                         "every issue of a track that has no status quo.")

    @model_validator(mode="after")
    def _check(self) -> _OptionIssue:
        dupes = sorted({o for o in self.options if self.options.count(o) > 1})
        if dupes:
            raise LocatedValueError(f"options listed more than once: {', '.join(dupes)}", ("options",))
        if self.status_quo is not None and self.status_quo not in self.options:
            raise LocatedValueError(f"status quo {self.status_quo!r} is not one of the options "
                                    f"{self.options}", ("status_quo",))
        self._each_position(self._check_position)
        return self

    def _option(self, name: object, path: tuple) -> str:
        if not isinstance(name, str) or name not in self.options:
            shown = name if isinstance(name, str) else getattr(name, "nominal", name)
            raise LocatedValueError(f"{shown!r} names no option of this issue (options: "
                                    f"{', '.join(self.options)})", path)
        return name

    def _check_position(self, pos: Position) -> None:
        if pos.shape == "values":
            assert pos.values is not None
            for name in pos.values:
                self._option(name, ("values", name))
            missing = [o for o in self.options if o not in pos.values]
            if missing:
                raise LocatedValueError(f"the value table lacks options: {', '.join(missing)}", ("values",))
        elif self.kind == "categorical":
            raise LocatedValueError(
                f"a categorical issue needs a value table ('values'), not '{pos.shape}'", (pos.shape,))
        elif pos.shape == "ideal":
            self._option(pos.ideal, ("ideal",))
        elif pos.shape == "points":
            raise LocatedValueError("'points' is for numeric issues; use a value table", ("points",))
        for i, line in enumerate(pos.red_lines):
            if line.relation != "equals" and self.kind == "categorical":
                raise LocatedValueError(f"'{line.relation}' needs ordered options; categorical red lines "
                                        "name options", ("red_lines", i, line.relation))
            self._option(line.threshold, ("red_lines", i, line.relation))
        if pos.plain_red_lines and not self.allowed(pos.plain_red_lines):
            raise LocatedValueError("the red lines forbid every option", ("red_lines",))

    def allowed(self, red_lines: list[RedLineModel]) -> list[str]:
        """Options that break none of ``red_lines`` (nominal thresholds)."""
        rank = {o: i for i, o in enumerate(self.options)}
        ok = []
        for opt in self.options:
            broken = False
            for line in red_lines:
                t = rank[line.threshold]  # type: ignore[index]  # an option's name (_check_position)
                r = rank[opt]
                broken |= (line.relation == "equals" and r == t) or (line.relation == "below" and r < t) \
                    or (line.relation == "above" and r > t)
            if not broken:
                ok.append(opt)
        return ok

    def values_on_grid(self, grid_points: int) -> list[str]:
        return list(self.options)


class CategoricalIssue(_OptionIssue):
    """Unordered options (a forum's name, a yes/no question)."""

    kind: Literal["categorical"]


class OrdinalIssue(_OptionIssue):
    """Options in order, from low to high (e.g. none < observers < inspection)."""

    kind: Literal["ordinal"]


class _NumericIssue(_Issue):
    if TYPE_CHECKING:  # each subclass declares its own kind and range; pydantic must not see fields here
        kind: Literal["integer", "continuous"]
        range: tuple[float, float]

    unit: str | None = None
    status_quo: Estimate | None = Field(None, description="The value that holds now; leave it out on "
                                        "every issue of a track that has no status quo.")

    @property
    def low(self) -> float:
        return float(self.range[0])

    @property
    def high(self) -> float:
        return float(self.range[1])

    @model_validator(mode="after")
    def _check(self) -> _NumericIssue:
        if not self.low < self.high:
            raise LocatedValueError(f"range [{self.low:g}, {self.high:g}] must have low < high", ("range",))
        if self.status_quo is not None:
            self._within(self.status_quo, "status quo", ("status_quo",))
        self._each_position(self._check_position)
        return self

    def _within(self, est: object, what: str, path: tuple) -> None:
        if isinstance(est, str):
            article = "an" if self.kind == "integer" else "a"
            raise LocatedValueError(f"{what} must be a number on {article} {self.kind} issue, got {est!r}",
                                    path)
        try:
            check_within(est, self.low, self.high, what)  # type: ignore[arg-type]  # an estimate here
        except ValueError as exc:
            raise LocatedValueError(f"{exc} (the issue's range)", path) from None

    def _check_position(self, pos: Position) -> None:
        if pos.shape == "values":
            raise LocatedValueError(f"a value table is for categorical and ordinal issues; on an "
                                    f"{self.kind} issue use ideal, monotone or points", ("values",))
        if pos.shape == "ideal":
            self._within(pos.ideal, "ideal point", ("ideal",))
        if pos.shape == "points":
            assert pos.points is not None
            for i, (x, _) in enumerate(pos.points):
                if not self.low <= x <= self.high:
                    raise LocatedValueError(f"point at {x:g} lies outside the issue's range "
                                            f"[{self.low:g}, {self.high:g}]", ("points", i))
        for i, line in enumerate(pos.red_lines):
            self._within(line.threshold, "red line", ("red_lines", i, line.relation))
        if pos.plain_red_lines and not self._some_value_allowed(pos.plain_red_lines):
            raise LocatedValueError("the red lines forbid every value in the range", ("red_lines",))

    def _some_value_allowed(self, red_lines: list[RedLineModel]) -> bool:
        """Whether any value of the range survives ``red_lines`` (nominal thresholds)."""
        lo, hi = self.low, self.high
        banned = set()
        for line in red_lines:
            t = line.threshold.nominal  # type: ignore[union-attr]  # a number here (_check_position)
            if line.relation == "below":
                lo = max(lo, t)
            elif line.relation == "above":
                hi = min(hi, t)
            else:
                banned.add(t)
        if self.kind == "integer":
            candidates = range(math.ceil(lo), math.floor(hi) + 1)
            return any(float(x) not in banned for x in candidates)
        return lo < hi or (lo == hi and lo not in banned)

    def grid(self, grid_points: int | None) -> list[float]:
        raise NotImplementedError


class IntegerIssue(_NumericIssue):
    """A whole number in [low, high] (years of a moratorium, number of brigades)."""

    kind: Literal["integer"]
    range: tuple[StrictInt, StrictInt]

    @model_validator(mode="after")
    def _whole(self) -> IntegerIssue:
        if self.high - self.low > 10_000_000:
            raise LocatedValueError("range holds more than 10 million integers; use a continuous issue",
                                    ("range",))
        sq = self.status_quo
        if sq is not None and not sq.is_uncertain and float(sq.nominal) != math.floor(sq.nominal):
            raise LocatedValueError(f"status quo {sq.nominal:g} is not a whole number", ("status_quo",))
        return self

    def grid(self, grid_points: int | None = None) -> list[float]:
        return [float(x) for x in range(int(self.low), int(self.high) + 1)]

    def values_on_grid(self, grid_points: int) -> list[float]:
        return self.grid()


class ContinuousIssue(_NumericIssue):
    """A real number in [low, high], evaluated on a grid of ``grid`` points (a distance in km)."""

    kind: Literal["continuous"]
    range: tuple[float, float]
    grid_points: int | None = Field(None, ge=2, le=100_000, alias="grid",
                                    description="Grid points over the range; default from settings.")

    def grid(self, grid_points: int | None = None) -> list[float]:
        """``grid_points`` evenly spaced values, both ends included (default: the issue's grid)."""
        n = grid_points or self.grid_points or 11
        step = (self.high - self.low) / (n - 1)
        return [self.low + i * step for i in range(n)]

    def values_on_grid(self, grid_points: int) -> list[float]:
        """The issue's own grid, else ``grid_points`` (the scenario's default)."""
        return self.grid(self.grid_points or grid_points)


Issue = Annotated[
    CategoricalIssue | OrdinalIssue | IntegerIssue | ContinuousIssue,
    Discriminator("kind", custom_error_type="issue_kind",
                  custom_error_message="issue kind must be categorical, ordinal, integer or continuous"),
]
OptionIssue = _OptionIssue
NumericIssue = _NumericIssue
IssueModel = _Issue


def check_value(issue: OptionIssue | NumericIssue, value: str | float, path: tuple) -> None:
    """Raise :class:`LocatedValueError` at ``path`` unless ``value`` is an option of an option
    issue, or a number in a numeric issue's range: the check of a value that a red line's
    condition or a cross-track effect names."""
    if isinstance(issue, _OptionIssue):
        if not isinstance(value, str) or value not in issue.options:
            raise LocatedValueError(f"{value!r} names no option of {issue.id!r} (options: "
                                    f"{', '.join(issue.options)})", path)
        return
    if isinstance(value, str):
        raise LocatedValueError(f"{issue.id!r} is numeric: give a number, not {value!r}", path)
    if not issue.low <= value <= issue.high:
        raise LocatedValueError(f"{value:g} lies outside the range of {issue.id!r} "
                                f"[{issue.low:g}, {issue.high:g}]", path)


def value_text(value: object) -> str:
    """One value of an issue as text, the same in every output: an option name as written, a
    whole number without decimals (``4``, not ``4.0``), any other number to six significant
    digits (``0.3``, ``12.5``)."""
    if isinstance(value, str):
        return value
    number = getattr(value, "nominal", value)
    if isinstance(number, bool):
        return str(value)
    try:
        x = float(number)  # type: ignore[arg-type]  # any value: what float() refuses is caught below
    except (TypeError, ValueError):
        return str(value)
    if math.isfinite(x) and x == math.floor(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"
