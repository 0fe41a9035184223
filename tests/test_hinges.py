"""Switching values (issue 17, item 4): closed-form thresholds recovered by the search, over
draws and at one point, and the hinges analysis on the built-in scenario."""

from __future__ import annotations

import numpy as np
import pytest

import multitrack
from multitrack.deterrence import CrisisGame, Guarantee, tripwire_force
from multitrack.hinges import crisis_inputs, crossings, hinge_sentence, percentile_of, share_measure, switches
from multitrack.hinges.analysis import hinges_analysis
from multitrack.scenario.estimates import Uniform
from multitrack.scenario.security import Crisis
from multitrack.settlement.model import Settlement

REL = 1e-3


def _tripwire_game(value: float = 4.0, ambiguity: float = 0.0) -> CrisisGame:
    # docs/deterrence.md, "The tripwire threshold": c_R = 1 <= s + a, so the resolute type always
    # responds; the irresolute type (c_I = 6) responds under a binding reading iff 6 <= 2 + 1 + 0.5 k,
    # i.e. k >= k* = (6 - 2 - 1) / 0.5 = 6, and under a discretionary one iff k >= (6 - 2) / 0.5 = 8.
    eu = tripwire_force("eu", size=0.0, cost_per_unit=0.5, audience_cost=1.0, credibility=0.3,
                        cost_resolute=1.0, cost_irresolute=6.0, stake=2.0, war_cost=10.0)
    eu = Guarantee(**{**eu.__dict__, "ambiguity": ambiguity})
    return CrisisGame((eu,), challenger_value=value)


def test_search_recovers_the_tripwire_size_k_star_by_hand():
    # Below k* = 6 the response probability is q = 0.3 and 0.3 * 10 = 3 < 4: attack. From k*, P = 1
    # and 10 >= 4: deterred. One point (no draws), so the "share" is the verdict.
    hits = crossings(share_measure(_tripwire_game(), {}, "eu.tripwire"), 0.0, 32.0, 0.0, 0.5)
    assert len(hits) == 1
    assert hits[0].direction == "above"
    assert hits[0].value == pytest.approx(6.0, rel=REL)
    assert hits[0].beyond == 1.0


def test_search_recovers_the_discretionary_threshold_under_an_ambiguous_clause():
    # alpha = 0.5, V = 7: on [6, 8) P = 0.3 + 0.7 * 0.5 = 0.65 and 6.5 < 7 (attack); from
    # k = (c_I - s) / tau = 8, P = 1 and 10 >= 7 (deterred). The first step no longer deters.
    hits = crossings(share_measure(_tripwire_game(7.0, 0.5), {}, "eu.tripwire"), 0.0, 32.0, 0.0, 0.5)
    assert [h.direction for h in hits] == ["above"]
    assert hits[0].value == pytest.approx(8.0, rel=REL)


def test_tripwire_switch_found_from_a_crisis_with_fixed_terms():
    crisis = Crisis.model_validate({
        "id": "c", "title": "C", "challenger": "R", "target": "U", "challenger_value": 4,
        "guarantees": [{"id": "eu", "title": "EU", "guarantor": "EU", "kind": "tripwire",
                        "terms": {"credibility": 0.3, "cost_resolute": 1, "cost_irresolute": 6, "stake": 2,
                                  "audience_cost": 1, "tripwire": 1, "tripwire_cost": 0.5, "war_cost": 10}}]})
    from multitrack.deterrence.analysis import crisis_game

    inputs = crisis_inputs(crisis)
    found, steady = switches(crisis_game(crisis), {}, inputs)
    trip = [s for s in found if s.input == "eu.tripwire"]
    assert len(trip) == 1 and trip[0].value == pytest.approx(6.0, rel=REL)
    assert trip[0].percentile is None  # a stated number has no distribution
    # The prize: deterred from P d = 3 >= V, i.e. the attack is deterred below V = 3 (by hand).
    prize = [s for s in found if s.input == "challenger_value"]
    assert prize[0].direction == "below" and prize[0].value == pytest.approx(3.0, rel=REL)
    # Credibility: q d >= 4 from q = 0.4.
    cred = [s for s in found if s.input == "eu.credibility"]
    assert cred[0].direction == "above" and cred[0].value == pytest.approx(0.4, rel=REL)
    assert "eu ambiguity" not in steady  # not a term of the file: not searched
    assert "R's prize from attacking falls below 3" in hinge_sentence(_hinge(found, steady))


def _hinge(found, steady):
    from multitrack.hinges import Hinge

    return Hinge(id="c/central", headline="deterrence of R at the central estimates", kind="central",
                 now=0.0, threshold=0.5, switches=found, steady=steady, searched=8)


