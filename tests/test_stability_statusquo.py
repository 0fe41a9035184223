"""Status quo analysis and coalition improvements (Li, Kilgour & Hipel 2004)."""

from __future__ import annotations

import numpy as np

from multitrack.stability import analyse
from multitrack.stability.examples import chicken, prisoners_dilemma
from multitrack.stability.statusquo import (
    coalition_can_improve,
    status_quo_analysis,
)


def test_prisoners_dilemma_from_cooperation():
    # From NN, A improves to YN (3 -> 4) or B to NY; the other then defects too (1 -> 2):
    # every state is reachable and the Nash equilibrium YY needs two moves, A then B or B then A.
    model = prisoners_dilemma().build()
    sq = status_quo_analysis(model, "NN")
    assert sq.reachable.all()
    result = analyse(model)
    assert [model.label(s) for s in sq.reachable_equilibria(result, "nash")] == ["YY"]
    path = sq.describe(model.state("YY"))
    assert len(path) == 2 and path[-1][1] == "YY" and {p[0] for p in path} == {"A", "B"}
    assert sq.describe(model.state("NN")) == []


def test_chicken_from_both_swerving():
    # From NN each driver can dare (3 -> 4); from YN, B daring too gives B 1 < 2: no move.
    model = chicken().build()
    sq = status_quo_analysis(model, "NN")
    assert {model.label(s) for s in np.flatnonzero(sq.reachable)} == {"NN", "YN", "NY"}


def test_coalition_improvement_in_prisoners_dilemma():
    # From the Nash equilibrium YY both DMs together can reach NN, which both prefer (2 -> 3).
    model = prisoners_dilemma().build()
    assert [model.label(s) for s in coalition_can_improve(model, "YY", (0, 1))] == ["NN"]
    assert len(coalition_can_improve(model, "YY", (0,))) == 0
