"""The track overview on hand-computed cases."""

import pytest

import multitrack
from multitrack.overview import track_overview

TWO_ISSUES = """
id: hand
title: hand-computed
actors:
  - {id: a, name: A, kind: state}
  - {id: b, name: B, kind: state}
  - {id: c, name: C, kind: state}
tracks:
  - id: t
    title: T
    participants: [a, b, c]
    veto_players: [a, b]
    issues:
      - id: years
        kind: integer
        range: [0, 10]
        status_quo: 0
        positions:
          a: {salience: 1, monotone: increasing, red_lines: [{below: 4}]}
          b: {salience: 1, monotone: decreasing, red_lines: [{above: 6}, 5]}
          c: {salience: 1, monotone: decreasing, red_lines: [{above: 1}]}
      - id: form
        kind: categorical
        options: [x, y, z]
        status_quo: x
        positions:
          a: {salience: 1, values: {x: 0, y: 1, z: 2}, red_lines: [x]}
          b: {salience: 1, values: {x: 2, y: 1, z: 0}}
"""


def test_open_outcomes_are_the_product_of_issue_intersections():
    result = track_overview(multitrack.loads(TWO_ISSUES))
    track = result.track("t")
    years, form = track.issues
    # a allows 4..10, b allows 0..6 without 5: together 4 and 6; c holds no veto.
    assert years.open_values == (4.0, 6.0)
    assert form.open_values == ("y", "z")
    assert track.n_outcomes == 11 * 3
    assert track.n_open_outcomes == 2 * 2
    assert track.share_open == pytest.approx(4 / 33)
    assert years.status_quo_rejected_by == ("a",)  # 0 is below a's red line; c has no veto, 0 is fine for c
    assert form.status_quo_rejected_by == ("a",)
    # the red lines alone leave 4 of 33 outcomes; without the agreement space no verdict beyond that
    assert not track.red_lines_block and track.verdict.word == "not known"
    assert "not analysed" in track.verdict.reason and "4 of 33 outcomes open" in track.verdict.reason


def test_clashing_red_lines_block_the_track_and_name_the_pair():
    text = TWO_ISSUES.replace("red_lines: [{above: 6}, 5]", "red_lines: [{above: 3}]")
    track = track_overview(multitrack.loads(text)).track("t")
    years = track.issues[0]
    assert years.blocked and years.blocking_pairs == (("a", "b"),)
    assert track.red_lines_block and track.n_open_outcomes == 0
    assert track.verdict.word == "blocked"
    assert "A vs B" in track.verdict.reason and "'years'" in track.verdict.reason


def test_non_veto_participants_do_not_block():
    text = TWO_ISSUES.replace("c: {salience: 1, monotone: decreasing, red_lines: [{above: 1}]}",
                              "c: {salience: 1, monotone: decreasing, red_lines: [{above: 0}]}")
    assert not track_overview(multitrack.loads(text)).track("t").red_lines_block


def test_continuous_grid_and_primer():
    result = track_overview(multitrack.load("border-talks"))
    zone, inspections = result.track("border").issues
    assert zone.n_values == 51 and zone.n_open == 26  # 5..30 km on a 1 km grid
    assert inspections.open_values == ("none", "notification", "observers")
    assert result.to_dict()["tracks"][0]["n_open_outcomes"] == 78


def test_deferred_track_is_reported_not_judged():
    text = TWO_ISSUES.replace("    veto_players: [a, b]\n", "    veto_players: [a, b]\n    deferred: true\n")
    track = track_overview(multitrack.loads(text)).track("t")
    assert track.deferred and not track.red_lines_block and track.verdict.word == "not known"
    assert track.verdict.reason.startswith("the track is left open on purpose and not analysed")


def test_frames_have_one_row_per_track_and_issue():
    result = track_overview(multitrack.loads(TWO_ISSUES))
    assert list(result.to_frame()["track"]) == ["t"]
    assert [r["issue"] for r in result.issue_rows()] == ["years", "form"]


def test_a_track_without_a_status_quo_has_the_same_room_and_no_status_quo_fields():
    text = TWO_ISSUES.replace("        status_quo: 0\n", "").replace("        status_quo: x\n", "")
    result = track_overview(multitrack.loads(text))
    track = result.track("t")
    years, form = track.issues
    assert years.open_values == (4.0, 6.0) and form.open_values == ("y", "z") and track.n_open_outcomes == 4
    assert years.status_quo is None and years.status_quo_rejected_by == () == form.status_quo_rejected_by
    data = result.to_dict()["tracks"][0]["issues"]
    assert all("status_quo" not in i and "status_quo_rejected_by" not in i for i in data)
    assert all("status_quo" not in row and "status_quo_rejected_by" not in row for row in result.issue_rows())
    # with a status quo, both are there as before
    with_sq = track_overview(multitrack.loads(TWO_ISSUES)).to_dict()["tracks"][0]["issues"][0]
    assert "status_quo_rejected_by" in with_sq
