"""What a track's verdict hinges on: the one-input changes that flip whether the track can agree.

A track can agree when some outcome passes its decision rule with every veto player accepting it
(its red lines and its reservation value or no-deal point) and some bargainer gains: the verdict
of the process kernel (:func:`multitrack.process.kernel.solve_batch`), read here unchanged on the
track's own forum, after the links from other tracks (conditional red lines, cross-track effects)
have moved it, as the process's parallel design reads it.

The inputs that can reach a track are the estimates of the track itself and of the tracks it
reads (through a conditional red line or a cross-track effect), the estimates of the actors who
sit on those tracks, and the amounts of the cross-track effects into them; nothing else. Each is
an estimate (searched over its support) or a stated number (searched around its value).

Every evaluation is vectorised: the headline at m values of an input is one solve of m x D rows
(D draws, or one central row), never a Python call per draw. A first pass evaluates the grids of
all inputs of a headline in a few batched solves; only the inputs whose headline changes side on
their grid are narrowed further by :func:`multitrack.hinges.search.crossings` (so the switching
value is exactly the one that search finds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from ..process.batch_space import build_batch_space, parties_of
from ..process.conditions import read_other_tracks
from ..process.config import ProcessConfig
from ..process.kernel import TrackDraws, solve_batch
from ..scenario.model import Scenario
from ..scenario.tracks import Track
from ..settlement.cross_track import apply_in_draws, effects_into
from ..settlement.distinct import distinct_rows as _distinct_rows
from ..settlement.distinct import take as _take
from ..settlement.draws import DrawValues, UncertainInput, _estimates, _label
from ..settlement.preferences import Preferences, issue_axis, issues_read_elsewhere
from .blocks import Blocks
from .deterrence import STATED_REACH, TAIL, SearchInput
from .results import Switch
from .search import GRID, grid_brackets, narrow, percentile_of

#: Bisection steps per side: the final bracket is at most 1/2^STEPS of a grid step (of 1/32 of the range).
STEPS = 12
#: Stated numbers narrowed per headline at most, those nearest their grid crossing first; every
#: estimate that flips a headline is narrowed. The others are counted (Search.switches).
NARROWED = 6
#: Fields of a track that are not preferences (they fix the no-deal outcome, not what anyone wants).
NOT_INPUTS = ("status_quo",)

#: Estimates beyond their range narrowed for a steady headline (what would have to change).
SHOWN = 3

#: rows of input values (rows, inputs) -> the headline in each row (rows,)
Evaluate = Callable[[np.ndarray], np.ndarray]


def reached_tracks(scenario: Scenario, track: Track) -> tuple[Track, ...]:
    """The track and every track whose result it reads: the other tracks its conditional red
    lines name and the ``from`` tracks of the cross-track effects into it (followed on), in the
    scenario's order of active tracks."""
    active = {t.id: t for t in scenario.active_tracks}
    where = {i.id: t.id for t in active.values() for i in t.issues}
    need, todo = {track.id}, [track.id]
    while todo:
        t = active[todo.pop()]
        reads = {where[i] for i in issues_read_elsewhere(t) if i in where}
        reads |= {e.from_.track for e in effects_into(scenario, t.id) if e.from_.track in active}
        for other in reads - need:
            need.add(other)
            todo.append(other)
    return tuple(t for t in active.values() if t.id in need)


def reaching_inputs(scenario: Scenario, tracks: Sequence[Track], *, process: bool = False
                    ) -> tuple[SearchInput, ...]:
    """Every estimate that can reach ``tracks`` (uncertain or stated), in file order: the tracks'
    own (their forums' member groups aside), the actors' who sit on them, the cross-track effects'
    among them, and with ``process`` the process estimates (failure penalty, trust gain)."""
    ids = {t.id for t in tracks}
    sitting = {a for t in tracks for a in t.participants}
    out = []
    for path, est, _ in _estimates(scenario, (), None):
        head = path[0]
        if head == "tracks":
            track = scenario.tracks[path[1]]
            if track.id not in ids or "forums" in path or path[-1] in NOT_INPUTS:
                continue
        elif head == "actors":
            if scenario.actors[path[1]].id not in sitting:
                continue
        elif head == "cross_track":
            effect = scenario.cross_track[path[1]]
            if effect.to.track not in ids or effect.from_.track not in ids:
                continue
        elif not (head == "process" and process):
            continue
        out.append(_input(scenario, path, est))
    return tuple(out)


