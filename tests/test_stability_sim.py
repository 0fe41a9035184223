"""Hand-worked cases of simultaneous stability (SIM) and SEQ&SIM.

SIM (Fraser & Hipel 1984, Conflict Analysis: Models and Resolutions; Fang, Hipel & Kilgour
1993, Interactive Decision Making; GMCR II, Fang, Hipel, Kilgour & Peng 2003): s is SIM
stable for DM i when every unilateral improvement (UI) s -> s1 of i is met by a
simultaneous answer from s in which each opponent stays or takes one of its OWN UIs from s
(at least one moves), and the state combining i's and the movers' option changes is
feasible and not preferred by i to s. A move that does not improve things for the opponent
who makes it is no simultaneous sanction; it can still be a GMR sanction.
"""

from __future__ import annotations

import numpy as np

from multitrack.stability import CONCEPTS, Conflict, DecisionMaker, Infeasible, Payoffs, analyse, move_graphs
from multitrack.stability.examples import two_by_two
from multitrack.stability.sim_kernel import sim_stable


def stable_labels(result, concept: str, dm: int) -> set[str]:
    return {result.model.label(s) for s in np.flatnonzero(result.stable(concept)[:, dm])}


# --------------------------------------------------------------------------- 2 DMs
#
# One option each (a for A, b for B); labels "ab", codes NN=0, YN=1, NY=2, YY=3.
# A: YN=4 > NN=3 > YY=2 > NY=1.   B: NN=4 > YN=3 > NY=2 > YY=1 (B never wants b).
# UIs: A: NN -> YN (3 -> 4), NY -> YY (1 -> 2).  B: NY -> NN (2 -> 4), YY -> YN (1 -> 3).
#      B has no UI from NN or YN.
# SIM for A:
#   NN: A's UI YN; B has no UI from NN, so nobody can answer at the same time: unstable.
#       (Taking all of B's moves instead, B's NN -> NY joined with A's YN gives YY, 2 <= 3,
#       and NN would be called stable: that is GMR's answer, not SIM's.)
#   NY: A's UI YY; B's only UI from NY is NN, combined with a: YN, 4 > 1: unstable.
#   YN, YY: no UI, stable.                                    A: {YN, YY}
# SIM for B:
#   NY: B's UI NN; A's UI from NY is YY, combined (a on, b off): YN, B's 3 > 2: unstable.
#   YY: B's UI YN; A has no UI from YY: unstable.
#   NN, YN: no UI, stable.                                    B: {NN, YN}
# SIM equilibria {YN}.  GMR for A at NN: from YN, B's move to YY gives A 2 <= 3: stable;
# GMR equilibria {NN, YN}.  SEQ for A at NN: B's YN -> YY is no UI for B (3 -> 1): unstable;
# SEQ equilibria {YN}, so SEQ&SIM equilibria {YN}.
def costly_sanction() -> Conflict:
    return two_by_two((3, 4, 1, 2), (4, 3, 2, 1), "a", "b")


def test_sim_ignores_a_sanction_the_opponent_would_not_choose():
    result = analyse(costly_sanction().build(), CONCEPTS)
    assert stable_labels(result, "sim", 0) == {"YN", "YY"}
    assert stable_labels(result, "sim", 1) == {"NN", "YN"}
    assert result.equilibrium_labels("sim") == ["YN"]
    assert result.equilibrium_labels("seq_sim") == ["YN"]
    assert stable_labels(result, "gmr", 0) == {"NN", "YN", "YY"}
    assert sorted(result.equilibrium_labels("gmr")) == ["NN", "YN"]
    assert result.equilibrium_labels("seq") == ["YN"]


