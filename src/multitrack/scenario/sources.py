"""Bibliographic sources that estimates cite: references by id, never quoted text.

A reference says how far its source carries the value that cites it (``basis``): the source
*states* the value, it only *informs* a judgement the analyst made, or it merely *raises* the
issue while the position is the analyst's own (an actor the source never names, say). A source
carries its full date where known, so that a text written before Russia's full-scale invasion
of Ukraine (24 February 2022) is flagged wherever a finding rests on it. A reference into one of
the documents the scenario was built from names a paragraph and a few single words that occur
in it (``paragraph``, ``keywords``), which a test checks against the text without quoting it.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ..errors import LocatedValueError
from .ids import Id

#: The day of Russia's full-scale invasion of Ukraine: texts written before it are flagged.
INVASION = _dt.date(2022, 2, 24)

#: How far a source carries a cited value (docs/scenario-format.md, "Sources").
BASIS_WORDS = {
    "states": "the source states it",
    "informs": "the source informs a judgement",
    "raises": "the source raises the issue; the position is judgement",
}


class Source(BaseModel):
    """A document an estimate rests on (title, author, publisher, year and date; optional locator)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
    seed: str | None = Field(None, pattern=r"^\d{3}$",
                             description="The file id of the document among the scenario's seed texts "
                                         "(e.g. 004), whose paragraphs references can name.")

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

    @property
    def latest_day(self) -> _dt.date:
        """The last day the document can have been written on, from its date or else its year."""
        if self.date is not None and len(self.date) == 10:
            return _dt.date.fromisoformat(self.date)
        year, month = (int(self.date[:4]), int(self.date[5:7])) if self.date else (self.year, 12)
        return _dt.date(year, month, calendar.monthrange(year, month)[1])

    @property
    def pre_invasion(self) -> bool:
        """Whether the document was certainly written before 24 February 2022."""
        return self.latest_day < INVASION

    def citation(self) -> str:
        who = f"{self.author} " if self.author else ""
        when = self.date or str(self.year)
        flag = " Written before the full-scale invasion of 24 February 2022." if self.pre_invasion else ""
        return f"{who}({when}), \u201c{self.title}\u201d, {self.publisher}.{flag}"


def _ref(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class _SourceRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: Id
    locator: str | None = Field(None, description="Page, paragraph or section in the source, in words.")
    basis: Literal["states", "informs", "raises"] = Field(
        "informs", description="states: the source gives the value; informs (the default): it argues "
                               "the point and the value is a judgement; raises: it only raises the "
                               "issue and the position is the analyst's judgement.")
    paragraph: int | None = Field(None, ge=1, description="1-based paragraph of a seed source's text.")
    keywords: tuple[str, ...] = Field((), description="Single words that all occur in that paragraph.")

    @model_validator(mode="after")
    def _keywords_are_words(self) -> _SourceRef:
        for i, word in enumerate(self.keywords):
            if not word or any(c.isspace() for c in word):
                raise LocatedValueError(f"keyword {word!r} is not a single word (no quotation)",
                                        ("keywords", i))
        if self.keywords and self.paragraph is None:
            raise LocatedValueError("keywords need the paragraph they occur in", ("paragraph",))
        return self

    @property
    def basis_words(self) -> str:
        """How far the source carries the value, in words."""
        return BASIS_WORDS[self.basis]


#: A citation: a source id, or ``{id: ..., locator: ..., basis: ..., paragraph: ..., keywords: ...}``.
SourceRef = Annotated[_SourceRef, BeforeValidator(_ref)]
SourceReference = _SourceRef
