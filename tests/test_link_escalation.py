"""Agreed measures feed escalation (issue 16): a confidence-building measure tied to a track is
in force only in the draws in which its track agrees, its effect scaled by the agreed value of
its issue through the declared response.

Every number is worked by hand on a two-rung ladder (calm, war; war absorbing): with a monthly
chance p of war, P(war within h months) = 1 - (1 - p)^h. Here p = 0.1 and h = 12; a measure
with stated factor 0.5 at strength s multiplies p by 1 + s * (0.5 - 1) = 1 - s / 2:
s = 1 -> p = 0.05, s = 0.5 -> p = 0.075, s = 0 -> p = 0.1.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import multitrack
from multitrack.errors import ScenarioError
from multitrack.escalation.analysis import ALL_IN_FORCE, escalation_analysis
from multitrack.montecarlo.perdraw import PerDraw
from multitrack.settlement import Settlement


def risk(s: float) -> float:
    """P(war within 12 months) at strength s of a measure with factor 0.5 on p = 0.1."""
    return 1 - (1 - 0.1 * (1 - s / 2)) ** 12


NONE, HALF, FULL = risk(0), risk(0.5), risk(1)

HEAD = """\
version: 1
id: cbm-toy
title: Confidence-building on a toy ladder
sources:
  - {{id: s, title: x, publisher: y, year: 2026}}
actors:
  - {{id: north, name: Northland, kind: state, capability: 1}}
  - {{id: south, name: Southland, kind: state, capability: 1}}
tracks:
  - id: cbm
    title: Confidence-building
    participants: [north, south]
    veto_players: [north, south]
    issues:
      - id: notice
        title: Notice of exercises
        kind: integer
        range: [0, 90]
        unit: days
        status_quo: 0
        positions:
          north: {{salience: 1, ideal: {north}{north_red}}}
          south: {{salience: 1, ideal: {south}}}
      - id: channels
        kind: ordinal
        options: [frozen, hotline, council]
        status_quo: frozen
        positions:
          north: {{salience: 0.1, ideal: frozen}}
          south: {{salience: 0.1, ideal: frozen}}
escalation:
  rungs: [calm, war]
  horizons: [12]
  theatres:
    - id: sea
      title: The sea
      up: {{calm->war: 0.1}}
      down: {{}}
  measures:
    - id: notice
      title: Notice of exercises
      track: cbm
      issue: notice
{response}      effects:
        - {{transition: calm->war, factor: 0.5}}
    - id: talks
      title: Military talks
      track: cbm
      issue: channels
      response: {{values: {{frozen: 0, hotline: 0.5, council: 1}}}}
      effects:
        - {{transition: calm->war, factor: 0.5}}
