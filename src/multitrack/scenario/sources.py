"""Bibliographic sources that estimates cite: references by id, never quoted text."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from .ids import Id


class Source(BaseModel):
    """A document an estimate rests on (title, author, publisher, year; optional locator)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    title: str = Field(min_length=1)
    author: str | None = Field(None, description="Author(s); omit only when the document names none.")
    publisher: str = Field(min_length=1)
    year: int = Field(ge=1000, le=2100)
    kind: str | None = Field(None, description="op-ed, paper, report, data set, ...")
    url: str | None = None
    locator: str | None = Field(None, description="Default place in the document (page, section).")
    note: str | None = Field(None, description="A remark on the document (e.g. that it is a copy of another).")

    def citation(self) -> str:
        who = f"{self.author} " if self.author else ""
        return f"{who}({self.year}), \u201c{self.title}\u201d, {self.publisher}."


def _ref(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class _SourceRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    locator: str | None = Field(None, description="Page, paragraph or section in the source.")


#: A citation: a source id, or ``{id: ..., locator: ...}``.
SourceRef = Annotated[_SourceRef, BeforeValidator(_ref)]
SourceReference = _SourceRef
