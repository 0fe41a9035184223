"""A track's verdict is decided once, on the overview result, and every renderer prints it.

Hand-worked tracks, two parties who both hold a veto, salience 1, utilities as the values say:

- open: status quo p (0, 0), q (1, 1), r (0.5, 0.5): all three pass, q and r improve on the
  status quo -> "can agree";
- stuck: left (1, 0), middle = status quo (0.5, 0.5), right (0, 1); each accepts only what it
  values at least as the status quo, so only middle passes and it improves nobody -> "status
  quo only";
- closed: A's red line forbids u, B's forbids v, the only two values -> "blocked";
- run without the agreement space, a track whose red lines leave room -> "not known".
"""

from __future__ import annotations

import re

import pytest
from rich.console import Console

import multitrack
from multitrack.cli import terminal
from multitrack.overview import WORDS, Verdict
from multitrack.report.html import render_html
from multitrack.report.markdown import render_markdown
from multitrack.web import pages
from multitrack.web.sessions import Session

TRACKS = """
id: verdicts
title: Four verdicts
actors:
  - {id: a, name: Avalon, kind: state}
  - {id: b, name: Brigia, kind: state}
tracks:
  - id: open
    title: Open track
    participants: [a, b]
    issues:
      - id: x
        kind: categorical
        options: [p, q, r]
        status_quo: p
        positions:
          a: {salience: 1, values: {p: 0, q: 1, r: 0.5}}
          b: {salience: 1, values: {p: 0, q: 1, r: 0.5}}
  - id: stuck
    title: Stuck track
    participants: [a, b]
    issues:
      - id: y
        kind: categorical
        options: [left, middle, right]
        status_quo: middle
        positions:
          a: {salience: 1, values: {left: 1, middle: 0.5, right: 0}}
          b: {salience: 1, values: {left: 0, middle: 0.5, right: 1}}
  - id: closed
    title: Closed track
    participants: [a, b]
    issues:
      - id: z
        kind: categorical
        options: [u, v]
        status_quo: u
        positions:
          a: {salience: 1, values: {u: 0, v: 1}, red_lines: [u]}
          b: {salience: 1, values: {u: 1, v: 0}, red_lines: [v]}
"""


@pytest.fixture(scope="module")
def scenario():
    return multitrack.loads(TRACKS)


@pytest.fixture(scope="module")
def full(scenario):
    return multitrack.analyze(scenario, only=["overview", "agreement"])


@pytest.fixture(scope="module")
def overview_only(scenario):
    return multitrack.analyze(scenario, only=["overview"])


def test_hand_worked_tracks_get_their_verdicts(full):
    verdicts = {t.track_id: t.verdict for t in full["overview"].tracks}
    assert {k: v.word for k, v in verdicts.items()} == {
        "open": "can agree", "stuck": "status quo only", "closed": "blocked"}
    assert verdicts["open"].reason == ("3 of 3 outcomes pass the decision rule, and some give a veto player "
                                       "more than the status quo")
    assert "keeping it is the only deal" in verdicts["stuck"].reason
    assert verdicts["closed"].reason.startswith("no outcome passes the decision rule: ")


CLASH = """
id: clash
title: A clash of red lines
actors:
  - {id: a, name: Avalon, kind: state}
  - {id: b, name: Brigia, kind: state}
tracks:
  - id: clash
    title: Clash
    participants: [a, b]
    issues:
      - id: z
        kind: categorical
        options: [u, v, w]
        status_quo: w
        positions:
          a: {salience: 1, values: {u: 0, v: 1, w: 0}, red_lines: [u, w]}
          b: {salience: 1, values: {u: 1, v: 0, w: 0}, red_lines: [v, w]}
"""


def test_a_clash_of_two_red_lines_names_both_parties():
    """Either red line alone blocks every deal (relaxing Avalon's opens u, relaxing Brigia's opens
    v, each worth no less than the status quo to both), so the reason names both parties, not
    whichever the search found first."""
    result = multitrack.analyze(multitrack.loads(CLASH), only=["overview", "agreement"])
    reason = result["overview"].track("clash").verdict.reason
    assert reason == ("no outcome passes the decision rule: relaxing any one of these opens a deal: "
                      "Avalon's red line on 'z'; or Brigia's red line on 'z'")


def test_the_overview_runs_after_the_agreement_space_and_still_comes_first(full):
    assert list(full) == ["overview", "agreement"]


