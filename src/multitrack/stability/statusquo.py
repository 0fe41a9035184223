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
from multitrack.stability.graph import move_graphs


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


def coalition_improvements(model: ConflictModel, coalition: Sequence[int]) -> sp.csr_matrix:
    """Boolean CSR [s, t]: the coalition can move s -> t by a legal sequence of its
    members' unilateral moves and every member strictly prefers t to s."""
    return coalition_improvements_of(model, list(coalition))


def coalition_can_improve(model: ConflictModel, state: int | str, coalition: Sequence[int]) -> np.ndarray:
    """States the coalition can jointly reach from `state` that all its members prefer."""
    s = _resolve(model, state)
    row = coalition_improvements(model, coalition)[s]
    return np.sort(row.indices)
