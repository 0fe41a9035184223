"""One chunk of draws, end to end: read the run's draws of the inputs, build every track's space,
and evaluate every design and forum on the same draws. A pure function of (plan, chunk), so any
worker gives the same arrays for the same chunk."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..progress import ProgressCallback
from ..scenario.model import Scenario
from ..scenario.process import ratifiers
from ..scenario.tracks import Forum, Track
from ..settlement.cross_track import apply_in_draws
from ..settlement.distinct import once_per_distinct
from ..settlement.draws import DrawValues, RunDraws, UncertainInput
from ..settlement.preferences import accepts
from .batch_space import BatchSpace, build_batch_space, parties_of
from .conditions import read_other_tracks
from .config import ProcessConfig
from .designs import actor_span, bundled, per_track, sequential
from .kernel import TrackDraws, solve_batch
from .search import Pilot

#: The parts of a scenario the bargaining analyses read: the inputs whose effect the drivers show.
BARGAINING_SECTIONS = ("actors", "tracks", "process")


@dataclass(frozen=True)
class ProcessPlan:
    """What every chunk needs: the run's draws (and so the scenario) and the settings (picklable
    for workers)."""

    run: RunDraws
    config: ProcessConfig = ProcessConfig.model_validate({})
    threads: int = 1   # threads per space in this process (results do not depend on it)
    pilot: Pilot | None = None  # the easy-first order and the best package (None: neither is run)
    progress: ProgressCallback | None = None  # hears of each track's solves; kept in this process only

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

    def __getstate__(self) -> dict:  # look-ups are rebuilt where the plan lands; progress stays here
        return {"run": self.run, "config": self.config, "threads": self.threads, "pilot": self.pilot}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def links(self) -> list[tuple[str, str]]:
        return [(link.track, link.requires) for link in self.scenario.process.links]

    def sequences(self) -> dict[str, tuple[str, ...]]:
        """The sequences compared: the declared order (else the order of tracks) and, once the
        pilot has run, the easy-first order."""
        ids = tuple(t.id for t in self.tracks)
        out = {"sequential": tuple(self.scenario.process.sequence or ids)}
        if self.pilot is not None:
            out["easy-first"] = self.pilot.easy_first
        for seq in self.scenario.process.sequences:
            out[f"sequence:{seq.id}"] = tuple(t for stage in seq.groups() for t in stage)
        return out

    def stages(self, name: str) -> tuple[str | tuple[str, ...], ...]:
        """A sequence's order as :func:`.designs.sequential` reads it: a named sequence's stages
        (a tuple of tracks negotiated in parallel with each other), else one track at a time."""
        return stages_of(self.scenario, name) or self.sequences()[name]

    def bundles(self) -> dict[str, tuple[str, ...]]:
        """The packages evaluated on every draw: all tracks, the declared ones and the pilot's best."""
        ids = tuple(t.id for t in self.tracks)
        out = {"package": ids}
        for pkg in self.scenario.process.packages:
            out[f"package:{pkg.id}"] = tuple(t for t in ids if t in pkg.tracks)
        if self.pilot is not None and self.pilot.best is not None:
            out["partial-package"] = self.pilot.best
        return out

    def ratifiers(self) -> dict[tuple[str, str], list[str]]:
        """Who ratifies each forum's deal, by (track, forum), where a ratification stage is declared."""
        tracks = {t.id: t for t in self.tracks}
        return {(r.track, r.forum): ratifiers(r, tracks[r.track]) for r in self.scenario.process.ratification
                if r.track in tracks}


def stages_of(scenario: Scenario, name: str) -> tuple[tuple[str, ...], ...]:
    """The stages of the named sequence ``sequence:<id>`` of the scenario (empty for any other
    design)."""
    for seq in scenario.process.sequences:
        if name == f"sequence:{seq.id}":
            return seq.groups()
    return ()


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


