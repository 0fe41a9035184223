"""Hand-derived GMCR cases: Prisoner's Dilemma, Chicken, a 3-DM double-move sanction,
and the option-form machinery (statements, conditions, irreversibility, preferences).

Definitions: Fang, Hipel & Kilgour (1993), Interactive Decision Making, Wiley.
"""

from __future__ import annotations

import numpy as np
import pytest

from multitrack.scenario.option_form import evaluate
from multitrack.stability import (
    CONCEPTS,
    AtLeastOne,
    Conflict,
    DecisionMaker,
    Infeasible,
    Irreversible,
    MutuallyExclusive,
    OptionPrioritization,
    Payoffs,
    Requires,
    StateRanking,
    analyse,
    coalition_reach,
    move_graphs,
    parse_statement,
    unilateral_moves,
)
from multitrack.stability.examples import chicken, prisoners_dilemma, two_by_two


def stable_labels(result, concept: str, dm: int) -> set[str]:
    column = result.stable(concept)[:, dm]
    return {result.model.label(s) for s in np.flatnonzero(column)}


# --------------------------------------------------------------------------- Prisoner's Dilemma
#
# States are labelled by option (1: A defects/dares, 2: B defects/dares), e.g. YN = A only.
# Payoffs (4 best): A: YN=4 > NN=3 > YY=2 > NY=1; B symmetric: NY=4 > NN=3 > YY=2 > YN=1.
# Nash for A: A has an improvement from NN (->YN, 4>3) and from NY (->YY, 2>1); none from
#   YN or YY. So A: {YN, YY}; by symmetry B: {NY, YY}. Nash equilibrium: YY only.
# GMR for A: at NN, A's only improvement YN is sanctioned by B moving to YY (2 <= 3): stable.
#   At NY, A's improvement YY (2>1) can only be met by B moving to YN (4 > 1): unstable.
#   A: {NN, YN, YY}; B: {NN, NY, YY}. GMR equilibria: NN, YY.
# SMR for A at NN: the sanction YY leaves A only the move back to NY (1 <= 3): stable; so
#   SMR = GMR here. SEQ for A at NN: B's move YN -> YY is an improvement for B (1 -> 2), so
#   the sanction is credible: SEQ = GMR. SIM at NN: B's defection NN -> NY is B's own UI
#   (3 -> 4), so both defect together -> YY (2 <= 3): stable. SIM at NY: B has no UI from
#   NY (its best state): unstable. SIM = GMR here.
PD = prisoners_dilemma()


def test_prisoners_dilemma_hand_derived():
    result = analyse(PD.build(), CONCEPTS)
    assert stable_labels(result, "nash", 0) == {"YN", "YY"}
    assert stable_labels(result, "nash", 1) == {"NY", "YY"}
    assert result.equilibrium_labels("nash") == ["YY"]
    for concept in ("gmr", "smr", "seq", "sim"):
        assert stable_labels(result, concept, 0) == {"NN", "YN", "YY"}
        assert stable_labels(result, concept, 1) == {"NN", "NY", "YY"}
        assert sorted(result.equilibrium_labels(concept)) == ["NN", "YY"]


# --------------------------------------------------------------------------- Chicken
#
# Option = "dares" (does not swerve). A: YN=4 > NN=3 > NY=2 > YY=1; B: NY=4 > NN=3 > YN=2 > YY=1.
# Nash for A: improvements NN->YN (4>3) and YY->NY (2>1); stable at YN, NY. Nash eq: YN, NY.
# GMR for A at NN: B answers YN with YY (1 <= 3): stable. At YY: A's improvement NY is met
#   by B's move to NN (3 > 1): unstable. A: {NN, YN, NY}; GMR equilibria NN, YN, NY.
# SMR for A at NN: from YY, A can only go back to NY (2 <= 3): stable. SMR = GMR.
# SEQ for A at NN: B's move YN -> YY is not an improvement for B (2 -> 1): no credible
#   sanction, unstable. SEQ equilibria: YN, NY only.
# SIM for A at NN: B's daring NN -> NY is B's own UI (3 -> 4); both dare at once -> YY
#   (1 <= 3): stable. At YY: B's UI from YY is YN (1 -> 2); with A's NY that gives NN, 3 > 1:
#   unstable. SIM equilibria NN, YN, NY.
CHICKEN = chicken()


