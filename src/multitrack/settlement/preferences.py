"""The preference model: what each party at a track's table makes of every outcome, and whether
it accepts it. One code path for the central values and for a block of Monte Carlo draws.

A party's raw utility of an outcome is additive over the issues it holds a position on,
``U(x) = sum_i salience_i * v_i(x_i)`` (multi-attribute value theory: Keeney and Raiffa 1976,
Decisions with Multiple Objectives, Wiley, ch. 3). ``v_i`` is the value table as written, the
piecewise-linear curve through the given points, or, for an ideal point or a monotone
preference, a value in [0, 1] (1 at the ideal, 0 at the farthest end of the range). A party
accepts an outcome that breaks none of its red lines and is worth at least its reservation
value; the forum's decision rule (every veto player, and a qualified number of participants or
a weighted vote where the rule asks for one) says whether the accepting parties carry it.

Every estimate is read through :class:`~multitrack.settlement.draws.DrawValues`, so every array
has a leading draws axis D: ``DrawValues.central`` (D = 1) gives the central values that the
exact agreement-space engine reads (:class:`multitrack.space.TrackSpace`), a chunk's draws what
the process Monte Carlo reads. The work is one Python step per (issue, party), each an array
operation over all draws and values at once: never a Python call per draw or per outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from ..scenario.issues import ContinuousIssue, IssueModel, NumericIssue, OptionIssue
from ..scenario.model import Scenario, Settings
from ..scenario.positions import Position, RedLineCondition
from ..scenario.tracks import Forum, Qualified, Track, Weighted
from .disagreement import disagreement_points
from .draws import DrawValues
from .membership import own_capability

RULE_UNANIMITY, RULE_QUALIFIED, RULE_WEIGHTED = 0, 1, 2
RULE_KINDS = ("unanimity", "qualified", "weighted")  # by rule code


# --------------------------------------------------------------------------- who sits, what rule


@dataclass(frozen=True)
class Party:
    """Someone at the table: an actor, or one member of a group taking an actor's position."""

    name: str
    like: str         # whose positions it holds
    block: int = 0    # which block of draw columns its values come from (0: the actor's own)
    veto: bool = False
    group: str | None = None  # the member group it belongs to (its key in a weighted rule)


@dataclass(frozen=True)
class DecisionRuleArrays:
    """A forum's decision rule over party indices; ``vetoes`` in the order the scenario lists them."""

    kind: str  # unanimity | qualified | weighted
    vetoes: tuple[int, ...]
    min_participants: int = 0
    weights: np.ndarray | None = None
    threshold: float = 0.0

    @property
    def code(self) -> int:
        """The rule as the compiled process kernel reads it (``RULE_*``)."""
        return RULE_KINDS.index(self.kind)


def parties_of(track: Track, forum: Forum | None,
               blocks: dict[tuple[str, str, str, int], int]) -> tuple[Party, ...]:
    """The parties of the track's own forum (``forum`` None) or of an alternative forum;
    ``blocks`` gives each group member's block of draw columns, by (track, forum, group, member)."""
    if forum is None:
        vetoes = set(track.vetoes)
        return tuple(Party(a, a, 0, a in vetoes) for a in track.participants)
    vetoes = set(forum.vetoes)
    out = [Party(a, a, 0, a in vetoes) for a in forum.participants]
    for g in forum.member_groups:
        for m in range(g.count):
            out.append(Party(f"{g.id}-{m + 1}", g.like, blocks[(track.id, forum.id, g.id, m)], g.veto, g.id))
    return tuple(out)