def test_without_the_agreement_space_a_track_is_not_known_unless_red_lines_block_it(overview_only):
    verdicts = {t.track_id: t.verdict for t in overview_only["overview"].tracks}
    assert verdicts["stuck"] == Verdict(
        "not known", "the agreement space was not analysed; the veto players' red lines leave 3 of 3 "
                     "outcomes open")
    assert verdicts["open"].word == "not known"
    assert verdicts["closed"].word == "blocked" and "(Avalon vs Brigia)" in verdicts["closed"].reason


def test_a_deferred_track_is_not_known():
    text = TRACKS.replace("    title: Open track\n", "    title: Open track\n    deferred: true\n")
    result = multitrack.analyze(multitrack.loads(text), only=["overview", "agreement"])
    assert result["overview"].track("open").verdict.word == "not known"


def test_a_track_without_a_status_quo_never_gets_status_quo_only():
    """The stuck track without its status quo, its reservation values where the status quo put
    them: the same single passing outcome, worth no more than no deal, is "blocked"."""
    text = TRACKS.replace("        status_quo: middle\n", "").replace(
        "    title: Stuck track\n", "    title: Stuck track\n    reservation_values: {a: 0.5, b: 0.5}\n")
    result = multitrack.analyze(multitrack.loads(text), only=["overview", "agreement"])
    agreement = result["agreement"].track("stuck")
    assert agreement.can_agree and agreement.improves is False and not agreement.has_status_quo
    verdict = result["overview"].track("stuck").verdict
    assert verdict.word == "blocked" and verdict.reason == (
        "the outcomes that pass the decision rule give no veto player more than its reservation value, so "
        "none is a deal worth making")


def test_a_verdict_outside_the_vocabulary_is_refused():
    assert WORDS == ("can agree", "blocked", "status quo only", "not known")
    with pytest.raises(ValueError, match="none of can agree, blocked"):
        Verdict("open", "some outcomes pass")


# --------------------------------------------------------------------------- the four renderers


def terminal_verdicts(scenario, results) -> dict[str, str]:
    """The verdict column of "Tracks at a glance" in the terminal, per track title."""
    console = Console(record=True, width=400, color_system=None)
    for name, result in results.items():
        terminal.show_result(console, name, result, scenario)
    text = console.export_text()
    glance = text.split("Tracks at a glance", 1)[1].split("└", 1)[0]
    rows = [[c.strip() for c in line.split("│")[1:-1]]
            for line in glance.splitlines() if line.startswith("│")]
    return {row[0]: row[1] for row in rows if row and row[0]}


def html_verdicts(scenario, results) -> dict[str, set[str]]:
    """Every verdict the HTML report prints for a track: the summary row and the overview card."""
    html = render_html(scenario, results)
    out: dict[str, set[str]] = {}
    for where in ("summary", "track"):
        for track, word in re.findall(rf'id="{where}-([\w-]+)".*?data-verdict="([^"]*)"', html):
            out.setdefault(track, set()).add(word)
    return out


def markdown_verdicts(scenario, results) -> dict[str, set[str]]:
    """The Status column of the summary table and the Verdict column of Tracks at a glance."""
    text, _ = render_markdown(scenario, results)
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 2 and cells[0] in ("Open track", "Stuck track", "Closed track"):
            out.setdefault(cells[0], set()).add(cells[1])
    return out


def web_verdicts(scenario, results) -> dict[str, str]:
    """The verdict list at the top of the web app's results."""
    session = Session(id="test", results=results, results_scenario=scenario)
    html = pages.results(pages.environment(), session)
    return dict(re.findall(r'id="verdict-([\w-]+)".*?<span class="words">([^<]+)</span>', html))


@pytest.mark.parametrize("run, track, title, word", [
    ("full", "stuck", "Stuck track", "status quo only"),
    ("full", "open", "Open track", "can agree"),
    ("full", "closed", "Closed track", "blocked"),
    ("overview_only", "stuck", "Stuck track", "not known"),
])
def test_all_four_renderers_print_the_same_verdict(request, scenario, run, track, title, word):
    results = request.getfixturevalue(run)
    assert results["overview"].track(track).verdict.word == word
    assert terminal_verdicts(scenario, results)[title] == word
    assert html_verdicts(scenario, results)[track] == {word}
    assert markdown_verdicts(scenario, results)[title] == {word}
    assert web_verdicts(scenario, results)[track] == word
