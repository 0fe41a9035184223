"""The web app as a workbench (issue 18, item 6 and the web side of items 1 and 3): editing the
deterrence and escalation terms, evaluating proposals through the proposals API, and comparing a
run with the session's previous one. FastAPI's TestClient for each endpoint, one Playwright test."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
import warnings

import pytest
from markupsafe import escape

from multitrack.web import WebSettings, create_app
from multitrack.web.editing import editable, field_key
from multitrack.web.sessions import COOKIE

with warnings.catch_warnings():  # newer Starlette prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

BASE = "http://127.0.0.1"

# Worked by hand (docs/deterrence.md, as tests/test_link_deterrence.py): guarantor G is irresolute
# for sure (credibility 0), fighting costs it 6 against a stake of 2 plus 0.5 per unit of tripwire;
# the track's troops (thousands, 0..20) map to 0..10 units. G responds iff 6 <= 2 + 0.5 k, i.e.
# k >= 8, i.e. 16 thousand troops or more; its war cost 10 then beats the prize 4 and the challenger
# is deterred. No deal leaves 0 troops: no response, an attack. A prize of 12 beats the war cost 10:
# the challenger attacks whatever G does.
# Escalation: one theatre, calm -> war with monthly probability 0.1, war absorbing; over 12 months
# P(war) = 1 - 0.9^12 = 0.7176. The measure tied to the track halves that step where the track
# agrees: 1 - 0.95^12 = 0.4596; with its factor edited to 0, nothing moves: 0.
TINY = """\
version: 1
id: tiny-security
title: A tripwire the track must agree
# a comment the download keeps
sources:
  - {id: s, title: x, publisher: y, year: 2026}
actors:
  - {id: A, name: Aland, kind: state, capability: 1}
  - {id: B, name: Bland, kind: state, capability: 1}
  - {id: G, name: Guardia, kind: state, capability: 1}
tracks:
  - id: guarantees
    title: Guarantees
    participants: [A, B]
    issues:
      - id: troops
        title: Troops stationed
        kind: integer
        range: [0, 20]
        unit: thousand troops
        status_quo: 0
        positions:
          A: {salience: 1, ideal: 10, red_lines: [{above: 16}], source: s}
          B: {salience: 1, monotone: increasing, red_lines: [{below: 6}], source: s}
deterrence:
  - id: offensive
    title: A renewed offensive
    challenger: A
    target: B
    track: guarantees
    challenger_value: 4   # the prize
    guarantees:
      - id: force
        title: A force as a tripwire
        guarantor: G
        kind: tripwire
        terms: {credibility: 0, cost_resolute: 0, cost_irresolute: 6, stake: 2, tripwire: 3,
                tripwire_cost: 0.5, war_cost: 10}
        from_track:
          terms:
            tripwire: {issue: troops, linear: {from: [0, 20], to: [0, 10]}}
          source: s
escalation:
  rungs: [calm, war]
  horizons: [12]
  theatres:
    - id: sea
      title: The sea
      up: {calm->war: 0.1}
      down: {}
  measures:
    - id: notice
      title: Notice of exercises
      track: guarantees
      effects:
        - {transition: calm->war, factor: 0.5}
