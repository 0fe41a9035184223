"""The position-exchange model (Stokman and Van Oosten 1994): a hand-worked exchange, the
conditions under which no exchange is possible, and invariants (actor order, range, single
issues, equal gains, training data only)."""

from __future__ import annotations

import numpy as np
import pytest

from multitrack.forecast import catalogue  # noqa: F401  registers every model
from multitrack.forecast.compromise import weighted_mean
from multitrack.forecast.exchange import (
    ExchangeConfig,
    exchange_forecast,
    exchange_positions,
    expected_outcomes,
    possible_exchanges,
    select,
)
from multitrack.forecast.readers import IssueSet
from multitrack.forecast.trainable import TRAINABLE

# Hand-worked case: actors A (capability 2) and B (capability 1); both issues run from A at 0
# to B at 100. Issue p: saliences A 30, B 60; issue q: A 90, B 30.
#   O_p = (2*30*0 + 1*60*100) / (60 + 60) = 50;  O_q = (1*30*100) / (180 + 30) = 100/7.
#   A cares relatively more about q (90/30 > 30/60), so A supplies p and B supplies q.
#   Equal gain: b = a (s_Ap + s_Bp) / (s_Aq + s_Bq) = a * 90/120 = 3a/4.
#   Room: A can move O_p by (50 - 0) * 60/120 = 25; B can move O_q by (100 - 100/7) * 30/210
#   = 600/49, i.e. a <= (600/49) / (3/4) = 800/49 < 25: B binds and moves to O_q.
#   a = 800/49, b = 600/49; each gains a (s_Aq s_Bp - s_Ap s_Bq) / (s_Aq + s_Bq)
#   = (800/49) * (90*60 - 30*30) / 120 = 30000/49.
#   Check: A gains 90 b - 30 a = (54000 - 24000)/49; B gains 60 a - 30 b = (48000 - 18000)/49.
#   Shifts: A on p by a / (60/120) = 1600/49; B on q by b / (30/210) = 600/7 (to 100/7).
#   Forecast: O_p = 50 + 800/49, O_q = 100/7 - 600/49 = 100/49.
HAND_X = np.array([[0.0, 100.0], [0.0, 100.0]])
HAND_S = np.array([[30.0, 60.0], [90.0, 30.0]])
HAND_C = np.array([[2.0, 1.0], [2.0, 1.0]])


def issue_set(x, s, c, groups, outcome=None, actors=None) -> IssueSet:
    x = np.asarray(x, dtype=float)
    rows, n = x.shape
    return IssueSet(tuple(actors or (f"a{k}" for k in range(n))), tuple(f"i{k}" for k in range(rows)),
                    tuple(groups), x, np.asarray(s, dtype=float), np.asarray(c, dtype=float),
                    np.full(rows, np.nan), np.zeros(rows) if outcome is None else np.asarray(outcome))


def random_proposal(rng, issues=3, actors=7, coarse=False):
    if coarse:  # DEU-like codings: many ties
        x = rng.choice([0.0, 50.0, 100.0], size=(issues, actors))
        s = rng.choice([50.0, 100.0], size=(issues, actors))
        c = np.broadcast_to(rng.choice([2.0, 3.0, 10.0], size=actors), (issues, actors)).copy()
    else:
        x = rng.uniform(0, 100, size=(issues, actors))
        s = rng.uniform(1, 100, size=(issues, actors))
        c = np.broadcast_to(rng.uniform(1, 10, size=actors), (issues, actors)).copy()
    return x, s, c


