"""Common factors in every output (issue 15, item 3): the HTML and Markdown reports, the terminal
and the web app list each factor with the estimates it moves and its strongest effect on the
headline numbers; `multitrack show` names an estimate's factor; the built-in scenario has one.

The hand-made scenario: on track t, issue "swap" makes a lose what b gains; on "quota" (0 or 1)
a gains s_a, its uncertain salience, at 1 and b loses 0.5 there. The compromise-mean forecast of
quota, with a at 1, b at 0 and equal capabilities, is s_a / (s_a + 0.5): a strictly increasing
function of s_a. With s_a loading l on the factor (Gaussian copula), s_a's normal score is
l F + sqrt(1 - l^2) e, so the forecast's rank correlation with F is Spearman's rho of a normal
pair with correlation l: 6 / pi * asin(l / 2) = +0.886 for l = 0.9, and -0.886 for l = -0.9.
That is the strongest effect (the process headline, whether t is agreed, is a yes-or-no
threshold of s_a and correlates less)."""

from __future__ import annotations

import html
import math
import os
import re
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest
from rich.console import Console

import multitrack
from multitrack.cli.terminal import show_result, show_scenario
from multitrack.factors.analysis import headline_effect, headline_label, strength
from multitrack.report.html import render_html
from multitrack.report.markdown import render_markdown

HAND = """\
version: 1
id: hand
title: One salience on a common factor
sources:
  - {{id: memo, title: A memo on resolve, publisher: Nobody, year: 2024}}
factors:
  - id: resolve
    title: How resolute Alpha is
    note: Alpha's resolve moves its salience on the quota.
    source: {{id: memo, locator: "second paragraph"}}
actors:
  - {{id: a, name: Alpha, kind: state}}
  - {{id: b, name: Beta, kind: state}}
tracks:
  - id: t
    title: The quota talks
    participants: [a, b]
    issues:
      - id: swap
        kind: ordinal
        options: [sq, deal]
        status_quo: sq
        positions:
          a: {{salience: 1, values: {{sq: 1, deal: 0}}}}
          b: {{salience: 1, values: {{sq: 0, deal: 1}}}}
      - id: quota
        title: The quota
        kind: integer
        range: [0, 1]
        status_quo: 0
        positions:
          a: {{salience: {{dist: uniform, low: 0.5, high: 1.5, factor: {{id: resolve, loading: {loading}}}}},
              monotone: increasing}}
          b: {{salience: 0.5, monotone: decreasing}}
"""

DRAWS, SEED = 600, 3
RHO = 6 / math.pi * math.asin(0.9 / 2)  # Spearman's rho of a normal pair with correlation 0.9
STRONGEST = re.compile(r"Strongest effect: ‘([^’]+)’ (rises with the factor|falls as the factor rises) "
                       r"\(rank correlation ([+-]\d\.\d\d), (\w[\w ]*), p = [0-9.e-]+\)")


def hand(loading: float):
    return multitrack.loads(HAND.format(loading=loading), "hand.yaml")


@pytest.fixture(scope="module", params=[0.9, -0.9], ids=["loading +0.9", "loading -0.9"])
def run(request):
    """The hand-made scenario and its results, for each sign of the loading."""
    scenario = hand(request.param)
    results = multitrack.analyze(scenario, only=["forecast", "process", "factors"], draws=DRAWS, seed=SEED)
    return request.param, scenario, results


def strongest(text: str) -> tuple[str, str, float, str]:
    """The strongest-effect sentence of an output: headline, direction, correlation, strength."""
    found = STRONGEST.search(html.unescape(text))
    assert found, "no strongest-effect sentence"
    return found.group(1), found.group(2), float(found.group(3)), found.group(4)


def check_output(text: str, loading: float) -> None:
    """An output lists the factor, its estimate with its loading, and its strongest effect: the
    quota's forecast, with the correlation's sign that of the loading and its size about 0.886."""
    text = html.unescape(text)
    assert "How resolute Alpha is" in text and "resolve" in text
    assert "Alpha's resolve moves its salience on the quota." in text
    assert "a salience, quota" in text and f"{loading:+.1f}" in text
    headline, direction, rho, words = strongest(text)
    assert headline == "The quota: mean forecast"
    assert direction == ("rises with the factor" if loading > 0 else "falls as the factor rises")
    assert math.copysign(1, rho) == math.copysign(1, loading) and abs(rho) == pytest.approx(RHO, abs=0.05)
    assert words == "strong"
    assert f"{DRAWS:,} draws" in text  # what the correlation is computed over
    assert "permutation test" in text  # how a factor is judged to move a headline
    assert "not how precisely" in text  # ... and what it does not measure


def test_the_result_puts_the_forecast_first_with_the_sign_of_the_loading(run):
    loading, _, results = run
    (factor,) = results["factors"].factors
    top = factor.effects[0]
    assert (top.analysis, top.headline, top.label) == (
        "forecast", "quota (mean forecast)", "The quota: mean forecast")
    assert math.copysign(1, top.rank_correlation) == math.copysign(1, loading)
    assert abs(top.rank_correlation) == pytest.approx(RHO, abs=0.05) and top.strength == "strong"
    # the forecast rises with s_a: higher in the factor's highest third for a positive loading
    assert (top.high_third - top.low_third) * loading > 0
    assert factor.source == "memo" and factor.locator == "second paragraph"
    assert [(e.label, e.loading, e.moves) for e in factor.estimates] == [
        ("a salience, quota", loading, "with the factor" if loading > 0 else "against the factor")]


