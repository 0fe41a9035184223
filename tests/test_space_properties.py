"""Invariants of the agreement-space engine on random spaces, checked against brute force."""

import itertools
import pytest
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.space import (TrackSpace, agreement_frontier, choose, count_space, enumerated_frontier,
                              nash_product, pareto_mask)
from multitrack.space.acceptance import accepts, rule_met
from multitrack.space.diagnosis import constraints_of, minimal_blocking_sets, relaxed
from multitrack.space.milp import milp_solve
from multitrack.space.track_space import DecisionRuleArrays, RedLineRef


@st.composite
def spaces(draw, max_actors=3, max_issues=3, max_values=4, rules=False):
    """A random space: integer-valued utilities (so ties happen), forbidden values as red lines,
    reservation values somewhere in each actor's range."""
    k = draw(st.integers(2, max_actors))
    shape = draw(st.lists(st.integers(1, max_values), min_size=1, max_size=max_issues))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    tables = [rng.integers(0, 4, size=(k, n)).astype(float) for n in shape]
    space = TrackSpace.from_tables(tables)
    refs, masks = [], []
    for i, n in enumerate(shape):
        for a in range(k):
            for v in range(n):
                if rng.random() < 0.15:
                    refs.append(RedLineRef(i, a, len(refs), "equals", v, float(v)))
                    masks.append(np.arange(n) != v)
    allowed = [np.ones((k, n), bool) for n in shape]
    for ref, m in zip(refs, masks):
        allowed[ref.issue][ref.actor] &= m
    lo, hi = space.u_min, space.u_max
    r = lo + rng.random(k) * (hi - lo) * draw(st.sampled_from([0.0, 0.3, 0.7]))
    rule = space.rule
    kind = draw(st.sampled_from(["unanimity", "unanimity", "qualified", "weighted"])) if rules else "unanimity"
    if kind != "unanimity":
        vetoes = tuple(a for a in range(k) if rng.random() < 0.3)
        if kind == "qualified":
            rule = DecisionRuleArrays("qualified", vetoes, min_participants=int(rng.integers(1, k + 1)))
        else:
            w = rng.integers(0, 4, size=k).astype(float)
            rule = DecisionRuleArrays("weighted", vetoes, weights=w, threshold=float(rng.uniform(0.5, w.sum() + 0.5)))
    return replace(space, allowed=tuple(allowed), red_lines=tuple(refs), line_masks=tuple(masks),
                   reservation=r, status_quo_utility=r.copy(), rule=rule)


def brute(space):
    """Every outcome's utilities and whether it passes the rule, outcome by outcome."""
    outs = list(itertools.product(*[range(n) for n in space.shape]))
    idx = np.array(outs)
    util = space.utilities_of(idx)
    allowed = np.array([[all(space.allowed[i][a][o[i]] for i in range(len(o))) for o in outs]
                        for a in range(space.n_actors)])
    ok = rule_met(space, accepts(space, util, allowed))
    return idx, util, ok


def dominates(x, y):
    return np.all(x >= y) and np.any(x > y)


@settings(max_examples=150, deadline=None)
@given(spaces(rules=True))
def test_frontier_is_exactly_the_undominated_acceptable_set(space):
    idx, util, ok = brute(space)
    f = agreement_frontier(space)
    b = list(space.bargainers)  # the frontier is among the veto players (everyone if none)
    acceptable = util[b][:, ok].T
    expected = {tuple(p) for p in acceptable
                if not any(dominates(q, p) for q in acceptable)}
    got = {tuple(p) for p in f.utility[b].T}
    assert got == expected
    assert f.size == len(expected)  # one outcome per utility vector
    for p in f.utility[b].T:  # every frontier point is acceptable and undominated
        assert any(np.array_equal(p, q) for q in acceptable)
        assert not any(dominates(q, p) for q in acceptable)


@settings(max_examples=100, deadline=None)
@given(spaces())
def test_decomposition_equals_enumeration(space):
    a = agreement_frontier(space)

    def passes(chunk):
        return rule_met(space, accepts(space, chunk.utility, chunk.allowed))

    b = enumerated_frontier(space, passes, space.bargainers, chunk_size=1024)
    assert {tuple(p) for p in a.utility.T} == {tuple(p) for p in b.utility.T}


