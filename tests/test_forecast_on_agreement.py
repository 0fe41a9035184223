"""Forecasts conditional on agreement (issue 21, item 3): each model rerun with every position moved
into the values no veto player's red line excludes. Hand-worked cases, the empty set, per-draw
checks against the formula, and what every renderer shows."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

import multitrack
from multitrack.cli.terminal import show_result
from multitrack.forecast.on_agreement import acceptable_set
from multitrack.report.forecast_section import issue_sentence
from multitrack.report.markdown import render_markdown
from multitrack.report.sections import render_section
from multitrack.settlement import DrawValues
from multitrack.settlement.preferences import issue_axis

HEAD = """\
version: 1
id: small
title: Small case
actors:
  - {id: r, name: Rland, kind: state, capability: 1}
  - {id: u, name: Uland, kind: state, capability: 1}
  - {id: w, name: Wland, kind: state, capability: 3}
"""

# r (capability 1) wants 30 and will not go below {floor}; u (1) and w (3) want 0; saliences 1;
# everyone holds a veto (unanimity). Unconditional mean (1*30 + 0 + 0) / 5 = 6, beyond r's floor.
# Acceptable set [15, 30] (floor 15): r stays at 30, u and w move to 15, so the mean conditional on
# agreement is (30 + 15 + 3*15) / 5 = 18, and the weighted median 15 (w and u hold 4 of 5 there).
TRACK = """\
tracks:
  - id: status
    title: Status
    participants: [r, u, w]
{rule}    issues:
      - id: moratorium
        title: Moratorium
        kind: {kind}
        range: [0, 30]
        unit: years
        status_quo: 0
        positions:
          r: {{salience: 1, monotone: increasing, red_lines: [{{below: {floor}}}]}}
          u: {{salience: 1, ideal: 0{u_line}}}
          w: {{salience: 1, ideal: 0}}