def test_answers_with_every_move_would_give_gmr_here():
    # The same kernel fed B's moves instead of B's improvements finds the sanction at NN:
    # the bug this test file guards against (SIM equal to GMR).
    model = costly_sanction().build()
    moves, improvements = move_graphs(model)
    own = model.payoff[:, 0]
    by_moves = sim_stable(model.codes, model.index_of_code, own, improvements[0], [moves[1]])
    by_uis = sim_stable(model.codes, model.index_of_code, own, improvements[0], [improvements[1]])
    assert by_moves[model.state("NN")] and not by_uis[model.state("NN")]


# --------------------------------------------------------------------------- 3 DMs
#
# One option each: a (A), b (B), c (C); labels "abc", code = a + 2b + 4c.
# A: NNN=2, YNN=3, YYN=4, YNY=4, YYY=1, and 0 in the other states with a off.
# B wants b (1 with b, 0 without). C either wants c ("eager") or not ("reluctant").
# At s = NNN, A's only UI is YNN (3 > 2). B's UI from NNN: NYN; C's (eager): NNY.
#   Eager: answers B alone -> YYN (4 > 2), C alone -> YNY (4 > 2), B and C together
#     -> YYY (1 <= 2): sanctioned only by the joint answer; NNN is SIM stable for A.
#     GMR and SEQ: YNN -> YYN (B) -> YYY (C), both UIs: stable.
#   Reluctant: C has no UI from NNN; the only answer is B alone (YYN, 4 > 2): SIM unstable.
#     GMR still finds YNN -> YYN -> YYY (C's move costs C): stable. SEQ: C never improves
#     by taking c, so only YYN is reached: unstable.
#   Eager with YYY infeasible: the joint answer lands on a state that cannot occur, the
#     single answers give 4 > 2: SIM unstable (and GMR too: YYY cannot be reached).
def three_dms(c_wants_c: bool, yyy_infeasible: bool = False) -> Conflict:
    codes = np.arange(8)
    p_a = np.zeros(8)
    p_a[[0, 1, 3, 5, 7]] = [2, 3, 4, 4, 1]
    p_b = (codes >> 1 & 1).astype(float)
    p_c = (codes >> 2 & 1).astype(float)
    if not c_wants_c:
        p_c = 1 - p_c
    conditions = (Infeasible("a & b & c"),) if yyy_infeasible else ()
    return Conflict(
        dms=(
            DecisionMaker("A", ("a",), Payoffs(tuple(p_a))),
            DecisionMaker("B", ("b",), Payoffs(tuple(p_b))),
            DecisionMaker("C", ("c",), Payoffs(tuple(p_c))),
        ),
        conditions=conditions,
    )


def _a_at_nnn(conflict: Conflict) -> dict[str, bool]:
    result = analyse(conflict.build(), CONCEPTS)
    s = result.model.state("NNN")
    return {c: bool(result.stable(c)[s, 0]) for c in CONCEPTS}


def test_joint_answer_of_two_opponents_sanctions():
    assert _a_at_nnn(three_dms(c_wants_c=True)) == {
        "nash": False, "gmr": True, "smr": True, "seq": True, "sim": True, "seq_sim": True,
    }


def test_answer_that_is_no_improvement_does_not_sanction():
    got = _a_at_nnn(three_dms(c_wants_c=False))
    assert got["gmr"] and not got["seq"]
    assert not got["sim"] and not got["seq_sim"]


def test_infeasible_combined_state_is_no_sanction():
    got = _a_at_nnn(three_dms(c_wants_c=True, yyy_infeasible=True))
    assert not got["sim"] and not got["gmr"]


