"""The procedural model: hand-worked councils, the Lisbon double majority, a brute-force check of
the agenda setter's choice, symmetries, the fallback, and that fitting sees only training issues."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.forecast.council import ACTORS, capabilities
from multitrack.forecast.procedural import (
    GRID,
    PROCEDURAL,
    ProceduralConfig,
    council_regime,
    pivots,
    procedural,
    solve,
)
from multitrack.forecast.readers import IssueSet
from multitrack.forecast.trainable import TRAINABLE

# A council of five: positions 10..50, vote shares 0.1, 0.2, 0.3, 0.2, 0.2; threshold 0.7.
# Counting from the right, 50 (0.2), 40 (0.4), 30 (0.7): the pivot of rightward moves is 30.
# Counting from the left, 10 (0.1), 20 (0.3), 30 (0.6), 40 (0.8): the pivot of leftward moves is 40.
X5 = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
W5 = np.array([0.1, 0.2, 0.3, 0.2, 0.2])
MEMBERS5 = ("a", "b", "c", "d", "e")


def issues(rows, members=MEMBERS5, weights=W5, codecision=0, unanimity=0):
    """Issues over com, ep and ``members``: rows of (com, ep, member positions..., q, outcome)."""
    rows = np.array(rows, dtype=float)
    n = len(rows)
    k = len(members)
    pos = rows[:, : 2 + k]
    caps = np.tile(np.concatenate([[0.3, 0.3], weights]), (n, 1))
    cov = {"codecision": np.broadcast_to(np.asarray(codecision, dtype=float), (n,)).copy(),
           "unanimity": np.broadcast_to(np.asarray(unanimity, dtype=float), (n,)).copy()}
    return IssueSet(("com", "ep", *members), tuple(f"i{j}" for j in range(n)),
                    tuple(f"p{j // 2}" for j in range(n)), pos, np.where(np.isnan(pos), np.nan, 50.0), caps,
                    rows[:, 2 + k], rows[:, 3 + k], cov)


# Hand-made vote shares match no Council regime: they are read with ``ProceduralConfig.threshold``.
AMEND = ProceduralConfig(threshold=0.7)
NO_AMEND = ProceduralConfig(amendment=False, threshold=0.7)


def one(com, ep, q, x=X5, cfg=AMEND, **kw):
    return float(procedural(issues([[com, ep, *x, q, 0.0]], **kw), cfg).outcome[0])


def test_pivots_of_the_five_member_council():
    right, left = pivots(X5[None], W5[None, None], np.array([[0.7]]))
    assert (right[0], left[0]) == (30.0, 40.0)
    right, left = pivots(X5[None], W5[None, None], np.array([[1.0]]))  # unanimity: the extremes
    assert (right[0], left[0]) == (10.0, 50.0)


def test_setter_right_of_the_reference_point():
    # q = 0: the council accepts up to 2 * 30 - 0 = 60; the Commission at 100 gets 60, or 50 if
    # the council can amend by unanimity to its Pareto set [10, 50].
    assert one(100, np.nan, 0, cfg=NO_AMEND) == 60.0
    assert one(100, np.nan, 0) == 50.0
    # a Commission inside what the council accepts gets its position
    assert one(45, np.nan, 0) == 45.0


def test_setter_left_of_the_reference_point():
    # q = 80, leftward pivot 40: the council accepts down to 2 * 40 - 80 = 0.
    assert one(0, np.nan, 80, cfg=NO_AMEND) == 0.0
    assert one(0, np.nan, 80) == 10.0      # Pareto set [10, 50]
    # q = 70: down to 10; a Commission at 5 gets 10 either way
    assert one(5, np.nan, 70, cfg=NO_AMEND) == 10.0


def test_reference_point_inside_the_core_is_gridlock():
    # the core is [30, 40]: any q there stays whatever the Commission wants
    for q in (30.0, 35.0, 40.0):
        assert one(0, np.nan, q, cfg=NO_AMEND) == q
        assert one(100, np.nan, q) == q


def test_unanimity_and_qmv_give_different_outcomes():
    # unanimity: rightward moves need the member at 10, so up to 2 * 10 - 0 = 20
    assert one(100, np.nan, 0, cfg=NO_AMEND, unanimity=1) == 20.0
    assert one(100, np.nan, 0, unanimity=1) == 20.0
    assert one(100, np.nan, 0, unanimity=0) == 50.0


def test_codecision_veto_binds():
    # the Parliament at 15 accepts [0, 30] against q = 0: the outcome falls from 50 to 30
    assert one(100, 15, 0, codecision=1) == 30.0
    assert one(100, 15, 0, codecision=0) == 50.0      # consulted only: no veto
    assert one(100, np.nan, 0, codecision=1) == 50.0  # a Parliament without a position never vetoes
    # a Parliament that prefers q to every move right blocks everything
    assert one(100, 0, 10, codecision=1) == 10.0


def test_codecision_as_conciliation():
    cfg = ProceduralConfig(codecision="conciliation", threshold=0.7)
    # Parliament at 15, council core [30, 40]: split the difference 15..30 -> 22.5, within [0, 30]
    assert one(100, 15, 0, cfg=cfg, codecision=1) == 22.5
    # Parliament at 90, core point nearest it 40: (90 + 40) / 2 = 65 lies beyond what the council
    # accepts (up to 2 * 30 - 0 = 60), so 60
    assert one(100, 90, 0, cfg=cfg, codecision=1) == 60.0
    # Parliament at 70: (70 + 40) / 2 = 55
    assert one(0, 70, 0, cfg=cfg, codecision=1) == 55.0
    # under consultation the Commission's game is played as before
    assert one(100, 15, 0, cfg=cfg, codecision=0) == 50.0


def test_indifferent_members_vote_yes():
    # member c (0.3 at 30) has no position: counting from the right 0.3 + 50 (0.2) + 40 (0.2) = 0.7,
    # so the rightward pivot moves to 40 and the council accepts up to 80
    x = [10.0, 20.0, np.nan, 40.0, 50.0]
    assert one(100, np.nan, 0, x=x, cfg=NO_AMEND) == 80.0
    # and nobody with a position: no limit at all, the Commission gets its position
    assert one(100, np.nan, 0, x=[np.nan] * 5) == 100.0


def test_fallback_where_reference_point_or_commission_is_missing():
    iss = issues([[100, 15, *X5, np.nan, 0.0], [np.nan, 15, *X5, 0.0, 0.0], [100, 15, *X5, 0.0, 0.0]])
    res = procedural(iss, AMEND)
    assert res.fallback.tolist() == [True, True, False]
    assert res.fallback_counts() == {"reference point unknown": 1, "Commission without a position": 1}
    w = np.concatenate([[0.3, 0.3], W5])
    mean0 = float(np.dot(w, [100, 15, *X5]) / w.sum())
    mean1 = float(np.dot(w[1:], [15, *X5]) / w[1:].sum())
    assert res.outcome[0] == pytest.approx(mean0)
    assert res.outcome[1] == pytest.approx(mean1)
    assert res.outcome[2] == 50.0


def _deu_issue(date, positions, q, com, procedure="CNS"):
    pos = np.full(len(ACTORS), np.nan)
    pos[0] = com
    for actor, x in positions.items():
        pos[ACTORS.index(actor)] = x
    caps = capabilities(date, procedure)[None]
    cov = {"codecision": np.array([0.0]), "unanimity": np.array([0.0])}
    return IssueSet(ACTORS, ("i",), ("p",), pos[None], np.where(np.isnan(pos), np.nan, 50.0)[None], caps,
                    np.array([q]), np.array([0.0]), cov)


def test_regimes_are_recognised_from_the_vote_shares():
    for date, regime in ((dt.date(1999, 5, 1), "eu15"), (dt.date(2005, 5, 1), "nice25"),
                         (dt.date(2008, 5, 1), "nice27"), (dt.date(2014, 1, 2), "nice28"),
                         (dt.date(2017, 5, 1), "lisbon")):
        assert council_regime(_deu_issue(date, {}, 0, 0)) == (regime,)


def _eu15(positions):
    return procedural(_deu_issue(dt.date(1999, 5, 1), positions, 0.0, 100.0), NO_AMEND).outcome[0]


def test_eu15_threshold_62_of_87():
    # Amsterdam votes: de fr it uk 10 each (40 of 87) at 100, the other eleven (47) at 0; q = 0.
    big = {"de": 100.0, "fr": 100.0, "it": 100.0, "uk": 100.0}
    small = {m: 0.0 for m in ("es", "be", "el", "nl", "pt", "at", "se", "dk", "ie", "fi", "lu")}
    iss = _deu_issue(dt.date(1999, 5, 1), {**big, **small}, 0.0, 100.0)
    assert procedural(iss, NO_AMEND).outcome[0] == 0.0   # 40 votes < 62: nothing moves right
    # Spain (8) and Belgium, Greece, Netherlands, Portugal (5 each) join: 40 + 28 = 68 >= 62; the
    # last to join from the right are at 30, so moves pass up to 60
    for m in ("es", "be", "el", "nl", "pt"):
        small[m] = 30.0
    iss = _deu_issue(dt.date(1999, 5, 1), {**big, **small}, 0.0, 100.0)
    assert procedural(iss, NO_AMEND).outcome[0] == 60.0
    # with Portugal back at 0, 63 votes still qualify: the same 60
    small["pt"] = 0.0
    assert _eu15({**big, **small}) == 60.0
    # with Greece back too, 58 votes do not
    small["el"] = 0.0
    assert _eu15({**big, **small}) == 0.0


def test_lisbon_blocking_minority_needs_four_members():
    # de, fr and uk (42 % of the population) oppose every move right of q = 0; the other 25 want 100.
    # The population criterion fails, but three members cannot block: the Commission gets 100.
    date = dt.date(2017, 5, 1)
    positions = {m: (0.0 if m in ("de", "fr", "uk") else 100.0) for m in ACTORS[2:]}
    assert procedural(_deu_issue(date, positions, 0.0, 100.0), NO_AMEND).outcome[0] == 100.0
    # with Italy as a fourth opponent they block (population 54 % for change < 65 %)
    positions["it"] = 0.0
    assert procedural(_deu_issue(date, positions, 0.0, 100.0), NO_AMEND).outcome[0] == 0.0
    # under the Nice votes of 2014 the same four (116 of 352) block as well, and three (87) do not
    nice = dt.date(2014, 1, 2)
    assert procedural(_deu_issue(nice, positions, 0.0, 100.0), NO_AMEND).outcome[0] == 0.0
    positions["it"] = 100.0
    assert procedural(_deu_issue(nice, positions, 0.0, 100.0), NO_AMEND).outcome[0] == 100.0


def test_lisbon_needs_55_percent_of_members():
    # the six largest states (de fr uk it es pl: 70 % of the population) want 100, the 22 others stay
    # at q = 0: enough people, too few members
    date = dt.date(2017, 5, 1)
    positions = {m: (100.0 if m in ("de", "fr", "uk", "it", "es", "pl") else 0.0) for m in ACTORS[2:]}
    assert procedural(_deu_issue(date, positions, 0.0, 100.0), NO_AMEND).outcome[0] == 0.0
    # ten more at 40 make 16 of 28 members (57 %): moves pass up to 2 * 40 - 0 = 80
    for m in ("ro", "nl", "be", "el", "cz", "pt", "se", "hu", "at", "bu"):
        positions[m] = 40.0
    assert procedural(_deu_issue(date, positions, 0.0, 100.0), NO_AMEND).outcome[0] == 80.0


# ---------------------------------------------------------------------------------------------
# Brute force: the feasible proposal closest to the Commission, by counting votes directly.


def brute_force(c, e, x, w, q, t, cod, amendment):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float) / np.sum(w)
    placed = ~np.isnan(x)
    cands = {c, q, *(2 * x[placed] - q), *x[placed]}
    if cod and not np.isnan(e):
        cands.add(2 * e - q)

    def passes(p):
        yes = np.where(placed, np.abs(np.nan_to_num(x) - p) <= np.abs(np.nan_to_num(x) - q), True)
        if w[yes].sum() < t - 1e-9:
            return False
        return not (cod and not np.isnan(e) and abs(e - p) > abs(e - q))

    feasible = [p for p in cands if passes(p)]
    if amendment and placed.any():
        inside = [p for p in feasible if x[placed].min() <= p <= x[placed].max()]
        feasible = inside or feasible
    return min(feasible, key=lambda p: (abs(p - c), p))


council = st.integers(1, 7).flatmap(lambda n: st.tuples(
    st.lists(st.one_of(st.integers(0, 100).map(float), st.just(np.nan)), min_size=n, max_size=n),
    st.lists(st.integers(1, 30).map(float), min_size=n, max_size=n)))


@settings(max_examples=300, deadline=None)
@given(council, st.integers(0, 100), st.one_of(st.integers(0, 100).map(float), st.just(np.nan)),
       st.integers(0, 100), st.sampled_from([0.5 + 1e-6, 0.6, 0.71, 0.8, 1.0]), st.booleans(), st.booleans())
def test_outcome_is_the_feasible_point_closest_to_the_setter(members, c, e, q, t, cod, amendment):
    x, w = members
    got = solve(np.array([float(c)]), np.array([e]), np.array([x]), np.array([[w]]), np.array([[t]]),
                np.array([float(q)]), np.array([cod]), ProceduralConfig(amendment=amendment))[0]
    assert got == brute_force(float(c), e, x, w, float(q), t, cod, amendment)


@settings(max_examples=100, deadline=None)
@given(council, st.integers(0, 100), st.integers(0, 100), st.integers(0, 100), st.booleans(),
       st.sampled_from(GRID), st.randoms(use_true_random=False))
def test_mirror_image_and_member_order(members, c, e, q, cod, cfg, rnd):
    x, w = members
    names = tuple(f"m{k}" for k in range(len(x)))
    row = [c, e, *x, q, 0.0]
    mirror = [100 - v for v in row[:-1]] + [0.0]
    f = procedural(issues([row], names, np.array(w), codecision=int(cod)), cfg).outcome[0]
    g = procedural(issues([mirror], names, np.array(w), codecision=int(cod)), cfg).outcome[0]
    assert g == pytest.approx(100 - f, abs=1e-9)
    perm = list(range(len(x)))
    rnd.shuffle(perm)
    shuffled = [c, e, *[x[k] for k in perm], q, 0.0]
    h = procedural(issues([shuffled], tuple(names[k] for k in perm), np.array([w[k] for k in perm]),
                          codecision=int(cod)), cfg).outcome[0]
    assert h == pytest.approx(f, abs=1e-9)
    assert min(0.0, q) <= f <= max(100.0, q)


def test_registered_and_fit_sees_only_training_outcomes():
    assert TRAINABLE["procedural"] is PROCEDURAL
    rng = np.random.default_rng(3)
    rows = rng.integers(0, 101, (40, 9))
    data = issues(rows.astype(float), codecision=(np.arange(40) % 2).astype(float))
    train, test = data.subset(np.arange(30)), data.subset(np.arange(30, 40))
    fitted = PROCEDURAL.fit(train, 0)
    before = fitted.predict(test)
    altered = dataclasses.replace(test, outcome=100.0 - test.outcome)
    assert np.array_equal(fitted.predict(altered), before)
    assert fitted.parameters["codecision"] in ("veto", "conciliation")
    # the chosen setting is the one with the lowest training error
    errs = [np.mean(np.abs(procedural(train, g).outcome - train.outcome)) for g in GRID]
    assert fitted.parameters["codecision"] == GRID[int(np.argmin(errs))].codecision
    assert fitted.parameters["amendment"] == GRID[int(np.argmin(errs))].amendment
