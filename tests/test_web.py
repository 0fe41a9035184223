"""The web app through FastAPI's TestClient: sessions, uploads, edits, runs, downloads, limits."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import warnings

import pytest

import multitrack
from multitrack.scenario import builtins
from multitrack.web import WebSettings, create_app
from multitrack.web.editing import field_key

with warnings.catch_warnings():  # newer Starlette prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

BASE = "http://127.0.0.1"
SOUTH_LINE = ("tracks", 0, "issues", 0, "positions", "south", "red_lines", 0, "below")
NORTH_SALIENCE = ("tracks", 0, "issues", 0, "positions", "north", "salience")
BROKEN = builtins.text("border-talks").replace("salience: 0.4", "salience: -1")


def attr(path: tuple) -> str:
    """A field path as it appears in an HTML attribute."""
    return field_key(path).replace('"', "&#34;")


def client(app=None) -> TestClient:
    return TestClient(app or create_app(), base_url=BASE)


def load(c: TestClient, name: str = "border-talks") -> str:
    page = c.post("/scenario/builtin", data={"name": name})
    assert page.status_code == 200
    return page.text


def version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def wait(c: TestClient, timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = c.get("/progress").json()
        if status["state"] not in ("queued", "running"):
            return status
        time.sleep(0.1)
    raise AssertionError("the run did not finish")


def edit(c: TestClient, page: str, fields: dict, **extra) -> str:
    data = {"version": version(page), **{f"n:{field_key(p)}": v for p, v in fields.items()}, **extra}
    return c.post("/scenario/edit", data=data).text


def verdict(c: TestClient, track: str = "border") -> str:
    html = c.get("/results").text
    return re.search(rf'id="verdict-{track}".*?<span class="words">([^<]+)</span>', html, re.DOTALL).group(1)


def upload(c: TestClient, text: str | bytes, name: str = "mine.yaml"):
    body = text.encode() if isinstance(text, str) else text
    return c.post("/scenario/upload", files={"file": (name, body, "application/yaml")})


@pytest.fixture(scope="module")
def app():
    return create_app()


def test_first_action_gets_an_httponly_same_site_cookie_and_a_visit_none(app):
    c = client(app)
    response = c.get("/")
    assert response.status_code == 200 and "set-cookie" not in response.headers
    assert "Choose a built-in scenario" in response.text
    assert response.headers["x-frame-options"] == "DENY"
    response = c.post("/scenario/builtin", data={"name": "border-talks"}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "multitrack_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_page_shows_tracks_actors_vetoes_and_positions(app):
    page = load(client(app))
    assert "Who sits:</b> Northland, Southland" in page
    assert "Veto:</b> Northland, Southland" in page
    assert f'data-path="{attr(NORTH_SALIENCE)}"' in page
    assert page.count('src="/static/plotly.js"') == 1 and "cdn" not in page.lower()


def test_plotly_is_served_by_the_app(app):
    response = client(app).get("/static/plotly.js")
    assert response.status_code == 200 and "javascript" in response.headers["content-type"]
    assert len(response.content) > 1_000_000


def test_sessions_do_not_see_or_change_each_other(app):
    alice, bob = client(app), client(app)
    page = load(alice)
    edit(alice, page, {NORTH_SALIENCE: "0.9"})
    assert "Choose a built-in scenario" in bob.get("/").text  # bob has no scenario
    load(bob, "european-security")
    bob_page = bob.get("/").text
    edit(bob, bob_page, {NORTH_SALIENCE: "0.1"})  # no such field in bob's scenario: refused there only
    alice_page = alice.get("/").text
    assert 'id="scenario-title">Primer: two neighbours' in alice_page and 'value="0.9"' in alice_page
    assert 'id="scenario-title">European security' in bob.get("/").text


def test_a_forged_cookie_gets_a_fresh_session(app):
    owner = client(app)
    load(owner)
    stranger = client(app)
    stranger.cookies.set("multitrack_session", "guessed-id")
    assert "Choose a built-in scenario" in stranger.get("/").text


def test_edit_rerun_flips_the_track_and_the_report_says_so():
    c = client()
    page = load(c)
    c.post("/run", data={"draws": "200", "seed": "7"})
    assert wait(c)["state"] == "done"
    assert verdict(c) == "can agree"
    page = edit(c, page, {SOUTH_LINE: "40"}, do="run", draws="200", seed="7")
    assert wait(c)["state"] == "done"
    assert verdict(c) == "blocked"
    report = c.get("/download/report.html")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert 'id="summary-border"' in report.text and 'data-verdict="blocked"' in report.text


def test_downloaded_yaml_validates_and_keeps_the_edit(tmp_path):
    c = client()
    page = load(c)
    edit(c, page, {SOUTH_LINE: "40", NORTH_SALIENCE: "0.55"})
    response = c.get("/download/scenario.yaml")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="border-talks.yaml"'
    path = tmp_path / "border-talks.yaml"
    path.write_text(response.text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "multitrack", "validate", str(path)], check=False,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    scenario = multitrack.load(str(path))
    position = scenario.tracks[0].issues[0].positions
    assert position["south"].red_lines[0].below.nominal == 40
    assert position["north"].salience.nominal == 0.55


def test_red_lines_can_be_added_moved_and_removed():
    c = client()
    page = load(c)
    north = field_key(("tracks", 0, "issues", 0, "positions", "north"))
    page = c.post("/scenario/edit", data={"version": version(page), "add": north}).text
    added = ("tracks", 0, "issues", 0, "positions", "north", "red_lines", 1)
    assert f'name="n:{attr(added + ("above",))}"' in page
    page = c.post("/scenario/edit", data={"version": version(page), f"r:{field_key(added)}": "below",
                                          f"n:{field_key(added + ('above',))}": "2"}).text
    scenario = multitrack.loads(c.get("/download/scenario.yaml").text)
    assert scenario.tracks[0].issues[0].positions["north"].red_lines[1].below.nominal == 2
    c.post("/scenario/edit", data={"version": version(page), "remove": field_key(added)})
    scenario = multitrack.loads(c.get("/download/scenario.yaml").text)
    assert len(scenario.tracks[0].issues[0].positions["north"].red_lines) == 1


def test_an_invalid_edit_is_shown_next_to_its_field_and_blocks_runs_and_download():
    c = client()
    page = edit(c, load(c), {NORTH_SALIENCE: "-2"}, do="run")
    anchor = re.escape(attr(NORTH_SALIENCE))
    assert re.search(rf'data-for="{anchor}">salience -2 lies outside \[0, inf\]', page)
    assert "not run: fix the scenario&#39;s errors first" in page
    assert c.get("/download/scenario.yaml").status_code == 409
    page = edit(c, page, {NORTH_SALIENCE: "abc"})
    assert "expected a number or a distribution" in page


def test_only_positions_and_status_quos_are_editable():
    c = client()
    page = load(c)
    page = c.post("/scenario/edit", data={"version": version(page), f"s:{field_key(('id',))}": "x"}).text
    assert "edits not applied" in page and "border-talks" in page
    stale = c.post("/scenario/edit", data={"version": "999", f"n:{field_key(NORTH_SALIENCE)}": "0.2"}).text
    assert "these edits were not applied" in stale


def test_broken_upload_names_line_and_field_and_marks_the_field():
    c = client()
    page = upload(c, BROKEN, name="C:\\Users\\me\\..\\mine.yaml").text
    assert ("mine.yaml:32:23: tracks[0].issues[0].positions.north.salience: salience -1 lies outside "
            "[0, inf]") in page
    assert "Users" not in page
    anchor = re.escape(attr(NORTH_SALIENCE))
    assert re.search(rf'data-for="{anchor}">salience -1 lies outside \[0, inf\] \(line 32\)', page)
    assert 'aria-invalid="true"' in page


def test_unreadable_yaml_keeps_the_previous_scenario():
    c = client()
    load(c)
    page = upload(c, "id: [unclosed\n", name="../../etc/bad.yaml").text
    assert "bad.yaml:" in page and "etc" not in page.split('id="messages"')[1].split("</div>")[0]
    assert 'id="scenario-title">Primer: two neighbours' in page
    page = upload(c, b"id: caf\xe9\n", name="latin.yaml").text
    assert "latin.yaml:1: the file is not UTF-8 text" in page


def test_uploads_over_the_limit_are_refused():
    c = client(create_app(WebSettings(max_upload_bytes=2048)))
    page = upload(c, "# " + "x" * 2100 + "\n").text
    assert "mine.yaml: refused: larger than this server&#39;s limit of 2 KiB for scenario files" in page
    assert "Choose a built-in scenario" in page
    huge = upload(c, "x" * 400_000)
    assert huge.status_code == 413 and "limit" in huge.text


def test_runs_over_the_limits_are_refused():
    c = client(create_app(WebSettings(max_outcomes=100, max_draws=500)))
    page = load(c)
    page = c.post("/run", data={"draws": "501", "seed": "1"}).text
    assert "not run: draws: 501 is over this server&#39;s limit of 500" in page
    page = c.post("/run", data={"draws": "100", "seed": "1"}).text
    assert "not run: track border: 204 outcomes are over this server&#39;s limit of 100" in page
    assert c.get("/progress").json()["state"] == "idle"


def test_a_long_run_can_be_cancelled():
    c = client(create_app(WebSettings(max_draws=10**6)))
    load(c)
    c.post("/run", data={"draws": "200000", "seed": "1"})
    cancelled = c.post("/cancel", headers={"accept": "application/json"})
    assert cancelled.status_code == 200
    status = wait(c, timeout=60)
    assert status["state"] == "cancelled"
    assert c.get("/download/report.html").status_code == 409


def test_cross_origin_posts_and_foreign_hosts_are_refused(app):
    c = client(app)
    assert c.post("/scenario/builtin", data={"name": "border-talks"},
                  headers={"origin": "http://evil.example"}).status_code == 403
    assert c.post("/run", headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert c.get("/", headers={"host": "evil.example"}).status_code == 400


def test_progress_is_json_and_gets_change_nothing(app):
    c = client(app)
    load(c)
    assert c.get("/progress").json()["state"] == "idle"
    assert c.get("/run").status_code == 405


def test_serve_is_a_cli_command_bound_to_localhost():
    from typer.testing import CliRunner

    from multitrack.cli.app import app as cli

    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--host" in result.output and "127.0.0.1" in result.output


def test_a_web_run_is_recorded_in_the_run_database(tmp_path):
    from multitrack.store import RunRegistry

    db = str(tmp_path / "runs.sqlite")
    c = client(create_app(WebSettings(db=db)))
    load(c)
    c.post("/run", data={"draws": "100", "seed": "1"})
    status = wait(c)
    assert status["state"] == "done" and "recorded as run" in status["message"], status
    (run,) = RunRegistry(db).list()
    assert run.scenario_id == "border-talks"
    assert (run.parameters["draws"], run.parameters["seed"]) == (100, 1)  # the run's one set of draws


# ---- issue 18: cancel at once, oversized runs refused, comments kept, no state from cookie-less GETs ----

def _running(c: TestClient, timeout: float = 120) -> dict:
    """Wait until the run has started and reported progress from inside the analyses."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = c.get("/progress").json()
        if status["state"] == "running" and status["task"]:
            return status
        assert status["state"] in ("queued", "running"), status
        time.sleep(0.05)
    raise AssertionError("the run did not start")


