"""The one-page brief (issue 18, items 4 and 7): sentences written from the results by templates,
in the scenario's names; one printed A4 page; PDF output through headless Chromium.

The hand-made scenario: two states, Pland (p) and Qland (q), on two tracks.

- "Troop ceiling": one integer issue "Troops" in 0..20 thousand troops. Pland will never accept
  more than 4 (a red line "above 4"), Qland never fewer than 6 ("below 6"): no value satisfies
  both, so the track is blocked, and the two red lines each block alone (two minimal sets of one).
  Failure is worth 0 to both (stated no-deal values), so no reservation value blocks on its own.
  The ceiling (Pland's) is named first, the floor second. Both positions cite source s and are not
  estimated: the finding rests on sources. The consistency check finds the forecasts of Troops
  beyond Pland's ceiling.
- "Talks format": one categorical issue "Format" (none, observers, joint-panel), status quo none.
  Pland values none 0, observers 1, joint-panel 0.5; Qland 0, 0.6, 1. Over the status quo (0, 0)
  the Nash products are observers 1 x 0.6 = 0.6 and joint-panel 0.5 x 1 = 0.5, so the deal is
  "observers". Qland's position is marked estimated: the finding is a judgement.
Nothing is uncertain, so the run is evaluated once and the brief gives no share of draws.
"""

from __future__ import annotations

import os
import re

import pytest
from typer.testing import CliRunner

import multitrack
from multitrack.analysis import run_all, run_settlement
from multitrack.brief import build_brief
from multitrack.brief.result import JUDGEMENT, SOURCES
from multitrack.brief.sections import (
    AGREED,
    BASIS,
    BLOCKS,
    CONTRADICTIONS,
    HINGES,
    MAX_WORDS,
    PRINTED_LINES,
    printed_lines,
)
from multitrack.brief.words import option_words
from multitrack.cli.app import app
from multitrack.report import pdf as pdf_module
from multitrack.report.brief_section import brief_html, brief_markdown, brief_page
from multitrack.report.html import render_html
from multitrack.scenario import load

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM}")
runner = CliRunner()

SMALL = """\
version: 1
id: small
title: Two small tracks
sources:
  - {id: s, title: s, publisher: s, year: 2024}
actors:
  - {id: p, name: Pland, kind: state}
  - {id: q, name: Qland, kind: state}
tracks:
  - id: t
    title: Troop ceiling
    participants: [p, q]
    no_deal:
      p: {value: 0, source: s}
      q: {value: 0, source: s}
    issues:
      - id: x
        title: Troops
        kind: integer
        range: [0, 20]
        unit: thousand troops
        status_quo: 0
        positions:
          p: {salience: 1, monotone: decreasing, red_lines: [{above: 4}], source: s}
          q: {salience: 1, monotone: increasing, red_lines: [{below: 6}], source: s}
  - id: u
    title: Talks format
    participants: [p, q]
    issues:
      - id: y
        title: Format
        kind: categorical
        options: [none, observers, joint-panel]
        status_quo: none
        positions:
          p: {salience: 1, values: {none: 0, observers: 1, joint-panel: 0.5}, source: s}
          q: {salience: 1, values: {none: 0, observers: 0.6, joint-panel: 1}, source: s, estimated: true}
"""


@pytest.fixture(scope="module")
def small():
    scenario = multitrack.loads(SMALL)
    return scenario, build_brief(scenario, run_all(scenario))


@pytest.fixture(scope="module")
def european():
    scenario = load("european-security")
    results = run_all(scenario, settlement=run_settlement(scenario, 200, 7, None))
    return scenario, results, build_brief(scenario, results)


def test_the_small_scenario_brief_reads_as_worked_by_hand(small):
    _, brief = small
    agreed = brief.section(AGREED).lines
    blocks = brief.section(BLOCKS).lines
    assert [(line.text, line.basis) for line in agreed] == [
        ("Talks format can agree on: Format: observers.", JUDGEMENT)]
    assert [(line.text, line.basis) for line in blocks] == [
        ("Troop ceiling is blocked: Pland will not accept Troops over 4 thousand troops; "
         "Qland none under 6 thousand troops.", SOURCES)]
    # the forecasts of Troops (the parties' ideals, 0 and 20) pass Pland's ceiling of 4
    assert [line.text for line in brief.section(CONTRADICTIONS).lines] == [
        "The forecasts of Troops lie beyond Pland's red line, so no agreement on Troop ceiling can land "
        "where they point."]
    counted = [line.text for line in brief.section(BASIS).lines]
    n = 2 + len(brief.section(HINGES).lines) if any(s.heading == HINGES for s in brief.sections) else 2
    assert counted[0].startswith(f"Of the {n} findings above, ")


def test_the_small_brief_names_no_id(small):
    _, brief = small
    prose = " ".join(brief.sentences)
    for raw in ("Troop ceiling", "Pland", "Qland"):
        assert raw in prose
    assert not re.search(r"(?<![\w-])(p|q|t|u|x|y)(?![\w-])", prose.replace("'s", ""))


