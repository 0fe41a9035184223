"""Bibliographic sources that estimates cite: references by id, never quoted text."""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..errors import LocatedValueError
from .ids import Id


class Source(BaseModel):
    """A document an estimate rests on (title, author, publisher, year; optional locator)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    title: str = Field(min_length=1)
    author: str | None = Field(None, description="Author(s); omit only when the document names none.")
    publisher: str = Field(min_length=1)
    year: int = Field(ge=1000, le=2100)
    date: str | None = Field(None, pattern=r"^\d{4}-\d{2}(-\d{2})?$",
                             description="Publication date, YYYY-MM-DD or YYYY-MM, where known (its year "
                                         "is ``year``): it tells a reader whether a text predates an event.")
    kind: str | None = Field(None, description="op-ed, paper, report, data set, ...")
    url: str | None = None
    locator: str | None = Field(None, description="Default place in the document (page, section).")
    note: str | None = Field(None,
                             description="A remark on the document (e.g. that it is a copy of another).")

    @model_validator(mode="after")
    def _date_in_year(self) -> Source:
        if self.date is not None:
            if int(self.date[:4]) != self.year:
                raise LocatedValueError(f"date {self.date} is not in the year {self.year}", ("date",))
            try:
                _dt.date.fromisoformat(self.date if len(self.date) == 10 else self.date + "-01")
            except ValueError:
                raise LocatedValueError(f"{self.date!r} is not a calendar date", ("date",)) from None
        return self

    def citation(self) -> str:
        who = f"{self.author} " if self.author else ""
        when = self.date or str(self.year)
        return f"{who}({when}), \u201c{self.title}\u201d, {self.publisher}."


def _ref(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class _SourceRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    locator: str | None = Field(None, description="Page, paragraph or section in the source.")


#: A citation: a source id, or ``{id: ..., locator: ...}``.
SourceRef = Annotated[_SourceRef, BeforeValidator(_ref)]
SourceReference = _SourceRef
