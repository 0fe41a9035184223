"""What the run registry hands back: small frozen records, and its one error type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import MultitrackError

#: Version of the exported run document (``multitrack runs export``).
EXPORT_FORMAT = 1


class StoreError(MultitrackError):
    """The run database cannot be opened, read or written; the message is one line and names it."""


@dataclass(frozen=True)
class RunSummary:
    """One recorded run as ``runs list`` shows it: identity, scenario, settings; no results."""

    id: int
    created_at: str  # UTC, ISO 8601
    scenario_id: str
    scenario_title: str
    scenario_hash: str  # sha256 of the scenario's canonical JSON
    analyses: tuple[str, ...]
    parameters: dict[str, Any]
    software_version: str
    recorded_by: str | None = None  # who recorded it, as they named themselves (None: not known)


@dataclass(frozen=True)
class RunRecord:
    """One recorded run in full: the scenario as run, the parameters and the results document."""

    id: int
    created_at: str
    scenario_id: str
    scenario_title: str
    scenario_hash: str
    software_version: str
    analyses: tuple[str, ...]
    scenario: dict[str, Any]  # scenario.model_dump(mode="json")
    scenario_text: str | None  # the YAML as written, when known
    parameters: dict[str, Any]
    results: dict[str, Any]  # multitrack.results.results_document(...)
    recorded_by: str | None = None

    def summary(self) -> RunSummary:
        return RunSummary(self.id, self.created_at, self.scenario_id, self.scenario_title,
                          self.scenario_hash, self.analyses, self.parameters, self.software_version,
                          self.recorded_by)

    def to_dict(self) -> dict[str, Any]:
        """The whole record as one JSON-ready document (what ``runs export`` writes)."""
        return {
            "multitrack_run": EXPORT_FORMAT,
            "id": self.id,
            "created_at": self.created_at,
            "recorded_by": self.recorded_by,
            "software_version": self.software_version,
            "scenario": {"id": self.scenario_id, "title": self.scenario_title, "sha256": self.scenario_hash,
                         "content": self.scenario, "yaml": self.scenario_text},
            "parameters": self.parameters,
            "analyses": list(self.analyses),
            "results": self.results,
        }
