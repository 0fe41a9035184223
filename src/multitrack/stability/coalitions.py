"""Coalition analysis in the graph model: the coalitions a conflict lists act as players.

A coalition H moves by a legal sequence of its members' unilateral moves (no member twice
in a row), reaching R_H(s), and has a coalition improvement to t in R_H(s) when every
member strictly prefers t to s (Kilgour, Hipel, Fang & Peng 2001, "Coalition analysis in
group decision support", Group Decision and Negotiation 10(2)). The stability of a state for
a coalition is then defined as for one decision maker, with "not every member strictly
prefers" in place of "i does not prefer" (coalitional Nash, GMR, SMR and SEQ: Inohara &
Hipel 2008, "Coalition analysis in the graph model for conflict resolution", Systems
Engineering 11(4)).

The players are the coalition structure a GMCR+ file holds: the listed coalitions, and every
other decision maker alone. For player H, state s and the other players as opponents:

- Nash: H has no coalition improvement from s.
- GMR: each coalition improvement s -> s1 is sanctioned: by a legal sequence of the other
  players' moves (no player twice in a row) they reach from s1 a state s2 that not every
  member of H strictly prefers to s.
- SMR: as GMR, and from s2 H has no move to a state every member strictly prefers to s.
- SEQ: as GMR, the other players moving only by their own coalition improvements.
- SIM: at the same time as H, the other players each stay or take one of their coalition
  improvements from s (at least one moves); the combined state is feasible and not every
  member of H strictly prefers it to s.
- SEQ&SIM: stable under SEQ or under SIM (either kind of sanction blocks). A state is an
  equilibrium of the structure when it is stable for every player.

With every decision maker alone these are the ordinary definitions (a property test checks
it against `concepts.analyse`). GMCR+ makes the same analysis with its coalitions as players,
but moves a coalition's options in one joint step; a legal sequence of the members' moves
reaches the same states unless every state in between is infeasible or misperceived.
Every test is vectorised: per member over minimum-reach vectors for GMR and SEQ, over
(improvement, sanction, counter-move) triples for SMR, and the compiled SIM kernel for SIM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from multitrack.scenario.option_form import MAX_WORK, ConflictModel, ConflictSizeError
from multitrack.stability.concepts import coalition_reach, min_over_reach
from multitrack.stability.graph import move_graphs

COALITION_CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seq_sim")
_TITLES = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM", "seq_sim": "SEQ&SIM"}
_PAIRS = 1 << 22  # (improvement, sanction) pairs examined at a time for SMR
SMR_WORK = MAX_WORK // 32  # coalition SMR tests: each costs some tens of array operations


def _csr(n: int, rows: np.ndarray, cols: np.ndarray) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n, n), dtype=bool)


def _sim_stable(*args):
    """`sim_kernel.sim_stable`, imported on first use (it loads numba)."""
    from multitrack.stability.sim_kernel import sim_stable

    return sim_stable(*args)


def _edges(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    return rows, matrix.indices.astype(np.int64)


def coalition_moves(model: ConflictModel, members: Sequence[int]) -> sp.csr_matrix:
    """Boolean CSR [s, t]: t != s is reachable from s by a legal sequence of the members'
    unilateral moves (one DM: its unilateral moves)."""
    moves, _ = move_graphs(model)
    if len(members) == 1:
        return moves[members[0]]
    rows, cols = _edges(sp.csr_matrix(coalition_reach([moves[m] for m in members])))
    keep = rows != cols
    return _csr(model.n_states, rows[keep], cols[keep])


def coalition_improvements_of(model: ConflictModel, members: Sequence[int],
                              moves: sp.csr_matrix | None = None) -> sp.csr_matrix:
    """Boolean CSR [s, t]: t is a coalition move from s that every member strictly prefers."""
    moves = coalition_moves(model, members) if moves is None else moves
    rows, cols = _edges(moves)
    pay = model.payoff[:, list(members)]
    better = (pay[cols] > pay[rows]).all(axis=1)
    return _csr(model.n_states, rows[better], cols[better])


def player_graphs(model: ConflictModel) -> tuple[tuple[sp.csr_matrix, ...], tuple[sp.csr_matrix, ...]]:
    """Moves and coalition improvements of every player of the structure, cached on the model."""
    if "players" not in model._cache:
        moves = tuple(coalition_moves(model, p) for p in model.coalitions)
        improvements = tuple(coalition_improvements_of(model, p, m)
                             for p, m in zip(model.coalitions, moves, strict=True))
        model._cache["players"] = (moves, improvements)
    return model._cache["players"]


def _stable_rows(ci: sp.csr_matrix, sanctioned: np.ndarray) -> np.ndarray:
    """States whose every coalition improvement (edge of ci, in CSR order) is sanctioned."""
    rows, _ = _edges(ci)
    return np.bincount(rows[~sanctioned], minlength=ci.shape[0]) == 0


def _row_max(matrix: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Per row, the maximum of values over the row's columns (-inf for an empty row)."""
    out = np.full(matrix.shape[0], -np.inf)
    counts = np.diff(matrix.indptr)
    rows = np.flatnonzero(counts)
    if len(rows):
        out[rows] = np.maximum.reduceat(values[matrix.indices], matrix.indptr[rows])
    return out


