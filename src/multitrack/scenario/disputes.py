"""Disputes: issues on different tracks that model the same question.

Two tracks can negotiate the same question in different words (NATO's open door as it applies to
Ukraine on one, further NATO enlargement in Moscow's 2021 drafts on the other). An issue says
which question it models with ``dispute:``: the question's id and its common levels, each named
once per dispute and mapped to the issue's own value that stands for it::

    dispute:
      id: nato-enlargement
      levels: {open-door: membership-promise-reaffirmed, pause: door-formally-open-no-timetable,
               ban: door-closed-to-ukraine}
      variant: the 2022-24 compromise proposals   # optional: a declared variant of the question
      note: ...

The consistency check then compares an actor's red lines on every pair of issues of one dispute
level by level; a level one issue accepts and the other forbids is a contradiction, unless both
issues name different ``variant``s (the scenario then models two stages or framings on purpose).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from ..errors import LocatedValueError
from .ids import Id
from .sources import SourceRef


class DisputeTag(BaseModel):
    """The question an issue models, with the issue's value for each of the question's levels."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: Id = Field(description="The dispute's id; every issue that models the question names the same id.")
    levels: dict[StrictStr, StrictStr | float] = Field(
        min_length=1, description="Level of the question -> the issue's option (or number) standing for it.")
    variant: str | None = Field(None, description="A declared variant of the question (e.g. a stage of the "
                                "talks); differing red lines on two variants are reported, not warned of.")
    note: str | None = None
    source: SourceRef | None = None

    def check_against(self, options: list[str] | None, low: float | None, high: float | None) -> None:
        """Each level names an option of the issue, or a number in its range (one-line errors)."""
        for level, value in self.levels.items():
            if options is not None:
                if not isinstance(value, str) or value not in options:
                    raise LocatedValueError(f"{value!r} is not an option of the issue (options: "
                                            f"{', '.join(options)})", ("dispute", "levels", level))
            elif isinstance(value, str):
                raise LocatedValueError(f"{value!r} is not a number (the issue is numeric)",
                                        ("dispute", "levels", level))
            elif low is not None and high is not None and not low <= value <= high:
                raise LocatedValueError(f"{value:g} lies outside the issue's range [{low:g}, {high:g}]",
                                        ("dispute", "levels", level))


__all__ = ["DisputeTag"]
