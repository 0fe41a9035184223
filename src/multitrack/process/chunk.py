"""One chunk of draws, end to end: draw the inputs, build every track's space, and evaluate every
design and forum on the same draws. A pure function of (plan, chunk), so any worker gives the
same arrays for the same chunk."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..scenario.model import Scenario
from ..scenario.tracks import Forum, Track
from .batch_space import BatchSpace, DrawValues, build_batch_space, parties_of
from .config import ProcessConfig
from .designs import sequential, track_gains
from .inputs import UncertainInput, draw_inputs, uncertain_inputs
from .kernel import TrackDraws, solve_batch
from .package import solve_package


@dataclass(frozen=True)
class ProcessPlan:
    """What every chunk needs: the scenario and the settings (picklable for workers)."""

    scenario: Scenario
    config: ProcessConfig
    threads: int = 1   # threads per space in this process (results do not depend on it)

    @cached_property
    def inputs(self) -> tuple[UncertainInput, ...]:
        return uncertain_inputs(self.scenario)

    @cached_property
    def tracks(self) -> tuple[Track, ...]:
        return tuple(self.scenario.active_tracks)

    @cached_property
    def actors(self) -> tuple[str, ...]:
        sits = {a for t in self.tracks for a in t.participants}
        return tuple(a.id for a in self.scenario.actors if a.id in sits)

    @cached_property
    def blocks(self) -> dict[tuple[str, str, str, int], int]:
        """Each group member's own block of input columns (1, 2, ...; 0 is the actors' own), by
        (track, forum, group, member): forum ids are unique only within their track."""
        out, k = {}, 1
        for track, forum in self.forums:
            for g in forum.member_groups:
                for m in range(g.count):
                    out[(track.id, forum.id, g.id, m)] = k
                    k += 1
        return out

    @cached_property
    def forums(self) -> tuple[tuple[Track, Forum], ...]:
        return tuple((t, f) for t in self.tracks for f in t.forums)

    def __getstate__(self) -> dict:  # the cached look-ups are rebuilt where the plan lands
        return {"scenario": self.scenario, "config": self.config, "threads": self.threads}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def links(self) -> list[tuple[str, str]]:
        return [(link.track, link.requires) for link in self.scenario.process.links]


#: Draws evaluated together inside a chunk: small enough that a block's arrays stay in cache
#: when several workers share a machine; results do not depend on it.
BLOCK = 500


def evaluate_chunk(plan: ProcessPlan, task) -> dict[str, np.ndarray]:
    """Every design and forum on the draws of ``task`` (a ChunkTask): all the chunk's inputs are
    drawn first, then evaluated in blocks of draws."""
    matrix = draw_inputs(plan.inputs, task.rng(), task.size, extra=len(plan.blocks))
    blocks = [_evaluate_block(plan, matrix[k:k + BLOCK]) for k in range(0, task.size, BLOCK)]
    return {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}


def _evaluate_block(plan: ProcessPlan, matrix: np.ndarray) -> dict[str, np.ndarray]:
    values = DrawValues(plan.inputs, matrix)
    grid = plan.config.grid_points
    spaces = {t.id: build_batch_space(plan.scenario, t, values, parties_of(t, None, {}), grid_points=grid)
              for t in plan.tracks}
    parallel = {t: solve_batch(s, plan.threads) for t, s in spaces.items()}
    penalty = values(plan.scenario.process.failure_penalty)
    seq = sequential(plan.scenario, spaces, parallel, penalty, plan.threads)
    out = {"inputs": matrix[:, :len(plan.inputs)]}
    for name, results in (("parallel", parallel), ("sequential", seq)):
        out[f"{name}.agreed"] = np.column_stack([results[t.id].agreed for t in plan.tracks])
        out[f"{name}.gain"] = np.stack([track_gains(spaces[t.id], results[t.id], plan.actors)
                                        for t in plan.tracks], axis=1)
    package = solve_package([spaces[t.id] for t in plan.tracks], plan.actors,
                            time_limit=plan.config.milp_time_limit, threads=plan.threads)
    out["package.agreed"] = package.agreed
    out["package.moved"] = package.moved
    out["package.gain"] = package.gain
    out["span"] = package.span
    for track, forum in plan.forums:
        space = build_batch_space(plan.scenario, track, values, parties_of(track, forum, plan.blocks),
                                  forum=forum, grid_points=plan.config.grid_points)
        out.update(_forum_arrays(track, space, solve_batch(space, plan.threads)))
    for track in {t.id: t for t, _ in plan.forums}.values():  # the track's own forum, already solved
        out.update(_forum_arrays(track, spaces[track.id], parallel[track.id]))
    return out


def _forum_arrays(track: Track, space: BatchSpace, result: TrackDraws) -> dict[str, np.ndarray]:
    axes = [np.asarray(lbl, dtype=object) for lbl in space.labels]
    where = np.full(result.choice.shape, np.nan)
    for i, ax in enumerate(axes):
        numeric = np.array([_axis_number(v, k) for k, v in enumerate(ax)], dtype=float)
        hit = result.choice[:, i] >= 0
        where[hit, i] = numeric[result.choice[hit, i]]
    key = f"forum.{track.id}.{space.forum_id}"
    return {f"{key}.agreed": result.agreed, f"{key}.winset": result.n_pass / space.n_outcomes,
            f"{key}.where": where}


def _axis_number(value, rank: int) -> float:
    """Numbers stay numbers; options become their rank in the issue's list."""
    return float(value) if isinstance(value, (int, float)) else float(rank)