def decision_rule(track: Track, forum: Forum | None, parties: tuple[Party, ...]) -> DecisionRuleArrays:
    """The rule of the track's own forum or of ``forum`` over ``parties``: the veto players as the
    scenario lists them, then the members of groups that hold a veto; under a weighted rule each
    member of a group carries the group's weight."""
    names = [p.name for p in parties]
    listed = track.vetoes if forum is None else forum.vetoes
    vetoes = [names.index(a) for a in listed] + [k for k, p in enumerate(parties) if p.veto and p.group]
    rule = track.decision_rule if forum is None else forum.decision_rule
    if isinstance(rule, Qualified):
        return DecisionRuleArrays("qualified", tuple(vetoes), min_participants=rule.min_participants)
    if isinstance(rule, Weighted):
        w = np.array([rule.weights.get(p.name if p.group is None else p.group, 0.0) for p in parties])
        return DecisionRuleArrays("weighted", tuple(vetoes), weights=w, threshold=float(rule.threshold))
    return DecisionRuleArrays("unanimity", tuple(vetoes))


# --------------------------------------------------------------------------- one issue, one party


def issue_values(issue: IssueModel, settings: Settings, grid_points: int | None = None) -> list:
    """The values an issue can take in an analysis: its options, every integer, or the continuous
    grid (``grid_points`` when the caller sets it, else the issue's own, else the scenario's)."""
    if grid_points is not None and isinstance(issue, ContinuousIssue):
        return issue.grid(grid_points)
    return issue.values_on_grid(settings.grid_points)


def issue_axis(issue: IssueModel, settings: Settings, grid_points: int | None = None) -> np.ndarray:
    """The issue's values as numbers: option ranks (0, 1, ...) or the numeric values."""
    if isinstance(issue, OptionIssue):
        return np.arange(len(issue.options), dtype=float)
    return np.asarray(issue_values(issue, settings, grid_points), dtype=float)


def on_axis(issue: IssueModel, value, values: DrawValues, block: int = 0) -> np.ndarray:
    """(D,) an option name (its rank) or an estimate (its value in each draw) on the issue's axis."""
    if isinstance(value, str):
        assert isinstance(issue, OptionIssue)
        return np.full(values.size, float(issue.options.index(value)))
    return values(value, block)


def _span(issue: IssueModel) -> tuple[float, float]:
    if isinstance(issue, OptionIssue):
        return 0.0, float(len(issue.options) - 1)
    assert isinstance(issue, NumericIssue)
    return float(issue.low), float(issue.high)


def value_curve(issue: IssueModel, pos: Position, x, values: DrawValues, block: int = 0) -> np.ndarray:
    """``v(x)`` in every draw, (D, m): ``x`` (m,) or (1, m) are the same points in every draw,
    (D, m) or (D, 1) points of their own per draw (option ranks or numbers on the axis)."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    d_n = values.size
    lo, hi = _span(issue)
    shape = pos.shape
    if shape == "values":
        assert isinstance(issue, OptionIssue) and pos.values is not None
        table = np.column_stack([values(pos.values[o], block) for o in issue.options])
        ranks = np.broadcast_to(np.rint(x).astype(int), (d_n, x.shape[1]))
        return np.take_along_axis(table, ranks, axis=1)
    if shape == "monotone":
        t = (x - lo) / (hi - lo)
        assert pos.monotone is not None
        t = t if pos.monotone.value == "increasing" else 1.0 - t
        return np.broadcast_to(t, (d_n, x.shape[1]))
    if shape == "ideal":
        centre = on_axis(issue, pos.ideal, values, block)[:, None]
        reach = np.maximum(centre - lo, hi - centre)
        d = np.abs(x - centre) / np.where(reach > 0, reach, 1.0)
        return 1.0 - d if pos.loss.value == "linear" else 1.0 - d * d
    assert pos.points is not None
    xs = np.array([p[0] for p in pos.points], dtype=float)
    ys = np.column_stack([values(p[1], block) for p in pos.points])
    return interp_rows(np.broadcast_to(x, (d_n, x.shape[1])), xs, ys)


def ideal_point(issue: IssueModel, pos: Position, values: DrawValues, block: int = 0) -> np.ndarray:
    """(D,) where the position's value function peaks, on the issue's axis: the ideal point, the
    end a monotone preference points to, the best of the curve's points (the first of equals),
    or the rank of the best option of a value table."""
    shape = pos.shape
    if shape == "ideal":
        return on_axis(issue, pos.ideal, values, block)
    lo, hi = _span(issue)
    if shape == "monotone":
        assert pos.monotone is not None
        return np.full(values.size, hi if pos.monotone.value == "increasing" else lo)
    if shape == "values":
        assert isinstance(issue, OptionIssue) and pos.values is not None
        table = np.column_stack([values(pos.values[o], block) for o in issue.options])
        return np.argmax(table, axis=1).astype(float)
    assert pos.points is not None
    xs = np.array([p[0] for p in pos.points], dtype=float)
    ys = np.column_stack([values(p[1], block) for p in pos.points])
    return xs[np.argmax(ys, axis=1)]


def interp_rows(x: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation through ``(xs, ys[d])`` for each row ``d`` of ``x`` (D, m),
    flat beyond the ends, in the same arithmetic as ``np.interp`` (slope times offset from the
    left point; a point hit exactly gives its own value), so one row equals ``np.interp``."""
    n = len(xs)
    j = np.searchsorted(xs, x, side="right") - 1  # xs[j] <= x < xs[j + 1]
    k = np.clip(j, 0, n - 2)
    x0 = xs[k]
    y0 = np.take_along_axis(ys, k, axis=1)
    y1 = np.take_along_axis(ys, k + 1, axis=1)
    out = (y1 - y0) / (xs[k + 1] - x0) * (x - x0) + y0
    out = np.where(x == x0, y0, out)
    out = np.where(j < 0, ys[:, :1], out)
    return np.where(j >= n - 1, ys[:, -1:], out)


