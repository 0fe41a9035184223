"""The report shows GMCR+ misperceptions and coalitions (issue 14, item 2b): the Elmira conflict
(Kilgour, Hipel, Fang & Peng 2001) with the Ministry and Uniroyal as a coalition, and the local
government misperceiving the states where Uniroyal abandons Elmira. Published state 5 (NYNNY,
GMCR+ state 7) is an ordinary equilibrium but no equilibrium of the coalition structure under
any concept; published state 8 (YNYNY, GMCR+ state 10) is one under every concept."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest

import multitrack
from multitrack.interop import scenario_yaml
from multitrack.report import write_report
from multitrack.report.html import render_section
from multitrack.report.markdown import _section
from multitrack.stability import coalitions as coalition_module
from multitrack.stability.analysis import CONCEPT_TITLES
from multitrack.stability.examples import elmira
from multitrack.stability.to_scenario import conflict_scenario

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seq_sim")
SOURCE = {"id": "fhk", "title": "Interactive Decision Making", "publisher": "Wiley", "year": 1993}
MISPERCEPTION = ("LG misperceives 4 states and cannot move to or from any of them: NNNYN (state 5), "
                 "YNNYN (state 6), NNNYY (state 11), YNNYY (state 12).")


def _elmira_scenario():
    conflict = elmira()
    lg = dataclasses.replace(conflict.dms[2], misperceived=("4",))  # option 4: Uniroyal abandons
    conflict = dataclasses.replace(conflict, dms=conflict.dms[:2] + (lg,), coalitions=((0, 1),))
    data = conflict_scenario(conflict, scenario_id="elmira", title="Elmira groundwater", source=SOURCE)
    return multitrack.loads(scenario_yaml(data))


@pytest.fixture(scope="module")
def elmira_run():
    scenario = _elmira_scenario()
    return scenario, multitrack.analyze(scenario, only=["stability"])


def _html_grid(html: str, table_id: str) -> tuple[list[str], list[list[str]]]:
    """Header cells and body rows (cells) of the table with this id."""
    table = re.search(rf"<table[^>]*id='{table_id}'>(.*?)</table>", html, re.S)
    assert table, table_id
    head = re.findall(r"<th(?: [^>]*)?>(.*?)</th>", table.group(1))
    body = table.group(1).split("<tbody>")[1]
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]
    return head, rows


def _html_equilibria(html: str) -> dict[str, set[str]]:
    """Per concept, the states the coalition table marks E (state given as "number label")."""
    head, rows = _html_grid(html, "coalition-states-elmira")
    out: dict[str, set[str]] = {}
    for k in CONCEPTS:
        col = head.index(f"{CONCEPT_TITLES[k]} eq.".replace("&", "&amp;"))
        out[k] = {f"{row[0]} {re.sub('<.*?>', '', row[1])}" for row in rows if row[col] == "<b>E</b>"}
    return out


def _md_equilibria(md: str) -> dict[str, set[str]]:
    """Per concept, the states the Markdown coalition table marks **E**."""
    part = md.split("#### Coalition stability")[1]
    lines = list(itertools.takewhile(lambda line: line.startswith("|"),
                                     itertools.dropwhile(lambda line: not line.startswith("|"),
                                                         part.splitlines())))  # its first table only
    head = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    return {k: {f"{row[0]} {row[1]}" for row in rows if row[head.index(CONCEPT_TITLES[k])].endswith("**E**")}
            for k in CONCEPTS}


def test_html_report_shows_the_coalition_table_and_the_misperception(elmira_run, tmp_path):
    scenario, results = elmira_run
    conflict = results["stability"].conflicts[0]
    assert "NYNNY" in conflict.equilibria["nash"]  # alone, Uniroyal's delay and the insistence stand
    html = write_report(tmp_path / "html", scenario, results)["html"].read_text()
    assert MISPERCEPTION in html
    assert "<h4 id='coalitions-elmira'>Coalition stability</h4>" in html
    assert "In the coalition analysis MoE + UR acts as one player, and LG plays alone." in html
    head, rows = _html_grid(html, "coalition-states-elmira")
    assert head[:4] == ["#", "State", "Nash MoE + UR", "Nash LG"]
    assert [row[0] for row in rows] == [str(k) for k in range(1, 13)]
    marked = _html_equilibria(html)
    for k in CONCEPTS:
        assert "7 NYNNY" not in marked[k] and "10 YNYNY" in marked[k], k
        assert marked[k] == {f"{conflict.states.index(s) + 1} {s}" for s in conflict.coalition_equilibria[k]}
    assert "YNYNY (state 10)" in html and "Nash: NNNYN (state 5), YNNYN (state 6), NNYNY (state 9)" in html


def test_markdown_report_shows_the_coalition_table_and_the_misperception(elmira_run, tmp_path):
    scenario, results = elmira_run
    conflict = results["stability"].conflicts[0]
    md = write_report(tmp_path / "md", scenario, results, format="md")["md"].read_text()
    assert MISPERCEPTION in md
    assert md.count("#### Coalition stability") == 1
    marked = _md_equilibria(md)
    for k in CONCEPTS:
        assert "7 NYNNY" not in marked[k] and "10 YNYNY" in marked[k], k
        assert marked[k] == {f"{conflict.states.index(s) + 1} {s}" for s in conflict.coalition_equilibria[k]}
    assert "| 7 | NYNNY | LG | LG | LG | LG | LG | LG |" in md  # stable for LG only: MoE + UR leave it


def test_a_coalition_concept_left_out_is_said_and_has_no_column(monkeypatch):
    monkeypatch.setattr(coalition_module, "SMR_WORK", 0)
    scenario = _elmira_scenario()
    result = multitrack.analyze(scenario, only=["stability"])["stability"]
    conflict = result.conflicts[0]
    assert "smr" not in conflict.coalition_stable and len(conflict.coalition_notes) == 1
    html, md = str(render_section(result, scenario)), _section(result, scenario, {})
    note = "Coalition SMR was not computed: for moe + ur it needs more than 0 tests"
    assert note in html and note in md
    head, _ = _html_grid(html, "coalition-states-elmira")
    assert "SMR MoE + UR" not in head and "SMR eq." not in head and "GMR eq." in head
    assert "SMR:" not in html.split("Coalition stability")[1].split("<table")[0]
    assert "| SMR |" not in md.split("#### Coalition stability")[1]


def test_a_conflict_without_coalitions_or_misperceptions_has_no_such_section():
    scenario = multitrack.load("european-security")
    result = multitrack.analyze(scenario, only=["stability"])["stability"]
    assert not result.conflicts[0].coalitions and not result.conflicts[0].misperceived
    html, md = str(render_section(result, scenario)), _section(result, scenario, {})
    for text in (html, md):
        assert "oalition" not in text and "misperceives" not in text
    assert "<h4" not in html and "####" not in md
    assert "states-keeping-the-settlement" in html and "| # | State |" in md
