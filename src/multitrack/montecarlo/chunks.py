"""Monte Carlo draws in chunks: each chunk has its own random stream, so the same seed gives the
same numbers however many workers run the chunks and in whatever order they finish."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import signal
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import MultitrackError
from ..progress import ProgressCallback, report
from .checkpoint import ChunkResult, ChunkStore, MemoryStore
from .executors import Executor, SerialExecutor


class RunInterrupted(MultitrackError):
    """Ctrl-C stopped a run; the finished chunks are in the store, and a rerun resumes from it."""

    def __init__(self, done_chunks: int, total_chunks: int, store: str) -> None:
        self.done_chunks = done_chunks
        self.total_chunks = total_chunks
        self.store = store
        super().__init__(f"interrupted with {done_chunks} of {total_chunks} chunks finished; "
                         f"they are kept in {store}")


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of draws: its position and its own random stream."""

    index: int  # 0-based chunk number
    start: int  # first draw number
    size: int  # draws in this chunk
    seed: np.random.SeedSequence  # SeedSequence(root_seed).spawn(n_chunks)[index]

    def rng(self) -> np.random.Generator:
        """A fresh generator on this chunk's stream (the same numbers every time it is called)."""
        return np.random.Generator(np.random.PCG64(self.seed))


def plan_chunks(draws: int, chunk_size: int, seed: int) -> list[ChunkTask]:
    """Split `draws` into chunks of `chunk_size` (the last may be smaller); chunk i's stream is
    child i of SeedSequence(seed).spawn(n) -- independent of how many workers run them."""
    if draws < 0 or chunk_size < 1:
        raise ValueError(f"need draws >= 0 and chunk_size >= 1, got {draws} and {chunk_size}")
    starts = range(0, draws, chunk_size)
    seeds = np.random.SeedSequence(seed).spawn(len(starts))
    return [ChunkTask(i, start, min(chunk_size, draws - start), seeds[i]) for i, start in enumerate(starts)]


def run_chunks(fn: Callable[[ChunkTask], ChunkResult], tasks: Sequence[ChunkTask], *,
               executor: Executor | None = None, store: ChunkStore | None = None,
               progress: ProgressCallback | None = None, task_name: str = "draws") -> ChunkResult:
    """Run fn on every task (skipping those the store already holds), save each result to the
    store as it finishes, and return the per-name concatenation of all chunk results IN CHUNK
    ORDER (so the result is independent of completion order and of the executor)."""
    tasks = sorted(tasks, key=lambda t: t.index)
    executor = executor if executor is not None else SerialExecutor()
    store = store if store is not None else MemoryStore()
    results = {t.index: r for t in tasks if (r := store.get(t.index)) is not None}
    total = sum(t.size for t in tasks)
    done = sum(t.size for t in tasks if t.index in results)
    report(progress, task_name, done, total)
    todo = (t for t in tasks if t.index not in results)
    try:
        with _ctrl_c() as pressed, contextlib.closing(_completed(fn, todo, executor)) as finished:
            for task, result in finished:
                store.put(task.index, result)
                results[task.index] = result
                done += task.size
                report(progress, task_name, done, total)
                if pressed():
                    raise KeyboardInterrupt
    except KeyboardInterrupt:
        store.flush()
        raise RunInterrupted(len(results), len(tasks), store.describe()) from None
    except BaseException:
        store.flush()
        raise
    store.flush()
    return _concatenate([results[t.index] for t in tasks])


@contextlib.contextmanager
def _ctrl_c() -> Iterator[Callable[[], bool]]:
    """While chunks run, a first Ctrl-C only asks to stop after the chunk in hand (an exception
    raised inside compiled code or a thread pool could be lost or garbled); a second one
    interrupts at once."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield lambda: False
        return
    hits: list[int] = []

    def handler(signum, frame) -> None:
        hits.append(signum)
        signal.signal(signal.SIGINT, previous)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: bool(hits)
    finally:
        signal.signal(signal.SIGINT, previous)


def _completed(fn: Callable[[ChunkTask], ChunkResult], todo: Iterator[ChunkTask],
               executor: Executor) -> Generator[tuple[ChunkTask, ChunkResult], None, None]:
    """(task, result) as chunks finish, keeping at most 2x workers submitted at a time; on any
    exit before the end (an error, Ctrl-C) the chunks still waiting are cancelled."""
    limit = max(1, 2 * executor.workers)
    running: dict[cf.Future, ChunkTask] = {}
    try:
        while True:
            while len(running) < limit and (task := next(todo, None)) is not None:
                running[executor.submit(fn, task)] = task
            if not running:
                return
            finished, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            ordered = sorted(finished, key=lambda f: (_failed(f), running[f].index))  # results first
            for future in ordered:
                yield running.pop(future), _arrays(future.result())
    finally:
        for future in running:
            future.cancel()


def _failed(future: cf.Future) -> bool:
    """Whether a finished future holds an error (or was cancelled) rather than a result."""
    return future.cancelled() or future.exception() is not None


def _arrays(result: ChunkResult) -> ChunkResult:
    """A chunk function's result as a dict of numpy arrays."""
    if not isinstance(result, dict):
        raise TypeError(f"a chunk function must return a dict of arrays, not {type(result).__name__}")
    return {str(name): np.asarray(value) for name, value in result.items()}


def _concatenate(parts: list[ChunkResult]) -> ChunkResult:
    """Per-name concatenation of chunk results along the draws axis, in the order given."""
    if not parts:
        return {}
    names = list(parts[0])
    for part in parts[1:]:
        if set(part) != set(names):
            raise ValueError(f"chunk results name different arrays: {sorted(names)} and {sorted(part)}")
    return {name: np.concatenate([part[name] for part in parts]) for name in names}
