"""Status quo analysis and coalition improvements in the graph model.

Status quo analysis (Li, Kilgour & Hipel 2004, Water Resources Research 40): which states, and
which equilibria, the DMs can reach from today's state by unilateral improvements, no DM
moving twice in a row; coalition moves follow Kilgour, Hipel, Fang & Peng (2001). A DM never
moves to or from a state it misperceives (see graph.py), so neither do these paths.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from multitrack.scenario.option_form import ConflictModel
from multitrack.stability.coalitions import coalition_improvements_of
from multitrack.stability.concepts import Stability
from multitrack.stability.graph import move_graphs, unilateral_improvements


@dataclass(frozen=True)
class Step:
    """One move on a path: DM `mover` (index) moves the conflict to state `state`."""

    mover: int
    state: int


@dataclass(frozen=True, eq=False)
class StatusQuo:
    """States reachable from `status_quo` by legal sequences of unilateral improvements,
    with one shortest path (sequence of Steps) to each; the status quo has the empty path."""

    model: ConflictModel
    status_quo: int
    reachable: np.ndarray
    paths: dict

    def reachable_equilibria(self, stability: Stability, concept: str) -> np.ndarray:
        """Indices of the equilibria under `concept` that the status quo can reach."""
        eq = stability.equilibria(concept)
        return eq[self.reachable[eq]]

    def describe(self, state: int) -> list[tuple[str, str]]:
        """The path to `state` as (DM name, Y/N label of the state reached) pairs."""
        return [(self.model.dm_names[st.mover], self.model.label(st.state)) for st in self.paths[state]]


def _resolve(model: ConflictModel, state: int | str) -> int:
    return model.state(state) if isinstance(state, str) else int(state)


def status_quo_analysis(model: ConflictModel, status_quo: int | str) -> StatusQuo:
    """Breadth-first search over (state, last mover) from the status quo along unilateral
    improvements; reachability agrees with row `status_quo` of coalition_reach(UIs)."""
    start = _resolve(model, status_quo)
    _, improvements = move_graphs(model)
    paths: dict[int, tuple[Step, ...]] = {start: ()}
    seen = {(start, -1)}
    queue: deque[tuple[int, int, tuple[Step, ...]]] = deque([(start, -1, ())])
    while queue:
        state, last, path = queue.popleft()
        for j, ui in enumerate(improvements):
            if j == last:
                continue
            for t in ui.indices[ui.indptr[state] : ui.indptr[state + 1]].tolist():
                if (t, j) in seen:
                    continue
                seen.add((t, j))
                step_path = path + (Step(j, t),)
                paths.setdefault(t, step_path)
                queue.append((t, j, step_path))
    reachable = np.zeros(model.n_states, dtype=bool)
    reachable[list(paths)] = True
    return StatusQuo(model=model, status_quo=start, reachable=reachable, paths=paths)


@dataclass(frozen=True, eq=False)
class ReachTree:
    """The search of `status_quo_analysis` kept as arrays, for conflicts too large for a dict of
    paths: node k is (state[k], the DM that moved there, mover[k] (-1 at the root), parent[k]);
    first[s] is the node of the path the search found first to state s (-1: not reachable)."""

    model: ConflictModel
    status_quo: int
    state: np.ndarray
    mover: np.ndarray
    parent: np.ndarray
    first: np.ndarray

    @property
    def reachable(self) -> np.ndarray:
        return self.first >= 0

    def path(self, state: int) -> tuple[Step, ...]:
        """The path `status_quo_analysis` gives to `state` (a reachable one)."""
        steps = []
        k = int(self.first[state])
        while self.parent[k] >= 0:
            steps.append(Step(int(self.mover[k]), int(self.state[k])))
            k = int(self.parent[k])
        return tuple(reversed(steps))


def _targets(ui: sp.csr_matrix, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each source (by position in `states`), its improvements in stored order: (position, target)."""
    lo, hi = ui.indptr[states], ui.indptr[states + 1]
    counts = hi - lo
    offsets = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    return np.repeat(np.arange(states.size), counts), ui.indices[offsets].astype(np.int64)


def reach_tree(model: ConflictModel, status_quo: int | str) -> ReachTree:
    """`status_quo_analysis`'s breadth-first search a level at a time in numpy: the nodes of each
    level come in the order its queue would append them (by parent, then mover, then stored
    target), so every first path is the one it finds; linear in the nodes, no Python per state."""
    start = _resolve(model, status_quo)
    improvements = [unilateral_improvements(model, d) for d in range(model.n_dms)]  # no move matrices
    m, n = len(improvements), model.n_states
    seen = np.zeros((n, m), dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    first[start] = 0
    states, movers, parents = [np.array([start])], [np.array([-1])], [np.array([-1])]
    level, level_movers, base = np.array([start]), np.array([-1]), 0
    while level.size:
        pos, mov, tgt = [], [], []
        for d, ui in enumerate(improvements):
            src = np.flatnonzero(level_movers != d)
            at_, to = _targets(ui, level[src])
            pos.append(src[at_])
            mov.append(np.full(to.size, d))
            tgt.append(to)
        p, j, t = np.concatenate(pos), np.concatenate(mov), np.concatenate(tgt)
        order = np.argsort(p, kind="stable")  # by parent; movers and targets keep their order
        p, j, t = p[order], j[order], t[order]
        fresh = ~seen[t, j]
        p, j, t = p[fresh], j[fresh], t[fresh]
        _, once = np.unique(t * m + j, return_index=True)
        once.sort()
        p, j, t = p[once], j[once], t[once]
        seen[t, j] = True
        ids = base + level.size + np.arange(t.size)
        new_states, at = np.unique(t, return_index=True)
        unseen = first[new_states] < 0
        first[new_states[unseen]] = ids[at[unseen]]
        states.append(t)
        movers.append(j)
        parents.append(base + p)
        base += level.size
        level, level_movers = t, j
    return ReachTree(model=model, status_quo=start, state=np.concatenate(states),
                     mover=np.concatenate(movers), parent=np.concatenate(parents), first=first)


def coalition_improvements(model: ConflictModel, coalition: Sequence[int]) -> sp.csr_matrix:
    """Boolean CSR [s, t]: the coalition can move s -> t by a legal sequence of its
    members' unilateral moves and every member strictly prefers t to s."""
    return coalition_improvements_of(model, list(coalition))


def coalition_can_improve(model: ConflictModel, state: int | str, coalition: Sequence[int]) -> np.ndarray:
    """States the coalition can jointly reach from `state` that all its members prefer."""
    s = _resolve(model, state)
    row = coalition_improvements(model, coalition)[s]
    return np.sort(row.indices)
