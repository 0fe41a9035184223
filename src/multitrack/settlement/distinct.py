"""Work done once where the draws do not change it: a track's model depends only on the input
columns it reads, so draws that agree on those columns give the same model and the same
solution. A track is built and solved on one draw of each distinct combination, and the results
are spread over the draws that share it; a track none of whose inputs is uncertain is solved
once for all its draws.

Every step of building a model (:func:`multitrack.settlement.preferences.track_preferences`)
and of solving it is computed draw by draw, so the spread results are the very numbers a build
and solve over all the draws would give.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..scenario.model import Scenario
from ..scenario.tracks import Forum, Track
from .draws import DrawValues, UncertainInput
from .preferences import Party, Preferences, parties_of, track_preferences


class _Reading(DrawValues):
    """Draw values that note the columns read (``read``; None once the whole matrix, a quantile
    or a range of rows is read: then which columns matter is not known)."""

    def __init__(self, inputs: tuple[UncertainInput, ...], matrix: np.ndarray) -> None:
        super().__init__(inputs, matrix)
        self.read: set[int] | None = set()

    def _col(self, c: int) -> np.ndarray:
        if self.read is not None:
            self.read.add(c)
        return super()._col(c)

    def quantile(self, est, block: int = 0):
        self.read = None
        return super().quantile(est, block)

    @property
    def matrix(self) -> np.ndarray:
        self.read = None
        return super().matrix

    def rows(self, start: int, stop: int) -> DrawValues:
        self.read = None
        return super().rows(start, stop)

    def take(self, rows: np.ndarray) -> DrawValues:
        self.read = None
        return super().take(rows)


#: (scenario, track, forum, parties, inputs, blocks, grid points) -> the columns read, and the
#: inputs they index (kept to check that the identity of the key still names them)
_READS: dict[tuple, tuple[tuple[int, ...] | None, tuple[UncertainInput, ...]]] = {}


def columns_read(scenario: Scenario, track: Track, values: DrawValues, grid_points: int | None = None, *,
                 forum: Forum | None = None, parties: tuple[Party, ...] | None = None
                 ) -> tuple[int, ...] | None:
    """The columns of ``values`` that building ``track``'s forum (its own by default) reads (None:
    all, or not known), found once by building it on one draw."""
    parties = parties_of(track, forum, {}) if parties is None else parties
    key = (id(scenario), track.id, None if forum is None else forum.id, parties, id(values.inputs),
           values.blocks, grid_points)
    hit = _READS.get(key)
    if hit is not None and hit[1] is values.inputs:
        return hit[0]
    probe = _Reading(values.inputs, values.take(np.zeros(1, dtype=np.int64)).matrix)
    track_preferences(scenario, track, probe, parties, forum=forum, grid_points=grid_points)
    cols = None if probe.read is None else tuple(sorted(probe.read))
    if len(_READS) > 256:
        _READS.clear()
    _READS[key] = (cols, values.inputs)
    return cols


def distinct_rows(scenario: Scenario, track: Track, values: DrawValues, grid_points: int | None = None, *,
                  forum: Forum | None = None, parties: tuple[Party, ...] | None = None
                  ) -> tuple[np.ndarray, np.ndarray] | None:
    """(the first draw of each distinct combination of the columns the track's forum reads, the
    combination of each draw), or None where every draw is distinct or the columns are not known."""
    if values.size < 2:
        return None
    cols = columns_read(scenario, track, values, grid_points, forum=forum, parties=parties)
    if cols is None:
        return None
    if not cols:
        return np.zeros(1, dtype=np.int64), np.zeros(values.size, dtype=np.int64)
    read = np.column_stack([values._col(c) for c in cols])
    _, first, spread = np.unique(read, axis=0, return_index=True, return_inverse=True)
    if len(first) == values.size:
        return None
    return first, spread.ravel()


#: A model's per-draw fields (besides its red lines' thresholds).
_PER_DRAW = ("tables", "allowed", "reservation", "disagreement", "status_quo_utility", "status_quo_axis",
             "no_deal", "capability")


def take(got, rows: np.ndarray):
    """A model (:class:`Preferences`) or a result whose fields are all per-draw arrays (such as a
    track's solution) on the draws ``rows``."""
    if not isinstance(got, Preferences):
        return dataclasses.replace(got, **{f.name: np.asarray(getattr(got, f.name))[rows]
                                           for f in dataclasses.fields(got)})
    fields = {f: getattr(got, f)[rows] for f in _PER_DRAW if getattr(got, f) is not None}
    lines = tuple(dataclasses.replace(line, axis_value=line.axis_value[rows],
                                      applies=None if line.applies is None else line.applies[rows])
                  for line in got.red_lines)
    return dataclasses.replace(got, red_lines=lines, **fields)


def once_per_distinct(scenario: Scenario, track: Track, values: DrawValues, build, solve, *,
                      grid_points: int | None = None, forum: Forum | None = None,
                      parties: tuple[Party, ...] | None = None):
    """(model, solution) of a track's forum over every draw of ``values``: ``build(values)`` and
    ``solve(model)`` run on one draw of each distinct combination of the columns the forum reads,
    the results spread over the draws (all the draws at once where that saves nothing)."""
    rows = distinct_rows(scenario, track, values, grid_points, forum=forum, parties=parties)
    if rows is None:
        model = build(values)
        return model, solve(model)
    first, spread = rows
    model = build(values.take(first))
    return take(model, spread), take(solve(model), spread)