def test_cancel_frees_the_run_slot_within_two_seconds_for_a_queued_run():
    app = create_app(WebSettings(max_concurrent_runs=1, record_runs=False))
    big, small = client(app), client(app)
    load(big, "european-security")
    big.post("/run", data={"draws": "12000", "seed": "1"})  # minutes of work
    _running(big)
    time.sleep(1.0)  # well inside the analyses
    load(small)
    small.post("/run", data={"draws": "100", "seed": "1"})
    assert small.get("/progress").json()["state"] == "queued"
    asked = time.monotonic()
    big.post("/cancel", headers={"accept": "application/json"})
    while (big.get("/progress").json()["state"] == "running"
           or small.get("/progress").json()["state"] == "queued"):
        assert time.monotonic() - asked < 2.0, "the cancelled run still holds the slot after 2 s"
        time.sleep(0.02)
    assert big.get("/progress").json()["state"] == "cancelled"
    assert wait(small)["state"] == "done" and verdict(small) == "can agree"


def test_a_run_too_large_for_the_time_limit_is_refused_with_its_estimated_size():
    c = client(create_app(WebSettings(max_work=1_000_000)))
    load(c)
    # border-talks: one track of 17 x 12 = 204 outcomes; seven analyses apply to it (overview,
    # agreement, forecast, process, negotiation, hinges, consistency)
    page = c.post("/run", data={"draws": "1000", "seed": "1"}).text
    assert ("not run: estimated size 1,428,000 (1,000 draws x 204 outcomes x 7 analyses) is over this "
            "server&#39;s limit of 1,000,000 for one run") in page
    assert c.get("/progress").json()["state"] == "idle"
    c.post("/run", data={"draws": "700", "seed": "1"})  # 999,600: within the limit
    assert wait(c)["state"] == "done"


