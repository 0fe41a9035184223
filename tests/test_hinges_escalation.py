"""Switching values of the escalation headline (issue 17, item 4), against closed forms.

On a two-rung ladder (calm, war; war absorbing) with a monthly chance p of war, the ten-year
risk is 1 - (1 - p)^120, whatever the other inputs draw, once p is fixed in every draw. It
crosses 10% at p* = 1 - 0.9^(1/120). A measure with factor f on that transition, in force in every
draw, leaves 1 - (1 - f p)^120; it halves the risk while f <= f* = (1 - (1 - R/2)^(1/120)) / p,
with R = 1 - (1 - p)^120.
"""

from __future__ import annotations

import numpy as np
import pytest

import multitrack
from multitrack.hinges.escalation import (
    ID_HALVED,
    ID_RISK,
    MAX_LADDERS,
    escalation_hinges,
    ladder_inputs,
    ladder_run,
)
from multitrack.settlement import Settlement

HEAD = """\
version: 1
id: ladder
title: A toy ladder
sources:
  - {id: s, title: x, publisher: y, year: 2026}
actors:
  - {id: north, name: Northland, kind: state, capability: 1}
  - {id: south, name: Southland, kind: state, capability: 1}
escalation:
  rungs: [calm, war]
  horizons: [12, 120]
  theatres:
    - id: sea
      title: The sea
"""

LOW, HIGH = 0.0002, 0.003
UNCERTAIN_P = HEAD + f"""\
      up: {{calm->war: {{dist: uniform, low: {LOW}, high: {HIGH}}}}}
      down: {{}}
"""
MEASURE = HEAD + """\
      up: {calm->war: 0.001}
      down: {}
  measures:
    - id: hotline
      title: A hotline
      effects:
        - {transition: calm->war, factor: {dist: uniform, low: 0.2, high: 0.9}}
"""


def hinges(text: str, draws: int = 50):
    scenario = multitrack.loads(text)
    run = Settlement.from_scenario(scenario, draws=draws).run
    spec = scenario.escalation
    ladder = ladder_run(spec, run.values(), run.draws, None)
    found, notes = escalation_hinges(spec, ladder)
    return {h.id: h for h in found}, notes, ladder


def test_the_war_risk_crosses_ten_percent_at_the_closed_form_p():
    found, notes, ladder = hinges(UNCERTAIN_P)
    assert not notes and set(found) == {ID_RISK}
    h = found[ID_RISK]
    p = ladder.draws["sea/calm->war"]
    assert h.now == pytest.approx(float(np.mean(1 - (1 - p) ** 120)), rel=1e-9)
    assert h.threshold == 0.1 and h.searched == 1
    (s,) = h.switches
    star = 1 - 0.9 ** (1 / 120)
    assert abs(s.value - star) < 1e-6 and s.value == pytest.approx(star, rel=1e-5)
    # the run's mean risk (p uniform on [0.0002, 0.003]) is above 10%; it falls below once p < p*
    assert h.now > 0.1 and s.direction == "below"
    assert s.percentile == pytest.approx((star - LOW) / (HIGH - LOW), abs=1e-3)


def test_the_measure_halves_the_risk_below_the_closed_form_factor():
    found, _, _ = hinges(MEASURE)
    p = 0.001
    risk = 1 - (1 - p) ** 120
    star = (1 - (1 - risk / 2) ** (1 / 120)) / p
    h = found[ID_HALVED]
    (s,) = [x for x in h.switches if x.input == "hotline/effect0"]
    assert s.value == pytest.approx(star, abs=1e-6)
    assert s.direction == "below" and h.now < 0.5  # central factor 0.55 does not halve it
    assert s.percentile == pytest.approx((star - 0.2) / 0.7, abs=1e-3)
    # the stated p is searched over [0, 5p]; with p fixed the cut 1 - (1 - f p)^120 / ... stays
    # near 1 - f, so no value of p halves it with factors drawn around 0.55
    assert "the monthly chance of calm->war in the sea theatre" in h.steady


