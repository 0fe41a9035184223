"""Provenance visible (issue 18 item 5): every estimate's note and locator reach the report beside
its source, the security sections list their inputs, and each listed path is one --set takes."""

import html as html_lib
import re

import pytest
from pydantic import BaseModel

import multitrack
from multitrack.report.html import render_html
from multitrack.report.markdown import render_markdown
from multitrack.report.provenance_section import crisis_inputs, escalation_inputs, provenance_groups
from multitrack.report.sections import render_section
from multitrack.scenario.describe import estimate_text
from multitrack.scenario.estimates import EstimateModel
from multitrack.scenario.idpath import parse_path
from multitrack.scenario.load import _read
from multitrack.scenario.provenance import estimate_entries, path_text
from multitrack.scenario.setpath import SetValue, apply_sets, load_with
from multitrack.scenario.yaml_source import read_yaml

RED_LINE = "tracks.ukraine-status.issues.accession-moratorium.positions.RUS.red_lines[0].below"
RED_LINE_NOTE = "A declared moratorium of two decades or more would appeal to Moscow"
RED_LINE_LOCATOR = "paragraph on a declared moratorium of two decades or more"


@pytest.fixture(scope="module")
def scenario():
    return multitrack.load("european-security")


@pytest.fixture(scope="module")
def report(scenario):
    return render_html(scenario, {})


@pytest.fixture(scope="module")
def security(scenario):
    return multitrack.analyze(scenario, only=["deterrence", "escalation"], draws=200)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def _notes(node: object) -> list[str]:
    """Every estimate's own note, found by a walk of the model written apart from the library's."""
    if isinstance(node, EstimateModel):
        return [node.note] if node.note else []
    if isinstance(node, BaseModel):
        return [n for name in type(node).model_fields for n in _notes(getattr(node, name))]
    if isinstance(node, dict):
        return [n for v in node.values() for n in _notes(v)]
    if isinstance(node, (list, tuple)):
        return [n for v in node for n in _notes(v)]
    return []


def test_red_line_inherits_the_positions_source_locator_and_note(scenario):
    entry = next(e for e in estimate_entries(scenario) if e.path == RED_LINE)
    assert entry.segments == parse_path(RED_LINE)
    assert (entry.part, entry.group, entry.actor, entry.field) == ("tracks", "ukraine-status", "RUS",
                                                                   "red_lines[0].below")
    assert entry.source is not None and entry.source.id == "graham-menon-2022"
    assert entry.source.locator == RED_LINE_LOCATOR
    assert entry.estimated is True
    assert entry.note is not None and entry.note.startswith(RED_LINE_NOTE) and not entry.note_own
    assert estimate_text(entry.estimate) == "15 (triangular 10-20; factor russia-hardline +0.5)"


def test_an_own_note_and_source_win_over_the_enclosing_ones(scenario):
    prize = next(e for e in estimate_entries(scenario)
                 if e.path == "deterrence.renewed-offensive.challenger_value")
    assert prize.note_own and prize.note == scenario.deterrence[0].challenger_value.note
    term = next(e for e in estimate_entries(scenario)
                if e.path == "deterrence.renewed-offensive.guarantees.european-force.terms.cost_irresolute")
    assert term.source is not None
    assert term.source.locator == "paragraph on Europe's conventional forces matching a Russian threat"


def test_path_text_quotes_keys_that_are_not_names():
    assert path_text(("escalation", "theatres", "baltic", "up", "crisis->incident")) == \
        'escalation.theatres.baltic.up["crisis->incident"]'
    assert path_text(("a", 0, "b")) == "a[0].b"
    assert parse_path('escalation.theatres.baltic.up["crisis->incident"]') == \
        ("escalation", "theatres", "baltic", "up", "crisis->incident")


def test_every_path_resolves_and_setting_its_value_back_gives_the_same_scenario(scenario):
    entries = estimate_entries(scenario)
    assert len(entries) == len({e.path for e in entries}) > 500
    text, file = _read("european-security")
    doc = read_yaml(text, file)
    security = [e for e in entries if e.part in ("deterrence", "escalation")]
    for e in entries[::5] + security:
        assert parse_path(e.path) == e.segments
        assert apply_sets(doc, [SetValue(e.path, e.segments, e.value_data())]) == scenario, e.path


def test_a_listed_path_changes_the_estimate_through_set(scenario):
    changed = load_with("european-security", [f"{RED_LINE}=20"])
    entry = next(e for e in estimate_entries(changed) if e.path == RED_LINE)
    assert entry.estimate.nominal == 20 and changed != scenario