def line_mask(relation: str, axis: np.ndarray, threshold) -> np.ndarray:
    """Values on ``axis`` that a red line (``equals``, ``below`` or ``above`` ``threshold``)
    leaves allowed; broadcasts (``axis`` (1, V) against ``threshold`` (D, 1) gives (D, V))."""
    if relation == "below":
        return axis >= threshold
    if relation == "above":
        return axis <= threshold
    return ~np.isclose(axis, threshold)


def condition_mask(cond: RedLineCondition, issue: IssueModel, x: np.ndarray) -> np.ndarray:
    """Where a red line's condition holds, for values ``x`` on ``issue``'s axis (option ranks or
    numbers, any shape; NaN never holds): at the values ``in`` names, or strictly ``below`` or
    ``above`` the value it gives."""
    x = np.asarray(x, dtype=float)

    def rank(v) -> float:
        return float(issue.options.index(v)) if isinstance(v, str) else float(v)  # type: ignore[attr-defined]

    if cond.in_ is not None:
        out = np.zeros(x.shape, dtype=bool)
        for v in cond.in_:
            out |= np.isclose(x, rank(v), rtol=0.0, atol=1e-9 * max(1.0, abs(rank(v))))
        return out
    if cond.below is not None:
        return x < rank(cond.below)
    return x > rank(cond.above)


@dataclass(frozen=True, eq=False)
class RedLine:
    """One red line of one party on one issue, with its threshold on the axis in every draw.

    A conditional red line on an issue of the same track (``when_issue`` >= 0) is a joint
    constraint on two issues: it forbids the values its ``mask`` forbids only in outcomes whose
    value on issue ``when_issue`` is one where ``when_holds`` (over that issue's values) is True;
    it is kept out of the per-issue ``allowed`` array and checked outcome by outcome. One whose
    condition is on another track's issue is settled per draw by that track's outcome
    (``applies`` (D,): whether the condition holds in each draw) and then acts as a plain red
    line in the draws where it holds."""

    issue: int
    party: int
    number: int              # its place in the party's red lines on that issue
    relation: str            # equals | below | above
    threshold: object        # the option name or the estimate, as written
    axis_value: np.ndarray   # (D,) the threshold on the issue's axis
    condition: RedLineCondition | None = None
    when_issue: int = -1     # the condition's issue in this track (-1: none, or another track's)
    when_holds: np.ndarray | None = None  # (n values of when_issue,) where the condition holds
    applies: np.ndarray | None = None     # (D,) a condition on another track: whether it holds

    @property
    def joint(self) -> bool:
        """Whether it ties two issues of the track (a condition on another issue of the track)."""
        return self.when_issue >= 0

    def mask(self, axis: np.ndarray) -> np.ndarray:
        """(D, n_values) the values on ``axis`` this line leaves allowed, per draw (for a joint line:
        the values it leaves allowed where its condition holds)."""
        ok = line_mask(self.relation, np.asarray(axis, dtype=float)[None, :], self.axis_value[:, None])
        return ok if self.applies is None else ok | ~self.applies[:, None]