# --------------------------------------------------------------------------- Elmira
#
# Worked here by hand from the published model (states 1-9, rankings best first:
# MoE 7,3,4,8,5,1,2,6,9; UR 1,4,8,5,9,3,7,2,6; LG 7,3,5,1,8,6,4,2,9), not a published
# SIM table. UIs: MoE none (each of its moves 1->2, 3->4, 5->6, 7->8 goes down its ranking);
# LG 1->5, 2->6, 3->7, 4->8; UR 2->4, 2->9, 3->9, 6->8, 6->9, 7->9.
# LG at 1: no opponent has a UI from 1 (UR's best state; MoE has none): unstable. At 4:
#   UR's only move, abandoning (9), is no UI for UR (rank 2 -> 5): unstable, although GMR
#   calls 4 stable through that abandonment. At 2: UR's UI to 9 with LG's insistence is a
#   state 9, LG's worst: stable. At 3: UR's UI to 9 likewise: stable. LG: {2, 3, 5, ..., 9}.
# UR at 2: its UI to 4 joined with LG's insistence is 8, which UR prefers to 2; at 3: its UI
#   to 9 with LG's insistence is still 9, preferred to 3; at 6 and 7 nobody else has a UI:
#   unstable at 2, 3, 6, 7. SIM equilibria {5, 8, 9} (= Nash here), where GMR gives
#   {1, 4, 5, 8, 9}; SEQ&SIM also {5, 8, 9}.
def test_elmira_sim_worked_by_hand():
    from multitrack.stability.examples import elmira, elmira_state_number

    model = elmira().build()
    result = analyse(model, CONCEPTS)

    def numbers(states) -> set[int]:
        return {elmira_state_number(model, s) for s in states}

    assert numbers(np.flatnonzero(result.stable("sim")[:, 2])) == {2, 3, 5, 6, 7, 8, 9}
    assert numbers(np.flatnonzero(result.stable("sim")[:, 0])) == set(range(1, 10))
    assert not ({2, 3, 6, 7} & numbers(np.flatnonzero(result.stable("sim")[:, 1])))
    assert numbers(result.equilibria("sim")) == {5, 8, 9}
    assert numbers(result.equilibria("seq_sim")) == {5, 8, 9}
    assert numbers(result.equilibria("gmr")) == {1, 4, 5, 8, 9}


# --------------------------------------------------------------------------- SEQ&SIM
#
# SEQ&SIM counts either kind of sanction: s is SEQ&SIM stable for i when it is stable for i
# under SEQ or under SIM (Fraser & Hipel 1984, simultaneous sanctioning as a further way to
# block an improvement; GMCR+ computes the combination the same way). Two 2-DM games, one
# option each, payoffs in the order NN, YN, NY, YY; A's only UI from NN is YN in both.
#
# Game "sim only": A: YN=4 > NN=3 > NY=2 > YY=1.  B: NY=4 > YN=3 > NN=2 > YY=1.
#   SEQ for A at NN: from YN, B's only move (to YY) takes B from 3 to 1: no UI, no
#     sequential sanction: unstable.
#   SIM for A at NN: B's UI from NN is NY (2 -> 4); joined with A's a it gives YY, and
#     A's 1 <= 3: sanctioned, stable.  SEQ&SIM: stable.
# Game "seq only": A: YN=4 > NN=3 > YY=2 > NY=1.  B: YY=4 > NN=3 > YN=2 > NY=1.
#   SEQ for A at NN: from YN, B's UI to YY (2 -> 4) gives A 2 <= 3: stable.
#   SIM for A at NN: B's only move from NN (to NY) takes B from 3 to 1: no UI, nobody can
#     answer at the same time: unstable.  SEQ&SIM: stable.
def test_seq_sim_counts_either_sanction():
    games = {
        "sim only": two_by_two((3, 4, 2, 1), (2, 3, 4, 1), "a", "b"),
        "seq only": two_by_two((3, 4, 1, 2), (3, 2, 1, 4), "a", "b"),
    }
    expected = {"sim only": (False, True), "seq only": (True, False)}
    for name, conflict in games.items():
        result = analyse(conflict.build(), CONCEPTS)
        nn = result.model.state("NN")
        seq, sim = expected[name]
        assert bool(result.stable("seq")[nn, 0]) is seq, name
        assert bool(result.stable("sim")[nn, 0]) is sim, name
        assert bool(result.stable("seq_sim")[nn, 0]), name
