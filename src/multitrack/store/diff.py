"""What changed between two recorded runs: input fields, parameters, and the results that moved.

Inputs are compared field by field on the scenarios' JSON and named the way validation errors
name them (``tracks[0].issues[1].positions.north.salience``); an estimate is one field, shown as
its nominal value or distribution. Results are flattened into leaves with readable labels
(``agreement · border · can_agree``); long arrays such as frontier point lists are only counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import format_path
from ..scenario.estimates import DISTRIBUTIONS
from .records import RunRecord, RunSummary

#: Lists longer than this (and lists of lists, such as frontier points) are counted, not itemised.
BULKY = 20
SEP = " · "
_ESTIMATE_META = ("source", "estimated", "note")
_IDENTITY = ("id", "design", "track", "forum", "concept", "claim", "name", "actor", "issue", "driver",
             "model")
_TEXT_WIDTH = 80
#: Shown for a result leaf that only one of the two runs has.
ABSENT = "(absent)"


@dataclass(frozen=True)
class Change:
    """An input field or parameter that differs: ``kind`` is changed, added or removed."""

    path: str
    kind: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ResultMove:
    """A result leaf that moved: numbers carry their difference, other values only old and new."""

    label: str
    old: Any
    new: Any
    delta: float | None = None

    @property
    def numeric(self) -> bool:
        return self.delta is not None


@dataclass(frozen=True)
class RunDiff:
    """Run ``a`` against run ``b``: what went in differently and what came out differently."""

    a: RunSummary
    b: RunSummary
    inputs: tuple[Change, ...]
    parameters: tuple[Change, ...]
    results: tuple[ResultMove, ...]  # booleans and text first, then numbers by size of the move
    bulky_changed: int  # long arrays (frontier points, input lists) that differ, not itemised

    @property
    def same_scenario(self) -> bool:
        return self.a.scenario_hash == self.b.scenario_hash

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a.id, "b": self.b.id, "same_scenario": self.same_scenario,
            "inputs": [vars(c) for c in self.inputs],
            "parameters": [vars(c) for c in self.parameters],
            "results": [{"label": m.label, "old": m.old, "new": m.new, "delta": m.delta}
                        for m in self.results],
            "bulky_changed": self.bulky_changed,
        }


def diff_records(a: RunRecord, b: RunRecord) -> RunDiff:
    """Compare two whole run records."""
    parameters = diff_tree(a.parameters, b.parameters)
    if a.software_version != b.software_version:
        parameters.append(Change("software version", "changed", a.software_version, b.software_version))
    moves, bulky = diff_results(a.results, b.results)
    return RunDiff(a.summary(), b.summary(), tuple(diff_tree(a.scenario, b.scenario)), tuple(parameters),
                   tuple(moves), bulky)


# -- inputs ---------------------------------------------------------------------------------


def diff_tree(a: Any, b: Any) -> list[Change]:
    """Every field that differs between two JSON trees, at the highest level that differs."""
    out: list[Change] = []
    _walk(a, b, (), out)
    return out


def _walk(a: Any, b: Any, path: tuple[str | int, ...], out: list[Change]) -> None:
    if _is_estimate(a) and _is_estimate(b):
        if _estimate_value(a) != _estimate_value(b):
            out.append(Change(format_path(path), "changed", render(a), render(b)))
        for key in _ESTIMATE_META:
            _walk(a.get(key), b.get(key), path + (key,), out)
    elif isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if key not in b:
                out.append(Change(format_path(path + (key,)), "removed", render(a[key]), None))
            elif key not in a:
                out.append(Change(format_path(path + (key,)), "added", None, render(b[key])))
            else:
                _walk(a[key], b[key], path + (key,), out)
    elif isinstance(a, list) and isinstance(b, list) and not (_scalars(a) and _scalars(b)):
        _walk_list(a, b, path, out)
    elif not same(a, b):
        out.append(Change(format_path(path), "changed", render(a), render(b)))


def _walk_list(a: list, b: list, path: tuple[str | int, ...], out: list[Change]) -> None:
    """Items with ids are matched by id (an inserted track does not shift the others); other
    lists index by index. Paths use the index in run b (in run a for removed items)."""
    ids_a, ids_b = _ids(a), _ids(b)
    if ids_a is None or ids_b is None:
        for i in range(max(len(a), len(b))):
            if i >= len(b):
                out.append(Change(format_path(path + (i,)), "removed", render(a[i]), None))
            elif i >= len(a):
                out.append(Change(format_path(path + (i,)), "added", None, render(b[i])))
            else:
                _walk(a[i], b[i], path + (i,), out)
        return
    where_a = {item_id: i for i, item_id in enumerate(ids_a)}
    for j, item_id in enumerate(ids_b):
        if item_id in where_a:
            _walk(a[where_a[item_id]], b[j], path + (j,), out)
        else:
            out.append(Change(format_path(path + (j,)), "added", None, render(b[j])))
    for i, item_id in enumerate(ids_a):
        if item_id not in set(ids_b):
            out.append(Change(format_path(path + (i,)), "removed", render(a[i]), None))


def _ids(items: list) -> list[str] | None:
    """The items' ``id`` fields when every item is a mapping with a distinct id."""
    if not items or not all(isinstance(x, dict) and isinstance(x.get("id"), str) for x in items):
        return None
    ids = [x["id"] for x in items]
    return ids if len(set(ids)) == len(ids) else None


