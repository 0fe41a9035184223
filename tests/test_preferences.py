"""The one preference model (multitrack.settlement.preferences): the central values and a block of
draws go through the same code, so a draw equal to the central values gives the same utilities,
red lines, reservation values, disagreement points and acceptance, and a block of D draws gives
what D separate central evaluations with those numbers give."""

import copy
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import multitrack
from multitrack.scenario.model import Scenario
from multitrack.settlement import DrawValues, member_blocks, uncertain_inputs
from multitrack.settlement.preferences import (
    Preferences,
    ideal_point,
    interp_rows,
    parties_of,
    rule_passes,
    track_preferences,
    value_curve,
)
from multitrack.space import build_track_space
from multitrack.space.acceptance import accepts, rule_met

# Every utility shape, uncertain saliences, values, ideal points, curve points, red-line
# thresholds, status quo, capability, reservation and no-deal values; veto players listed out of
# seat order; a forum with a member group under a weighted rule.
MIXED = """
id: mixed
title: mixed
actors:
  - {id: a, name: A, kind: state, capability: {dist: uniform, low: 0.5, high: 1.5}}
  - {id: b, name: B, kind: state}
  - {id: c, name: C, kind: state}
tracks:
  - id: t
    title: T
    participants: [a, b, c]
    veto_players: [b, a]
    decision_rule: {kind: qualified, min_participants: 2}
    reservation_values: {c: {dist: uniform, low: 0.2, high: 0.6}}
    no_deal:
      a: {value: {dist: uniform, low: -0.3, high: 0.2}, cost_per_month: {dist: uniform, low: 0, high: 0.02}}
      b: {value: 0.25}
    talks_months: {dist: uniform, low: 3, high: 12}
    forums:
      - id: vote
        title: Vote with two allies
        participants: [a, b]
        decision_rule: {kind: weighted, weights: {a: 2, b: 1, allies: 1}, threshold: 3}
        member_groups:
          - {id: allies, like: c, count: 2, veto: false}
    issues:
      - id: x
        kind: continuous
        range: [0, 10]
        grid: 11
        status_quo: {dist: uniform, low: 2, high: 4}
        positions:
          a:
            salience: {dist: uniform, low: 0.5, high: 1.5}
            points:
              - [0, {dist: uniform, low: 0, high: 0.2}]
              - [3.3, 1]
              - [10, {dist: uniform, low: 0.1, high: 0.5}]
            red_lines: [{above: {dist: uniform, low: 7, high: 9}}]
          b: {salience: 1, ideal: {dist: uniform, low: 2, high: 6}, loss: quadratic}
          c: {salience: 0.5, monotone: decreasing, red_lines: [{below: 1}]}
      - id: y
        kind: ordinal
        options: [low, mid, high]
        status_quo: mid
        positions:
          a: {salience: 1, values: {low: 0, mid: {dist: uniform, low: 0.2, high: 0.8}, high: 1}}
          b: {salience: {dist: uniform, low: 0.5, high: 2}, ideal: mid}
          c: {salience: 1, values: {low: 1, mid: 0.5, high: 0}, red_lines: [high]}
      - id: z
        kind: integer
        range: [0, 5]
        status_quo: 1
        positions:
          a: {salience: 0.7, ideal: {dist: uniform, low: 1, high: 4}}
          c:
            salience: {dist: uniform, low: 0.1, high: 0.9}
            points: [[0, 0], [5, {dist: uniform, low: 0.5, high: 1}]]
"""


def _models(scenario: Scenario, values: DrawValues):
    """Every forum of every track, as the process analysis seats it, in ``values``."""
    blocks = member_blocks(scenario)
    for track in scenario.tracks:
        if track.deferred:
            continue
        yield track.id, track_preferences(scenario, track, values)
        for forum in track.forums:
            yield f"{track.id}/{forum.id}", track_preferences(
                scenario, track, values, parties_of(track, forum, blocks), forum=forum)


def _nominal_draws(scenario: Scenario, d: int) -> DrawValues:
    """``d`` draws, every column of every block holding each estimate's nominal value."""
    inputs = uncertain_inputs(scenario)
    n_blocks = 1 + len(member_blocks(scenario))
    row = np.tile([i.estimate.nominal for i in inputs], n_blocks)
    return DrawValues(inputs, np.tile(row, (d, 1)).astype(float))


