"""Coalition analysis over the coalitions a conflict lists (issue 14, item 2b): a hand case
(Elmira, Kilgour, Hipel, Fang & Peng 2001), the ordinary concepts when every decision maker
is alone, and a brute-force search of the definitions on random conflicts with coalitions,
misperceptions and irreversible options."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.stability import (
    CONCEPTS,
    Conflict,
    DecisionMaker,
    Infeasible,
    Irreversible,
    Payoffs,
    analyse,
    coalition_analysis,
    move_graphs,
)
from multitrack.stability.examples import elmira, elmira_state_number


def test_elmira_ministry_and_uniroyal_together_leave_state_5_for_8():
    """Moving together (the Ministry modifies, Uniroyal accepts) both gain from 5 to 8 and the
    local government, having insisted for good, cannot answer: 5 is no equilibrium of the
    structure {Ministry + Uniroyal, local government} under any concept; 8 is one under every
    concept (Uniroyal's only move from 8, abandoning, hurts the Ministry; nobody else moves)."""
    model = dataclasses.replace(elmira(), coalitions=((0, 1),)).build()
    result = coalition_analysis(model)
    assert result.names() == ("MoE + UR", "LG")
    for concept in CONCEPTS:
        numbers = {elmira_state_number(model, s) for s in result.equilibria(concept)}
        assert 5 not in numbers and 8 in numbers, concept
    alone = analyse(model, CONCEPTS)
    assert 5 in {elmira_state_number(model, s) for s in alone.equilibria("nash")}  # without the coalition


def _conflicts(draw, coalitions: bool):
    n_dms = draw(st.integers(2, 4))
    sizes = [draw(st.integers(1, 2)) for _ in range(n_dms)]
    n = sum(sizes)
    names = [f"o{k}" for k in range(n)]
    dms, k = [], 0
    for d, size in enumerate(sizes):
        table = draw(st.lists(st.integers(0, 4), min_size=2**n, max_size=2**n))
        misp = ()
        if draw(st.booleans()):
            sign = draw(st.sampled_from(["", "-"]))
            misp = (f"{sign}{draw(st.integers(1, n))} & {draw(st.integers(1, n))}",)
        dms.append(DecisionMaker(f"D{d}", tuple(names[k:k + size]), Payoffs(tuple(table)), misperceived=misp))
        k += size
    conditions = ()
    if draw(st.booleans()):
        conditions = (Infeasible(f"{draw(st.integers(1, n))} & -{draw(st.integers(1, n))}"),)
    irreversible = ()
    if draw(st.booleans()):
        irreversible = (Irreversible(names[draw(st.integers(0, n - 1))], draw(st.sampled_from(["forward", "backward"]))),)
    groups: tuple = ()
    if coalitions:
        order = draw(st.permutations(list(range(n_dms))))
        cut = draw(st.integers(2, n_dms))
        groups = (tuple(order[:cut]),)
        if n_dms - cut >= 2 and draw(st.booleans()):
            groups += (tuple(order[cut:]),)
    return Conflict(tuple(dms), conditions, irreversible, groups)


@st.composite
def alone(draw):
    return _conflicts(draw, False)


@st.composite
def allied(draw):
    return _conflicts(draw, True)


def _build(conflict):
    try:
        return conflict.build()
    except ValueError:  # no feasible state
        return None


@settings(max_examples=40, deadline=None)
@given(alone())
def test_every_decision_maker_alone_gives_the_ordinary_concepts(conflict):
    model = _build(conflict)
    if model is None:
        return
    ordinary, players = analyse(model, CONCEPTS), coalition_analysis(model)
    assert players.players == tuple((d,) for d in range(model.n_dms))
    for concept in CONCEPTS:
        assert np.array_equal(ordinary.stable(concept), players.table[concept]), concept


# --------------------------------------------------------------------------- brute force


def _sequences(start, steps, players):
    """States reachable from start by a legal sequence (length >= 1, no player twice in a
    row) of the given players' steps: steps[q](s) -> set of states."""
    seen, frontier, out = set(), [(start, None)], set()
    while frontier:
        s, last = frontier.pop()
        for q in players:
            if q == last:
                continue
            for t in steps[q](s):
                out.add(t)
                if (t, q) not in seen:
                    seen.add((t, q))
                    frontier.append((t, q))
    return out


def _brute(model, concept):
    moves, _ = move_graphs(model)
    players = model.coalitions
    pay = model.payoff
    unilateral = [lambda s, m=m: set(moves[m][s].indices.tolist()) for m in range(model.n_dms)]

    def coalition_moves(p):
        return {s: _sequences(s, unilateral, players[p]) - {s} for s in range(model.n_states)}

    R = [coalition_moves(p) for p in range(len(players))]
    CI = [{s: {t for t in R[p][s] if all(pay[t, m] > pay[s, m] for m in players[p])} for s in R[p]}
          for p in range(len(players))]
    stable = np.zeros((model.n_states, len(players)), dtype=bool)
    for p, members in enumerate(players):
        others = [q for q in range(len(players)) if q != p]
        for s in range(model.n_states):
            def not_better(x, s=s, members=members):
                return any(pay[x, m] <= pay[s, m] for m in members)
            ok = True
            for s1 in CI[p][s]:
                if concept in ("gmr", "smr", "seq"):
                    table = R if concept != "seq" else CI
                    steps = {q: (lambda x, q=q, table=table: table[q][x]) for q in others}
                    reach = _sequences(s1, steps, others)
                    if concept == "smr":
                        found = any(not_better(s2) and not any(all(pay[s3, m] > pay[s, m] for m in members)
                                                               for s3 in R[p][s2]) for s2 in reach)
                    else:
                        found = any(not_better(s2) for s2 in reach)
                elif concept == "sim":
                    found = False
                    options = [[None] + sorted(CI[q][s]) for q in others]
                    for choice in itertools.product(*options):
                        if all(c is None for c in choice):
                            continue
                        code = int(model.codes[s1])
                        for c in choice:
                            if c is not None:
                                code ^= int(model.codes[c]) ^ int(model.codes[s])
                        t = int(model.index_of_code[code])
                        if t >= 0 and not_better(t):
                            found = True
                            break
                else:
                    found = False
                if not found:
                    ok = False
                    break
            stable[s, p] = ok
    return stable


@settings(max_examples=60, deadline=None)
@given(allied())
def test_coalition_stability_equals_a_search_of_the_definitions(conflict):
    """Property: Nash, GMR, SMR, SEQ and SIM for each player of the structure equal a direct
    search over legal sequences and simultaneous responses, misperceptions and irreversible
    options included."""
    model = _build(conflict)
    if model is None:
        return
    result = coalition_analysis(model)
    for concept in ("nash", "gmr", "smr", "seq", "sim"):
        assert np.array_equal(result.table[concept], _brute(model, concept)), concept
    assert np.array_equal(result.table["seq_sim"], result.table["seq"] | result.table["sim"])


def test_a_coalition_test_too_large_is_left_out_with_its_size(monkeypatch):
    from multitrack.stability import coalitions

    model = dataclasses.replace(elmira(), coalitions=((0, 1),)).build()
    monkeypatch.setattr(coalitions, "SMR_WORK", 0)
    out = coalitions.hypergame_and_coalitions(model, CONCEPTS)
    assert set(out["coalition_stable"]) == set(CONCEPTS) - {"smr"}
    assert out["coalition_notes"] == (("Coalition SMR was not computed: for MoE + UR it needs more than 0 "
                                       "tests of (improvement, sanction, counter-move) triples."),)