def test_html_has_a_details_for_russias_moratorium_red_line_with_note_and_locator(report):
    blocks = re.findall(r"<details class='provenance'.*?</details>", report, re.S)
    block = next(b for b in blocks if f"<code>{RED_LINE}</code>" in b)
    text = _text(block)
    assert RED_LINE_NOTE in text and RED_LINE_LOCATOR in text
    assert "How to Get What We Want From Putin" in text     # the source's title beside them
    assert "15 (triangular 10-20; factor russia-hardline +0.5)" in text
    assert 'href="#provenance"' in report and "id='prov-tracks.ukraine-status.issues.accession-moratorium" \
        ".positions.RUS'" in report


def test_every_estimate_note_appears_in_the_html_and_markdown_report(scenario, report):
    notes = _notes(scenario)
    assert len(notes) == 81   # the built-in scenario's estimates with a note of their own
    text = _text(report)
    markdown, _ = render_markdown(scenario, {})
    missing = [n for n in notes if n not in text]
    assert not missing
    assert not [n for n in notes if n.replace("|", "\\|") not in markdown]
    appendix = markdown[markdown.index("## Provenance of the estimates"):markdown.index("\n## Sources\n")]
    assert f"`{RED_LINE}`" in appendix and RED_LINE_LOCATOR in appendix


def test_groups_cover_every_estimate_once(scenario):
    groups = provenance_groups(scenario)
    paths = [e.path for g in groups for e in g.entries]
    assert sorted(paths) == sorted(e.path for e in estimate_entries(scenario))
    assert all(e.path.startswith(g.key) for g in groups for e in g.entries)


def test_deterrence_section_lists_each_crisis_inputs(scenario, security):
    html = str(render_section(security["deterrence"], scenario))
    blocks = re.findall(r"<details class='inputs'>.*?</details>", html, re.S)
    assert len(blocks) == len(scenario.deterrence) == 2
    for crisis, block in zip(scenario.deterrence, blocks, strict=True):
        rows = re.findall(r"<tr>.*?</tr>", block, re.S)[1:]
        assert len(rows) == len(crisis_inputs(scenario, crisis.id)) == _count(crisis)
        prize = _text(next(r for r in rows if f"deterrence.{crisis.id}.challenger_value" in r))
        assert estimate_text(crisis.challenger_value) in prize
        assert ("estimated" if crisis.challenger_value.estimated else "from source") in prize
    markdown, _ = render_markdown(scenario, {"deterrence": security["deterrence"]})
    assert markdown.count("Inputs of this crisis") == 2
    assert "| challenger_value | 4 (pert 2-7; factor russia-hardline +0.6) | estimated |" in markdown


def _count(node: object) -> int:
    """The estimates inside a model, counted apart from the library's walk."""
    if isinstance(node, EstimateModel):
        return 1
    if isinstance(node, BaseModel):
        return sum(_count(getattr(node, name)) for name in type(node).model_fields)
    if isinstance(node, dict):
        return sum(_count(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return sum(_count(v) for v in node)
    return 0


def test_escalation_section_lists_its_inputs(scenario, security):
    html = str(render_section(security["escalation"], scenario))
    block = re.search(r"<details class='inputs'>.*?</details>", html, re.S)
    assert block is not None
    entries = escalation_inputs(scenario)
    assert len(re.findall(r"<tr>", block.group(0))) == len(entries) + 1 == 41
    assert 'escalation.theatres.baltic.up["peacetime->incident"]' in html_lib.unescape(block.group(0))


def test_analyze_writes_the_provenance_of_the_changed_value(tmp_path):
    from typer.testing import CliRunner

    from multitrack.cli.app import app

    out = tmp_path / "md"
    result = CliRunner().invoke(app, ["analyze", "european-security", "--only", "deterrence",
                                      "--draws", "100", "--format", "md", "--out", str(out), "--quiet",
                                      "--no-record", "--set", f"{RED_LINE}=20"])
    assert result.exit_code == 0, result.output
    text = (out / "report.md").read_text()
    appendix = text[text.index("## Provenance of the estimates"):text.index("\n## Sources\n")]
    row = next(line for line in appendix.splitlines() if f"`{RED_LINE}`" in line)
    assert "| 20 |" in row   # the value as changed, under the path that changed it
    assert text.count("Inputs of this crisis") == 2 and "| challenger_value |" in text