#: Inputs the scenario's schema keeps at or above zero: a search never looks below it.
NON_NEGATIVE = ("salience", "weight", "capability", "cost_per_month")


def _input(scenario: Scenario, path: tuple, est) -> SearchInput:
    """The searched range: an estimate's support (its 0.1 and 99.9 percentiles where unbounded);
    a stated salience from 0, a stated threshold or ideal point over its issue's axis and as much
    again on each side, any other stated number STATED_REACH times its size (at least 1) each way."""
    key, label = ".".join(str(p) for p in path), input_label(scenario, path)
    if est.is_uncertain:
        lo, hi = est.support
        lo = lo if np.isfinite(lo) else float(est.ppf(np.array([TAIL]))[0])
        hi = hi if np.isfinite(hi) else float(est.ppf(np.array([1 - TAIL]))[0])
        return SearchInput(key, label, est, float(lo), float(hi))
    x, term = float(est.nominal), path[-1]
    reach = STATED_REACH * max(abs(x), 1.0)
    if term in NON_NEGATIVE:
        return SearchInput(key, label, est, 0.0, x + reach)
    if path[0] == "tracks" and path[2] == "issues" and ("red_lines" in path or term == "ideal"):
        axis = issue_axis(scenario.tracks[path[1]].issues[path[3]], scenario.settings)
        if np.issubdtype(np.asarray(axis).dtype, np.number):
            lo, hi = float(np.min(axis)), float(np.max(axis))
            return SearchInput(key, label, est, lo - (hi - lo), hi + (hi - lo))
    return SearchInput(key, label, est, x - reach, x + reach)


def input_label(scenario: Scenario, path: tuple) -> str:
    """The run's label for an input (``RUS salience, deployment-zone``), and for a no-deal value,
    ``RUS no-deal value, ukraine-status``."""
    if path[:1] == ("tracks",) and len(path) > 3 and path[2] == "no_deal":
        what = " ".join(str(p) for p in path[4:]).replace("_", " ")
        return f"{path[3]} no-deal {what}, {scenario.tracks[path[1]].id}"
    return _label(scenario, path)


def widened(inp: SearchInput) -> SearchInput:
    """An estimate's range widened by STATED_REACH times its width (or size) on each side: where
    to look for what it would take when nothing inside its range flips a headline."""
    reach = STATED_REACH * max(inp.high - inp.low, abs(inp.central), 1.0)
    low = inp.low - reach
    if inp.key.rsplit(".", 1)[-1] in NON_NEGATIVE:
        low = max(low, 0.0)
    return SearchInput(inp.key, inp.label, inp.estimate, low, inp.high + reach)