def test_chicken_hand_derived():
    result = analyse(CHICKEN.build(), CONCEPTS)
    assert sorted(result.equilibrium_labels("nash")) == ["NY", "YN"]
    assert stable_labels(result, "gmr", 0) == {"NN", "YN", "NY"}
    assert sorted(result.equilibrium_labels("gmr")) == ["NN", "NY", "YN"]
    assert sorted(result.equilibrium_labels("smr")) == ["NN", "NY", "YN"]
    assert stable_labels(result, "seq", 0) == {"YN", "NY"}
    assert sorted(result.equilibrium_labels("seq")) == ["NY", "YN"]
    assert sorted(result.equilibrium_labels("sim")) == ["NN", "NY", "YN"]


# --------------------------------------------------------------------------- payoff tie
#
# A sanction is a state the mover does not prefer to s: P_i(s2) <= P_i(s), so a tie counts
# (Fang, Hipel & Kilgour 1993). Options a (A), b (B); labels "ab".
# A: YN=4 > NN=3 = YY=3 > NY=1 (YY ties NN).   B: NY=YY=2 > NN=YN=1 (B always wants b).
# UIs: A: NN -> YN, NY -> YY. B: NN -> NY, YN -> YY.
# A at NN: its UI YN is answered by B's UI YN -> YY, which A ranks EQUAL to NN (3 = 3):
#   a sanction under GMR, and under SEQ (B improves), SMR (from YY, A's only move NY gives
#   1 <= 3) and SIM (B's UI NN -> NY joined with a: YY, 3 <= 3). With a strict comparison
#   NN would be unstable for A under all of them.
# A at NY: UI YY, B's answer YN gives 4 > 1: unstable. A: {NN, YN, YY} (Nash {YN, YY}).
# B at NN: UI NY, A's answer YY gives B 2 > 1; at YN: UI YY, A's answer NY gives 2 > 1:
#   unstable under every concept. B: {NY, YY}.
TIE = two_by_two((3, 4, 1, 3), (1, 1, 2, 2), "a", "b")


def test_payoff_tie_is_a_sanction():
    result = analyse(TIE.build(), CONCEPTS)
    assert stable_labels(result, "nash", 0) == {"YN", "YY"}
    for concept in ("gmr", "smr", "seq", "sim", "seq_sim"):
        assert stable_labels(result, concept, 0) == {"NN", "YN", "YY"}, concept
    for concept in CONCEPTS:
        assert stable_labels(result, concept, 1) == {"NY", "YY"}, concept
    boolean = analyse(TIE.build(), ("gmr", "smr", "seq"), method="boolean")
    for concept in ("gmr", "smr", "seq"):
        assert stable_labels(boolean, concept, 0) == {"NN", "YN", "YY"}, concept


@pytest.mark.parametrize("conflict", [PD, CHICKEN])
def test_boolean_engine_matches(conflict):
    model = conflict.build()
    fast, exact = analyse(model, CONCEPTS[:4]), analyse(model, CONCEPTS[:4], method="boolean")
    for concept in CONCEPTS[:4]:
        assert np.array_equal(fast.stable(concept), exact.stable(concept))


# --------------------------------------------------------------------------- 3-DM double move
#
# Options (global order): a (A), b1, b2 (B), c (C). Labels list them in that order.
# Infeasible: c without b1 or b2 (c requires b1|b2), and b2 alone without b1 and c.
# A's payoff: every state with a taken = 10, except YNYY (a, b2, c) = 0; NNNN = 5; other
# a-off states 1. B and C are indifferent (GMR uses all their moves anyway).
# From s = NNNN, A's only improvement is s1 = YNNN (10 > 5). Opponents from YNNN:
#   B alone: YYNN, YYYN (YNYN is infeasible); C alone: YNNY is infeasible.
#   B then C: YYNY, YYYY; all these give A 10 > 5, so "each opponent at most once" finds
#   no sanction (gmr-py's restriction) and calls NNNN GMR-unstable for A.
#   The standard definition allows B, C, B: YNNN -> YYNN -> YYNY -> YNYY with A's payoff
#   0 <= 5, a sanction: NNNN is GMR stable for A. B moves twice, never twice in a row.
def double_move_conflict() -> Conflict:
    p_a = np.ones(16)
    for code in range(16):
        if code & 1:
            p_a[code] = 10
    p_a[0] = 5
    p_a[0b1101] = 0  # a=bit0, b2=bit2, c=bit3 -> YNYY
    zero = tuple([0.0] * 16)
    return Conflict(
        dms=(
            DecisionMaker("A", ("a",), Payoffs(tuple(p_a))),
            DecisionMaker("B", ("b1", "b2"), Payoffs(zero)),
            DecisionMaker("C", ("c",), Payoffs(zero)),
        ),
        conditions=(Requires("c", "b1 | b2"), Infeasible("-b1 & b2 & -c")),
    )


