"""The reference-point pull: the forecast by hand, lambda recovered from outcomes made with a known
pull, the structure chosen by grouped cross-validation, and fitting that sees only training issues."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from multitrack.forecast.readers import IssueSet
from multitrack.forecast.reference import (
    LAMBDAS,
    MIN_CELL,
    REFERENCE,
    ReferencePull,
    best_lambda,
    compromise,
    fit_reference,
    fit_structure,
    pull,
    structure_errors,
)
from multitrack.forecast.trainable import TRAINABLE


def make(n=120, lam=0.0, seed=0, unanimity=None, q_missing=0.2, per_proposal=2):
    """``n`` random issues of three actors whose outcome is the compromise pulled by ``lam``
    (a number, or one per issue) toward the reference point."""
    rng = np.random.default_rng(seed)
    pos = rng.integers(0, 101, (n, 3)).astype(float)
    sal = rng.integers(10, 101, (n, 3)).astype(float)
    cap = np.tile([0.5, 0.3, 0.2], (n, 1))
    q = rng.choice([0.0, 100.0, 50.0], n)
    q[rng.random(n) < q_missing] = np.nan
    una = np.zeros(n) if unanimity is None else np.asarray(unanimity, dtype=float)
    cov = {"codecision": (np.arange(n) % 3 == 0).astype(float), "unanimity": una}
    base = IssueSet(("com", "ep", "de"), tuple(f"i{k}" for k in range(n)),
                    tuple(f"p{k // per_proposal}" for k in range(n)), pos, sal, cap, q, np.zeros(n), cov)
    return dataclasses.replace(base, outcome=pull(compromise(base), q, lam))


def test_pull_by_hand():
    # compromise 40, reference point 100: lambda 0.25 gives 55, -0.25 gives 25; no reference point: 40
    assert pull(np.array([40.0]), np.array([100.0]), 0.25)[0] == 55.0
    assert pull(np.array([40.0]), np.array([100.0]), -0.25)[0] == 25.0
    assert pull(np.array([40.0]), np.array([np.nan]), 0.25)[0] == 40.0
    # one issue through the fitted model: positions 0, 50, 100, weights 0.5*1, 0.3*1, 0.2*1 -> 35
    iss = IssueSet(("com", "ep", "de"), ("i",), ("p",), np.array([[0.0, 50.0, 100.0]]), np.ones((1, 3)),
                   np.array([[0.5, 0.3, 0.2]]), np.array([0.0]), np.array([np.nan]))
    assert ReferencePull("pooled", 0.2, {}).predict(iss)[0] == pytest.approx(35.0 - 0.2 * 35.0)


def test_best_lambda_by_hand():
    # two issues: compromise 40 and 60, reference points 0 and 100, outcomes 30 and 65:
    # lambda 0.25 fits the first exactly (error 0 + |70 - 65| = 5), 0.125 the second
    # (|35 - 30| + 0 = 5); in between the errors add to 5 too: the tie goes to the smallest |lambda|
    base, q, y = np.array([40.0, 60.0]), np.array([0.0, 100.0]), np.array([30.0, 65.0])
    assert best_lambda(base, q, y) == pytest.approx(0.13)
    # issues without a reference point do not count; none at all: lambda 0
    assert best_lambda(np.array([40.0]), np.array([np.nan]), np.array([0.0])) == 0.0


@pytest.mark.parametrize("lam", [0.3, -0.2, 0.0, 0.5])
def test_lambda_recovered_from_outcomes_made_with_it(lam):
    data = make(lam=lam)
    assert fit_structure(data, "pooled").pooled == pytest.approx(lam)
    fitted = fit_reference(data, 0)
    assert fitted.parameters["pooled_lambda"] == pytest.approx(lam)
    assert np.allclose(fitted.predict(data), data.outcome)


def test_lambda_stays_on_the_grid():
    data = make(lam=0.9)  # beyond the grid: the nearest end
    assert fit_structure(data, "pooled").pooled == 0.5
    assert LAMBDAS[0] == -0.5 and LAMBDAS[-1] == 0.5 and len(LAMBDAS) == 101


def test_structure_chosen_by_grouped_cross_validation():
    # unanimity pulls toward the reference point, QMV pushes away: one lambda per voting rule wins
    una = (np.arange(160) % 4 == 0).astype(float)
    data = make(n=160, lam=np.where(una == 1, 0.4, -0.3), unanimity=una, seed=1)
    errors = structure_errors(data, 0)
    assert errors["voting"] < errors["pooled"] - 1.0
    fitted = fit_reference(data, 0)
    assert fitted.parameters["structure"] in ("voting", "both")
    assert fitted.parameters["lambdas"]["unanimity" if fitted.parameters["structure"] == "voting"
                                        else "consultation/unanimity"] == pytest.approx(0.4)
    # the same lambda everywhere: the pooled structure (a finer one is taken only when strictly better)
    data = make(n=160, lam=0.2, unanimity=una, seed=1)
    assert fit_reference(data, 0).parameters["structure"] == "pooled"


def test_small_cells_use_the_pooled_lambda():
    una = np.zeros(100)
    una[:MIN_CELL - 1] = 1.0  # too few unanimity issues, all with a reference point
    data = make(n=100, lam=np.where(una == 1, 0.5, 0.1), unanimity=una, q_missing=0.0)
    fitted = fit_structure(data, "voting")
    assert 1 not in fitted.by_cell and fitted.by_cell[0] == pytest.approx(0.1)
    assert np.all(fitted.lambdas(data)[una == 1] == fitted.pooled)


def test_registered_and_fit_sees_only_training_outcomes():
    assert TRAINABLE["reference"] is REFERENCE
    data = make(n=100, lam=0.2, seed=4)
    train, test = data.subset(np.arange(70)), data.subset(np.arange(70, 100))
    fitted = REFERENCE.fit(train, 0)
    before = fitted.predict(test)
    altered = dataclasses.replace(test, outcome=100.0 - test.outcome)
    assert np.array_equal(REFERENCE.fit(train, 0).predict(altered), before)
    # training outcomes do matter
    other = dataclasses.replace(train, outcome=pull(compromise(train), train.status_quo, -0.3))
    assert not np.allclose(REFERENCE.fit(other, 0).predict(test), before)


def test_forecast_between_compromise_and_reference_point_for_positive_lambda():
    data = make(n=50, lam=0.0, seed=7)
    m = compromise(data)
    f = ReferencePull("pooled", 0.3, {}).predict(data)
    q = data.status_quo
    known = ~np.isnan(q)
    lo, hi = np.minimum(m, q), np.maximum(m, q)
    assert np.all((f[known] >= lo[known] - 1e-9) & (f[known] <= hi[known] + 1e-9))
    assert np.array_equal(f[~known], m[~known])