def test_a_stated_transition_is_searched_within_the_valid_range():
    text = HEAD.replace("[calm, war]", "[calm, crisis, war]") + """\
      up: {calm->crisis: 0.3, crisis->war: 0.1}
      down: {crisis->calm: {dist: uniform, low: 0.5, high: 0.8}}
"""
    scenario = multitrack.loads(text)
    run = Settlement.from_scenario(scenario, draws=40).run
    ladder = ladder_run(scenario.escalation, run.values(), run.draws, None)
    ranges = {i.key: (i.low, i.high) for i in ladder_inputs(scenario.escalation, ladder)}
    # crisis->war (5 x 0.1 = 0.5) competes with crisis->calm (up to 0.8 in some draw): capped near 0.2
    assert ranges["sea/crisis->war"][1] == pytest.approx(1 - ladder.draws["sea/crisis->calm"].max())
    assert ranges["sea/calm->crisis"] == pytest.approx((0.0, 1.0))  # 5 x 0.3 capped at 1 (nothing competes)


def test_a_search_too_big_is_skipped_with_its_size(monkeypatch):
    import multitrack.hinges.escalation as module
    monkeypatch.setattr(module, "MAX_LADDERS", 10)
    found, notes, _ = hinges(UNCERTAIN_P)
    assert found == {} and "ladder evaluations" in notes[0] and "(more than 10)" in notes[0]
    assert MAX_LADDERS > 10


def test_where_no_estimate_flips_it_the_value_beyond_its_range_is_given():
    narrow = UNCERTAIN_P.replace(f"high: {HIGH}", "high: 0.0006")
    found, _, _ = hinges(narrow)
    h = found[ID_RISK]
    star = 1 - 0.9 ** (1 / 120)
    assert h.now < 0.1 and h.switches == ()
    assert h.steady == ("the monthly chance of calm->war in the sea theatre",)
    (s,) = h.would_take
    assert s.direction == "above" and abs(s.value - star) < 1e-6
    assert (s.low, s.high) == pytest.approx((LOW, 0.0006))  # its estimate's own range


def test_the_hinges_analysis_reports_the_escalation_headline():
    from multitrack.hinges import hinge_sentence
    scenario = multitrack.loads(UNCERTAIN_P)
    result = multitrack.analyze(scenario, only=["escalation", "hinges"], draws=40)["hinges"]
    h = result.hinge(ID_RISK)
    star = 1 - 0.9 ** (1 / 120)
    assert h.switches[0].value == pytest.approx(star, abs=1e-6)
    escalation = multitrack.analyze(scenario, only=["escalation"], draws=40)["escalation"]
    assert h.now == pytest.approx(escalation.risk("none", "combined", 120, "war").mean, rel=1e-5)
    text = hinge_sentence(h)
    assert text.startswith("The ten-year chance that any theatre reaches 'war' with no measures (")
    assert "below 10%" in text and f"{star:.3g}" in text


def test_the_war_risk_threshold_is_a_setting_of_the_hinges_analysis():
    from multitrack.analysis import AnalysisOptionError
    from multitrack.hinges import hinge_sentence
    scenario = multitrack.loads(UNCERTAIN_P)
    result = multitrack.analyze(scenario, only=["escalation", "hinges"], draws=40,
                                options={"hinges": {"war_threshold": 0.2}})["hinges"]
    h = result.hinge(ID_RISK)
    star = 1 - 0.8 ** (1 / 120)  # the ten-year risk 1 - (1 - p)^120 reaches 20%
    assert h.threshold == 0.2 and h.switches[0].value == pytest.approx(star, abs=1e-6)
    assert "20%" in hinge_sentence(h)
    with pytest.raises(AnalysisOptionError):
        multitrack.analyze(scenario, only=["hinges"], draws=40, options={"hinges": {"war_threshold": 1.5}})


def test_the_compiled_reach_is_the_matrix_power_of_the_chain():
    from multitrack.escalation.model import batched_power, transition_matrices
    from multitrack.hinges.chains import reach_within
    rng = np.random.default_rng(3)
    for n in (1, 300, 1000):  # across the kernel's blocks of chains
        up, down = rng.uniform(0, 0.4, (n, 4)), rng.uniform(0, 0.5, (n, 4))
        for start, rung in ((0, 4), (1, 4), (0, 2), (2, 3)):
            p = transition_matrices(up, down, True)
            p[:, rung, :] = 0.0
            p[:, rung, rung] = 1.0
            for horizon in (0, 1, 12, 120):
                want = batched_power(p, horizon)[:, start, rung]
                assert np.max(np.abs(reach_within(up, down, start, rung, horizon) - want)) < 1e-12
    assert np.all(reach_within(up, down, 3, 2, 12) == 1.0)  # starting at or above the rung
