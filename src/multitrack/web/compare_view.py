"""The "compare with the previous run" view: the headline changes between the session's last two
runs (the session keeps no more than two), found and worded by :mod:`multitrack.compare` -- the
same comparison as ``multitrack compare``: changes within the Monte Carlo noise suppressed, one
sentence per real change, the biggest first."""

from __future__ import annotations

from typing import Any

from ..compare import CompareResult, compare_documents
from .sessions import Session


def comparison(session: Session) -> CompareResult | None:
    """The previous run compared with the current one, or None when the session has no previous
    run. Computed once per pair of runs and kept with the session."""
    if session.previous is None or session.results is None:
        return None
    key = (session.previous_version, session.results_version, id(session.previous), id(session.results))
    cached = session.comparison
    if cached is not None and cached[0] == key:
        return cached[1]
    found = compare_documents(_documents(session.previous), _documents(session.results),
                              f"the previous run (scenario version {session.previous_version})",
                              f"this run (version {session.results_version})",
                              _json(session.previous_scenario), _json(session.results_scenario))
    session.comparison = (key, found)
    return found


def _documents(results: dict[str, Any]) -> dict[str, Any]:
    return {name: result.to_dict() for name, result in results.items()}


def _json(scenario: Any) -> Any:
    return scenario.model_dump(mode="json") if scenario is not None else None
