"""Edit a scenario's plain data (dicts, lists, scalars) by field path, from form fields.

A form field's name is a kind letter and the JSON of its path: ``n:["tracks",0,...,"salience"]``
holds a number, ``s:[...]`` an option name, ``r:[...red_lines,0]`` a red line's relation. Only
positions, status quos, saliences, ideals, value tables, red lines, each track's no-deal values
(value and cost per month) and reservation values, and the security terms (each crisis's challenger
prize and each guarantee's terms; each theatre's transition estimates and each measure's effect
factors) may be edited; any other path is refused.
Nothing typed is ever evaluated: numbers are parsed with ``int``/``float`` and anything else
stays text for the loader to reject with a located message.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

Path = tuple[str | int, ...]
RELATIONS = ("equals", "below", "above")
_POSITION_FIELDS = {"salience", "ideal", "values", "red_lines"}
_ESTIMATE_PARAMS = {"value", "mean", "sd", "low", "mode", "high", "lamb"}
_NO_DEAL_FIELDS = {"value", "cost_per_month"}
_MEMBER_LISTS = ("participants", "veto_players")


class EditError(ValueError):
    """A form that does not fit the scenario it was made for (stale or forged)."""


def field_key(path: Path) -> str:
    """The JSON text of a path: how fields, anchors and errors are matched in the page."""
    return json.dumps(list(path), ensure_ascii=False, separators=(",", ":"))


def parse_key(text: str) -> Path:
    """A path from its JSON text; raises EditError for anything but a list of names and indices."""
    try:
        parts = json.loads(text)
    except ValueError:
        raise EditError(f"not a field path: {text[:80]!r}") from None
    if not isinstance(parts, list) or not all(isinstance(p, (str, int)) and not isinstance(p, bool)
                                              for p in parts):
        raise EditError(f"not a field path: {text[:80]!r}")
    return tuple(parts)


def editable(path: Path) -> bool:
    """Whether the web form may change this path: an issue's status quo, part of a position, or a
    track's no-deal or reservation value of one actor (the estimate or one of its parameters)."""
    if _track_value(path) or security_value(path):
        return True
    if len(path) < 5 or path[0] != "tracks" or path[2] != "issues":
        return False
    if not isinstance(path[1], int) or not isinstance(path[3], int):
        return False
    if path[4] == "status_quo":
        return True
    return path[4] == "positions" and len(path) >= 7 and path[6] in _POSITION_FIELDS


def _track_value(path: Path) -> bool:
    """``tracks[t].reservation_values.A[.param]`` or
    ``tracks[t].no_deal.A[.value|.cost_per_month][.param]``."""
    if len(path) < 4 or path[0] != "tracks" or not isinstance(path[1], int) or not isinstance(path[3], str):
        return False
    rest = path[4:]
    if path[2] == "no_deal" and rest and rest[0] in _NO_DEAL_FIELDS:
        rest = rest[1:]
    elif path[2] != "reservation_values" and path[2] != "no_deal":
        return False
    return not rest or (len(rest) == 1 and rest[0] in _ESTIMATE_PARAMS)


def security_value(path: Path) -> bool:
    """An estimate of the security models (or one of its parameters): ``deterrence[c].challenger_value``,
    ``deterrence[c].guarantees[g].terms.TERM``, ``escalation.theatres[t].up|down.TRANSITION`` or
    ``escalation.measures[m].effects[e].factor``."""
    head = _security_estimate(path)
    if head is None:
        return False
    rest = path[head:]
    return not rest or (len(rest) == 1 and rest[0] in _ESTIMATE_PARAMS)


def _security_estimate(path: Path) -> int | None:
    """The length of the estimate's own path at the start of ``path``, or None when it names none."""
    def index(k: int) -> bool:
        return len(path) > k and isinstance(path[k], int) and not isinstance(path[k], bool)

    def name(k: int) -> bool:
        return len(path) > k and isinstance(path[k], str)

    if path[:1] == ("deterrence",) and index(1):
        if path[2:3] == ("challenger_value",):
            return 3
        if path[2:3] == ("guarantees",) and index(3) and path[4:5] == ("terms",) and name(5):
            return 6
    if path[:1] == ("escalation",) and name(1):
        if path[1] == "theatres" and index(2) and path[3:4] in (("up",), ("down",)) and name(4):
            return 5
        if path[1] == "measures" and index(2) and path[3:4] == ("effects",) and index(4) \
                and path[5:6] == ("factor",):
            return 6
    return None


def get_at(data: Any, path: Path) -> Any:
    """The value at ``path``; raises EditError where the path leaves the data."""
    node = data
    for part in path:
        if not _holds(node, part):
            raise EditError(f"no field {field_key(path)} in this scenario")
        node = node[part]
    return node


def _holds(node: Any, part: str | int) -> bool:
    """Whether ``node[part]`` exists: a mapping's key or a list's index."""
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def set_at(data: Any, path: Path, value: Any) -> None:
    """Replace the existing value at ``path`` (never creates new fields)."""
    if not path:
        raise EditError("cannot replace the whole scenario")
    parent = get_at(data, path[:-1])
    get_at(data, path)  # must exist
    parent[path[-1]] = value


def parse_number(text: str) -> Any:
    """A typed number as int or float; text that is no finite number stays text (the loader says why)."""
    raw = text.strip()
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        number = float(raw)
    except ValueError:
        return raw
    return number if math.isfinite(number) else raw