def track_models(plan: ProcessPlan, values: DrawValues
                 ) -> tuple[dict[str, BatchSpace], dict[str, TrackDraws], dict[str, np.ndarray]]:
    """Every track's own forum in the draws of ``values``, solved alone, after the links between
    tracks (conditional red lines and cross-track effects) have moved them; and the links' arrays."""
    grid = plan.config.grid_points
    spaces, solved = {}, {}
    for t in plan.tracks:  # each on one draw of each distinct combination of the inputs it reads
        spaces[t.id], solved[t.id] = _own_forum(plan, t, values)
    read_other_tracks(plan.scenario, plan.tracks, values, spaces, solved, grid_points=grid,
                      threads=plan.threads)
    moved = apply_in_draws(plan.scenario, plan.tracks, values, spaces, solved,
                           lambda s: solve_batch(s, plan.threads, plan.progress),
                           lambda t, v: build_batch_space(plan.scenario, t, v, parties_of(t, None, {}),
                                                          grid_points=grid))
    return spaces, solved, moved


def _evaluate_block(plan: ProcessPlan, values: DrawValues) -> dict[str, np.ndarray]:
    spaces, solved, moved = track_models(plan, values)
    penalty = values(plan.scenario.process.failure_penalty)
    trust = values(plan.scenario.process.trust_gain)
    own = [values(inp.estimate) for inp in plan.inputs]
    out = {"inputs": np.column_stack(own) if own else np.zeros((values.size, 0))}
    out.update(moved)
    parallel = per_track(spaces, solved, plan.actors)
    out.update(parallel.arrays("parallel"))
    for name in plan.sequences():
        order = plan.stages(name)
        seq = sequential(order, spaces, solved, penalty, trust, plan.threads, plan.progress)
        out.update(per_track(spaces, seq, plan.actors).arrays(name))
        if np.any(trust > 0):  # the same sequence without the trust effect, for the link's sentence
            plain = sequential(order, spaces, solved, penalty, None, plan.threads, plan.progress)
            out[f"{name}.without-trust"] = np.column_stack([plain[t].agreed for t in spaces])
    for name, bundle in plan.bundles().items():
        design, deal = bundled(spaces, parallel, bundle, plan.actors, plan.config.milp_time_limit,
                               plan.threads, plan.progress)
        out.update(design.arrays(name))
        out[f"{name}.deal"] = deal
    out["span"] = actor_span(spaces, plan.actors)
    for track, forum in plan.forums:
        space, result = _own_forum(plan, track, values, forum)
        out.update(_forum_arrays(track, space, result))
        out.update(_ratified(plan, track, forum, spaces[track.id], result))
    for track in {t.id: t for t, _ in plan.forums}.values():  # the track's own forum, already solved
        out.update(_forum_arrays(track, spaces[track.id], solved[track.id]))
    return out


def _own_forum(plan: ProcessPlan, track: Track, values: DrawValues, forum: Forum | None = None
               ) -> tuple[BatchSpace, TrackDraws]:
    """A forum of ``track`` (its own by default) built and solved alone over the draws of
    ``values``: once per distinct combination of the inputs it reads, spread over the draws."""
    parties = parties_of(track, forum, plan.blocks if forum is not None else {})
    grid = plan.config.grid_points
    return once_per_distinct(
        plan.scenario, track, values,
        lambda v: build_batch_space(plan.scenario, track, v, parties, forum=forum, grid_points=grid),
        lambda s: solve_batch(s, plan.threads, plan.progress), grid_points=grid, forum=forum, parties=parties)


def _ratified(plan: ProcessPlan, track: Track, forum: Forum, own: BatchSpace,
              result: TrackDraws) -> dict[str, np.ndarray]:
    """Where the forum's deal must be ratified: (D,) whether every ratifier accepts it on the
    track as modelled (its red lines and reservation value there)."""
    by = plan.ratifiers().get((track.id, forum.id))
    if by is None:
        return {}
    rows = [k for k, p in enumerate(own.parties) if p.name in by]
    index = np.maximum(result.choice, 0)
    d = np.arange(own.draws)
    issues = range(len(own.sizes))
    utility = np.sum([own.tables[d[:, None], rows, i, index[:, i, None]] for i in issues], axis=0)
    allowed = own.allowed_in_draws(index)[:, rows]  # conditional red lines included
    ok = accepts(utility[..., None], allowed[..., None], own.reservation[:, rows], own.tolerance[:, rows])
    return {f"forum.{track.id}.{forum.id}.ratified": result.agreed & ok[..., 0].all(axis=1)}


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
