"""The conflict-stability analysis (graph model) of every conflict in a scenario: registered
for the CLI, report and web app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from multitrack.analysis import register
from multitrack.errors import MultitrackError
from multitrack.progress import ProgressCallback, report
from multitrack.results import Result, by_id
from multitrack.scenario.conflicts import to_core
from multitrack.scenario.model import Scenario
from multitrack.stability.coalitions import hypergame_and_coalitions
from multitrack.stability.concepts import analyse
from multitrack.stability.graph import move_graphs
from multitrack.stability.statusquo import status_quo_analysis

CONCEPT_TITLES = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM",
                  "seq_sim": "SEQ&SIM"}


class StabilityConfig(BaseModel):
    """Which concepts to compute and how large a conflict may be."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sim: bool = Field(True, description="Also compute simultaneous stability (SIM) and its "
                      "combination with SEQ (SEQ&SIM).")
    max_states: int = Field(4096, ge=1, le=1_048_576, description="Refuse conflicts with more feasible "
                            "states than this.")


class ConflictTooLarge(MultitrackError):
    """A conflict with more feasible states than the analysis is set to handle."""


@dataclass(frozen=True)
class PathStep(Result):
    """One move on a status-quo path: decision maker ``mover`` moves the conflict to ``state``."""

    mover: str
    state: str
    changed: tuple[str, ...]  # option ids that change, as "+id" (taken) or "-id" (withdrawn)


@dataclass(frozen=True)
class ConflictStability(Result):
    """One conflict: its feasible states (Y/N labels over ``options`` in order; ``states[k]``
    is GMCR+'s state number k + 1), stability per concept as ``stable[concept][state][dm]``,
    the equilibria per concept, the unilateral improvements (from, to, mover), the status quo
    analysis, the states each decision maker misperceives, and, when the conflict lists
    coalitions, the stability of each state for each player of the coalition structure
    (``coalition_stable[concept][state][player]``) and its equilibria."""

    id: str
    title: str
    track: str | None
    decision_makers: tuple[str, ...]
    options: tuple[tuple[str, str, str], ...]        # (option id, title, decision maker id)
    states: tuple[str, ...]
    stable: dict[str, tuple[tuple[bool, ...], ...]]
    equilibria: dict[str, tuple[str, ...]]
    improvements: tuple[tuple[str, str, str], ...]
    status_quo: str | None = None
    reachable: tuple[str, ...] = ()
    reachable_equilibria: dict[str, tuple[str, ...]] = field(default_factory=dict)
    paths: dict[str, tuple[PathStep, ...]] = field(default_factory=dict)  # to each reachable equilibrium
    misperceived: dict[str, tuple[str, ...]] = field(default_factory=dict)  # decision maker -> states
    coalitions: tuple[str, ...] = ()  # players of the coalition structure, members joined by " + "
    coalition_stable: dict[str, tuple[tuple[bool, ...], ...]] = field(default_factory=dict)
    coalition_equilibria: dict[str, tuple[str, ...]] = field(default_factory=dict)
    coalition_notes: tuple[str, ...] = ()  # concepts left out of the coalition analysis, with their size


@dataclass(frozen=True)
class StabilityResult(Result):
    """Every conflict of the scenario, analysed under each concept."""

    concepts: tuple[str, ...]
    conflicts: tuple[ConflictStability, ...]
    notes: tuple[str, ...] = ()

    def conflict(self, conflict_id: str) -> ConflictStability:
        return by_id(self.conflicts, conflict_id, lambda c: c.id, "conflict")

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for c in self.conflicts:
            for s, label in enumerate(c.states):
                row: dict[str, Any] = {"conflict": c.id, "state": label}
                for concept in self.concepts:
                    for d, dm in enumerate(c.decision_makers):
                        row[f"{concept}:{dm}"] = c.stable[concept][s][d]
                    row[f"{concept} equilibrium"] = label in c.equilibria[concept]
                out.append(row)
        return out


def _changes(options: tuple[str, ...], a: str, b: str) -> tuple[str, ...]:
    return tuple(("+" if y == "Y" else "-") + o for o, x, y in zip(options, a, b, strict=True) if x != y)