def solve_tracks(scenario: Scenario, tracks: Sequence[Track], values: DrawValues,
                 grid_points: int | None = None, threads: int = 1
                 ) -> tuple[dict[str, Preferences], dict[str, TrackDraws]]:
    """Each track's own forum in the draws of ``values``, solved alone, then moved by the links
    among ``tracks`` (conditional red lines, cross-track effects), as the process reads them
    (:func:`multitrack.process.chunk.track_models` on these tracks only). A track's own forum is
    built and solved once per distinct row of the inputs it reads (a search moves one input at a
    time, which most tracks do not read) and spread over the rows that share it. ``threads``:
    kernel threads per solve (the answers do not depend on them)."""
    tracks = tuple(tracks)
    solve = partial(solve_batch, threads=threads)

    def build(t: Track, v: DrawValues) -> Preferences:
        return build_batch_space(scenario, t, v, parties_of(t, None, {}), grid_points=grid_points)

    spaces: dict[str, Preferences] = {}
    solved: dict[str, TrackDraws] = {}
    for t in tracks:
        rows = _distinct_rows(scenario, t, values, grid_points)
        if rows is None:
            spaces[t.id] = build(t, values)
            solved[t.id] = solve(spaces[t.id])
        else:
            first, spread = rows
            own = build(t, DrawValues(values.inputs, values.matrix[first]))
            spaces[t.id], solved[t.id] = _take(own, spread), _take(solve(own), spread)
    read_other_tracks(scenario, tracks, values, spaces, solved, grid_points=grid_points, threads=threads)
    apply_in_draws(scenario, tracks, values, spaces, solved, solve, build)
    return spaces, solved


def track_verdict(scenario: Scenario, track: Track, inputs: tuple[SearchInput, ...],
                  threads: int = 1) -> Evaluate:
    """rows of the inputs' values -> 1.0 where the track agrees in that row, else 0.0 (solved with
    ``threads`` kernel threads)."""
    tracks = reached_tracks(scenario, track)
    grid = ProcessConfig.model_validate({}).grid_points

    def evaluate(matrix: np.ndarray) -> np.ndarray:
        _, solved = solve_tracks(scenario, tracks, as_values(inputs, matrix), grid, threads)
        return np.asarray(solved[track.id].agreed, dtype=float)

    return evaluate


class CentralRows:
    """Each track's verdict in rows that differ from the central estimates in one input at most,
    by (track, input, value): the design comparison solves every active track in the rows of its
    central searches, and a track's verdict there is the one its own search needs (a track reads
    no track outside :func:`reached_tracks`, and every input it does not read sits at its central
    value in both), so its search looks them up instead of solving them again."""

    def __init__(self) -> None:
        self.verdicts: dict[tuple[str, str, float], float] = {}

    @staticmethod
    def keys(inputs: tuple[SearchInput, ...], matrix: np.ndarray) -> list[tuple[str, float] | None]:
        """Per row: (the input moved, its value), ("", 0.0) for the central row, None where more
        than one input is off its central value."""
        centre = np.array([i.central for i in inputs], dtype=float)
        off = matrix != centre[None, :]
        out: list[tuple[str, float] | None] = []
        for r, cols in enumerate(off):
            moved = np.flatnonzero(cols)
            out.append(("", 0.0) if moved.size == 0 else
                       (inputs[int(moved[0])].key, float(matrix[r, moved[0]])) if moved.size == 1 else None)
        return out

    def record(self, inputs: tuple[SearchInput, ...], matrix: np.ndarray,
               solved: dict[str, TrackDraws]) -> None:
        for r, key in enumerate(self.keys(inputs, matrix)):
            if key is not None:
                for t, got in solved.items():
                    self.verdicts[(t, *key)] = float(got.agreed[r])

    def evaluate(self, track: str, inputs: tuple[SearchInput, ...], evaluate: Evaluate) -> Evaluate:
        """``evaluate`` (a track's verdict per row), solving only the rows not already known."""
        def known(matrix: np.ndarray) -> np.ndarray:
            keys = self.keys(inputs, matrix)
            got = [self.verdicts.get((track, *k)) if k is not None else None for k in keys]
            todo = [r for r, g in enumerate(got) if g is None]
            out = np.array([0.0 if g is None else g for g in got], dtype=float)
            if todo:
                out[todo] = evaluate(matrix[todo])
            return out
        return known


def as_values(inputs: tuple[SearchInput, ...], matrix: np.ndarray) -> DrawValues:
    """The rows of ``matrix`` (rows, inputs) as the draws every model reads (stated numbers too)."""
    return DrawValues(tuple(UncertainInput((i.key,), i.label, i.estimate) for i in inputs), matrix)


