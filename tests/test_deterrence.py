"""Tests of the crisis game of security guarantees (multitrack.deterrence).

Notation (docs/deterrence.md): V challenger's prize; guarantor i has credibility q, costs of
fighting c_R <= c_I, stake s, audience cost a, ambiguity alpha, tripwire k with cost tau per
unit, war cost d, umbrella u with nuclear cost N and own escalation cost M.
A type responds iff c <= theta, with theta_bind = s + a + tau k - u M and
theta_disc = s + tau k - u M.  P = sum over types of prior * [responds].  D = d + u N.
Deterrence holds iff V <= sum_i P_i D_i.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.deterrence import (
    CrisisGame,
    Deterrence,
    FiniteCrisis,
    Guarantee,
    bayes_nash,
    bayesian_normal_form,
    defence_clause,
    deterrence_curve,
    nuclear_umbrella,
    patron,
    pure_pbe,
    solve,
    solve_arrays,
    to_finite,
    tripwire_force,
)

# The base guarantor of the hand cases: q = 0.3, c_R = 1, c_I = 6, s = 2, d = 10; V = 4.
BASE = {"credibility": 0.3, "cost_resolute": 1.0, "cost_irresolute": 6.0, "stake": 2.0, "war_cost": 10.0}


def one(g: Guarantee, value: float = 4.0) -> CrisisGame:
    return CrisisGame((g,), value)


# ---------------------------------------------------------------------------------------------
# The tripwire threshold.
# With a = 1 and tau = 0.5: theta_bind = s + a + tau k = 3 + 0.5 k.
#   resolute (c_R = 1): 1 <= 3 + 0.5 k for every k >= 0, so it always responds.
#   irresolute (c_I = 6): responds iff 6 <= 3 + 0.5 k, i.e. k >= k* = (c_I - s - a) / tau = 6.
# So P = q = 0.3 below k* and P = 1 from k* on.  The challenger compares V = 4 with P d:
#   below k*: 0.3 * 10 = 3 < 4  -> attack (deterrence fails for credibility: d = 10 >= 4);
#   from k*:  1.0 * 10 = 10 >= 4 -> no attack.
# At k = k* exactly the irresolute type is indifferent; our tie rule makes it respond.
# ---------------------------------------------------------------------------------------------
TRIPWIRE = Guarantee("eu", audience_cost=1.0, tripwire_cost=0.5, **BASE)
K_STAR = (6.0 - 2.0 - 1.0) / 0.5


@pytest.mark.parametrize("k, deterred, prob", [
    (0.0, False, 0.3), (K_STAR - 0.01, False, 0.3), (K_STAR, True, 1.0), (K_STAR + 0.01, True, 1.0), (20.0, True, 1.0),
])
def test_tripwire_flips_attack_to_no_attack_at_derived_threshold(k, deterred, prob):
    out = solve(one(TRIPWIRE), {"eu.tripwire": k})
    assert K_STAR == 6.0
    assert bool(out.deterred) is deterred
    assert out.response("eu") == pytest.approx(prob)


@pytest.mark.parametrize("k", [K_STAR - 0.01, K_STAR + 0.01])
def test_general_solver_agrees_on_both_sides_of_the_tripwire_threshold(k):
    eqs = pure_pbe(to_finite(one(TRIPWIRE), {"eu.tripwire": k}))
    assert len(eqs) == 1
    assert eqs[0].attack is (k < K_STAR)
    # types kept: resolute-binding, irresolute-binding (alpha = 0): the irresolute flips at k*
    assert eqs[0].strategies == ((True, k > K_STAR),)


def test_tripwire_curve_jumps_at_the_threshold():
    curve = deterrence_curve(one(TRIPWIRE), "eu.tripwire", np.linspace(0, 12, 25))
    assert curve.threshold() == pytest.approx(K_STAR)
    assert np.all(curve.probability[curve.values < K_STAR] == 0)
    assert np.all(curve.probability[curve.values >= K_STAR] == 1)


# ---------------------------------------------------------------------------------------------
# Hand-solved cases, one per guarantee kind.  Each row: guarantor, V, P, deterred, failure code
# (0 holds, 1 credibility, 2 capability).
# ---------------------------------------------------------------------------------------------
HAND_CASES = [
    # bare promise: theta = s = 2; resolute 1 <= 2 responds, irresolute 6 > 2 does not: P = 0.3;
    # 0.3 * 10 = 3 < 4 -> attack; a sure response (10 >= 4) would deter -> credibility failure.
    ("bare", Guarantee("g", **BASE), 4.0, 0.3, False, 1),
    # no capability: d = 3, q = 1: P = 1 but 1 * 3 < 4 -> attack, capability failure.
    ("weak", Guarantee("g", **{**BASE, "credibility": 1.0, "war_cost": 3.0}), 4.0, 1.0, False, 2),
    # umbrella u = 0.5, N = 20, M = 0: D = 10 + 10 = 20, P = 0.3: 6 >= 4 -> deterred.
    ("umbrella", nuclear_umbrella("g", 0.5, 20.0, **BASE), 4.0, 0.3, True, 0),
    # umbrella that the guarantor fears: M = 10, u = 0.5: theta = 2 - 5 = -3 < 1: nobody responds,
    # P = 0; 0 < 4 -> attack; a sure response (20) would deter -> credibility failure.
    ("feared umbrella", nuclear_umbrella("g", 0.5, 20.0, escalation_cost=10.0, **BASE), 4.0, 0.0, False, 1),
    # clause a = 5, alpha = 0.5: theta_bind = 7 (both respond), theta_disc = 2 (resolute only):
    # P = 0.3 + 0.7 * 0.5 = 0.65; 6.5 >= 4 -> deterred.
    ("clause", defence_clause("g", 5.0, 0.5, **BASE), 4.0, 0.65, True, 0),
    # patron: regime value 8, threat 0.5 -> s = 4; theta = 4 >= c_I = 3, so both types respond
    # although q = 0.2: P = 1, 10 >= 4 -> deterred.
    ("patron", patron("g", 8.0, 0.5, credibility=0.2, cost_resolute=1.0, cost_irresolute=3.0, war_cost=10.0),
     4.0, 1.0, True, 0),
    # spread w = 4 around each cost, a = 1, k = 4, tau = 0.5: theta_bind = 5; resolute costs
    # U[-1, 3] all <= 5; irresolute U[4, 8]: share (5 - 4) / 4 = 0.25.  P = 0.3 + 0.7 * 0.25 = 0.475;
    # 4.75 >= 4 -> deterred.
    ("spread", Guarantee("g", type_spread=4.0, audience_cost=1.0, tripwire=4.0, tripwire_cost=0.5, **BASE),
     4.0, 0.475, True, 0),
]


@pytest.mark.parametrize("label, g, value, prob, deterred, failure", HAND_CASES, ids=[c[0] for c in HAND_CASES])
def test_hand_cases(label, g, value, prob, deterred, failure):
    out = solve(one(g, value))
    assert out.response("g") == pytest.approx(prob)
    assert bool(out.deterred) is deterred
    assert int(out.failure) == failure
    assert out.outcome_probability([]) == pytest.approx(0.0 if deterred else 1 - prob)


def test_challenger_keeps_the_status_quo_when_indifferent():
    # q = 0.5, d = 8: P D = 4 = V.  Tie rule: no attack.  A hair more prize and it attacks.
    game = one(Guarantee("g", **{**BASE, "credibility": 0.5, "war_cost": 8.0}))
    out = solve(game, {"challenger_value": np.array([4.0, 4.0 + 1e-9])})
    assert out.deterred.tolist() == [True, False]
    assert out.margin[0] == 0.0


# Umbrella credibility threshold: q (d + u N) >= V  <=>  u >= u* = (V / q - d) / N = (40/3 - 10) / 20 = 1/6.
@pytest.mark.parametrize("u, deterred", [(1 / 6 - 0.001, False), (1 / 6 + 0.001, True)])
def test_umbrella_threshold(u, deterred):
    game = one(nuclear_umbrella("g", 0.0, 20.0, **BASE))
    assert bool(solve(game, {"g.umbrella": u}).deterred) is deterred


# Ambiguity threshold for the clause above: P = 1 - 0.7 alpha, deterred iff 10 (1 - 0.7 alpha) >= 4,
# i.e. alpha <= alpha* = 0.6 / 0.7 = 6/7.
@pytest.mark.parametrize("alpha, deterred", [(6 / 7 - 0.001, True), (6 / 7 + 0.001, False)])
def test_ambiguity_threshold(alpha, deterred):
    game = one(defence_clause("g", 5.0, 0.0, **BASE))
    assert bool(solve(game, {"g.ambiguity": alpha}).deterred) is deterred


def test_fear_of_escalation_makes_a_stronger_umbrella_weaken_deterrence():
    # q = 0.5, c_R = 0, s = 2, M = 10, N = 20.  u = 0: theta = 2 >= 0, resolute responds: P = 0.5,
    # D = 10 -> 5 >= 4 deterred.  u = 0.3: theta = 2 - 3 = -1 < 0: nobody responds -> attack.
    g = nuclear_umbrella("g", 0.0, 20.0, escalation_cost=10.0, **{**BASE, "credibility": 0.5, "cost_resolute": 0.0})
    out = solve(one(g), {"g.umbrella": np.array([0.0, 0.3])})
    assert out.deterred.tolist() == [True, False]


def test_two_guarantors_tripwire_closes_the_gap():
    # EU: P = 0.3, D = 5.  US: P = 0.5 (q = 0.5), D = 2 + 0.5 * 4 = 4.  Cost 1.5 + 2 = 3.5 < 4 -> attack;
    # unopposed with prob 0.7 * 0.5 = 0.35, both respond with 0.3 * 0.5 = 0.15.
    # EU tripwire k = 6 with a = 1, tau = 0.5 (k* = 6 as above): P_EU = 1, cost 5 + 2 = 7 >= 4 -> deterred.
    eu = tripwire_force("eu", 0.0, 0.5, audience_cost=1.0, **{**BASE, "war_cost": 5.0})
    us = nuclear_umbrella("us", 0.5, 4.0, **{**BASE, "credibility": 0.5, "war_cost": 2.0})
    game = CrisisGame((eu, us), 4.0)
    out = solve(game, {"eu.tripwire": np.array([0.0, 6.0])})
    assert out.deterred.tolist() == [False, True]
    assert out.expected_cost == pytest.approx([3.5, 7.0])
    assert out.outcome_probability([])[0] == pytest.approx(0.35)
    assert out.outcome_probability(["eu", "us"])[0] == pytest.approx(0.15)
    assert out.outcome_probability(["us"])[1] == 0.0
    eqs = Deterrence(game).equilibria({"eu.tripwire": np.array([0.0, 6.0])}, index=0)
    assert [e.attack for e in eqs] == [True]


# ---------------------------------------------------------------------------------------------
# The general solver on games outside the closed form.
# ---------------------------------------------------------------------------------------------
def test_general_solver_drops_non_credible_threats():
    # One irresolute guarantor (one type): respond pays -3, not respond pays -1.  Challenger:
    # status quo 0, attack unanswered 2, attack answered -5.  Nash: (no attack, respond) is
    # supported by an empty threat, and (attack, not respond).  Only the latter is sequentially rational.
    game = FiniteCrisis(("challenger", "g"), (("irresolute",),), np.zeros((1, 1), dtype=int), np.ones(1),
                        np.zeros((1, 2)), np.array([[[2.0, -1.0], [-5.0, -3.0]]]))
    assert sorted(bayes_nash(bayesian_normal_form(game))) == [(0, 1), (1, 0)]
    eqs = pure_pbe(game)
    assert [(e.attack, e.strategies) for e in eqs] == [(True, ((False,),))]


def test_general_solver_finds_both_volunteer_equilibria():
    # Two guarantors, one type each, volunteer's dilemma after an attack: the target is saved if
    # anyone responds (worth 4 to each); a responder pays 2.  Guarantor payoffs by responders
    # (none, 1, 2, both): (0,0), (2,4), (4,2), (2,2).  Pure equilibria of the subgame: exactly one
    # responds.  Challenger: 3 unanswered, 3 - 5 per responder -> never attacks then.
    war = np.array([[[3.0, 0.0, 0.0], [-2.0, 2.0, 4.0], [-2.0, 4.0, 2.0], [-7.0, 2.0, 2.0]]])
    game = FiniteCrisis(("challenger", "a", "b"), (("t",), ("t",)), np.zeros((1, 2), dtype=int), np.ones(1),
                        np.zeros((1, 3)), war)
    eqs = pure_pbe(game)
    assert sorted((e.attack, e.strategies) for e in eqs) == [(False, ((False,), (True,))),
                                                             (False, ((True,), (False,)))]


def test_to_finite_rejects_a_continuum_of_types():
    with pytest.raises(ValueError, match="type_spread"):
        to_finite(one(Guarantee("g", type_spread=1.0)))


# ---------------------------------------------------------------------------------------------
# Closed forms against the general solver on random games.
# ---------------------------------------------------------------------------------------------
unit = st.floats(0.0, 1.0)
# priors on a 1e-3 grid: a product of two subnormal priors would underflow to a zero-prior type
prior = st.integers(0, 1000).map(lambda n: n / 1000)
cost = st.floats(0.0, 10.0)


@st.composite
def guarantors(draw, name):
    c1, c2 = sorted((draw(cost), draw(cost)))
    return Guarantee(name, credibility=draw(prior), cost_resolute=c1, cost_irresolute=c2,
                     stake=draw(st.floats(-5.0, 10.0)), audience_cost=draw(cost), ambiguity=draw(prior),
                     tripwire=draw(cost), tripwire_cost=draw(st.floats(0.0, 2.0)), war_cost=draw(cost),
                     umbrella=draw(unit), nuclear_cost=draw(cost), escalation_cost=draw(cost))


@st.composite
def games(draw):
    n = draw(st.integers(1, 2))
    return CrisisGame(tuple(draw(guarantors(f"g{i}")) for i in range(n)), draw(st.floats(0.0, 20.0)))


def _closed_profile(game: CrisisGame):
    out = solve(game)
    strategies = []
    for i, g in enumerate(game.guarantors):
        q, a = g.credibility, g.ambiguity
        priors = (q * (1 - a), q * a, (1 - q) * (1 - a), (1 - q) * a)
        strategies.append(tuple(bool(out.type_respond[i, t]) for t in range(4) if priors[t] > 0))
    return out, (not bool(out.deterred), tuple(strategies))


@settings(max_examples=150, deadline=None)
@given(games())
def test_closed_form_is_a_pbe_and_the_only_one_in_generic_games(game):
    out, profile = _closed_profile(game)
    eqs = pure_pbe(to_finite(game))
    found = [(e.attack, e.strategies) for e in eqs]
    assert profile in found
    gaps = [abs(th - c) for g, ths in zip(game.guarantors, out.thresholds)
            for th in ths for c in (g.cost_resolute, g.cost_irresolute)]
    if abs(float(out.margin)) > 1e-6 and min(gaps) > 1e-6:
        assert found == [profile]
        assert np.allclose(eqs[0].respond, out.respond)


@settings(max_examples=50, deadline=None)
@given(games(), st.integers(0, 2**31 - 1))
def test_vectorised_solve_equals_one_draw_at_a_time(game, seed):
    rng = np.random.default_rng(seed)
    g0 = game.guarantors[0].name
    draws = {"challenger_value": rng.uniform(0, 20, 7), f"{g0}.tripwire": rng.uniform(0, 10, 7),
             f"{g0}.credibility": rng.uniform(0, 1, 7)}
    batch = solve(game, draws)
    for j in range(7):
        single = solve(game, {k: v[j] for k, v in draws.items()})
        assert bool(batch.deterred[j]) is bool(single.deterred)
        assert np.allclose(batch.respond[:, j], single.respond)


# ---------------------------------------------------------------------------------------------
# Monotonicity, over vectorised random draws.
# ---------------------------------------------------------------------------------------------
def _random_draws(rng: np.random.Generator, n: int = 4000, escalation: bool = True) -> dict[str, np.ndarray]:
    c = np.sort(rng.uniform(0, 10, (2, n)), axis=0)
    return {"challenger_value": rng.uniform(0, 20, n), "g.credibility": rng.uniform(0, 1, n),
            "g.cost_resolute": c[0], "g.cost_irresolute": c[1], "g.stake": rng.uniform(-5, 10, n),
            "g.audience_cost": rng.uniform(0, 5, n), "g.ambiguity": rng.uniform(0, 1, n),
            "g.tripwire": rng.uniform(0, 10, n), "g.tripwire_cost": rng.uniform(0, 2, n),
            "g.war_cost": rng.uniform(0, 10, n), "g.umbrella": rng.uniform(0, 1, n),
            "g.nuclear_cost": rng.uniform(0, 20, n), "g.type_spread": rng.uniform(0, 3, n) * (rng.uniform(size=n) < .5),
            "g.escalation_cost": rng.uniform(0, 10, n) * escalation}


@pytest.mark.parametrize("param, step, escalation, direction", [
    ("g.tripwire", 1.5, True, +1),      # theta grows with k (tau >= 0): P and deterrence never fall
    ("g.credibility", 0.2, True, +1),   # mass moves to the cheaper type (c_R <= c_I)
    ("g.tripwire_cost", 0.5, True, +1),
    ("g.audience_cost", 1.0, True, +1),
    ("g.stake", 1.0, True, +1),
    ("g.umbrella", 0.2, False, +1),     # with M = 0 the umbrella only raises D
    ("g.ambiguity", 0.2, True, -1),     # moves mass to the reading without audience cost
])
def test_monotone_in_each_guarantee_term(param, step, escalation, direction):
    draws = _random_draws(np.random.default_rng(7), escalation=escalation)
    game = one(Guarantee("g"))
    hi = np.clip(draws[param] + step, None, 1.0 if param in ("g.credibility", "g.umbrella", "g.ambiguity") else None)
    base, moved = solve(game, draws), solve(game, {**draws, param: hi})
    if direction < 0:
        base, moved = moved, base
    assert np.all(moved.respond >= base.respond - 1e-12)
    assert np.all(moved.deterred >= base.deterred)
    assert np.any(moved.deterred & ~base.deterred)   # the term matters in some draws


def test_umbrella_is_not_monotone_once_the_guarantor_fears_escalation():
    draws = _random_draws(np.random.default_rng(8), escalation=True)
    game = one(Guarantee("g"))
    base = solve(game, {**draws, "g.umbrella": np.zeros(4000)})
    moved = solve(game, {**draws, "g.umbrella": np.full(4000, 0.5)})
    assert np.any(base.deterred & ~moved.deterred)


@pytest.mark.parametrize("param", ["g.tripwire", "g.umbrella", "g.ambiguity"])
def test_curve_matches_pointwise_solves(param):
    draws = _random_draws(np.random.default_rng(9), n=500, escalation=False)
    game = one(Guarantee("g"))
    values = np.linspace(0, 1, 6)
    curve = deterrence_curve(game, param, values, draws)
    expected = [solve(game, {**draws, param: np.full(500, v)}).deterrence_probability for v in values]
    assert curve.probability == pytest.approx(expected)
    diffs = np.diff(curve.probability)
    assert np.all(diffs <= 1e-12) if param == "g.ambiguity" else np.all(diffs >= -1e-12)


def test_spread_probability_matches_quadrature():
    # P for a spread of costs computed by averaging the indicator [c <= theta] over a fine grid.
    g = Guarantee("g", type_spread=3.0, audience_cost=2.0, ambiguity=0.4, tripwire=2.0, tripwire_cost=0.7, **BASE)
    out = solve(one(g))
    theta_b, theta_d = 2 + 2 + 1.4, 2 + 1.4
    grid = (np.arange(100_000) + 0.5) / 100_000 * 3 - 1.5

    def share(c, th):
        return np.mean(c + grid <= th)

    want = (0.3 * (0.6 * share(1, theta_b) + 0.4 * share(1, theta_d))
            + 0.7 * (0.6 * share(6, theta_b) + 0.4 * share(6, theta_d)))
    assert out.response("g") == pytest.approx(want, abs=1e-4)


# ---------------------------------------------------------------------------------------------
# The interface.
# ---------------------------------------------------------------------------------------------
def test_solve_arrays_names_and_shapes():
    game = CrisisGame((TRIPWIRE,), 4.0)
    arrays = solve_arrays(game, {"eu.tripwire": np.array([0.0, 7.0, 3.0])})
    assert set(arrays) == {"deterred", "margin", "expected_cost", "failure", "unopposed", "eu.respond",
                           "eu.capability"}
    assert arrays["deterred"].tolist() == [False, True, False]
    assert arrays["margin"] == pytest.approx([-1.0, 6.0, -1.0])


@pytest.mark.parametrize("draws, error", [
    ({"eu.bogus": 1.0}, KeyError), ({"eu.credibility": np.array([0.5, 1.5])}, ValueError),
    ({"eu.tripwire": -1.0}, ValueError), ({"challenger_value": np.nan}, ValueError),
])
def test_bad_draws_are_rejected(draws, error):
    with pytest.raises(error):
        solve(one(TRIPWIRE), draws)


@pytest.mark.parametrize("terms", [{"credibility": 1.2}, {"cost_resolute": 5.0, "cost_irresolute": 1.0},
                                   {"war_cost": -1.0}, {"name": "a.b"}])
def test_bad_guarantees_are_rejected(terms):
    with pytest.raises(ValueError):
        Guarantee(**{"name": "g", **terms})


def test_duplicate_guarantor_names_are_rejected():
    with pytest.raises(ValueError):
        CrisisGame((Guarantee("g"), Guarantee("g")))
