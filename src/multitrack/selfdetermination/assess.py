"""The checklist table: each case against each criterion (pure; no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from multitrack.selfdetermination.model import MET, UNKNOWN, Assessment, AssessmentRow, Case, Criterion


def assess(cases: Iterable[Case], criteria: Iterable[Criterion]) -> Assessment:
    """Rows are cases, columns criteria; a criterion a case does not assess reads 'unknown'."""
    columns = tuple(criteria)
    rows = []
    for case in cases:
        cells = {c.id: case.status(c.id) for c in columns}
        rows.append(
            AssessmentRow(
                case=case.id,
                name=case.name,
                cells=MappingProxyType(cells),
                met=sum(v == MET for v in cells.values()),
                assessed=sum(v != UNKNOWN for v in cells.values()),
            )
        )
    return Assessment(columns, tuple(rows))


def criteria_met(assessment: Assessment) -> dict[str, int]:
    """Case id -> how many criteria of the table it meets in full."""
    return assessment.counts()
