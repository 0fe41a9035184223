"""One chunk of draws, end to end: read the run's draws of the inputs, build every track's space,
and evaluate every design and forum on the same draws. A pure function of (plan, chunk), so any
worker gives the same arrays for the same chunk."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..scenario.model import Scenario
from ..scenario.tracks import Forum, Track
from ..settlement.draws import DrawValues, RunDraws, UncertainInput
from .batch_space import BatchSpace, build_batch_space, parties_of
from .config import ProcessConfig
from .designs import sequential, track_gains
from .kernel import TrackDraws, solve_batch
from .package import solve_package

#: The parts of a scenario the bargaining analyses read: the inputs whose effect the drivers show.
BARGAINING_SECTIONS = ("actors", "tracks", "process")


@dataclass(frozen=True)
class ProcessPlan:
    """What every chunk needs: the run's draws (and so the scenario) and the settings (picklable
    for workers)."""

    run: RunDraws
    config: ProcessConfig = ProcessConfig.model_validate({})
    threads: int = 1   # threads per space in this process (results do not depend on it)

    @property
    def scenario(self) -> Scenario:
        return self.run.scenario

    @cached_property
    def columns(self) -> tuple[int, ...]:
        """The run's input columns from the bargaining sections (the candidate drivers)."""
        return tuple(k for k, inp in enumerate(self.run.inputs) if inp.path[0] in BARGAINING_SECTIONS)

    @cached_property
    def inputs(self) -> tuple[UncertainInput, ...]:
        return tuple(self.run.inputs[k] for k in self.columns)

    @cached_property
    def tracks(self) -> tuple[Track, ...]:
        return tuple(self.scenario.active_tracks)

    @cached_property
    def actors(self) -> tuple[str, ...]:
        sits = {a for t in self.tracks for a in t.participants}
        return tuple(a.id for a in self.scenario.actors if a.id in sits)

    @property
    def blocks(self) -> dict[tuple[str, str, str, int], int]:
        """Each group member's own block of input columns (1, 2, ...; 0 is the actors' own), by
        (track, forum, group, member): forum ids are unique only within their track."""
        return self.run.blocks

    @cached_property
    def forums(self) -> tuple[tuple[Track, Forum], ...]:
        return tuple((t, f) for t in self.tracks for f in t.forums)

    def __getstate__(self) -> dict:  # the cached look-ups are rebuilt where the plan lands
        return {"run": self.run, "config": self.config, "threads": self.threads}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def links(self) -> list[tuple[str, str]]:
        return [(link.track, link.requires) for link in self.scenario.process.links]


#: Draws evaluated together inside a chunk: small enough that a block's arrays stay in cache
#: when several workers share a machine; results do not depend on it.
BLOCK = 500


def evaluate_chunk(plan: ProcessPlan, task) -> dict[str, np.ndarray]:
    """Every design and forum on the draws of ``task`` (a ChunkTask of the run), evaluated in
    blocks of draws."""
    values = plan.run.chunk(task)
    blocks = [_evaluate_block(plan, values.rows(k, k + BLOCK)) for k in range(0, task.size, BLOCK)]
    out = {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}
    out["factors"] = plan.run.factor_scores(task)
    return out


def _evaluate_block(plan: ProcessPlan, values: DrawValues) -> dict[str, np.ndarray]:
    grid = plan.config.grid_points
    spaces = {t.id: build_batch_space(plan.scenario, t, values, parties_of(t, None, {}), grid_points=grid)
              for t in plan.tracks}
    parallel = {t: solve_batch(s, plan.threads) for t, s in spaces.items()}
    penalty = values(plan.scenario.process.failure_penalty)
    seq = sequential(plan.scenario, spaces, parallel, penalty, plan.threads)
    own = [values(inp.estimate) for inp in plan.inputs]
    out = {"inputs": np.column_stack(own) if own else np.zeros((values.size, 0))}
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
