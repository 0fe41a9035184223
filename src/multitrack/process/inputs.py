"""The uncertain inputs of a scenario: every estimate given as a distribution, in a fixed order,
and their draws for one chunk as a matrix (draws x inputs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np
from pydantic import BaseModel

from ..errors import format_path
from ..scenario.estimates import EstimateModel
from ..scenario.model import Scenario
from ..scenario.sources import SourceReference


@dataclass(frozen=True)
class UncertainInput:
    """One distribution of the scenario: where it sits and a short label for charts."""

    path: tuple
    label: str
    estimate: EstimateModel
    source: SourceReference | None = None   # its own citation, or the nearest enclosing one

    @property
    def field(self) -> str:
        return format_path(self.path)


#: The parts of a scenario the bargaining analyses read; other sections (guarantees, escalation)
#: have analyses of their own and their estimates are drawn there.
BARGAINING_SECTIONS = ("actors", "tracks", "process")


def uncertain_inputs(scenario: Scenario, sections: tuple[str, ...] = BARGAINING_SECTIONS
                     ) -> tuple[UncertainInput, ...]:
    """Every estimate in ``sections`` that is a real distribution, in the order the file states them."""
    return tuple(UncertainInput(path, _label(scenario, path), est, src)
                 for path, est, src in _estimates(scenario, (), None)
                 if est.is_uncertain and path[0] in sections)


def draw_inputs(inputs: tuple[UncertainInput, ...], rng: np.random.Generator, size: int,
                extra: int = 0) -> np.ndarray:
    """(size, len(inputs) * (1 + extra)): one column per input, then ``extra`` further independent
    blocks of columns (for members of a group, who each draw their own values)."""
    columns = [inp.estimate.sample(rng, size) for _ in range(1 + extra) for inp in inputs]
    return np.column_stack(columns) if columns else np.zeros((size, 0))


def _estimates(node: Any, path: tuple, source: SourceReference | None
               ) -> Iterator[tuple[tuple, EstimateModel, SourceReference | None]]:
    if isinstance(node, EstimateModel):
        yield path, node, node.source or source
    elif isinstance(node, BaseModel):
        own = getattr(node, "source", None)
        source = own if isinstance(own, SourceReference) else source
        for name, info in type(node).model_fields.items():
            yield from _estimates(getattr(node, name), path + (info.alias or name,), source)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _estimates(v, path + (k,), source)
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _estimates(v, path + (i,), source)


def _label(scenario: Scenario, path: tuple) -> str:
    """A reader's label, such as ``RUS salience, deployment-zone``, rather than a field path."""
    if path[:1] == ("tracks",) and len(path) > 2:
        track = scenario.tracks[path[1]]
        if path[2] == "issues" and len(path) > 4:
            issue = track.issues[path[3]]
            if path[4] == "positions":
                return f"{path[5]} {_position_part(path[6:])}, {issue.id}"
            return f"{' '.join(str(p) for p in path[4:]).replace('_', ' ')}, {issue.id}"
        if path[2] == "reservation_values":
            return f"{path[3]} reservation value, {track.id}"
    if path[:1] == ("actors",) and len(path) > 2:
        return f"{scenario.actors[path[1]].id} {path[2]}"
    return format_path(path).replace("_", " ")


def _position_part(rest: tuple) -> str:
    if rest[:1] == ("values",):
        return f"value of {rest[1]}"
    if rest[:1] == ("red_lines",):
        return f"red line ({rest[-1]})"
    if rest[:1] == ("points",):
        return f"points at {rest[1]}"
    return " ".join(str(p) for p in rest).replace("_", " ")
