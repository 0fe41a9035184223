"""The nearest outcomes of a track that pass (the rule carries them in at least half the draws,
and in more draws than the proposal): fewest issues changed from the proposal, then the
smallest change (each changed issue's step on its own 0-1 scale: the rank or number difference
over the issue's span for an ordered or number issue, 1 for any change of an unordered one),
then the most draws passing. Every outcome's pass share is computed over all draws at once, in
blocks of outcomes (memory only)."""

from __future__ import annotations

import itertools

import numpy as np

from ..scenario.issues import CategoricalIssue
from ..scenario.tracks import Track
from ..settlement.preferences import Preferences
from .result import NearOutcome

#: Outcomes changing the same number of issues searched at most (a larger ring is refused, with a note).
MAX_OUTCOMES = 500_000
#: Draws x parties x outcomes evaluated together (memory only).
BLOCK_CELLS = 20_000_000
#: An outcome "passes" when the track's rule carries it in at least this share of the draws.
PASS_SHARE = 0.5


def all_outcomes(sizes: np.ndarray) -> np.ndarray:
    """(m, I) every outcome as value indices, the last issue varying fastest."""
    return np.indices(tuple(int(s) for s in sizes)).reshape(len(sizes), -1).T


def pass_shares(prefs: Preferences, index: np.ndarray) -> np.ndarray:
    """(m,) the share of draws in which the rule carries each outcome (value indices (m, I))."""
    step = max(1, BLOCK_CELLS // max(1, prefs.draws * prefs.n_parties))
    parts = [prefs.passes(index[s:s + step]).mean(axis=0) for s in range(0, len(index), step)]
    return np.concatenate(parts) if parts else np.zeros(0)


def issue_steps(track: Track, prefs: Preferences, index: np.ndarray, proposed: np.ndarray) -> np.ndarray:
    """(m, I) how far each outcome moves each issue from ``proposed``, on the issue's 0-1 scale."""
    out = np.zeros(index.shape, dtype=float)
    for i, issue in enumerate(track.issues):
        axis = prefs.axes[i]
        if isinstance(issue, CategoricalIssue):
            out[:, i] = (index[:, i] != proposed[i]).astype(float)
        else:
            span = float(axis[-1] - axis[0]) or 1.0
            out[:, i] = np.abs(axis[index[:, i]] - axis[proposed[i]]) / span
    return out


def changing(proposed: np.ndarray, sizes: np.ndarray, k: int) -> np.ndarray:
    """(m, I) every outcome that differs from ``proposed`` on exactly ``k`` issues."""
    parts = []
    for issues in itertools.combinations(range(len(sizes)), k):
        others = [np.delete(np.arange(int(sizes[i])), proposed[i]) for i in issues]
        if any(len(o) == 0 for o in others):
            continue
        grid = np.array(list(itertools.product(*others)), dtype=np.int64).reshape(-1, k)
        block = np.tile(proposed, (len(grid), 1))
        block[:, list(issues)] = grid
        parts.append(block)
    return np.concatenate(parts) if parts else np.zeros((0, len(sizes)), dtype=np.int64)


def count_changing(sizes: np.ndarray, k: int) -> int:
    """How many outcomes differ from a given one on exactly ``k`` issues."""
    rings = itertools.combinations(range(len(sizes)), k)
    return sum(int(np.prod([int(sizes[i]) - 1 for i in c])) for c in rings)


def nearest_passing(track: Track, prefs: Preferences, proposed: np.ndarray, keep: int = 3,
                    beat: float = 0.0) -> tuple[tuple[NearOutcome, ...], str | None]:
    """Up to ``keep`` outcomes that pass in at least :data:`PASS_SHARE` of the draws and in more
    draws than ``beat`` (the proposal's own share), nearest to ``proposed`` (value indices (I,))
    first. The search goes out one issue changed at a time and
    stops at the first number of changes that yields ``keep`` (so it never walks the whole
    track when a near outcome passes); a note when the next ring is too large to search."""
    found: list[tuple[int, float, float, np.ndarray]] = []
    note = None
    for k in range(1, len(prefs.sizes) + 1):
        if count_changing(prefs.sizes, k) > MAX_OUTCOMES:
            note = (f"track '{track.id}': outcomes changing {k} issues number "
                    f"{count_changing(prefs.sizes, k):,}, more than the {MAX_OUTCOMES:,} searched")
            break
        index = changing(proposed, prefs.sizes, k)
        if not len(index):
            continue
        shares = pass_shares(prefs, index)
        dist = issue_steps(track, prefs, index, proposed).sum(axis=1)
        ok = np.flatnonzero((shares >= PASS_SHARE) & (shares > beat + 1e-12))
        found += [(k, float(dist[j]), float(shares[j]), index[j]) for j in ok]
        if len(found) >= keep:
            break
    if not found and note is None:
        note = (f"no outcome of track '{track.id}' passes in {PASS_SHARE:.0%} of the draws or more and "
                f"more often than the proposal ({beat:.1%})")
    found.sort(key=lambda f: (f[0], f[1], -f[2]))
    out = []
    for k, dist_j, share, row in found[:keep]:
        labels = {iid: _plain(prefs.labels[i][row[i]]) for i, iid in enumerate(prefs.issue_ids)}
        changes = {iid: [_plain(prefs.labels[i][proposed[i]]), labels[iid]]
                   for i, iid in enumerate(prefs.issue_ids) if row[i] != proposed[i]}
        out.append(NearOutcome(outcome=labels, changes=changes, passes=share, issues_changed=k,
                               distance=dist_j))
    return tuple(out), note


def _plain(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
