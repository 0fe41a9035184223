"""The process-design analysis: registered for the CLI, report and web app, and the API."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any, Callable

from .. import __version__
from ..analysis import register
from ..montecarlo import SerialExecutor, plan_chunks, run_chunks
from ..progress import ProgressCallback
from ..scenario.model import Scenario
from .chunk import ProcessPlan, evaluate_chunk
from .kernel import THREADS, warm_up
from .config import ProcessConfig
from .result import ProcessResult
from .summary import summarise


@register("process", "Process designs under uncertainty", order=20, config=ProcessConfig, parallel=True,
          warm_up=warm_up, applies=lambda scenario: bool(scenario.active_tracks))
def compare_designs(scenario: Scenario, *, config: ProcessConfig | None = None,
                    progress: ProgressCallback | None = None, executor: Any = None,
                    checkpoint: Callable[[str], Any] | None = None, threads: int | None = None) -> ProcessResult:
    """Parallel tracks, linked tracks, a sequence and one package, and each track's forums,
    compared on the same Monte Carlo draws of every uncertain estimate. ``threads`` walks each
    space's draws on that many threads (default: the cores, up to 4, when the run stays in this
    process; 1 on Dask workers); results do not depend on it."""
    config = config or ProcessConfig()
    in_process = executor is None or isinstance(executor, SerialExecutor)
    plan = ProcessPlan(scenario, config, threads=threads or (THREADS if in_process else 1))
    tasks = plan_chunks(config.draws, config.chunk_size, config.seed)
    store = checkpoint(fingerprint(plan)) if checkpoint is not None else None
    arrays = run_chunks(partial(evaluate_chunk, plan), tasks, executor=executor, store=store,
                        progress=progress, task_name="process designs")
    return summarise(plan, arrays)


def fingerprint(plan: ProcessPlan) -> str:
    """What a checkpoint must match to be resumed: scenario, settings and code version."""
    text = "\n".join([__version__, plan.scenario.model_dump_json(), plan.config.model_dump_json()])
    return hashlib.sha256(text.encode()).hexdigest()
