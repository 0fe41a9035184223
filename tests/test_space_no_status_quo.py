"""Tracks without a status quo (negotiation games, Genius domains): acceptance by reservation
values, gains and the indivisible-security test against the disagreement point, and no output
that speaks of a status quo."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import multitrack
from multitrack.errors import ScenarioError
from multitrack.report.html import render_html
from multitrack.report.markdown import render_markdown
from multitrack.space import analyze_track, build_track_space

# The split track of test_space_hand without its status quo. p and q split issue A (values sum
# to 2) and pull issue B (0..4) apart, so U_p + U_q = 3 on every outcome; both hold reservation
# value 1, so U_p lies in [1, 2] on the 7 acceptable outcomes:
#   a = x: b = 4;  a = y: b = 0..4;  a = z: b = 0.
# The disagreement point is (1, 1), normalised over [0, 3] to (1/3, 1/3). No acceptable outcome
# leaves anybody below it, so all 7 pass the indivisible-security test (against the status quo
# (x, 0), where q holds 3, none did). Nash: U = (1.5, 1.5) at (y, 2); gains (1.5 - 1) / 3 = 1/6.
NO_STATUS_QUO = """
id: split
title: split
actors:
  - {id: p, name: P, kind: state, capability: 2}
  - {id: q, name: Q, kind: state, capability: 1}
tracks:
  - id: t
    title: T
    participants: [p, q]
    reservation_values: {p: 1, q: 1}
    discount_factors: {p: 0.9}
    issues:
      - id: a
        kind: categorical
        options: [x, y, z]
        positions:
          p: {salience: 1, values: {x: 0, y: 1, z: 2}}
          q: {salience: 1, values: {x: 2, y: 1, z: 0}}
      - id: b
        kind: integer
        range: [0, 4]
        positions:
          p: {salience: 1, monotone: increasing}
          q: {salience: 1, monotone: decreasing}
