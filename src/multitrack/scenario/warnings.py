"""Things in a valid scenario that are probably not what the author meant."""

from __future__ import annotations

from ..errors import Problem
from .model import Scenario
from .provenance import citations


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Veto players without any stance on their track, and positions without a source."""
    out: list[Problem] = []
    for t, track in enumerate(scenario.tracks):
        stated = {a for issue in track.issues for a in issue.positions}
        for actor in track.vetoes:
            if actor not in stated and not track.deferred:
                out.append(Problem(f"veto player {actor!r} states no position on any issue, so it "
                                   "accepts every outcome", ("tracks", t)))
        out += _mixed_scales(track, t)
        for j, issue in enumerate(track.issues):
            for actor, pos in issue.positions.items():
                if not citations(pos, issue, track):
                    out.append(Problem("position cites no source",
                                       ("tracks", t, "issues", j, "positions", actor)))
    return out


def _mixed_scales(track, t: int) -> list[Problem]:
    """An actor whose value tables go far beyond 0-1 while its other positions on the same track
    are ideal points or monotone preferences (valued 0-1): the tables then outweigh the
    saliences, which is rarely meant."""
    out = []
    for actor in track.participants:
        tables, shaped = [], False
        for j, issue in enumerate(track.issues):
            pos = issue.positions.get(actor)
            if pos is None:
                continue
            if pos.values is not None:
                span = max(v.nominal for v in pos.values.values()) - min(v.nominal for v in pos.values.values())
                tables.append((j, span))
            elif pos.shape in ("ideal", "monotone"):
                shaped = True
        big = [(j, span) for j, span in tables if span > 2]
        if shaped and big:
            j, span = big[0]
            out.append(Problem(f"{actor!r} values options on a scale of {span:g} points here but its ideal-point "
                               "or monotone positions on this track on a 0-1 scale, so the tables outweigh the "
                               "saliences; write value tables from 0 to 1",
                               ("tracks", t, "issues", j, "positions", actor, "values")))
    return out
