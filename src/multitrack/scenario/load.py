"""Load a scenario from a file, a text or a built-in name, turning every failure into a
:class:`~multitrack.errors.ScenarioError` that names the file, line, column and field."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..errors import LocatedValueError, Problem, ScenarioError
from . import builtins
from .control_chars import ControlCharacterError, located
from .model import Scenario
from .warnings import scenario_warnings
from .yaml_source import SourceMap, YamlDocument, read_yaml

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "required field is missing",
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
    "dict_type": "expected a mapping",
    "list_type": "expected a list",
}


def load(path_or_name: str | FsPath) -> Scenario:
    """The validated scenario in a file, or the built-in scenario of that name."""
    text, file = _read(path_or_name)
    return loads(text, file)


def check(path_or_name: str | FsPath) -> tuple[Scenario, list[Problem]]:
    """Load like :func:`load`, and also return the scenario's warnings located in the file."""
    text, file = _read(path_or_name)
    doc = read_yaml(text, file)
    scenario = from_document(doc)
    located = []
    for w in scenario_warnings(scenario):
        line, col = doc.source_map.locate(w.path)
        located.append(Problem(w.message, w.path, line, col))
    return scenario, located


def loads(text: str, file: str | None = None) -> Scenario:
    """Validate scenario YAML given as text; ``file`` only labels error messages."""
    doc = read_yaml(text, file)
    return from_document(doc)


def from_document(doc: YamlDocument) -> Scenario:
    if not isinstance(doc.data, dict):
        raise ScenarioError([Problem("a scenario file is a mapping of fields (id, title, actors, "
                                     "tracks, ...)", (), 1, 1)], doc.file)
    try:
        return Scenario.model_validate(doc.data)
    except ValidationError as exc:
        problems = [p for err in exc.errors() for p in _problems(err, doc.data, doc.source_map)]
        raise ScenarioError(_dedupe(problems), doc.file) from None
    except RecursionError:
        raise ScenarioError([Problem("scenario nested too deeply")], doc.file) from None


def _read(path_or_name: str | FsPath) -> tuple[str, str]:
    name = str(path_or_name)
    if name in builtins.names() and not FsPath(name).exists():
        return builtins.text(name), builtins.path(name)
    path = FsPath(name)
    if not path.exists():
        known = ", ".join(builtins.names())
        raise ScenarioError([Problem(f"no such file, and no built-in scenario of that name "
                                     f"(built-ins: {known})")], name)
    if path.is_dir():
        raise ScenarioError([Problem("is a folder, not a scenario file")], name)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot read the file: {exc.strerror}")], name) from None
    try:
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError([Problem("the file is not UTF-8 text", (), line)], name) from None


def _problems(err: ErrorDetails, data: Any, source_map: SourceMap) -> list[Problem]:
    """The problems of one pydantic error: one per text for control characters, else one."""
    cause = err.get("ctx", {}).get("error")
    if isinstance(cause, ControlCharacterError):
        return located(cause.found, source_map, _real_path(tuple(err["loc"]), data))
    return [_problem(err, data, source_map)]


def _problem(err: ErrorDetails, data: Any, source_map: SourceMap) -> Problem:
    """Locate one pydantic error in the YAML: strip union tags, add paths from our own errors."""
    loc = tuple(err["loc"])
    if "[key]" in loc:  # a mapping key that is not a valid id
        cut = loc.index("[key]")
        key_path = _real_path(loc[:cut], data)
        line, col = source_map.locate(key_path, key=True)
        return Problem(f"{key_path[-1]!r} is not a valid id (a letter, then letters, digits, '-' or "
                       "'_')", key_path[:-1], line, col)
    path = _real_path(loc, data)
    cause = err.get("ctx", {}).get("error")
    if isinstance(cause, LocatedValueError):
        path = path + cause.path
        message = cause.message
    else:
        message = _MESSAGES.get(err["type"], err["msg"])
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        elif err["type"] == "union_tag_invalid":
            ctx = err["ctx"]
            field_ = ctx["discriminator"].strip("'")
            path = path + (field_,)
            message = f"{ctx['tag']!r} is not a known {field_} (use {ctx['expected_tags']})"
        elif err["type"] == "too_short":
            ctx = err["ctx"]
            message = f"needs at least {ctx['min_length']}, found {ctx['actual_length']}"
        elif err["type"] not in _MESSAGES and "input" in err and _is_scalar(err["input"]):
            message += f" (got {err['input']!r})"
    at_key = err["type"] == "extra_forbidden" or isinstance(_node(data, path), (dict, list))
    line, col = source_map.locate(path, key=at_key)
    return Problem(message, path, line, col)


def _node(data: Any, path: tuple) -> Any:
    """The input value at ``path`` (None where the path leaves the input)."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _real_path(loc: tuple, data: Any) -> tuple:
    """Keep only the parts of a pydantic location that exist in the input (drop union tags)."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not _is_tag(part):
            out.append(part)  # a missing or unknown field: name it
            node = None
        elif node is None and isinstance(part, (str, int)) and not _is_tag(str(part)):
            out.append(part)
    return tuple(out)


def _is_tag(part: str) -> bool:
    """Union and validator tags that pydantic adds to locations."""
    return part in {"fixed", "normal", "uniform", "triangular", "pert", "choice", "categorical",
                    "ordinal", "integer", "continuous", "unanimity", "qualified", "weighted",
                    "str", "function-before[_as_mapping(), tagged-union[Fixed,Normal,Uniform,"
                    "Triangular,Pert,Choice]]"} or part.startswith(("function-", "tagged-union", "union"))


def _is_scalar(x: Any) -> bool:
    return isinstance(x, (str, int, float, bool)) or x is None


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """One problem per field, most specific first (unions report every alternative)."""
    seen: dict[tuple, Problem] = {}
    for p in problems:
        seen.setdefault(p.path, p)
    return list(seen.values())
