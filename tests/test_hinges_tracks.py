"""Switching values of a track's verdict and of the process comparison (issue 17, item 4), on toy
scenarios worked by hand.

Track t: one integer issue x in 0..20 (status quo 0) between p, who wants it low and never above
its threshold T (a red line), and q, who wants it high and never below 12. Both have a costless
no-deal value 0, so each accepts any value its red line allows. The track can agree exactly when
some x satisfies 12 <= x <= T: when T >= 12. Track u: q and r on an issue y in 0..10 (q wants it
high, r low), both with no-deal value 0, so it agrees on any y; r's salience is uncertain.

In a sequence [t, u] with failure penalty c, t's failure raises both parties' reservation on u by
c of their range (0-1): u then needs y/10 >= c and 1 - y/10 >= c, so it agrees exactly when
c <= 0.5. Parallel gets u agreed whatever c; so parallel is ahead of the sequence by one track
while t fails and c > 0.5, and ties it when c < 0.5 or T >= 12.
"""

from __future__ import annotations

import pytest

import multitrack
from multitrack.hinges import hinge_sentence
from multitrack.hinges.analysis import design_hinges, hinges_analysis, track_hinges
from multitrack.hinges.designs import Ranking, design_gap, design_inputs
from multitrack.hinges.tracks import Search, base_rows, reached_tracks, reaching_inputs, track_verdict
from multitrack.process.analysis import compare_designs
from multitrack.settlement import Settlement

TOY = """\
version: 1
id: toy
title: toy
sources:
  - {id: s, title: s, publisher: s, year: 2024}
actors:
  - {id: p, name: P, kind: state}
  - {id: q, name: Q, kind: state}
  - {id: r, name: R, kind: state, capability: {dist: uniform, low: 1, high: 2}}
tracks:
  - id: t
    title: T
    participants: [p, q]
    no_deal:
      p: {value: 0}
      q: {value: 0}
    issues:
      - id: x
        kind: integer
        range: [0, 20]
        status_quo: 0
        positions:
          p: {salience: PSAL, monotone: decreasing, red_lines: [{above: THRESHOLD}], source: s}
          q: {salience: 1, monotone: increasing, red_lines: [{below: 12}], source: s}
  - id: u
    title: U
    participants: [q, r]
    no_deal:
      q: {value: 0}
      r: {value: 0}
    issues:
      - id: y
        kind: integer
        range: [0, 10]
        status_quo: 0
        positions:
          q: {salience: 1, monotone: increasing, source: s}
          r: {salience: {dist: uniform, low: 0.5, high: 1.5}, monotone: decreasing, source: s}
process:
  sequence: [t, u]
  failure_penalty: PENALTY
"""

UNIFORM_8_14 = "{dist: uniform, low: 8, high: 14}"


def toy(threshold: str = "10", penalty: str = "0", psal: str = "1"):
    return multitrack.loads(TOY.replace("THRESHOLD", threshold).replace("PENALTY", penalty)
                            .replace("PSAL", psal))


def hinges_of(scenario, draws: int = 40, upstream: dict | None = None):
    run = Settlement.from_scenario(scenario, draws=draws).run
    found, notes = track_hinges(scenario, run, upstream or {}, None)
    return {h.id: h for h in found}, notes


def test_a_stated_red_line_at_10_against_a_floor_at_12_switches_at_12():
    hinges, _ = hinges_of(toy("10"))
    h = hinges["track:t/central"]
    assert h.now == 0.0 and h.about == "track"
    [s] = [s for s in h.switches if s.label.startswith("p red line")]
    assert s.value == pytest.approx(12, abs=1e-3) and s.direction == "above"
    assert s.percentile is None and s.central == 10   # a stated number, and the number it replaces
    # and the other way round: q's floor at 12 would have to fall to p's threshold, 10
    [floor] = [s for s in h.switches if s.label.startswith("q red line")]
    assert floor.value == pytest.approx(10, abs=1e-3) and floor.direction == "below"
    text = hinge_sentence(h)
    assert "steady" in text and "p red line (above), x exceeds 12 (a stated number, now 10)" in text


def test_an_uncertain_red_line_switches_at_12_at_its_percentile():
    # T uniform on 8..14, central 11: the central verdict fails and flips at T = 12, the
    # (12 - 8) / 6 = 67th percentile. Over the draws, T fixed at v in every draw agrees in every
    # draw when v >= 12 and in none below: the share crosses one half at 12 as well; as drawn, the
    # track agrees where T >= 12, a third of the draws.
    hinges, _ = hinges_of(toy(UNIFORM_8_14), draws=300)
    for kind in ("central", "share"):
        h = hinges[f"track:t/{kind}"]
        [s] = [s for s in h.switches if s.percentile is not None]
        assert s.value == pytest.approx(12, abs=1e-3) and s.direction == "above"
        assert s.percentile == pytest.approx(4 / 6, abs=1e-3)
        assert not h.is_steady
    assert hinges["track:t/share"].now == pytest.approx(1 / 3, abs=0.08)


