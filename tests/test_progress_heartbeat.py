"""Progress while the engines walk a big track (issue 20, target 2: the bars move at least every
few seconds). Work is counted, not timed: every call of the process kernel (the general walk and
the block kernel) adds the outcomes x draws it is given, and a fake progress callback marks that
count at each event. No stretch of kernel work between two events (nor before the first, nor
after the last) may exceed :data:`multitrack.budget.HEARTBEAT_WORK`, about two seconds of walk."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
from rich.console import Console

import multitrack
from multitrack.analysis import run_all
from multitrack.budget import HEARTBEAT_WORK
from multitrack.cli.progress_view import progress_bars
from multitrack.process import kernel
from multitrack.progress import ProgressEvent

PERT = "{dist: pert, low: 0.2, mode: 0.5, high: 0.8}"
#: 5^8 = 390,625 outcomes; 300 draws make one solve of the track 1.2e8 outcome-draws, more than
#: the heartbeat's bound, so one silent solve fails the test.
ISSUES, OPTIONS, DRAWS = 8, 5, 300


def big_track(issues: int, options: int, uncertain: int = 3) -> str:
    """One track of two parties, ``issues`` ordinal issues of ``options`` options; party a's
    salience is uncertain on the first ``uncertain`` issues."""
    opts = ", ".join(f"o{j}" for j in range(options))
    lines = ["version: 1", "id: big", "title: A big synthetic track", "actors:",
             "  - {id: a, name: A, kind: state, capability: 1}",
             "  - {id: b, name: B, kind: state, capability: 1}",
             "tracks:", "  - id: big", "    title: Big", "    participants: [a, b]", "    issues:"]
    for i in range(issues):
        sal = PERT if i < uncertain else f"{0.3 + 0.1 * (i % 5)}"
        lines += [f"      - id: i{i}", "        kind: ordinal", f"        options: [{opts}]",
                  "        status_quo: o0", "        positions:",
                  f"          a: {{salience: {sal}, ideal: o0}}",
                  f"          b: {{salience: 0.5, ideal: o{options - 1}}}"]
    return "\n".join(lines) + "\n"


class Ledger:
    """Kernel work done so far (outcomes x draws handed to the kernel) and its value at each event."""

    def __init__(self) -> None:
        self.work = 0
        self.marks: list[tuple[int, str]] = [(0, "start")]
        self._lock = threading.Lock()

    def counting(self, kernel_function):
        def counted(tables, allowed, sizes, *rest):
            with self._lock:
                self.work += int(np.prod(sizes)) * int(tables.shape[0])
            return kernel_function(tables, allowed, sizes, *rest)
        return counted

    def progress(self, event: ProgressEvent) -> None:
        with self._lock:
            self.marks.append((self.work, f"{event.task} {event.done}/{event.total}"))

    def silent_stretches(self) -> list[tuple[int, str, str]]:
        """(work, event before, event after) of every stretch between two marks."""
        marks = [*self.marks, (self.work, "end")]
        return [(b[0] - a[0], a[1], b[1]) for a, b in zip(marks, marks[1:], strict=False)]


@pytest.fixture
def ledger(monkeypatch) -> Ledger:
    book = Ledger()
    monkeypatch.setattr(kernel, "_solve", book.counting(kernel._solve))
    if hasattr(kernel, "solve_unanimity"):  # the block kernel for large unanimity tracks
        monkeypatch.setattr(kernel, "solve_unanimity", book.counting(kernel.solve_unanimity))
    return book


@pytest.fixture(scope="module")
def scenario():
    return multitrack.loads(big_track(ISSUES, OPTIONS))


def _longest(book: Ledger) -> tuple[int, str, str]:
    return max(book.silent_stretches())


def test_the_ledger_counts_every_solve_of_the_big_track(ledger, scenario):
    run_all(scenario, only=["process"], draws=40, progress=ledger.progress)
    assert ledger.work >= OPTIONS ** ISSUES * 40  # the track solved in every draw at least once
    assert OPTIONS ** ISSUES * DRAWS > HEARTBEAT_WORK  # one silent solve of DRAWS draws would show


@pytest.mark.parametrize("analysis", ["process", "hinges"])
def test_an_analysis_of_a_big_track_reports_progress_within_bounded_work(ledger, scenario, analysis):
    run_all(scenario, only=[analysis], draws=DRAWS, progress=ledger.progress)
    assert ledger.work > 2 * HEARTBEAT_WORK  # enough work that a silent stretch would show
    work, before, after = _longest(ledger)
    assert work <= HEARTBEAT_WORK, (f"{analysis}: {work:,} outcome-draws without a progress event, "
                                    f"between '{before}' and '{after}'")


def test_a_whole_run_of_a_big_track_reports_progress_within_bounded_work(ledger, scenario):
    run_all(scenario, draws=DRAWS, progress=ledger.progress)
    work, before, after = _longest(ledger)
    assert work <= HEARTBEAT_WORK, f"{work:,} outcome-draws silent, between '{before}' and '{after}'"


def test_the_command_line_draws_every_task_reported_and_clears_finished_ones():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    with progress_bars(console) as progress:
        progress(ProgressEvent("track big", 51, 300))
        progress(ProgressEvent("process", 0, 1))
        shown = progress.display
        by_name = {t.description: t for t in shown.tasks}
        assert (by_name["track big"].completed, by_name["track big"].total) == (51, 300)
        assert by_name["track big"].visible and by_name["process"].visible
        progress(ProgressEvent("track big", 300, 300))
        assert not by_name["track big"].visible  # finished: its bar goes away
        shown.refresh()
    assert "process" in screen.getvalue() and "0/1" in screen.getvalue()


def test_a_quiet_run_or_a_pipe_draws_nothing():
    screen = io.StringIO()
    for console, quiet in ((Console(file=screen, force_terminal=True), True), (Console(file=screen), False)):
        with progress_bars(console, quiet) as progress:
            progress(ProgressEvent("process", 1, 2))
    assert screen.getvalue() == ""
