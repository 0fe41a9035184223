"""Solution concepts of the graph model (Nash, GMR, SMR, SEQ, SIM, SEQ&SIM) for any number of DMs.

Definitions: Fang, Hipel & Kilgour (1993), Interactive Decision Making, Wiley.
For GMR, SMR and SEQ the opponents' responses are legal sequences of unilateral moves
(SEQ: improvements) by the coalition N - {i} in which no DM moves twice in a row (a DM may
move again later). Reachability follows the matrix formulation of Xu, Hipel & Kilgour (2009):
a fixed point over per-"last mover" matrices, M_j = J_j + (sum_{h != j} M_h) . J_j
(boolean), never a recursion over paths. SIM is not sequential: the opponents answer at the
same time as i, each staying or taking one of its own unilateral improvements from s
(Fraser & Hipel 1984; Fang et al. 1993); see `sim_kernel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

from multitrack.scenario.option_form import ConflictModel
from multitrack.stability.graph import move_graphs
from multitrack.stability.sim_kernel import sim_stable

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


def _others_min(per_mover: list[np.ndarray], j: int) -> np.ndarray:
    """Elementwise minimum over the movers other than j (inf for a one-member coalition)."""
    others = [f for h, f in enumerate(per_mover) if h != j]
    return np.minimum.reduce(others) if others else np.full(len(per_mover[j]), np.inf)


def min_over_reach(moves: Sequence[sp.csr_matrix], values: np.ndarray) -> np.ndarray:
    """For each state s, min of `values` over the states reachable from s by a legal
    sequence of the coalition's moves (`moves`, one matrix per member); inf if none.

    The same first-mover recursion as Xu et al. (2009) over the (min, value) semiring:
    F_j(s) = min_{t in J_j(s)} min(v(t), min_{h != j} F_h(t)); memory linear in edges.
    """
    moves = [sp.csr_matrix(m) for m in moves]
    values = np.asarray(values, dtype=np.float64)
    per_mover = [np.full(len(values), np.inf) for _ in moves]
    changed = True
    while changed:
        changed = False
        for j, jm in enumerate(moves):
            new = _row_min(jm, np.minimum(values, _others_min(per_mover, j)))
            if not np.array_equal(new, per_mover[j]):
                per_mover[j], changed = new, True
    return np.minimum.reduce(per_mover) if per_mover else np.full(len(values), np.inf)


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


def stability_for(model: ConflictModel, i: int, concept: str, method: str = "minplus") -> np.ndarray:
    """Boolean vector over states: stable for DM i under the concept (definitions in
    docs/conflict-stability.md): Nash, no UI; GMR, every UI s -> s1 met by some state the
    opponents reach from s1 by a legal sequence of moves that i does not prefer to s; SMR, the
    same with no escape for i from there; SEQ, the sequence made of the opponents' UIs only;
    SIM, a simultaneous answer to s -> s1 by the opponents' UIs from s (`sim_kernel`)."""
    moves, improvements = move_graphs(model)
    ui, own = improvements[i], model.payoff[:, i]
    opponents = [j for j in range(model.n_dms) if j != i]
    if concept == "nash":
        return np.diff(ui.indptr) == 0
    if concept == "gmr":
        best = _reach_min([moves[j] for j in opponents], own, method)
    elif concept == "smr":
        best = _reach_min([moves[j] for j in opponents], _smr_values(moves[i], own), method)
    elif concept == "seq":
        best = _reach_min([improvements[j] for j in opponents], own, method)
    elif concept == "sim":
        # Simultaneous sanctioning: the opponents' own improvements from s, not all their moves.
        return sim_stable(model.codes, model.index_of_code, own, ui, [improvements[j] for j in opponents])
    elif concept in COMBINATIONS:
        return np.logical_or.reduce([stability_for(model, i, p, method) for p in COMBINATIONS[concept]])
    else:
        raise ValueError(f"unknown concept {concept!r}; choose from {CONCEPTS}")
    return _sanctioned(ui, best, own)


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
) -> Stability:
    """Compute each concept for every state and DM; `method` picks the reachability
    engine (min-semiring fixed point, or the boolean matrices of Xu et al. 2009)."""
    def column(c: str) -> np.ndarray:
        if c in COMBINATIONS:
            return np.logical_or.reduce([table[p] if p in table else column(p) for p in COMBINATIONS[c]])
        return np.stack([stability_for(model, i, c, method) for i in range(model.n_dms)], axis=1)

    table: dict[str, np.ndarray] = {}
    for c in sorted(concepts, key=lambda c: c in COMBINATIONS):
        table[c] = column(c)
    return Stability(model=model, table={c: table[c] for c in concepts})
