"""Where an estimate comes from: its own citation, or the one of the position, issue or track
that encloses it; and whether it is the analyst's judgement. :func:`estimate_entries` lists every
estimate of a scenario with its id path (the one ``--set`` takes), source, flag and note, for the
report's provenance appendix and the security sections' inputs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .estimates import EstimateModel
from .issues import IssueModel
from .positions import Position
from .sources import SourceReference
from .tracks import Track


def estimates_in(node: object) -> Iterator[EstimateModel]:
    """Every estimate inside a model (a position, an actor, a whole track ...)."""
    if isinstance(node, EstimateModel):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from estimates_in(getattr(node, name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from estimates_in(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from estimates_in(value)


def source_of(estimate: EstimateModel | None, *enclosing: Position | IssueModel | Track | None
              ) -> SourceReference | None:
    """The estimate's own citation, else the nearest enclosing one (position, issue, track)."""
    if estimate is not None and estimate.source is not None:
        return estimate.source
    for part in enclosing:
        if part is not None and part.source is not None:
            return part.source
    return None


def is_estimated(estimate: EstimateModel, position: Position | None = None) -> bool:
    """Whether a figure is a judgement: its own flag, else its position's."""
    if estimate.estimated is not None:
        return estimate.estimated
    return bool(position and position.estimated)


def citations(position: Position, issue: IssueModel | None = None, track: Track | None = None
              ) -> list[SourceReference]:
    """Every distinct source a position rests on: its own (or inherited) and its estimates'."""
    out: list[SourceReference] = []
    inherited = source_of(None, position, issue, track)
    for ref in [inherited] + [e.source for e in estimates_in(position)]:
        if ref is not None and ref not in out:
            out.append(ref)
    return out


@dataclass(frozen=True)
class EstimateEntry:
    """One estimate of the scenario with where it sits and where it comes from.

    ``path`` is the id path of :mod:`.setpath` (``tracks.ukraine-status.issues.accession-moratorium
    .positions.RUS.red_lines[0].below``), so that a reader can copy it into ``--set PATH=VALUE``.
    ``source``, ``estimated`` and ``note`` are the estimate's own, else those of the nearest element
    that encloses it (a position, an issue, a track, a crisis ...); ``note_own`` tells which."""

    path: str
    segments: tuple[str | int, ...]
    estimate: EstimateModel
    source: SourceReference | None
    estimated: bool
    note: str | None
    note_own: bool
    part: str            # the top-level part of the scenario: tracks, deterrence, escalation, ...
    group: str | None    # the track, crisis, theatre or measure (its id) the estimate belongs to
    actor: str | None    # the actor whose position holds it, where one does

    @property
    def field(self) -> str:
        """The path below its group (below the actor's position where there is one), for a label."""
        segs = list(self.segments)
        anchor = self.actor if self.actor in segs else self.group
        cut = segs.index(anchor) + 1 if anchor in segs else 1
        return path_text(tuple(segs[cut:])) or path_text(self.segments)

    def value_data(self) -> Any:
        """The estimate as plain YAML data, written back at ``path`` it gives the same scenario."""
        return self.estimate.model_dump(mode="json", exclude_none=True, by_alias=True)


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def path_text(segments: tuple[str | int, ...]) -> str:
    """Segments written as an id path (``a.b[0]["odd key"]``), the form :mod:`.idpath` reads."""
    out = ""
    for seg in segments:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif _NAME.match(seg):
            out += f".{seg}" if out else seg
        else:
            out += f'["{seg}"]'
    return out


def estimate_entries(scenario: BaseModel) -> list[EstimateEntry]:
    """Every estimate of the scenario, in file order, with its id path and provenance."""
    out: list[EstimateEntry] = []
    _walk(scenario, (), (), out)
    return out


def _walk(node: object, path: tuple[str | int, ...], enclosing: tuple[BaseModel, ...],
          out: list[EstimateEntry]) -> None:
    if isinstance(node, EstimateModel):
        out.append(_entry(node, path, enclosing))
    elif isinstance(node, BaseModel):
        inner = enclosing + (node,)
        for name, info in type(node).model_fields.items():
            _walk(getattr(node, name), path + (info.alias or name,), inner, out)
    elif isinstance(node, dict):
        for key, value in node.items():
            _walk(value, path + (str(key),), enclosing, out)
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            item_id = getattr(value, "id", None) if isinstance(value, BaseModel) else None
            _walk(value, path + (item_id if isinstance(item_id, str) else i,), enclosing, out)


def _nearest(attr: str, estimate: EstimateModel, enclosing: tuple[BaseModel, ...]) -> tuple[Any, bool]:
    own = getattr(estimate, attr)
    if own is not None:
        return own, True
    for part in reversed(enclosing):
        value = getattr(part, attr, None)
        if value is not None and not (attr == "source" and not isinstance(value, SourceReference)):
            return value, False
    return None, False


def _entry(estimate: EstimateModel, path: tuple[str | int, ...], enclosing: tuple[BaseModel, ...]
           ) -> EstimateEntry:
    source, _ = _nearest("source", estimate, enclosing)
    estimated, _ = _nearest("estimated", estimate, enclosing)
    note, own = _nearest("note", estimate, enclosing)
    actor = next((str(path[k + 1]) for k in range(len(path) - 1, -1, -1)
                  if path[k] == "positions" and k + 1 < len(path)), None)
    at = 2 if path[0] == "escalation" and len(path) > 3 else 1   # escalation.theatres.baltic...
    group = str(path[at]) if len(path) > at + 1 and isinstance(path[at], str) else None
    return EstimateEntry(path_text(path), path, estimate, source, bool(estimated), note, own,
                         str(path[0]), group, actor)
