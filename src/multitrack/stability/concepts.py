"""Solution concepts of the graph model (Nash, GMR, SMR, SEQ, SIM, SEQ&SIM) for any number of DMs.

Definitions: Fang, Hipel & Kilgour (1993), Interactive Decision Making, Wiley.
For GMR, SMR and SEQ the opponents' responses are legal sequences of unilateral moves
(SEQ: improvements) by the coalition N - {i} in which no DM moves twice in a row (a DM may
move again later). Reachability follows the matrix formulation of Xu, Hipel & Kilgour (2009):
a fixed point over per-"last mover" matrices, M_j = J_j + (sum_{h != j} M_h) . J_j
(boolean), never a recursion over paths. SIM is not sequential: the opponents answer at the
same time as i, each staying or taking one of its own unilateral improvements from s
(Fraser & Hipel 1984; Fang et al. 1993); see `sim_kernel`.

`analyse` runs the recursion in compiled kernels (`kernels`): per fiber of each DM's moves when
no option is irreversible (a DM then moves from s to every feasible, perceived state that
differs from s only in its options), otherwise over CSR edge arrays; GMR, SMR and SEQ of one
DM share the passes. `method="boolean"` keeps the boolean matrices of Xu et al. (2009).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

from multitrack.scenario.option_form import ConflictModel
from multitrack.stability.graph import move_graphs

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seq_sim")
# SEQ&SIM: simultaneous sanctioning is a further way to block a DM's improvement, beside
# the sequential one, as in Fraser & Hipel's conflict analysis (1984, ch. on simultaneous
# stability): a state is SEQ&SIM-stable for i when it is stable for i under SEQ or under SIM.
# GMCR+ (Kinsara, Petersons, Hipel & Kilgour 2015) computes the combination the same way.
COMBINATIONS = {"seq_sim": ("seq", "sim")}


# --------------------------------------------------------------------------- reachability


def _row_min(matrix: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Per row s, the minimum of values[t] over the row's stored columns t (inf if empty)."""
    out = np.full(matrix.shape[0], np.inf)
    counts = np.diff(matrix.indptr)
    rows = np.flatnonzero(counts)
    if len(rows):
        out[rows] = np.minimum.reduceat(values[matrix.indices], matrix.indptr[rows])
    return out


def _typed(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
    """The movers' arrays as a tuple (the kernels index it; numba compiles once per length)."""
    return tuple(arrays)


def reach_min_arrays(movers: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray | None]],
                     values: np.ndarray, flagged: Sequence[bool]) -> np.ndarray:
    """`kernels.reach_min` over movers given as (indptr, indices, flags) CSR arrays: per state and
    column c of `values`, the minimum over the legally reachable states (+inf where none); a
    column with flagged[c] uses only each mover's flagged edges."""
    from multitrack.stability.kernels import reach_min

    values = np.ascontiguousarray(values, dtype=np.float64).reshape(len(values), -1)
    if not movers:
        return np.full(values.shape, np.inf)
    ptrs = _typed([np.ascontiguousarray(p, dtype=np.int64) for p, _, _ in movers])
    idxs = _typed([np.ascontiguousarray(i, dtype=np.int32) for _, i, _ in movers])
    flags = _typed([np.zeros(0, dtype=bool) if f is None else np.ascontiguousarray(f, dtype=bool)
                    for _, _, f in movers])
    return reach_min(ptrs, idxs, flags, values, np.asarray(flagged, dtype=bool))


def min_over_reach(moves: Sequence[sp.csr_matrix], values: np.ndarray) -> np.ndarray:
    """For each state s, min of `values` over the states reachable from s by a legal
    sequence of the coalition's moves (`moves`, one matrix per member); inf if none.

    The same first-mover recursion as Xu et al. (2009) over the (min, value) semiring:
    F_j(s) = min_{t in J_j(s)} min(v(t), min_{h != j} F_h(t)); memory linear in edges.
    Compiled (`kernels.reach_min`), in-place sweeps to the fixed point.
    """
    values = np.asarray(values, dtype=np.float64)
    movers = [(m.indptr, m.indices, None) for m in (sp.csr_matrix(m) for m in moves)]  # every stored entry
    return reach_min_arrays(movers, values, [False])[:, 0]


def _binary(matrix: sp.spmatrix) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix, dtype=np.int32)
    out.data[:] = 1
    out.eliminate_zeros()
    return out


