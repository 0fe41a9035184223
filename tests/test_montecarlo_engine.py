"""The Monte Carlo engine: chunk plans, executors, checkpoints, interrupts and progress."""

from __future__ import annotations

import concurrent.futures as cf
import functools
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.errors import MultitrackError
from multitrack.montecarlo import (CheckpointError, CheckpointFile, ChunkTask, DaskExecutor, ExecutorError,
                                   MemoryStore, RunInterrupted, SerialExecutor, make_executor, plan_chunks,
                                   run_chunks)

ROOT = Path(__file__).resolve().parents[1]


def walk(task: ChunkTask) -> dict[str, np.ndarray]:
    """A test chunk: normal steps summed cumulatively, plus where each draw came from."""
    steps = task.rng().standard_normal((task.size, 4))
    return {"walk": np.cumsum(steps, axis=1), "draw": np.arange(task.start, task.start + task.size)}


def walk_until(task: ChunkTask, stop_at: int) -> dict[str, np.ndarray]:
    """Like walk, but chunk ``stop_at`` acts as if the user pressed Ctrl-C."""
    if task.index == stop_at:
        raise KeyboardInterrupt
    return walk(task)


def walk_failing(task: ChunkTask, fail_at: int) -> dict[str, np.ndarray]:
    """Like walk, but chunk ``fail_at`` has a bug."""
    if task.index == fail_at:
        raise ValueError(f"chunk {fail_at} is broken")
    return walk(task)


def same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    """Byte-identical named arrays."""
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and a[k].shape == b[k].shape and a[k].tobytes() == b[k].tobytes() for k in a)


@pytest.fixture(scope="module")
def dask2():
    """Two local Dask worker processes, started once; they import this module by its name."""
    added = str(ROOT) not in sys.path
    if added:
        sys.path.insert(0, str(ROOT))
    try:
        with DaskExecutor.local(2) as ex:
            yield ex
    finally:
        if added:
            sys.path.remove(str(ROOT))


@pytest.fixture(scope="module")
def reference():
    """The uninterrupted serial result of 10 chunks of 37 draws."""
    return run_chunks(walk, plan_chunks(370, 37, seed=11))


# ---------------------------------------------------------------- plans and streams


def test_plan_sizes_and_last_chunk():
    tasks = plan_chunks(10_500, 1000, 1)
    assert [t.index for t in tasks] == list(range(11))
    assert [t.size for t in tasks] == [1000] * 10 + [500]
    assert [t.start for t in tasks] == list(range(0, 10_500, 1000))
    assert plan_chunks(0, 10, 1) == []
    with pytest.raises(ValueError):
        plan_chunks(10, 0, 1)


@settings(max_examples=60, deadline=None)
@given(draws=st.integers(0, 5000), chunk=st.integers(1, 700))
def test_plan_covers_every_draw_once(draws, chunk):
    tasks = plan_chunks(draws, chunk, 3)
    assert sum(t.size for t in tasks) == draws
    assert all(t.start == i * chunk for i, t in enumerate(tasks))
    assert all(t.size == chunk for t in tasks[:-1]) and all(0 < t.size <= chunk for t in tasks)


def test_chunk_stream_does_not_depend_on_later_chunks():
    short, long_ = plan_chunks(10_000, 1000, 7), plan_chunks(20_000, 1000, 7)
    assert np.array_equal(short[3].rng().random(5), long_[3].rng().random(5))
    assert np.array_equal(short[3].rng().random(5), short[3].rng().random(5))  # rng() restarts the stream
    assert not np.array_equal(short[3].rng().random(5), short[4].rng().random(5))
    assert not np.array_equal(short[3].rng().random(5), plan_chunks(10_000, 1000, 8)[3].rng().random(5))


# ---------------------------------------------------------------- executors


def test_serial_executor_sets_errors_on_the_future():
    with SerialExecutor() as ex:
        assert ex.workers == 1
        assert ex.submit(pow, 2, 5).result() == 32
        failed = ex.submit(int, "x")
    assert isinstance(failed.exception(), ValueError)


