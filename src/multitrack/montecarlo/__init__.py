"""Monte Carlo machinery: chunked draws with their own random streams, executors, checkpoints.

Analyses use it; it registers no analysis itself.
"""

from __future__ import annotations

from .checkpoint import CheckpointError, CheckpointFile, ChunkResult, ChunkStore, MemoryStore
from .chunks import ChunkTask, RunInterrupted, plan_chunks, run_chunks
from .executors import DaskExecutor, Executor, ExecutorError, SerialExecutor, make_executor
from .perdraw import PerDraw

__all__ = ["CheckpointError", "CheckpointFile", "ChunkResult", "ChunkStore", "ChunkTask", "DaskExecutor",
           "Executor", "ExecutorError", "MemoryStore", "PerDraw", "RunInterrupted", "SerialExecutor",
           "make_executor", "plan_chunks", "run_chunks"]