def _is_estimate(x: Any) -> bool:
    return isinstance(x, dict) and x.get("dist") in DISTRIBUTIONS


def _estimate_value(x: dict) -> dict:
    return {k: v for k, v in x.items() if k not in _ESTIMATE_META}


def render_estimate(x: dict) -> str:
    """An estimate as a reader writes it: ``0.4``, ``pert(0.5, 0.65, 0.8)``, ``uniform(0, 1) ~ 0.5``."""
    dist = x.get("dist")
    if dist == "fixed":
        return _num(x.get("value"))
    if dist in ("pert", "triangular"):
        lamb = x.get("lamb", 4.0)
        extra = f", lamb {_num(lamb)}" if dist == "pert" and lamb != 4.0 else ""
        return f"{dist}({_num(x['low'])}, {_num(x['mode'])}, {_num(x['high'])}{extra})"
    if dist == "normal":
        bounds = "".join(f", {k} {_num(x[k])}" for k in ("low", "high") if x.get(k) is not None)
        return f"normal(mean {_num(x['mean'])}, sd {_num(x['sd'])}{bounds})"
    if dist == "uniform":
        return f"uniform({_num(x['low'])}, {_num(x['high'])}) ~ {_num((x['low'] + x['high']) / 2)}"
    if dist == "choice":
        weights = f", weights {', '.join(map(_num, x['weights']))}" if x.get("weights") else ""
        return f"choice({', '.join(map(_num, x['values']))}{weights})"
    return _clip(str(x))


def render(x: Any) -> str:
    """A value as one short line of text for a diff table."""
    if _is_estimate(x):
        return render_estimate(x)
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (int, float)):
        return _num(x)
    if isinstance(x, str):
        return _clip(" ".join(x.split()))
    if isinstance(x, dict):
        if isinstance(x.get("id"), str):
            return f"{{id: {x['id']}, ...}}"
        return _clip("{" + ", ".join(f"{k}: {render(v)}" for k, v in x.items() if v is not None) + "}")
    if isinstance(x, list):
        return _clip("[" + ", ".join(render(v) for v in x) + "]")
    return _clip(str(x))


def _num(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return render(x)
    if isinstance(x, int) or (math.isfinite(x) and x == int(x) and abs(x) < 1e15):
        return str(int(x))
    return f"{x:.4g}"


def _clip(text: str) -> str:
    return text if len(text) <= _TEXT_WIDTH else text[:_TEXT_WIDTH - 3] + "..."


def _scalars(items: list) -> bool:
    return all(not isinstance(x, (dict, list)) for x in items)


def same(a: Any, b: Any) -> bool:
    """Equal values of the same kind (``1 == True`` and ``0.0 == False`` do not count)."""
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


# -- results --------------------------------------------------------------------------------

Key = tuple[Any, ...]


def diff_results(a: dict[str, Any], b: dict[str, Any]) -> tuple[list[ResultMove], int]:
    """Result leaves that moved between two results documents, and how many long arrays changed."""
    analyses_a, analyses_b = a.get("analyses") or {}, b.get("analyses") or {}
    moves: list[ResultMove] = []
    for name in [*analyses_a, *(n for n in analyses_b if n not in analyses_a)]:
        if name not in analyses_b or name not in analyses_a:
            moves.append(ResultMove(f"{name} (analysis)", "run" if name in analyses_a else "not run",
                                    "run" if name in analyses_b else "not run"))
    leaves_a, bulky_a = flatten(analyses_a)
    leaves_b, bulky_b = flatten(analyses_b)
    common = set(analyses_a) & set(analyses_b)
    for key in [*leaves_a, *(k for k in leaves_b if k not in leaves_a)]:
        if key[0] in common:
            move = _move(leaves_a.get(key), leaves_b.get(key))
            if move is not None:
                moves.append(move)
    bulky = sum(1 for k in set(bulky_a) | set(bulky_b)
                if k[0] in common and not _same_json(bulky_a.get(k), bulky_b.get(k)))
    numeric = sorted((m for m in moves if m.numeric), key=lambda m: -abs(m.delta or 0.0))
    return [m for m in moves if not m.numeric] + numeric, bulky


def _move(a: tuple[str, Any] | None, b: tuple[str, Any] | None) -> ResultMove | None:
    label = (b or a or ("", None))[0]
    old, new = (a[1] if a else ABSENT), (b[1] if b else ABSENT)
    if a and b and _is_number(old) and _is_number(new):
        x, y = float(old), float(new)
        if math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12):
            return None
        return ResultMove(label, old, new, y - x)
    if a and b and same(old, new):
        return None
    return ResultMove(label, old, new)


