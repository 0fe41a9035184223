"""Where an estimate comes from: its own citation, or the one of the position, issue or track
that encloses it; and whether it is the analyst's judgement."""

from __future__ import annotations

from collections.abc import Iterator

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
