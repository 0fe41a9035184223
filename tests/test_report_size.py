"""The report of the built-in scenario as a reader gets it (issue 22, item 2): under 2 MB, plotly.js
inlined once as the basic partial bundle, no chart that needs WebGL, nothing off-site, and the brief's
findings on the first screen before any table or chart.

Every test reads the report of the default run (``multitrack analyze european-security``: 1,000 draws,
seed 20240601)."""

from __future__ import annotations

import base64
import gzip
import html as htmllib
import json
import os
import re

import pytest

import multitrack
from multitrack.brief import brief_run, build_brief
from multitrack.report.charts import BUNDLE_TRACES, bundle_source
from multitrack.report.html import render_html

#: Visible characters of the body that make the first screen (about a laptop screen's worth of text).
FIRST_SCREEN = 2000


@pytest.fixture(scope="module")
def run():
    scenario = multitrack.load("european-security")
    results = multitrack.analyze(scenario)  # the default run: 1,000 draws, seed 20240601
    return scenario, results, render_html(scenario, results)


def _packed_bundles(page: str) -> list[str]:
    return re.findall(r'atob\("([A-Za-z0-9+/=]+)"\)', page)


def _chart_calls(page: str) -> list[tuple[list, dict]]:
    """The data and layout of every chart, read from the call that draws it."""
    decoder = json.JSONDecoder()
    out = []
    for m in re.finditer(re.escape("Plotly.newPlot(i,d,l,c)})("), page):
        at = m.end()
        values = []
        for _ in range(4):  # id, data, layout, config
            value, at = decoder.raw_decode(page, at)
            values.append(value)
            at += 1  # the comma
        out.append((values[1], values[2]))
    return out


def _visible_text(page: str) -> str:
    body = page[page.index("<body"):]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def test_report_of_the_builtin_scenario_is_under_2_mb(run):
    _, _, page = run
    assert len(page.encode("utf-8")) < 2_000_000


def test_plotly_js_is_inlined_once_as_the_basic_bundle(run):
    _, _, page = run
    packed = _packed_bundles(page)
    assert len(packed) == 1
    source = gzip.decompress(base64.b64decode(packed[0])).decode("utf-8")
    assert source == bundle_source() and "plotly.js (basic - minified)" in source[:200]
    # and no second copy in plain text (the full bundle is 4.8 MB and starts with this banner)
    assert "Plotly, Inc." not in page and "<script src=" not in page


def test_no_chart_needs_webgl(run):
    _, _, page = run
    charts = _chart_calls(page)
    assert len(charts) == page.count('class="plotly-graph-div"') >= 40
    types = {trace.get("type", "scatter") for data, _ in charts for trace in data}
    assert types <= BUNDLE_TRACES, types
    assert "scattergl" not in page and "parcoords" not in page and "webgl" not in page.lower()
    assert "get.webgl.org" not in gzip.decompress(base64.b64decode(_packed_bundles(page)[0])).decode()


def test_no_off_site_url(run):
    scenario, _, page = run
    cited = {s.url for s in scenario.sources if s.url}
    urls = set(re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}[^\s\"'<>)]*", page))
    assert urls <= cited, urls - cited
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


def test_first_screen_states_the_brief_before_any_table_or_chart(run):
    scenario, results, page = run
    brief = build_brief(scenario, results, run=brief_run(results))
    brief_at = page.index('<section id="brief"')
    assert brief_at < page.index("<table") and brief_at < page.index('class="plotly-graph-div"')
    first_screen = _visible_text(page)[:FIRST_SCREEN]
    headlines = [s.lines[0].text for s in brief.sections[:2]]  # what can be agreed; what blocks
    assert len(headlines) == 2 and all(h in first_screen for h in headlines), first_screen
    assert scenario.description.split(".")[0] not in first_screen  # the scenario's story comes after


@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="no chromium at /usr/bin/chromium")
def test_charts_draw_offline_without_webgl_and_the_brief_fills_the_first_screen(run, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    scenario, results, page_html = run
    path = tmp_path / "report.html"
    path.write_text(page_html, encoding="utf-8")
    first = build_brief(scenario, results, run=brief_run(results)).sections[1].lines[0].text
    outside: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-webgl"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: (route.continue_() if route.request.url.startswith("file:")
                                          else (outside.append(route.request.url), route.abort())))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
        charts = page.eval_on_selector_all(".plotly-graph-div", "els => els.length")
        drawn = page.eval_on_selector_all(".js-plotly-plot",
                                          "els => els.filter(e => e.querySelector('.main-svg')).length")
        canvases = page.eval_on_selector_all("canvas", "els => els.length")
        bottom = page.locator("#brief li", has_text=first[:60]).first.bounding_box()
        browser.close()
    assert charts >= 40 and drawn == charts and canvases == 0 and not errors and not outside
    assert bottom is not None and bottom["y"] + bottom["height"] <= 900  # "what blocks" is on screen 1