def test_hand_worked_exchange():
    ex = possible_exchanges(HAND_X, HAND_X, HAND_S, HAND_C)
    assert len(ex) == 1
    assert (ex.i[0], ex.j[0], ex.p[0], ex.q[0]) == (0, 1, 0, 1)
    assert ex.gain[0] == pytest.approx(30000 / 49)
    assert ex.move_p[0] == pytest.approx(800 / 49)
    assert ex.move_q[0] == pytest.approx(-600 / 49)
    assert ex.shift_i[0] == pytest.approx(1600 / 49)
    assert ex.shift_j[0] == pytest.approx(-600 / 7)
    v = exchange_positions(HAND_X, HAND_S, HAND_C, rounds=1)
    np.testing.assert_allclose(v, [[1600 / 49, 100.0], [0.0, 100 / 7]])
    f = exchange_forecast(issue_set(HAND_X, HAND_S, HAND_C, ["P", "P"]), ExchangeConfig(1))
    np.testing.assert_allclose(f, [50 + 800 / 49, 100 / 49])


def test_hand_worked_gains_are_each_partners_utility_gain():
    w = HAND_S * HAND_C
    before = expected_outcomes(HAND_X, w)
    after = expected_outcomes(exchange_positions(HAND_X, HAND_S, HAND_C, 1), w)
    loss = lambda o: (HAND_S * np.abs(HAND_X - o[:, None])).sum(axis=0)  # noqa: E731
    np.testing.assert_allclose(loss(before) - loss(after), [30000 / 49, 30000 / 49])


def test_the_actor_with_less_room_binds_the_other_way_round():
    # B far heavier (capability 10): B could move O_q further than A can move O_p, so A binds and
    # moves its voting position on p exactly to O_p; B moves only part of the way to O_q.
    c = np.array([[2.0, 10.0], [2.0, 10.0]])
    o_p = 10 * 60 * 100 / (2 * 30 + 10 * 60)  # 90.9...
    o_q = 10 * 30 * 100 / (2 * 90 + 10 * 30)  # 62.5
    ex = possible_exchanges(HAND_X, HAND_X, HAND_S, c)
    assert len(ex) == 1
    assert ex.shift_i[0] == pytest.approx(o_p)
    a = o_p * (2 * 30) / (2 * 30 + 10 * 60)
    assert ex.move_p[0] == pytest.approx(a)
    assert ex.move_q[0] == pytest.approx(-a * 90 / 120)
    assert -ex.shift_j[0] == pytest.approx(a * 90 / 120 * (2 * 90 + 10 * 30) / (10 * 30))
    assert -ex.shift_j[0] < 100 - o_q


def test_outcome_not_moved_past_the_demanding_partners_position():
    # A (at 60 on q) sits just left of O_q = 64.15; B could pull O_q far further left, but the
    # exchange stops where O_q reaches A's position: beyond it A would lose again.
    x = np.array([[0.0, 100.0, 50.0], [60.0, 100.0, 0.0]])
    s = np.array([[30.0, 60.0, 50.0], [90.0, 30.0, 50.0]])
    c = np.array([[100.0, 60.0, 20.0], [1.0, 60.0, 20.0]])
    o = expected_outcomes(x, s * c)
    ex = possible_exchanges(x, x, s, c)
    k = int(np.flatnonzero((ex.i == 0) & (ex.j == 1))[0])
    assert (ex.p[k], ex.q[k]) == (0, 1)
    assert ex.move_q[k] == pytest.approx(60.0 - o[1])
    assert ex.move_p[k] == pytest.approx((o[1] - 60.0) * 120 / 90)
    assert ex.gain[k] == pytest.approx(90 * (o[1] - 60) - 30 * ex.move_p[k])


def test_no_exchange_when_salience_ratios_are_equal():
    s = np.array([[30.0, 40.0], [60.0, 80.0]])  # 60/30 == 80/40
    assert len(possible_exchanges(HAND_X, HAND_X, s, HAND_C)) == 0
    f = exchange_forecast(issue_set(HAND_X, s, HAND_C, ["P", "P"]), ExchangeConfig(5))
    np.testing.assert_allclose(f, weighted_mean(HAND_X, s, HAND_C))