@settings(max_examples=100, deadline=None)
@given(spaces(rules=True))
def test_counts_match_brute_force(space):
    _, _, ok = brute(space)
    assert count_space(space, chunk_size=1024).n_agreeable == int(ok.sum())


@settings(max_examples=100, deadline=None)
@given(spaces(), st.sampled_from(["nash", "weighted_nash"]))
def test_nash_maximises_the_nash_product_over_the_acceptable_set(space, concept):
    idx, util, ok = brute(space)
    f = agreement_frontier(space)
    if not ok.any():
        assert f.size == 0
        return
    u = space.normalise(f.utility)
    d = space.normalise(space.reservation)
    power = np.array([1.0, 2.0, 3.0][: space.n_actors])
    w = power if concept == "weighted_nash" else None
    pick = choose(concept, u.T, d, w)
    every = space.normalise(util[:, ok]).T
    best = nash_product(every, d, w).max()
    assert nash_product(u.T[pick:pick + 1], d, w)[0] >= best - 1e-12


@settings(max_examples=100, deadline=None)
@given(spaces(rules=True))
def test_utilitarian_and_egalitarian_match_milp_and_brute_force(space):
    _, util, ok = brute(space)
    x_u = milp_solve(space, "utilitarian")
    x_e = milp_solve(space, "egalitarian")
    if not ok.any():
        assert x_u is None and x_e is None
        return
    b = list(space.bargainers)
    span = np.where(space.u_max > space.u_min, space.u_max - space.u_min, 1.0)[b]
    norm = space.normalise(util[b][:, ok], space.bargainers)
    gains = (util[b][:, ok] - space.reservation[b, None]) / span[:, None]
    f = agreement_frontier(space)
    u = space.normalise(f.utility[b], space.bargainers).T
    d = space.normalise(space.reservation[b], space.bargainers)
    sol_u = u[choose("utilitarian", u, d)].sum()
    sol_e = (u[choose("egalitarian", u, d)] - d).min()
    assert np.isclose(sol_u, norm.sum(axis=0).max())
    assert np.isclose(sol_e, gains.min(axis=0).max())
    mu = space.utilities_of(x_u[None, :])[b, 0]
    me = space.utilities_of(x_e[None, :])[b, 0]
    assert np.isclose(space.normalise(mu, space.bargainers).sum(), sol_u)
    assert np.isclose(((me - space.reservation[b]) / span).min(), sol_e)


@settings(max_examples=80, deadline=None)
@given(spaces())
def test_removing_a_minimal_blocking_set_opens_the_space_and_no_subset_does(space):
    def feasible(s):
        return agreement_frontier(s).size > 0

    if feasible(space):
        return
    sets, _, _ = minimal_blocking_sets(space, feasible, max_size=2)
    for s in sets:
        assert feasible(relaxed(space, s))
        for smaller in itertools.combinations(s, len(s) - 1):
            assert not feasible(relaxed(space, smaller))
    assert set(itertools.chain.from_iterable(sets)) <= set(constraints_of(space))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_skyline_matches_pairwise_check(k, seed):
    rng = np.random.default_rng(seed)
    pts = rng.integers(0, 5, size=(300, k)).astype(float)
    mask = pareto_mask(pts)
    expected = {tuple(p) for p in pts if not any(dominates(q, p) for q in pts)}
    assert {tuple(p) for p in pts[mask]} == expected and mask.sum() == len(expected)


@pytest.mark.parametrize("k", [2, 3])
def test_pareto_mask_dedupes_equal_points_on_a_large_scale(k):
    # x*2100 + y*2100 and (x+y)*2100 differ in the last bit (3078.4491658890347 vs
    # 3078.449165889035), across a 12-decimal rounding boundary: on a points scale they are
    # one utility vector, and the frontier keeps one of them.
    x, y = 0.48519097443163506, 0.9807371998012386
    a, b = x * 2100 + y * 2100, (x + y) * 2100
    assert a != b
    pts = np.array([[a] + [500.0] * (k - 1), [b] + [500.0] * (k - 1), [10.0] * k])
    assert pareto_mask(pts).tolist() == [True, False, False]