def coalition_reach(moves: Sequence[sp.csr_matrix]) -> sp.csr_matrix:
    """Boolean reachability R_H of a coalition by legal sequences (no DM twice in a row).

    Xu, Hipel & Kilgour (2009): M_j (last mover j) = J_j + (sum_{h != j} M_h) J_j, iterated
    to its fixed point with sparse boolean products; R_H = sum_j M_j, [s, t] = t reachable.
    """
    jumps = [_binary(m) for m in moves]
    n = jumps[0].shape[0] if jumps else 0
    last = list(jumps)
    while True:
        new = []
        for j, jm in enumerate(jumps):
            others = (last[h] for h in range(len(jumps)) if h != j)
            before = sum(others, sp.csr_matrix((n, n), dtype=np.int32))
            new.append(_binary(jm + before @ jm))
        if all((a != b).nnz == 0 for a, b in zip(new, last, strict=True)):
            break
        last = new
    total = sum(last, sp.csr_matrix((n, n), dtype=np.int32))
    return _binary(total).astype(bool)


# --------------------------------------------------------------------------- concepts


def _sanctioned(ui: sp.csr_matrix, best: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Stable rows s: every improvement s -> s1 has best[s1] <= own[s] (sanctioned). A state
    i ranks equal to s is a sanction: i's move gains nothing (Fang et al. 1993, "not preferred")."""
    rows = np.repeat(np.arange(ui.shape[0]), np.diff(ui.indptr))
    unsanctioned = best[ui.indices] > own[rows]
    return np.bincount(rows[unsanctioned], minlength=ui.shape[0]) == 0


def _reach_min(moves: Sequence[sp.csr_matrix], values: np.ndarray, method: str) -> np.ndarray:
    if not moves:
        return np.full(len(values), np.inf)
    if method == "boolean":
        return _row_min(coalition_reach(moves), values)
    return min_over_reach(moves, values)


def _smr_values(um: sp.csr_matrix, own: np.ndarray) -> np.ndarray:
    """v(s2) = max(P_i(s2), P_i of each of i's unilateral moves from s2): SMR's counter-
    sanction test, so that "some s2 with v(s2) <= P_i(s)" is SMR's existential clause."""
    counter = -_row_min(um, -own)
    return np.maximum(own, counter)


SEQUENTIAL = ("nash", "gmr", "smr", "seq")  # the concepts one fused pass per DM computes


def _by_fibers(model: ConflictModel) -> bool:
    """Whether every DM's move graph is a union of fibers (no irreversible option), so the
    fiber kernels apply; otherwise the kernels run over the move edges."""
    return model.forward_only == 0 and model.backward_only == 0


def _sequential(model: ConflictModel, i: int, wanted: Sequence[str]) -> dict[str, np.ndarray]:
    """Nash and whichever of GMR, SMR and SEQ are wanted, for DM i, from the compiled kernels:
    one sweep over the opponents' moves serves all three reach minima (SEQ uses only their
    improvements), one pass over i's own moves tests the sanctions."""
    from multitrack.stability import kernels

    own = np.ascontiguousarray(model.payoff[:, i], dtype=np.float64)
    channels = [c for c in ("gmr", "smr", "seq") if c in wanted]
    flagged = [c == "seq" for c in channels]
    others = [j for j in range(model.n_dms) if j != i]
    if _by_fibers(model):
        from multitrack.stability.graph import dm_fibers

        order, start, _, hi = dm_fibers(model, i)
        best = np.zeros((model.n_states, 0))
        if channels:
            values = np.stack([kernels.fiber_max(order, start, own) if c == "smr" else own
                               for c in channels], axis=1)
            fib = [dm_fibers(model, j) for j in others]
            best = np.full(values.shape, np.inf)  # a lone DM: nobody sanctions
            if fib:
                best = kernels.reach_min_fibers(_typed([f.order for f in fib]),
                                                _typed([f.start for f in fib]),
                                                _typed([f.hi for f in fib]), values,
                                                np.asarray(flagged, dtype=bool))
        table = kernels.sanctioned_fibers(order, start, hi, own, best)
    else:
        from multitrack.stability.graph import dm_edges

        mine = dm_edges(model, i)
        best = np.zeros((model.n_states, 0))
        if channels:
            values = np.stack([kernels.counter_max(mine.indptr, mine.indices, own) if c == "smr" else own
                               for c in channels], axis=1)
            best = reach_min_arrays([dm_edges(model, j) for j in others], values, flagged)
        table = kernels.sanctioned(mine.indptr, mine.indices, mine.better, own, best)
    out = {c: table[:, k] for k, c in enumerate(channels)}
    out["nash"] = table[:, -1]
    return out


def _sim(model: ConflictModel, i: int) -> np.ndarray:
    """SIM for DM i: simultaneous sanctioning by the opponents' own improvements from s."""
    from multitrack.stability.sim_kernel import sim_stable_ranges

    others = [j for j in range(model.n_dms) if j != i]
    if _by_fibers(model):
        from multitrack.stability.graph import dm_fibers

        def ranges(d: int):
            fib = dm_fibers(model, d)
            return fib.lo, fib.hi, fib.order

        rest = np.cumsum([model.dm_mask(j) for j in others][::-1], dtype=np.int64)[::-1].copy()
        return sim_stable_ranges(model.codes, model.index_of_code, model.payoff[:, i], ranges(i),
                                 [ranges(j) for j in others], rest)
    from multitrack.stability.graph import dm_improvements

    def csr(d: int):
        indptr, indices = dm_improvements(model, d)
        return indptr[:-1], indptr[1:], indices

    return sim_stable_ranges(model.codes, model.index_of_code, model.payoff[:, i], csr(i),
                             [csr(j) for j in others])


def stability_for(model: ConflictModel, i: int, concept: str, method: str = "minplus") -> np.ndarray:
    """Boolean vector over states: stable for DM i under the concept (definitions in
    docs/conflict-stability.md): Nash, no UI; GMR, every UI s -> s1 met by some state the
    opponents reach from s1 by a legal sequence of moves that i does not prefer to s; SMR, the
    same with no escape for i from there; SEQ, the sequence made of the opponents' UIs only;
    SIM, a simultaneous answer to s -> s1 by the opponents' UIs from s (`sim_kernel`)."""
    if concept == "sim":
        return _sim(model, i)
    if concept in COMBINATIONS:
        return np.logical_or.reduce([stability_for(model, i, p, method) for p in COMBINATIONS[concept]])
    if concept not in SEQUENTIAL:
        raise ValueError(f"unknown concept {concept!r}; choose from {CONCEPTS}")
    if method == "minplus" or concept == "nash":
        return _sequential(model, i, (concept,))[concept]
    moves, improvements = move_graphs(model)
    ui, own = improvements[i], model.payoff[:, i]
    opponents = [j for j in range(model.n_dms) if j != i]
    if concept == "gmr":
        best = _reach_min([moves[j] for j in opponents], own, method)
    elif concept == "smr":
        best = _reach_min([moves[j] for j in opponents], _smr_values(moves[i], own), method)
    else:
        best = _reach_min([improvements[j] for j in opponents], own, method)
    return _sanctioned(ui, best, own)


def _dm_columns(model: ConflictModel, i: int, concepts: Sequence[str], method: str) -> dict[str, np.ndarray]:
    """Every wanted concept for DM i; the sequential ones from one fused pass (min-plus engine)."""
    base = {p for c in concepts for p in COMBINATIONS.get(c, (c,))}
    unknown = base - set(SEQUENTIAL) - {"sim"}
    if unknown:
        raise ValueError(f"unknown concept {sorted(unknown)[0]!r}; choose from {CONCEPTS}")
    if method == "minplus":
        out = _sequential(model, i, [c for c in SEQUENTIAL if c in base]) if base - {"sim"} else {}
    else:
        out = {c: stability_for(model, i, c, method) for c in SEQUENTIAL if c in base}
    if "sim" in base:
        out["sim"] = _sim(model, i)
    for c in concepts:
        if c in COMBINATIONS:
            out[c] = np.logical_or.reduce([out[p] for p in COMBINATIONS[c]])
    return out


@dataclass(frozen=True, eq=False)
class Stability:
    """Stability of every state for every DM under each concept: table[c] is a boolean
    array (n_states x n_dms); equilibria are states stable for all DMs."""

    model: ConflictModel
    table: dict

    def stable(self, concept: str) -> np.ndarray:
        return self.table[concept]

    def equilibria(self, concept: str) -> np.ndarray:
        """Indices of states stable for every DM under `concept`."""
        return np.flatnonzero(self.table[concept].all(axis=1))

    def equilibrium_labels(self, concept: str) -> list[str]:
        """Y/N labels of the equilibria under `concept`."""
        return [self.model.label(int(s)) for s in self.equilibria(concept)]


def analyse(
    model: ConflictModel,
    concepts: Sequence[str] = ("nash", "gmr", "smr", "seq"),
    method: Literal["minplus", "boolean"] = "minplus",
    on_dm: Callable[[int], None] | None = None,
) -> Stability:
    """Compute each concept for every state and DM; `method` picks the reachability
    engine (min-semiring fixed point, or the boolean matrices of Xu et al. 2009). `on_dm(i)`,
    when given, is called as DM i's columns are done (progress on a large conflict)."""
    per_dm = []
    for i in range(model.n_dms):
        per_dm.append(_dm_columns(model, i, concepts, method))
        if on_dm is not None:
            on_dm(i)
    table = {c: np.stack([cols[c] for cols in per_dm], axis=1) if per_dm else
             np.zeros((model.n_states, 0), dtype=bool) for c in concepts}
    return Stability(model=model, table=table)