def test_no_exchange_between_actors_on_the_same_side():
    # C (heavy, at 100) pulls both outcomes right of A (0) and B (10): A and B never trade.
    x = np.array([[0.0, 10.0, 100.0], [0.0, 10.0, 100.0]])
    s = np.array([[10.0, 90.0, 50.0], [90.0, 10.0, 50.0]])
    c = np.array([[1.0, 1.0, 20.0], [1.0, 1.0, 20.0]])
    ex = possible_exchanges(x, x, s, c)
    assert len(ex) > 0
    assert not np.any((ex.i == 0) & (ex.j == 1))
    # opposite sides on p only (B right of O_p, A left), same side of O_q: no A-B exchange either
    x3 = np.array([[0.0, 100.0, 100.0], [0.0, 10.0, 100.0]])
    s3 = np.array([[30.0, 60.0, 50.0], [90.0, 30.0, 50.0]])
    c3 = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 50.0]])
    o3 = expected_outcomes(x3, s3 * c3)
    assert x3[0, 0] < o3[0] < x3[0, 1] and x3[1, 1] < o3[1]
    ex3 = possible_exchanges(x3, x3, s3, c3)
    assert not np.any((ex3.i == 0) & (ex3.j == 1))
    # the same saliences with B right of O_q as well do trade
    x4 = np.array([[0.0, 100.0, 100.0], [0.0, 100.0, 10.0]])
    ex4 = possible_exchanges(x4, x4, s3, c3)
    assert np.any((ex4.i == 0) & (ex4.j == 1))


def test_single_issue_proposals_forecast_the_compromise():
    rng = np.random.default_rng(3)
    x, s, c = random_proposal(rng, issues=6, actors=9)
    x[rng.random(x.shape) < 0.2] = np.nan
    f = exchange_forecast(issue_set(x, s, c, [f"P{k}" for k in range(6)]), ExchangeConfig(10))
    np.testing.assert_allclose(f, weighted_mean(x, s, c))


def test_actor_without_a_position_does_not_exchange_on_that_issue():
    x = np.array([[0.0, 100.0, np.nan], [0.0, 100.0, 50.0]])
    s = np.array([[30.0, 60.0, np.nan], [90.0, 30.0, 70.0]])
    c = np.array([[2.0, 1.0, 5.0], [2.0, 1.0, 5.0]])
    ex = possible_exchanges(x, x, s, c)
    assert not np.any((ex.i == 2) | (ex.j == 2))
    v = exchange_positions(x, s, c, rounds=3)
    assert np.isnan(v[0, 2]) and v[1, 2] == 50.0


