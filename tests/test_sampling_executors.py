"""Issue 20, target 6: the sampling analyses give the same answers on any executor, and the
shortcuts taken to get there (a package's bound without its model, the drivers' permutations
made once for many results, the pilot in pieces) give the numbers of the long way round."""

import concurrent.futures as cf
import json
import pickle
from itertools import combinations

import numpy as np
import pytest

from multitrack.montecarlo.drivers import DriverTest, holm
from multitrack.process import search
from multitrack.process.config import ProcessConfig
from multitrack.process.designs import per_track
from multitrack.process.kernel import solve_batch
from multitrack.process.package import allowed_outcomes, may_pass, package_batch
from multitrack.settlement.preferences import Party, Preferences

ACTORS = ("a0", "a1", "a2", "a3", "a4")


class ShippingExecutor:
    """Two 'workers' in this process: every call and its answer go through pickle, as to a Dask
    worker, and the futures come back done, out of order when asked."""

    workers = 2

    def submit(self, fn, /, *args):
        future: cf.Future = cf.Future()
        fn, args = pickle.loads(pickle.dumps((fn, args)))
        future.set_result(pickle.loads(pickle.dumps(fn(*args))))
        return future

    def close(self) -> None:
        pass


def random_tracks(seed: int, n_tracks: int = 4, draws: int = 5) -> dict[str, Preferences]:
    """Tracks over random subsets of five actors with padded value axes (issues shorter than the
    widest, the padding sometimes allowed), red lines, reservation values, and some tracks with no
    veto player at all."""
    rng = np.random.default_rng(seed)
    out = {}
    for k in range(n_tracks):
        who = sorted(rng.choice(len(ACTORS), size=int(rng.integers(2, 5)), replace=False))
        n_issues, width = int(rng.integers(1, 4)), int(rng.integers(2, 5))
        sizes = rng.integers(1, width + 1, size=n_issues)
        sizes[rng.integers(n_issues)] = width   # the value axis is as wide as the track's widest issue
        tables = rng.normal(size=(draws, len(who), n_issues, width)).round(1)
        allowed = rng.random(tables.shape) > 0.25
        reservation = tables[:, :, :, 0].sum(axis=2) + rng.choice([-0.5, 0.0, 0.4], size=(draws, len(who)))
        vetoes = rng.random(len(who)) < (0.0 if rng.random() < 0.25 else 0.5)
        parties = [Party(ACTORS[a], ACTORS[a], 0, bool(v)) for a, v in zip(who, vetoes, strict=True)]
        space = Preferences.from_arrays(tables, allowed, sizes, reservation, parties=parties,
                                        track_id=f"t{k}")
        out[space.track_id] = space
    return out


@pytest.mark.parametrize("seed", range(25))
def test_package_bound_without_the_package_model_is_the_models_bound(seed):
    spaces = random_tracks(seed)
    bounds = search._Bounds(spaces, ACTORS)
    ids = tuple(spaces)
    for n in range(2, len(ids) + 1):
        for bundle in combinations(ids, n):
            batch = package_batch([spaces[t] for t in bundle], ACTORS)
            may, outcomes = bounds.bound(bundle)
            assert np.array_equal(may, may_pass(batch, batch.tolerance)), bundle
            assert outcomes == allowed_outcomes(batch), bundle