def red_lines_of(issue: IssueModel, pos: Position, values: DrawValues, block: int = 0, *,
                 issue_index: int = 0, party: int = 0, track_issues: Sequence[IssueModel] = (),
                 settings: Settings | None = None, grid_points: int | None = None,
                 elsewhere: Mapping[str, tuple[IssueModel, np.ndarray]] | None = None
                 ) -> tuple[RedLine, ...]:
    """The position's red lines with their thresholds in every draw. A condition on an issue of
    ``track_issues`` makes a joint line over that issue's values (on the grid of ``settings``
    and ``grid_points``); a condition on another issue is read from ``elsewhere`` (issue id ->
    the issue and its value on its axis in each draw (D,), NaN where its track agreed nothing:
    read at the issue's status quo); where the issue is missing there the condition does not
    hold (:func:`track_preferences` fills in every issue its red lines name)."""
    ids = [i.id for i in track_issues]
    out = []
    for k, line in enumerate(pos.red_lines):
        at = on_axis(issue, line.threshold, values, block)
        cond = line.when
        if cond is None:
            out.append(RedLine(issue_index, party, k, line.relation, line.threshold, at))
        elif cond.issue in ids:
            j = ids.index(cond.issue)
            other = track_issues[j]
            axis = issue_axis(other, settings or Settings.model_validate({}), grid_points)
            out.append(RedLine(issue_index, party, k, line.relation, line.threshold, at, cond, j,
                               condition_mask(cond, other, axis)))
        else:
            out.append(RedLine(issue_index, party, k, line.relation, line.threshold, at, cond,
                               applies=_holds_elsewhere(cond, values, elsewhere or {})))
    return tuple(out)


def _holds_elsewhere(cond: RedLineCondition, values: DrawValues,
                     elsewhere: Mapping[str, tuple[IssueModel, np.ndarray]]) -> np.ndarray:
    """(D,) whether a condition on another track's issue holds in each draw; where that track
    agreed nothing (NaN) its issue stays at its status quo."""
    if cond.issue not in elsewhere:
        return np.zeros(values.size, dtype=bool)
    other, x = elsewhere[cond.issue]
    x = np.broadcast_to(np.asarray(x, dtype=float), (values.size,))
    sq = getattr(other, "status_quo", None)
    if sq is not None:
        x = np.where(np.isnan(x), on_axis(other, sq, values), x)
    return condition_mask(cond, other, x)


def joint_line_ok(line: RedLine, allowed: np.ndarray, index: np.ndarray) -> np.ndarray:
    """(..., m) whether outcomes (value indices (m, I)) keep a joint red line whose own issue's
    allowed values are ``allowed`` (..., n values): not (condition holds and value forbidden)."""
    assert line.when_holds is not None
    holds = line.when_holds[index[:, line.when_issue]]
    return ~holds | allowed[..., index[:, line.issue]]


def allowed_on(issue: IssueModel, red_lines, axis: np.ndarray, values: DrawValues | None = None,
               block: int = 0) -> np.ndarray:
    """(D, n_values): values on ``axis`` that break none of ``red_lines`` (scenario red lines),
    with the thresholds of each draw (central values by default). Conditional red lines are
    left out: whether they apply depends on another issue."""
    values = DrawValues.central() if values is None else values
    axis = np.asarray(axis, dtype=float)
    ok = np.ones((values.size, len(axis)), dtype=bool)
    for line in red_lines:
        if getattr(line, "when", None) is not None:
            continue
        ok &= line_mask(line.relation, axis[None, :], on_axis(issue, line.threshold, values, block)[:, None])
    return ok


