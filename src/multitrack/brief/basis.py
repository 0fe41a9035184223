"""What a finding rests on: the sources, or the analyst's judgement. A finding is "a judgement"
when one of its deciding inputs is marked ``estimated: true`` (on the estimate, or as the default
of its position or no-deal entry: scenario/provenance.py); it rests on sources when every deciding
input cites one (its own, or the nearest enclosing position's, issue's, track's or crisis's);
otherwise some deciding input cites nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from ..scenario import is_estimated, source_of
from ..scenario.estimates import EstimateModel
from ..scenario.model import Scenario
from ..scenario.provenance import estimates_in
from ..scenario.sources import SourceReference
from ..scenario.tracks import Track
from .result import JUDGEMENT, SOURCES, UNSOURCED


def combine(bases: Iterable[str]) -> str:
    """The basis of a finding from its inputs' bases: a judgement if any input is one, else without
    a source if any input lacks one, else sources ("" when no input was traced)."""
    seen = set(bases)
    for basis in (JUDGEMENT, UNSOURCED, SOURCES):
        if basis in seen:
            return basis
    return ""


def position_basis(track: Track, issue_id: str, actor: str) -> str:
    """The basis of an actor's position on one issue of ``track`` (its red lines, values, ideal)."""
    issue = next((i for i in track.issues if i.id == issue_id), None)
    position = issue.positions.get(actor) if issue is not None else None
    if issue is None or position is None:
        return ""
    estimates = list(estimates_in(position))
    if position.estimated or any(is_estimated(e, position) for e in estimates):
        return JUDGEMENT
    cited = source_of(None, position, issue, track) is not None and all(
        source_of(e, position, issue, track) is not None for e in estimates)
    return SOURCES if cited else UNSOURCED


def no_deal_basis(track: Track, actor: str) -> str:
    """The basis of an actor's no-deal value (or, without one, its reservation value) on ``track``."""
    nd = track.no_deal.get(actor)
    if nd is not None:
        estimates = list(estimates_in(nd))
        if nd.estimated or any(e.estimated for e in estimates):
            return JUDGEMENT
        cited = all((e.source or nd.source or track.source) is not None for e in estimates)
        return SOURCES if cited else UNSOURCED
    est = track.reservation_values.get(actor)
    if est is None:
        return ""
    return _estimate_basis(est, track.source)


def _estimate_basis(est: EstimateModel, enclosing: Any) -> str:
    if est.estimated:
        return JUDGEMENT
    return SOURCES if (est.source or enclosing) is not None else UNSOURCED


def track_basis(track: Track, actors: Iterable[str], issues: Iterable[str] | None = None) -> str:
    """The basis of a track's verdict: the positions of ``actors`` (those who decide it) on
    ``issues`` (all by default) and their no-deal values."""
    actors = list(actors)
    ids = [i.id for i in track.issues] if issues is None else list(issues)
    return combine([position_basis(track, i, a) for i in ids for a in actors]
                   + [no_deal_basis(track, a) for a in actors])


def pre_invasion_sources(scenario: Scenario, node: Any) -> tuple[str, ...]:
    """The ids of the sources written before the full-scale invasion of 24 February 2022 that
    anything inside ``node`` (a track, an issue, a position) cites, in the scenario's order: a
    finding on that part rests partly on a text written to prevent the war, not to end it."""
    cited = set(_cited(node))
    return tuple(s.id for s in scenario.sources if s.pre_invasion and s.id in cited)


def pre_invasion_line(scenario: Scenario) -> str:
    """One sentence naming the tracks whose positions or no-deal values cite a text written before
    the invasion, with those texts' authors ("" when none does)."""
    tracks = [(t.title, pre_invasion_sources(scenario, t)) for t in scenario.tracks]
    tracks = [(title, ids) for title, ids in tracks if ids]
    if not tracks:
        return ""
    ids = sorted({i for _, found in tracks for i in found}, key=[s.id for s in scenario.sources].index)
    cited = [scenario.source(i) for i in ids]
    who = "; ".join(f"{s.author or s.title} ({s.date or s.year})" for s in cited)
    return (f"Findings on {len(tracks)} of {len(scenario.tracks)} tracks rest partly on texts written "
            f"before the full-scale invasion of 24 February 2022: {who}.")


def _cited(node: Any) -> Iterable[str]:
    """The source ids every citation inside ``node`` names."""
    if isinstance(node, SourceReference):
        yield node.id
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _cited(getattr(node, name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from _cited(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _cited(value)


def input_basis(scenario: Scenario, key: str, crisis_id: str | None = None) -> str:
    """The basis of one input of the hinges analysis, by its key: a path in the scenario's tracks
    (``tracks.4.no_deal.UKR.cost_per_month``), or a term of a crisis (``challenger_value``,
    ``GUARANTEE.TERM``); "" when the key leads to no estimate of the scenario."""
    parts = key.split(".")
    if parts[0] == "tracks" and len(parts) > 3 and parts[1].isdigit():
        track = scenario.tracks[int(parts[1])]
        if parts[2] == "issues" and len(parts) > 5 and parts[3].isdigit():
            return position_basis(track, track.issues[int(parts[3])].id, parts[5])
        if parts[2] in ("no_deal", "reservation_values"):
            return no_deal_basis(track, parts[3])
        return ""
    crisis = _find(scenario, crisis_id) if crisis_id else None
    if crisis is None:
        return ""
    node, source = crisis, getattr(crisis, "source", None)
    for part in parts[:-1]:
        node = _find(node, part)
        if node is None:
            return ""
        source = getattr(node, "source", None) or source
    est = _field(node, parts[-1])
    return "" if est is None else _estimate_basis(est, source)


def _find(node: Any, node_id: str) -> Any:
    """The first model with id ``node_id`` inside ``node``."""
    if isinstance(node, BaseModel):
        if getattr(node, "id", None) == node_id and not isinstance(node, EstimateModel):
            return node
        children: Iterable[Any] = (getattr(node, name) for name in type(node).model_fields)
    elif isinstance(node, dict):
        children = node.values()
    elif isinstance(node, (list, tuple)):
        children = node
    else:
        return None
    for child in children:
        found = _find(child, node_id)
        if found is not None:
            return found
    return None


def _field(node: Any, name: str) -> EstimateModel | None:
    """The estimate at field or key ``name`` anywhere inside ``node``."""
    if isinstance(node, BaseModel) and not isinstance(node, EstimateModel):
        for field_ in type(node).model_fields:
            value = getattr(node, field_)
            if field_ == name and isinstance(value, EstimateModel):
                return value
            found = _field(value, name)
            if found is not None:
                return found
    elif isinstance(node, dict):
        for k, value in node.items():
            if k == name and isinstance(value, EstimateModel):
                return value
            found = _field(value, name)
            if found is not None:
                return found
    elif isinstance(node, (list, tuple)):
        for value in node:
            found = _field(value, name)
            if found is not None:
                return found
    return None
