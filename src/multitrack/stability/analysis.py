"""The conflict-stability analysis (graph model) of every conflict in a scenario: registered
for the CLI, report and web app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from multitrack.analysis import register
from multitrack.errors import MultitrackError
from multitrack.progress import ProgressCallback, report
from multitrack.results import Result, by_id, plain
from multitrack.scenario.conflicts import to_core
from multitrack.scenario.model import Scenario
from multitrack.stability.coalitions import hypergame_and_coalitions
from multitrack.stability.concepts import analyse
from multitrack.stability.graph import move_graphs, unilateral_improvements
from multitrack.stability.statusquo import reach_tree, status_quo_analysis

CONCEPT_TITLES = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM",
                  "seq_sim": "SEQ&SIM"}


class StabilityConfig(BaseModel):
    """Which concepts to compute and how large a conflict may be."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sim: bool = Field(True, description="Also compute simultaneous stability (SIM) and its "
                      "combination with SEQ (SEQ&SIM).")
    max_states: int = Field(1_048_576, ge=1, le=1_048_576, description="Refuse conflicts with more "
                            "feasible states than this.")
    listed_states: int = Field(4096, ge=64, le=1_048_576, description="List every state, its stability "
                               "and every improvement up to this many feasible states; above it, list "
                               "the status quo, its paths and the equilibria under the most concepts, "
                               "and say how many were left out (the equilibria are always complete).")


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
    # Only above StabilityConfig.listed_states: then `states` (and the rows of `stable`) are the listed
    # states, `numbers` their GMCR+ state numbers, `n_states` all feasible states, and `left_out` says
    # what is not listed, with counts. Small conflicts leave them empty and results.json without them.
    n_states: int = 0
    numbers: tuple[int, ...] = ()
    left_out: tuple[str, ...] = ()

    @property
    def total_states(self) -> int:
        """Feasible states of the conflict, listed or not."""
        return self.n_states or len(self.states)

    def number(self, k: int) -> int:
        """GMCR+ state number of the k-th listed state."""
        return self.numbers[k] if self.numbers else k + 1

    def to_dict(self) -> dict[str, Any]:
        return _without_listing(conflict_plain(self))


_LABELS = ("states", "reachable", "numbers")  # tuples of strings (or ints)
_LABEL_MAPS = ("equilibria", "reachable_equilibria", "misperceived", "coalition_equilibria")
_TABLES = ("stable", "coalition_stable")  # concept -> rows of bools


def conflict_plain(c: ConflictStability) -> dict[str, Any]:
    """``plain(c)`` without its walk over every label and flag: the same data, built from the
    fields whose shape is known (a large conflict lists a million labels)."""
    out: dict[str, Any] = {}
    for f in fields(c):
        value = getattr(c, f.name)
        if f.name in _LABELS:
            out[f.name] = list(value)
        elif f.name in _LABEL_MAPS:
            out[f.name] = {str(k): list(v) for k, v in value.items()}
        elif f.name in _TABLES:
            out[f.name] = {str(k): [list(row) for row in rows] for k, rows in value.items()}
        elif f.name == "improvements":
            out[f.name] = [list(edge) for edge in value]
        else:
            out[f.name] = plain(value)
    return out


def _without_listing(data: dict[str, Any]) -> dict[str, Any]:
    """A conflict's plain data without the listing fields when every state is listed."""
    if not data.get("left_out"):
        for key in ("n_states", "numbers", "left_out"):
            data.pop(key, None)
    return data


@dataclass(frozen=True)
class StabilityResult(Result):
    """Every conflict of the scenario, analysed under each concept."""

    concepts: tuple[str, ...]
    conflicts: tuple[ConflictStability, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"concepts": list(self.concepts), "conflicts": [c.to_dict() for c in self.conflicts],
                "notes": list(self.notes)}

    def conflict(self, conflict_id: str) -> ConflictStability:
        return by_id(self.conflicts, conflict_id, lambda c: c.id, "conflict")

    @property
    def summary(self) -> str:
        """In one line, per conflict: the states that are equilibria under every concept run."""
        parts = []
        for c in self.conflicts:
            shared = [s for s in c.equilibria.get(self.concepts[0], ())
                      if all(s in c.equilibria.get(k, ()) for k in self.concepts)] if self.concepts else []
            parts.append(f"{c.id}: equilibria under every concept: {', '.join(shared)}" if shared else
                         f"{c.id}: no state is an equilibrium under every concept")
        return "; ".join(parts) or "no conflict to analyse"

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for c in self.conflicts:
            eq_sets = {k: set(c.equilibria[k]) for k in self.concepts}
            for s, label in enumerate(c.states):
                row: dict[str, Any] = {"conflict": c.id, "state": label}
                for concept in self.concepts:
                    for d, dm in enumerate(c.decision_makers):
                        row[f"{concept}:{dm}"] = c.stable[concept][s][d]
                    row[f"{concept} equilibrium"] = label in eq_sets[concept]
                out.append(row)
        return out


