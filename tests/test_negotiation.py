"""Simulated negotiations: hand-worked runs, protocol rules, invariants over random domains,
seeds, the mediator, tournaments and a Genius domain."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from multitrack.interop import genius_scenario
from multitrack.negotiation import (MediatorConfig, NegotiationDomain, ProtocolConfig, Strategy,
                                    TournamentConfig, mediate, negotiate, negotiate_many, run_tournament)
from multitrack.space import TrackSpace, agreement_frontier

GENIUS = Path("/work/shared/data/genius")

# ---- a two-issue domain worked by hand ----------------------------------------------------------
# Issue x has 3 values, issue y 2; outcome number = 2 * x + y. Additive utilities:
#   A: x -> (0.8, 0.4, 0.0), y -> (0.2, 0.0)      B: x -> (0.0, 0.5, 0.8), y -> (0.0, 0.2)
#   outcome   0     1     2     3     4     5
#   (x, y)  (0,0) (0,1) (1,0) (1,1) (2,0) (2,1)
#   u_A      1.0   0.8   0.6   0.4   0.2   0.0
#   u_B      0.0   0.2   0.5   0.7   0.8   1.0
# No reservation values, so each party concedes from 1 (its best) towards 0 (its worst).
# A: Boulware, e = 0.25: target 1 - tau**4.   B: conceder, e = 4: target 1 - tau**0.25.
# A party offers its outcome closest above its target and accepts an offer worth at least its
# next offer (AC_next).
#
# The literature's agents (the default): each concedes on its own clock tau = min(1, (r + 1) / L),
# L = T for the first mover (its offer in the last round is still answered) and T - 1 for the
# other (its last answerable offer is in round T - 2), so that each reaches its reservation value
# (here its worst outcome) at its last answerable offer.
# T = 4, A first (tau_A = 1/4, 2/4, 3/4, 1; tau_B = 1/3, 2/3, 1, 1):
#   r0: A target 0.9961 -> offers 0.  B target 1 - (1/3)**0.25 = 0.2402 -> next 2 (0.5); u_B(0) = 0: offers 2.
#   r1: A target 0.9375 -> next 0; u_A(2) = 0.6: offers 0.  B target 0.0964 -> next 1 (0.2): offers 1.
#   r2: A target 1 - 0.75**4 = 0.6836 -> next 1 (0.8); u_A(1) = 0.8 >= 0.8: A accepts outcome 1 in round 2.
# T = 4, B first (tau_B = 1/4, 2/4, 3/4, 1; tau_A = 1/3, 2/3, 1, 1):
#   r0: B target 0.2929 -> offers 2; A target 0.9877 -> next 0, rejects 2 (0.6), offers 0.
#   r1: B target 0.1591 -> next 1, offers 1; A target 1 - (2/3)**4 = 0.8025 -> next 0 (0.8 is
#       below): offers 0.
#   r2: B target 0.0694 -> next 1, offers 1 again; A at tau = 1 targets 0 and accepts it: round 2, outcome 1.
# T = 3, A first (tau_A = 1/3, 2/3, 1; tau_B = 1/2, 1, 1): r0 A 0, B target 0.1591 -> 1; r1 A target
#   0.8025 -> next 0, rejects 1, offers 0; B at tau = 1 targets 0 and accepts 0: round 1, outcome 0.
# T = 2, A first: B's clock is 1 already in round 0 (its only answerable offer would be then), so it
#   accepts A's opening offer 0 at once: round 0, outcome 0.
#
# NegMAS's time-based negotiators (ProtocolConfig.negmas): relative time (r + 1) / (T + 1) for both,
# so neither reaches its reservation value, and acceptance at least the target (tolerance 0 here).
# T = 4, A first (t = 0.2, 0.4, 0.6, 0.8):
#   r0: A target 0.9984 -> offers 0.  B target 0.3313 -> its next is 2 (0.5); u_B(0) = 0: offers 2.
#   r1: A target 0.9744 -> next 0; u_A(2) = 0.6 < 1: offers 0.  B target 0.2047 -> offers 2 again.
#   r2: A target 0.8704 -> next 0 (0.8 is below): offers 0.  B target 0.1199 -> next 1 (0.2): offers 1.
#   r3: A target 0.5904 -> next 2 (0.6); u_A(1) = 0.8 >= 0.6: A accepts outcome 1 in round 3.
# T = 4, B first: r0 B offers 2, A offers 0; r1 the same; r2 B offers 1 (target 0.1199), A rejects
#   (target 0.8704, next 0) and offers 0; r3 B (target 0.0543) offers 1 again, A (target 0.5904,
#   next 2) accepts it: round 3, outcome 1.
# T = 3, A first (t = 0.25, 0.5, 0.75): r0 A 0, B target 0.2929 -> 2; r1 A 0, B target 0.1591 -> 1;
#   r2 A target 1 - 0.75**4 = 0.6836 -> next 1 (0.8); u_A(1) = 0.8 >= 0.8: accepts in round 2.
# T = 2, A first (t = 1/3, 2/3): r0 A 0, B target 0.2402 -> 2; r1 A target 0.8025 -> 0 (0.8 below),
#   rejects 2; B target 0.0965 -> 1 rejects 0 and offers 1; the deadline passes: no deal.

HAND = [TrackSpace.from_tables([np.array([[0.8, 0.4, 0.0], [0.0, 0.5, 0.8]]),
                                np.array([[0.2, 0.0], [0.0, 0.2]])], actors=("A", "B"))]
NEGMAS_CLOCK = ProtocolConfig.negmas(tolerance=0.0, below_slack=0.0)


@pytest.mark.parametrize("mode, deadline, order, agreed, round_, outcome", [
    ("literature", 4, (0, 1), True, 2, 1),
    ("literature", 4, (1, 0), True, 2, 1),
    ("literature", 3, (0, 1), True, 1, 0),
    ("literature", 2, (0, 1), True, 0, 0),
    ("negmas", 4, (0, 1), True, 3, 1),
    ("negmas", 4, (1, 0), True, 3, 1),
    ("negmas", 3, (0, 1), True, 2, 1),
    ("negmas", 2, (0, 1), False, None, None),
])
def test_boulware_against_conceder_by_hand(mode, deadline, order, agreed, round_, outcome):
    domain = NegotiationDomain.from_track_space(HAND[0])
    base = NEGMAS_CLOCK if mode == "negmas" else ProtocolConfig()
    config = replace(base, deadline=deadline, order=order, record_offers=True)
    r = negotiate(domain, [Strategy.boulware(), Strategy.conceder()], config=config)
    assert (r.agreed, r.round, r.outcome) == (agreed, round_, outcome)
    if agreed:
        assert r.outcome_values == domain.outcome(outcome)
        assert r.accepted_by == (True, True)


@pytest.mark.parametrize("mode, offers", [
    ("literature", [(0, "A", 0), (0, "B", 2), (1, "A", 0), (1, "B", 1)]),
    ("negmas", [(0, "A", 0), (0, "B", 2), (1, "A", 0), (1, "B", 2), (2, "A", 0), (2, "B", 1)]),
])
def test_hand_offers_sequence(mode, offers):
    domain = NegotiationDomain.from_track_space(HAND[0])
    base = NEGMAS_CLOCK if mode == "negmas" else ProtocolConfig()
    r = negotiate(domain, [Strategy.boulware(), Strategy.conceder()],
                  config=replace(base, deadline=4, record_offers=True))
    assert [(o.round, o.party, o.outcome) for o in r.offers] == offers


# ---- the stacked protocol: one veto blocks what two accept ---------------------------------------
# Three outcomes. Hard-liners offer their best and accept only it. Party 0 offers outcome 0,
# party 1 (whose best it is too) accepts, party 2 gets 0 from it (below its reservation 0.5).
U3 = np.array([[1.0, 1.0, 0.0],
               [0.5, 0.0, 1.0],
               [0.0, 0.5, 0.6]])


@pytest.mark.parametrize("required, agreed, outcome, votes", [
    ((0, 1, 2), False, None, None),          # party 2's veto blocks it; it counter-offers outcome 1
    ((0, 1), True, 0, (True, True, False)),  # without its veto the deal stands; its no is recorded
])
def test_stacked_veto_blocks(required, agreed, outcome, votes):
    domain = NegotiationDomain.from_utilities(U3, reservation=[0.4, 0.4, 0.5], required=required)
    r = negotiate(domain, [Strategy.hardliner()] * 3, config=ProtocolConfig(deadline=1, record_offers=True))
    assert (r.agreed, r.outcome) == (agreed, outcome)
    if votes is not None:
        assert r.accepted_by == votes
    else:
        assert [(o.party, o.outcome) for o in r.offers] == [("p0", 0), ("p2", 1)]
        assert r.protocol == "stacked_alternating_offers"


# ---- invariants over random domains ----------------------------------------------------------------
def random_domain(seed, k=2, n=60, disjoint=False):
    rng = np.random.default_rng(seed)
    u = rng.uniform(size=(n, k))
    if disjoint:  # party 0 accepts only its top half, party 1 only the outcomes party 0 ranks lower
        cut = np.median(u[:, 0])
        allowed = np.ones((n, k), bool)
        allowed[:, 0] = u[:, 0] >= cut
        allowed[:, 1] = u[:, 0] < cut
        return NegotiationDomain.from_utilities(u, allowed=allowed)
    r = rng.uniform(0.2, 0.6, size=k)
    return NegotiationDomain.from_utilities(u, reservation=r, shape=(n // 6, 6))


ALL = [Strategy.boulware(), Strategy.linear(), Strategy.conceder(), Strategy.tit_for_tat(True),
       Strategy.tit_for_tat(False), Strategy.aspiration(), Strategy.hardliner(), Strategy.random()]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hardliners_never_agree_when_sets_do_not_meet(seed):
    domain = random_domain(seed, disjoint=True)
    assert domain.reference.nash is None
    r = negotiate(domain, [Strategy.hardliner(), Strategy.hardliner()], config=ProtocolConfig(deadline=200))
    assert not r.agreed and r.status == "deadline" and r.distance_pareto is None
    # no strategy can agree either: offers and acceptances stay inside each party's own set
    out = negotiate_many(domain, [(a, b) for a in ALL for b in ALL], seeds=np.arange(64))
    assert not out["agreed"].any()


@pytest.mark.parametrize("seed, k", [(3, 2), (4, 2), (5, 3)])
def test_agreements_never_below_reservation(seed, k):
    domain = random_domain(seed, k=k, n=120)
    pairs = [tuple(ALL[(i + j * 3) % len(ALL)] for j in range(k)) for i in range(len(ALL))] if k > 2 else \
        [(a, b) for a in ALL for b in ALL]
    out = negotiate_many(domain, pairs, config=ProtocolConfig(deadline=40), seeds=np.arange(len(pairs)))
    assert out["agreed"].any()
    got = out["utility"][out["agreed"]]
    assert np.all(got >= domain.reservation[None, :] - 1e-12)
    assert np.all(out["gain"][out["agreed"]] >= -1e-12)
    assert np.all(out["distance_pareto"] >= 0)


@pytest.mark.parametrize("strategies", [
    (Strategy.random(), Strategy.random()),
    (Strategy.random(), Strategy.boulware()),
    (Strategy.random(), Strategy.linear(), Strategy.random()),
])
def test_seeds_reproduce_random_strategies(strategies):
    domain = random_domain(7, k=len(strategies), n=300)
    cfg = ProtocolConfig(deadline=30, record_offers=True)
    a = [negotiate(domain, strategies, config=cfg, seed=s) for s in range(6)]
    b = [negotiate(domain, strategies, config=cfg, seed=s) for s in range(6)]
    assert [x.to_dict() for x in a] == [x.to_dict() for x in b]
    assert len({tuple(o.outcome for o in x.offers) for x in a}) > 1  # the seed matters


@pytest.mark.parametrize("start, choice", [("status_quo", "best"), ("random", "best"), ("random", "random"),
                                           (17, "best")])
def test_mediator_stops_where_no_party_vetoes(start, choice):
    rng = np.random.default_rng(11)
    tables = [rng.uniform(size=(3, 4)) for _ in range(3)]
    space = TrackSpace.from_tables(tables, reservation=None)
    domain = NegotiationDomain.from_track_space(space)
    r = mediate(domain, config=MediatorConfig(start=start, choice=choice, record_offers=True), seed=2)
    assert r.agreed and all(r.accepted_by)
    final = r.outcome
    first = r.offers[0].outcome
    assert np.all(domain.utility[final] >= domain.utility[first] - 1e-12)  # nobody lost on the way
    idx = np.unravel_index(final, domain.shape)
    for i, n in enumerate(domain.shape):  # every single-issue change is vetoed or helps nobody
        for v in range(n):
            if v == idx[i]:
                continue
            other = list(idx)
            other[i] = v
            d = domain.utility[np.ravel_multi_index(other, domain.shape)] - domain.utility[final]
            assert (d < -1e-9).any() or not (d > 1e-9).any()


# ---- reference points, tournaments, Genius ---------------------------------------------------------
def test_frontier_matches_the_agreement_space_engine():
    rng = np.random.default_rng(5)
    space = TrackSpace.from_tables([rng.uniform(size=(2, 5)) for _ in range(3)],
                                   reservation=np.array([0.8, 0.7]))
    domain = NegotiationDomain.from_track_space(space)
    f = agreement_frontier(space)
    ours = {tuple(np.round(domain.utility[i], 9)) for i in domain.reference.frontier_index}
    theirs = {tuple(np.round(f.utility[:, j], 9)) for j in range(f.size)}
    assert ours == theirs
    nash = negotiate(domain, [Strategy.hardliner(), Strategy.hardliner()])
    assert nash.distance_nash is None or nash.distance_nash >= 0


def test_tournament_over_draws():
    base = random_domain(9, n=60)
    rng = np.random.default_rng(1)
    draws = base.utility[None] * rng.uniform(0.9, 1.1, size=(8, 1, 2))
    strategies = [Strategy.boulware(), Strategy.conceder(), Strategy.random()]
    cfg = TournamentConfig(runs=3, protocol=ProtocolConfig(deadline=30))
    res = run_tournament(draws, strategies, domain=base, config=cfg, seed=4)
    assert len(res.assignments) == 9 and res.draws == 8
    runs = {a.strategies: a.runs for a in res.assignments}
    assert runs[("boulware", "conceder")] == 8 and runs[("random", "boulware")] == 24
    for a in res.assignments:
        assert a.agreement.low <= a.agreement.value <= a.agreement.high
    assert res.to_dict() == run_tournament(draws, strategies, domain=base, config=cfg, seed=4).to_dict()
    assert {s.strategy for s in res.strategies} == {"boulware", "conceder", "random"}


@pytest.mark.skipif(not GENIUS.is_dir(), reason="sample Genius domains not available")
@pytest.mark.parametrize("folder, parties", [("Laptop", 2), ("group2-politics", 3)])
def test_genius_domains(folder, parties):
    domain = NegotiationDomain.from_scenario(genius_scenario(GENIUS / folder))
    assert domain.n_parties == parties
    strategies = [Strategy.linear()] * parties
    r = negotiate(domain, strategies, config=ProtocolConfig(deadline=100))
    assert r.agreed and r.distance_pareto is not None and r.distance_pareto < 0.5
    assert all(u >= rv - 1e-9 for u, rv in zip(r.utility, domain.reservation))