"""


def scenario(floor="15", u_line="", rule="", kind="integer") -> multitrack.Scenario:
    return multitrack.loads(HEAD + TRACK.format(floor=floor, u_line=u_line, rule=rule, kind=kind))


def forecast(s: multitrack.Scenario, draws: int = 20):
    return multitrack.analyze(s, only=["forecast"], draws=draws, seed=1)["forecast"]


def test_conditional_on_agreement_by_hand():
    r = forecast(scenario())
    issue = r.issue("moratorium")
    assert issue.model("mean").nominal == pytest.approx(6.0) and issue.breaches("mean")
    a = issue.acceptable
    assert (a.low, a.high, a.floor, a.floor_actor, a.ceiling_actor) == (15, 30, 15, "r", None)
    assert a.share_open == 1
    assert issue.on_agreement("mean").nominal == pytest.approx(18.0)
    assert issue.on_agreement("median").nominal == pytest.approx(15.0)
    for f in issue.agreed:  # every model's conditional forecast lies in the acceptable set
        assert 15 - 1e-9 <= f.nominal <= 30 + 1e-9 and f.low >= 15 - 1e-9 and f.share == 1.0


def test_no_agreement_when_a_floor_lies_above_a_ceiling():
    r = forecast(scenario(u_line=", red_lines: [{above: 10}]"))
    issue = r.issue("moratorium")
    assert issue.acceptable.empty and issue.acceptable.share_open == 0.0
    assert all(f.nominal is None and f.low is None and f.share == 0.0 for f in issue.agreed)
    sentence = issue_sentence(r, issue, {"r": "Rland", "u": "Uland"})
    assert "beyond Rland's floor of 15 years (in 100% of draws), where no agreement can land" in sentence
    assert ("no value satisfies every veto player (Rland's floor of 15 years lies above Uland's ceiling of "
            "10 years), nor in any draw, so there is no forecast conditional on agreement") in sentence
    assert r.to_dict()["issues"][0]["agreed"][0]["nominal"] is None


def test_only_veto_players_bound_the_acceptable_set():
    # a qualified rule with w the only veto player: r's floor can be outvoted, so nothing moves
    r = forecast(scenario(rule="    decision_rule: {kind: qualified, min_participants: 2}\n"
                               "    veto_players: [w]\n"))
    issue = r.issue("moratorium")
    assert issue.beyond_red_lines == ()
    assert (issue.acceptable.low, issue.acceptable.high, issue.acceptable.floor_actor) == (0, 30, None)
    for f in issue.forecasts:
        assert issue.on_agreement(f.model).nominal == pytest.approx(f.nominal)


def test_every_draw_uses_its_own_floor_vectorised():
    # continuous issue, floor uniform on [10, 20]: in draw d the mean is (30 + 4 f_d) / 5 and the
    # median f_d, so the two per-draw arrays must satisfy median = (5 mean - 30) / 4 in [10, 20]
    r = forecast(scenario(floor="{dist: uniform, low: 10, high: 20}", kind="continuous"), draws=200)
    mean, median = r.per_draw["moratorium/mean/agreed"], r.per_draw["moratorium/median/agreed"]
    np.testing.assert_allclose(median, (5 * mean - 30) / 4)
    assert median.min() >= 10 and median.max() <= 20 and np.ptp(median) > 5
    assert r.per_draw["moratorium/acceptable"].all()
    agreed = r.issue("moratorium").on_agreement("median")
    assert agreed.low == pytest.approx(np.percentile(median, 5))
    assert agreed.mean == pytest.approx(median.mean())


def test_a_red_line_broken_in_a_minority_of_draws_is_said_not_flagged():
    # floor uniform on [0, 10] (central 5): the mean 6 breaks it where the floor exceeds 6, 40% of draws
    r = forecast(scenario(floor="{dist: uniform, low: 0, high: 10}", kind="continuous"), draws=400)
    issue = r.issue("moratorium")
    assert issue.breaches("mean") == () and issue.breaches("median")  # the median (0) is flagged
    (some,) = [b for b in issue.beyond_in_some_draws if b.model == "mean"]
    assert (some.actor, some.relation) == ("r", "below")
    assert some.share == pytest.approx(np.mean(r.per_draw["moratorium/mean/beyond/r.0"]))
    assert 0.3 < some.share < 0.5
    sentence = issue_sentence(r, issue, {"r": "Rland"})
    assert (f"in some draws it lies beyond a veto player's red line (Rland's floor of 5 years in "
            f"{some.share:.0%} of draws)") in sentence and "where no agreement can land" not in sentence


EXCLUDED = """\
tracks:
  - id: t
    title: T
    participants: [r, u]
    issues:
      - id: q
        kind: integer
        range: [0, 10]
        status_quo: 0
        positions:
          r: {salience: 1, ideal: 4, red_lines: [5]}
          u: {salience: 1, ideal: 6}
"""


def test_an_excluded_value_moves_the_outcome_to_the_nearest_acceptable_one():
    # r and u weigh 1 each: mean (4 + 6) / 2 = 5, which r excludes; 4 and 6 are as near: the lower
    issue = forecast(multitrack.loads(HEAD + EXCLUDED)).issue("q")
    assert issue.model("mean").nominal == pytest.approx(5.0)
    assert [(b.model, b.relation) for b in issue.breaches("mean")] == [("mean", "equals")]
    assert issue.on_agreement("mean").nominal == pytest.approx(4.0)
    assert issue.acceptable.excluded == (5.0,)


POINTS = """\
tracks:
  - id: t
    title: T
    participants: [r, u]
    issues:
      - id: q
        kind: continuous
        range: [0, 100]
        status_quo: 0
        positions:
          r: {salience: 1, points: [[0, 0.8], [50, 0], [100, 1]], red_lines: [{above: 60}]}
          u: {salience: 1, ideal: 30}
