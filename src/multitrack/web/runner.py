"""Analyses in a background thread, one job per run, with progress to poll and a cancel flag.

The analyses report progress through their callback; the callback here records it and, once
cancel was asked for, raises a private exception that unwinds the run at its next report.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..analysis import run_all
from ..errors import MultitrackError
from ..progress import ProgressEvent
from ..scenario import Scenario


class _Cancelled(Exception):
    """Raised inside the analyses' progress callback to stop a cancelled run."""


@dataclass(frozen=True)
class JobStatus:
    """What the page shows about a run: its state, the task under way and how far it is."""

    state: str          # queued | running | done | cancelled | failed
    task: str
    done: int
    total: int
    message: str
    version: int        # the scenario version the run analyses
    seconds: float

    def to_dict(self) -> dict:
        fraction = self.done / self.total if self.total else (1.0 if self.state == "done" else 0.0)
        return {"state": self.state, "task": self.task, "done": self.done, "total": self.total,
                "fraction": round(fraction, 4), "message": self.message, "version": self.version,
                "seconds": round(self.seconds, 1)}


class Job:
    """One run of every analysis on one scenario version; ``results`` is set when it is done."""

    def __init__(self, scenario: Scenario, draws: dict, version: int, gate: threading.Semaphore,
                 record: Callable[[Scenario, dict, dict], str] | None = None) -> None:
        """``draws``: the run's ``{"draws": n, "seed": s}``, read by every analysis that samples."""
        self.scenario, self.draws, self.version = scenario, draws, version
        self._record = record
        self.results: dict[str, Any] | None = None
        self._gate = gate
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._state, self._task, self._done, self._total, self._message = "queued", "", 0, 0, ""
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"multitrack-run-v{version}", daemon=True)

    def start(self) -> Job:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the run to stop at its next progress report (a queued run never starts)."""
        self._cancel.set()

    @property
    def active(self) -> bool:
        return self._state in ("queued", "running")

    def status(self) -> JobStatus:
        with self._lock:
            return JobStatus(self._state, self._task, self._done, self._total, self._message, self.version,
                             time.monotonic() - self._started)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end (tests); True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _set(self, **fields: Any) -> None:
        with self._lock:
            for name, value in fields.items():
                setattr(self, f"_{name}", value)

    def _progress(self, event: ProgressEvent) -> None:
        if self._cancel.is_set():
            raise _Cancelled
        self._set(task=event.task, done=event.done, total=event.total)

    def _run(self) -> None:
        while not self._gate.acquire(timeout=0.2):  # wait for a free slot, or for cancel
            if self._cancel.is_set():
                self._set(state="cancelled", message="cancelled before it started")
                return
            self._set(message="waiting for another analysis to finish")
        try:
            self._set(state="running", message="")
            results = run_all(self.scenario, progress=self._progress, draws=self.draws.get("draws"),
                              seed=self.draws.get("seed"))
            if self._cancel.is_set():
                raise _Cancelled
            self.results = results
            note = self._record(self.scenario, results, self.draws) if self._record else ""
            self._set(state="done", message="finished" + (f"; {note}" if note else ""))
        except _Cancelled:
            self._set(state="cancelled", message="cancelled")
        except MultitrackError as exc:
            self._set(state="failed", message=str(exc))
        except Exception as exc:  # noqa: BLE001 - the page must say that the run failed, not hang
            self._set(state="failed", message=f"the analysis failed: {type(exc).__name__}: {exc}")
        finally:
            self._gate.release()


def recorder(db: str | None, text: str, origin: str) -> Callable[[Scenario, dict, dict], str]:
    """Record a finished web run in the run database, as ``multitrack analyze`` does; a failure
    becomes a note on the page, never a lost result."""
    def record(scenario: Scenario, results: dict, draws: dict) -> str:
        from ..store import RunRegistry

        try:
            with RunRegistry(db) as registry:
                run_id = registry.record(scenario, results, scenario_text=text,
                                         parameters={**draws, "options": {}, "source": f"web: {origin}"})
        except Exception as exc:  # noqa: BLE001 - the results are there; recording is secondary
            return f"run not recorded: {' '.join(str(exc).split()) or type(exc).__name__}"
        return f"recorded as run {run_id}"
    return record
