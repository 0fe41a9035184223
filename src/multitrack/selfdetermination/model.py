"""Frozen records of the self-determination checklist: criteria, sources, cases and the assessment table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

#: Cell values. The first four are written in the cases file; UNKNOWN marks a criterion a case
#: does not assess (typically one a scenario added).
MET, NOT_MET, PARTLY, NOT_APPLICABLE, UNKNOWN = "met", "not_met", "partly", "not_applicable", "unknown"
STATUSES: tuple[str, ...] = (MET, NOT_MET, PARTLY, NOT_APPLICABLE)


@dataclass(frozen=True)
class Criterion:
    """One test a legitimate act of self-determination should pass; ``needs_vote``: moot without a vote."""

    id: str
    label: str
    description: str
    needs_vote: bool = False
    origin: str = ""


@dataclass(frozen=True)
class Source:
    """A reference (never a quotation): title, author or organisation, publisher, year."""

    id: str
    title: str
    author: str
    publisher: str
    year: int

    def cite(self) -> str:
        """One-line reference: 'Author (year), Title, Publisher'."""
        return f"{self.author} ({self.year}), {self.title}, {self.publisher}"


@dataclass(frozen=True)
class Fact:
    """A factual statement about a case, with the sources that support it."""

    text: str
    sources: tuple[Source, ...]
    uncertain: bool = False
    uncertain_note: str = ""


@dataclass(frozen=True)
class Finding:
    """How one case fares on one criterion, why, and on what sources."""

    criterion: str
    status: str
    note: str
    sources: tuple[Source, ...]
    uncertain: bool = False
    uncertain_note: str = ""


@dataclass(frozen=True)
class Case:
    """An act (or attempt) of self-determination with its facts and per-criterion findings."""

    id: str
    name: str
    territory: str
    state: str
    date: date
    kind: str  # "referendum" or "declaration"
    facts: tuple[Fact, ...]
    findings: Mapping[str, Finding]

    def status(self, criterion: str) -> str:
        """The case's value for a criterion id, UNKNOWN if it does not assess it."""
        finding = self.findings.get(criterion)
        return finding.status if finding else UNKNOWN


@dataclass(frozen=True)
class AssessmentRow:
    """One case's line in the table: criterion id -> cell value, and how many criteria it meets."""

    case: str
    name: str
    cells: Mapping[str, str]
    met: int
    assessed: int


@dataclass(frozen=True)
class Assessment:
    """The checklist table: rows are cases, columns are criteria, cells are statuses."""

    criteria: tuple[Criterion, ...]
    rows: tuple[AssessmentRow, ...]

    def cell(self, case: str, criterion: str) -> str:
        """The value for one case and criterion (KeyError if the case is not in the table)."""
        for row in self.rows:
            if row.case == case:
                return row.cells[criterion]
        raise KeyError(case)

    def counts(self) -> dict[str, int]:
        """Case id -> number of criteria met."""
        return {row.case: row.met for row in self.rows}