@pytest.mark.parametrize("coarse", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_invariant_to_actor_order(seed, coarse):
    rng = np.random.default_rng(seed)
    x, s, c = random_proposal(rng, issues=4, actors=8, coarse=coarse)
    names = [f"m{k}" for k in range(8)]
    perm = rng.permutation(8)
    for rounds in (1, 3):
        f = exchange_forecast(issue_set(x, s, c, ["P"] * 4, actors=names), ExchangeConfig(rounds))
        g = exchange_forecast(issue_set(x[:, perm], s[:, perm], c[:, perm], ["P"] * 4,
                                        actors=[names[k] for k in perm]), ExchangeConfig(rounds))
        np.testing.assert_allclose(f, g, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_positions_stay_within_the_range_of_initial_positions(seed):
    rng = np.random.default_rng(100 + seed)
    x, s, c = random_proposal(rng, issues=5, actors=10, coarse=seed % 2 == 1)
    lo, hi = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
    for rounds in (1, 2, 20):
        v = exchange_positions(x, s, c, rounds)
        assert np.all(v >= lo - 1e-9) and np.all(v <= hi + 1e-9)
    # after one round every voting position lies between the actor's position and the outcome
    o = expected_outcomes(x, s * c)[:, None]
    v = exchange_positions(x, s, c, 1)
    assert np.all((v >= np.minimum(x, o) - 1e-9) & (v <= np.maximum(x, o) + 1e-9))
    assert np.any(exchange_positions(x, s, c, 1) != x)  # something was exchanged


@pytest.mark.parametrize("seed", range(6))
def test_every_exchange_gains_both_partners_equally(seed):
    rng = np.random.default_rng(200 + seed)
    x, s, c = random_proposal(rng, issues=3, actors=6)
    w = s * c
    o = expected_outcomes(x, w)
    ex = possible_exchanges(x, x, s, c)
    assert len(ex) > 0
    for k in range(len(ex)):  # each exchange made alone, utilities recomputed from scratch
        v = x.copy()
        v[ex.p[k], ex.i[k]] += ex.shift_i[k]
        v[ex.q[k], ex.j[k]] += ex.shift_j[k]
        o2 = expected_outcomes(v, w)
        gain = (s * (np.abs(x - o[:, None]) - np.abs(x - o2[:, None]))).sum(axis=0)
        assert gain[ex.i[k]] == pytest.approx(ex.gain[k], rel=1e-9)
        assert gain[ex.j[k]] == pytest.approx(ex.gain[k], rel=1e-9)
        assert ex.gain[k] > 0
        # i cares relatively more about q than j does
        i, j, p, q = ex.i[k], ex.j[k], ex.p[k], ex.q[k]
        assert s[q, i] / s[p, i] > s[q, j] / s[p, j]
    assert np.all(np.diff(ex.gain) <= 1e-9 * ex.gain[0])  # best first


def test_each_actor_issue_position_in_one_exchange_per_round():
    rng = np.random.default_rng(7)
    x, s, c = random_proposal(rng, issues=4, actors=12)
    ex = possible_exchanges(x, x, s, c)
    made = select(ex, 12)
    cells = np.concatenate([ex.p[made] * 12 + ex.i[made], ex.q[made] * 12 + ex.i[made],
                            ex.p[made] * 12 + ex.j[made], ex.q[made] * 12 + ex.j[made]])
    assert len(made) > 1 and len(np.unique(cells)) == len(cells)
    assert made[0] == 0  # the best exchange is always made


def test_registered_and_fitted_on_training_issues_only():
    model = TRAINABLE["exchange"]
    assert model.free_parameters
    rng = np.random.default_rng(11)
    rows, groups, xs, ss, cs = 0, [], [], [], []
    for g in range(12):
        x, s, c = random_proposal(rng, issues=int(rng.integers(1, 4)), actors=6)
        xs.append(x)
        ss.append(s)
        cs.append(c)
        groups += [f"P{g}"] * len(x)
        rows += len(x)
    x, s, c = np.vstack(xs), np.vstack(ss), np.vstack(cs)
    y = rng.uniform(0, 100, rows)
    data = issue_set(x, s, c, groups, y)
    train_rows = np.array([k for k, g in enumerate(groups) if int(g[1:]) < 8])
    test_rows = np.setdiff1d(np.arange(rows), train_rows)
    fitted = model.fit(data.subset(train_rows), 0)
    pred = fitted.predict(data.subset(test_rows))
    y2 = y.copy()
    y2[test_rows] = 100 - y2[test_rows]
    fitted2 = model.fit(issue_set(x, s, c, groups, y2).subset(train_rows), 0)
    assert fitted2.chosen == fitted.chosen
    np.testing.assert_array_equal(fitted2.predict(issue_set(x, s, c, groups, y2).subset(test_rows)), pred)
    assert fitted.parameters["rounds"] in (1, 2, 3, 5, 10, 20)


def test_zero_rounds_is_the_compromise_model():
    rng = np.random.default_rng(5)
    x, s, c = random_proposal(rng, issues=3, actors=5)
    f = exchange_forecast(issue_set(x, s, c, ["P"] * 3), ExchangeConfig(0))
    np.testing.assert_allclose(f, weighted_mean(x, s, c))
    with pytest.raises(ValueError):
        ExchangeConfig(-1)