def test_make_executor_picks_serial_and_rejects_no_workers():
    with make_executor() as ex:
        assert isinstance(ex, SerialExecutor)
    with pytest.raises(ExecutorError, match="at least 1"):
        make_executor(0)


def test_serial_and_dask_give_identical_bytes(dask2, reference):
    assert dask2.workers == 2
    tasks = plan_chunks(370, 37, seed=11)
    assert same(run_chunks(walk, tasks, executor=dask2), reference)
    assert same(run_chunks(walk, tasks[::-1]), reference)  # chunk order, not submission order
    assert reference["walk"].shape == (370, 4)
    assert np.array_equal(reference["draw"], np.arange(370))


def test_dask_chunk_error_reaches_the_caller(dask2):
    with pytest.raises(ValueError, match="chunk 2 is broken"):
        run_chunks(functools.partial(walk_failing, fail_at=2), plan_chunks(100, 10, 1), executor=dask2)


def test_connect_to_unreachable_scheduler_fails_quickly_in_one_line():
    began = time.monotonic()
    with pytest.raises(ExecutorError) as caught:
        DaskExecutor.connect("tcp://127.0.0.1:1", timeout=2)
    assert time.monotonic() - began < 20
    message = str(caught.value)
    assert message.startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:1: ")
    assert "\n" not in message and isinstance(caught.value, MultitrackError)


class ThreadExecutor:
    """Two threads, counting how many chunks are submitted but not yet finished."""

    workers = 2

    def __init__(self) -> None:
        self.pool = cf.ThreadPoolExecutor(2)
        self.lock = threading.Lock()
        self.waiting = self.most = 0

    def submit(self, fn, /, *args):
        with self.lock:
            self.waiting += 1
            self.most = max(self.most, self.waiting)
        future = self.pool.submit(fn, *args)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future) -> None:
        with self.lock:
            self.waiting -= 1

    def close(self) -> None:
        self.pool.shutdown()


def test_in_flight_chunks_stay_bounded_and_order_holds():
    tasks = plan_chunks(300, 3, seed=5)
    ex = ThreadExecutor()
    try:
        result = run_chunks(walk, tasks, executor=ex)
    finally:
        ex.close()
    assert 1 <= ex.most <= 2 * ex.workers
    assert same(result, run_chunks(walk, tasks))


# ---------------------------------------------------------------- checkpoints and interrupts


def test_resume_from_part_of_the_run_matches_uninterrupted(tmp_path, reference):
    path = tmp_path / "run.ckpt"
    tasks = plan_chunks(370, 37, seed=11)
    run_chunks(walk, tasks[:4], store=CheckpointFile(path, "fp"))
    assert sorted(CheckpointFile(path, "fp").chunks) == [0, 1, 2, 3]
    events = []
    resumed = run_chunks(walk, tasks, store=CheckpointFile(path, "fp"), progress=events.append)
    assert same(resumed, reference)
    assert events[0].done == 4 * 37  # restored chunks count as done at the start
    assert sorted(CheckpointFile(path, "fp").chunks) == list(range(10))
    assert [p.name for p in tmp_path.iterdir()] == ["run.ckpt"]  # no temporary files left behind


def test_interrupt_keeps_finished_chunks_and_rerun_resumes(tmp_path, reference):
    path = tmp_path / "run.ckpt"
    tasks = plan_chunks(370, 37, seed=11)
    with pytest.raises(RunInterrupted) as caught:
        run_chunks(functools.partial(walk_until, stop_at=6), tasks, store=CheckpointFile(path, "fp"))
    assert (caught.value.done_chunks, caught.value.total_chunks) == (6, 10)
    assert str(path) in str(caught.value) and isinstance(caught.value, MultitrackError)
    kept = CheckpointFile(path, "fp")
    assert sorted(kept.chunks) == list(range(6))
    assert same(kept.get(2), walk(tasks[2]))
    assert same(run_chunks(walk, tasks, store=CheckpointFile(path, "fp")), reference)