"""

PRIZE = ("deterrence", 0, "challenger_value")
CREDIBILITY = ("deterrence", 0, "guarantees", 0, "terms", "credibility")
UP = ("escalation", "theatres", 0, "up", "calm->war")
FACTOR = ("escalation", "measures", 0, "effects", 0, "factor")
TROOPS = field_key(("guarantees", "troops"))
ZONE, INSPECTIONS = field_key(("border", "zone-depth")), field_key(("border", "inspections"))


def client(app=None) -> TestClient:
    return TestClient(app or create_app(WebSettings(record_runs=False)), base_url=BASE)


def upload(c: TestClient, text: str = TINY) -> str:
    page = c.post("/scenario/upload", files={"file": ("tiny.yaml", text.encode(), "application/yaml")})
    assert page.status_code == 200
    return page.text


def version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def edit(c: TestClient, page: str, fields: dict, **extra) -> str:
    data = {"version": version(page), **{f"n:{field_key(p)}": v for p, v in fields.items()}, **extra}
    return c.post("/scenario/edit", data=data).text


def wait(c: TestClient, timeout: float = 180) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = c.get("/progress").json()
        if status["state"] not in ("queued", "running"):
            return status
        time.sleep(0.1)
    raise AssertionError("the run did not finish")


def evaluate(c: TestClient, fields: dict) -> str:
    """Post the proposal form, wait for the evaluation and return the results fragment."""
    c.post("/proposals/evaluate", data=fields)
    status = wait(c)
    assert status["state"] == "done", status
    return c.get("/results").text


def cell(html: str, table_id: str, row_attr: str, css: str) -> str:
    """The text of the cell of class ``css`` in the row marked ``row_attr`` of table ``table_id``."""
    table = html[html.index(f'id="{table_id}"'):]
    table = table[:table.index("</table>")]
    row = table[table.index(row_attr):]
    return re.search(rf'class="{css}">([^<]*)<', row).group(1)


def session_of(c: TestClient):
    return c.app.state.sessions.get(c.cookies.get(COOKIE))


# ---- editing the security terms ------------------------------------------------------------------

def test_security_estimates_are_editable_and_nothing_else_of_them():
    for path in (PRIZE, PRIZE + ("mode",), CREDIBILITY, CREDIBILITY + ("high",), UP, UP + ("low",),
                 ("escalation", "theatres", 1, "down", "war->calm"), FACTOR, FACTOR + ("mode",)):
        assert editable(path), path
    for path in (("deterrence", 0, "challenger"), ("deterrence", 0, "guarantees", 0, "guarantor"),
                 ("deterrence", 0, "guarantees", 0, "terms"), CREDIBILITY + ("note",),
                 ("deterrence", "0", "challenger_value"), ("escalation", "rungs"),
                 ("escalation", "measures", 0, "effects", 0, "transition"), UP + ("dist",),
                 ("escalation", "theatres", 0, "up"), ("deterrence", True, "challenger_value")):
        assert not editable(path), path


def test_the_form_shows_the_security_terms_as_fields():
    page = upload(client())
    for path in (PRIZE, CREDIBILITY, ("deterrence", 0, "guarantees", 0, "terms", "war_cost"), UP, FACTOR):
        assert f'data-path="{escape(field_key(path))}"' in page, path
    assert 'id="crisis-offensive"' in page and 'id="theatre-sea"' in page and 'id="measure-notice"' in page


def test_an_edited_prize_changes_the_deterrence_effect_of_a_proposal_and_the_download_keeps_comments():
    c = client()
    page = upload(c)
    c.post("/scenario/edit", data={"version": version(page), "draws": "50", "seed": "1"})
    html = evaluate(c, {f"P1:{TROOPS}": "16"})
    # troops 16: A (red line above 16) and B (below 6) both accept in every draw
    assert cell(html, "acceptance-proposal-1-guarantees", 'data-party="A"', "accepts") == "100%"
    assert cell(html, "acceptance-proposal-1-guarantees", 'data-party="B"', "accepts") == "100%"
    assert cell(html, "effects-proposal-1", 'data-target="crisis:offensive"', "with") == "100%"
    assert "0% no deal" in html  # no deal: 0 troops, no response, an attack

    page = c.get("/").text
    edit(c, page, {PRIZE: "12"})
    html = evaluate(c, {f"P1:{TROOPS}": "16"})
    assert cell(html, "effects-proposal-1", 'data-target="crisis:offensive"', "with") == "0%"
    saved = c.get("/download/scenario.yaml").text
    assert re.search(r"challenger_value: 12 +# the prize", saved)
    assert "# a comment the download keeps" in saved


def test_edited_escalation_terms_reach_the_analysis():
    c = client()
    page = upload(c)
    c.post("/scenario/edit", data={"version": version(page), "draws": "20", "seed": "1"})
    html = evaluate(c, {f"P1:{TROOPS}": "16"})
    with_measure = [float(x) for x in re.findall(r'data-target="escalation">.*?class="with">(\d+)%', html)]
    assert with_measure and round(with_measure[0]) == 46  # 1 - 0.95^12 with the measure in force
    assert "72% no measures" in html                      # 1 - 0.9^12

    edit(c, c.get("/").text, {FACTOR: "0", UP: "0.2"})
    html = evaluate(c, {f"P1:{TROOPS}": "16"})
    assert re.search(r'data-target="escalation">.*?class="with">0%', html)
    assert "93% no measures" in html                      # 1 - 0.8^12 = 0.931
    scenario = session_of(c).draft.scenario
    assert scenario.escalation.measures[0].effects[0].factor.value == 0


def test_the_results_of_a_two_rung_ladder_show_in_the_page():
    """The escalation section's headline reads the rungs above the first (a two-rung ladder made
    the page's results fail: no risk is kept for the rung every theatre starts on)."""
    c = client()
    page = upload(c)
    c.post("/scenario/edit", data={"version": version(page), "draws": "20", "seed": "1", "do": "run"})
    assert wait(c)["state"] == "done"
    html = c.get("/results")
    assert html.status_code == 200 and 'id="analysis-escalation"' in html.text
    assert "reaches &#39;war&#39;" in html.text or "reaches 'war'" in html.text