def _changes(options: tuple[str, ...], a: str, b: str) -> tuple[str, ...]:
    return tuple(("+" if y == "Y" else "-") + o for o, x, y in zip(options, a, b, strict=True) if x != y)


def analyse_conflict(spec, concepts: tuple[str, ...], max_states: int = 1_048_576, listed: int = 4096,
                     progress: ProgressCallback | None = None) -> ConflictStability:
    """Stability and status quo analysis of one scenario conflict; above `listed` feasible states,
    only the states a reader needs are listed (see `_large_conflict`). Progress: one event per
    decision maker (every concept), one when the status quo search is done, one at the end."""
    n_options = len(spec.option_ids)
    if 2**n_options > 64 * max_states and n_options > 24:
        raise ConflictTooLarge(f"conflict {spec.id!r} has {n_options} options; at most {max_states:,} states "
                               "are allowed (stability.max_states)")
    model = to_core(spec).build()
    if model.n_states > max_states:
        raise ConflictTooLarge(f"conflict {spec.id!r} has {model.n_states:,} feasible states, more than the "
                               f"limit of {max_states:,} (raise stability.max_states)")
    task, steps = f"stability: {spec.id}", model.n_dms + 2
    stability = analyse(model, concepts, on_dm=lambda i: report(progress, task, i + 1, steps))
    options = tuple((o.id, o.title, dm.id) for dm in spec.decision_makers for o in dm.options)
    searched = lambda: report(progress, task, model.n_dms + 1, steps)  # noqa: E731 - the status quo search done
    if model.n_states > listed:
        out = _large_conflict(spec, model, stability, concepts, options, listed, searched)
    else:
        out = _small_conflict(spec, model, stability, concepts, options, searched)
    report(progress, task, steps, steps)
    return out


def _small_conflict(spec, model, stability, concepts: tuple[str, ...], options,
                    searched: Callable[[], None]) -> ConflictStability:
    """Every state, its stability, every improvement and a path to every reachable equilibrium."""
    labels = tuple(model.label(s) for s in range(model.n_states))
    stable = {c: tuple(tuple(bool(x) for x in row) for row in stability.table[c]) for c in concepts}
    equilibria = {c: tuple(stability.equilibrium_labels(c)) for c in concepts}
    _, improvements = move_graphs(model)
    edges = []
    for d, ui in enumerate(improvements):
        coo = ui.tocoo()
        edges += [(labels[int(a)], labels[int(b)], model.dm_names[d])
                  for a, b in zip(coo.row, coo.col, strict=True)]
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
    searched()
    extra.update(hypergame_and_coalitions(model, concepts))
    return ConflictStability(id=spec.id, title=spec.title, track=spec.track, decision_makers=model.dm_names,
                             options=options, states=labels, stable=stable, equilibria=equilibria,
                             improvements=tuple(sorted(edges)), **extra)


def state_labels(model, states: np.ndarray) -> list[str]:
    """Y/N labels of many states at once (the same strings as ``model.label``)."""
    states = np.asarray(states, dtype=np.int64)
    n = len(model.option_names)
    if states.size == 0 or n == 0:
        return [""] * int(states.size)
    chars = np.where(model.bits[states].astype(bool), ord("Y"), ord("N")).astype(np.uint8)
    return np.ascontiguousarray(chars).view(f"S{n}").ravel().astype(f"U{n}").tolist()


def listed_states(n_states: int, limit: int, first: list[int], ranked: np.ndarray) -> np.ndarray:
    """At most `limit` state indices, in increasing order: `first` (the status quo and the states on
    its paths, in order of need), then `ranked` (the equilibria, most concepts first), then the
    lowest-numbered other states while room is left."""
    keep = np.zeros(n_states, dtype=bool)
    room = limit
    for s in dict.fromkeys(first):
        if room == 0:
            break
        room -= not keep[s]
        keep[s] = True
    rest = ranked[~keep[ranked]][:room]
    keep[rest] = True
    room -= rest.size
    if room > 0:
        keep[np.flatnonzero(~keep)[:room]] = True
    return np.flatnonzero(keep)