def test_interrupt_without_checkpoint_says_nothing_was_kept():
    with pytest.raises(RunInterrupted, match="0 of 3 chunks.*memory only"):
        run_chunks(functools.partial(walk_until, stop_at=0), plan_chunks(30, 10, 1))


def test_chunk_error_still_saves_finished_chunks(tmp_path):
    path = tmp_path / "run.ckpt"
    with pytest.raises(ValueError, match="chunk 3 is broken"):
        run_chunks(functools.partial(walk_failing, fail_at=3), plan_chunks(50, 10, 1),
                   store=CheckpointFile(path, "fp", interval=3600))
    assert sorted(CheckpointFile(path, "fp").chunks) == [0, 1, 2]


def test_checkpoint_of_another_run_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "run.ckpt"
    run_chunks(walk, plan_chunks(30, 10, 1), store=CheckpointFile(path, "seed=1"))
    before = path.read_bytes()
    with pytest.raises(CheckpointError) as caught:
        CheckpointFile(path, "seed=2")
    assert str(caught.value).startswith(f"{path}: checkpoint belongs to another run")
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"hello, not a checkpoint\n", "zip", "foreign-zip", "truncated"])
def test_unreadable_file_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "run.ckpt"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("header.json", "[1, 2")
    elif content == "foreign-zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("data.txt", "someone else's")
    elif content == "truncated":
        run_chunks(walk, plan_chunks(30, 10, 1), store=CheckpointFile(path, "fp"))
        path.write_bytes(path.read_bytes()[:-40])
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(CheckpointError, match="not a multitrack checkpoint"):
        CheckpointFile(path, "fp")
    assert path.read_bytes() == before


def test_directory_is_not_a_checkpoint(tmp_path):
    with pytest.raises(CheckpointError, match=r"not a multitrack checkpoint \(.+\)"):
        CheckpointFile(tmp_path, "fp")


def test_writes_are_throttled_but_flush_always_writes(tmp_path):
    path = tmp_path / "run.ckpt"
    store = CheckpointFile(path, "fp", interval=3600)
    tasks = plan_chunks(30, 10, 1)
    store.put(0, walk(tasks[0]))
    first = path.read_bytes()
    store.put(1, walk(tasks[1]))
    assert path.read_bytes() == first
    store.flush()
    assert sorted(CheckpointFile(path, "fp").chunks) == [0, 1]


def test_object_arrays_are_refused_rather_than_pickled(tmp_path):
    store = CheckpointFile(tmp_path / "run.ckpt", "fp")
    with pytest.raises(CheckpointError, match="non-object dtype"):
        store.put(0, {"x": np.array([{"a": 1}], dtype=object)})
    assert not (tmp_path / "run.ckpt").exists()


def test_memory_store_round_trip():
    store = MemoryStore()
    assert store.get(0) is None
    store.put(0, {"x": np.arange(3)})
    store.flush()
    assert np.array_equal(store.get(0)["x"], np.arange(3)) and "memory" in store.describe()


# ---------------------------------------------------------------- progress


def test_progress_is_monotone_and_ends_at_total():
    events = []
    run_chunks(walk, plan_chunks(95, 10, 2), progress=events.append, task_name="walks")
    done = [e.done for e in events]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 95
    assert {e.total for e in events} == {95} and {e.task for e in events} == {"walks"}


def test_progress_with_dask_ends_at_total(dask2):
    events = []
    run_chunks(walk, plan_chunks(95, 10, 2), executor=dask2, progress=events.append)
    done = [e.done for e in events]
    assert done == sorted(done) and done[-1] == 95 and len(done) == 11


def test_montecarlo_registers_no_analysis():
    import multitrack

    assert not [s for s in multitrack.analyses() if s.run.__module__.startswith("multitrack.montecarlo")]
