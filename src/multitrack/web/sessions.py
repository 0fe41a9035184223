"""Browser sessions: each has its own scenario draft, run settings, run and results.

A session is found by a random id in an HttpOnly cookie; ids are never derived from anything the
client sends, so one user cannot reach another's scenario. Sessions are made only by a POST (an
explicit action); a GET without a session cookie is answered from a throw-away empty session, so no
number of cookie-less requests (a hostile page's image tags) can add server state or push out
anyone's work. The store keeps a bounded number of sessions and, over the limit, forgets empty
ones before ones holding a scenario, least recently used first, never one with a run going.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..scenario import Scenario
from .draft import Draft
from .runner import Job

COOKIE = "multitrack_session"


@dataclass
class Session:
    """One browser's workspace."""

    id: str
    draft: Draft | None = None
    draws: str | None = None       # as typed; checked when a run starts
    seed: str | None = None
    job: Job | None = None
    results: dict[str, Any] | None = None
    results_scenario: Scenario | None = None       # the scenario the results were computed on
    results_version: int = 0
    # the run before the current results (the session keeps its last two runs, no more)
    previous: dict[str, Any] | None = None
    previous_scenario: Scenario | None = None
    previous_version: int = 0
    comparison: Any = None          # (runs compared, their comparison), kept by compare_view
    evaluation: Any = None          # the last proposals evaluated (multitrack.proposals.EvaluationResult)
    evaluation_version: int = 0
    messages: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) shown once
    lock: threading.RLock = field(default_factory=threading.RLock)

    def say(self, kind: str, text: str) -> None:
        """Queue a message (``error``, ``info``) for the next page view."""
        self.messages.append((kind, text))

    def take_messages(self) -> list[tuple[str, str]]:
        out, self.messages = self.messages, []
        return out

    @property
    def results_current(self) -> bool:
        """Whether the results belong to the draft shown now."""
        return (self.results is not None and self.draft is not None
                and self.results_version == self.draft.version)

    def collect(self) -> None:
        """Take the results of a finished run (called whenever the session is looked at)."""
        job = self.job
        if job is None or job.results is None:
            return
        if job.proposals is not None:
            self.evaluation, self.evaluation_version = job.results, job.version
        elif job.version >= self.results_version:
            if self.results is not None:
                self.previous, self.previous_scenario, self.previous_version = (
                    self.results, self.results_scenario, self.results_version)
            self.results, self.results_scenario, self.results_version = job.results, job.scenario, job.version
        job.results = None

    @property
    def empty(self) -> bool:
        """Whether nothing was loaded, run or computed here yet."""
        return self.draft is None and self.job is None and self.results is None

    def forget_results(self) -> None:
        """Drop results and stop any run (a different scenario was loaded)."""
        if self.job is not None:
            self.job.cancel()
        self.job, self.results, self.results_scenario, self.results_version = None, None, None, 0
        self.previous, self.previous_scenario, self.previous_version = None, None, 0
        self.comparison = None
        self.evaluation, self.evaluation_version = None, 0


class SessionStore:
    """Sessions by id, at most ``limit`` of them."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session_id: str | None) -> Session | None:
        """The session with this id, or None; marks it as recently used."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                self._sessions.move_to_end(session_id)
            return session

    def create(self) -> Session:
        """A new empty session with a fresh random id."""
        session = Session(secrets.token_urlsafe(32))
        with self._lock:
            self._sessions[session.id] = session
            self._evict()
        return session

    def __len__(self) -> int:
        return len(self._sessions)

    def _evict(self) -> None:
        """Over the limit, forget empty sessions first, then the least recently used idle ones;
        a session with a run going is kept."""
        for spare_work in (True, False):
            for sid in list(self._sessions):
                if len(self._sessions) <= self._limit:
                    return
                session = self._sessions[sid]
                if spare_work and not session.empty:
                    continue
                if session.job is None or not session.job.active:
                    del self._sessions[sid]