def _expand(matrix: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each given row (by position), its stored columns: (position, column) pairs."""
    starts = matrix.indptr[rows]
    counts = matrix.indptr[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows)), counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, matrix.indices[np.repeat(starts, counts) + offsets].astype(np.int64)


class _Escapes:
    """Whether from s2 the coalition can move to a state every member strictly prefers to s,
    for many (s2, s) pairs at once.

    Each row of the coalition's moves is sorted by the first member's payoff, highest first,
    with the running maximum of the second member's: the moves the first member prefers to s
    are a prefix of the row, found by binary search, and for two members an escape exists
    exactly when that prefix's maximum for the second beats s. With more members that test
    rules most pairs out, and the prefixes of the rest are checked move by move."""

    def __init__(self, moves: sp.csr_matrix, own: np.ndarray):
        rows, cols = _edges(moves)
        self.k = own.shape[1]
        self.ranks = np.stack([np.unique(own[:, m], return_inverse=True)[1].ravel()
                               for m in range(self.k)], axis=1).astype(np.int64)
        self.na = int(self.ranks[:, 0].max(initial=0)) + 1
        nb = int(self.ranks[:, 1].max(initial=0)) + 1
        key = rows * self.na + (self.na - 1 - self.ranks[cols, 0])
        order = np.argsort(key, kind="stable")
        self.key, self.cols, self.start = key[order], cols[order], moves.indptr.astype(np.int64)
        self.best = np.maximum.accumulate(rows[order] * nb + self.ranks[self.cols, 1]) - rows[order] * nb

    def _prefix(self, s2: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per pair, the end of the prefix of s2's moves the first member prefers to s, and
        whether the second member prefers one of them to s."""
        q = np.searchsorted(self.key, s2 * self.na + (self.na - 1 - self.ranks[s, 0]), side="left")
        some = q > self.start[s2]
        hope = np.zeros(len(s2), dtype=bool)
        hope[some] = self.best[q[some] - 1] > self.ranks[s[some], 1]
        return q, hope

    def work(self, s2: np.ndarray, s: np.ndarray) -> int:
        """Moves to test one by one for these pairs (none for two members)."""
        if self.k == 2:
            return 0
        q, hope = self._prefix(s2, s)
        return int((q - self.start[s2])[hope].sum())

    def __call__(self, s2: np.ndarray, s: np.ndarray) -> np.ndarray:
        q, hope = self._prefix(s2, s)
        if self.k == 2:
            return hope
        idx = np.flatnonzero(hope)
        counts = q[idx] - self.start[s2[idx]]
        pair = np.repeat(idx, counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        s3 = self.cols[np.repeat(self.start[s2[idx]], counts) + offsets]
        escape = (self.ranks[s3] > self.ranks[s[pair]]).all(axis=1)
        return np.bincount(pair[escape], minlength=len(s2)) > 0


def _smr_sanctioned(own: np.ndarray, ci: sp.csr_matrix, own_moves: sp.csr_matrix,
                    reach: sp.csr_matrix, name: str) -> np.ndarray:
    """Per coalition improvement s -> s1: some s2 in reach(s1) that not every member strictly
    prefers to s, from which the coalition has no move to a state all members prefer to s.
    The (improvement, s2) pairs, and for three or more members the moves tested one by one,
    are counted before any is tested."""
    src, dst = _edges(ci)
    pairs = np.diff(reach.indptr)[dst]
    escapes = _Escapes(own_moves, own)
    step = max(1, _PAIRS // max(1, int(pairs.max(initial=1))))
    chunks = []
    work = int(pairs.sum())
    for start in range(0, len(src), step):
        edge = np.arange(start, min(start + step, len(src)))
        at, s2 = _expand(reach, dst[edge]) if work <= SMR_WORK else (np.zeros(0, np.int64),) * 2
        s = src[edge][at]
        threat = (own[s2] <= own[s]).any(axis=1)
        chunks.append((edge, at[threat], s2[threat], s[threat]))
        work += escapes.work(s2[threat], s[threat])
        if work > SMR_WORK:
            raise ConflictSizeError(f"for {name} it needs more than {SMR_WORK:,} tests of "
                                    f"(improvement, sanction, counter-move) triples")
    sanctioned = np.zeros(len(src), dtype=bool)
    for edge, at, s2, s in chunks:
        countered = escapes(s2, s)
        sanctioned[edge] = np.bincount(at[~countered], minlength=len(edge)) > 0
    return sanctioned


def _sim_sanctioned(model: ConflictModel, own: np.ndarray, ci: sp.csr_matrix,
                    responses: Sequence[sp.csr_matrix], name: str) -> np.ndarray:
    """Per coalition improvement, whether a simultaneous response sanctions it: the SIM kernel
    run once per member on layers of ci holding at most one improvement per state."""
    src, dst = _edges(ci)
    degree = np.diff(ci.indptr)
    layers = int(degree.max(initial=0))
    if layers * own.shape[1] * model.n_states > MAX_WORK:
        raise ConflictSizeError(f"for {name} it needs {layers:,} x {own.shape[1]} passes over "
                                f"{model.n_states:,} states, more than the limit of {MAX_WORK:,} state tests")
    sanctioned = np.zeros(len(src), dtype=bool)
    for r in range(layers):
        rows = np.flatnonzero(degree > r)
        edge = ci.indptr[rows] + r
        layer = _csr(model.n_states, rows, dst[edge])
        for m in range(own.shape[1]):
            stable = _sim_stable(model.codes, model.index_of_code, own[:, m], layer, responses)
            sanctioned[edge] |= stable[rows]
    return sanctioned


def player_stability(model: ConflictModel, p: int, concept: str) -> np.ndarray:
    """Boolean vector over states: stable for player p of the coalition structure."""
    moves, improvements = player_graphs(model)
    members = list(model.coalitions[p])
    own = model.payoff[:, members]
    ci = improvements[p]
    others = [q for q in range(len(model.coalitions)) if q != p]
    name = " + ".join(model.dm_names[m] for m in members)
    if concept == "nash":
        return np.diff(ci.indptr) == 0
    if concept == "seq_sim":
        return player_stability(model, p, "seq") | player_stability(model, p, "sim")
    src, dst = _edges(ci)
    if concept in ("gmr", "seq"):
        mats = [(moves if concept == "gmr" else improvements)[q] for q in others]
        best = np.stack([min_over_reach(mats, own[:, m]) for m in range(len(members))], axis=1)
        return _stable_rows(ci, (best[dst] <= own[src]).any(axis=1))
    if concept == "smr" and len(members) == 1:  # the ordinary SMR test, by minimum reach
        value = np.maximum(own[:, 0], _row_max(moves[p], own[:, 0]))
        best = min_over_reach([moves[q] for q in others], value)
        return _stable_rows(ci, best[dst] <= own[src, 0])
    if concept == "smr":
        reach = sp.csr_matrix(coalition_reach([moves[q] for q in others])) if others else _csr(
            model.n_states, np.zeros(0, np.int64), np.zeros(0, np.int64))
        return _stable_rows(ci, _smr_sanctioned(own, ci, moves[p], reach, name))
    if concept == "sim":
        responses = [improvements[q] for q in others]
        if len(members) == 1:
            return _sim_stable(model.codes, model.index_of_code, own[:, 0], ci, responses)
        return _stable_rows(ci, _sim_sanctioned(model, own, ci, responses, name))
    raise ValueError(f"unknown concept {concept!r}; choose from {COALITION_CONCEPTS}")


@dataclass(frozen=True, eq=False)
class CoalitionStability:
    """Stability of every state for every player of the coalition structure: table[c] is a
    boolean array (n_states x n_players); equilibria are states stable for all players."""

    model: ConflictModel
    players: tuple[tuple[int, ...], ...]
    table: dict

    def names(self) -> tuple[str, ...]:
        """Each player as its members' names joined by " + "."""
        return tuple(" + ".join(self.model.dm_names[m] for m in p) for p in self.players)

    def equilibria(self, concept: str) -> np.ndarray:
        return np.flatnonzero(self.table[concept].all(axis=1))

    def equilibrium_labels(self, concept: str) -> list[str]:
        return [self.model.label(int(s)) for s in self.equilibria(concept)]


def coalition_analysis(model: ConflictModel,
                       concepts: Sequence[str] = COALITION_CONCEPTS) -> CoalitionStability:
    """Each concept for every state and player of the model's coalition structure."""
    table = {c: np.stack([player_stability(model, p, c) for p in range(len(model.coalitions))], axis=1)
             for c in concepts}
    return CoalitionStability(model=model, players=model.coalitions, table=table)


def hypergame_and_coalitions(model: ConflictModel, concepts: Sequence[str]) -> dict:
    """The result fields of a conflict's misperceptions and coalitions, as plain data: the
    states each DM misperceives (Y/N labels), and for a structure with a coalition of two or
    more, each state's stability per player and the equilibria of the structure. A concept
    whose coalition test is too large is left out with a note giving its size, and the
    other results stand."""
    out: dict = {}
    if model.misperceived is not None:
        out["misperceived"] = {model.dm_names[d]: tuple(model.label(int(s)) for s in np.flatnonzero(col))
                               for d, col in enumerate(model.misperceived.T) if col.any()}
    if not model.has_coalitions:
        return out
    table: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for c in (c for c in concepts if c in COALITION_CONCEPTS):
        try:
            parts = ("seq", "sim") if c == "seq_sim" and {"seq", "sim"} <= table.keys() else None
            table[c] = table["seq"] | table["sim"] if parts else coalition_analysis(model, (c,)).table[c]
        except ConflictSizeError as exc:
            notes.append(f"Coalition {_TITLES[c]} was not computed: {exc}.")
    result = CoalitionStability(model=model, players=model.coalitions, table=table)
    out["coalitions"] = result.names()
    out["coalition_stable"] = {c: tuple(tuple(bool(x) for x in row) for row in t) for c, t in table.items()}
    out["coalition_equilibria"] = {c: tuple(result.equilibrium_labels(c)) for c in table}
    out["coalition_notes"] = tuple(notes)
    return out