def test_the_default_limits_refuse_the_largest_draws_on_european_security():
    c = client()
    load(c, "european-security")
    page = c.post("/run", data={"draws": "50000", "seed": "1"}).text
    assert "not run: estimated size 38,175,150,000 (50,000 draws x 58,731 outcomes x 13 analyses)" in page
    assert c.get("/progress").json()["state"] == "idle"


def test_a_downloaded_edited_scenario_keeps_every_comment_of_the_original():
    original = builtins.text("european-security")
    expected = [line.split("#", 1)[1].strip() for line in original.splitlines()
                if line.strip().startswith("#")]
    assert len(expected) > 50  # the built-in is well commented
    c = client()
    page = load(c, "european-security")
    salience = ("tracks", 0, "issues", 0, "positions", "RUS", "salience", "mode")
    assert f'data-path="{attr(salience)}"' in page
    assert "mode: 0.456" not in original
    edit(c, page, {salience: "0.456"})  # its low and high are 0.3 and 0.7
    text = c.get("/download/scenario.yaml").text
    missing = [comment for comment in expected if comment not in text]
    assert missing == []
    ends = [line.split(" # ", 1)[1] for line in original.splitlines()
            if " # " in line and not line.strip().startswith("#") and "'" not in line and '"' not in line]
    assert [comment for comment in ends if comment not in text] == []
    assert "mode: 0.456" in text
    edited = multitrack.loads(text).tracks[0].issues[0].positions["RUS"].salience
    assert edited.mode == 0.456