def analyse_conflict(spec, concepts: tuple[str, ...], max_states: int = 4096) -> ConflictStability:
    """Stability and status quo analysis of one scenario conflict."""
    n_options = len(spec.option_ids)
    if 2**n_options > 64 * max_states and n_options > 24:
        raise ConflictTooLarge(f"conflict {spec.id!r} has {n_options} options; at most {max_states:,} states "
                               "are allowed (stability.max_states)")
    model = to_core(spec).build()
    if model.n_states > max_states:
        raise ConflictTooLarge(f"conflict {spec.id!r} has {model.n_states:,} feasible states, more than the "
                               f"limit of {max_states:,} (raise stability.max_states)")
    stability = analyse(model, concepts)
    labels = tuple(model.label(s) for s in range(model.n_states))
    stable = {c: tuple(tuple(bool(x) for x in row) for row in stability.table[c]) for c in concepts}
    equilibria = {c: tuple(stability.equilibrium_labels(c)) for c in concepts}
    _, improvements = move_graphs(model)
    edges = []
    for d, ui in enumerate(improvements):
        coo = ui.tocoo()
        edges += [(labels[int(a)], labels[int(b)], model.dm_names[d])
                  for a, b in zip(coo.row, coo.col, strict=True)]
    options = tuple((o.id, o.title, dm.id) for dm in spec.decision_makers for o in dm.options)
    sq_label = spec.status_quo_label()
    extra: dict[str, Any] = {}
    if sq_label is not None:
        sq = status_quo_analysis(model, sq_label)
        reach_eq = {c: tuple(labels[int(s)] for s in sq.reachable_equilibria(stability, c)) for c in concepts}
        paths = {}
        for s in sorted({int(s) for c in concepts for s in sq.reachable_equilibria(stability, c)}):
            prev, steps = sq_label, []
            for who, lab in sq.describe(s):
                steps.append(PathStep(who, lab, _changes(model.option_names, prev, lab)))
                prev = lab
            paths[labels[s]] = tuple(steps)
        extra = {"status_quo": sq_label,
                 "reachable": tuple(labels[int(s)] for s in sq.reachable.nonzero()[0]),
                 "reachable_equilibria": reach_eq, "paths": paths}
    extra.update(hypergame_and_coalitions(model, concepts))
    return ConflictStability(id=spec.id, title=spec.title, track=spec.track, decision_makers=model.dm_names,
                             options=options, states=labels, stable=stable, equilibria=equilibria,
                             improvements=tuple(sorted(edges)), **extra)


def warm_up() -> None:
    """Compile (or load from numba's cache) the stability kernels on the Prisoner's Dilemma:
    every concept, and the move graphs the report lists (run ahead of time by analyze)."""
    from .concepts import CONCEPTS
    from .examples import prisoners_dilemma

    model = prisoners_dilemma().build()
    analyse(model, CONCEPTS)
    move_graphs(model)


@register("stability", "Conflict stability (graph model)", order=30, config=StabilityConfig, warm_up=warm_up,
          applies=lambda scenario: bool(scenario.conflicts))
def conflict_stability(scenario: Scenario, *, config: StabilityConfig | None = None,
                       progress: ProgressCallback | None = None) -> StabilityResult:
    """Which states of each conflict are stable for whom (Nash, GMR, SMR, SEQ, SIM and SEQ&SIM),
    the equilibria, and which of them the parties can reach from the status quo by unilateral
    improvements; with the coalitions a conflict lists, the same for the coalitions as players."""
    config = config or StabilityConfig()
    concepts = ("nash", "gmr", "smr", "seq") + (("sim", "seq_sim") if config.sim else ())
    conflicts = []
    for k, c in enumerate(scenario.conflicts):
        report(progress, "stability", k, len(scenario.conflicts))
        conflicts.append(analyse_conflict(c, concepts, config.max_states))
    report(progress, "stability", len(conflicts), len(conflicts))
    notes = () if conflicts else ("The scenario declares no conflicts (a `conflicts:` section).",)
    return StabilityResult(concepts=concepts, conflicts=tuple(conflicts), notes=notes)