def flatten(analyses: dict[str, Any]) -> tuple[dict[Key, tuple[str, Any]], dict[Key, Any]]:
    """Leaves ``{key: (label, value)}`` and long arrays ``{key: list}`` of each analysis's result.

    Keys match the same leaf across runs (list items by their id where they have one); labels
    read ``process · parallel · p_track · ukraine-status``. An estimate with a confidence interval
    (``{value, low, high}``) is one leaf, its value."""
    leaves: dict[Key, tuple[str, Any]] = {}
    bulky: dict[Key, Any] = {}
    for name, result in analyses.items():
        _flatten(result, (name,), (name,), leaves, bulky)
    return leaves, bulky


def _flatten(node: Any, key: Key, label: tuple[str, ...], leaves: dict, bulky: dict) -> None:
    if isinstance(node, dict):
        if {"value", "low", "high"} <= set(node) and _is_number(node["value"]):
            leaves[key] = (SEP.join(label), node["value"])
            return
        for k, v in node.items():
            _flatten(v, key + (k,), label + (str(k),), leaves, bulky)
    elif isinstance(node, list):
        _flatten_list(node, key, label, leaves, bulky)
    else:
        leaves[key] = (SEP.join(label), node)


def _flatten_list(node: list, key: Key, label: tuple[str, ...], leaves: dict, bulky: dict) -> None:
    if len(node) > BULKY or any(isinstance(x, list) for x in node):
        bulky[key] = node
        return
    ident = _identity(node)
    if ident:  # items are named by their ids: the list's name gives way to them at an analysis's
        # top level (``process · parallel``) and stays before them deeper in, where two lists of one
        # item may name their items alike (``forecast · border · depth · agreed · dcm``)
        named = label[:-1] if len(label) == 2 else label
        for item in node:
            rest = {k: v for k, v in item.items() if k not in ident}
            values = tuple(item[f] for f in ident)
            _flatten(rest, key + tuple(zip(ident, values, strict=True)), named + tuple(map(str, values)),
                     leaves, bulky)
    elif all(_is_number(x) for x in node) or any(isinstance(x, dict) for x in node):
        for i, item in enumerate(node):
            _flatten(item, key + (i,), label[:-1] + (f"{label[-1]}[{i}]",), leaves, bulky)
    else:  # a short list of names or mixed scalars reads as one value
        leaves[key] = (SEP.join(label), render(node))


def _identity(items: list) -> tuple[str, ...]:
    """The fields naming each item (``track_id``, ``design``, ``track`` and ``issue``, ``model``...):
    a single field that tells the items apart, else every naming field together (a forecast is one
    model's on one issue of one track); () when they do not tell the items apart."""
    if not items or not all(isinstance(x, dict) for x in items):
        return ()
    fields = tuple(f for f in items[0] if (f in _IDENTITY or f.endswith("_id"))
                   and all(isinstance(x.get(f), str) for x in items))
    if "id" in fields and "name" in fields:
        fields = tuple(f for f in fields if f != "name")  # the id names it; the name is its title
    named: tuple[str, ...] = ()
    if "issue" in fields:  # an issue's id is unique only within its track: name the track too
        named += tuple(f for f in fields if f in ("track", "track_id", "issue"))
    if "model" in fields:  # a forecast is always named by its model
        named += ("model",)
    if named:
        extra = [()] + [(f,) for f in fields if f not in named]
        return next((named + e for e in extra if _distinct(items, named + e)), ())
    for field in fields:
        if _distinct(items, (field,)):
            return (field,)
    return fields if fields and _distinct(items, fields) else ()


def _distinct(items: list[dict], fields: tuple[str, ...]) -> bool:
    values = [tuple(x[f] for f in fields) for x in items]
    return len(set(values)) == len(values)


def _same_json(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b
