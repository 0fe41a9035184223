"""The web app in a real browser (Debian's chromium through Playwright): load a built-in, flip a
track by moving a red line, download the YAML and validate it, upload a broken file and see the
error next to its field. Screenshots are kept under tests/artifacts/."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from multitrack.scenario import builtins
from multitrack.web import create_app
from multitrack.web.editing import field_key

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"
SOUTH_LINE = field_key(("tracks", 0, "issues", 0, "positions", "south", "red_lines", 0, "below"))
NORTH_SALIENCE = field_key(("tracks", 0, "issues", 0, "positions", "north", "salience"))
BROKEN = builtins.text("border-talks").replace("salience: 0.4", "salience: -1")

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"no chromium at {CHROMIUM} (install Debian's chromium package; "
                                       "Playwright's own browser download is not used)")
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url():
    """The app served by uvicorn in a background thread on a free local port."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def page(base_url):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.set_default_timeout(30_000)
        page.goto(base_url + "/")
        yield page
        browser.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"))


def test_flip_a_track_download_the_yaml_and_upload_a_broken_file(page, tmp_path):
    expect = sync_api.expect
    page.select_option("#builtin-name", "border-talks")
    page.click("#load-builtin")
    page.fill("#draws", "300")
    page.click("#run-button")
    expect(page.locator("#verdict-border .words")).to_have_text("can agree", timeout=60_000)
    expect(page.locator("#analysis-agreement .plotly-graph-div").first).to_be_attached()
    _shot(page, "1-can-agree")

    page.fill(f"input[data-path='{SOUTH_LINE}']", "40")  # south: never below 40; north: never above 30
    page.click("#run-button")
    expect(page.locator("#verdict-border .words")).to_have_text("blocked", timeout=60_000)
    expect(page.locator("#stale-results")).to_have_count(0)
    _shot(page, "2-cannot-agree")

    with page.expect_download() as download:
        page.click("#download-yaml")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert "below: 40" in saved.read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "multitrack", "validate", str(saved)], check=False,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

    page.set_input_files("#upload-file", files=[{"name": "mine.yaml", "mimeType": "application/yaml",
                                                 "buffer": BROKEN.encode()}])
    page.click("#upload-button")
    expect(page.locator("#problem-line")).to_have_text(
        "mine.yaml:32:23: tracks[0].issues[0].positions.north.salience: salience -1 lies outside [0, inf]")
    field = page.locator(f".estimate[data-anchor='{NORTH_SALIENCE}']")
    expect(field.locator("input")).to_have_value("-1")
    error = field.locator(".field-error")
    expect(error).to_have_text("salience -1 lies outside [0, inf] (line 32)")
    box, under = field.locator("input").bounding_box(), error.bounding_box()
    assert abs(under["y"] - (box["y"] + box["height"])) < 40 and abs(under["x"] - box["x"]) < 200
    _shot(page, "3-broken-upload")
    assert page.errors == []


_UNCLICKABLE = """() => {
  const controls = [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
    .filter((el) => !el.classList.contains("default-submit"));
  const hidden = [];
  for (const el of controls) {
    el.scrollIntoView({ block: "center", inline: "center" });
    const box = el.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (!(top === el || el.contains(top))) {
      hidden.push((el.getAttribute("aria-label") || el.id || el.name) + " under " +
                  (top ? top.tagName + "#" + top.id + "." + top.className : "nothing"));
    }
  }
  return { count: controls.length, hidden: hidden };
}"""


@pytest.mark.parametrize("width", [1280, 1400])
def test_every_input_of_the_built_in_scenario_is_clickable(base_url, width):
    """Each control of european-security's form is the topmost element at its centre once scrolled
    into view, with the results panel filled beside the form: none lies under it (issue 18: 190 of
    807 did at 1400 px)."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
            page.set_default_timeout(30_000)
            page.goto(base_url + "/")
            page.select_option("#builtin-name", "european-security")
            page.click("#load-builtin")
            sync_api.expect(page.locator("#scenario-title")).to_contain_text("European security")
            page.fill("#draws", "100")
            page.click("#run-button")
            sync_api.expect(page.locator("#verdicts")).to_be_visible(timeout=120_000)
            found = page.evaluate(_UNCLICKABLE)
            _shot(page, f"inputs-{width}")
        finally:
            browser.close()
    assert found["count"] > 800
    assert found["hidden"] == [], f"{len(found['hidden'])} of {found['count']}: {found['hidden'][:5]}"
