"""Self-determination checklist: the shipped cases, key findings, validation and scenario criteria."""

from __future__ import annotations

from pathlib import Path

import pytest

from multitrack.selfdetermination import (
    BUILTIN_CRITERIA,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    STATUSES,
    UNKNOWN,
    Criterion,
    SelfDeterminationError,
    assess,
    criteria_met,
    criteria_table,
    load_cases,
    merge_criteria,
    parse_cases,
)
from multitrack.selfdetermination.load import CASES_FILE

CASES = load_cases()
CASE_IDS = [c.id for c in CASES]
SHIPPED = (Path(__file__).parents[1] / "src/multitrack/selfdetermination" / CASES_FILE).read_text("utf-8")
EXPECTED_CASES = {
    "montenegro-2006", "south-sudan-2011", "scotland-2014", "crimea-2014", "donetsk-2014", "luhansk-2014",
    "catalonia-2017", "new-caledonia-2018", "new-caledonia-2020", "new-caledonia-2021", "kosovo-2008",
}


def test_all_requested_cases_are_present() -> None:
    assert set(CASE_IDS) == EXPECTED_CASES


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_case_has_every_builtin_criterion(case) -> None:
    for criterion in BUILTIN_CRITERIA:
        assert case.status(criterion.id) in STATUSES


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_fact_and_finding_has_a_full_source(case) -> None:
    items = [*case.facts, *case.findings.values()]
    assert case.facts
    for item in items:
        assert item.sources
        for source in item.sources:
            assert source.title and source.author and source.publisher and 1800 <= source.year <= 2100
        assert not item.uncertain or item.uncertain_note


@pytest.mark.parametrize(
    "case,criterion,status",
    [
        ("scotland-2014", "agreement_with_state", MET),
        ("crimea-2014", "agreement_with_state", NOT_MET),
        ("crimea-2014", "free_and_fair", NOT_MET),
        ("montenegro-2006", "free_and_fair", MET),
        ("south-sudan-2011", "displaced_included", MET),
        ("kosovo-2008", "popular_vote", NOT_MET),
        ("kosovo-2008", "supervised_vote", NOT_APPLICABLE),
        ("kosovo-2008", "free_and_fair", NOT_APPLICABLE),
        ("kosovo-2008", "displaced_included", NOT_APPLICABLE),
    ],
)
def test_key_findings(case: str, criterion: str, status: str) -> None:
    assert criteria_table().cell(case, criterion) == status


def test_kosovo_is_a_declaration_without_a_vote() -> None:
    kosovo = next(c for c in CASES if c.id == "kosovo-2008")
    assert kosovo.kind == "declaration"


def test_counts_of_criteria_met() -> None:
    counts = criteria_met(criteria_table())
    assert counts["south-sudan-2011"] == 5
    assert counts["crimea-2014"] == 0
    assert counts["scotland-2014"] == 2


def test_scenario_criterion_adds_a_column_unknown_elsewhere() -> None:
    extra = Criterion("minsk_compatible", "Compatible with the Minsk measures", "A scenario's own test.")
    table = criteria_table(extra_criteria=[extra])
    assert [c.id for c in table.criteria][-1] == "minsk_compatible"
    assert len(table.criteria) == len(BUILTIN_CRITERIA) + 1
    assert all(row.cells["minsk_compatible"] == UNKNOWN for row in table.rows)
    assert all(row.assessed == len(BUILTIN_CRITERIA) for row in table.rows)


def test_merge_rejects_a_repeated_id() -> None:
    with pytest.raises(SelfDeterminationError, match="given twice"):
        merge_criteria([Criterion("free_and_fair", "again", "dup")])


def test_assess_is_pure_on_given_cases() -> None:
    table = assess(CASES[:2], BUILTIN_CRITERIA[:1])
    assert [r.case for r in table.rows] == CASE_IDS[:2] and len(table.criteria) == 1


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda t: t.replace("        status: met\n", "        status: maybe\n", 1), "status"),
        (lambda t: t.replace("sources: [odihr-mne-2006]", "sources: [nowhere-1999]", 1), "unknown source"),
        (lambda t: t.replace("sources: [odihr-mne-2006]", "sources: []", 1), "sources"),
        (lambda t: t.replace("      agreement_with_state:\n        status: met\n        note: The exit",
                             "      other:\n        status: met\n        note: The exit", 1), "lacks criterion"),
        (lambda t: t.replace("    year: 2006\n", "    year: soon\n", 1), "year"),
        (lambda t: t.replace("      supervised_vote:\n        status: not_applicable",
                             "      supervised_vote:\n        status: not_met", 1), "must be not_applicable"),
        (lambda t: t.replace("uncertain_note: Figures are the organisers' own; we did not check them against"
                             " the cited report's text.", "", 1), "uncertain_note"),
        (lambda t: t + "\n  bad: [unclosed\n", "not valid YAML"),
        (lambda t: "just a string", "(top level)|model_type|dictionary"),
    ],
)
def test_bad_cases_file_raises_one_line(edit, message: str) -> None:
    text = edit(SHIPPED)
    assert text != SHIPPED
    with pytest.raises(SelfDeterminationError, match=message) as info:
        parse_cases(text)
    assert isinstance(info.value, ValueError) and "\n" not in str(info.value)


def test_missing_cases_file_raises(tmp_path: Path) -> None:
    with pytest.raises(SelfDeterminationError, match="cannot read"):
        load_cases(tmp_path / "absent.yaml")


def test_cases_are_frozen() -> None:
    with pytest.raises(AttributeError):
        CASES[0].name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        CASES[0].findings["popular_vote"] = None  # type: ignore[index]