# --------------------------------------------------------------------------- a whole track


@dataclass(frozen=True, eq=False)
class Preferences:
    """One forum of one track over D draws: A parties, I issues, up to V values per issue.

    ``tables`` (D, A, I, V) salience x value, 0 beyond an issue's size; ``allowed`` (D, A, I, V)
    red lines kept, False beyond an issue's size; ``reservation`` (D, A) the least utility each
    party accepts; ``disagreement`` (D, A) what it gets if the track fails (the disagreement
    point gains are measured from); ``no_deal`` (D, A) the no-deal values the track states, NaN
    where none (None: none at all); ``status_quo_utility`` (D, A) the utility of the status quo
    (None: the track has none); ``status_quo_axis`` (D, I) the status quo on each issue's axis."""

    track_id: str
    forum_id: str
    parties: tuple[Party, ...]
    issue_ids: tuple[str, ...]
    labels: tuple[tuple, ...]
    tables: np.ndarray
    allowed: np.ndarray
    sizes: np.ndarray          # (I,) values per issue
    reservation: np.ndarray
    disagreement: np.ndarray
    rule: DecisionRuleArrays
    axes: tuple[np.ndarray, ...] = ()
    red_lines: tuple[RedLine, ...] = ()
    status_quo_utility: np.ndarray | None = None
    status_quo_axis: np.ndarray | None = None
    no_deal: np.ndarray | None = None
    capability: np.ndarray | None = None   # (D, A)

    @classmethod
    def from_arrays(cls, tables, allowed=None, sizes=None, reservation=None, *, disagreement=None,
                    parties: Sequence[Party] | None = None, rule: DecisionRuleArrays | None = None,
                    track_id: str = "t") -> Preferences:
        """A model straight from padded arrays (D, A, I, V), for tests and hand-built cases:
        ``sizes`` (I,) default V each; ``parties`` default ``a0, a1, ...`` each holding a veto;
        ``rule`` default unanimity of the parties that hold a veto; reservation values default 0,
        the disagreement point to the reservation values."""
        tables = np.asarray(tables, dtype=float)
        d_n, a_n, i_n, v_n = tables.shape
        allowed = np.ones(tables.shape, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
        sizes = np.full(i_n, v_n, dtype=np.int64) if sizes is None else np.asarray(sizes, dtype=np.int64)
        parties = tuple(parties) if parties is not None else tuple(Party(f"a{j}", f"a{j}", 0, True)
                                                                    for j in range(a_n))
        rule = rule or DecisionRuleArrays("unanimity", tuple(k for k, p in enumerate(parties) if p.veto))
        r = np.zeros((d_n, a_n)) if reservation is None else np.asarray(reservation, dtype=float)
        return cls(track_id, track_id, parties, tuple(f"{track_id}i{j}" for j in range(i_n)),
                   tuple(tuple(range(int(n))) for n in sizes), tables, allowed, sizes, r,
                   r.copy() if disagreement is None else np.asarray(disagreement, dtype=float), rule,
                   axes=tuple(np.arange(int(n), dtype=float) for n in sizes))

    @property
    def draws(self) -> int:
        return self.tables.shape[0]

    @property
    def n_parties(self) -> int:
        return len(self.parties)

    @property
    def n_outcomes(self) -> int:
        return int(np.prod(self.sizes, dtype=np.int64))

    @property
    def has_status_quo(self) -> bool:
        return self.status_quo_utility is not None

    @property
    def veto(self) -> np.ndarray:
        """(A,) bool: who holds a veto."""
        out = np.zeros(self.n_parties, dtype=bool)
        out[list(self.rule.vetoes)] = True
        return out

    @property
    def bargainers(self) -> tuple[int, ...]:
        """Whose utilities span the frontier: the veto players, or everyone if none holds a veto."""
        return self.rule.vetoes or tuple(range(self.n_parties))

    # The bounds below are computed once per model and kept (the arrays are never changed in
    # place: a changed model is a new one, made by ``replace``, which starts without them).

    @cached_property
    def u_min(self) -> np.ndarray:
        """(D, A) each party's lowest utility over the track (additive: the sum of issue minima)."""
        return _frozen(_extreme(self.tables, self.sizes, np.min))

    @cached_property
    def u_max(self) -> np.ndarray:
        return _frozen(_extreme(self.tables, self.sizes, np.max))

    @cached_property
    def tolerance(self) -> np.ndarray:
        """(D, A) slack for comparing sums of floats with a reservation value."""
        return _frozen(tolerance(self.u_min, self.u_max))

    def raised(self, shift: np.ndarray) -> Preferences:
        """The same model with reservation values raised by ``shift`` (D, A)."""
        return replace(self, reservation=self.reservation + shift)

    def utilities(self, index: np.ndarray) -> np.ndarray:
        """(D, A, m) raw utilities of outcomes given as value indices (m, I)."""
        index = np.atleast_2d(index)
        return np.sum([self.tables[:, :, i, index[:, i]] for i in range(len(self.sizes))], axis=0)

    @property
    def joint_lines(self) -> tuple[RedLine, ...]:
        """The red lines conditional on another issue of the track: joint constraints on two issues."""
        return tuple(line for line in self.red_lines if line.joint)

    def allowed_of(self, index: np.ndarray) -> np.ndarray:
        """(D, A, m) whether each party's red lines allow outcomes given as value indices (m, I)."""
        index = np.atleast_2d(index)
        ok = np.logical_and.reduce([self.allowed[:, :, i, index[:, i]] for i in range(len(self.sizes))])
        for line in self.joint_lines:
            ok[:, line.party, :] &= joint_line_ok(line, line.mask(self.axes[line.issue]), index)
        return ok

    def accepts(self, index: np.ndarray) -> np.ndarray:
        """(D, A, m) who accepts outcomes given as value indices (m, I)."""
        return accepts(self.utilities(index), self.allowed_of(index), self.reservation, self.tolerance)

    def allowed_in_draws(self, index: np.ndarray) -> np.ndarray:
        """(D, A) whether each party's red lines allow the outcome of each draw, given as value
        indices (D, I) (one outcome per draw, e.g. each draw's compromise)."""
        d = np.arange(self.draws)[:, None]
        ok = np.logical_and.reduce([self.allowed[d, np.arange(self.n_parties)[None, :], i, index[:, i, None]]
                                    for i in range(len(self.sizes))])
        for line in self.joint_lines:
            own = line.mask(self.axes[line.issue])[np.arange(self.draws), index[:, line.issue]]
            assert line.when_holds is not None
            ok[:, line.party] &= ~line.when_holds[index[:, line.when_issue]] | own
        return ok

    def passes(self, index: np.ndarray) -> np.ndarray:
        """(D, m) whether the decision rule carries outcomes given as value indices (m, I)."""
        return rule_passes(self.rule, self.accepts(index))


def _frozen(a: np.ndarray) -> np.ndarray:
    """``a`` made read-only: a kept bound that a caller changed in place would be wrong ever after."""
    a.setflags(write=False)
    return a


def _extreme(tables: np.ndarray, sizes: np.ndarray, fn) -> np.ndarray:
    return np.sum([fn(tables[:, :, i, :n], axis=2) for i, n in enumerate(sizes)], axis=0)


def tolerance(u_min: np.ndarray, u_max: np.ndarray) -> np.ndarray:
    """Per-party slack for comparing sums of floats with a reservation value: 1e-9 of the larger
    of its utility magnitudes (at least 1e-9)."""
    return 1e-9 * np.maximum(np.maximum(np.abs(u_max), np.abs(u_min)), 1.0)


def accepts(utility: np.ndarray, allowed: np.ndarray, reservation: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """(..., A, m): no red line broken and at least the reservation value (``reservation`` and
    ``tol`` (..., A))."""
    return allowed & (utility >= (reservation - tol)[..., None])


def rule_passes(rule: DecisionRuleArrays, accepted: np.ndarray) -> np.ndarray:
    """(..., m): every veto player accepts, and the qualified number or the weighted vote is
    reached (``accepted``: (..., A, m))."""
    vetoes = list(rule.vetoes)
    ok = np.all(accepted[..., vetoes, :], axis=-2) if vetoes else np.ones(np.delete(accepted.shape, -2), bool)
    if rule.kind == "qualified":
        ok &= accepted.sum(axis=-2) >= rule.min_participants
    elif rule.kind == "weighted":
        assert rule.weights is not None
        ok &= rule.weights @ accepted >= rule.threshold - 1e-12
    return ok


def track_preferences(scenario: Scenario, track: Track, values: DrawValues | None = None,
                      parties: tuple[Party, ...] | None = None, *, forum: Forum | None = None,
                      grid_points: int | None = None,
                      elsewhere: Mapping[str, tuple[IssueModel, np.ndarray]] | None = None) -> Preferences:
    """The preference model of one forum of ``track`` (its own by default) in every draw of
    ``values`` (the central values by default).

    Reservation values: the track's ``reservation_values``, else the no-deal value the track
    states (:func:`multitrack.settlement.disagreement.disagreement_points`), else the utility of
    the status quo, else (a track without a status quo) the party's lowest utility, so that it
    accepts whatever its red lines allow. The disagreement point: the no-deal value the track
    states, else the status quo, else (a track without one) the reservation value.

    Red lines conditional on another issue of the track are joint constraints
    (:attr:`Preferences.joint_lines`), kept out of ``allowed``; those conditional on another
    track's issue are settled per draw by ``elsewhere`` (issue id -> the issue and its agreed
    value on its axis (D,)), at the issue's status quo where it is missing there."""
    values = DrawValues.central(scenario) if values is None else values
    elsewhere = _status_quo_elsewhere(scenario, track, values, elsewhere)
    parties = parties_of(track, forum, {}) if parties is None else parties
    axes = tuple(issue_axis(i, scenario.settings, grid_points) for i in track.issues)
    sizes = np.array([len(x) for x in axes], dtype=np.int64)
    d_n, a_n, i_n = values.size, len(parties), len(axes)
    tables = np.zeros((d_n, a_n, i_n, int(sizes.max())))
    allowed = np.zeros(tables.shape, dtype=bool)
    has_sq = track.has_status_quo
    sq_axis = np.full((d_n, i_n), np.nan)
    sq_utility = np.zeros((d_n, a_n))
    lines: list[RedLine] = []
    for i, (issue, axis) in enumerate(zip(track.issues, axes, strict=True)):
        n = len(axis)
        allowed[:, :, i, :n] = True
        if has_sq:
            sq_axis[:, i] = on_axis(issue, issue.status_quo, values)
        for a, party in enumerate(parties):
            pos = issue.positions.get(party.like)
            if pos is None:
                continue
            weight = values(pos.salience, party.block)[:, None]
            tables[:, a, i, :n] = weight * value_curve(issue, pos, axis[None, :], values, party.block)
            for line in red_lines_of(issue, pos, values, party.block, issue_index=i, party=a,
                                     track_issues=track.issues, settings=scenario.settings,
                                     grid_points=grid_points, elsewhere=elsewhere):
                if not line.joint:
                    allowed[:, a, i, :n] &= line.mask(axis)
                lines.append(line)
            if has_sq:
                sq_utility[:, a] += weight[:, 0] * value_curve(issue, pos, sq_axis[:, i:i + 1], values,
                                                               party.block)[:, 0]
    reservation, disagreement, no_deal = _no_deal_points(track, parties, values, tables, sizes,
                                                         sq_utility if has_sq else None)
    labels = tuple(tuple(issue_values(i, scenario.settings, grid_points)) for i in track.issues)
    # a grouping's weight counts only what its members at this table do not bring (membership)
    capability = own_capability(scenario, [p.like for p in parties], np.column_stack(
        [values(scenario.actor(p.like).capability, p.block) for p in parties]))
    return Preferences(
        track_id=track.id, forum_id="as-modelled" if forum is None else forum.id, parties=parties,
        issue_ids=tuple(i.id for i in track.issues), labels=labels, tables=tables, allowed=allowed,
        sizes=sizes, reservation=reservation, disagreement=disagreement,
        rule=decision_rule(track, forum, parties), axes=axes, red_lines=tuple(lines),
        status_quo_utility=sq_utility if has_sq else None, status_quo_axis=sq_axis if has_sq else None,
        no_deal=no_deal, capability=capability)


def issues_read_elsewhere(track: Track) -> set[str]:
    """The other tracks' issues that ``track``'s conditional red lines name."""
    own = {i.id for i in track.issues}
    return {line.when.issue for issue in track.issues for pos in issue.positions.values()
            for line in pos.red_lines if line.when is not None and line.when.issue not in own}


def agreed_values(prefs: Preferences, choice: np.ndarray, track: Track
                  ) -> dict[str, tuple[IssueModel, np.ndarray]]:
    """Issue id -> the issue and its agreed value on its axis in each draw (D,), from a track's
    compromise ``choice`` (D, I) value indices (-1 where it agreed nothing: NaN, read as the
    status quo): what conditional red lines of other tracks read in the process."""
    out: dict[str, tuple[IssueModel, np.ndarray]] = {}
    for i, issue in enumerate(track.issues):
        k = choice[:, i]
        x = np.where(k >= 0, prefs.axes[i][np.maximum(k, 0)], np.nan)
        out[issue.id] = (issue, x)
    return out


def _status_quo_elsewhere(scenario: Scenario, track: Track, values: DrawValues,
                          given: Mapping[str, tuple[IssueModel, np.ndarray]] | None
                          ) -> dict[str, tuple[IssueModel, np.ndarray]]:
    """The other tracks' issues that the track's conditional red lines name: as ``given``, else
    nothing agreed (NaN: read at the issue's status quo)."""
    out = dict(given or {})
    named = issues_read_elsewhere(track)
    for _, other in scenario.issues():
        if other.id in named and other.id not in out:
            out[other.id] = (other, np.full(values.size, np.nan))
    return out


def _no_deal_points(track: Track, parties: tuple[Party, ...], values: DrawValues, tables: np.ndarray,
                    sizes: np.ndarray, sq_utility: np.ndarray | None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Reservation values, disagreement points and the stated no-deal values, (D, A) each."""
    no_deal = None
    if track.no_deal:
        lo, hi = _extreme(tables, sizes, np.min), _extreme(tables, sizes, np.max)
        no_deal = disagreement_points(track, [p.like for p in parties], values, lo, hi,
                                      [p.block for p in parties])
    # the worst outcome only where it is needed: the default of a track without a status quo
    reservation = (_extreme(tables, sizes, np.min) if sq_utility is None else sq_utility).copy()
    if no_deal is not None:
        reservation = np.where(np.isfinite(no_deal), no_deal, reservation)
    for a, party in enumerate(parties):
        est = track.reservation_values.get(party.like)
        if est is not None:
            reservation[:, a] = values(est, party.block)
    disagreement = (reservation if sq_utility is None else sq_utility).copy()
    if no_deal is not None:
        disagreement = np.where(np.isfinite(no_deal), no_deal, disagreement)
    return reservation, disagreement, no_deal


__all__ = [
    "DecisionRuleArrays", "Party", "Preferences", "RULE_KINDS", "RULE_QUALIFIED", "RULE_UNANIMITY",
    "RULE_WEIGHTED", "RedLine", "accepts", "agreed_values", "allowed_on", "condition_mask", "decision_rule",
    "ideal_point", "interp_rows", "issue_axis", "issue_values", "issues_read_elsewhere", "joint_line_ok",
    "line_mask", "on_axis", "parties_of", "red_lines_of", "rule_passes", "tolerance", "track_preferences",
    "value_curve",
]
