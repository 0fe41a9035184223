"""A track's outcome space for a whole chunk of draws at once: per-issue utility tables, red-line
masks and reservation values with a leading draws axis, built by array operations over the
draws (never a Python call per draw)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.estimates import EstimateModel
from ..scenario.issues import IssueModel, OptionIssue
from ..scenario.model import Scenario
from ..scenario.positions import Position
from ..scenario.tracks import Forum, Qualified, Track, Weighted
from ..space.values import issue_axis, issue_values
from .inputs import UncertainInput

RULE_UNANIMITY, RULE_QUALIFIED, RULE_WEIGHTED = 0, 1, 2


class DrawValues:
    """Look up an estimate's draws: a column of the chunk's input matrix, or its nominal value
    repeated when it is not uncertain. ``block`` picks a group member's own columns."""

    def __init__(self, inputs: tuple[UncertainInput, ...], matrix: np.ndarray) -> None:
        self.size = matrix.shape[0]
        self.n_inputs = len(inputs)
        self.matrix = matrix
        self._column = {id(inp.estimate): k for k, inp in enumerate(inputs)}

    def __call__(self, est: EstimateModel, block: int = 0) -> np.ndarray:
        k = self._column.get(id(est))
        if k is None:
            return np.full(self.size, float(est.nominal))
        return self.matrix[:, k + block * self.n_inputs]


@dataclass(frozen=True)
class Party:
    """Someone at the table: an actor, or one member of a group taking an actor's position."""

    name: str
    like: str      # whose positions it holds
    block: int     # which block of input columns its draws come from (0: the actor's own)
    veto: bool
    group: str | None = None  # the member group it belongs to (its key in a weighted rule)


@dataclass(frozen=True, eq=False)
class BatchSpace:
    """One forum of one track over D draws (A parties, I issues, up to V values per issue)."""

    track_id: str
    forum_id: str
    parties: tuple[Party, ...]
    issue_ids: tuple[str, ...]
    labels: tuple[tuple, ...]
    tables: np.ndarray        # (D, A, I, V) salience * value; 0 beyond an issue's size
    allowed: np.ndarray       # (D, A, I, V) red lines kept; False beyond an issue's size
    sizes: np.ndarray         # (I,) values per issue
    reservation: np.ndarray   # (D, A) raw points
    sq_utility: np.ndarray    # (D, A) raw points of no deal: the status quo, else the disagreement point
    veto: np.ndarray          # (A,) bool
    rule: int
    min_count: int
    weights: np.ndarray       # (A,)
    threshold: float

    @property
    def draws(self) -> int:
        return self.tables.shape[0]

    @property
    def u_min(self) -> np.ndarray:
        return _padded_extreme(self.tables, self.sizes, np.min)

    @property
    def u_max(self) -> np.ndarray:
        return _padded_extreme(self.tables, self.sizes, np.max)

    @property
    def n_outcomes(self) -> int:
        return int(np.prod(self.sizes, dtype=np.int64))

    def raised(self, shift: np.ndarray) -> "BatchSpace":
        """The same space with reservation values raised by ``shift`` (D, A)."""
        from dataclasses import replace
        return replace(self, reservation=self.reservation + shift)


def _padded_extreme(tables: np.ndarray, sizes: np.ndarray, fn) -> np.ndarray:
    return np.sum([fn(tables[:, :, i, :n], axis=2) for i, n in enumerate(sizes)], axis=0)


def parties_of(track: Track, forum: Forum | None,
               blocks: dict[tuple[str, str, str, int], int]) -> tuple[Party, ...]:
    """The parties of the track's own forum (``forum`` None) or of an alternative forum;
    ``blocks`` gives each group member's block of input columns, by (track, forum, group, member)."""
    if forum is None:
        vetoes = set(track.vetoes)
        return tuple(Party(a, a, 0, a in vetoes) for a in track.participants)
    vetoes = set(forum.vetoes)
    out = [Party(a, a, 0, a in vetoes) for a in forum.participants]
    for g in forum.member_groups:
        for m in range(g.count):
            out.append(Party(f"{g.id}-{m + 1}", g.like, blocks[(track.id, forum.id, g.id, m)], g.veto, g.id))
    return tuple(out)


def build_batch_space(scenario: Scenario, track: Track, values: DrawValues, parties: tuple[Party, ...], *,
                      forum: Forum | None = None, grid_points: int | None = None) -> BatchSpace:
    """Arrays of one forum of ``track`` for every draw in ``values``."""
    d, a_n = values.size, len(parties)
    axes = [issue_axis(i, scenario.settings, grid_points) for i in track.issues]
    sizes = np.array([len(x) for x in axes], dtype=np.int64)
    v_max = int(sizes.max())
    tables = np.zeros((d, a_n, len(axes), v_max))
    allowed = np.zeros((d, a_n, len(axes), v_max), dtype=bool)
    sq_utility = np.zeros((d, a_n))
    has_sq = track.has_status_quo
    for i, (issue, axis) in enumerate(zip(track.issues, axes)):
        allowed[:, :, i, :len(axis)] = True
        sq_x = _status_quo_axis(issue, values) if has_sq else None
        for a, party in enumerate(parties):
            pos = issue.positions.get(party.like)
            if pos is None:
                continue
            def val(est, _b=party.block):
                return values(est, _b)
            weight = val(pos.salience)[:, None]
            tables[:, a, i, :len(axis)] = weight * batch_issue_value(issue, pos, axis[None, :], val)
            allowed[:, a, i, :len(axis)] = batch_allowed(issue, pos, axis, val)
            if sq_x is not None:
                sq_utility[:, a] += weight[:, 0] * batch_issue_value(issue, pos, sq_x[:, None], val)[:, 0]
    # without a status quo a party's reservation value defaults to its worst outcome, as in
    # multitrack.space.build_track_space, and no deal means that disagreement point
    reservation = sq_utility.copy() if has_sq else _padded_extreme(tables, sizes, np.min)
    for a, party in enumerate(parties):
        est = track.reservation_values.get(party.like)
        if est is not None:
            reservation[:, a] = values(est, party.block)
    if not has_sq:
        sq_utility = reservation.copy()
    rule_model = track.decision_rule if forum is None else forum.decision_rule
    rule, min_count, weights, threshold = _rule(rule_model, parties)
    return BatchSpace(
        track_id=track.id, forum_id="as-modelled" if forum is None else forum.id, parties=parties,
        issue_ids=tuple(i.id for i in track.issues),
        labels=tuple(tuple(issue_values(i, scenario.settings, grid_points)) for i in track.issues),
        tables=tables, allowed=allowed, sizes=sizes, reservation=reservation, sq_utility=sq_utility,
        veto=np.array([p.veto for p in parties]), rule=rule, min_count=min_count, weights=weights,
        threshold=threshold)