def test_a_bad_term_gets_the_one_line_located_error_in_the_page():
    c = client()
    page = edit(c, upload(c), {CREDIBILITY: "1.5"})
    line = re.search(r'id="problem-line">([^<]*)<', page).group(1)
    assert line.startswith("tiny-security.yaml:") and "credibility" in line and "[0, 1]" in line
    assert "\n" not in line
    assert 'class="field-error"' in page
    page = c.post("/run", data={}).text
    assert "not run: fix the scenario&#39;s errors first" in page


def test_a_term_path_the_form_may_not_edit_is_refused():
    c = client()
    page = upload(c)
    page = c.post("/scenario/edit", data={"version": version(page),
                                           f"n:{field_key(('deterrence', 0, 'challenger'))}": "B"}).text
    assert "edits not applied: field" in page and "cannot be edited here" in page


# ---- evaluating proposals --------------------------------------------------------------------------

def test_proposals_on_border_talks_are_ranked_with_each_partys_acceptance_and_reasons():
    """Hand-worked on border-talks: north's ideal is 10 km and no inspections, so (10, none) is its
    best outcome and south's red line (never below 5) holds: both accept in every draw. At 40 km
    north's red line (never above 30) rejects in every draw; at 3 km south's (never below 5) does."""
    c = client()
    c.post("/scenario/builtin", data={"name": "border-talks"})
    html = evaluate(c, {f"P1:{ZONE}": "40", "T1": "Deep", f"P2:{ZONE}": "10", f"P2:{INSPECTIONS}": "none",
                        "T2": "North's ideal", f"P3:{ZONE}": "3", f"P3:{INSPECTIONS}": "none"})
    ranking = re.findall(r'<tr data-proposal="([^"]+)"><td>(\d)</td>', html)
    assert ranking[0] == ("proposal-2", "1")
    assert cell(html, "proposal-ranking", 'data-proposal="proposal-2"', "joint") == "100%"
    assert cell(html, "acceptance-proposal-2-border", 'data-party="north"', "accepts") == "100%"
    assert cell(html, "acceptance-proposal-2-border", 'data-party="south"', "accepts") == "100%"
    assert cell(html, "acceptance-proposal-1-border", 'data-party="north"', "accepts") == "0%"
    assert "north&#39;s red line on zone-depth: nothing above 30 (100%)" in html
    assert cell(html, "acceptance-proposal-3-border", 'data-party="south"', "accepts") == "0%"
    assert "south&#39;s red line on zone-depth" in html
    # the open issue is completed by the rule and named. Nearest passing outcome: north's no deal
    # (0 km, no inspections) is 10 km from its ideal, as is 20 km, so 20 is the deepest it accepts
    assert "left open, completed by the rule: inspections" in html
    assert 'id="nearest-proposal-1-border"' in html
    nearest = html[html.index('id="nearest-proposal-1-border"'):]
    first = re.search(r"<td>([^<]*)</td>", nearest[nearest.index("<tbody>"):]).group(1)
    assert first == "zone-depth: 40 &rarr; 20"


def test_a_value_the_form_did_not_offer_is_refused_and_nothing_runs():
    c = client()
    c.post("/scenario/builtin", data={"name": "border-talks"})
    for value in ("17.5", "__import__('os').getcwd()", "1e3"):
        page = c.post("/proposals/evaluate", data={f"P1:{ZONE}": value}).text
        assert "not evaluated:" in page and "is not a value of issue &#39;zone-depth&#39;" in page
    page = c.post("/proposals/evaluate", data={f"P1:{field_key(('border', 'nope'))}": "1"}).text
    assert "not evaluated: no issue" in page
    page = c.post("/proposals/evaluate", data={}).text
    assert "the proposal fixes no issue" in page
    assert session_of(c).job is None


