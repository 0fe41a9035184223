"""Analyses in a separate process, one per run, with progress to poll and a Cancel that stops it at once.

Each run is a child process (started fresh, not forked from the threaded server) that reports
progress and sends its results back through a pipe; a thread here supervises it, holding one of
the server's run slots. Cancel, or a run passing the server's time limit, terminates the child, so
the slot is free again within a fraction of a second however coarse the analyses' own progress
reports are.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ..analysis import run_all
from ..errors import MultitrackError
from ..progress import ProgressEvent
from ..scenario import Scenario

#: A fresh interpreter per run: forking a server that runs threads could copy a held lock.
_CONTEXT = multiprocessing.get_context("spawn")
#: How often the supervisor looks for cancel, the time limit and the child's messages, in seconds.
_TICK = 0.05


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


def _work(scenario: Scenario, draws: dict, conn: Connection, proposals: tuple | None = None) -> None:
    """The child process: run every analysis (or, given ``proposals``, evaluate them with the same
    draws), sending progress (at most every 0.1 s) and then the results, or the reason it failed."""
    last = [0.0]

    def progress(event: ProgressEvent) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.1 or event.done == event.total:
            last[0] = now
            conn.send(("progress", event.task, event.done, event.total))

    try:
        if proposals is not None:
            results: Any = _evaluate(scenario, draws, proposals)
        else:
            results = run_all(scenario, progress=progress, draws=draws.get("draws"), seed=draws.get("seed"))
    except MultitrackError as exc:
        conn.send(("failed", str(exc)))
    except Exception as exc:  # noqa: BLE001 - the page must say that the run failed, not hang
        conn.send(("failed", f"the analysis failed: {type(exc).__name__}: {exc}"))
    else:
        conn.send(("done", results))
    finally:
        conn.close()


def _evaluate(scenario: Scenario, draws: dict, proposals: tuple) -> Any:
    """Proposals evaluated by the proposals API over the run's draws (docs/proposals.md)."""
    from ..proposals import evaluate_proposals
    from ..settlement import Settlement

    settlement = Settlement.from_scenario(scenario, draws=draws.get("draws"), seed=draws.get("seed"))
    return evaluate_proposals(scenario, proposals, settlement=settlement)


class Job:
    """One run of every analysis on one scenario version (or one evaluation of proposals);
    ``results`` is set when it is done."""

    def __init__(self, scenario: Scenario, draws: dict, version: int, gate: threading.Semaphore,
                 record: Callable[[Scenario, dict, dict], str] | None = None,
                 time_limit: float | None = None, proposals: tuple | None = None) -> None:
        """``draws``: the run's ``{"draws": n, "seed": s}``, read by every analysis that samples;
        ``time_limit``: seconds a run may take once started before it is stopped (None: no limit);
        ``proposals``: evaluate these (:mod:`multitrack.proposals`) instead of running the analyses."""
        self.scenario, self.draws, self.version = scenario, draws, version
        self.proposals = proposals
        self._record = record
        self._time_limit = time_limit
        self.results: dict[str, Any] | None = None
        self._gate = gate
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._state, self._done, self._total, self._message = "queued", 0, 0, ""
        self._task = "evaluating proposals" if proposals is not None else ""
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"multitrack-run-v{version}", daemon=True)

    def start(self) -> Job:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop the run: its process is terminated within a tick (a queued run never starts)."""
        self._cancel.set()

    @property
    def active(self) -> bool:
        return self._state in ("queued", "running")

    def status(self) -> JobStatus:
        with self._lock:
            return JobStatus(self._state, self._task, self._done, self._total, self._message, self.version,
                             time.monotonic() - self._started)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the supervising thread to end (tests); True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _set(self, **fields: Any) -> None:
        with self._lock:
            for name, value in fields.items():
                setattr(self, f"_{name}", value)

    def _run(self) -> None:
        while not self._gate.acquire(timeout=_TICK):  # wait for a free slot, or for cancel
            if self._cancel.is_set():
                self._set(state="cancelled", message="cancelled before it started")
                return
            self._set(message="waiting for another analysis to finish")
        try:
            self._set(state="running", message="starting")
            outcome = self._supervise()
            if outcome[0] == "done":
                self.results = outcome[1]
                note = self._record(self.scenario, outcome[1], self.draws) if self._record else ""
                self._set(state="done", message="finished" + (f"; {note}" if note else ""))
            else:
                self._set(state=outcome[0], message=outcome[1])
        except Exception as exc:  # noqa: BLE001 - the page must say that the run failed, not hang
            self._set(state="failed", message=f"the analysis failed: {type(exc).__name__}: {exc}")
        finally:
            self._gate.release()

    def _supervise(self) -> tuple[str, Any]:
        """Run the child to its end, its cancel or its time limit: (state, results or message)."""
        receiver, sender = _CONTEXT.Pipe(duplex=False)
        child = _CONTEXT.Process(target=_work, args=(self.scenario, self.draws, sender, self.proposals),
                                 daemon=True, name=f"multitrack-run-v{self.version}")
        child.start()
        sender.close()
        begun = time.monotonic()
        try:
            while True:
                if self._cancel.is_set():
                    return "cancelled", "cancelled"
                if self._time_limit is not None and time.monotonic() - begun > self._time_limit:
                    return "failed", (f"stopped: over this server's time limit of {self._time_limit:g} s "
                                      "for one run; use fewer draws or a coarser grid")
                if not receiver.poll(_TICK):
                    if not child.is_alive() and not receiver.poll():
                        return "failed", _lost(child)
                    continue
                try:
                    message = receiver.recv()
                except EOFError:
                    return "failed", _lost(child)
                if message[0] == "progress":
                    self._set(task=message[1], done=message[2], total=message[3], message="")
                else:
                    return message[0], message[1]
        finally:
            _stop(child)
            receiver.close()


def _lost(child: Any) -> str:
    return f"the analysis process ended unexpectedly (exit code {child.exitcode})"


def _stop(child: Any) -> None:
    """End the child process now if it still runs (terminate, then kill) and reap it."""
    if child.is_alive():
        child.terminate()
        child.join(1.0)
        if child.is_alive():
            child.kill()
    child.join(1.0)


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
