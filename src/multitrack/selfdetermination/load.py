"""Reading and validating the cases file (``cases.yaml`` shipped with the package, or another path).

YAML is read with ruamel.yaml's safe loader and checked with pydantic v2 models; anything wrong
becomes a one-line SelfDeterminationError.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from multitrack.selfdetermination.criteria import BUILTIN_CRITERIA
from multitrack.selfdetermination.errors import SelfDeterminationError
from multitrack.selfdetermination.model import NOT_APPLICABLE, NOT_MET, Case, Criterion, Fact, Finding, Source

CASES_FILE = "cases.yaml"
Status = Literal["met", "not_met", "partly", "not_applicable"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceIn(_Strict):
    title: str = Field(min_length=3)
    author: str = Field(min_length=2)
    publisher: str = Field(min_length=2)
    year: int = Field(ge=1800, le=2100)


class _Sourced(_Strict):
    sources: list[str] = Field(min_length=1)
    uncertain: bool = False
    uncertain_note: str = ""

    @model_validator(mode="after")
    def _note_when_uncertain(self) -> _Sourced:
        if self.uncertain and not self.uncertain_note.strip():
            raise ValueError("uncertain: true needs an uncertain_note saying what could not be checked")
        return self


class FactIn(_Sourced):
    text: str = Field(min_length=5)


class FindingIn(_Sourced):
    status: Status
    note: str = Field(min_length=5)


class CaseIn(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    territory: str
    state: str
    date: dt.date
    kind: Literal["referendum", "declaration"]
    facts: list[FactIn] = Field(min_length=1)
    assessment: dict[str, FindingIn]


class CaseFile(_Strict):
    version: Literal[1]
    sources: dict[str, SourceIn]
    cases: list[CaseIn] = Field(min_length=1)


def _first_error(exc: ValidationError) -> str:
    """'where: what' for the first pydantic error, and how many more there are."""
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _check_sources(file: CaseFile, name: str) -> None:
    """Every cited source id must be defined in ``sources``."""
    for case in file.cases:
        items = [*case.facts, *case.assessment.values()]
        for item in items:
            for sid in item.sources:
                if sid not in file.sources:
                    raise SelfDeterminationError(f"{name}: case {case.id} cites unknown source '{sid}'")


def _check_criteria(file: CaseFile, name: str, criteria: Iterable[Criterion]) -> None:
    """Every case has every required criterion; without a vote, vote-bound criteria are moot."""
    required = tuple(criteria)
    ids = [case.id for case in file.cases]
    if len(set(ids)) != len(ids):
        raise SelfDeterminationError(f"{name}: case ids repeat")
    for case in file.cases:
        for criterion in required:
            if criterion.id not in case.assessment:
                raise SelfDeterminationError(f"{name}: case {case.id} lacks criterion '{criterion.id}'")
        vote = case.assessment.get("popular_vote")
        if vote is not None and vote.status == NOT_MET:
            for criterion in required:
                if criterion.needs_vote and case.assessment[criterion.id].status != NOT_APPLICABLE:
                    raise SelfDeterminationError(
                        f"{name}: case {case.id} held no vote, so '{criterion.id}' must be not_applicable"
                    )


def _to_case(raw: CaseIn, sources: dict[str, Source]) -> Case:
    """The frozen Case for a validated entry, with sources resolved."""
    facts = tuple(
        Fact(f.text, tuple(sources[s] for s in f.sources), f.uncertain, f.uncertain_note) for f in raw.facts
    )
    findings = {
        cid: Finding(cid, f.status, f.note, tuple(sources[s] for s in f.sources), f.uncertain,
                     f.uncertain_note)
        for cid, f in raw.assessment.items()
    }
    return Case(raw.id, raw.name, raw.territory, raw.state, raw.date, raw.kind, facts,
                MappingProxyType(findings))


def parse_cases(
    text: str, name: str = CASES_FILE, criteria: Iterable[Criterion] = BUILTIN_CRITERIA
) -> tuple[Case, ...]:
    """Validate YAML text of a cases file and return its cases (no I/O)."""
    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise SelfDeterminationError(f"{name}: not valid YAML: {' '.join(str(exc).split())}") from None
    try:
        file = CaseFile.model_validate(data)
    except ValidationError as exc:
        raise SelfDeterminationError(f"{name}: {_first_error(exc)}") from None
    _check_sources(file, name)
    _check_criteria(file, name, criteria)
    sources = {sid: Source(sid, s.title, s.author, s.publisher, s.year) for sid, s in file.sources.items()}
    return tuple(_to_case(c, sources) for c in file.cases)


def load_cases(path: str | Path | None = None) -> tuple[Case, ...]:
    """Read the shipped cases (or ``path``) and validate them against the built-in criteria."""
    try:
        if path is None:
            text = resources.files("multitrack.selfdetermination").joinpath(CASES_FILE).read_text("utf-8")
            name = CASES_FILE
        else:
            text, name = Path(path).read_text("utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise SelfDeterminationError(f"cannot read cases file {path or CASES_FILE}: {exc}") from None
    return parse_cases(text, name)
