"""A scenario being edited: its plain data, the validated model (when valid) and its problems.

Text is read only with the project's safe loader (:func:`multitrack.scenario.loads` validates,
the safe YAML reader gives the plain data to edit); edited data is written back to YAML with the
project's ruamel.yaml round-trip writer and validated again by ``loads``, so the YAML a user
downloads is exactly the text that was checked.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, ScenarioError
from ..interop.scenario_yaml import scenario_yaml
from ..scenario import Scenario, loads
from ..scenario.yaml_source import read_yaml


@dataclass
class Draft:
    """One version of a scenario in a session; ``data`` is what the form shows and edits."""

    data: Any
    file: str                      # the name messages use (a base name, never a path)
    scenario: Scenario | None      # None while the data is invalid
    error: ScenarioError | None = None
    text: str = ""                 # the YAML the model was validated from
    version: int = 1
    origin: str = ""               # where it came from: "built-in border-talks", "upload mine.yaml"

    @property
    def problems(self) -> list[Problem]:
        return list(self.error.problems) if self.error else []

    @property
    def download_name(self) -> str:
        sid = self.data.get("id") if isinstance(self.data, dict) else None
        return f"{sid if isinstance(sid, str) and sid.isascii() else 'scenario'}.yaml"


def from_text(text: str, file: str, origin: str) -> Draft:
    """A draft from YAML text; raises ScenarioError when the text is not even readable YAML."""
    data = read_yaml(text, file).data  # the safe reader: no tags, size limits, located errors
    try:
        scenario = loads(text, file)
    except ScenarioError as exc:
        return Draft(data, file, None, exc, text, origin=origin)
    return Draft(data, file, scenario, None, text, origin=origin)


def edited(draft: Draft, data: Any) -> Draft:
    """The next version of ``draft`` with ``data``, written to YAML and validated again."""
    file = draft.download_name
    text = to_yaml(data, draft.origin)
    try:
        scenario = loads(text, file)
        error = None
    except ScenarioError as exc:
        scenario, error = None, exc
    return Draft(data, file, scenario, error, text, draft.version + 1, draft.origin)


def to_yaml(data: Any, source: str) -> str:
    """Plain data as YAML text with a one-line header saying where it came from."""
    return scenario_yaml(data, header=f"Edited with multitrack serve ({source})")


def working_copy(draft: Draft) -> Any:
    """A deep copy of the draft's data to edit without touching the current version."""
    return copy.deepcopy(draft.data)