def test_a_pasted_proposal_file_is_checked_like_a_file():
    c = client()
    c.post("/scenario/builtin", data={"name": "border-talks"})
    bad = "proposals:\n  - id: p\n    tracks:\n      border: {depth: 3}\n"
    page = c.post("/proposals/evaluate", data={"proposal_file": bad}).text
    assert "not evaluated: pasted proposals:4:" in page and "unknown issue &#39;depth&#39;" in page
    good = "proposals:\n  - id: p\n    tracks:\n      border: {zone-depth: [10, 40], inspections: none}\n"
    html = evaluate(c, {"proposal_file": good})
    assert re.findall(r'<tr data-proposal="([^"]+)"><td>1</td>', html) == ["p/zone-depth=10"]


def test_an_evaluation_is_cancellable_and_refused_while_a_run_goes():
    c = client()
    page = c.post("/scenario/builtin", data={"name": "european-security"}).text
    c.post("/scenario/edit", data={"version": version(page), "draws": "2000", "do": "run"})
    page = c.post("/proposals/evaluate", data={"proposal_file": "x"}).text
    assert "not evaluated: a run is going" in page
    c.post("/cancel")
    assert wait(c, 10)["state"] == "cancelled"


# ---- comparing with the previous run ----------------------------------------------------------------

def test_compare_with_the_previous_run_names_the_changed_verdict_and_keeps_two_runs():
    c = client()
    page = c.post("/scenario/builtin", data={"name": "border-talks"}).text
    c.post("/scenario/edit", data={"version": version(page), "draws": "200", "seed": "3", "do": "run"})
    assert wait(c)["state"] == "done"
    assert 'id="comparison"' not in c.get("/results").text  # one run: nothing to compare with
    south = ("tracks", 0, "issues", 0, "positions", "south", "red_lines", 0, "below")
    edit(c, c.get("/").text, {south: "40"}, do="run")  # south never below 40, north never above 30
    assert wait(c)["state"] == "done"
    html = c.get("/results").text
    changes = re.findall(r'<li class="change">([^<]*)</li>', html[html.index('id="comparison"'):])
    assert changes and "Border security" in changes[0]
    assert "below: 5 -&gt; 40" in html or "5 -&gt; 40" in html
    session = session_of(c)
    assert (session.previous_version, session.results_version) == (1, 2)
    edit(c, c.get("/").text, {south: "5"}, do="run")
    assert wait(c)["state"] == "done"
    c.get("/results")
    assert (session.previous_version, session.results_version) == (2, 3)  # the oldest is dropped


def test_cookie_less_gets_of_the_new_views_store_nothing():
    app = create_app(WebSettings(record_runs=False))
    c = client(app)
    for path in ("/", "/results", "/progress"):
        c.get(path)
        c.cookies.clear()
    assert len(app.state.sessions) == 0


# ---- in a browser ------------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no chromium at {CHROMIUM}")
def test_in_a_browser_edit_a_deterrence_term_run_and_evaluate_a_proposal(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    import uvicorn

    port = _free_port()
    app = create_app(WebSettings(record_runs=False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    expect = sync_api.expect
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.set_default_timeout(30_000)
            page.goto(f"http://127.0.0.1:{port}/")
            page.set_input_files("#upload-file", files=[{"name": "tiny.yaml", "mimeType": "application/yaml",
                                                         "buffer": TINY.encode()}])
            page.click("#upload-button")
            page.fill(f"input[data-path='{field_key(PRIZE)}']", "12")
            page.fill("#draws", "50")
            page.click("#run-button")
            expect(page.locator("#verdicts")).to_be_visible(timeout=120_000)
            assert "challenger_value: 12" in session_of_app(app).draft.text
            page.select_option(f"select[name='P1:{TROOPS}']", "16")
            page.click("#evaluate-button")
            table = page.locator("#acceptance-proposal-1-guarantees")
            expect(table).to_be_visible(timeout=120_000)
            expect(table.locator("tr[data-party='A'] .accepts")).to_have_text("100%")
            deterred = page.locator("#effects-proposal-1 tr[data-target='crisis:offensive'] .with")
            expect(deterred).to_have_text("0%")
            browser.close()
        assert errors == []
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def session_of_app(app):
    """The one session a browser test made."""
    return next(iter(app.state.sessions._sessions.values()))