"""


def test_a_curve_through_points_takes_its_best_acceptable_point_not_the_nearest():
    # r likes 100 best, but below the ceiling of 60 its curve peaks at 0 (0.8 against 0.2 at 60):
    # mean (0 + 30) / 2 = 15 (the nearest value, 60, would give 45)
    issue = forecast(multitrack.loads(HEAD + POINTS)).issue("q")
    assert issue.model("mean").nominal == pytest.approx(65.0)
    assert issue.on_agreement("mean").nominal == pytest.approx(15.0)


def test_a_curve_whose_best_point_is_acceptable_stays_there():
    # r's curve is flat at its best (1) from 0 up to 20, as it reads beyond its first point; its best
    # point 20 is acceptable (ceiling 60), so it stays at 20, not at the flat end 0: mean (20 + 30) / 2
    text = POINTS.replace("points: [[0, 0.8], [50, 0], [100, 1]]", "points: [[20, 1], [50, 0]]")
    issue = forecast(multitrack.loads(HEAD + text)).issue("q")
    assert issue.model("mean").nominal == pytest.approx(25.0)
    assert issue.on_agreement("mean").nominal == pytest.approx(25.0)


def test_a_forecast_without_any_weight_breaks_no_red_line():
    text = HEAD.replace("capability: 1}", "capability: 0}").replace("capability: 3}", "capability: 0}")
    s = multitrack.loads(text + TRACK.format(floor=15, u_line="", rule="", kind="integer"))
    issue = forecast(s).issue("moratorium")
    assert np.isnan(issue.model("mean").nominal)
    assert issue.beyond_red_lines == ()  # no forecast, so nothing lies beyond the floor


CROSS = """\
tracks:
  - id: status
    title: Status
    participants: [r, u, w]
    issues:
      - id: moratorium
        kind: integer
        range: [0, 30]
        status_quo: 0
        positions:
          r: {{salience: 1, monotone: increasing,
              red_lines: [{{below: 15, when: {{issue: door, in: [open]}}}}]}}
          u: {{salience: 1, ideal: 0}}
          w: {{salience: 1, ideal: 0}}
  - id: alliance
    title: Alliance
    participants: [u, w]
    issues:
      - id: door
        kind: categorical
        options: [open, closed]
        status_quo: {door_sq}
        positions:
          u: {{salience: 1, values: {{open: 1, closed: 0}}, red_lines: [closed]}}
"""


@pytest.mark.parametrize("door_sq, flagged", [("open", True), ("closed", False)])
def test_a_condition_on_another_track_must_hold_where_that_track_fails_too(door_sq, flagged):
    # every agreement on the alliance track keeps the door open, but if that track fails the door
    # stays at its status quo: closed, the floor does not bind there, so an agreement escapes it
    r = forecast(multitrack.loads(HEAD + CROSS.format(door_sq=door_sq)))
    issue = r.issue("moratorium")
    assert bool(issue.breaches("mean")) == flagged
    assert issue.on_agreement("mean").nominal == pytest.approx(18.0 if flagged else 6.0)


def test_every_renderer_shows_the_flag_and_the_conditional_forecast():
    s = scenario()
    r = multitrack.analyze(s, only=["forecast"], draws=20, seed=1)
    html = str(render_section(r["forecast"], s)).replace("&#39;", "'")
    assert "id='forecast-status-moratorium-agreed'" in html and "6.0 (6.0–6.0) †" in html
    sentence = ("the compromise model puts the outcome at 6.0 years (6.0–6.0), beyond Rland's floor of 15 "
                "years (in 100% of draws), where no agreement can land")
    conditional = ("Conditional on agreement (within 15–30 years, the values no veto player's red line "
                   "excludes) it is 18.0 years (18.0–18.0)")
    md = render_markdown(s, r)[0]
    for out in (html, md):
        assert sentence in out and conditional in out and "Tsebelis 2002" in out
    assert "| ↳ conditional on agreement | 15–30 |" in md
    console = Console(width=250, file=io.StringIO())
    show_result(console, "forecast", r["forecast"], s)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "6.0 †" in shown and "↳ conditional on agreement (acceptable: 15–30)" in shown
    assert "Moratorium: the compromise model's forecast lies beyond Rland's floor of 15 years" in shown
    data = r["forecast"].to_dict()["issues"][0]
    assert data["acceptable"]["low"] == 15 and data["agreed"][0]["nominal"] == pytest.approx(18)
    row = next(x for x in r["forecast"].rows() if x["model"] == "mean")
    assert row["agreed_nominal"] == pytest.approx(18) and row["beyond_red_lines_of"] == "r"


def test_builtin_scenario_flags_and_conditions_its_forecasts():
    r = multitrack.analyze(multitrack.load("european-security"), only=["forecast"], draws=200)["forecast"]
    tripwire = r.issue("tripwire-force")  # Ukraine's floor (5) above Russia's ceiling (0): no agreement
    assert tripwire.acceptable.empty and tripwire.acceptable.share_open == 0
    assert (tripwire.acceptable.floor_actor, tripwire.acceptable.ceiling_actor) == ("UKR", "RUS")
    assert all(f.nominal is None for f in tripwire.agreed) and tripwire.breaches("mean")
    notice = r.issue("exercise-notice")  # Russia's ceiling of 60 days: Poland's 90 moves to 60
    assert (notice.acceptable.low, notice.acceptable.high) == (0, 60)
    assert notice.on_agreement("mean").nominal < notice.model("mean").nominal
    moratorium = r.issue("accession-moratorium")  # Russia's conditional floor binds: the door stays open
    assert moratorium.acceptable.floor_actor == "RUS" and 0.5 < moratorium.acceptable.share_open < 1
    for i in r.issues:
        for f in i.agreed:
            draws = r.per_draw[f"{i.issue}/{f.model}/agreed"]
            assert np.isfinite(draws).mean() == pytest.approx(i.acceptable.share_open)
            if f.nominal is not None:
                assert i.acceptable.low - 1e-9 <= f.nominal <= i.acceptable.high + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-5, 15), min_size=1, max_size=6), st.integers(0, 20).map(lambda k: k / 2),
       st.integers(0, 20).map(lambda k: k / 2), st.sampled_from(["integer", "continuous"]))
def test_into_the_acceptable_set_is_the_nearest_acceptable_value(xs, floor, ceiling, kind):
    s = multitrack.loads(f"""\
