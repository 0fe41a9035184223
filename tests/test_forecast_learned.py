"""The learned forecast models: the candidate-choice model, LAD regression and the stacked ensemble.

Hand-worked candidates and medians, a gradient check, recovery of known coefficients from data
simulated by the model itself, invariance to the actors' order and to reading the scale the other
way, and that a fit never reads the outcomes of the issues it forecasts.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import check_grad

from multitrack.forecast import choice, ensemble, lad
from multitrack.forecast.catalogue import TRAINABLE
from multitrack.forecast.readers import IssueSet


def _issues(positions, saliences=None, capabilities=None, status_quo=None, outcome=None, groups=None,
            actors=None, covariates=None) -> IssueSet:
    p = np.atleast_2d(np.asarray(positions, dtype=float))
    n, m = p.shape
    s = np.where(np.isnan(p), np.nan, 50.0) if saliences is None else np.atleast_2d(saliences).astype(float)
    c = np.ones((n, m)) if capabilities is None else np.broadcast_to(capabilities, (n, m)).astype(float)
    sq = np.full(n, np.nan) if status_quo is None else np.asarray(status_quo, dtype=float)
    y = np.full(n, np.nan) if outcome is None else np.asarray(outcome, dtype=float)
    g = tuple(f"p{i}" for i in range(n)) if groups is None else tuple(groups)
    a = tuple(actors) if actors else ("com", "ep") + tuple(f"m{k}" for k in range(m - 2))
    return IssueSet(a, tuple(f"i{i}" for i in range(n)), g, p, s, c, sq, y, covariates or {})


def test_candidates_of_a_hand_worked_issue():
    # Commission at 100, Parliament at 0, three members at 0, 0 and 100; equal weights.
    iss = _issues([[100, 0, 0, 0, 100]], status_quo=[0], outcome=[100])
    cand = choice.candidates(iss)
    real = cand.mask[0]
    values = cand.values[0][real]
    assert values.tolist() == pytest.approx([0.0, 100.0, 40.0])  # two positions, then the compromise
    f = cand.features[0][real]
    col = {name: k for k, name in enumerate(choice.FEATURES)}
    assert f[:, col["compromise"]].tolist() == [0, 0, 1]
    assert f[:, col["support"]].tolist() == pytest.approx([0.6, 0.4, 0.0])
    assert f[:, col["distance"]].tolist() == pytest.approx([0.4, 0.6, 0.0])
    assert f[:, col["commission"]].tolist() == [0, 1, 0]
    assert f[:, col["parliament"]].tolist() == [1, 0, 0]
    assert f[:, col["reference"]].tolist() == [1, 0, 0]
    assert f[:, col["extreme"]].tolist() == [1, 1, 0]
    assert cand.values[0][cand.target[0]] == 100.0


def test_an_outcome_between_positions_is_the_compromise_and_unknown_is_no_target():
    cand = choice.candidates(_issues([[0, 100, 50], [0, 100, 50]], outcome=[30, np.nan]))
    m = cand.values.shape[1] - 1
    assert cand.target.tolist() == [m, -1]


def test_median_of_the_candidate_distribution():
    iss = _issues([[0, 100, 100]])                 # candidates 0, 100 and the compromise 66.7
    cand = choice.candidates(iss)
    beta = np.zeros(len(choice.FEATURES))
    assert choice.probabilities(beta, cand)[0][cand.mask[0]] == pytest.approx([1 / 3] * 3)
    assert choice.median_forecast(beta, cand)[0] == pytest.approx(200 / 3)   # the middle one
    beta[choice.FEATURES.index("support")] = 10.0  # support 1/3 at 0, 2/3 at 100: 100 takes most
    assert choice.median_forecast(beta, cand)[0] == pytest.approx(100.0)
    # exactly half below: midpoint of the two middle candidates
    two = choice.candidates(_issues([[0, 100]]))
    beta = np.zeros(len(choice.FEATURES))
    beta[choice.FEATURES.index("compromise")] = -50.0   # compromise weight vanishes: 0 and 100 at 1/2
    assert choice.median_forecast(beta, two)[0] == pytest.approx(50.0)


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    pos = rng.choice([0.0, 25.0, 50.0, 100.0], size=(40, 6))
    outcome = rng.choice([0.0, 50.0, 100.0, 37.0], 40)
    iss = _issues(pos, saliences=rng.uniform(10, 100, (40, 6)), outcome=outcome)
    cand = choice.candidates(iss)

    def f(b):
        return choice._loss(b, cand, 0.7)[0]

    def g(b):
        return choice._loss(b, cand, 0.7)[1]

    assert check_grad(f, g, rng.normal(size=len(choice.FEATURES))) < 1e-4


def test_fit_recovers_the_coefficients_that_generated_the_data():
    rng = np.random.default_rng(11)
    n = 3000
    pos = rng.choice([0.0, 20.0, 50.0, 80.0, 100.0], size=(n, 7))
    iss = _issues(pos, saliences=rng.uniform(10, 100, (n, 7)), status_quo=rng.choice([0.0, 100.0], n))
    cand = choice.candidates(iss)
    truth = np.array([0.5, 2.0, -1.5, 0.8, 0.4, 0.6, -0.3])
    p = choice.probabilities(truth, cand)
    pick = (p.cumsum(axis=1) > rng.uniform(size=(n, 1))).argmax(axis=1)
    simulated = choice.Candidates(cand.values, cand.mask, cand.features, pick)
    beta = choice.fit_beta(simulated, penalty=1e-6)
    assert beta == pytest.approx(truth, abs=0.25)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 10.0, 40.0, 75.0, 100.0]), min_size=5, max_size=5),
                min_size=1, max_size=6),
       st.lists(st.floats(-2, 2), min_size=7, max_size=7), st.randoms(use_true_random=False))
def test_forecast_ignores_actor_order_and_reads_the_scale_both_ways(rows, beta, rnd):
    pos = np.array(rows)
    beta = np.array(beta)
    base = choice.median_forecast(beta, choice.candidates(_issues(pos, actors=("com", "ep", "a", "b", "c"))))
    members = [2, 3, 4]
    rnd.shuffle(members)
    order = [0, 1, *members]
    shuffled = _issues(pos[:, order], actors=("com", "ep", "a", "b", "c"))
    assert choice.median_forecast(beta, choice.candidates(shuffled)) == pytest.approx(base, abs=1e-9)
    mirrored = _issues(100.0 - pos, actors=("com", "ep", "a", "b", "c"))
    assert choice.median_forecast(beta, choice.candidates(mirrored)) == pytest.approx(100.0 - base, abs=1e-9)


def _deu_like(n_props=30, seed=0):
    rng = np.random.default_rng(seed)
    groups = np.repeat([f"p{k}" for k in range(n_props)], 3)
    n = len(groups)
    pos = rng.choice([0.0, 30.0, 50.0, 100.0], size=(n, 8))
    sal = rng.uniform(10, 100, (n, 8))
    w = sal
    mean = (pos * w).sum(axis=1) / w.sum(axis=1)
    outcome = np.where(rng.uniform(size=n) < 0.5, pos[:, 0], np.round(mean))
    cov = {"codecision": rng.integers(0, 2, n).astype(float),
           "unanimity": rng.integers(0, 2, n).astype(float)}
    return _issues(pos, saliences=sal, outcome=outcome, groups=groups, covariates=cov)


@pytest.mark.parametrize("name", ["choice", "lad"])
def test_a_fit_never_reads_the_outcomes_it_forecasts(name):
    data = _deu_like()
    train, test = data.subset(np.arange(60)), data.subset(np.arange(60, 90))
    fitted = TRAINABLE[name].fit(train, seed=0)
    altered = test.subset(np.arange(len(test)))
    object.__setattr__(altered, "outcome", np.full(len(test), 7.0))
    assert fitted.predict(test) == pytest.approx(fitted.predict(altered))
    # and the forecasts stay within the range of positions
    f = fitted.predict(test)
    assert np.all(f >= np.nanmin(test.positions, axis=1) - 1e-9)
    assert np.all(f <= np.nanmax(test.positions, axis=1) + 1e-9)


def test_choice_learns_that_the_commission_wins():
    # outcomes at the Commission's position half the time: the fitted model leans on it
    fitted = TRAINABLE["choice"].fit(_deu_like(), seed=0)
    assert fitted.parameters["coefficients"]["commission"] > 0.5


def test_lad_fits_a_line_exactly_and_shrinks_to_the_median():
    x = np.column_stack([np.ones(9), np.arange(9.0)])
    y = 2.0 + 3.0 * np.arange(9.0)
    assert lad.fit_coefficients(x, y, 0.0) == pytest.approx([2.0, 3.0], abs=1e-7)
    y_out = y.copy()
    y_out[4] += 1000.0                         # one wild outcome does not move the median line
    assert lad.fit_coefficients(x, y_out, 0.0) == pytest.approx([2.0, 3.0], abs=1e-7)
    flat = lad.fit_coefficients(x, y, 100.0)   # a large penalty zeroes the slope
    assert flat[1] == pytest.approx(0.0, abs=1e-9) and flat[0] == pytest.approx(np.median(y))


def test_lad_design_marks_unknown_points():
    iss = _issues([[np.nan, 60.0, 0.0, 100.0]], status_quo=[np.nan])
    x = lad.design(iss)[0]
    names = ("intercept", *lad.PREDICTORS)
    row = dict(zip(names, x, strict=True))
    assert row["commission known"] == 0 and row["commission-compromise"] == 0
    assert row["parliament known"] == 1 and row["parliament-compromise"] == pytest.approx(60 - 160 / 3)
    assert row["reference known"] == 0


def test_convex_weights_find_the_exact_member_and_sum_to_one():
    y = np.array([10.0, 40.0, 70.0, 90.0])
    members = np.vstack([y + np.array([5, -5, 5, -5]), y, np.full(4, 50.0)])
    w = ensemble.convex_weights(members, y)
    assert w == pytest.approx([0, 1, 0], abs=1e-9)
    half = ensemble.convex_weights(np.vstack([y - 10, y + 10]), y)
    assert half.sum() == pytest.approx(1.0) and np.all(half >= 0)
    assert np.abs(half @ np.vstack([y - 10, y + 10]) - y).sum() == pytest.approx(0.0, abs=1e-7)


def test_ensemble_is_a_convex_combination_of_its_members():
    data = _deu_like()
    train, test = data.subset(np.arange(60)), data.subset(np.arange(60, 90))
    fitted = TRAINABLE["ensemble"].fit(train, seed=0)
    weights = fitted.parameters["weights"]
    assert sum(weights.values()) == pytest.approx(1.0) and all(v > 0 for v in weights.values())
    expected = sum(v * TRAINABLE[n].fit(train, seed=0).predict(test) for n, v in weights.items())
    assert fitted.predict(test) == pytest.approx(expected)


def test_choice_exchange_places_the_compromise_at_the_exchange_forecast():
    data = _deu_like()
    train, test = data.subset(np.arange(60)), data.subset(np.arange(60, 90))
    fitted = TRAINABLE["choice-exchange"].fit(train, seed=0)
    exchange = TRAINABLE["exchange"].fit(train, seed=0).predict(test)
    cand = choice.candidates(test, exchange)
    assert cand.values[:, -1] == pytest.approx(exchange)
    beta = np.array(list(fitted.parameters["coefficients"].values()))
    assert choice.median_forecast(beta, cand) == pytest.approx(fitted.predict(test))
    assert fitted.parameters["compromise"] == "exchange"


def test_without_exchanges_choice_exchange_is_the_choice_model():
    # one issue per proposal: no exchange is possible, the exchange forecast is the compromise
    data = _deu_like()
    single = data.subset(np.arange(0, 90, 3))
    object.__setattr__(single, "groups", tuple(f"q{k}" for k in range(len(single))))
    train, test = single.subset(np.arange(20)), single.subset(np.arange(20, 30))
    a = TRAINABLE["choice"].fit(train, seed=0).predict(test)
    b = TRAINABLE["choice-exchange"].fit(train, seed=0).predict(test)
    assert a == pytest.approx(b)