def apply_fields(data: Any, fields: Iterable[tuple[str, str]]) -> int:
    """Apply ``(name, value)`` form fields to ``data`` in place; returns how many changed a value."""
    changed = 0
    relations = []
    for name, value in fields:
        kind, sep, key = name.partition(":")
        if not sep or kind not in ("n", "s", "r"):
            continue
        path = parse_key(key)
        if not editable(path):
            raise EditError(f"field {key} cannot be edited here")
        if kind == "r":
            relations.append((path, value))
            continue
        new = parse_number(value) if kind == "n" else value
        if get_at(data, path) != new:
            set_at(data, path, new)
            changed += 1
    for path, relation in relations:
        changed += set_relation(data, path, relation)
    return changed


def member_list(path: Path) -> bool:
    """Whether ``path`` is a track's list of participants or of veto players."""
    return (len(path) == 3 and path[0] == "tracks" and isinstance(path[1], int)
            and path[2] in _MEMBER_LISTS)


def apply_memberships(data: Any, fields: Iterable[tuple[str, str]]) -> int:
    """Apply the form's membership checkboxes in place; returns how many lists changed.

    A list the form shows comes as ``L:[path]`` (its value: the members shown, comma-separated,
    so that a list the file leaves out, such as veto players by default, is written only when
    changed) and each ticked actor as ``m:[path]`` with the actor's id; an unticked box sends
    nothing. Members keep their order; new ones follow in the order of the actors."""
    shown: dict[Path, str] = {}
    ticked: dict[Path, list[str]] = {}
    for name, value in fields:
        kind, sep, key = name.partition(":")
        if sep and kind in ("L", "m"):
            path = parse_key(key)
            if not member_list(path):
                raise EditError(f"field {key} cannot be edited here")
            if kind == "L":
                shown[path] = value
            else:
                ticked.setdefault(path, []).append(value)
    listed_actors = data.get("actors", []) if isinstance(data, dict) else []
    actors = [a.get("id") for a in listed_actors if isinstance(a, dict)]
    changed = 0
    for path, before in shown.items():
        chosen = ticked.get(path, [])
        unknown = sorted(set(chosen) - set(actors))
        if unknown:
            raise EditError(f"no actor {unknown[0][:40]!r} in this scenario")
        track = get_at(data, path[:2])
        if not isinstance(track, dict):
            raise EditError(f"no track at {field_key(path[:2])}")
        current = track.get(path[2])
        listed = [a for a in current if isinstance(a, str)] if isinstance(current, list) else []
        if set(chosen) == (set(listed) if current is not None else {a for a in before.split(",") if a}):
            continue
        members = [a for a in listed if a in chosen] + [a for a in actors if a in chosen and a not in listed]
        if isinstance(current, list):
            del current[:]
            current.extend(members)  # in place: a one-line list stays one line
        else:
            track[path[2]] = members
        changed += 1
    return changed


def set_relation(data: Any, line_path: Path, relation: str) -> int:
    """Make the red line at ``line_path`` an ``equals``, ``below`` or ``above`` line, keeping its
    threshold; a bare value (shorthand for equals) becomes a mapping when the relation changes."""
    if relation not in RELATIONS:
        raise EditError(f"unknown red-line relation {relation[:20]!r}")
    line = get_at(data, line_path)
    current, threshold = red_line_parts(line)
    if current == relation:
        return 0
    changed = {relation: threshold}
    if isinstance(line, dict) and "when" in line:  # a conditional red line keeps its condition
        changed["when"] = line["when"]
    set_at(data, line_path, changed)
    return 1


def red_line_parts(line: Any) -> tuple[str, Any]:
    """(relation, threshold) of a red line as written: ``{above: 30}``, the shorthand ``on-site``, or
    a conditional one ``{below: 15, when: {...}}`` (its condition is kept as written)."""
    keys = [k for k in line if k in RELATIONS] if isinstance(line, dict) else []
    if len(keys) == 1 and set(line) <= {keys[0], "when"}:
        return keys[0], line[keys[0]]
    return "equals", line


def add_red_line(data: Any, position_path: Path) -> None:
    """Append a red line that forbids nothing yet (above the top of the range or the last option),
    for the user to move; categorical issues get ``equals`` their last option."""
    if not editable(position_path + ("red_lines",)) or len(position_path) != 6:
        raise EditError("red lines are added to a position")
    issue = get_at(data, position_path[:4])
    position = get_at(data, position_path)
    if not isinstance(position, dict) or not isinstance(issue, dict):
        raise EditError("this position cannot take a red line")
    position.setdefault("red_lines", [])
    if not isinstance(position["red_lines"], list):
        raise EditError("this position's red lines are not a list")
    position["red_lines"].append(_neutral_red_line(issue))


def _neutral_red_line(issue: dict) -> dict:
    options = issue.get("options")
    if isinstance(options, list) and options:
        return {"equals" if issue.get("kind") == "categorical" else "above": options[-1]}
    bounds = issue.get("range")
    high = bounds[1] if isinstance(bounds, list) and len(bounds) == 2 else 0
    return {"above": high}


def remove_red_line(data: Any, line_path: Path) -> None:
    """Delete the red line at ``line_path``."""
    if len(line_path) != 8 or line_path[6] != "red_lines" or not editable(line_path):
        raise EditError("not a red line")
    lines = get_at(data, line_path[:-1])
    get_at(data, line_path)
    del lines[line_path[-1]]
