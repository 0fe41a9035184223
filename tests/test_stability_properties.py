"""Property tests of the GMCR solution concepts on random small conflicts.

Checks the inclusions of Fang, Hipel & Kilgour (1993): Nash in SMR in GMR and
Nash in SEQ in GMR; invariance under relabelling DMs and options; and agreement with a
brute-force path-search reference written from the definitions, independent of the library.
"""

from __future__ import annotations

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
    coalition_reach,
    move_graphs,
)
from multitrack.stability.statusquo import status_quo_analysis


@st.composite
def conflicts(draw, max_options: int = 6) -> Conflict:
    """2-4 DMs with 1-2 options each (at most max_options), random tied payoffs,
    random infeasible states and irreversible options."""
    n_dms = draw(st.integers(2, 4))
    sizes = [draw(st.integers(1, 2)) for _ in range(n_dms)]
    while sum(sizes) > max_options:
        sizes[sizes.index(max(sizes))] -= 1
    n = sum(sizes)
    names = [f"o{k}" for k in range(n)]
    payoff = st.lists(st.integers(0, 4), min_size=2**n, max_size=2**n)
    dms, k = [], 0
    for d, size in enumerate(sizes):
        dms.append(DecisionMaker(f"D{d}", tuple(names[k : k + size]), Payoffs(tuple(draw(payoff)))))
        k += size
    bad = draw(st.lists(st.integers(0, 2**n - 1), max_size=2**n // 3, unique=True))
    bad = [c for c in bad if c != 0]  # keep at least one feasible state
    conditions = tuple(Infeasible(_literal(c, names)) for c in bad)
    pairs = st.tuples(st.sampled_from(names), st.sampled_from(["forward", "backward"]))
    irr = draw(st.lists(pairs, max_size=2, unique_by=lambda t: t[0]))
    irreversible = tuple(Irreversible(o, d) for o, d in irr)
    return Conflict(dms=tuple(dms), conditions=conditions, irreversible=irreversible)


def _literal(code: int, names: list[str]) -> str:
    """The conjunction that holds exactly in the state with this code, e.g. "o0 & -o1"."""
    return " & ".join(n if code >> k & 1 else f"-{n}" for k, n in enumerate(names))


# --------------------------------------------------------------------------- brute force


def _um(model, j: int, s: int) -> list[int]:
    """DM j's unilateral moves from s, straight from the definition (bit by bit)."""
    own = model.owner == j
    out = []
    for t in range(model.n_states):
        a, b = model.bits[s], model.bits[t]
        if t == s or (a != b)[~own].any():
            continue
        taken_back = a & ~b & _mask(model, model.forward_only)
        newly = ~a & b & _mask(model, model.backward_only)
        if not taken_back.any() and not newly.any():
            out.append(t)
    return out


def _mask(model, bits: int) -> np.ndarray:
    return np.array([bool(bits >> k & 1) for k in range(len(model.option_names))])


def _ui(model, j: int, s: int) -> list[int]:
    return [t for t in _um(model, j, s) if model.payoff[t, j] > model.payoff[s, j]]


def _reach(model, movers, start: int, step) -> set[int]:
    """Legal sequences by `movers` from start (no DM twice in a row), by path search."""
    seen, found, stack = set(), set(), [(start, None)]
    while stack:
        state, last = stack.pop()
        for j in movers:
            if j == last:
                continue
            for t in step(model, j, state):
                found.add(t)
                if (t, j) not in seen:
                    seen.add((t, j))
                    stack.append((t, j))
    return found


def brute_force(model, i: int, s: int, concept: str) -> bool:
    """Stability of s for DM i from the textbook definitions (Fang et al. 1993)."""
    p = model.payoff[:, i]
    others = [j for j in range(model.n_dms) if j != i]
    improvements = _ui(model, i, s)
    if concept == "nash":
        return not improvements
    if concept == "seq_sim":  # either kind of sanction blocks (Fraser & Hipel 1984)
        return brute_force(model, i, s, "seq") or brute_force(model, i, s, "sim")
    if concept == "sim":
        return all(_sim_sanction(model, i, s, s1, others) for s1 in improvements)
    step = _ui if concept == "seq" else _um
    for s1 in improvements:
        sanctions = [s2 for s2 in _reach(model, others, s1, step) if p[s2] <= p[s]]
        if concept == "smr":
            sanctions = [s2 for s2 in sanctions if all(p[s3] <= p[s] for s3 in _um(model, i, s2))]
        if not sanctions:
            return False
    return True


def _sim_sanction(model, i: int, s: int, s1: int, others: list[int]) -> bool:
    """SIM (Fraser & Hipel 1984; Fang et al. 1993): some simultaneous answer from s, in which
    each opponent stays or takes one of its own UIs from s and at least one moves, combined
    option by option with i's move s -> s1, is a feasible state i does not prefer to s."""
    p = model.payoff[:, i]
    choices = [[None] + _ui(model, j, s) for j in others]
    for combo in itertools.product(*choices):
        if all(c is None for c in combo):
            continue
        bits = model.bits[s1].copy()  # i's options as in s1, the others' as in s so far
        for j, c in zip(others, combo):
            if c is not None:
                bits[model.owner == j] = model.bits[c][model.owner == j]
        match = np.flatnonzero((model.bits == bits).all(axis=1))
        if len(match) and p[match[0]] <= p[s]:  # an infeasible combination is no sanction
            return True
    return False


# --------------------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None)
@given(conflicts())
def test_inclusions(conflict):
    r = analyse(conflict.build(), CONCEPTS)
    nash, gmr, smr, seq, sim, seq_sim = (r.stable(c) for c in CONCEPTS)
    assert not (nash & ~smr).any() and not (smr & ~gmr).any()
    assert not (nash & ~seq).any() and not (seq & ~gmr).any()
    assert not (nash & ~sim).any()
    assert np.array_equal(seq_sim, seq | sim) and not (nash & ~seq_sim).any()


@settings(max_examples=60, deadline=None)
@given(conflicts(max_options=5))
def test_matches_brute_force(conflict):
    model = conflict.build()
    fast = analyse(model, CONCEPTS)
    exact = analyse(model, CONCEPTS[:4], method="boolean")
    for concept in CONCEPTS:
        expected = np.array(
            [[brute_force(model, i, s, concept) for i in range(model.n_dms)] for s in range(model.n_states)]
        ).reshape(model.n_states, model.n_dms)
        assert np.array_equal(fast.stable(concept), expected), concept
        if concept in CONCEPTS[:4]:
            assert np.array_equal(exact.stable(concept), expected), concept


def _relabel(conflict: Conflict, dm_order, option_orders) -> Conflict:
    """Reorder DMs and each DM's options; payoff tables follow the new option codes."""
    old = conflict.option_names
    dms = [conflict.dms[d] for d in dm_order]
    new_dms_opts = [tuple(dm.options[k] for k in option_orders[d]) for d, dm in zip(dm_order, dms)]
    new = [o for opts in new_dms_opts for o in opts]
    position = np.array([old.index(o) for o in new])  # new bit k holds old bit position[k]
    codes = np.arange(2 ** len(new))
    old_code = ((codes[:, None] >> np.arange(len(new))) & 1) @ (1 << position)
    out = []
    for dm, opts in zip(dms, new_dms_opts):
        table = np.asarray(dm.preferences.by_code)[old_code]
        out.append(DecisionMaker(dm.name, opts, Payoffs(tuple(table))))
    return Conflict(dms=tuple(out), conditions=conflict.conditions, irreversible=conflict.irreversible)


def _named_equilibria(result, concept: str) -> set[frozenset]:
    names = result.model.option_names
    return {
        frozenset(n for n, b in zip(names, result.model.bits[s]) if b) for s in result.equilibria(concept)
    }


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_relabelling_invariance(data):
    conflict = data.draw(conflicts())
    dm_order = data.draw(st.permutations(range(len(conflict.dms))))
    option_orders = [data.draw(st.permutations(range(len(dm.options)))) for dm in conflict.dms]
    before = analyse(conflict.build(), CONCEPTS)
    after = analyse(_relabel(conflict, dm_order, option_orders).build(), CONCEPTS)
    for concept in CONCEPTS:
        assert _named_equilibria(before, concept) == _named_equilibria(after, concept)


@settings(max_examples=60, deadline=None)
@given(conflicts())
def test_status_quo_matches_matrix_reach_and_paths_are_legal(conflict):
    model = conflict.build()
    _, improvements = move_graphs(model)
    reach = coalition_reach(improvements)
    for start in range(min(model.n_states, 4)):
        sq = status_quo_analysis(model, start)
        expected = np.zeros(model.n_states, dtype=bool)
        expected[reach[start].indices] = True
        expected[start] = True
        assert np.array_equal(sq.reachable, expected)
        for target, path in sq.paths.items():
            state, last = start, None
            for step in path:
                assert step.mover != last and improvements[step.mover][state, step.state]
                state, last = step.state, step.mover
            assert state == target


def test_engines_agree_on_a_larger_conflict():
    # 3 DMs, 9 options (512 states, ~1/8 infeasible): min-semiring engine == boolean matrices.
    rng = np.random.default_rng(7)
    names = [f"o{k}" for k in range(9)]
    dms = tuple(
        DecisionMaker(f"D{d}", tuple(names[3 * d : 3 * d + 3]), Payoffs(tuple(rng.integers(0, 20, 512))))
        for d in range(3)
    )
    bad = [c for c in rng.choice(512, 64, replace=False).tolist() if c != 0]
    conflict = Conflict(
        dms=dms,
        conditions=tuple(Infeasible(_literal(c, names)) for c in bad),
        irreversible=(Irreversible("o1", "forward"), Irreversible("o5", "backward")),
    )
    model = conflict.build()
    fast, exact = analyse(model, CONCEPTS[:4]), analyse(model, CONCEPTS[:4], method="boolean")
    for concept in CONCEPTS[:4]:
        assert np.array_equal(fast.stable(concept), exact.stable(concept)), concept
