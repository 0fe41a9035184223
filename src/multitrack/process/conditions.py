"""Red lines conditional on another track's issue, in the process: read per draw at the other
track's compromise in that draw (where it agreed nothing, its issue stays at its status quo).

Every track is first solved on its own; each track whose red lines read another track is then
rebuilt with the other tracks' compromises of the same draws and solved again. The other tracks
are taken as first solved, so links that run both ways cannot loop (the agreement space reads
them the same way, at the other track's Nash solution)."""

from __future__ import annotations

from ..scenario.model import Scenario
from ..scenario.tracks import Track
from ..settlement.draws import DrawValues
from ..settlement.preferences import Preferences, agreed_values, issues_read_elsewhere
from .batch_space import build_batch_space, parties_of
from .kernel import TrackDraws, solve_batch


def read_other_tracks(scenario: Scenario, tracks: tuple[Track, ...], values: DrawValues,
                      spaces: dict[str, Preferences], solved: dict[str, TrackDraws], *,
                      grid_points: int | None = None, threads: int = 1) -> tuple[str, ...]:
    """Rebuild and re-solve, in place, the tracks whose conditional red lines name another
    track's issue; returns their ids."""
    first = dict(solved)
    where = {issue.id: t.id for t in tracks for issue in t.issues}
    by_id = {t.id: t for t in tracks}
    redone = []
    for track in tracks:
        named = issues_read_elsewhere(track)
        if not named:
            continue
        elsewhere = {}
        for other in sorted({where[i] for i in named if i in where}):
            found = agreed_values(spaces[other], first[other].choice, by_id[other])
            elsewhere.update({i: found[i] for i in named if i in found})
        spaces[track.id] = build_batch_space(scenario, track, values, parties_of(track, None, {}),
                                             grid_points=grid_points, elsewhere=elsewhere)
        solved[track.id] = solve_batch(spaces[track.id], threads)
        redone.append(track.id)
    return tuple(redone)