"""

RESPONSE = "      response: {anchors: [[14, 0.0], [42, 1.0]], estimated: true}\n"


def toy(north=42, south=42, north_red="", response=RESPONSE) -> multitrack.Scenario:
    return multitrack.loads(HEAD.format(north=north, south=south, north_red=north_red, response=response))


def fake_process(agreed, notice, channel) -> SimpleNamespace:
    """A process result that holds only what the escalation analysis reads, by draw."""
    d = len(agreed)
    agreed_a = np.array(agreed, dtype=bool)[:, None]
    choice = np.column_stack([np.where(agreed_a[:, 0], np.nan_to_num(notice), -1).astype(int),
                              np.where(agreed_a[:, 0], channel, -1)])
    arrays = {"parallel.agreed": agreed_a, "parallel.choice.cbm": choice,
              "parallel.value.cbm.notice": np.where(agreed_a[:, 0], notice, np.nan),
              "parallel.value.cbm.channels": np.where(agreed_a[:, 0], channel, np.nan)}
    return SimpleNamespace(tracks=("cbm",), per_draw=PerDraw.of(arrays, d, 0))


def run(scenario, process=None, draws=4):
    settlement = Settlement.from_scenario(scenario, draws=draws)
    upstream = {} if process is None else {"process": process}
    return escalation_analysis(scenario, settlement=settlement, upstream=upstream)


def reach(result, scenario: str) -> np.ndarray:
    """P(war within 12 months) in the sea, by draw."""
    return result.per_draw["reach"][:, list(result.scenarios).index(scenario), 0, result.months.index(12), 1]


# --------------------------------------------------------------------------- draw by draw


def test_a_measure_counts_only_where_its_track_agrees_and_scales_with_the_agreed_value():
    # draw:        0      1      2      3
    # agreed:      yes    no     yes    yes
    # notice:      42     -      28     14     -> s = 1, 0, 0.5, 0 (anchors 14 -> 0, 42 -> 1)
    # channels:    council -     hotline frozen -> s = 1, 0, 0.5, 0
    r = run(toy(), fake_process([1, 0, 1, 1], [42, np.nan, 28, 14], [2, 0, 1, 0]))
    assert r.basis == "process"
    np.testing.assert_allclose(reach(r, "none"), [NONE] * 4, rtol=1e-6)
    np.testing.assert_allclose(reach(r, "notice"), [FULL, NONE, HALF, NONE], rtol=1e-6)
    np.testing.assert_allclose(reach(r, "talks"), [FULL, NONE, HALF, NONE], rtol=1e-6)
    # both together: factors multiply, p = 0.1 * 0.5 * 0.5 in draw 0 and 0.1 * 0.75 * 0.75 in draw 2
    both = [1 - 0.975 ** 12, NONE, 1 - (1 - 0.1 * 0.75 ** 2) ** 12, NONE]
    np.testing.assert_allclose(reach(r, "package"), both, rtol=1e-6)
    # the old reading, kept as a labelled hypothetical: every measure at full effect in every draw
    assert "hypothetical" in r.scenarios[ALL_IN_FORCE]
    np.testing.assert_allclose(reach(r, ALL_IN_FORCE), [1 - 0.975 ** 12] * 4, rtol=1e-6)

    m = r.measure_in_force("notice")
    assert m.track_agrees == 0.75 and m.in_force == 0.5 and m.strength == pytest.approx(0.375)
    assert m.reduction == pytest.approx((NONE - FULL + NONE - HALF) / 4, rel=1e-5)
    assert m.reduction_agreed == pytest.approx((NONE - FULL + NONE - HALF + 0) / 3, rel=1e-5)
    assert m.reduction_failed == 0.0  # zero where the track fails, by construction
    assert m.reduction_full == pytest.approx(NONE - FULL, rel=1e-5)


def test_the_bigger_agreed_value_gives_the_bigger_reduction():
    at = {v: run(toy(), fake_process([1], [v], [0]), draws=1).measure_in_force("notice")
          for v in (0, 14, 28, 35, 42, 60)}
    cuts = [at[v].reduction for v in (14, 28, 35, 42)]
    assert cuts == sorted(cuts) and cuts[0] == 0 and cuts[-1] > cuts[1] > 0
    assert at[28].reduction == pytest.approx(NONE - HALF, rel=1e-5)
    assert at[35].reduction == pytest.approx(NONE - risk(0.75), rel=1e-5)
    assert at[42].reduction == pytest.approx(NONE - FULL, rel=1e-5)
    assert at[0].reduction == 0 and at[60].reduction == at[42].reduction  # clamped beyond the anchors


def test_without_a_response_the_full_effect_holds_wherever_the_track_agrees():
    r = run(toy(response=""), fake_process([1, 0], [3, np.nan], [0, 0]), draws=2)
    np.testing.assert_allclose(reach(r, "notice"), [FULL, NONE], rtol=1e-6)


def test_a_measure_tied_to_no_track_stays_in_force_as_before():
    text = HEAD.format(north=42, south=42, north_red="", response=RESPONSE)
    text = text.replace("      track: cbm\n      issue: notice\n" + RESPONSE, "")
    r = run(multitrack.loads(text), fake_process([0], [np.nan], [0]), draws=1)
    np.testing.assert_allclose(reach(r, "notice"), [FULL], rtol=1e-6)
    np.testing.assert_allclose(reach(r, "talks"), [NONE], rtol=1e-6)


def test_every_design_the_process_holds_gets_its_scenario():
    p = fake_process([1, 1], [42, 28], [2, 1])
    arrays = p.per_draw.arrays() | {"package.agreed": np.zeros((2, 1), dtype=bool),
                                    "package.choice.cbm": np.full((2, 2), -1),
                                    "package.value.cbm.notice": np.full(2, np.nan),
                                    "package.value.cbm.channels": np.full(2, np.nan)}
    r = run(toy(), SimpleNamespace(tracks=("cbm",), per_draw=PerDraw.of(arrays, 2, 0)), draws=2)
    np.testing.assert_allclose(reach(r, "under-package"), [NONE, NONE], rtol=1e-6)
    assert r.measure_in_force("notice", "package").in_force == 0


def test_the_model_scales_each_factor_by_the_strength_draw_by_draw():
    from multitrack.escalation import Effect, Ladder, Measure, Theatre, escalation_risk

    ladder = Ladder(("calm", "war"))
    sea = Theatre("sea", up=(0.1,), down=(0.0,))
    draws = {"s": np.array([0.0, 0.5, 1.0])}
    halve = Measure("m", (Effect("calm->war", 0.5),), strength="s")
    got = escalation_risk(ladder, [sea], [halve], draws, (12,)).probability("m", "sea", 12, "war")
    np.testing.assert_allclose(got, [NONE, HALF, FULL], rtol=1e-12)
    with pytest.raises(ValueError, match="strength must lie in"):
        escalation_risk(ladder, [sea], [Measure("m", halve.effects, strength=1.5)], draws, (12,))


# --------------------------------------------------------------------------- with the process itself


@pytest.mark.parametrize("ideal, red, expected", [
    (42, "", FULL),                    # both want 42 days: agreed at 42, the full effect
    (28, "", HALF),                    # both want 28 days: agreed at 28, half the effect
    (42, ", red_lines: [{above: 0}]", NONE),   # north forbids any notice: no deal, no effect
])
def test_the_process_agreement_sets_the_measure(ideal, red, expected):
    scenario = toy(north=ideal, south=ideal, north_red=red)
    from multitrack.process.analysis import compare_designs

    settlement = Settlement.from_scenario(scenario, draws=3)
    process = compare_designs(scenario, settlement=settlement)
    r = escalation_analysis(scenario, settlement=settlement, upstream={"process": process})
    np.testing.assert_allclose(reach(r, "notice"), [expected] * 3, rtol=1e-6)
    # without the process, the central compromise decides: the same here (no uncertain input)
    central = run(scenario, None, draws=3)
    assert central.basis == "central" and "did not run" in central.notes[0]
    np.testing.assert_allclose(reach(central, "notice"), [expected] * 3, rtol=1e-6)


def test_link_sentences_name_the_share_the_value_and_the_points():
    r = run(toy(), fake_process([1, 0, 1, 1], [42, np.nan, 28, 14], [2, 0, 1, 0]))
    link = next(x for x in r.links if x.target == "escalation:measure:notice")
    assert link.kind == "measure-in-force" and link.source == "track:cbm/issue:notice"
    words = "in force in 50% of draws under parallel talks (the Confidence-building track agrees in 75% of"
    assert words in link.sentence
    assert f"{100 * r.measure_in_force('notice').reduction:.1f} points off the one-year risk" in link.sentence
    assert link.before == pytest.approx(NONE - FULL, rel=1e-5)
    package = next(x for x in r.links if x.target == "escalation:package")
    assert package.before == pytest.approx(1 - 0.975 ** 12, rel=1e-5) and package.after > package.before


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("response, where, phrase", [
    ("      response: {issue: nowhere, anchors: [[14, 0], [42, 1]]}\n",
     "escalation.measures[0].response.issue", "names issue 'nowhere'"),
    ("      response: {anchors: [[42, 0], [14, 1]]}\n", "escalation.measures[0].response.anchors[1]",
     "must increase"),
    ("      response: {anchors: [[14, 0], [120, 1]]}\n", "escalation.measures[0].response.anchors[1]",
     "outside the range [0, 90]"),
    ("      response: {anchors: [[14, 0], [42, 1.5]]}\n", "escalation.measures[0].response.anchors[1]",
     "outside [0, 1]"),
    ("      response: {anchors: [[14, 0]]}\n", "escalation.measures[0].response.anchors", "at least two"),
    ("      response: {values: {frozen: 0}}\n", "escalation.measures[0].response.values", "not values"),
])
def test_bad_responses_give_one_located_line(response, where, phrase):
    with pytest.raises(ScenarioError) as info:
        multitrack.loads(HEAD.format(north=42, south=42, north_red="", response=response), "bad.yaml")
    line = str(info.value)
    assert line.startswith("bad.yaml:") and where in line and phrase in line and "\n" not in line


@pytest.mark.parametrize("old, new, where, phrase", [
    ("hotline: 0.5, council: 1", "hotline: 0.5", "escalation.measures[1].response.values",
     "missing: council"),
    ("hotline: 0.5,", "hotline: 0.5, summit: 1,", "escalation.measures[1].response.values.summit",
     "not an option"),
    ("issue: channels\n", "issue: nowhere\n", "escalation.measures[1].issue", "not an issue of track 'cbm'"),
    ("      track: cbm\n      issue: channels\n", "", "escalation.measures[1].response",
     "needs the measure's track"),
])
def test_bad_option_responses_give_one_located_line(old, new, where, phrase):
    text = HEAD.format(north=42, south=42, north_red="", response=RESPONSE)
    assert old in text
    with pytest.raises(ScenarioError) as info:
        multitrack.loads(text.replace(old, new), "bad.yaml")
    line = str(info.value)
    assert line.startswith("bad.yaml:") and where in line and phrase in line and "\n" not in line


# --------------------------------------------------------------------------- the built-in scenario


def test_builtin_measures_follow_the_confidence_building_track():
    scenario = multitrack.load("european-security")
    measures = scenario.escalation.measures
    assert all(m.track == "confidence-building" and m.response is not None and m.response.estimated
               for m in measures)
    r = run(scenario, None, draws=100)
    assert r.basis == "central" and "did not run" in r.notes[0]
    h = 120
    none, agreed, full = (r.risk(s, "combined", h, "use of force") for s in ("none", "package", ALL_IN_FORCE))
    assert full.mean < agreed.mean < none.mean  # the agreed terms buy part of the stated effects
    zones = r.measure_in_force("frontier-zones", "central")
    # the central compromise on zone depth lies short of 250 km, so only part of the effect holds
    assert 0 < zones.strength < 1 and 0 < zones.reduction < zones.reduction_full
    targets = {f"escalation:measure:{m.id}" for m in measures} | {"escalation:package"}
    assert {x.target for x in r.links} == targets
