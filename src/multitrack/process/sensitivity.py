"""What drives the process designs' results: which inputs can reach each result, and the test.

The test itself (the swing between an input's low and high third, a permutation test seeded from
the run, Holm's correction over the inputs tested) is :mod:`multitrack.montecarlo.drivers`. What
this module adds is the process's own knowledge of which input can reach which result, so that no
input is named a driver of a track it cannot touch:

- an estimate inside a track (a position, a salience, a no-deal value) reaches that track;
- an actor's own estimate (its capability) reaches the tracks it sits on;
- the process estimates (failure penalty, trust gain) reach the tracks of a sequence after its first;
- a common factor reaches everything (it moves estimates anywhere);
- and a track's result reaches the tracks that depend on it: the moved track of a cross-track
  effect, a track that requires it (linked design), the later tracks of a sequence, the other
  tracks of a package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..montecarlo.drivers import Driver, DriverTest, drivers

if TYPE_CHECKING:
    from .chunk import ProcessPlan

__all__ = ["Driver", "DriverTest", "drivers", "rank_correlations", "reach"]

#: The result of a design that counts every track.
ALL_TRACKS = "tracks agreed"


def reach(plan: ProcessPlan, design: str) -> dict[str, np.ndarray]:
    """For each track of the design's result and for ``"tracks agreed"``: which input columns
    (the plan's inputs, then the scenario's factors) can reach it, as a boolean mask."""
    tracks = tuple(t.id for t in plan.tracks)
    homes = _homes(plan)
    later = _after_first(plan, design)
    deps = _depends(plan, design, tracks)
    factors = np.ones(len(plan.scenario.factors), dtype=bool)
    out = {}
    for t in tracks:
        own = np.array([bool(h & deps[t]) if h is not None else bool(deps[t] & later) for h in homes],
                       dtype=bool)
        out[t] = np.concatenate([own, factors])
    out[ALL_TRACKS] = np.logical_or.reduce([out[t] for t in tracks]) if tracks else factors
    return out


def _homes(plan: ProcessPlan) -> list[set[str] | None]:
    """The tracks each input belongs to (None: a process estimate, which acts through sequences)."""
    scenario = plan.scenario
    out: list[set[str] | None] = []
    for inp in plan.inputs:
        head = inp.path[0]
        if head == "tracks":
            out.append({scenario.tracks[inp.path[1]].id})
        elif head == "actors":
            actor = scenario.actors[inp.path[1]].id
            out.append({t.id for t in plan.tracks if actor in t.participants})
        elif head == "process":
            out.append(None)
        else:  # a section the process does not know: assume it may reach every track
            out.append({t.id for t in plan.tracks})
    return out


def _after_first(plan: ProcessPlan, design: str) -> set[str]:
    """The tracks a sequence's trust and failure penalty act on: all but its first stage."""
    if design not in plan.sequences():
        return set()
    later = plan.stages(design)[1:]
    return {t for stage in later for t in ((stage,) if isinstance(stage, str) else stage)}


def _depends(plan: ProcessPlan, design: str, tracks: tuple[str, ...]) -> dict[str, set[str]]:
    """Each track with every track whose result can change its own under the design (itself
    included): the transitive closure of the design's and the cross-track effects' links."""
    edges: dict[str, set[str]] = {t: {t} for t in tracks}
    for effect in plan.scenario.cross_track:
        if effect.to.track in edges and effect.from_.track in edges:
            edges[effect.to.track].add(effect.from_.track)
    if design == "linked":
        for track, requires in plan.links():
            if track in edges and requires in edges:
                edges[track].add(requires)
    named = plan.stages(design) if design in plan.sequences() else ()
    stages = [(s,) if isinstance(s, str) else s for s in named]
    for p, stage in enumerate(stages):
        earlier = [u for before in stages[:p] for u in before if u in edges]
        for t in stage:
            if t in edges:
                edges[t].update(earlier)
    bundle = plan.bundles().get(design) or ()
    for t in bundle:
        if t in edges:
            edges[t].update(u for u in bundle if u in edges)
    changed = True
    while changed:
        changed = False
        for t in tracks:
            wider = set().union(*(edges[u] for u in edges[t]))
            if wider != edges[t]:
                edges[t], changed = wider, True
    return edges


def rank_correlations(inputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of every column of ``inputs`` with ``y`` (0 for a constant column)."""
    test = DriverTest(inputs, 0, permutations=0)
    return test._rank_correlations(np.asarray(y, dtype=float), np.arange(test.k))
