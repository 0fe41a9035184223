"""Escalation ladder: hand-worked chains, monotonicity, measures, vectorised vs per-draw reference."""

from __future__ import annotations

import numpy as np
import pytest

from multitrack.escalation import (
    COMBINED,
    PACKAGE,
    Effect,
    Ladder,
    Measure,
    Theatre,
    batched_power,
    combine_theatres,
    escalation_risk,
    rates,
    reach_probabilities,
    summarize,
    transition_matrices,
    uniform_draws,
)

TWO = Ladder(("calm", "war"))
THREE = Ladder(("calm", "incident", "war"))


def _reach(ladder, theatre, horizons, draws=None, measures=()):
    return escalation_risk(ladder, [theatre], measures, draws or {}, horizons)


def test_two_rungs_one_and_two_months():
    # up = 0.2 per month: reach war within 1 month = 0.2; within 2 = 1 - 0.8**2 = 0.36
    risk = _reach(TWO, Theatre("t", (0.2,), (0.0,)), (1, 2))
    assert risk.probability("none", "t", 1, "war")[0] == pytest.approx(0.2)
    assert risk.probability("none", "t", 2, "war")[0] == pytest.approx(0.36)


def test_three_rungs_hand_computed():
    # up0 = 0.5 (calm->incident), up1 = 0.4 (incident->war), down0 = 0.1 (incident->calm)
    # incident within 1 month: 0.5; within 2: 1 - 0.5 * 0.5 = 0.75
    # war within 2: only calm->incident->war = 0.5 * 0.4 = 0.2
    # war within 3: 0.2 + calm,calm,incident,war 0.5*0.5*0.4 + calm,incident,incident,war 0.5*0.5*0.4 = 0.4
    theatre = Theatre("t", (0.5, 0.4), (0.1, 0.0))
    risk = _reach(THREE, theatre, (1, 2, 3))
    p = lambda h, r: risk.probability("none", "t", h, r)[0]
    assert p(1, "incident") == pytest.approx(0.5)
    assert p(2, "incident") == pytest.approx(0.75)
    assert p(1, "war") == pytest.approx(0.0)
    assert p(2, "war") == pytest.approx(0.2)
    assert p(3, "war") == pytest.approx(0.4)
    assert p(1, "calm") == 1.0


def test_top_rung_absorbing_or_not_leaves_first_passage_unchanged():
    # reaching war at least once does not depend on whether war can end: still 1 - 0.8**2
    risk = _reach(Ladder(("calm", "war"), absorbing_top=False), Theatre("t", (0.2,), (0.5,)), (2,))
    assert risk.probability("none", "t", 2, "war")[0] == pytest.approx(0.36)
    p = transition_matrices(np.array([[0.2]]), np.array([[0.5]]), absorbing_top=False)
    assert p[0, 1, 0] == pytest.approx(0.5)
    assert transition_matrices(np.array([[0.2]]), np.array([[0.5]]), absorbing_top=True)[0, 1, 1] == 1.0


def test_start_rung_counts_as_reached():
    risk = _reach(THREE, Theatre("t", (0.5, 0.4), (0.1, 0.0), start="incident"), (1,))
    assert risk.probability("none", "t", 1, "calm")[0] == 1.0
    assert risk.probability("none", "t", 1, "war")[0] == pytest.approx(0.4)


def _random_case(n=200, seed=0):
    draws = uniform_draws({"u0": (0.01, 0.3), "u1": (0.01, 0.3), "u2": (0.0, 0.2), "u3": (0.0, 0.1),
                           "d0": (0.0, 0.5), "d1": (0.0, 0.5), "d2": (0.0, 0.5), "f": (0.2, 1.0)}, n, seed)
    theatre = Theatre("Baltic", ("u0", "u1", "u2", "u3"), ("d0", "d1", "d2", 0.0))
    return Ladder(), theatre, draws


