"""The tracks that read a proposal: other tracks whose red lines are conditional on an issue the
proposal settles (``red_lines: [{..., when: {issue: ...}}]`` naming another track's issue).

A proposal changes such a track's deal space: in the draws where the proposal passes, the
condition reads the proposal's value; where it fails, nothing is agreed and the condition reads
the issue's status quo (as the settlement's preference model does for any missing agreement).
The effects reported: the share of draws in which the reading track can agree at all (some
outcome its rule carries), and the share of its outcomes the rule carries (its deal space), each
with the proposal beside the same with no deal on it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..scenario.model import Scenario
from ..settlement.draws import DrawValues
from ..settlement.preferences import Preferences, issues_read_elsewhere, track_preferences
from .nearest import BLOCK_CELLS, all_outcomes
from .result import Effect

#: A reading track with more outcomes than this is not evaluated (its note says so).
MAX_OUTCOMES = 200_000

Passing = Mapping[str, tuple[np.ndarray, np.ndarray, Preferences]]


def carried(prefs: Preferences) -> np.ndarray:
    """(D,) how many outcomes of the track its rule carries in each draw, in blocks of outcomes so
    that memory stays bounded."""
    index = all_outcomes(prefs.sizes)
    step = max(1, BLOCK_CELLS // max(1, prefs.draws * prefs.n_parties))
    out = np.zeros(prefs.draws, dtype=np.int64)
    for s in range(0, len(index), step):
        out += prefs.passes(index[s:s + step]).sum(axis=1)
    return out


def agreed_elsewhere(passing: Passing) -> dict[str, np.ndarray]:
    """Each settled issue's value on its axis where its track passes, NaN (nothing agreed) where not."""
    out: dict[str, np.ndarray] = {}
    for ok, x, prefs in passing.values():
        for i, iid in enumerate(prefs.issue_ids):
            out[iid] = np.where(ok, float(prefs.axes[i][x[i]]), np.nan)
    return out


def reading_effects(scenario: Scenario, values: DrawValues, passing: Passing
                    ) -> tuple[tuple[Effect, ...], tuple[str, ...]]:
    """The share of draws in which each track that reads a settled issue can agree, with the proposal
    and with no deal on it."""
    agreed = agreed_elsewhere(passing)
    issues = {i.id: i for _, i in scenario.issues()}
    effects: list[Effect] = []
    notes: list[str] = []
    for track in scenario.tracks:
        read = issues_read_elsewhere(track) & set(agreed)
        if track.id in passing or track.deferred or not read:
            continue
        without = track_preferences(scenario, track, values)
        if int(np.prod(without.sizes)) > MAX_OUTCOMES:
            notes.append(f"'{track.title}' reads the proposal but has more than {MAX_OUTCOMES:,} outcomes; "
                         "not evaluated here.")
            continue
        given = {iid: (issues[iid], agreed[iid]) for iid in read}
        a, b = carried(track_preferences(scenario, track, values, elsewhere=given)), carried(without)
        size, on = int(np.prod(without.sizes)), ", ".join(sorted(read))
        effects.append(Effect("tracks", f"track:{track.id}",
                              f"'{track.title}' can agree (its red lines read {on})",
                              float((a > 0).mean()), float((b > 0).mean()), "no deal on the proposal"))
        effects.append(Effect("tracks", f"track:{track.id}/space",
                              f"share of the {size} outcomes of '{track.title}' its rule carries "
                              "(mean over draws)",
                              float(a.mean()) / size, float(b.mean()) / size, "no deal on the proposal"))
    return tuple(effects), tuple(notes)