def test_cookie_less_gets_create_no_session_and_evict_no_work():
    app = create_app(WebSettings(max_sessions=20, record_runs=False))
    owner = client(app)
    load(owner)
    owner.post("/run", data={"draws": "100", "seed": "1"})
    assert wait(owner)["state"] == "done"
    sessions = len(app.state.sessions)
    stranger = client(app)
    for _ in range(100):
        for url in ("/", "/results", "/download/scenario.yaml"):
            stranger.cookies.clear()
            assert stranger.get(url).status_code in (200, 409)
    assert "set-cookie" not in stranger.get("/").headers
    assert len(app.state.sessions) == sessions
    assert verdict(owner) == "can agree"
    assert owner.get("/download/report.html").status_code == 200


def test_no_deal_and_reservation_values_are_edited_in_the_form():
    c = client()
    page = load(c)
    south = ("tracks", 0, "reservation_values", "south")
    assert f'name="n:{attr(south)}"' in page and 'id="reservation-border-south"' in page
    edit(c, page, {south: "0.25"})
    text = c.get("/download/scenario.yaml").text
    kept = r"reservation_values: \{south: 0.25\} +# no deal leaves Southland its worst outcome"
    assert re.search(kept, text)
    assert multitrack.loads(text).tracks[0].reservation_values["south"].nominal == 0.25

    page = load(c, "european-security")
    usa = ("tracks", 2, "no_deal", "USA", "value", "mode")
    assert f'name="n:{attr(usa)}"' in page and 'id="no-deal-intermediate-missiles-USA"' in page
    page = edit(c, page, {usa: "0.11"})
    scenario = multitrack.loads(c.get("/download/scenario.yaml").text)
    assert scenario.tracks[2].id == "intermediate-missiles"
    assert scenario.tracks[2].no_deal["USA"].value.mode == 0.11
    forged = c.post("/scenario/edit", data={"version": version(page),
                                            f"s:{field_key(('tracks', 2, 'no_deal', 'USA', 'note'))}": "x"})
    assert "edits not applied" in forged.text