version: 1
id: p
title: P
actors:
  - {{id: a, name: A, kind: state}}
  - {{id: b, name: B, kind: state}}
tracks:
  - id: t
    title: T
    participants: [a, b]
    issues:
      - id: q
        kind: {kind}
        range: [0, 10]
        positions:
          a: {{salience: 1, ideal: 1, red_lines: [{{below: {floor}}}, 4]}}
          b: {{salience: 1, ideal: 2, red_lines: [{{above: {ceiling}}}]}}
""")
    track = s.tracks[0]
    acc = acceptable_set(s, track, track.issues[0], DrawValues.central())
    grid = np.arange(0, 11) if kind == "integer" else np.linspace(0, 10, 100001)
    ok = (grid >= floor) & (grid <= ceiling) & ~np.isclose(grid, 4)
    assert bool(acc.open[0]) == bool(ok.any())
    moved = acc.into(np.array([xs]))[0]
    step = 1.0 if kind == "integer" else float(np.diff(issue_axis(track.issues[0], s.settings))[0])
    for x, m in zip(xs, moved, strict=True):
        if not ok.any():
            assert np.isnan(m)
            continue
        best = np.min(np.abs(grid[ok] - x))  # no acceptable value lies nearer than the one chosen
        on_excluded = np.isclose(np.clip(x, acc.low[0], acc.high[0]), 4)  # then the axis decides: one step
        assert abs(m - x) <= best + (step if on_excluded else 1e-3) and not np.isclose(m, 4)
        assert floor - 1e-9 <= m <= ceiling + 1e-9


def test_compare_says_when_the_headline_forecast_lies_beyond_a_red_line():
    from multitrack.compare.findings import extract_results

    found = extract_results(multitrack.analyze(scenario(), only=["forecast"], draws=20, seed=1))
    assert found["forecast:moratorium"].text == ("6 years (mean model), beyond the red line of r; "
                                                 "conditional on agreement: 18 years")
    blocked = scenario(u_line=", red_lines: [{above: 10}]")
    found = extract_results(multitrack.analyze(blocked, only=["forecast"], draws=20, seed=1))
    assert found["forecast:moratorium"].text.endswith("red line of r; conditional on agreement: none")


def test_the_conditional_forecast_does_not_depend_on_the_order_of_the_actors():
    floor = "{dist: uniform, low: 10, high: 20}"
    text = HEAD + TRACK.format(floor=floor, u_line="", rule="", kind="continuous")
    lines = text.splitlines(keepends=True)
    at = next(k for k, line in enumerate(lines) if line.startswith("          r:"))
    swapped = "".join(lines[:at] + lines[at:at + 3][::-1] + lines[at + 3:])
    assert swapped != text
    a = forecast(multitrack.loads(text), draws=50).issue("moratorium")
    b = forecast(multitrack.loads(swapped), draws=50).issue("moratorium")
    for f in a.agreed:
        g = b.on_agreement(f.model)
        assert (g.nominal, g.low, g.high) == pytest.approx((f.nominal, f.low, f.high))
