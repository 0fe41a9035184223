"""The Elmira groundwater contamination conflict, the worked case of the GMCR book.

Published model and results: Fang, Hipel & Kilgour (1993), Interactive Decision Making:
The Graph Model for Conflict Resolution, Wiley (the Elmira chapter: nine feasible states,
the three DMs' rankings and the stability table); the same case in Hipel, Fang, Kilgour &
Haight (1993), Environmental conflict resolution using the graph model, Proc. IEEE Int.
Conf. on Systems, Man and Cybernetics; Xu, Hipel & Kilgour (2009), Matrix representation
of solution concepts in multiple-decision-maker graph models, IEEE Trans. SMC-A 39(1)
(its illustration); coalition analysis in Kilgour, Hipel, Fang & Peng (2001), Coalition
analysis in group decision support, Group Decision and Negotiation 10(2).

Published equilibria: Nash {5, 8, 9}; GMR and SMR {1, 4, 5, 8, 9}; SEQ {5, 8, 9}. From the
status quo 1 the local government's insistence leads to equilibrium 5, from which the
Ministry and Uniroyal together can move to 8 (better for both), the historical outcome.
The model is encoded here from that description (options, one-way moves, rankings).
"""

from __future__ import annotations

import numpy as np
import pytest

from multitrack.stability import (
    CONCEPTS,
    analyse,
    coalition_can_improve,
    move_graphs,
    read_gmcr_plus,
    status_quo_analysis,
    write_gmcr_plus,
)
from multitrack.stability.examples import ELMIRA_STATES, elmira, elmira_state_number

MODEL = elmira().build()
MOE, UR, LG = 0, 1, 2


def numbers(states) -> set[int]:
    return {elmira_state_number(MODEL, s) for s in states}


def test_published_graph():
    """Each DM's moves between the published states (state 9: Uniroyal has abandoned)."""
    moves, _ = move_graphs(MODEL)
    edges = []
    for mv in moves:
        coo = mv.tocoo()
        edges.append({(elmira_state_number(MODEL, a), elmira_state_number(MODEL, b))
                      for a, b in zip(coo.row, coo.col)} - {(9, 9)})
    assert edges[MOE] == {(1, 2), (3, 4), (5, 6), (7, 8)}
    assert edges[UR] == {(1, 3), (2, 4), (5, 7), (6, 8)} | {(k, 9) for k in range(1, 9)}
    assert edges[LG] == {(1, 5), (2, 6), (3, 7), (4, 8)}


@pytest.mark.parametrize(
    "concept, published",
    [("nash", {5, 8, 9}), ("gmr", {1, 4, 5, 8, 9}), ("smr", {1, 4, 5, 8, 9}), ("seq", {5, 8, 9})],
)
@pytest.mark.parametrize("method", ["minplus", "boolean"])
def test_published_equilibria(concept, published, method):
    result = analyse(MODEL, (concept,), method=method)
    assert numbers(result.equilibria(concept)) == published


def test_individual_stability_explains_the_table():
    """Uniroyal decides Nash stability (it improves from 2, 3, 6, 7 by accepting or
    abandoning); the local government's insistence from 1 is sanctioned by the Ministry
    modifying (6 is worse for LG than 1), but the Ministry's move is no improvement for it,
    so LG is GMR- but not SEQ-stable at 1, and at 4 UR's abandonment (9, LG's worst) sanctions
    LG's move to 8 under GMR only."""
    result = analyse(MODEL, CONCEPTS)
    stable = {c: [numbers(np.flatnonzero(result.stable(c)[:, i])) for i in range(3)] for c in CONCEPTS}
    assert stable["nash"][MOE] == set(range(1, 10))
    assert stable["nash"][UR] == {1, 4, 5, 8, 9}
    assert stable["nash"][LG] == {5, 6, 7, 8, 9}
    assert stable["gmr"][LG] == set(range(1, 10))
    assert stable["seq"][LG] == {2, 3, 5, 6, 7, 8, 9}


def test_status_quo_and_coalition():
    sq = status_quo_analysis(MODEL, ELMIRA_STATES[0][0])
    assert numbers(np.flatnonzero(sq.reachable)) == {1, 5}
    assert sq.describe(MODEL.state(ELMIRA_STATES[4][0])) == [("LG", "NYNNY")]
    # From equilibrium 5 neither the Ministry nor Uniroyal alone improves, but together
    # (Ministry modifies, then Uniroyal accepts) they reach 8, which both prefer.
    five = ELMIRA_STATES[4][0]
    assert numbers(coalition_can_improve(MODEL, five, [MOE, UR])) == {8}
    assert coalition_can_improve(MODEL, five, [MOE]).size == 0
    assert coalition_can_improve(MODEL, five, [UR]).size == 0


def test_round_trip_through_gmcr_plus_keeps_equilibria():
    again = read_gmcr_plus(write_gmcr_plus(elmira()), "elmira.json").build()
    before = analyse(MODEL, ("nash", "gmr", "smr", "seq"))
    after = analyse(again, ("nash", "gmr", "smr", "seq"))
    for concept in ("nash", "gmr", "smr", "seq"):
        assert sorted(before.equilibrium_labels(concept)) == sorted(after.equilibrium_labels(concept))
