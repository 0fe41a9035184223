"""The registered "self-determination" analysis: the criteria for a legitimate act of
self-determination (built-in plus the scenario's own) and how past cases fare on each."""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis import register
from ..progress import ProgressCallback, report
from ..results import Result, by_id
from ..scenario.model import Scenario
from .api import criteria_table
from .load import load_cases
from .model import Criterion


@dataclass(frozen=True)
class CriterionInfo(Result):
    id: str
    label: str
    description: str
    origin: str


@dataclass(frozen=True)
class CaseRow(Result):
    """One past case: its cell per criterion (met, partly, not_met, not_applicable, unknown)."""

    case: str
    name: str
    date: str
    kind: str
    cells: dict
    met: int
    assessed: int
    uncertain: tuple[str, ...]  # criteria whose finding the cases file marks as uncertain
    sources: tuple[str, ...]  # references behind the findings, one line each


@dataclass(frozen=True)
class SelfDeterminationResult(Result):
    track: str | None
    criteria: tuple[CriterionInfo, ...]
    cases: tuple[CaseRow, ...]

    def case(self, case_id: str) -> CaseRow:
        return by_id(self.cases, case_id, lambda c: c.case, "case")

    @property
    def summary(self) -> str:
        """In one line: the past cases applied, and how many meet every criterion assessed."""
        every = sum(c.assessed > 0 and c.met == c.assessed for c in self.cases)
        return (f"{len(self.cases)} past cases on {len(self.criteria)} criteria; "
                f"{every} meet{'s' if every == 1 else ''} every one assessed")

    def rows(self) -> list[dict]:
        return [{"case": c.case, "name": c.name, **c.cells, "met": c.met} for c in self.cases]


def _origin(scenario: Scenario, ref) -> str:
    if ref is None:
        return f"scenario {scenario.id}"
    src = scenario.source(ref.id)
    return f"{src.author + ', ' if src.author else ''}{src.title} ({src.publisher}, {src.year})"


@register("self-determination", "Criteria for legitimate self-determination", order=60,
          applies=lambda scenario: scenario.self_determination is not None)
def self_determination_analysis(scenario: Scenario, *, progress: ProgressCallback | None = None
                                ) -> SelfDeterminationResult:
    """The checklist of criteria for a legitimate vote on secession, applied to past cases
    (Montenegro 2006 to New Caledonia 2021, Kosovo 2008); the scenario may add criteria. A
    scenario without a self_determination section gets the built-in criteria only."""
    spec = scenario.self_determination
    report(progress, "self-determination", 0, 1)
    extra = tuple(Criterion(c.id, c.label, c.description, c.needs_vote, _origin(scenario, c.source))
                  for c in (spec.criteria if spec is not None else ()))
    cases = load_cases()  # the project's bundled data file of public facts
    table = criteria_table(extra, cases)
    by_case = {c.id: c for c in cases}
    rows = []
    for row in table.rows:
        case = by_case[row.case]
        cites = sorted({s.cite() for f in case.findings.values() for s in f.sources})
        rows.append(CaseRow(case=row.case, name=row.name, date=case.date.isoformat(), kind=case.kind,
                            cells=dict(row.cells), met=row.met, assessed=row.assessed,
                            uncertain=tuple(k for k, f in case.findings.items() if f.uncertain),
                            sources=tuple(cites)))
    criteria = tuple(CriterionInfo(c.id, c.label, c.description, c.origin) for c in table.criteria)
    report(progress, "self-determination", 1, 1)
    return SelfDeterminationResult(track=None if spec is None else spec.track, criteria=criteria,
                                   cases=tuple(rows))


__all__ = ["CaseRow", "CriterionInfo", "SelfDeterminationResult", "self_determination_analysis"]
