"""Work done once where the draws do not change it (multitrack.settlement.distinct): a track is
built and solved on one draw of each distinct combination of the inputs it reads, and every
array of the process chunk is the same as building and solving every draw."""

from __future__ import annotations

import numpy as np
import pytest

import multitrack.process.chunk as chunk
import multitrack.settlement.distinct as distinct
from multitrack.process import ProcessPlan
from multitrack.scenario import load
from multitrack.settlement import RunDraws
from multitrack.settlement.draws import DrawValues
from multitrack.settlement.preferences import Preferences


@pytest.fixture(scope="module")
def scenario():
    return load("european-security")


def _every_draw(monkeypatch) -> None:
    monkeypatch.setattr(distinct, "distinct_rows", lambda *args, **kwargs: None)


def _same_arrays(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_the_chunk_is_the_same_with_or_without_distinct_rows(scenario, monkeypatch):
    """A block of draws in which each of 30 draws comes four times (every track and forum then has
    repeated rows), evaluated by every design: the same arrays either way."""
    plan = ProcessPlan(RunDraws(scenario, 30, seed=5, chunk_size=30))
    values = plan.run.chunk(plan.run.tasks()[0]).take(np.tile(np.arange(30), 4)[::-1].copy())
    calls = []
    rows = distinct.distinct_rows
    monkeypatch.setattr(distinct, "distinct_rows", lambda *a, **k: calls.append(1) or rows(*a, **k))
    once = chunk._evaluate_block(plan, values)
    assert calls
    _every_draw(monkeypatch)
    _same_arrays(once, chunk._evaluate_block(plan, values))


def test_a_track_whose_inputs_are_fixed_is_solved_once_for_all_draws(scenario, monkeypatch):
    """Every input of the scenario's tracks held at its nominal value: each track's own forum is
    solved on one draw, and the models and solutions spread over all draws equal those of a
    build and solve over every draw."""
    run = RunDraws(scenario, 40, seed=3, chunk_size=40)
    plan = ProcessPlan(run)
    fixed = DrawValues(run.inputs, np.tile(run.values().matrix[:1], (40, 1)))  # the first draw 40 times
    sizes = []
    solve = chunk.solve_batch
    monkeypatch.setattr(chunk, "solve_batch", lambda s, *a, **k: sizes.append(s.draws) or solve(s, *a, **k))
    spaces, solved, _ = chunk.track_models(plan, fixed)
    assert sizes[:len(plan.tracks)] == [1] * len(plan.tracks)
    _every_draw(monkeypatch)
    spaces_all, solved_all, _ = chunk.track_models(plan, fixed)
    for t in spaces:
        for field in ("tables", "allowed", "reservation", "disagreement"):
            np.testing.assert_array_equal(getattr(spaces[t], field), getattr(spaces_all[t], field))
        for field in ("agreed", "n_pass", "choice", "utility", "level"):
            np.testing.assert_array_equal(getattr(solved[t], field), getattr(solved_all[t], field))


def test_take_spreads_every_per_draw_field():
    rng = np.random.default_rng(0)
    space = Preferences.from_arrays(rng.random((3, 2, 2, 3)))
    rows = np.array([2, 0, 0, 1])
    got = distinct.take(space, rows)
    assert got.draws == 4
    np.testing.assert_array_equal(got.tables, space.tables[rows])
    np.testing.assert_array_equal(got.reservation, space.reservation[rows])
    np.testing.assert_array_equal(got.u_min, space.u_min[rows])


def test_draw_values_take_reads_the_same_numbers_lazily(scenario):
    run = RunDraws(scenario, 30, seed=2, chunk_size=30)
    values = run.chunk(run.tasks()[0])
    rows = np.array([5, 1, 1, 29])
    part = values.take(rows)
    for inp in run.inputs[:5]:
        np.testing.assert_array_equal(part(inp.estimate), values(inp.estimate)[rows])