def _large_conflict(spec, model, stability, concepts: tuple[str, ...], options, limit: int,
                    searched: Callable[[], None]) -> ConflictStability:
    """A conflict with more than `limit` feasible states: the equilibria (and those reachable from
    the status quo) in full; the states, their stability, the improvements and the paths only for
    `limit` states a reader needs: the status quo, the states on its paths to the equilibria,
    the equilibria under the most concepts, then the first states by number while room is left;
    `left_out` counts the rest."""
    eq_mask = {c: stability.table[c].all(axis=1) for c in concepts}
    count = np.sum([eq_mask[c] for c in concepts], axis=0) if concepts else np.zeros(model.n_states, int)
    ranked = np.flatnonzero(count)
    ranked = ranked[np.argsort(-count[ranked], kind="stable")]
    sq_label = spec.status_quo_label()
    tree = reach_tree(model, sq_label) if sq_label is not None else None
    searched()
    first: list[int] = []
    if tree is not None:
        first.append(tree.status_quo)
        reached, distinct = ranked[tree.reachable[ranked]], {tree.status_quo}
        for s in reached[:limit].tolist():  # the paths of the reachable equilibria, most concepts first
            on_path = [st.state for st in tree.path(s)]
            first += on_path
            distinct.update(on_path)
            if len(distinct) >= limit:
                break
    keep = listed_states(model.n_states, limit, first, ranked)
    labels = tuple(state_labels(model, keep))
    position = np.full(model.n_states, -1, dtype=np.int64)
    position[keep] = np.arange(keep.size)
    stable = {c: tuple(tuple(bool(x) for x in row) for row in stability.table[c][keep]) for c in concepts}
    eq_labels = _labeller(model, count > 0)
    equilibria = {c: eq_labels(eq_mask[c]) for c in concepts}
    edges, total_edges = [], 0
    for d in range(model.n_dms):
        ui = unilateral_improvements(model, d)
        total_edges += ui.nnz
        coo = ui[keep][:, keep].tocoo()
        edges += [(labels[int(a)], labels[int(b)], model.dm_names[d])
                  for a, b in zip(coo.row, coo.col, strict=True)]
    left_out = [f"{model.n_states - keep.size:,} of {model.n_states:,} feasible states are not listed "
                f"(above stability.listed_states = {limit:,}): the states, their stability and the "
                "improvements cover the status quo, the states on its paths and the equilibria under "
                "the most concepts (then the first states by number); the equilibria under each concept "
                "are complete",
                f"{total_edges - len(edges):,} of {total_edges:,} unilateral improvements are not listed "
                "(only those between listed states are)"]
    extra: dict[str, Any] = {}
    if tree is not None:
        extra = _status_quo_fields(model, tree, concepts, eq_mask, position, labels, left_out, eq_labels)
    extra.update(_listed_coalitions(hypergame_and_coalitions(model, concepts), keep))
    return ConflictStability(id=spec.id, title=spec.title, track=spec.track, decision_makers=model.dm_names,
                             options=options, states=labels, stable=stable, equilibria=equilibria,
                             improvements=tuple(sorted(edges)), n_states=model.n_states,
                             numbers=tuple(int(model.state_number(s)) for s in keep.tolist()),
                             left_out=tuple(left_out), **extra)


def _labeller(model, among: np.ndarray):
    """Labels of the states of a mask within `among`, each string made once and shared."""
    states = np.flatnonzero(among)
    text = np.array(state_labels(model, states) + [""], dtype=object)[:-1]  # keep an object array
    at = np.full(model.n_states, -1, dtype=np.int64)
    at[states] = np.arange(states.size)
    return lambda mask: tuple(text[at[np.flatnonzero(mask & among)]].tolist())


def _status_quo_fields(model, tree, concepts, eq_mask, position, labels, left_out: list[str],
                       eq_labels) -> dict:
    """Reachable equilibria in full; reachable states and paths for the listed states only."""
    reach = tree.reachable
    reach_eq = {c: eq_labels(eq_mask[c] & reach) for c in concepts}
    any_eq = np.logical_or.reduce([eq_mask[c] for c in concepts]) & reach if concepts else reach & False
    paths = {}
    sq_label = labels[int(position[tree.status_quo])]
    for s in np.flatnonzero(any_eq & (position >= 0)).tolist():
        steps = tree.path(s)
        if any(position[st.state] < 0 for st in steps):
            continue
        prev, out = sq_label, []
        for st in steps:
            lab = labels[int(position[st.state])]
            out.append(PathStep(model.dm_names[st.mover], lab, _changes(model.option_names, prev, lab)))
            prev = lab
        paths[labels[int(position[s])]] = tuple(out)
    listed_reach = np.flatnonzero(reach & (position >= 0))
    n_reach, n_eq = int(reach.sum()), int(any_eq.sum())
    if listed_reach.size < n_reach:
        left_out.append(f"{n_reach - listed_reach.size:,} of {n_reach:,} states reachable from the status "
                        "quo are not listed (reachable lists only listed states)")
    if len(paths) < n_eq:
        left_out.append(f"{n_eq - len(paths):,} of {n_eq:,} equilibria reachable from the status quo have no "
                        "path listed (their paths pass through states that are not listed)")
    return {"status_quo": sq_label, "reachable": tuple(labels[int(position[s])] for s in listed_reach),
            "reachable_equilibria": reach_eq, "paths": paths}


def _listed_coalitions(extra: dict, keep: np.ndarray) -> dict:
    """The coalition analysis's stability rows for the listed states only."""
    if "coalition_stable" in extra:
        extra["coalition_stable"] = {c: tuple(rows[int(s)] for s in keep) for c, rows
                                     in extra["coalition_stable"].items()}
    return extra


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
        conflicts.append(analyse_conflict(c, concepts, config.max_states, config.listed_states, progress))
    report(progress, "stability", len(conflicts), len(conflicts))
    notes = () if conflicts else ("The scenario declares no conflicts (a `conflicts:` section).",)
    return StabilityResult(concepts=concepts, conflicts=tuple(conflicts), notes=notes)