def test_a_steady_verdict_says_what_would_have_to_change():
    # T uniform on 13..16: the track agrees whatever T draws; T would have to fall below 12.
    hinges, _ = hinges_of(toy("{dist: uniform, low: 13, high: 16}"))
    h = hinges["track:t/central"]
    assert h.now == 1.0 and h.is_steady
    assert not [s for s in h.switches if s.percentile is not None]
    [s] = [s for s in h.would_take if s.label.startswith("p red line")]
    assert s.value == pytest.approx(12, abs=1e-3) and s.direction == "below"
    assert (s.low, s.high) == (13, 16)   # the estimate's own range, which the value lies outside
    text = hinge_sentence(h)
    assert "steady" in text and "would take p red line (above), x moving below 12" in text


def test_a_verdict_nothing_flips_is_steady_with_no_switch():
    # u agrees on any y whatever the saliences: no input of u flips it, even far out.
    hinges, _ = hinges_of(toy("10"))
    h = hinges["track:u/central"]
    assert h.now == 1.0 and h.is_steady and not h.would_take
    assert "r salience, y" in h.steady


def test_inputs_outside_a_track_are_never_listed():
    scenario = toy(UNIFORM_8_14)
    t, u = scenario.tracks
    on_t = {i.key for i in reaching_inputs(scenario, reached_tracks(scenario, t))}
    on_u = {i.key for i in reaching_inputs(scenario, reached_tracks(scenario, u))}
    # t's own estimates and those of p and q (actors 0 and 1), never u's or r's (actor 2), and the
    # other way round for u
    assert on_t and all(k.startswith(("tracks.0.", "actors.0.", "actors.1.")) for k in on_t)
    assert on_u and all(k.startswith(("tracks.1.", "actors.1.", "actors.2.")) for k in on_u)
    assert "actors.2.capability" in on_u and "tracks.1.issues.0.positions.r.salience" in on_u
    hinges, _ = hinges_of(scenario)
    listed = {s.label for s in hinges["track:t/central"].switches} | set(hinges["track:t/central"].steady)
    assert listed and not any(label.startswith("r ") or label.endswith(", y") for label in listed)
    assert "r capability" in hinges["track:u/central"].steady
    assert "r salience, y" in hinges["track:u/central"].steady


def test_the_track_verdict_is_vectorised_over_rows():
    # one call evaluates many rows: T at 11, 12, 13 in three rows gives fail, agree, agree
    scenario = toy(UNIFORM_8_14)
    t = scenario.tracks[0]
    inputs = reaching_inputs(scenario, reached_tracks(scenario, t))
    search = Search(track_verdict(scenario, t, inputs), inputs, base_rows(inputs, None), 0.5)
    j = next(k for k, i in enumerate(inputs) if "red_lines" in i.key)
    assert list(search.measure(j)([11.0, 12.0, 13.0])) == [0.0, 1.0, 1.0]


def test_the_design_comparison_flips_at_the_failure_penalty_and_at_the_red_line():
    # central: T = 11 (t fails), c = 0.6: parallel 1 track, the sequence 0. The lead goes at c = 0.5
    # (the sequence then agrees u) and at T = 12 (t agrees, no failure to penalise).
    scenario = toy(UNIFORM_8_14, penalty="{dist: uniform, low: 0.3, high: 0.9}")
    rank = Ranking("parallel", "sequential", 1.0, 0.0, {"parallel": (), "sequential": ("t", "u")})
    inputs = design_inputs(scenario, rank)
    assert any(i.key == "process.failure_penalty" for i in inputs)
    search = Search(design_gap(scenario, rank, inputs), inputs, base_rows(inputs, None), 1e-9)
    assert search.now() == 1.0
    found, _, _ = search.switches()
    by = {s.input: s for s in found}
    penalty = by["process.failure_penalty"]
    assert penalty.value == pytest.approx(0.5, abs=0.01) and penalty.direction == "below"
    assert penalty.percentile == pytest.approx((0.5 - 0.3) / 0.6, abs=0.02)
    line = next(s for s in found if "red_lines" in s.input)
    assert line.value == pytest.approx(12, abs=1e-3) and line.direction == "above"


