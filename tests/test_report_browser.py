"""The HTML report in a real browser with the network cut off: it must draw every chart from what
the file itself carries, and its source links must land on the sources list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import multitrack
from multitrack.report import write_report

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM}")
sync_api = pytest.importorskip("playwright.sync_api")


def test_report_draws_its_charts_offline(tmp_path):
    scenario = multitrack.load("european-security")
    results = multitrack.analyze(scenario, draws=200)
    html = write_report(tmp_path / "r", scenario, results)["html"]
    outside: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: (route.continue_() if route.request.url.startswith("file:")
                                          else (outside.append(route.request.url), route.abort())))
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(html.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
        charts = page.eval_on_selector_all(".js-plotly-plot", "els => els.length")
        drawn = page.eval_on_selector_all(".js-plotly-plot", "els => els.filter(e => e.querySelector('.main-svg')).length")
        assert charts >= 5 and drawn == charts and not errors and not outside
        assert page.locator("#summary").inner_text().count("Yes:") >= 1  # the process findings, in words
        page.locator("sup a").first.click()
        assert page.evaluate("location.hash").startswith("#src-")
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#summary").screenshot(path=str(ARTIFACTS / "report-summary.png"))
        browser.close()
