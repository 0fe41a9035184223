"""What-if on any scenario value: ``PATH=VALUE`` changes one value of the scenario as read from
its file, addressed by id, before the scenario is validated, so that every analysis sees the
change and a bad value gets the same located one-line error as a bad value in the file.

A path is a dotted list of segments over the file's data: a mapping is entered by key, a list
whose items have an ``id`` by that id (``tracks.ukraine-status``), any list by position
(``red_lines[0]``); keys that are not plain names are quoted in brackets
(``up["crisis->incident"]``). The value is read as YAML, with the file's own safe reader.
Named variants of the scenario (``variants:``, see :mod:`.variants`) carry such changes under
``set:``; :func:`load_with` applies them, and makes the variant's model changes the main model.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from ..errors import MultitrackError, Problem, ScenarioError, format_path
from .idpath import SetPathError, parse_path
from .load import _read, from_document
from .model import Scenario
from .yaml_source import Path, YamlDocument, read_yaml


@dataclass(frozen=True)
class SetValue:
    """One change: the path as written, its segments, the new value (plain YAML data), and where
    it was written (``origin``: '--set' or 'FILE:LINE:COL: variants[k].set' for a variant's)."""

    text: str
    segments: tuple[str | int, ...]
    value: Any
    origin: str = "--set"
    line: int | None = None
    column: int | None = None


def parse_set(item: str) -> SetValue:
    """``PATH=VALUE`` as given on the command line; the value is read as YAML."""
    path, sep, raw = item.partition("=")
    if not sep or not path.strip():
        raise SetPathError(f"--set {item}: expected PATH=VALUE, e.g. "
                           "tracks.ukraine-status.issues.accession-moratorium.positions.RUS.red_lines[0].below=20")
    if not raw.strip():
        raise SetPathError(f"--set {item}: the value is empty")
    try:
        value = read_yaml(raw, "--set").data
    except ScenarioError as exc:
        raise SetPathError(f"--set {item}: cannot read the value: {exc.problems[0].message}") from None
    return SetValue(path.strip(), parse_path(path.strip()), value)


def resolve(data: Any, change: SetValue) -> tuple[Path, bool]:
    """The key path (ids turned into list positions) that ``change`` addresses in ``data``, and
    whether its last key is new (a field not written in the file, added to a mapping)."""
    node = data
    out: list[str | int] = []
    for k, seg in enumerate(change.segments):
        last = k == len(change.segments) - 1
        if isinstance(node, dict) and isinstance(seg, str):
            if seg not in node:
                if last:
                    return tuple(out) + (seg,), True
                raise _missing(change, k, list(node), "key")
            out.append(seg)
            node = node[seg]
        elif isinstance(node, list) and isinstance(seg, int):
            if seg >= len(node):
                raise _missing(change, k, [f"[{i}]" for i in range(len(node))], "position",
                               f"the list has {len(node)} item{'s' if len(node) != 1 else ''}")
            out.append(seg)
            node = node[seg]
        elif isinstance(node, list) and isinstance(seg, str):
            ids = [item.get("id") for item in node if isinstance(item, dict)]
            if seg not in ids:
                raise _missing(change, k, [str(i) for i in ids if i is not None], "id")
            pos = next(i for i, item in enumerate(node) if isinstance(item, dict) and item.get("id") == seg)
            out.append(pos)
            node = node[pos]
        else:
            what = "a single value"
            if isinstance(node, (dict, list)):
                what = "a mapping (use .key)" if isinstance(node, dict) else "a list (use an id or [n])"
            raise SetPathError(f"{change.origin} {change.text}: {_shown(change.segments[:k + 1])} does "
                               f"not exist: {_shown(change.segments[:k]) or 'the scenario'} is {what}")
    return tuple(out), False


def apply_sets(doc: YamlDocument, changes: Sequence[SetValue]) -> Scenario:
    """The scenario in ``doc`` with ``changes`` applied, validated like the file.

    A problem in a changed value is located at the value it replaces (a --set) or at the change
    itself (a variant's ``set:``), with the field path, as a problem in the file would be."""
    data = copy.deepcopy(doc.data)
    placed: list[tuple[Path, list[str] | None, SetValue]] = []
    for change in changes:
        path, new = resolve(data, change)
        written = list(_node(data, path[:-1])) if new else None
        _put(data, path, copy.deepcopy(change.value))
        placed.append((path, written, change))
    try:
        return from_document(YamlDocument(data, doc.source_map, doc.file))
    except ScenarioError as exc:
        raise _relocated(exc, placed) from None


def load_with(path_or_name: str | FsPath, sets: Iterable[str] = (), variant: str | None = None) -> Scenario:
    """Load a scenario file (or built-in) with the named variant's changes and then the
    ``PATH=VALUE`` ``sets`` applied (the command-line changes win over the variant's)."""
    text, file = _read(path_or_name)
    return loads_with(text, file, sets, variant)


def loads_with(text: str, file: str | None = None, sets: Iterable[str] = (),
               variant: str | None = None) -> Scenario:
    """:func:`load_with` for scenario YAML given as text (``file`` labels error messages)."""
    doc = read_yaml(text, file)
    base = from_document(doc)  # the file as written must be valid before anything is changed
    changes = [parse_set(item) for item in sets]
    if variant is None:
        return apply_sets(doc, changes) if changes else base
    doc = variant_document(doc, base, variant)
    return apply_sets(doc, variant_sets(doc, variant) + changes)


def variant_document(doc: YamlDocument, scenario: Scenario, name: str) -> YamlDocument:
    """The file's data with the variant's model changes (escalation, deterrence) made the main
    model, and the variant taken out of the variants compared (it is now the scenario itself)."""
    ids = [v.id for v in scenario.variants]
    if name not in ids:
        listed = ", ".join(ids) if ids else "the scenario defines none"
        raise SetPathError(f"--variant {name}: no variant of that name in {doc.file or 'the scenario'} "
                           f"(variants: {listed})")
    k = ids.index(name)
    variant = scenario.variants[k]
    data = copy.deepcopy(doc.data)
    raw = data["variants"][k]
    if variant.escalation is not None:
        _escalation_as_main(data, variant.escalation.transitions, raw["escalation"]["transitions"])
    if variant.deterrence is not None:
        _deterrence_as_main(data, variant, raw["deterrence"])
    return YamlDocument(data, doc.source_map, doc.file)


def variant_sets(doc: YamlDocument, name: str) -> list[SetValue]:
    """The variant's ``set:`` entries as changes, each located at its line in the file; the
    variant itself is removed from the list of variants compared (the last change)."""
    variants = doc.data["variants"]
    k = next(i for i, v in enumerate(variants) if v.get("id") == name)
    out = []
    for text, value in (variants[k].get("set") or {}).items():
        line, col = doc.source_map.locate(("variants", k, "set", text), key=True)
        origin = Problem("", (), line, col).where(doc.file) + f": {format_path(('variants', k, 'set'))}"
        out.append(SetValue(text, parse_path(text, origin), value, origin, line, col))
    rest = [v for i, v in enumerate(variants) if i != k]
    out.append(SetValue("variants", ("variants",), rest, "--variant"))
    return out


def _escalation_as_main(data: dict, changes: dict, raw: dict) -> None:
    """Each changed transition replaced (the variant's estimate) or scaled, in every theatre it acts in."""
    for theatre in data.get("escalation", {}).get("theatres", []):
        for side in ("up", "down"):
            for name, given in (theatre.get(side) or {}).items():
                change = changes.get(name)
                if change is None or (change.theatres and theatre.get("id") not in change.theatres):
                    continue
                theatre[side][name] = _changed(given, change, raw[name])


def _deterrence_as_main(data: dict, variant: Any, raw: dict) -> None:
    changes = variant.deterrence
    for crisis in data.get("deterrence", []):
        if changes.crises and crisis.get("id") not in changes.crises:
            continue
        if changes.challenger_value is not None:
            crisis["challenger_value"] = _changed(crisis["challenger_value"], changes.challenger_value,
                                                  raw["challenger_value"])
        for guarantee in crisis.get("guarantees", []):
            for term, change in changes.terms.items():
                if term in (guarantee.get("terms") or {}):
                    guarantee["terms"][term] = _changed(guarantee["terms"][term], change, raw["terms"][term])


#: The fields of an estimate that scale with it (a positive multiple of a draw is the same
#: distribution with these multiplied; the quantiles, and so the common factors, are unchanged).
_SCALED = ("value", "mean", "sd", "low", "mode", "high", "values")


def _changed(given: Any, change: Any, raw: dict) -> Any:
    """The input as the variant has it: its own estimate, or the written one times the factor."""
    if change.value is not None:
        return copy.deepcopy(raw["value"])
    factor = change.factor
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        return given * factor
    out = dict(given)
    for key in _SCALED:
        if isinstance(out.get(key), list):
            out[key] = [x * factor for x in out[key]]
        elif isinstance(out.get(key), (int, float)):
            out[key] = out[key] * factor
    return out


def _node(data: Any, path: Path) -> Any:
    for seg in path:
        data = data[seg]
    return data


def _put(data: Any, path: Path, value: Any) -> None:
    _node(data, path[:-1])[path[-1]] = value


def _missing(change: SetValue, k: int, valid: list[str], what: str, why: str = "") -> SetPathError:
    """A path segment that does not exist, with the nearest valid keys or ids."""
    seg = change.segments[k]
    shown = f"[{seg}]" if isinstance(seg, int) else repr(seg)
    where = _shown(change.segments[:k]) or "the scenario's top level"
    if why:
        return SetPathError(f"{change.origin} {change.text}: no position {shown} in {where}: {why}")
    near = difflib.get_close_matches(str(seg), valid, n=5, cutoff=0.5) or valid[:8]
    listed = ", ".join(near) + (", ..." if len(valid) > len(near) else "") if valid else "none"
    return SetPathError(f"{change.origin} {change.text}: no {what} {shown} in {where} (nearest: {listed})")


def _shown(segments: Sequence[str | int]) -> str:
    """Segments as the user wrote them (ids, not positions)."""
    out = ""
    for seg in segments:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out


def _relocated(exc: ScenarioError, placed: list[tuple[Path, list[str] | None, SetValue]]) -> MultitrackError:
    """Point a problem inside a changed value at that change; an unknown field added by a change
    is a bad path (with the nearest fields)."""
    problems = []
    for p in exc.problems:
        hit = next(((path, w, c) for path, w, c in placed if p.path[:len(path)] == path), None)
        if hit is None:
            problems.append(p)
            continue
        path, written, change = hit
        if written is not None and p.path == path and p.message == "unknown field":
            return _missing(change, len(change.segments) - 1, written, "field")
        if change.line is not None:
            p = Problem(p.message, p.path, change.line, change.column)
        problems.append(p)
    return ScenarioError(problems, exc.file, exc.warnings)