def test_the_european_brief_has_every_part(european):
    _, _, brief = european
    agreed = " ".join(line.text for line in brief.section(AGREED).lines)
    assert re.search(r"Ukraine's security status can agree \(in \d+% of draws\) on: Moratorium on NATO "
                     r"accession of former Soviet states: \d+ years;", agreed)
    blocks = " ".join(line.text for line in brief.section(BLOCKS).lines)
    assert ("Security guarantees for Ukraine, and for Russia is blocked: Russia will not accept European "
            "force stationed in Ukraine as a tripwire over 0 thousand troops; Ukraine none under 5 thousand "
            "troops.") in blocks
    hinges = brief.section(HINGES).lines
    assert hinges and all(re.search(r" flips if .* (rises above|falls below) -?[\d.]+ \(now ", h.text)
                          for h in hinges)
    contradictions = " ".join(line.text for line in brief.section(CONTRADICTIONS).lines)
    assert "lie beyond Russia's red line" in contradictions
    assert brief.section(BASIS).lines[0].text.startswith("Of the ")
    assert any("before the full-scale invasion of 24 February 2022" in line.text
               for line in brief.section(BASIS).lines)
    assert brief.n_words <= MAX_WORDS and printed_lines(brief) <= PRINTED_LINES


def test_the_european_brief_speaks_no_raw_id(european):
    scenario, _, brief = european
    prose = " ".join(brief.sentences + [s.heading for s in brief.sections])
    assert "RUS" not in prose and "UKR" not in prose and "accession-moratorium" not in prose
    # with the scenario's own names, titles and options taken out (some contain words that are also
    # ids: "NATO's open door", "statehood and guarantees legitimate"), no id is left in the prose
    names = [a.name for a in scenario.actors] + [t.title for t in scenario.tracks] + \
        [i.label for _, i in scenario.issues()] + \
        [option_words(o) for _, i in scenario.issues() for o in getattr(i, "options", ())]
    for name in sorted(names, key=len, reverse=True):
        prose = prose.replace(name, " ")
    ids = {a.id for a in scenario.actors} | {t.id for t in scenario.tracks} | \
        {i.id for _, i in scenario.issues()}
    assert not sorted(i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", prose))


def test_the_report_opens_with_the_brief(european):
    scenario, results, brief = european
    page = render_html(scenario, results)
    assert page.index('id="brief"') < page.index('id="summary"')
    assert "Ukraine none under 5 thousand troops" in page
    assert "Ukraine none under 5 thousand troops" in brief_markdown(brief)
    assert str(brief_html(brief)).count("<li>") == len(brief.sentences)


def _pages(path) -> int:
    return pdf_module.page_count(path.read_bytes())


@needs_chromium
def test_the_european_brief_prints_on_one_a4_page(european, tmp_path):
    _, _, brief = european
    out = pdf_module.html_to_pdf(brief_page(brief), tmp_path / "brief.pdf")
    assert out.read_bytes().startswith(b"%PDF") and _pages(out) == 1


@needs_chromium
def test_a_brief_over_its_budget_would_take_two_pages(european, tmp_path):
    """The page count is a real check: the same brief with its sentences twice prints on two pages."""
    _, _, brief = european
    from dataclasses import replace

    doubled = replace(brief, sections=brief.sections + brief.sections)
    assert _pages(pdf_module.html_to_pdf(brief_page(doubled), tmp_path / "two.pdf")) == 2


def _write_small(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_brief_command_prints_and_writes_markdown_and_html(tmp_path):
    path = _write_small(tmp_path)
    shown = runner.invoke(app, ["brief", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "Troop ceiling is blocked: Pland will not accept Troops over 4 thousand troops" in shown.output
    md, html = tmp_path / "b.md", tmp_path / "b.html"
    written = runner.invoke(app, ["brief", str(path), "--markdown", str(md), "--html", str(html)])
    assert written.exit_code == 0, written.output
    assert "- Talks format can agree on: Format: observers. [judgement]" in md.read_text()
    assert "<h1>Two small tracks</h1>" in html.read_text()


@needs_chromium
def test_brief_command_writes_a_one_page_pdf(tmp_path):
    out = tmp_path / "b.pdf"
    result = runner.invoke(app, ["brief", str(_write_small(tmp_path)), "--pdf", str(out)])
    assert result.exit_code == 0, result.output
    assert _pages(out) == 1


@pytest.mark.parametrize("command", [["brief"], ["analyze", "--no-record"]])
def test_pdf_without_chromium_is_refused_in_one_line(tmp_path, monkeypatch, command):
    monkeypatch.setattr(pdf_module, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    result = runner.invoke(app, [*command, str(_write_small(tmp_path)), "--pdf", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Chromium" in lines[0] and "apt-get install chromium" in lines[0]
    assert "Traceback" not in result.output and not (tmp_path / "x.pdf").exists()