def _assert_same_draw(a: Preferences, da: int, b: Preferences, db: int) -> None:
    """Draw ``da`` of ``a`` and draw ``db`` of ``b`` are the same model, bit for bit."""
    for name in ("tables", "allowed", "reservation", "disagreement", "status_quo_utility", "status_quo_axis",
                 "no_deal", "capability"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert np.array_equal(x[da], y[db], equal_nan=x.dtype.kind == "f"), name
    assert a.parties == b.parties and a.labels == b.labels and np.array_equal(a.sizes, b.sizes)
    assert (a.rule.kind, a.rule.vetoes, a.rule.min_participants, a.rule.threshold) == \
        (b.rule.kind, b.rule.vetoes, b.rule.min_participants, b.rule.threshold)
    assert [(r.issue, r.party, r.number, r.relation, r.axis_value[da]) for r in a.red_lines] == \
        [(r.issue, r.party, r.number, r.relation, r.axis_value[db]) for r in b.red_lines]


def _every_outcome(model: Preferences, limit: int = 20_000) -> np.ndarray:
    """Value indices of every outcome (or of a fixed sample of ``limit`` of them)."""
    sizes = [int(n) for n in model.sizes]
    if model.n_outcomes <= limit:
        return np.array(list(itertools.product(*(range(n) for n in sizes))))
    rng = np.random.default_rng(0)
    return np.column_stack([rng.integers(0, n, limit) for n in sizes])


@pytest.mark.parametrize("name", ["european-security", "border-talks", "mixed"])
def test_central_values_and_a_draw_equal_to_them_give_the_same_model(name):
    s = multitrack.loads(MIXED, "mixed.yaml") if name == "mixed" else multitrack.load(name)
    central = dict(_models(s, DrawValues.central(s)))
    drawn = dict(_models(s, _nominal_draws(s, 3)))
    assert central.keys() == drawn.keys() and central
    for key, model in central.items():
        batch = drawn[key]
        assert model.draws == 1 and batch.draws == 3
        index = _every_outcome(model)
        passes = model.passes(index)
        for d in range(3):
            _assert_same_draw(model, 0, batch, d)
        assert np.array_equal(batch.accepts(index), np.repeat(model.accepts(index), 3, axis=0))
        assert np.array_equal(batch.passes(index), np.repeat(passes, 3, axis=0))


@pytest.mark.parametrize("name", ["european-security", "border-talks", "mixed"])
def test_the_exact_engine_reads_the_model_at_any_draw(name):
    """The exact engine's space at the central values equals its space at a draw equal to them,
    acceptance and the decision rule included."""
    s = multitrack.loads(MIXED, "mixed.yaml") if name == "mixed" else multitrack.load(name)
    values = _nominal_draws(s, 2)
    for track in s.active_tracks:
        central, drawn = build_track_space(s, track), build_track_space(s, track, values=values, draw=1)
        for x, y in zip(central.tables + central.allowed + central.line_masks,
                        drawn.tables + drawn.allowed + drawn.line_masks):
            assert np.array_equal(x, y)
        for name_ in ("reservation", "status_quo_utility", "baseline", "capability"):
            assert np.array_equal(getattr(central, name_), getattr(drawn, name_)), name_
        assert central.status_quo_index == drawn.status_quo_index and central.red_lines == drawn.red_lines
        index = _every_outcome(track_preferences(s, track), 5_000)
        allowed = np.all([central.allowed[i][:, index[:, i]] for i in range(len(central.shape))], axis=0)
        got = rule_met(drawn, accepts(drawn, drawn.utilities_of(index), allowed))
        assert np.array_equal(got, rule_met(central, accepts(central, central.utilities_of(index), allowed)))


def test_the_mixed_track_is_as_worked():
    """Hand-worked numbers of the mixed track at its central values."""
    s = multitrack.loads(MIXED, "mixed.yaml")
    m = track_preferences(s, s.tracks[0])
    a, b, c = 0, 1, 2
    # a on x: salience 1 x the curve through (0, 0.1), (3.3, 1), (10, 0.3); the status quo is 3
    assert m.tables[0, a, 0, 3] == pytest.approx(0.1 + 0.9 * 3 / 3.3)
    # b on x: quadratic loss around 4, reach 6: at 10, 1 - 1 = 0; at 4, 1
    assert m.tables[0, b, 0, [4, 10]] == pytest.approx([1.0, 0.0])
    # red lines: a never above 8 (x = 9, 10 ruled out); c never below 1 (x = 0 ruled out), never "high"
    assert m.allowed[0, a, 0, :11].tolist() == [True] * 9 + [False] * 2
    assert m.allowed[0, c, 0, :11].tolist() == [False] + [True] * 10
    assert m.allowed[0, c, 1, :3].tolist() == [True, True, False]
    # veto players as listed (b, then a); qualified rule, 2 of 3
    assert m.rule.vetoes == (1, 0) and m.rule.kind == "qualified" and m.rule.min_participants == 2
    # reservation: c's own; a's no-deal value (-0.05 - 0.01 * 7.5 = -0.125 of its range); b's 0.25
    lo, hi = m.u_min[0], m.u_max[0]
    assert m.reservation[0, c] == pytest.approx(0.4)
    assert m.reservation[0, a] == pytest.approx(lo[a] - 0.125 * (hi[a] - lo[a]))
    assert m.reservation[0, b] == pytest.approx(lo[b] + 0.25 * (hi[b] - lo[b]))
    # the disagreement point: the no-deal values, else (c) the status quo
    assert m.disagreement[0, :2] == pytest.approx(m.reservation[0, :2])
    assert m.disagreement[0, c] == m.status_quo_utility[0, c]
    assert np.isnan(m.no_deal[0, c])
    assert m.capability[0].tolist() == [1.0, 1.0, 1.0]


def test_the_forum_seats_the_members_with_their_own_draws_and_the_groups_weight():
    s = multitrack.loads(MIXED, "mixed.yaml")
    track, forum = s.tracks[0], s.tracks[0].forums[0]
    inputs = uncertain_inputs(s)
    blocks = member_blocks(s)
    rng = np.random.default_rng(3)
    lows = np.array([i.estimate.support[0] for i in inputs])
    highs = np.array([i.estimate.support[1] for i in inputs])
    n_blocks = 1 + len(blocks)
    unit = rng.random((4, len(inputs) * n_blocks))
    matrix = np.tile(lows, n_blocks) + unit * np.tile(highs - lows, n_blocks)
    m = track_preferences(s, track, DrawValues(inputs, matrix), parties_of(track, forum, blocks), forum=forum)
    assert [p.name for p in m.parties] == ["a", "b", "allies-1", "allies-2"]
    assert m.rule.weights.tolist() == [2, 1, 1, 1] and m.rule.vetoes == ()  # a weighted vote, no vetoes
    # the two allies hold c's position with draws of their own: their saliences on z differ
    assert not np.array_equal(m.tables[:, 2, 2], m.tables[:, 3, 2])


def test_interp_rows_is_np_interp_row_by_row():
    xs = np.array([0.0, 3.3, 7.0, 10.0])
    rng = np.random.default_rng(1)
    ys = rng.normal(size=(5, 4))
    x = np.concatenate([np.linspace(-1, 11, 97), xs])[None, :].repeat(5, axis=0)
    got = interp_rows(x, xs, ys)
    for d in range(5):
        assert np.array_equal(got[d], np.interp(x[d], xs, ys[d]))


def test_ideal_point_is_where_the_value_curve_peaks():
    s = multitrack.loads(MIXED, "mixed.yaml")
    x, y, z = s.tracks[0].issues
    central = DrawValues.central(s)
    assert ideal_point(x, x.positions["a"], central)[0] == 3.3  # the best of the curve's points
    assert ideal_point(x, x.positions["b"], central)[0] == 4.0  # the ideal point
    assert ideal_point(x, x.positions["c"], central)[0] == 0.0  # decreasing: the low end
    assert ideal_point(y, y.positions["a"], central)[0] == 2.0  # the best option's rank
    assert ideal_point(z, z.positions["c"], central)[0] == 5.0
    for issue in (x, y, z):
        axis = np.arange(len(issue.options), dtype=float) if issue.kind == "ordinal" else \
            np.linspace(issue.low, issue.high, 1001)
        for pos in issue.positions.values():
            peak = ideal_point(issue, pos, central)
            best = value_curve(issue, pos, axis, central).max()
            assert value_curve(issue, pos, peak, central)[0, 0] >= best - 1e-12


# ------------------------------------------------------------------- property: D draws = D central runs

def _uniform(rng, lo, hi):
    a, b = sorted(rng.uniform(lo, hi, 2))
    return {"dist": "uniform", "low": float(a), "high": float(b + 1e-3)}


def _random_track(seed: int) -> dict:
    """A small random track: 2-3 actors, 1-3 issues of every kind, every shape, uncertain
    estimates almost everywhere, red lines, reservation and no-deal values."""
    rng = np.random.default_rng(seed)
    actors = ["a", "b", "c"][:int(rng.integers(2, 4))]
    issues = []
    sq = bool(rng.random() < 0.7)
    for i in range(int(rng.integers(1, 4))):
        kind = ["ordinal", "categorical", "integer", "continuous"][int(rng.integers(0, 4))]
        issue: dict = {"id": f"i{i}", "kind": kind, "positions": {}}
        if kind in ("ordinal", "categorical"):
            options = [f"o{k}" for k in range(int(rng.integers(2, 5)))]
            issue["options"] = options
            if sq:
                issue["status_quo"] = options[int(rng.integers(0, len(options)))]
        else:
            lo, hi = 0, int(rng.integers(2, 7))
            issue["range"] = [lo, hi]
            if kind == "continuous":
                issue["grid"] = int(rng.integers(2, 8))
            if sq:
                issue["status_quo"] = (_uniform(rng, lo, hi) if kind == "continuous"
                                       else int(rng.integers(lo, hi + 1)))
        for a in actors:
            if rng.random() < 0.15:
                continue
            pos: dict = {"salience": _uniform(rng, 0, 2) if rng.random() < 0.7 else float(rng.uniform(0, 2))}
            if kind in ("ordinal", "categorical"):
                shape = "values" if kind == "categorical" or rng.random() < 0.5 else "ideal"
                if shape == "values":
                    pos["values"] = {o: (_uniform(rng, -1, 1) if rng.random() < 0.6
                                         else float(rng.uniform(-1, 1))) for o in issue["options"]}
                else:
                    pos["ideal"] = issue["options"][int(rng.integers(0, len(issue["options"])))]
                    pos["loss"] = ["linear", "quadratic"][int(rng.integers(0, 2))]
                if rng.random() < 0.4:
                    pos["red_lines"] = [issue["options"][int(rng.integers(0, len(issue["options"])))]]
            else:
                lo, hi = issue["range"]
                shape = ["ideal", "monotone", "points"][int(rng.integers(0, 3))]
                if shape == "ideal":
                    pos["ideal"] = _uniform(rng, lo, hi)
                    pos["loss"] = ["linear", "quadratic"][int(rng.integers(0, 2))]
                elif shape == "monotone":
                    pos["monotone"] = ["increasing", "decreasing"][int(rng.integers(0, 2))]
                else:
                    xs = sorted({float(lo), float(hi), *np.round(rng.uniform(lo, hi, 2), 2).tolist()})
                    pos["points"] = [[x, _uniform(rng, 0, 1)] for x in xs]
                if rng.random() < 0.4:
                    rel = ["below", "above"][int(rng.integers(0, 2))]
                    low, high = (0.1, 0.4) if rel == "below" else (0.6, 1.0)
                    pos["red_lines"] = [{rel: _uniform(rng, lo + low * (hi - lo), lo + high * (hi - lo))}]
            issue["positions"][a] = pos
        if not issue["positions"]:
            issue["positions"][actors[0]] = {"salience": 1, "values": {o: 0 for o in issue["options"]}} \
                if "options" in issue else {"salience": 1, "monotone": "increasing"}
        issues.append(issue)
    track: dict = {"id": "t", "title": "T", "participants": actors, "issues": issues}
    if rng.random() < 0.5:
        track["reservation_values"] = {actors[0]: _uniform(rng, 0, 1)}
    if rng.random() < 0.6:
        track["no_deal"] = {actors[-1]: {"value": _uniform(rng, -0.5, 0.5),
                                         "cost_per_month": _uniform(rng, 0, 0.05)}}
        track["talks_months"] = _uniform(rng, 0, 12)
    if rng.random() < 0.5:
        track["decision_rule"] = {"kind": "qualified", "min_participants": 2}
        track["veto_players"] = [actors[-1]]
    return {"id": "r", "title": "r", "actors": [{"id": a, "name": a.upper(), "kind": "state",
                                                 "capability": _uniform(rng, 0.5, 2)} for a in actors],
            "tracks": [track]}


def _fixed(data, numbers: dict):
    """The scenario data with every distribution replaced by its number in ``numbers`` (by id of
    the dict that states it)."""
    if isinstance(data, dict):
        if "dist" in data:
            return numbers[id(data)]
        return {k: _fixed(v, numbers) for k, v in data.items()}
    if isinstance(data, list):
        return [_fixed(v, numbers) for v in data]
    return data


def _at(data, path: tuple):
    """The part of the scenario data at a field path."""
    for key in path:
        data = data[key]
    return data


def _count(data) -> int:
    if isinstance(data, dict):
        return 1 if "dist" in data else sum(_count(v) for v in data.values())
    return sum(_count(v) for v in data) if isinstance(data, list) else 0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_a_block_of_draws_equals_one_central_run_per_draw(seed, d_n):
    data = _random_track(seed)
    s = Scenario.model_validate(copy.deepcopy(data))
    inputs = uncertain_inputs(s)
    dists = [_at(data, inp.path) for inp in inputs]
    assert len(inputs) == _count(data) and all("dist" in x for x in dists)
    rng = np.random.default_rng(seed)
    matrix = np.column_stack([rng.uniform(x["low"], x["high"], d_n) for x in dists]).reshape(d_n, len(dists))
    batch = track_preferences(s, s.tracks[0], DrawValues(inputs, matrix))
    for d in range(d_n):
        numbers = {id(x): float(matrix[d, k]) for k, x in enumerate(dists)}
        one = Scenario.model_validate(_fixed(data, numbers))
        central = track_preferences(one, one.tracks[0])
        _assert_same_draw(batch, d, central, 0)
        index = _every_outcome(central, 2_000)
        assert np.array_equal(batch.accepts(index)[d], central.accepts(index)[0])
        assert np.array_equal(rule_passes(batch.rule, batch.accepts(index))[d], central.passes(index)[0])