def test_participants_and_veto_players_are_ticked_in_the_form():
    c = client()
    page = load(c, "european-security")
    track = 2  # intermediate-missiles
    sits = field_key(("tracks", track, "participants"))
    vetoes = field_key(("tracks", track, "veto_players"))
    scenario = multitrack.loads(c.get("/download/scenario.yaml").text)
    before = scenario.tracks[track]
    assert before.id == "intermediate-missiles"
    shown = {"version": version(page), f"L:{sits}": ",".join(before.participants),
             f"L:{vetoes}": ",".join(before.vetoes)}
    unchanged = {**shown, f"m:{sits}": list(before.participants), f"m:{vetoes}": list(before.vetoes)}
    page = c.post("/scenario/edit", data=unchanged).text
    assert "version 1 " in page or 'name="version" value="1"' in page  # ticking nothing new changes nothing
    newcomer = next(a for a in scenario.actors if a.id not in before.participants)
    added = {**shown, f"m:{sits}": [*before.participants, newcomer.id], f"m:{vetoes}": list(before.vetoes)}
    page = c.post("/scenario/edit", data=added).text
    after = multitrack.loads(c.get("/download/scenario.yaml").text).tracks[track]
    assert after.participants == [*before.participants, newcomer.id]
    assert after.vetoes == list(before.vetoes)  # the newcomer sits without a veto
    who = page.split(f'id="track-{after.id}"')[1].split("</p>")[0]
    assert newcomer.name in who.split("<b>Veto:</b>")[0] and newcomer.name not in who.split("<b>Veto:</b>")[1]
    forged = c.post("/scenario/edit", data={"version": version(page), f"L:{sits}": "",
                                            f"m:{sits}": ["NOBODY"]}).text
    assert "edits not applied: no actor &#39;NOBODY&#39; in this scenario" in forged


def _picked(page: str) -> list[str]:
    """The picker's selected options, as ``value|label``."""
    picker = re.search(r'<select name="name" id="builtin-name".*?</select>', page, re.DOTALL).group(0)
    return [f"{value}|{label}" for value, label in
            re.findall(r'<option value="([^"]*)"[^>]*\bselected\b[^>]*>([^<]*)</option>', picker)]


def test_after_an_upload_the_picker_shows_the_uploaded_scenario():
    """Issue 22: the picker showed the first built-in (border-talks) after an upload of another file."""
    c = client()
    assert _picked(load(c, "european-security")) == ["european-security|european-security"]
    page = upload(c, builtins.text("european-security"), name="mine.yaml").text
    assert _picked(page) == ["|mine.yaml"]
    assert _picked(upload(c, BROKEN, name="broken.yaml").text) == ["|broken.yaml"]  # shown with its errors
    assert _picked(load(c, "border-talks")) == ["border-talks|border-talks"]  # back to a built-in


def test_load_with_the_uploaded_entry_picked_asks_for_a_built_in():
    c = client()
    upload(c, BROKEN)
    page = c.post("/scenario/builtin", data={}).text  # the disabled uploaded entry sends no name
    assert "pick a built-in scenario to load" in page and _picked(page) == ["|mine.yaml"]
