"""A scenario being edited: its plain data, the validated model (when valid) and its problems.

Text is read only with the project's safe loader (:func:`multitrack.scenario.loads` validates,
the safe YAML reader gives the plain data the form shows). Edits are made in place on ruamel.yaml's
round-trip tree of the draft's text (:func:`working_tree`), so every comment, the key order and the
layout of the original survive; that tree is written back and validated again by ``loads``, so the
YAML a user downloads is exactly the text that was checked.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML

from ..errors import Problem, ScenarioError
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


def edited(draft: Draft, tree: Any) -> Draft:
    """The next version of ``draft`` from its edited round-trip ``tree`` (see :func:`working_tree`),
    written to YAML with the original's comments and validated again."""
    file = draft.download_name
    text = to_yaml(tree, draft.origin)
    data = read_yaml(text, file).data
    try:
        scenario = loads(text, file)
        error = None
    except ScenarioError as exc:
        scenario, error = None, exc
    return Draft(data, file, scenario, error, text, draft.version + 1, draft.origin)


def _round_trip() -> YAML:
    """ruamel.yaml's round-trip reader and writer, set to the layout of the project's own files."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def to_yaml(tree: Any, source: str) -> str:
    """A round-trip tree as YAML text, its comments kept, under a one-line header saying it was edited."""
    buffer = io.StringIO()
    _round_trip().dump(tree, buffer)
    header = f"# Edited with multitrack serve ({source})\n"
    text = buffer.getvalue()
    return text if text.startswith(header) else header + text


def working_tree(draft: Draft) -> Any:
    """The draft's text as ruamel.yaml's round-trip tree (mappings and lists carrying their comments),
    to edit in place without touching the current version. The text already passed the safe reader,
    so it holds no tags beyond YAML's own and no oversized alias expansion."""
    return _round_trip().load(draft.text)
