"""The compiled stability kernels give the answers of the implementation they replaced.

`Reference` below is the earlier vectorised code, kept here verbatim in substance: move graphs
from broadcast option combinations through scipy's COO -> CSR, the Jacobi min-over-reach
sweeps with `np.minimum.reduceat`, the sanction test with `np.bincount`, and the mixed-radix
SIM search (a plain Python loop here). Every table `analyse` produces, every move graph and
every reach minimum must be identical to it, on random conflicts of 2-4 DMs with ties,
infeasible states, irreversible options and misperceived states, through both engines of the
new code (fibers when no option is irreversible, CSR edges otherwise), and on the synthetic
4-DM conflict of the benchmark.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.scenario.option_form import subsets
from multitrack.stability import (
    CONCEPTS,
    Conflict,
    DecisionMaker,
    Infeasible,
    Irreversible,
    Payoffs,
    analyse,
    min_over_reach,
    move_graphs,
    sim_kernel,
)
from multitrack.stability import concepts as concepts_module
from multitrack.stability.graph import dm_edges, dm_fibers, dm_improvements

# --------------------------------------------------------------------------- reference


def ref_edges(model, dm: int) -> tuple[np.ndarray, np.ndarray]:
    mask = model.dm_mask(dm)
    subs = subsets(mask)
    src = model.codes[:, None]
    dst_code = (src & ~np.int64(mask)) | subs[None, :]
    dst = model.index_of_code[dst_code].astype(np.int64)
    ok = (dst >= 0) & (dst_code != src)
    ok &= (src & ~dst_code & model.forward_only) == 0
    ok &= (~src & dst_code & model.backward_only) == 0
    rows = np.broadcast_to(np.arange(model.n_states)[:, None], dst.shape)
    if model.misperceived is not None:
        blocked = model.misperceived[:, dm]
        ok &= ~blocked[rows] & ~blocked[np.where(ok, dst, 0)]
    return rows[ok], dst[ok]


def ref_csr(n: int, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n, n), dtype=bool)


def ref_graphs(model):
    moves, improvements = [], []
    for d in range(model.n_dms):
        rows, cols = ref_edges(model, d)
        better = model.payoff[cols, d] > model.payoff[rows, d]
        moves.append(ref_csr(model.n_states, rows, cols))
        improvements.append(ref_csr(model.n_states, rows[better], cols[better]))
    return moves, improvements


def ref_row_min(matrix: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    out = np.full(matrix.shape[0], np.inf)
    rows = np.flatnonzero(np.diff(matrix.indptr))
    if len(rows):
        out[rows] = np.minimum.reduceat(values[matrix.indices], matrix.indptr[rows])
    return out


def ref_min_over_reach(moves, values: np.ndarray) -> np.ndarray:
    moves = [sp.csr_matrix(m) for m in moves]
    values = np.asarray(values, dtype=np.float64)
    per = [np.full(len(values), np.inf) for _ in moves]
    changed = True
    while changed:
        changed = False
        for j, jm in enumerate(moves):
            others = [f for h, f in enumerate(per) if h != j]
            low = np.minimum.reduce(others) if others else np.full(len(values), np.inf)
            new = ref_row_min(jm, np.minimum(values, low))
            if not np.array_equal(new, per[j]):
                per[j], changed = new, True
    return np.minimum.reduce(per) if per else np.full(len(values), np.inf)


def ref_sanctioned(ui: sp.csr_matrix, best: np.ndarray, own: np.ndarray) -> np.ndarray:
    rows = np.repeat(np.arange(ui.shape[0]), np.diff(ui.indptr))
    unsanctioned = best[ui.indices] > own[rows]
    return np.bincount(rows[unsanctioned], minlength=ui.shape[0]) == 0


def ref_sim(codes, index_of_code, own, ui: sp.csr_matrix, responses) -> np.ndarray:
    """The mixed-radix SIM search, one state at a time."""
    stable = np.ones(len(codes), dtype=bool)
    for s in range(len(codes)):
        lists = []
        for r in responses:
            r = sp.csr_matrix(r)
            targets = r.indices[r.indptr[s]:r.indptr[s + 1]]
            lists.append([0] + [int(codes[t] ^ codes[s]) for t in targets])
        for t1 in ui.indices[ui.indptr[s]:ui.indptr[s + 1]]:
            base, sanctioned = int(codes[t1]), False
            digit = [0] * len(lists)
            while True:
                mask = 0
                for k, d in enumerate(digit):
                    mask |= lists[k][d]
                idx = index_of_code[base ^ mask]
                if mask != 0 and idx >= 0 and own[idx] <= own[s]:
                    sanctioned = True
                    break
                k = 0
                while k < len(lists):
                    digit[k] += 1
                    if digit[k] < len(lists[k]):
                        break
                    digit[k] = 0
                    k += 1
                if k == len(lists):
                    break
            if not sanctioned:
                stable[s] = False
                break
    return stable


def ref_table(model, concept: str) -> np.ndarray:
    moves, improvements = ref_graphs(model)
    cols = []
    for i in range(model.n_dms):
        ui, own = improvements[i], model.payoff[:, i]
        opp = [j for j in range(model.n_dms) if j != i]

        def reach(mats, values):
            return ref_min_over_reach(mats, values) if mats else np.full(len(values), np.inf)

        gmr = ref_sanctioned(ui, reach([moves[j] for j in opp], own), own)
        smr_values = np.maximum(own, -ref_row_min(moves[i], -own))
        smr = ref_sanctioned(ui, reach([moves[j] for j in opp], smr_values), own)
        seq = ref_sanctioned(ui, reach([improvements[j] for j in opp], own), own)
        sim = ref_sim(model.codes, model.index_of_code, own, ui, [improvements[j] for j in opp])
        table = {"nash": np.diff(ui.indptr) == 0, "gmr": gmr, "smr": smr, "seq": seq, "sim": sim,
                 "seq_sim": seq | sim}
        cols.append(table[concept])
    return np.stack(cols, axis=1)


# --------------------------------------------------------------------------- random conflicts


@st.composite
def conflicts(draw, irreversible: bool | None = None) -> Conflict:
    """2-4 DMs with 1-3 options each (at most 8), payoffs 0-4 (many ties), random infeasible
    states, irreversible options (when allowed) and misperceived states."""
    n_dms = draw(st.integers(2, 4))
    sizes = [draw(st.integers(1, 3)) for _ in range(n_dms)]
    while sum(sizes) > 8:
        sizes[sizes.index(max(sizes))] -= 1
    n = sum(sizes)
    names = [f"o{k}" for k in range(n)]
    payoff = st.lists(st.integers(0, 4), min_size=2**n, max_size=2**n)
    literal = st.lists(st.sampled_from(names), min_size=1, max_size=2).map(" & ".join)
    dms, k = [], 0
    for d, size in enumerate(sizes):
        blind = tuple(draw(st.lists(literal, max_size=1)))
        dms.append(DecisionMaker(f"D{d}", tuple(names[k:k + size]), Payoffs(tuple(draw(payoff))),
                                 misperceived=blind))
        k += size
    bad = draw(st.lists(st.integers(1, 2**n - 1), max_size=2**n // 3, unique=True))
    conditions = tuple(Infeasible(" & ".join(o if c >> b & 1 else f"-{o}" for b, o in enumerate(names)))
                       for c in bad)
    irr: list = []
    if irreversible is not False:
        pairs = st.tuples(st.sampled_from(names), st.sampled_from(["forward", "backward"]))
        irr = draw(st.lists(pairs, min_size=1 if irreversible else 0, max_size=2, unique_by=lambda t: t[0]))
    return Conflict(dms=tuple(dms), conditions=conditions,
                    irreversible=tuple(Irreversible(o, d) for o, d in irr))


def _assert_same_tables(model) -> None:
    result = analyse(model, CONCEPTS)
    for c in CONCEPTS:
        np.testing.assert_array_equal(result.stable(c), ref_table(model, c), err_msg=c)


@settings(max_examples=60, deadline=None)
@given(conflicts())
def test_every_concept_matches_the_reference(conflict):
    _assert_same_tables(conflict.build())


@settings(max_examples=40, deadline=None)
@given(conflicts(irreversible=False))
def test_edge_engine_matches_the_fiber_engine(conflict):
    # Without irreversible options analyse uses fibers; force the edge kernels on the same model.
    model = conflict.build()
    assert concepts_module._by_fibers(model)
    by_fibers = analyse(model, CONCEPTS).table
    other = conflict.build()
    original = concepts_module._by_fibers
    concepts_module._by_fibers = lambda m: False
    try:
        by_edges = analyse(other, CONCEPTS).table
    finally:
        concepts_module._by_fibers = original
    for c in CONCEPTS:
        np.testing.assert_array_equal(by_edges[c], by_fibers[c], err_msg=c)


@settings(max_examples=30, deadline=None)
@given(conflicts(irreversible=True))
def test_irreversible_conflicts_use_the_edges_and_match(conflict):
    model = conflict.build()
    assert not concepts_module._by_fibers(model)
    _assert_same_tables(model)


@settings(max_examples=40, deadline=None)
@given(conflicts())
def test_move_graphs_are_the_reference_matrices(conflict):
    model = conflict.build()
    moves, improvements = move_graphs(model)
    ref_moves, ref_improvements = ref_graphs(model)
    for new, old in zip(moves + improvements, ref_moves + ref_improvements, strict=True):
        assert new.shape == old.shape and new.dtype == old.dtype
        np.testing.assert_array_equal(new.indptr, old.indptr)
        np.testing.assert_array_equal(new.indices, old.indices)  # same order within rows
        assert (new != old).nnz == 0


@settings(max_examples=40, deadline=None)
@given(conflicts(irreversible=False))
def test_fibers_list_each_states_improvements(conflict):
    model = conflict.build()
    for d in range(model.n_dms):
        fib = dm_fibers(model, d)
        indptr, indices = dm_improvements(model, d)
        for s in range(model.n_states):
            assert sorted(fib.order[fib.lo[s]:fib.hi[s]]) == list(indices[indptr[s]:indptr[s + 1]])
        edges = dm_edges(model, d)
        for f in range(len(fib.start) - 1):  # a fiber is a clique of the move graph
            members = fib.order[fib.start[f]:fib.start[f + 1]]
            for s in members:
                row = edges.indices[edges.indptr[s]:edges.indptr[s + 1]]
                assert sorted(row) == sorted(t for t in members if t != s)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.integers(0, 4), st.integers(0, 2**32 - 1))
def test_min_over_reach_matches_the_jacobi_sweeps(n, movers, seed):
    rng = np.random.default_rng(seed)
    mats = [sp.random(n, n, density=rng.uniform(0.02, 0.3), format="csr", random_state=rng)
            for _ in range(movers)]
    for m in mats:
        m.setdiag(0)
        m.eliminate_zeros()
    values = rng.integers(0, 6, n).astype(float)
    np.testing.assert_array_equal(min_over_reach(mats, values), ref_min_over_reach(mats, values)
                                  if mats else np.full(n, np.inf))


@settings(max_examples=40, deadline=None)
@given(conflicts(irreversible=False), st.booleans())
def test_sim_bounds_only_skip_hopeless_branches(conflict, with_moves):
    # The branch-and-bound search against the same search with the bounds switched off, and
    # against the reference, fed improvements or (as a stress) every move as the responses.
    model = conflict.build()
    moves, improvements = move_graphs(model)
    for i in range(model.n_dms):
        responses = [(moves if with_moves else improvements)[j] for j in range(model.n_dms) if j != i]
        own = model.payoff[:, i]
        pruned = sim_kernel.sim_stable(model.codes, model.index_of_code, own, improvements[i], responses)
        limit = sim_kernel.MAX_BOUND_ENTRIES
        sim_kernel.MAX_BOUND_ENTRIES = 0
        try:
            plain = sim_kernel.sim_stable(model.codes, model.index_of_code, own, improvements[i], responses)
        finally:
            sim_kernel.MAX_BOUND_ENTRIES = limit
        expected = ref_sim(model.codes, model.index_of_code, own, improvements[i], responses)
        np.testing.assert_array_equal(pruned, expected)
        np.testing.assert_array_equal(plain, expected)


def test_a_single_decision_maker_has_no_sanctions():
    conflict = Conflict((DecisionMaker("A", ("a", "b"), Payoffs((0, 2, 1, 2))),))
    _assert_same_tables(conflict.build())


@pytest.mark.parametrize("n_options", [8, 12])
def test_benchmark_conflict_matches_the_reference(n_options):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from bench_stability import synthetic
    finally:
        sys.path.pop(0)
    model = synthetic(n_options, 1).build()
    result = analyse(model, CONCEPTS)
    moves, improvements = ref_graphs(model)
    for c in ("nash", "gmr", "smr", "seq"):
        np.testing.assert_array_equal(result.stable(c), ref_table(model, c), err_msg=c)
    # SIM for the first DM (the Python reference is slow); the benchmark compares every DM's
    # SIM equilibria of the 12-option conflict with gmcr-py's.
    own = model.payoff[:, 0]
    expected = ref_sim(model.codes, model.index_of_code, own, improvements[0], improvements[1:])
    np.testing.assert_array_equal(result.stable("sim")[:, 0], expected)


@settings(max_examples=50, deadline=None)
@given(conflicts(irreversible=False), st.integers(0, 2**32 - 1))
def test_fiber_reach_is_the_minimum_over_reach(conflict, seed):
    # The fiber kernel on its own, with arbitrary values (the concepts' own values hide a
    # state counting itself as reachable, since i prefers s1 to s): moves and improvements.
    from multitrack.stability.kernels import reach_min_fibers

    model = conflict.build()
    moves, improvements = ref_graphs(model)
    values = np.random.default_rng(seed).integers(0, 5, (model.n_states, 2)).astype(float)
    for i in range(model.n_dms):
        others = [j for j in range(model.n_dms) if j != i]
        fib = [dm_fibers(model, j) for j in others]
        best = reach_min_fibers(concepts_module._typed([f.order for f in fib]),
                                concepts_module._typed([f.start for f in fib]),
                                concepts_module._typed([f.hi for f in fib]), values, np.array([False, True]))
        np.testing.assert_array_equal(best[:, 0],
                                      ref_min_over_reach([moves[j] for j in others], values[:, 0]))
        np.testing.assert_array_equal(best[:, 1],
                                      ref_min_over_reach([improvements[j] for j in others], values[:, 1]))
