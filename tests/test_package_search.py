"""The search for the best partial package (issue 16): it skips packages by upper bounds and
stops HiGHS draw by draw, and must find what solving every package finds; ties go to the
package with the fewest tracks, then the first in the scenario's order, whatever the gains."""

from itertools import combinations

import numpy as np
import pytest

from multitrack.process import search
from multitrack.process.config import ProcessConfig
from multitrack.process.designs import beside, per_track
from multitrack.process.kernel import solve_batch
from multitrack.process.package import solve_package
from multitrack.settlement.preferences import Party, Preferences

ACTORS = ("a0", "a1", "a2", "a3")


def random_tracks(seed: int, n_tracks: int = 4, draws: int = 4) -> dict[str, Preferences]:
    """Small tracks over random subsets of four actors: ordinal issues of two or three values,
    random utilities and red lines, reservation values at the status quo (value 0) or above it."""
    rng = np.random.default_rng(seed)
    out = {}
    for k in range(n_tracks):
        who = sorted(rng.choice(4, size=int(rng.integers(2, 5)), replace=False))
        n_issues, n_values = int(rng.integers(1, 3)), int(rng.integers(2, 4))
        tables = rng.integers(0, 4, size=(draws, len(who), n_issues, n_values)).astype(float)
        allowed = rng.random(tables.shape) > 0.15
        status_quo = tables[:, :, :, 0].sum(axis=2)
        reservation = status_quo + rng.choice([0.0, 0.0, 1.0], size=status_quo.shape)
        vetoes = rng.random(len(who)) < 0.6
        vetoes[0] = True
        parties = [Party(ACTORS[a], ACTORS[a], 0, bool(v)) for a, v in zip(who, vetoes, strict=True)]
        space = Preferences.from_arrays(tables, allowed, reservation=reservation, parties=parties,
                                        track_id=f"t{k}", disagreement=status_quo)
        out[space.track_id] = space
    return out


def brute_force(spaces, parallel, enumeration_limit):
    """Every package of two tracks or more solved on every draw: (tracks agreed, tracks) each."""
    ids = tuple(spaces)
    out = []
    for n in range(2, len(ids) + 1):
        for bundle in combinations(ids, n):
            pkg = solve_package([spaces[t] for t in bundle], ACTORS, enumeration_limit=enumeration_limit)
            out.append((int(beside(spaces, parallel, bundle, pkg).agreed.sum()), bundle))
    return out


@pytest.mark.parametrize("limit", [search.ENUMERATION_LIMIT, 0])  # compiled code, or HiGHS draw by draw
@pytest.mark.parametrize("seed", range(8))
def test_the_pruned_search_finds_what_solving_every_package_finds(seed, limit, monkeypatch):
    monkeypatch.setattr(search, "ENUMERATION_LIMIT", limit)
    spaces = random_tracks(seed)
    parallel = per_track(spaces, {t: solve_batch(s) for t, s in spaces.items()}, ACTORS)
    ids = tuple(spaces)
    subsets = [c for n in range(2, len(ids) + 1) for c in combinations(ids, n)]
    found = search.search_packages(spaces, parallel, subsets, ACTORS, ProcessConfig.model_validate({}))
    every = brute_force(spaces, parallel, limit)
    top = max(total for total, _ in every)
    first = min((b for total, b in every if total == top), key=lambda b: (len(b), [ids.index(t) for t in b]))
    assert found.trials[0].tracks == first
    assert found.trials[0].mean_agreed == top / parallel.agreed.shape[0]
    exact = {b: total for total, b in every}
    draws = parallel.agreed.shape[0]
    assert all(t.mean_agreed * draws == pytest.approx(exact[t.tracks]) for t in found.trials)
    ties = sum(total == top for total, _ in every)
    assert found.ties <= ties <= found.ties + found.may_tie
    solved_ties = sum(exact[t.tracks] == top for t in found.trials)
    assert found.ties == solved_ties


def test_a_package_of_a_few_hundred_thousand_outcomes_is_enumerated_not_solved_by_highs(monkeypatch):
    """Issue 20: a one-track package of 390,625 outcomes went to HiGHS draw by draw (about 45 ms a
    draw), which made the process analysis of an imported 8 x 5 domain take 45 s; the compiled walk
    solves it for all draws at once and applies the tie rule exactly. HiGHS must not be called, and
    the package must be the track's own compromise in every draw."""
    from multitrack.process import package

    def no_highs(*args, **kwargs):
        raise AssertionError("HiGHS called for a package the compiled walk can enumerate")

    monkeypatch.setattr(package, "package_by_draw", no_highs)
    rng = np.random.default_rng(7)
    draws, n_issues, n_values = 3, 8, 5
    tables = rng.random((draws, 2, n_issues, n_values))
    tables[:, 1] = 1.0 - tables[:, 0]          # opposed preferences: a real compromise
    allowed = np.ones(tables.shape, dtype=bool)
    status_quo = tables[:, :, :, 0].sum(axis=2)
    parties = [Party("a0", "a0", 0, True), Party("a1", "a1", 0, True)]
    space = Preferences.from_arrays(tables, allowed, reservation=status_quo, parties=parties, track_id="big",
                                    disagreement=status_quo)
    got = solve_package([space], ("a0", "a1"))
    own = solve_batch(space)
    assert np.array_equal(got.agreed, own.agreed)
    assert np.array_equal(got.choice, np.where(own.agreed[:, None], own.choice, -1))