def _rule(rule, parties: tuple[Party, ...]) -> tuple[int, int, np.ndarray, float]:
    if isinstance(rule, Qualified):
        return RULE_QUALIFIED, rule.min_participants, np.ones(len(parties)), 0.0
    if isinstance(rule, Weighted):  # each member of a group carries the group's weight
        w = np.array([rule.weights.get(p.name if p.group is None else p.group, 0.0) for p in parties])
        return RULE_WEIGHTED, 0, w, float(rule.threshold)
    return RULE_UNANIMITY, 0, np.zeros(len(parties)), 0.0


def _status_quo_axis(issue: IssueModel, values: DrawValues) -> np.ndarray:
    sq = issue.status_quo  # type: ignore[attr-defined]
    if isinstance(sq, str):
        return np.full(values.size, float(issue.options.index(sq)))  # type: ignore[attr-defined]
    return values(sq)


def _span(issue: IssueModel) -> tuple[float, float]:
    if isinstance(issue, OptionIssue):
        return 0.0, float(len(issue.options) - 1)
    return float(issue.low), float(issue.high)  # type: ignore[attr-defined]


def batch_issue_value(issue: IssueModel, pos: Position, x: np.ndarray, val) -> np.ndarray:
    """``v(x)`` per draw: ``x`` is (1, m) (the same points in every draw) or (D, 1); the result
    is (D, m). Mirrors :func:`multitrack.space.utility.issue_value` with draws in the rows."""
    lo, hi = _span(issue)
    shape = pos.shape
    if shape == "values":
        table = np.column_stack([val(pos.values[o]) for o in issue.options])  # type: ignore[union-attr,attr-defined]
        ranks = np.rint(x).astype(int)
        return np.take_along_axis(table, np.broadcast_to(ranks, (table.shape[0], ranks.shape[1])), axis=1)
    if shape == "monotone":
        t = (x - lo) / (hi - lo)
        t = t if pos.monotone.value == "increasing" else 1.0 - t  # type: ignore[union-attr]
        return _rows(t, val, pos)
    if shape == "ideal":
        ideal = pos.ideal
        centre = (np.full(_draws(val, pos), float(issue.options.index(ideal)))  # type: ignore[attr-defined]
                  if isinstance(ideal, str) else val(ideal))[:, None]
        reach = np.maximum(centre - lo, hi - centre)
        d = np.abs(x - centre) / np.where(reach > 0, reach, 1.0)
        return 1.0 - d if pos.loss.value == "linear" else 1.0 - d * d
    xs = np.array([p[0] for p in pos.points], dtype=float)  # type: ignore[union-attr]
    ys = np.column_stack([val(p[1]) for p in pos.points])  # type: ignore[union-attr]
    return _interp_rows(np.broadcast_to(x, (ys.shape[0], x.shape[1])), xs, ys)


def _draws(val, pos: Position) -> int:
    return len(val(pos.salience))


def _rows(t: np.ndarray, val, pos: Position) -> np.ndarray:
    return np.broadcast_to(t, (_draws(val, pos), t.shape[1])) if t.shape[0] == 1 else t


def _interp_rows(x: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation with its own y values per row, flat beyond the ends."""
    j = np.clip(np.searchsorted(xs, x, side="right") - 1, 0, len(xs) - 2)
    f = np.clip((x - xs[j]) / (xs[j + 1] - xs[j]), 0.0, 1.0)
    y0 = np.take_along_axis(ys, j, axis=1)
    y1 = np.take_along_axis(ys, j + 1, axis=1)
    return y0 + f * (y1 - y0)


def batch_allowed(issue: IssueModel, pos: Position, axis: np.ndarray, val) -> np.ndarray:
    """(D, n_values): values that break none of the position's red lines, per draw."""
    ok = np.ones((_draws(val, pos), len(axis)), dtype=bool)
    for line in pos.red_lines:
        t = line.threshold
        t = (np.full(ok.shape[0], float(issue.options.index(t)))  # type: ignore[attr-defined]
             if isinstance(t, str) else val(t))[:, None]
        if line.relation == "below":
            ok &= axis[None, :] >= t
        elif line.relation == "above":
            ok &= axis[None, :] <= t
        else:
            ok &= ~np.isclose(axis[None, :], t)
    return ok
