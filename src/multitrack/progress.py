"""Progress reporting without printing: analyses call a callback, front ends draw it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    """``done`` of ``total`` units of ``task`` are finished."""

    task: str
    done: int
    total: int


ProgressCallback = Callable[[ProgressEvent], None]


def report(progress: ProgressCallback | None, task: str, done: int, total: int) -> None:
    """Send one event if anyone listens."""
    if progress is not None:
        progress(ProgressEvent(task, done, total))