def reach_each_once(model, movers, start) -> set[int]:
    """gmcr-py's restricted reachability: each opponent moves at most once (test only)."""
    moves, _ = move_graphs(model)
    found, frontier = set(), [(start, frozenset())]
    while frontier:
        state, used = frontier.pop()
        for j in movers:
            if j in used:
                continue
            for t in moves[j][state].indices:
                found.add(int(t))
                frontier.append((int(t), used | {j}))
    return found


def test_double_move_sanction_found_only_by_standard_definition():
    model = double_move_conflict().build()
    s, s1 = model.state("NNNN"), model.state("YNNN")
    standard = analyse(model, ("gmr",))
    assert standard.stable("gmr")[s, 0]
    reach = coalition_reach([move_graphs(model)[0][1], move_graphs(model)[0][2]])
    assert model.state("YNYY") in set(reach[s1].indices)
    once = reach_each_once(model, (1, 2), s1)
    assert {model.label(t) for t in once} == {"YYNN", "YYYN", "YYNY", "YYYY"}
    assert all(model.payoff[t, 0] > model.payoff[s, 0] for t in once)  # once-only: unstable


# --------------------------------------------------------------------------- option form


NAMES = ("x", "y", "z")


def truth(text: str) -> list[bool]:
    bits = ((np.arange(8)[:, None] >> np.arange(3)) & 1).astype(bool)
    return evaluate(parse_statement(text, NAMES), bits).tolist()


def test_statement_parser():
    x = [bool(c & 1) for c in range(8)]
    y = [bool(c & 2) for c in range(8)]
    z = [bool(c & 4) for c in range(8)]
    assert truth("1") == x
    assert truth("-2") == [not v for v in y]
    assert truth("1 & -3") == [a and not c for a, c in zip(x, z)]
    assert truth("2 | 3") == [b or c for b, c in zip(y, z)]
    assert truth("1 if 2") == [a or not b for a, b in zip(x, y)]
    assert truth("x iff not y") == [a == (not b) for a, b in zip(x, y)]
    assert truth("not (x or y) and z") == [not (a or b) and c for a, b, c in zip(x, y, z)]
    assert truth("!x & ~y") == truth("-1 & -2")


@pytest.mark.parametrize("bad", ["4", "0", "w", "1 +", "(1", "1 2", "__import__('os')", ""])
def test_statement_parser_rejects(bad):
    with pytest.raises(ValueError):
        parse_statement(bad, NAMES)


def test_option_prioritization_scores():
    dm = DecisionMaker("A", ("p", "q"), OptionPrioritization(("1", "-2")))
    model = Conflict(dms=(dm,)).build()
    # NN: only "-2" (1); YN: both (2+1); NY: none (0); YY: "1" only (2)
    assert model.payoff[:, 0].tolist() == [1, 3, 0, 2]


def test_state_ranking_and_conditions():
    ranking = StateRanking((("YN", "NY"), ("NN",)))
    conflict = Conflict(
        dms=(DecisionMaker("A", ("p",), ranking), DecisionMaker("B", ("q",), ranking)),
        conditions=(MutuallyExclusive(("p", "q")),),
    )
    model = conflict.build()
    assert [model.label(s) for s in range(model.n_states)] == ["NN", "YN", "NY"]
    assert model.payoff[:, 0].tolist() == [1, 2, 2]
    at_least = Conflict(dms=conflict.dms, conditions=(AtLeastOne(("1", "2")),))
    with pytest.raises(ValueError):
        at_least.build()  # NN is feasible there and the ranking omits YY


def test_irreversible_moves():
    dm = DecisionMaker("A", ("p", "q"), Payoffs((0, 1, 2, 3)))
    conflict = Conflict(dms=(dm,), irreversible=(Irreversible("p", "forward"), Irreversible("q", "backward")))
    model = conflict.build()
    moves = unilateral_moves(model, 0).toarray()
    # p may only be taken (bit 0 never 1 -> 0); q may only be withdrawn (bit 1 never 0 -> 1)
    expected = np.zeros((4, 4), dtype=bool)
    expected[0, 1] = True  # NN -> YN
    expected[2, 0] = expected[2, 1] = expected[2, 3] = True  # NY -> NN, YN, YY
    expected[3, 1] = True  # YY -> YN
    assert np.array_equal(moves, expected)