def test_design_hinges_read_the_process_ranking():
    scenario = toy(UNIFORM_8_14, penalty="{dist: uniform, low: 0.3, high: 0.9}")
    settlement = Settlement.from_scenario(scenario, draws=60)
    process = compare_designs(scenario, settlement=settlement)
    found, notes = design_hinges(scenario, settlement.run, {"process": process}, None)
    h = next(h for h in found if h.id == "designs/central")
    assert h.about == "designs" and h.now > 0
    assert any(s.input == "process.failure_penalty" and s.value == pytest.approx(0.5, abs=0.01)
               for s in h.switches)
    assert "is no longer ahead if" in hinge_sentence(h)
    assert any(x.id == "designs/mean" for x in found) or any("outcome evaluations" in n for n in notes)


def test_the_registered_analysis_applies_to_tracks_without_deterrence():
    from multitrack.analysis import available  # noqa: PLC0415

    scenario = toy("10")
    spec = next(s for s in available() if s.name == "hinges")
    assert spec.applies is not None and spec.applies(scenario)
    result = hinges_analysis(scenario, settlement=Settlement.from_scenario(scenario, draws=20))
    assert {"track:t/central", "track:u/central"} <= {h.id for h in result.hinges}


def test_a_run_too_big_for_the_draws_search_says_its_size(monkeypatch):
    import multitrack.hinges.analysis as analysis  # noqa: PLC0415

    monkeypatch.setattr(analysis, "MAX_OUTCOME_WORK", 10)
    hinges, notes = hinges_of(toy(UNIFORM_8_14))
    assert "track:t/central" in hinges and "track:t/share" not in hinges
    assert any("'t' " in n and "outcome evaluations" in n and "more than 10 " in n for n in notes)


def test_the_report_and_terminal_show_the_track_and_design_hinges():
    import re  # noqa: PLC0415

    from rich.console import Console  # noqa: PLC0415

    from multitrack.cli.terminal import show_result  # noqa: PLC0415
    from multitrack.report.html import render_html  # noqa: PLC0415
    from multitrack.report.markdown import render_markdown  # noqa: PLC0415
    from multitrack.report.summary import security_findings, summary_findings  # noqa: PLC0415

    scenario = toy("10", penalty="{dist: uniform, low: 0.3, high: 0.9}")
    results = multitrack.analyze(scenario, draws=30, only=["process", "hinges"])
    track = next(h for h in results["hinges"].hinges if h.id == "track:t/central")
    sentence = hinge_sentence(track)
    assert ("What does the track's verdict hinge on?", sentence) in summary_findings(results, scenario)
    assert security_findings(results, scenario) == []   # not a security analysis
    text, _ = render_markdown(scenario, results)
    assert sentence in text and "What the security analyses find" not in text
    assert "exceeds 12 (a stated number, now 10)" in re.sub(r"\s+", " ", render_html(scenario, results))
    console = Console(record=True, width=200)
    show_result(console, "hinges", results["hinges"], scenario)
    out = re.sub(r"\s+", " ", console.export_text())
    assert sentence in out and any(h.about == "designs" and hinge_sentence(h) in out
                                   for h in results["hinges"].hinges)


def test_a_switch_only_at_the_end_of_an_estimate_is_out_of_its_range():
    # T uniform on 8..12: the track agrees only at T = 12, the estimate's highest value, which no
    # draw reaches in practice: the verdict is steady, and T would have to reach 12.
    hinges, _ = hinges_of(toy("{dist: uniform, low: 8, high: 12}"))
    h = hinges["track:t/central"]
    assert h.now == 0.0 and h.is_steady
    [s] = [s for s in h.would_take if s.label.startswith("p red line")]
    assert s.value == pytest.approx(12, abs=1e-3) and s.direction == "above"
    assert "steady" in hinge_sentence(h)


def test_a_cost_per_month_is_never_searched_below_zero():
    """The schema keeps a no-deal cost per month at or above zero (a negative cost would be a gain
    from failing); a stated one is searched from 0 up, and a widened range stops at 0 too."""
    from multitrack.hinges.tracks import _input, widened
    from multitrack.scenario.estimates import Fixed

    path = ("tracks", 0, "no_deal", "p", "cost_per_month")
    inp = _input(toy(), path, Fixed(value=0.01))
    assert inp.low == 0.0 and inp.high > 0.01
    wide = widened(inp)
    assert wide.low == 0.0 and wide.high > inp.high
    salience_path = ("tracks", 0, "issues", 0, "positions", "p", "salience")
    salience = widened(_input(toy(), salience_path, Fixed(value=1)))
    assert salience.low == 0.0