def test_the_html_report_lists_the_factor_its_estimates_and_its_strongest_effect(run):
    loading, scenario, results = run
    page = render_html(scenario, results)
    section = page[page.index('id="analysis-factors"'):page.index('id="positions"')]
    check_output(section, loading)
    assert "id='factor-resolve'" in section and "id='factor-effects-resolve'" in section
    assert "href='#src-memo'" in section  # the source links to its entry in the list of sources
    assert "[1] (2024), “A memo on resolve”, Nobody (second paragraph)." in html.unescape(section)


def test_the_markdown_report_lists_the_factor_its_estimates_and_its_strongest_effect(run):
    loading, scenario, results = run
    text, _ = render_markdown(scenario, results)
    section = text[text.index("## Common factors"):text.index("## Positions")]
    check_output(section, loading)
    assert "| a salience, quota | " + f"{loading:+.1f}" in section


def test_the_terminal_lists_the_factor_its_estimates_and_its_strongest_effect(run):
    loading, scenario, results = run
    console = Console(record=True, width=200)
    show_result(console, "factors", results["factors"], scenario)
    check_output(console.export_text(), loading)


def test_the_web_app_shows_the_factors_section(run):
    loading, _, _ = run
    with warnings.catch_warnings():  # newer Starlette prefers httpx2; httpx still works
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from multitrack.web import create_app

    c = TestClient(create_app(), base_url="http://127.0.0.1")
    page = c.post("/scenario/upload", files={"file": ("hand.yaml", HAND.format(loading=loading).encode(),
                                                      "application/yaml")})
    assert page.status_code == 200
    c.post("/run", data={"draws": str(DRAWS), "seed": str(SEED)})
    end = time.monotonic() + 120
    while c.get("/progress").json()["state"] in ("queued", "running"):
        assert time.monotonic() < end, "the run did not finish"
        time.sleep(0.1)
    fragment = c.get("/results").text
    section = fragment[fragment.index('id="analysis-factors"'):]
    check_output(section, loading)


def test_show_names_each_estimates_factor_and_lists_the_factors():
    console = Console(record=True, width=250)
    show_scenario(console, hand(-0.9))
    text = console.export_text()
    assert "1 (uniform 0.5-1.5; factor resolve -0.9)" in text  # the salience, where positions are shown
    assert "Factor: How resolute Alpha is (resolve)" in text
    assert re.search(r"a salience, quota\s*│\s*-0\.9\s*│\s*against the factor", text)


def test_strength_and_labels_are_judged_on_the_result():
    x = np.arange(100.0)
    same = headline_effect("process", "t agreed (parallel)", x, x, "T: agreed (parallel)")
    assert same.rank_correlation == pytest.approx(1) and same.strength == "strong" and same.share is False
    assert same.direction == "rises with the factor" and same.label == "T: agreed (parallel)"
    assert not same.detected and same.significance == "not significant"  # no test verdict given
    assert strength(-0.25) == "weak" and strength(0.35) == "moderate" and strength(0.05) == "negligible"
    assert headline_effect("process", "flat", x, np.ones(100)) is None  # a constant headline
    scenario = hand(0.9)
    assert headline_label(scenario, "process", "t agreed (parallel)") == "The quota talks: agreed (parallel)"
    assert headline_label(scenario, "negotiation", "t talks that reach a deal") == \
        "The quota talks: talks that reach a deal"
    assert headline_label(scenario, "forecast", "quota (mean forecast)") == "The quota: mean forecast"
    assert headline_label(scenario, "escalation", "P(war within 120 months), no measures") == \
        "P(war within 120 months), no measures"


def test_the_built_in_report_lists_russia_hardline_and_its_effect_on_deterrence():
    """The built-in scenario's factor: Russia's prize from a renewed offensive loads +0.6 on it, so
    deterrence of that offensive holds less often when the factor is high (negative effect)."""
    scenario = multitrack.load("european-security")
    results = multitrack.analyze(scenario, only=["deterrence", "factors"], draws=DRAWS, seed=SEED)
    factor = results["factors"].factor("russia-hardline")
    fields = {e.field: e.loading for e in factor.estimates}
    assert fields["deterrence[0].challenger_value"] > 0 and len(fields) >= 3
    assert all(0.4 <= abs(v) <= 0.7 for v in fields.values())
    deterred = next(e for e in factor.effects if e.headline == "renewed-offensive deterred")
    assert deterred.rank_correlation < -0.1 and deterred.high_third < deterred.low_third
    page = html.unescape(render_html(scenario, results))
    section = page[page.index('id="analysis-factors"'):page.index('id="positions"')]
    assert "russia-hardline" in section and "How far Moscow's leadership is willing to hold out" in section
    assert "Russia's prize from attacking, A renewed Russian offensive against Ukraine" in section
    _, direction, rho, _ = strongest(section)
    assert direction == "falls as the factor rises" and rho < 0


def test_multitrack_show_prints_the_built_in_factor_and_loadings():
    env = {**os.environ, "COLUMNS": "250"}
    proc = subprocess.run([sys.executable, "-m", "multitrack", "show", "european-security"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0
    assert "factor russia-hardline +0.6" in proc.stdout  # Russia's no-deal value on Ukraine's status
    assert "Factor: How far Moscow's leadership is willing to hold out (russia-hardline)" in proc.stdout
