"""The process-design analysis: registered for the CLI, report and web app, and the API."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from .._version import __version__
from ..analysis import register
from ..montecarlo import SerialExecutor, run_chunks
from ..progress import ProgressCallback
from ..scenario.model import Scenario
from ..settlement import Settlement, settlement_of
from .chunk import ProcessPlan, evaluate_chunk, track_models
from .config import ProcessConfig
from .kernel import THREADS, warm_up
from .result import ProcessResult
from .search import run_pilot
from .summary import summarise


@register("process", "Process designs under uncertainty", order=20, config=ProcessConfig, parallel=True,
          warm_up=warm_up, applies=lambda scenario: bool(scenario.active_tracks), reads=("settlement",))
def compare_designs(scenario: Scenario, *, config: ProcessConfig | None = None,
                    settlement: Settlement | None = None, progress: ProgressCallback | None = None,
                    executor: Any = None, checkpoint: Callable[[str], Any] | None = None,
                    threads: int | None = None) -> ProcessResult:
    """Parallel tracks, linked tracks, the declared and the easy-first sequence, the package of
    every track and the best partial package (found on a pilot of the run's first draws), and
    each track's forums with any ratification stage, compared on the run's draws of every
    uncertain estimate. ``threads`` walks each
    space's draws on that many threads (default: the cores, up to 4, when the run stays in this
    process; 1 on Dask workers); results do not depend on it."""
    config = config or ProcessConfig.model_validate({})
    run = settlement_of(scenario, settlement).run
    in_process = executor is None or isinstance(executor, SerialExecutor)
    plan = ProcessPlan(run, config, threads=threads or (THREADS if in_process else 1),
                       progress=progress if in_process else None)
    declared = tuple(tuple(p.tracks) for p in scenario.process.packages)
    pilot = run_pilot(run, partial(track_models, plan), plan.actors, config, plan.threads, declared,
                      executor=executor, progress=progress)
    plan = replace(plan, pilot=pilot)
    tasks = run.tasks()
    store = checkpoint(fingerprint(plan)) if checkpoint is not None else None
    arrays = run_chunks(partial(evaluate_chunk, plan), tasks, executor=executor, store=store,
                        progress=progress, task_name="process")
    return summarise(plan, arrays, progress, executor)


def fingerprint(plan: ProcessPlan) -> str:
    """What a checkpoint must match to be resumed: scenario, the run's draws, settings and code
    version."""
    run = f"draws={plan.run.draws} seed={plan.run.seed} chunk_size={plan.run.chunk_size}"
    text = "\n".join([__version__, plan.scenario.model_dump_json(), run, plan.config.model_dump_json()])
    return hashlib.sha256(text.encode()).hexdigest()