def test_monotone_in_horizon():
    ladder, theatre, draws = _random_case()
    risk = escalation_risk(ladder, [theatre], [], draws, (1, 2, 5, 12, 60, 120))
    reach = risk.reach[0, 0]  # (H, R, n)
    assert np.all(np.diff(reach, axis=0) >= -1e-12)
    assert reach[-1, -1].max() > reach[0, -1].max()  # the test can see growth


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_monotone_in_up_transition(index):
    ladder, theatre, draws = _random_case(seed=index)
    bigger = dict(draws)
    name = f"u{index}"
    bigger[name] = draws[name] * 1.5  # taken from the 'stay' mass; rows stay valid (sum <= 1)
    low = escalation_risk(ladder, [theatre], [], draws).reach
    high = escalation_risk(ladder, [theatre], [], bigger).reach
    assert np.all(high >= low - 1e-12)
    assert np.any(high[..., index + 1, :] > low[..., index + 1, :] + 1e-6)


def test_measure_lowering_up_never_raises_risk():
    ladder, theatre, draws = _random_case(seed=3)
    measures = [Measure("incsea", (Effect("incident->crisis", "f"),)),
                Measure("notice", (Effect("crisis->use of force", 0.8),)),
                Measure("dialogue", (Effect("crisis->incident", 1.5),))]
    risk = escalation_risk(ladder, [theatre], measures, draws)
    for s in risk.scenarios:
        assert np.all(risk.reach[risk.scenarios.index(s)] <= risk.reach[0] + 1e-12), s
    assert risk.reduction("incsea", "Baltic", 120, "war").mean() > 0


def test_package_at_least_as_good_as_each_measure_and_factors_multiply():
    ladder, theatre, draws = _random_case(seed=4)
    a = Measure("a", (Effect("incident->crisis", 0.5),))
    b = Measure("b", (Effect("incident->crisis", 0.5), Effect("use of force->war", 0.7)))
    risk = escalation_risk(ladder, [theatre], [a, b], draws)
    pkg = risk.reduction(PACKAGE, "Baltic", 60, "war")
    assert np.all(pkg >= risk.reduction("a", "Baltic", 60, "war") - 1e-12)
    assert np.all(pkg >= risk.reduction("b", "Baltic", 60, "war") - 1e-12)
    same = Measure("c", (Effect("incident->crisis", 0.25), Effect("use of force->war", 0.7)))
    alone = escalation_risk(ladder, [theatre], [same], draws)
    np.testing.assert_allclose(alone.probability("c", "Baltic", 60, "war"),
                               risk.probability(PACKAGE, "Baltic", 60, "war"))


def test_effect_limited_to_named_theatre():
    ladder, theatre, draws = _random_case(seed=5)
    other = Theatre("Black Sea", theatre.up, theatre.down)
    m = Measure("baltic only", (Effect("incident->crisis", 0.1, theatres=("Baltic",)),))
    risk = escalation_risk(ladder, [theatre, other], [m], draws)
    np.testing.assert_allclose(risk.reduction("baltic only", "Black Sea", 60, "war"), 0.0)
    assert risk.reduction("baltic only", "Baltic", 60, "war").min() > 0


def _slow_reach(up, down, absorbing_top, start, horizon):
    """Per-draw reference: propagate a distribution month by month with rung k made absorbing."""
    r = len(up) + 1
    out = []
    for k in range(r):
        dist = [0.0] * r
        dist[start] = 1.0
        for _ in range(horizon):
            new = [0.0] * r
            for i, mass in enumerate(dist):
                if i == k or (i == r - 1 and absorbing_top):
                    new[i] += mass
                    continue
                u = up[i] if i < r - 1 else 0.0
                d = down[i - 1] if i > 0 else 0.0
                if i < r - 1:
                    new[i + 1] += mass * u
                if i > 0:
                    new[i - 1] += mass * d
                new[i] += mass * (1 - u - d)
            dist = new
        out.append(1.0 if k <= start else dist[k])
    return out


