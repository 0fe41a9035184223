"""The command line's progress bars: one bar per task the analyses report, with a spinner and the
time elapsed, so that a long stretch of one task still shows that the run is alive; a task's bar
goes away when it is finished."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from ..progress import ProgressEvent


class ProgressBars:
    """A progress callback that draws each event on ``display`` (a rich Progress)."""

    def __init__(self, display: Progress) -> None:
        self.display = display
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, event: ProgressEvent) -> None:
        if event.task not in self._tasks:
            self._tasks[event.task] = self.display.add_task(event.task, total=event.total)
        self.display.update(self._tasks[event.task], completed=event.done, total=event.total,
                            visible=event.done < event.total)


@contextmanager
def progress_bars(console: Console, quiet: bool = False) -> Iterator[ProgressBars]:
    """Bars for the events on ``console`` (nothing drawn when ``quiet`` or when the console is not
    a terminal); they are cleared when the block ends."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed:,.0f}/{task.total:,.0f}"), TimeElapsedColumn(),
                  console=console, transient=True, disable=quiet or not console.is_terminal) as display:
        yield ProgressBars(display)
