"""The inverse question: what change of each decision maker's preferences would make a desired
state an equilibrium (in the spirit of inverse GMCR: Kinsara, Kilgour and Hipel 2015,
"Inverse approach to the graph model for conflict resolution", IEEE SMC: Systems 45).

For DM i and a state s, the unilateral improvements from s that the concept does not let the
opponents sanction are what keep s unstable; demoting each of them to no better than s (a tie)
makes s stable for i. Demoting lowers i's payoffs only, which never removes a sanction nor
creates a new improvement from s, so the change is always sufficient; under Nash it is also the
smallest demotion-only change, and under GMR, SMR and SEQ it can overshoot when one demoted
state would itself have served as a sanction for another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from multitrack.scenario.option_form import ConflictModel
from multitrack.stability.concepts import _reach_min, _smr_values
from multitrack.stability.graph import move_graphs

INVERSE_CONCEPTS = ("nash", "gmr", "smr", "seq")


@dataclass(frozen=True)
class PreferenceChange:
    """What DM ``dm`` would have to like less for the state to be stable for it."""

    dm: str
    concept: str
    demote: tuple[str, ...]   # state labels to rank no higher than the desired state
    gap: float                # total payoff drop needed (sum of how far each is above the state)

    @property
    def size(self) -> int:
        return len(self.demote)


def what_it_takes(model: ConflictModel, desired: str | int,
                  concepts: tuple[str, ...] = INVERSE_CONCEPTS) -> tuple[PreferenceChange, ...]:
    """Per concept and DM, the demotions that make ``desired`` stable, smallest first; an
    empty ``demote`` means the state is already stable for that DM."""
    s = model.state(desired) if isinstance(desired, str) else int(desired)
    out = [_change(model, s, i, c) for c in concepts for i in range(model.n_dms)]
    return tuple(sorted(out, key=lambda ch: (ch.size, ch.gap, concepts.index(ch.concept), ch.dm)))


def _change(model: ConflictModel, s: int, i: int, concept: str) -> PreferenceChange:
    moves, improvements = move_graphs(model)
    ui, own = improvements[i], model.payoff[:, i]
    targets = ui.indices[ui.indptr[s]:ui.indptr[s + 1]]
    if concept != "nash" and len(targets):
        best = _best_reply(model, moves, improvements, i, concept, own)
        targets = targets[best[targets] > own[s]]
    elif concept not in INVERSE_CONCEPTS:
        raise ValueError(f"unknown concept {concept!r}; choose from {INVERSE_CONCEPTS}")
    order = np.argsort(own[targets] - own[s], kind="stable")
    targets = targets[order]
    return PreferenceChange(model.dm_names[i], concept, tuple(model.label(int(t)) for t in targets),
                            float(np.sum(own[targets] - own[s])))


def _best_reply(model, moves, improvements, i: int, concept: str, own: np.ndarray) -> np.ndarray:
    """Per state, the lowest value for i the opponents can bring about from it (the sanction
    test of the concept), as in the stability tests themselves."""
    opponents = [j for j in range(model.n_dms) if j != i]
    if concept == "gmr":
        return _reach_min([moves[j] for j in opponents], own, "minplus")
    if concept == "smr":
        return _reach_min([moves[j] for j in opponents], _smr_values(moves[i], own), "minplus")
    if concept == "seq":
        return _reach_min([improvements[j] for j in opponents], own, "minplus")
    raise ValueError(f"unknown concept {concept!r}; choose from {INVERSE_CONCEPTS}")