def old_p_values(test: DriverTest, y: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The permutation p-values as the test computed them one result at a time (before issue 20)."""
    swing = y @ test.contrast[:, cols]
    exceed, seen, live = np.zeros(cols.size), np.zeros(cols.size), np.arange(cols.size)
    observed = np.abs(swing) * (1 - 1e-12)
    values, counts = np.unique(y, return_counts=True)
    common = values[np.argmax(counts)]
    odd = np.flatnonzero(y != common)
    done = 0
    while done < test.b and live.size:
        perm = test._block(done // test.rows)
        weights = test.contrast[:, cols[live]]
        if odd.size * live.size <= test.n:
            shuffled = np.abs(np.einsum("bdl,d->bl", weights[perm[:, odd]], y[odd] - common))
        else:
            shuffled = np.abs(y[perm] @ weights)
        exceed[live] += (shuffled >= observed[live]).sum(axis=0)
        done += perm.shape[0]
        seen[live] = done
        live = live[(exceed[live] + 1) / (test.b + 1) <= test.alpha]
    return np.where(seen >= test.b, (exceed + 1) / (test.b + 1),
                    np.maximum((exceed + 1) / (seen + 1), (exceed + 1) / (test.b + 1)))


@pytest.mark.parametrize("executor", [None, ShippingExecutor()], ids=["here", "two workers"])
def test_drivers_tested_together_are_those_tested_one_at_a_time(executor, monkeypatch):
    from multitrack.montecarlo import drivers as module

    monkeypatch.setattr(module, "_HELD", 3000)   # several blocks of permutations, none kept
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 6))
    outcomes = [(x[:, 0] + rng.normal(size=300) > 0).astype(float), (x[:, 1] > 1.2).astype(float),
                np.round(x[:, 2] * 2 + rng.normal(size=300)), rng.normal(size=300),
                (rng.random(300) > 0.5) * 1.0, (x[:, 3] > 2.4).astype(float)]
    reach = np.array([True, True, True, False, True, True])
    labels = tuple("abcdef")
    together = DriverTest(x, 5, permutations=1999)
    events = []
    together.prefetch([(y, labels, reach, 3) for y in outcomes], executor, events.append)
    assert events and events[-1].done == events[-1].total
    for y in outcomes:
        alone = DriverTest(x, 5, permutations=1999)
        found = alone.drivers(y, labels, reach, 3)
        assert together.drivers(y, labels, reach, 3) == found
        cols = np.flatnonzero(reach)
        adjusted = holm(old_p_values(alone, y, cols))
        expected = sorted((j for j in range(cols.size) if adjusted[j] <= alone.alpha),
                          key=lambda j: -abs(y @ alone.contrast[:, cols[j]]))[:3]
        assert [d.input for d in found] == [labels[cols[j]] for j in expected]
        assert [d.p_value for d in found] == [adjusted[j] for j in expected]
    assert any(together.drivers(y, labels, reach, 3) for y in outcomes)   # some result has drivers


@pytest.fixture(scope="module")
def plan():
    from multitrack.process.chunk import ProcessPlan
    from multitrack.scenario import load
    from multitrack.settlement import Settlement

    run = Settlement.from_scenario(load("european-security"), draws=300, seed=4, chunk_size=100).run
    return ProcessPlan(run, ProcessConfig.model_validate({"pilot_draws": 120, "search_draws": 12}))


def test_pilot_pieces_give_what_one_pass_gives(plan):
    from multitrack.process.chunk import track_models

    values = plan.run.first(120).values()
    whole = track_models(plan, values)[1]
    step = search.PILOT_PIECE
    pieces = [track_models(plan, values.rows(k, k + step))[1] for k in range(0, 120, step)]
    for t, r in whole.items():
        assert np.array_equal(r.agreed, np.concatenate([p[t].agreed for p in pieces])), t


def test_pilot_on_two_workers_is_the_pilot_in_one_process(plan):
    from functools import partial

    from multitrack.process.chunk import track_models

    args = (plan.run, partial(track_models, plan), plan.actors, plan.config)
    heard = []
    here = search.run_pilot(*args, progress=heard.append)
    there = search.run_pilot(*args, executor=ShippingExecutor())
    assert here == there
    tasks = {e.task for e in heard}
    assert {search.PILOT_TASK, search.SEARCH_TASK} <= tasks
    searched = [e for e in heard if e.task == search.SEARCH_TASK]
    assert searched[-1].done == searched[-1].total == 2 ** len(plan.tracks) - len(plan.tracks) - 1


def test_package_search_solving_ahead_keeps_the_order_of_one_process():
    spaces = random_tracks(11, n_tracks=5, draws=6)
    parallel = per_track(spaces, {t: solve_batch(s) for t, s in spaces.items()}, ACTORS)
    ids = tuple(spaces)
    subsets = [c for n in range(2, len(ids) + 1) for c in combinations(ids, n)]
    config = ProcessConfig.model_validate({})
    here = search.search_packages(spaces, parallel, subsets, ACTORS, config)
    there = search.search_packages(spaces, parallel, subsets, ACTORS, config, executor=ShippingExecutor())
    assert here == there


#: The analyses whose draws go to the executor, and the factors, which read theirs in this process.
SAMPLING = ["process", "deterrence", "escalation", "forecast", "negotiation", "factors"]


def test_every_sampling_analysis_gives_the_same_bytes_on_two_dask_workers():
    """Serial and two local Dask worker processes, on a short run of the built-in scenario."""
    from multitrack.analysis import run_all
    from multitrack.montecarlo import DaskExecutor
    from multitrack.scenario import load
    from multitrack.settlement import Settlement

    scenario = load("european-security")
    settlement = Settlement.from_scenario(scenario, draws=120, seed=9, chunk_size=40)
    serial = run_all(scenario, only=SAMPLING, settlement=settlement)
    with DaskExecutor.local(2) as two:
        spread = run_all(scenario, only=SAMPLING, settlement=settlement, executor=two)
    for name in SAMPLING:
        assert name in serial, name
        a = json.dumps(serial[name].to_dict(), sort_keys=True, default=str)
        b = json.dumps(spread[name].to_dict(), sort_keys=True, default=str)
        assert a == b, name
