"""The proposal file: ``proposals: [{id, title, tracks: {TRACK: {ISSUE: value or [values]}}}]``.

A list of values on an issue is one proposal per value (a moratorium of 15, 20 or 25 years);
several lists give every combination. Each variant is named ``<id>/<issue>=<value>`` (and its
title gains ``(<issue> <value>)``). Values are checked against the scenario: an option issue
takes one of its options (the error lists them); a number issue takes a value on its analysis
grid -- a whole number in range for an integer issue, a grid point for a continuous one; a value
off the grid is refused with the nearest grid value named, never moved silently.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from ..errors import Problem, ScenarioError
from ..scenario.control_chars import document_problems
from ..scenario.issues import OptionIssue
from ..scenario.model import Scenario
from ..scenario.yaml_source import SourceMap, read_yaml
from ..settlement.preferences import issue_values

#: Proposals (after lists are expanded) one file may hold: more is refused with its count.
MAX_PROPOSALS = 200


@dataclass(frozen=True)
class Proposal:
    """One proposal: the value it fixes on each issue it names, by track (values as the scenario
    writes them: an option name or a number)."""

    id: str
    title: str
    tracks: dict[str, dict[str, Any]]

    def fixes(self, track_id: str) -> dict[str, Any]:
        return self.tracks.get(track_id, {})


class _Reader:
    def __init__(self, scenario: Scenario, smap: SourceMap, file: str | None) -> None:
        self.scenario, self.smap, self.file = scenario, smap, file

    def fail(self, message: str, path: tuple, key: bool = False) -> ScenarioError:
        line, col = self.smap.locate(path, key=key)
        return ScenarioError([Problem(message, path, line, col)], self.file)

    def value(self, issue, raw, path: tuple):
        """The value as the scenario writes it, or a located error."""
        values = issue_values(issue, self.scenario.settings)
        if isinstance(issue, OptionIssue):
            if isinstance(raw, str) and raw in issue.options:
                return raw
            raise self.fail(f"{raw!r} is not an option of issue '{issue.id}' (options: "
                            f"{', '.join(issue.options)})", path)
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise self.fail(f"{raw!r} is not a number (issue '{issue.id}' runs from {issue.low:g} to "
                            f"{issue.high:g})", path)
        if not issue.low <= raw <= issue.high:
            raise self.fail(f"{raw:g} is outside the range of issue '{issue.id}' ({issue.low:g} to "
                            f"{issue.high:g})", path)
        nearest = min(values, key=lambda v: abs(v - raw))
        if abs(nearest - raw) > 1e-9 * max(1.0, abs(raw)):
            raise self.fail(f"{raw:g} is not on the analysis grid of issue '{issue.id}' (nearest: "
                            f"{nearest:g})", path)
        return float(nearest) if isinstance(raw, float) else raw

    def proposal(self, item, k: int) -> list[Proposal]:
        at = ("proposals", k)
        if not isinstance(item, dict):
            raise self.fail("a proposal is a mapping with id, title and tracks", at)
        unknown = set(item) - {"id", "title", "tracks", "note"}
        if unknown:
            name = sorted(unknown)[0]
            raise self.fail(f"unknown field {name!r} (use id, title, tracks, note)", at + (name,), key=True)
        pid = item.get("id")
        if not isinstance(pid, str) or not pid:
            raise self.fail("every proposal needs an id (text)", at + ("id",) if "id" in item else at)
        title = item.get("title", pid)
        tracks = item.get("tracks")
        if not isinstance(tracks, dict) or not tracks:
            raise self.fail("a proposal fixes issues of at least one track: tracks: {TRACK: {ISSUE: value}}",
                            at + ("tracks",) if "tracks" in item else at)
        fixed: dict[str, dict[str, list]] = {}
        for tid, issues in tracks.items():
            tpath = at + ("tracks", tid)
            track = next((t for t in self.scenario.tracks if t.id == tid), None)
            if track is None:
                known = ", ".join(t.id for t in self.scenario.tracks)
                raise self.fail(f"unknown track {tid!r} (tracks: {known})", tpath, key=True)
            if not isinstance(issues, dict) or not issues:
                raise self.fail("a track's entry fixes at least one issue: {ISSUE: value}", tpath)
            fixed[tid] = {}
            for iid, raw in issues.items():
                ipath = tpath + (iid,)
                issue = next((i for i in track.issues if i.id == iid), None)
                if issue is None:
                    raise self.fail(f"unknown issue {iid!r} of track '{tid}' (issues: "
                                    f"{', '.join(i.id for i in track.issues)})", ipath, key=True)
                if isinstance(raw, list):
                    if not raw:
                        raise self.fail("an empty list of values", ipath)
                    fixed[tid][iid] = [self.value(issue, v, ipath + (j,)) for j, v in enumerate(raw)]
                else:
                    fixed[tid][iid] = [self.value(issue, raw, ipath)]
        return _expand(pid, str(title), fixed)


def _expand(pid: str, title: str, fixed: dict[str, dict[str, list]]) -> list[Proposal]:
    """One proposal per combination of the listed values, named by the values that vary."""
    slots = [(t, i, vs) for t, issues in fixed.items() for i, vs in issues.items()]
    out = []
    for combo in itertools.product(*(vs for _, _, vs in slots)):
        tracks: dict[str, dict[str, Any]] = {}
        varying = []
        for (t, i, vs), v in zip(slots, combo, strict=True):
            tracks.setdefault(t, {})[i] = v
            if len(vs) > 1:
                varying.append((i, v))
        name = pid + "".join(f"/{i}={_plain(v)}" for i, v in varying)
        label = title + (f" ({', '.join(f'{i} {_plain(v)}' for i, v in varying)})" if varying else "")
        out.append(Proposal(name, label, tracks))
    return out


def _plain(v) -> str:
    return f"{v:g}" if isinstance(v, (int, float)) else str(v)


def proposals_from_text(text: str, scenario: Scenario, file: str | None = None) -> tuple[Proposal, ...]:
    """The proposals of a proposal file's text, checked against ``scenario`` (a
    :class:`~multitrack.errors.ScenarioError` naming file, line and field otherwise)."""
    doc = read_yaml(text, file)
    refused = document_problems(doc)  # free text (titles, notes) holds no control character either
    if refused:
        raise ScenarioError(refused, file)
    reader = _Reader(scenario, doc.source_map, file)
    data = doc.data
    if not isinstance(data, dict) or "proposals" not in data:
        raise reader.fail("a proposal file is a mapping with 'proposals: [{id, title, tracks}]'", ())
    extra = sorted(set(data) - {"proposals"})
    if extra:
        raise reader.fail(f"unknown field {extra[0]!r} (a proposal file holds 'proposals')", (extra[0],),
                          key=True)
    items = data["proposals"]
    if not isinstance(items, list) or not items:
        raise reader.fail("'proposals' is a list of at least one proposal", ("proposals",))
    out: list[Proposal] = []
    seen: dict[str, int] = {}
    for k, item in enumerate(items):
        for p in reader.proposal(item, k):
            if p.id in seen:
                raise reader.fail(f"proposal id {p.id!r} used twice", ("proposals", k, "id"))
            seen[p.id] = k
            out.append(p)
        if len(out) > MAX_PROPOSALS:
            raise reader.fail(f"too many proposals: {len(out)} or more after expanding the lists of values "
                              f"(at most {MAX_PROPOSALS})", ("proposals", k))
    return tuple(out)


def load_proposals(path: str | FsPath, scenario: Scenario) -> tuple[Proposal, ...]:
    """The proposals in a file (see :func:`proposals_from_text`)."""
    name = str(path)
    p = FsPath(name)
    if not p.is_file():
        raise ScenarioError([Problem("no such proposal file")], name)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        why = f"cannot read the proposal file ({exc.__class__.__name__})"
        raise ScenarioError([Problem(why)], name) from None
    return proposals_from_text(text, scenario, name)
