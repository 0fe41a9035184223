"""Escalation results on the interval kinds of montecarlo/stats.py (issue 17, item 1).

A war risk is a probability in each draw, so its interval is the spread of the per-draw risks
over the inputs: it must not narrow when identical draws are appended (the empirical quantiles
depend only on the distribution of the per-draw values). A ladder whose numbers are all stated
gives the same risk in every draw: structural, no interval.
"""

from __future__ import annotations

import numpy as np
import pytest

import multitrack
from multitrack.escalation.analysis import escalation_analysis, summaries
from multitrack.montecarlo.stats import SPREAD, STRUCTURAL, spread
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
"""

LADDER = """\
escalation:
  rungs: [calm, crisis, war]
  horizons: [12, 120]
  theatres:
    - id: sea
      title: The sea
      up: {{calm->crisis: {p}, crisis->war: 0.2}}
      down: {{crisis->calm: 0.5}}
    - id: land
      title: The land
      up: {{calm->crisis: 0.02, crisis->war: 0.1}}
      down: {{crisis->calm: 0.4}}
  measures:
    - id: hotline
      title: A hotline
      effects:
        - {{transition: crisis->war, factor: {f}}}
"""

UNCERTAIN = LADDER.format(p="{dist: uniform, low: 0.01, high: 0.08}",
                          f="{dist: uniform, low: 0.3, high: 0.9}")
STATED = LADDER.format(p=0.04, f=0.5)


def run(text: str, draws: int):
    scenario = multitrack.loads(HEAD + text)
    return escalation_analysis(scenario, settlement=Settlement.from_scenario(scenario, draws=draws))


def test_spreads_do_not_shrink_when_identical_draws_are_appended():
    r = run(UNCERTAIN, 37)
    reach = r.per_draw["reach"]
    once, twice = summaries(reach), summaries(np.concatenate([reach, reach, reach]))
    assert np.array_equal(once.low, twice.low) and np.array_equal(once.high, twice.high)
    assert np.allclose(once.mean, twice.mean)
    assert np.all(twice.mc_error <= once.mc_error + 1e-15)  # only the MC error of the mean shrinks
    # the cells carry exactly these spreads, labelled as such
    cell = r.risk("none", "combined", 120, "war")
    s, t, m, k = list(r.scenarios).index("none"), 2, r.months.index(120), 2
    x = reach[:, s, t, m, k]
    assert cell.kind == SPREAD and (cell.low, cell.high) == pytest.approx(spread(x, r.level))
    assert cell.mean == pytest.approx(float(x.astype(float).mean()))
    assert cell.estimate.interval == (cell.low, cell.high)
    assert cell.mc_error == pytest.approx(float(x.astype(float).std(ddof=1)) / np.sqrt(37))
    # with the old linear-interpolation percentiles, duplicating these draws moved the ends
    tail = (1 - r.level) / 2 * 100
    old = np.percentile(x, tail), np.percentile(np.concatenate([x, x, x]), tail)
    assert old[0] != old[1]


def test_effects_and_curves_carry_their_kind():
    r = run(UNCERTAIN, 40)
    cut = r.effect("hotline", "combined", 120, "war")
    assert cut.kind == SPREAD and cut.low < cut.reduction < cut.high
    curve = next(c for c in r.curves if c.scenario == "none" and c.theatre == "combined" and c.rung == "war")
    assert set(curve.kinds) == {SPREAD}


def test_a_ladder_without_uncertain_inputs_gives_structural_results():
    r = run(STATED, 6)
    everything = [c.estimate for c in r.cells] + [e.estimate for e in r.effects]
    assert everything and all(e.kind == STRUCTURAL and e.interval is None for e in everything)
    assert all(c.low == c.mean == c.high and c.mc_error == 0 for c in r.cells)
    assert all(set(c.kinds) == {STRUCTURAL} for c in r.curves)
    # by hand: P(the sea reaches crisis within 12 months) = 1 - (1 - 0.04)^12
    assert r.risk("none", "sea", 12, "crisis").mean == pytest.approx(1 - 0.96 ** 12, rel=1e-5)
    # and the default run of such a scenario evaluates once
    once = multitrack.analyze(multitrack.loads(HEAD + STATED), only=["escalation"])["escalation"]
    assert once.draws == 1 and all(c.kind == STRUCTURAL for c in once.cells)
