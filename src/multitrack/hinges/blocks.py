"""Where the hinges searches' batched solves run, and the heartbeat they send while they run.

A search asks for its headline in many rows at once (input values x draws). Those rows are cut
into blocks of bounded work (rows x outcomes solved per row at most :data:`BLOCK_WORK`, and at
most :data:`ROWS` rows), each block is solved on the run's executor (in this process, or on Dask
workers with ``--workers``/``--scheduler``) and the headlines are put back in row order. Every row
is solved on its own, so the answer does not depend on where the cuts fall or where a block runs.
After each block the progress callback hears how many rows are solved of those asked so far, so
that a search over a big track never goes silent.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..progress import ProgressCallback, report

#: Rows solved together at most in one block.
ROWS = 20_000
#: Outcomes evaluated in one block at most (rows x the outcomes a row solves): about a second of
#: the process kernel's odometer walk on one core, so the progress bar moves every few seconds.
BLOCK_WORK = 50_000_000
#: The progress task the searches report under: rows of inputs solved, of those asked so far.
TASK = "hinges: rows solved"

#: rows of input values (rows, inputs) -> the headline in each row (rows,)
Evaluate = Callable[[np.ndarray], np.ndarray]


def block_rows(cost: int, rows_max: int | None = None, work: int | None = None) -> int:
    """Rows per block for rows that each evaluate ``cost`` outcomes: at least one (``rows_max``
    and ``work`` default to :data:`ROWS` and :data:`BLOCK_WORK`)."""
    rows_max = ROWS if rows_max is None else rows_max
    work = BLOCK_WORK if work is None else work
    return int(max(1, min(rows_max, work // max(int(cost), 1))))


@dataclass
class Blocks:
    """The executor the blocks run on (None: in this process, one after another) and the progress
    callback that hears of each; counts the rows asked and solved over the whole analysis."""

    executor: Any = None
    progress: ProgressCallback | None = None
    asked: int = 0
    solved: int = 0

    def run(self, evaluate: Evaluate, matrix: np.ndarray, cost: int) -> np.ndarray:
        """``evaluate`` on every row of ``matrix`` (rows that each solve ``cost`` outcomes), in
        blocks of bounded work; the headlines in row order."""
        n = len(matrix)
        if n == 0:
            return np.zeros(0, dtype=float)
        per = block_rows(cost)
        cuts = range(0, n, per)
        self.asked += n
        report(self.progress, TASK, self.solved, self.asked)
        if self.executor is None or getattr(self.executor, "workers", 1) <= 1 or len(cuts) == 1:
            out = []
            for k in cuts:
                out.append(np.asarray(evaluate(matrix[k:k + per]), dtype=float))
                self._done(len(out[-1]))
            return np.concatenate(out)
        futures = {self.executor.submit(evaluate, matrix[k:k + per]): i for i, k in enumerate(cuts)}
        parts: list[np.ndarray | None] = [None] * len(futures)
        try:
            for future in cf.as_completed(futures):
                got = np.asarray(future.result(), dtype=float)
                parts[futures[future]] = got
                self._done(len(got))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return np.concatenate([p for p in parts if p is not None])

    @property
    def threads(self) -> int:
        """Kernel threads per solve: the process kernel's default in this process, one where the
        blocks go to several workers (each of them a core)."""
        from ..process.kernel import THREADS

        return 1 if getattr(self.executor, "workers", 1) > 1 else THREADS

    def _done(self, rows: int) -> None:
        self.solved += rows
        report(self.progress, TASK, self.solved, self.asked)