@pytest.mark.parametrize("absorbing", [True, False])
def test_vectorised_equals_per_draw_reference(absorbing):
    ladder, theatre, draws = _random_case(n=40, seed=7)
    ladder = Ladder(ladder.rungs, absorbing_top=absorbing)
    theatre = Theatre("Baltic", theatre.up, ("d0", "d1", "d2", 0.3), start=1)
    up, down = rates(ladder, theatre, draws, 40)
    got = reach_probabilities(transition_matrices(up, down, absorbing), 1, (7, 30))
    for i in range(40):
        for j, h in enumerate((7, 30)):
            want = _slow_reach(list(up[i]), list(down[i]), absorbing, 1, h)
            np.testing.assert_allclose(got[i, j], want, atol=1e-12)


def test_batched_power_matches_numpy():
    rng = np.random.default_rng(0)
    p = rng.random((6, 4, 4))
    for e in (0, 1, 2, 7, 64):
        np.testing.assert_allclose(batched_power(p, e), np.linalg.matrix_power(p, e), rtol=1e-10)


def test_rows_are_distributions_after_measures():
    ladder, theatre, draws = _random_case(seed=8)
    m = Measure("big dialogue", (Effect("crisis->incident", 5.0), Effect("incident->peacetime", 5.0)))
    up, down = rates(ladder, theatre, draws, 200, (m,))
    p = transition_matrices(up, down)
    assert np.all(p >= -1e-15)
    np.testing.assert_allclose(p.sum(axis=2), 1.0)


def test_combined_theatres_assume_independence():
    # 0.3 and 0.5: P(any) = 1 - 0.7 * 0.5 = 0.65
    assert combine_theatres(np.array([0.3, 0.5])) == pytest.approx(0.65)
    a, b = Theatre("a", (0.2,), (0.0,)), Theatre("b", (0.5,), (0.0,))
    risk = escalation_risk(TWO, [a, b], [], {}, (1,))
    assert risk.probability("none", COMBINED, 1, "war")[0] == pytest.approx(1 - 0.8 * 0.5)


def test_summary_and_rows():
    s = summarize(np.arange(101.0))
    assert (s.mean, s.low, s.high) == pytest.approx((50.0, 5.0, 95.0))
    ladder, theatre, draws = _random_case(n=50, seed=9)
    risk = escalation_risk(ladder, [theatre], [Measure("m", (Effect("incident->crisis", 0.5),))], draws)
    rows = risk.rows()
    assert len(rows) == 3 * 2 * 3 * 4  # scenarios x theatres(+combined) x horizons x rungs above peacetime
    assert all(r["low"] <= r["mean"] <= r["high"] for r in rows)
    assert len(risk.as_draws()) == 3 * 2 * 3 * 5


@pytest.mark.parametrize("bad", [
    lambda L: L.transition("incident->war"),
    lambda L: L.transition("incident->nowhere"),
    lambda L: L.transition("incident"),
    lambda L: escalation_risk(L, [Theatre("t", (0.1, 0.6, 0.1, 0.1), (0.5, 0.1, 0.1, 0.0))], [], {}),
    lambda L: escalation_risk(L, [Theatre("t", ("missing", 0.1, 0.1, 0.1), (0.1,) * 4)], [], {}),
    lambda L: escalation_risk(L, [Theatre("t", (0.1,) * 3, (0.1,) * 3)], [], {}),
    lambda L: escalation_risk(L, [Theatre("combined", (0.1,) * 4, (0.1,) * 4)], [], {}),
    lambda L: escalation_risk(L, [Theatre("t", ("a",) * 4, (0.1,) * 4)], [], {"a": np.ones(3) * .1,
                                                                              "b": np.ones(4)}),
])
def test_bad_inputs_raise(bad):
    with pytest.raises((ValueError, KeyError)):
        bad(Ladder())
