"""What the process comparison hinges on: the one-input changes that flip the ranking of its two
leading designs (the design that gets the most tracks agreed, mean over the draws, against the
runner-up).

The designs are re-evaluated as the process analysis evaluates them (parallel, linked, a sequence,
a package of some tracks beside the rest in parallel: :mod:`multitrack.process.designs`), with the
orders and packages the process analysis chose (its pilot's easy-first order and best package are
taken as found, not searched again). The headline is the difference in tracks agreed, leader
minus runner-up: it flips when it is no longer above zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..process.chunk import stages_of
from ..process.config import ProcessConfig
from ..process.designs import bundled, linked, per_track, sequential
from ..process.result import ProcessResult
from ..scenario.model import Scenario
from .deterrence import SearchInput
from .tracks import CentralRows, Evaluate, as_values, reaching_inputs, solve_tracks

#: The leader must be ahead by more than this (tracks agreed) to lead at all.
AHEAD = 1e-9
#: Designs that are orders of the tracks (the others but parallel and linked are packages).
SEQUENCES = ("sequential", "easy-first")


def _is_sequence(design: str) -> bool:
    """An order of the tracks: the declared or easy-first sequence, or a named one in stages."""
    return design in SEQUENCES or design.startswith("sequence:")


@dataclass(frozen=True)
class Ranking:
    """The two leading designs of the process analysis and their mean tracks agreed."""

    leader: str
    runner_up: str
    lead: float
    second: float
    orders: dict[str, tuple[str, ...]]   # each of the two designs' order or package (empty: none)


def ranking(process: ProcessResult) -> Ranking | None:
    """The design with the most tracks agreed and the best design behind it (the first in the
    process's order among ties); None when every design ties."""
    designs = sorted(process.designs, key=lambda d: -d.mean_agreed.value)
    top = designs[0]
    behind = [d for d in designs if d.mean_agreed.value < top.mean_agreed.value - AHEAD]
    if not behind:
        return None
    second = behind[0]
    return Ranking(top.design, second.design, top.mean_agreed.value, second.mean_agreed.value,
                   {top.design: top.tracks, second.design: second.tracks})


def design_inputs(scenario: Scenario, rank: Ranking) -> tuple[SearchInput, ...]:
    """Every input that can reach the two designs: every active track's, the actors' on them, the
    cross-track effects', and the process estimates where a sequence is compared."""
    uses_process = any(_is_sequence(d) for d in (rank.leader, rank.runner_up))
    return reaching_inputs(scenario, tuple(scenario.active_tracks), process=uses_process)


def design_gap(scenario: Scenario, rank: Ranking, inputs: tuple[SearchInput, ...],
               seen: CentralRows | None = None, threads: int = 1) -> Evaluate:
    """rows of the inputs' values -> tracks agreed by the leader minus by the runner-up, per row;
    every track's verdict in the rows is kept in ``seen`` (for the tracks' own searches); the
    tracks solved with ``threads`` kernel threads."""
    config = ProcessConfig.model_validate({})
    tracks = tuple(scenario.active_tracks)
    ids = tuple(t.id for t in tracks)
    sits = {a for t in tracks for a in t.participants}
    actors = tuple(a.id for a in scenario.actors if a.id in sits)
    links = [(link.track, link.requires) for link in scenario.process.links]

    def agreed(name: str, spaces, solved, values) -> np.ndarray:
        parallel = per_track(spaces, solved, actors)
        order = rank.orders.get(name) or ()
        if name == "parallel":
            return parallel.agreed
        if name == "linked":
            return linked(parallel.agreed, ids, links)
        if _is_sequence(name):
            seq = sequential(stages_of(scenario, name) or list(order or ids), spaces, solved,
                             values(scenario.process.failure_penalty), values(scenario.process.trust_gain))
            return per_track(spaces, seq, actors).agreed
        design, _ = bundled(spaces, parallel, order or ids, actors, config.milp_time_limit)
        return design.agreed

    def evaluate(matrix: np.ndarray) -> np.ndarray:
        values = as_values(inputs, matrix)
        spaces, solved = solve_tracks(scenario, tracks, values, config.grid_points, threads)
        if seen is not None:
            seen.record(inputs, matrix, solved)
        lead = agreed(rank.leader, spaces, solved, values).sum(axis=1)
        second = agreed(rank.runner_up, spaces, solved, values).sum(axis=1)
        return (lead - second).astype(float)

    return evaluate
