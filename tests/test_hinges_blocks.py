"""The hinges searches solve their rows in blocks of bounded work, on the run's executor, with a
heartbeat per block (issue 20): the answers must be the ones a single batched solve gives, wherever
the blocks are cut and wherever they run."""

from __future__ import annotations

import concurrent.futures as cf
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import multitrack
import multitrack.hinges.blocks as blocks_module
from multitrack.hinges.analysis import design_hinges, hinges_analysis, track_hinges
from multitrack.hinges.blocks import TASK, Blocks, block_rows
from multitrack.process.analysis import compare_designs
from multitrack.progress import ProgressEvent
from multitrack.settlement import Settlement

#: The toy of tests/test_hinges_tracks.py: track t agrees when p's red line T >= 12; u always does.
TOY = """\
version: 1
id: toy
title: toy
sources:
  - {id: s, title: s, publisher: s, year: 2024}
actors:
  - {id: p, name: P, kind: state}
  - {id: q, name: Q, kind: state}
  - {id: r, name: R, kind: state, capability: {dist: uniform, low: 1, high: 2}}
tracks:
  - id: t
    title: T
    participants: [p, q]
    no_deal:
      p: {value: 0}
      q: {value: 0}
    issues:
      - id: x
        kind: integer
        range: [0, 20]
        status_quo: 0
        positions:
          p: {salience: PSAL, monotone: decreasing, red_lines: [{above: THRESHOLD}], source: s}
          q: {salience: 1, monotone: increasing, red_lines: [{below: 12}], source: s}
  - id: u
    title: U
    participants: [q, r]
    no_deal:
      q: {value: 0}
      r: {value: 0}
    issues:
      - id: y
        kind: integer
        range: [0, 10]
        status_quo: 0
        positions:
          q: {salience: 1, monotone: increasing, source: s}
          r: {salience: {dist: uniform, low: 0.5, high: 1.5}, monotone: decreasing, source: s}
process:
  sequence: [t, u]
  failure_penalty: PENALTY
"""

UNIFORM_8_14 = "{dist: uniform, low: 8, high: 14}"


def toy(threshold: str = "10", penalty: str = "0", psal: str = "1"):
    return multitrack.loads(TOY.replace("THRESHOLD", threshold).replace("PENALTY", penalty)
                            .replace("PSAL", psal))


def _row_headline(matrix: np.ndarray) -> np.ndarray:
    """A headline computed row by row (as every hinges evaluation is)."""
    return np.sin(matrix).sum(axis=1) + 0.5 * matrix[:, 0]


class _Pool:
    """An executor of two threads that finishes blocks out of order (the later ones first)."""

    workers = 2

    def __init__(self) -> None:
        self.pool = cf.ThreadPoolExecutor(2)
        self.calls = 0
        self.lock = threading.Lock()

    def submit(self, fn, *args):
        with self.lock:
            self.calls += 1
            delay = 0.002 if self.calls % 2 else 0.0
        return self.pool.submit(lambda: (threading.Event().wait(delay), fn(*args))[1])

    def close(self) -> None:
        self.pool.shutdown()


def test_block_rows_bound_the_work_of_a_block():
    assert block_rows(1) == blocks_module.ROWS
    assert block_rows(390_625 + 1000) == blocks_module.BLOCK_WORK // 391_625
    assert block_rows(10 ** 12) == 1                       # a huge track: one row per block, never none
    assert block_rows(1000, rows_max=7) == 7


@settings(max_examples=40, deadline=None)
@given(rows=st.integers(1, 60), cost=st.integers(1, 5000), work=st.integers(1, 20_000), pooled=st.booleans())
def test_blocks_give_the_rows_of_one_batched_solve_in_order(rows, cost, work, pooled):
    matrix = np.random.default_rng(rows * 7919 + cost).normal(size=(rows, 3))
    events: list[ProgressEvent] = []
    pool = _Pool() if pooled else None
    old = blocks_module.BLOCK_WORK
    blocks_module.BLOCK_WORK = work
    try:
        got = Blocks(pool, events.append).run(_row_headline, matrix, cost)
    finally:
        blocks_module.BLOCK_WORK = old
        if pool is not None:
            pool.close()
    np.testing.assert_array_equal(got, _row_headline(matrix))
    per = block_rows(cost, work=work)
    assert all(e.task == TASK for e in events)
    assert events[0].done == 0 and events[-1].done == events[-1].total == rows
    done = [e.done for e in events]
    assert done == sorted(done) and max(np.diff(done), default=0) <= per  # a heartbeat every block
    assert len(events) == 1 + -(-rows // per)


def test_blocks_count_over_several_requests_and_cancel_on_error():
    events: list[ProgressEvent] = []
    b = Blocks(None, events.append)
    b.run(_row_headline, np.ones((3, 2)), 1)
    b.run(_row_headline, np.ones((2, 2)), 1)
    assert (events[-1].done, events[-1].total) == (5, 5)

    def broken(matrix):
        raise ValueError("no")

    pool = _Pool()
    try:
        with pytest.raises(ValueError):
            Blocks(pool).run(broken, np.ones((50, 2)), blocks_module.BLOCK_WORK)
    finally:
        pool.close()


def _tiny_blocks(monkeypatch):
    monkeypatch.setattr(blocks_module, "BLOCK_WORK", 1)   # one row per block


def test_track_hinges_are_the_same_in_tiny_blocks_on_two_workers(monkeypatch):
    scenario = toy(UNIFORM_8_14)
    run = Settlement.from_scenario(scenario, draws=30).run
    before, notes = track_hinges(scenario, run, {}, None)   # one batched solve per request
    _tiny_blocks(monkeypatch)
    events: list[ProgressEvent] = []
    pool = _Pool()
    try:
        after, notes_after = track_hinges(scenario, run, {}, None, blocks=Blocks(pool, events.append))
    finally:
        pool.close()
    assert after == before and notes_after == notes
    assert pool.calls > 100 and events[-1].done == events[-1].total > 100


def test_design_hinges_are_the_same_in_tiny_blocks_on_two_workers(monkeypatch):
    scenario = toy(UNIFORM_8_14, penalty="{dist: uniform, low: 0.3, high: 0.9}")
    settlement = Settlement.from_scenario(scenario, draws=20)
    upstream = {"process": compare_designs(scenario, settlement=settlement)}
    before = design_hinges(scenario, settlement.run, upstream, None)
    _tiny_blocks(monkeypatch)
    pool = _Pool()
    try:
        after = design_hinges(scenario, settlement.run, upstream, None, blocks=Blocks(pool))
    finally:
        pool.close()
    assert after == before and any(h.switches for h in after[0])


def test_the_analysis_reports_its_rows_and_takes_the_run_executor(monkeypatch):
    scenario = toy("10")
    settlement = Settlement.from_scenario(scenario, draws=20)
    serial = hinges_analysis(scenario, settlement=settlement)
    _tiny_blocks(monkeypatch)
    events: list[ProgressEvent] = []
    pool = _Pool()
    try:
        pooled = hinges_analysis(scenario, settlement=settlement, progress=events.append, executor=pool)
    finally:
        pool.close()
    assert pooled.to_dict() == serial.to_dict()
    rows = [e for e in events if e.task == TASK]
    assert rows and all(b.done - a.done <= 1 for a, b in zip(rows, rows[1:], strict=False))
