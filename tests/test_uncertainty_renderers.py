"""Every interval the user reads says what it measures, in every renderer (issue 17): the model
variants' range in the Markdown report, the interval kinds in the web app, the significant drivers
in the terminal summary, and variant titles keeping their case in the range sentences."""

from __future__ import annotations

import re
import time
import warnings

import pytest
from rich.console import Console

import multitrack
from multitrack.cli.terminal import show_result
from multitrack.report.markdown import render_markdown
from multitrack.report.process_words import NO_DRIVERS
from multitrack.report.variant_words import range_sentence, variant_rows
from multitrack.scenario import builtins
from multitrack.settlement.variants import variant_range

# ----------------------------------------------------------------------------- title case


def test_range_sentences_keep_the_case_of_variant_titles():
    import numpy as np

    draws = np.array([[0.1, 0.0, 0.3], [0.1, 0.0, 0.3]])
    titles = ("The scenario as written", "Russia's prize doubled", "Crisis rates from the COW MID disputes")
    v = variant_range("P(deterred), renewed offensive", draws, ("base", "prize", "mid"), titles, 0.95)
    sentence = range_sentence(v)
    assert "(lowest: Russia's prize doubled; highest: Crisis rates from the COW MID disputes)." in sentence
    assert "russia" not in sentence and "cow mid" not in sentence
    # the three figures: as written 10%, lowest 0%, highest 30%
    assert sentence.startswith("P(deterred), renewed offensive: 10.0% as written")
    assert "across 3 model variants 0.0%-30.0%" in sentence


# ----------------------------------------------------------------------------- Markdown: variants


@pytest.fixture(scope="module")
def security():
    scenario = multitrack.load("european-security")
    return scenario, multitrack.analyze(scenario, only=["deterrence", "escalation"], draws=300)


def test_the_markdown_report_shows_the_deterrence_and_escalation_variants(security):
    scenario, results = security
    text, _ = render_markdown(scenario, results)
    (deterrence,) = results["deterrence"].variants
    # the deterrence variant by name, with the range across the variants beside the interval
    assert "Russia's prize from a renewed offensive doubled" in text
    assert f"- {range_sentence(deterrence)}" in text
    low, high = f"{100 * deterrence.low:.1f}%", f"{100 * deterrence.high:.1f}%"
    assert f"across {len(deterrence.figures)} model variants {low}-{high}" in text
    assert deterrence.low < deterrence.high  # the doubled prize moves the share deterred
    # why each variant is defensible, and its source (the variant cites the 2022 talks record)
    rows = variant_rows(deterrence, scenario)
    doubled = next(r for r in rows if r["Model variant"].startswith("Russia's prize"))
    assert doubled["Why"].endswith("Estimated: the analyst's judgement, informed by the source.")
    assert "section on Russia's demands" in doubled["Source"] and doubled["Why"] in text
    # the escalation variants too, titles in their own case
    for v in results["escalation"].variants:
        assert f"- {range_sentence(v)}" in text
    assert "Crisis rates from the COW MID disputes instead of ICB crises" in text
    assert text.count("### Across model variants") == 2


# ----------------------------------------------------------------------------- web: interval kinds


def _client():
    from multitrack.web import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient(create_app(), base_url="http://127.0.0.1")


def _wait(c, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if c.get("/progress").json()["state"] not in ("queued", "running"):
            return
        time.sleep(0.1)
    raise AssertionError("the run did not finish")


def test_the_web_app_says_what_each_interval_measures():
    c = _client()
    assert c.post("/scenario/builtin", data={"name": "border-talks"}).status_code == 200
    c.post("/run", data={"draws": "200", "seed": "7"})
    _wait(c)
    html = c.get("/results").text
    key = re.search(r'<div class="kinds" id="interval-kinds">(.*?)</div>', html, re.DOTALL)
    assert key is not None
    # the package agrees in every draw: a structural figure, said as such, with no interval
    assert '<dt data-kind="structural">structural' in key.group(1)
    assert "the same in every draw: no interval" in key.group(1)
    # Southland's uncertain salience moves the gains: an interval, named by its kind
    assert '<dt data-kind="spread over inputs">spread over inputs' in key.group(1)
    here = re.search(r'id="kinds-process">Figures over the draws here: ([^<]+)\.</p>', html)
    assert here is not None
    assert re.fullmatch(r"\d+ structural \(the same in every draw\), \d+ spread over inputs", here.group(1))


def test_the_web_kinds_count_every_figure_of_a_result():
    from multitrack.montecarlo.stats import MC, SPREAD, STRUCTURAL, Estimate95
    from multitrack.web.kinds import count_kinds, kinds_words

    structural, spread, mc = (Estimate95(1.0, 1.0, 1.0, STRUCTURAL), Estimate95(0.5, 0.2, 0.8, SPREAD),
                              Estimate95(0.4, 0.3, 0.5, MC))
    nested = {"a": (structural, structural), "b": [spread, {"c": mc}], "d": "text"}
    assert count_kinds(nested) == {SPREAD: 1, MC: 1, STRUCTURAL: 2}
    assert kinds_words(count_kinds(nested)) == (
        "2 structural (the same in every draw), 1 spread over inputs, 1 Monte Carlo precision")
    assert kinds_words(count_kinds({})) == ""


# ----------------------------------------------------------------------------- terminal: drivers


def _process_text(text: str) -> str:
    scenario = multitrack.loads(text)
    result = multitrack.analyze(scenario, only=["process"], draws=300)["process"]
    console = Console(record=True, width=250)
    show_result(console, "process", result, scenario)
    return console.export_text()


def test_the_terminal_lists_a_significant_driver():
    # Northland's red line on the zone's depth, uncertain between 2 and 8 km, against Southland's of
    # at least 5 km: the track agrees exactly when Northland's line lies above 5, so in none of the
    # draws with the line in its lowest third and in all with it in its highest
    text = _process_text(builtins.text("border-talks").replace(
        "red_lines: [{above: 30}]", "red_lines: [{above: {dist: uniform, low: 2, high: 8}}]"))
    assert "What drives agreement (permutation test, Holm's correction at 1%)" in text
    row = next(line for line in text.splitlines() if "Border security agreed" in line)
    assert "north red line (above), zone-depth" in row and "every design" in row
    assert "0.0% → 100.0%" in row
    p = float(re.search(r"(0\.0\d+)\s*│?\s*$", row.rstrip(" │")).group(1))
    assert p < 0.01
    assert "salience" not in text.split("What drives agreement")[1]  # Southland's salience is noise here
    assert NO_DRIVERS not in text


def test_the_terminal_says_once_that_nothing_drives_agreement():
    text = _process_text(builtins.text("border-talks"))
    assert text.count("no input drives it beyond chance") == 1
    assert "What drives agreement (permutation test" not in text
