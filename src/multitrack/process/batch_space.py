"""A track's outcome space for a whole chunk of draws: the preference model
(:mod:`multitrack.settlement.preferences`) with a leading draws axis, under the names the
process engine has always used."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..scenario.issues import IssueModel
from ..scenario.model import Scenario
from ..scenario.tracks import Forum, Track
from ..settlement.draws import DrawValues
from ..settlement.preferences import (
    RULE_QUALIFIED,
    RULE_UNANIMITY,
    RULE_WEIGHTED,
    Party,
    Preferences,
    parties_of,
    track_preferences,
)

#: One forum of one track over D draws (A parties, I issues, up to V values per issue).
BatchSpace = Preferences

__all__ = ["BatchSpace", "DrawValues", "Party", "RULE_QUALIFIED", "RULE_UNANIMITY", "RULE_WEIGHTED",
           "build_batch_space", "parties_of"]


def build_batch_space(scenario: Scenario, track: Track, values: DrawValues, parties: tuple[Party, ...], *,
                      forum: Forum | None = None, grid_points: int | None = None,
                      elsewhere: Mapping[str, tuple[IssueModel, np.ndarray]] | None = None) -> Preferences:
    """Arrays of one forum of ``track`` for every draw in ``values`` (``elsewhere``: other tracks'
    agreed values per draw, read by conditional red lines)."""
    return track_preferences(scenario, track, values, parties, forum=forum, grid_points=grid_points,
                             elsewhere=elsewhere)
