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
        for j, issue in enumerate(track.issues):
            for actor, pos in issue.positions.items():
                if not citations(pos, issue, track):
                    out.append(Problem("position cites no source",
                                       ("tracks", t, "issues", j, "positions", actor)))
    return out
