"""The factors analysis calls a factor influential only when the significance test of
montecarlo/drivers.py says so (issue 17, item 3): permutation test of the swing between the
factor's thirds, Holm across the factors, 1%; only headlines that vary are tested.

Synthetic case: two factors, f0 and f1, independent standard normals over 150 draws; headline
"driven" = f0 + noise (its thirds' means differ by about 2 sd of the noise), headline "null" is
noise alone. Over 100 seeds f0 must be found for "driven" and f1 not, and nothing for "null", in
at least 95 of them. The old rule (|rho| beyond the 95% band 1.96 / sqrt(n - 1)) names a null
factor in about 5% of draws per headline; the new one holds the family-wise error at 1%."""

from __future__ import annotations

import numpy as np
import pytest

import multitrack
from multitrack.factors.analysis import headline_effect, significant_factors

DRAWS = 150


def synthetic(seed: int) -> tuple[np.ndarray, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((DRAWS, 2))
    driven = scores[:, 0] + rng.standard_normal(DRAWS)
    null = rng.standard_normal(DRAWS)
    return scores, [driven, null]


def test_a_driving_factor_is_found_and_a_null_one_is_not_in_95_of_100_seeds():
    right = 0
    for seed in range(100):
        scores, headlines = synthetic(seed)
        driven, null = significant_factors(scores, headlines, seed)
        right += set(driven) == {0} and not null
    assert right >= 95


def test_a_constant_headline_and_an_unloaded_factor_are_not_tested():
    scores, (driven, _) = synthetic(1)
    flat, = significant_factors(scores, [np.full(DRAWS, 3.0)], 1)
    assert flat == {}  # structural: nothing to drive
    # f0 carries no estimate here, so it cannot reach the headline however strongly it correlates
    assert significant_factors(scores, [driven], 1, reach=np.array([False, True])) == [{}]


def test_a_headline_over_fewer_draws_with_gaps_is_tested_on_its_own_draws():
    scores, (driven, _) = synthetic(4)
    short = driven[:100].copy()
    short[::7] = np.nan  # draws the headline has no number for are left out, not counted as 0
    found, = significant_factors(scores, [short], 4)
    assert set(found) == {0} and 0 < found[0] <= 0.01


def test_the_effect_carries_the_verdict_not_the_correlation_band():
    scores, (driven, null) = synthetic(5)
    found = significant_factors(scores, [driven, null], 5)
    moved = headline_effect("forecast", "x (mean forecast)", scores[:, 0], driven, p_value=found[0].get(0))
    still = headline_effect("forecast", "y (mean forecast)", scores[:, 1], driven, p_value=found[0].get(1))
    assert moved is not None and moved.detected and moved.high_third > moved.low_third
    assert still is not None and not still.detected and still.significance == "not significant"


HAND = """\
version: 1
id: hand
title: A factor that moves one forecast and one that moves nothing
factors:
  - {id: resolve, title: Alpha's resolve}
  - {id: idle, title: A judgement nothing depends on}
actors:
  - {id: a, name: Alpha, kind: state}
  - {id: b, name: Beta, kind: state}
tracks:
  - id: t
    title: The quota talks
    participants: [a, b]
    issues:
      - id: quota
        kind: continuous
        range: [0, 1]
        status_quo: 0
        positions:
          a: {salience: {dist: uniform, low: 0.5, high: 1.5, factor: {id: resolve, loading: 0.9}},
              monotone: increasing}
          b: {salience: 0.5, monotone: decreasing}
"""


@pytest.fixture(scope="module")
def hand_results():
    scenario = multitrack.loads(HAND, "hand.yaml")
    return multitrack.analyze(scenario, only=["forecast", "factors"], draws=300, seed=5)


def test_in_a_run_the_loaded_factor_moves_the_forecast_and_the_idle_one_is_not_tested(hand_results):
    result = hand_results["factors"]
    resolve, idle = result.factor("resolve"), result.factor("idle")
    assert resolve.detected and resolve.detected[0].analysis == "forecast"
    assert all(e.p_value is not None and e.p_value <= result.alpha for e in resolve.detected)
    assert idle.detected == ()  # no estimate loads on it: it reaches nothing
    assert any("no uncertain estimate loads on idle" in n for n in result.notes)


def test_a_test_too_big_is_skipped_with_its_size_stated(monkeypatch):
    import multitrack.factors.analysis as analysis

    monkeypatch.setattr(analysis, "MOST_WORK", 0)
    scenario = multitrack.loads(HAND, "hand.yaml")
    result = multitrack.analyze(scenario, only=["forecast", "factors"], draws=300, seed=5)["factors"]
    assert result.factor("resolve").detected == ()
    note = next(n for n in result.notes if "significance test was skipped" in n)
    assert "300 draws" in note and "999 permutations" in note and "1 factors" in note