"""


@pytest.fixture
def scenario():
    return multitrack.loads(NO_STATUS_QUO)


def test_the_track_states_no_status_quo(scenario):
    track = scenario.tracks[0]
    assert not track.has_status_quo and all(i.status_quo is None for i in track.issues)


def test_acceptance_gains_and_indivisible_security_against_the_reservation_point(scenario):
    t = analyze_track(scenario, scenario.tracks[0])
    assert t.baseline == "disagreement point" and not t.has_status_quo
    assert t.n_outcomes == 15 and t.n_agreeable == 7 and t.accepted_by == {"p": 11, "q": 11}
    assert t.n_indivisible == 7
    assert t.reservation == pytest.approx({"p": 1 / 3, "q": 1 / 3})
    assert t.reservation_raw == {"p": 1.0, "q": 1.0}
    assert t.status_quo == {} and t.status_quo_utility == {}
    nash = t.solution("nash")
    assert nash.outcome == {"a": "y", "b": 2.0}
    assert nash.gain == pytest.approx({"p": 1 / 6, "q": 1 / 6})
    assert nash.raw_utility == pytest.approx({"p": 1.5, "q": 1.5})
    assert nash.indivisible and nash.below_baseline == ()
    # the Nash solution among the outcomes that pass the test is there, and the same point
    assert t.solution("nash_indivisible").outcome == nash.outcome
    space = build_track_space(scenario, scenario.tracks[0])
    assert list(space.baseline) == [1.0, 1.0] and list(space.reservation) == [1.0, 1.0]


def test_without_reservation_values_the_disagreement_point_is_the_worst_outcome(scenario):
    text = NO_STATUS_QUO.replace("    reservation_values: {p: 1, q: 1}\n", "")
    s = multitrack.loads(text)
    space = build_track_space(s, s.tracks[0])
    assert list(space.reservation) == [0.0, 0.0] == list(space.baseline)  # each one's lowest utility
    t = analyze_track(s, s.tracks[0])
    assert t.n_agreeable == 15 and t.n_indivisible == 15  # every outcome: no red lines, nothing to lose
    from multitrack.scenario.warnings import scenario_warnings

    said = [w.message for w in scenario_warnings(s) if "no reservation value" in w.message]
    assert len(said) == 2 and "worst outcome" in said[0]  # the default is said, not silent
    assert not [w for w in scenario_warnings(multitrack.loads(NO_STATUS_QUO)) if "reservation" in w.message]


def test_a_track_states_its_status_quo_on_every_issue_or_on_none():
    text = NO_STATUS_QUO.replace("        options: [x, y, z]\n",
                                 "        options: [x, y, z]\n        status_quo: x\n")
    with pytest.raises(ScenarioError) as caught:
        multitrack.loads(text, "half.yaml")
    message = str(caught.value)
    assert "\n" not in message and "tracks[0].issues[1].status_quo" in message
    assert "status quo is missing" in message


def test_frontier_outcomes_in_the_issues_own_terms_with_raw_utilities(scenario):
    t = analyze_track(scenario, scenario.tracks[0])
    points = sorted(zip(t.frontier_raw, t.frontier_outcomes, t.frontier))
    assert [raw for raw, _, _ in points] == [(1.0, 2.0), (1.25, 1.75), (1.5, 1.5), (1.75, 1.25), (2.0, 1.0)]
    for raw, outcome, norm in points:  # each outcome is worth what the row says, raw and 0-1
        u_p = {"x": 0, "y": 1, "z": 2}[outcome["a"]] + outcome["b"] / 4
        assert raw == pytest.approx((u_p, 3 - u_p)) and norm == pytest.approx((u_p / 3, 1 - u_p / 3))


def test_the_agreement_output_says_discount_factors_leave_the_frontier_unchanged(scenario):
    t = analyze_track(scenario, scenario.tracks[0])
    assert any("Discount factors (p 0.9)" in n and "frontier" in n and "same with or without" in n
               for n in t.notes)
    plain = multitrack.loads(NO_STATUS_QUO.replace("    discount_factors: {p: 0.9}\n", ""))
    undiscounted = analyze_track(plain, plain.tracks[0])
    assert undiscounted.notes == ()
    assert undiscounted.frontier == t.frontier and undiscounted.solutions == t.solutions


STATUS_QUO = re.compile(r"status[ _-]?quo", re.IGNORECASE)


def test_no_output_speaks_of_a_status_quo(scenario, tmp_path):
    results = multitrack.analyze(scenario, only=["overview", "agreement", "forecast", "process", "negotiation"],
                                 draws=40)
    html = render_html(scenario, results)
    assert "Disagreement point" in html or "disagreement point" in html
    markdown, figures = render_markdown(scenario, results)
    data = json.dumps({name: r.to_dict() for name, r in results.items()})
    rows = json.dumps([r.rows() for r in results.values()], default=str)
    for text in (html, markdown, data, rows, *(svg.decode() for svg in figures.values())):
        assert not STATUS_QUO.search(text), STATUS_QUO.search(text)
    assert "Discount factors (p 0.9)" in html and "Discount factors (p 0.9)" in markdown
    # the frontier outcome by outcome, in the issues' own terms with raw utilities beside the 0-1 ones
    assert "<summary>The Pareto frontier outcome by outcome (5)</summary>" in html
    assert "<td>y</td><td>2</td><td>0.50 (raw 1.5)</td><td>0.50 (raw 1.5)</td>" in html
    assert "| y | 2 | 0.50 (raw 1.5) | 0.50 (raw 1.5) |" in markdown
    path = tmp_path / "split.yaml"
    path.write_text(NO_STATUS_QUO)
    for args in (["show", str(path)],
                 ["analyze", str(path), "--out", str(tmp_path / "r"), "--no-record", "--draws", "40",
                  "--only", "overview", "--only", "agreement", "--only", "forecast", "--only", "process",
                  "--only", "negotiation"]):
        proc = subprocess.run([sys.executable, "-m", "multitrack", *args], capture_output=True, text=True,
                              check=False, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert not STATUS_QUO.search(proc.stdout), proc.stdout
    assert not STATUS_QUO.search((tmp_path / "r" / "results.json").read_text())


def test_with_a_status_quo_nothing_changes_but_the_additions():
    """The built-in primer states a status quo: the words stay the status quo's."""
    s = multitrack.load("border-talks")
    t = analyze_track(s, s.tracks[0])
    assert t.has_status_quo and t.status_quo and "improves_on_status_quo" in t.to_dict()
    assert all("below_status_quo" in sol for sol in t.to_dict()["solutions"])


def test_the_mediator_starts_from_a_seeded_draw_where_no_status_quo_exists(scenario):
    """No outcome has a claim to be the first text: not each issue's first value, a seeded draw."""
    import numpy as np

    from multitrack.negotiation import NegotiationDomain, mediate
    from multitrack.negotiation.mediator import MediatorConfig

    domain = NegotiationDomain.from_scenario(scenario)
    assert not domain.has_status_quo and domain.start is None
    for seed in range(3):
        first = mediate(domain, config=MediatorConfig(record_offers=True), seed=seed).offers[0].outcome
        assert first == int(np.random.default_rng(seed).integers(domain.n_outcomes))
    assert {mediate(domain, config=MediatorConfig(record_offers=True), seed=s).offers[0].outcome
            for s in range(3)} != {0}


def test_the_process_comparison_takes_the_disagreement_point_as_no_deal(scenario):
    import numpy as np

    from multitrack.process.batch_space import DrawValues, build_batch_space, parties_of

    track = scenario.tracks[0]
    values = DrawValues((), np.zeros((3, 0)))
    space = build_batch_space(scenario, track, values, parties_of(track, None, {}))
    assert np.array_equal(space.reservation, np.ones((3, 2)))
    assert np.array_equal(space.disagreement, space.reservation)
    bare = multitrack.loads(NO_STATUS_QUO.replace("    reservation_values: {p: 1, q: 1}\n", ""))
    worst = build_batch_space(bare, bare.tracks[0], values, parties_of(bare.tracks[0], None, {}))
    assert np.array_equal(worst.reservation, np.zeros((3, 2)))
    assert np.array_equal(worst.disagreement, worst.reservation)