def base_rows(inputs: tuple[SearchInput, ...], values: DrawValues | None) -> np.ndarray:
    """(D, inputs): the inputs in the run's draws, or (1, inputs) at their central values."""
    if values is None:
        return np.array([[i.central for i in inputs]])
    return np.column_stack([values(i.estimate) for i in inputs]) if inputs else np.zeros((values.size, 0))


@dataclass(frozen=True)
class Search:
    """One headline's search: the per-row headline, the inputs (the columns of every row) and their
    values in every row (``base``: D draws or one central row), the threshold the headline's mean
    crosses, the inputs searched (``only``: indices, all by default) and the outcomes solved per
    row (``cost``, for the work count and the size of its blocks), and where its blocks of rows
    are solved (``blocks``: the run's executor and progress; None, in this process, silently)."""

    evaluate: Evaluate
    inputs: tuple[SearchInput, ...]
    base: np.ndarray
    threshold: float
    cost: int = 1
    only: tuple[int, ...] | None = None
    blocks: Blocks | None = None

    @property
    def searched(self) -> tuple[int, ...]:
        return tuple(range(len(self.inputs))) if self.only is None else self.only

    def measure(self, j: int) -> Callable[[np.ndarray], np.ndarray]:
        """values -> the headline with input ``j`` fixed at each value in every row."""
        d = self.base.shape[0]

        def measure(xs: np.ndarray) -> np.ndarray:
            xs = np.asarray(xs, dtype=float)
            rows = np.tile(self.base, (len(xs), 1))
            rows[:, j] = np.repeat(xs, d)
            return self.evaluate(rows).reshape(len(xs), d).mean(axis=1)

        return measure

    def now(self) -> float:
        return float(np.mean(self.evaluate(self.base.copy())))

    def work(self, inputs: int | None = None) -> int:
        """Outcomes evaluated by a full search over ``inputs`` inputs (those searched by default),
        at most."""
        n = len(self.searched) if inputs is None else inputs
        return n * (GRID + 1 + 2 * STEPS) * self.base.shape[0] * self.cost

    def flipping(self, ranges: dict[int, SearchInput]) -> dict[int, float]:
        """The inputs (indices into ``ranges``) whose headline changes side somewhere on its grid
        over the range given, from batched solves in blocks of bounded work, each with how far from
        its central value the nearest change lies (in grid steps)."""
        return _distances(self.grids(ranges), ranges, self.threshold)

    def grids(self, ranges: dict[int, SearchInput]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Each input's grid over the range given (GRID points and its central value) and the
        headline at each point, from batched solves in blocks of bounded work."""
        d = self.base.shape[0]
        rows, owner, grids = [], [], {}
        for j, r in ranges.items():
            if not r.high > r.low:
                continue
            g = np.unique(np.append(np.linspace(r.low, r.high, GRID), np.clip(r.central, r.low, r.high)))
            block = np.tile(self.base, (len(g), 1))
            block[:, j] = np.repeat(g, d)
            rows.append(block)
            owner.append(np.full(len(g), j))
            grids[j] = g
        if not rows:
            return {}
        mean = self._means(np.concatenate(rows))
        who = np.concatenate(owner)
        return {j: (g, mean[who == j]) for j, g in grids.items()}

    def _means(self, matrix: np.ndarray) -> np.ndarray:
        """The headline (mean over the base's rows) of each block of base rows in ``matrix``, the
        rows solved in blocks of bounded work (:class:`multitrack.hinges.blocks.Blocks`)."""
        d = self.base.shape[0]
        y = (self.blocks or Blocks()).run(self.evaluate, matrix, self.cost)
        return y.reshape(-1, d).mean(axis=1)

    def switches(self, ranges: dict[int, SearchInput] | None = None, *, stated: int = NARROWED,
                 estimates: int | None = None) -> tuple[list[Switch], list[str], int]:
        """Each searched input's switching values over its range (``ranges``: the inputs' own by
        default), the labels of those that do not flip the headline there, and how many flip it
        but were not narrowed (beyond the ``stated`` stated numbers, or the ``estimates``
        estimates, nearest to their grid crossing). The crossings are those
        :func:`multitrack.hinges.search.crossings` finds on the same grids, every bracket narrowed
        together (one batched solve per bisection step)."""
        ranges = {j: self.inputs[j] for j in self.searched} if ranges is None else ranges
        grids = self.grids(ranges)
        flips = _distances(grids, ranges, self.threshold)
        nearest = sorted(flips, key=lambda j: flips[j])
        kept = [j for j in nearest if self.inputs[j].stated][:stated] + \
            [j for j in nearest if not self.inputs[j].stated][:estimates]
        brackets = [b for j in ranges if j in kept for b in grid_brackets(
            j, *grids[j], float(np.clip(ranges[j].central, ranges[j].low, ranges[j].high)), self.threshold,
            ranges[j].high - ranges[j].low)]
        hits = narrow(self._many, brackets, self.threshold, STEPS)
        found, steady = [], []
        for j, r in ranges.items():
            inp = self.inputs[j]
            if j not in flips:
                steady.append(inp.label)
            for c in hits.get(j, ()):
                found.append(switch_of(inp, r, c.value, c.direction, c.beyond))
        return sorted(found, key=lambda s: s.order), steady, len(flips) - len(kept)

    def _many(self, asked: list[tuple[int, np.ndarray]]) -> list[np.ndarray]:
        """The headline with input j at each of its values, for every (j, values) asked: one
        batched solve."""
        d = self.base.shape[0]
        blocks = []
        for j, xs in asked:
            block = np.tile(self.base, (len(xs), 1))
            block[:, j] = np.repeat(xs, d)
            blocks.append(block)
        mean = self._means(np.concatenate(blocks))
        cuts = np.cumsum([len(xs) for _, xs in asked])[:-1]
        return np.split(mean, cuts)


def _distances(grids: dict[int, tuple[np.ndarray, np.ndarray]], ranges: dict[int, SearchInput],
               threshold: float) -> dict[int, float]:
    """The inputs whose headline changes side on their grid, each with how far from its central
    value the nearest change lies (in grid steps)."""
    out = {}
    for j, (g, y) in grids.items():
        s = y >= threshold
        change = np.flatnonzero(s[1:] != s[:-1])
        if change.size:
            c = int(np.searchsorted(g, np.clip(ranges[j].central, ranges[j].low, ranges[j].high)))
            out[j] = float(np.min(np.abs(change + 0.5 - c)))
    return out


def switch_of(inp: SearchInput, searched: SearchInput, value: float, direction: str, beyond: float) -> Switch:
    """A switching value with its percentile in the input's estimate (None: a stated number)."""
    if abs(value) <= (searched.high - searched.low) / (GRID - 1) / 2 ** STEPS:
        value = 0.0  # a crossing at zero, to the search's precision
    pct = None if inp.stated else percentile_of(inp.estimate.ppf, value)
    mid = None if inp.stated else percentile_of(inp.estimate.ppf, inp.central)
    return Switch(input=inp.key, label=inp.label, central=inp.central, value=value, direction=direction,
                  percentile=pct, central_percentile=mid, beyond=beyond, low=searched.low, high=searched.high)


def would_take(search: Search) -> list[Switch]:
    """For a headline no estimate flips within its range: the estimates' switching values over
    ranges widened beyond their support (what would have to change), the smallest move relative
    to the estimate's own width first. Stated numbers were searched already and are left out."""
    ranges = {j: widened(search.inputs[j]) for j in search.searched if not search.inputs[j].stated}
    found, _, _ = search.switches(ranges, estimates=SHOWN)
    own = {i.key: i for i in search.inputs}
    found = [replace(s, low=own[s.input].low, high=own[s.input].high) for s in found]
    return sorted(found, key=lambda s: abs(s.value - s.central) / max(s.high - s.low, 1e-12))