def test_share_of_draws_crosses_one_half_where_the_closed_form_says():
    # Credibility q uniform over the draws (stratified), an irresolute type that never responds, a
    # resolute one that always does: P = q, deterred iff V <= q d, so the share deterred is
    # 1 - V / d and crosses one half at V = d / 2 = 5 (to within one draw's step, 1 / n).
    n = 4000
    q = (np.arange(n) + 0.5) / n
    g = Guarantee("g", credibility=0.5, cost_resolute=0.0, cost_irresolute=100.0, stake=1.0, war_cost=10.0)
    measure = share_measure(CrisisGame((g,), challenger_value=2.0), {"g.credibility": q}, "challenger_value")
    hits = crossings(measure, 0.0, 12.0, 2.0, 0.5)
    assert [h.direction for h in hits] == ["above"]
    assert hits[0].value == pytest.approx(5.0, rel=REL)
    assert hits[0].beyond < 0.5


def test_percentile_is_the_distribution_function():
    u = Uniform(dist="uniform", low=2.0, high=6.0)
    assert percentile_of(u.ppf, 3.0) == pytest.approx(0.25, abs=1e-3)
    assert percentile_of(u.ppf, 1.0) == 0.0 and percentile_of(u.ppf, 7.0) == 1.0


def test_no_crossing_within_the_range_gives_nothing():
    # A prize of 0.1 is deterred whatever the tripwire: nothing flips.
    assert crossings(share_measure(_tripwire_game(0.1), {}, "eu.tripwire"), 0.0, 32.0, 0.0, 0.5) == ()


@pytest.fixture(scope="module")
def builtin():
    s = multitrack.load("european-security")
    return hinges_analysis(s, settlement=Settlement.from_scenario(s, draws=300, seed=5), upstream={})


def test_every_switch_on_the_builtin_scenario_flips_its_headline(builtin):
    from multitrack.deterrence.analysis import crisis_game, uncertain_terms
    from multitrack.deterrence.solve import solve

    s = multitrack.load("european-security")
    run = Settlement.from_scenario(s, draws=300, seed=5).run
    values = run.values()
    crisis = next(c for c in s.deterrence if c.id == "pressure-on-moscow")
    game = crisis_game(crisis)
    draws = {k: np.asarray(values(e)) for k, e in uncertain_terms(crisis).items()}
    h = builtin.hinge("pressure-on-moscow/share")
    assert h.switches and h.now == pytest.approx(np.mean(solve(game, draws).deterred))
    for sw in h.switches:
        m = share_measure(game, draws, sw.input)
        eps = 1e-4 * (sw.high - sw.low)
        step = eps if sw.direction == "above" else -eps
        near, far = sw.value - step, sw.value + step
        sides = m(np.array([near, far])) >= 0.5
        assert sides[0] != sides[1], sw
        if sw.percentile is not None:
            assert 0.0 <= sw.percentile <= 1.0
    order = [sw.order for sw in h.switches]
    assert order == sorted(order)
    linked = builtin.hinge("renewed-offensive/share")
    assert not any(sw.input == "european-force.tripwire" for sw in linked.switches)  # set by the track
    assert "not searched" in (linked.note or "")


def test_an_estimate_whose_range_does_not_reach_the_switch_gets_what_it_would_take():
    # The tripwire drawn from [0, 4] never reaches k* = 6 (by hand, as above): it flips nothing
    # within its range, and what it would take is k* itself, beyond the range, flagged as such.
    from multitrack.deterrence.analysis import crisis_game
    from multitrack.hinges.analysis import deterrence_would_take

    crisis = Crisis.model_validate({
        "id": "c", "title": "C", "challenger": "R", "target": "U", "challenger_value": 4,
        "guarantees": [{"id": "eu", "title": "EU", "guarantor": "EU", "kind": "tripwire",
                        "terms": {"credibility": 0.3, "cost_resolute": 1, "cost_irresolute": 6, "stake": 2,
                                  "audience_cost": 1, "tripwire": {"dist": "uniform", "low": 0, "high": 4},
                                  "tripwire_cost": 0.5, "war_cost": 10}}]})
    game, inputs = crisis_game(crisis), crisis_inputs(crisis)
    central = {"eu.tripwire": np.array([2.0])}  # the estimate's central value
    found, steady = switches(game, central, inputs)
    assert "eu tripwire" in steady and not any(s.input == "eu.tripwire" for s in found)
    (trip,) = [s for s in deterrence_would_take(game, central, inputs, steady) if s.input == "eu.tripwire"]
    assert trip.direction == "above" and trip.value == pytest.approx(6.0, abs=1e-6)
    assert (trip.low, trip.high) == (0.0, 4.0) and trip.percentile == 1.0  # outside its range
    h = _hinge(found, steady)
    text = hinge_sentence(type(h)(**{**h.__dict__, "would_take": (trip,)}))
    assert "beyond their estimates' ranges, it would also take eu tripwire moving above 6" in text
