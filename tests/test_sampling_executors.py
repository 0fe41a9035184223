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
    monkeypatch.setattr(module, "_SHARED_OUT", 0)   # the workers count blocks however small the work
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


class CountingExecutor(ShippingExecutor):
    """:class:`ShippingExecutor` with ``workers`` workers, keeping the names of the functions sent."""

    def __init__(self, workers: int) -> None:
        self.workers, self.sent = workers, []

    def submit(self, fn, /, *args):
        self.sent.append(fn.__name__)
        return super().submit(fn, *args)


def random_results(rng: np.random.Generator, x: np.ndarray) -> list[np.ndarray]:
    """Results of the inputs ``x``: driven by one, two or no inputs, continuous, binary, rare
    failures (the gathering branch of the count), a few values with ties, and constant."""
    d, k = x.shape
    noise = rng.normal(size=(6, d))
    a, b = rng.choice(k, size=2, replace=False)
    x[:, a] = rng.normal(size=d)   # the driver untied
    return [x[:, a] + 0.3 * noise[0], (x[:, a] - 0.7 * x[:, b] + noise[1] > 0.3).astype(float),
            noise[2], (noise[3] > 2.2).astype(float), np.round(x[:, b] + noise[4]),
            (x[:, a] > 2.0).astype(float), (rng.random(d) > 0.5) * 1.0, np.ones(d)]


@pytest.mark.parametrize("seed", range(12))
def test_blocks_counted_on_workers_and_replayed_give_the_serial_test(seed, monkeypatch):
    """The wave path (blocks of permutations counted on the workers, replayed here in order with
    the stopping rule) leaves every result's exceedances, permutations seen, p-values and drivers
    exactly as one pass in this process does."""
    from multitrack.montecarlo import drivers as module

    rng = np.random.default_rng(seed)
    d, k = int(rng.integers(60, 400)), int(rng.integers(2, 12))
    monkeypatch.setattr(module, "_HELD", int(rng.integers(d, 40 * d)))   # 1 to 40 rows a block
    monkeypatch.setattr(module, "_MOST_PER_TASK", int(rng.integers(1, 5)))
    x = rng.normal(size=(d, k)).round(int(rng.integers(1, 4)))   # ties among the inputs too
    labels = tuple(f"x{j}" for j in range(k))
    reach = rng.random(k) > 0.2
    b = int(rng.choice([999, 1999, 2999]))
    results = random_results(rng, x)
    asked = [(y, labels, reach if j else None, 4) for j, y in enumerate(results)]
    serial, spread = DriverTest(x, seed, permutations=b), DriverTest(x, seed, permutations=b)
    one = [r for r in (serial._request(*a) for a in asked) if r is not None]
    many = [r for r in (spread._request(*a) for a in asked) if r is not None]
    serial._finish(one)
    executor, ticks = CountingExecutor(int(rng.integers(2, 5))), []
    spread._finish_on(executor, executor.workers, many, ticks.append)
    assert set(executor.sent) == {"_counted"} and len(executor.sent) >= executor.workers
    assert ticks == sorted(ticks) and ticks[-1] <= b
    for r, s in zip(one, many, strict=True):
        assert np.array_equal(r.exceed, s.exceed) and np.array_equal(r.seen, s.seen), r.labels
        assert np.array_equal(r.p_values(b), s.p_values(b))
        assert serial._seen[r.key] == spread._seen[s.key]
    assert any(serial._seen[r.key] for r in one) and any(r.seen.max() >= b for r in one)


def test_prefetch_shares_blocks_out_only_for_big_work(monkeypatch):
    """Small work stays in this process; past the threshold the blocks go to the workers, and the
    drivers found are those of one pass here."""
    from multitrack.montecarlo import drivers as module

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    asked = [(y, tuple("abcde"), None, 3) for y in random_results(rng, x)]
    alone = DriverTest(x, 1, permutations=999)
    expected = [alone.drivers(*a) for a in asked]
    small, big = CountingExecutor(2), CountingExecutor(2)
    DriverTest(x, 1, permutations=999).prefetch(asked, small)
    assert small.sent == []
    monkeypatch.setattr(module, "_SHARED_OUT", 999 * 200)
    test = DriverTest(x, 1, permutations=999)
    test.prefetch(asked, big)
    assert big.sent and [test.drivers(*a) for a in asked] == expected


def test_blocks_counted_on_two_dask_workers_give_the_serial_test(monkeypatch):
    """The same through two local Dask worker processes, the fixed data sent to them once."""
    from multitrack.montecarlo import DaskExecutor
    from multitrack.montecarlo import drivers as module

    monkeypatch.setattr(module, "_HELD", 4000)
    monkeypatch.setattr(module, "_SHARED_OUT", 0)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 8))
    asked = [(y, tuple("abcdefgh"), None, 4) for y in random_results(rng, x)]
    alone = DriverTest(x, 3, permutations=1999)
    expected = [alone.drivers(*a) for a in asked]
    test = DriverTest(x, 3, permutations=1999)
    with DaskExecutor.local(2) as two:
        test.prefetch(asked, two)
    assert [test.drivers(*a) for a in asked] == expected and any(expected)


#: The analyses whose draws go to the executor, and the factors, which read theirs in this process.
SAMPLING = ["process", "deterrence", "escalation", "forecast", "negotiation", "factors"]


def test_every_sampling_analysis_gives_the_same_bytes_on_two_dask_workers(monkeypatch):
    """Serial and two local Dask worker processes, on a short run of the built-in scenario (the
    drivers' blocks of permutations counted on the workers however small the work)."""
    from multitrack.analysis import run_all
    from multitrack.montecarlo import DaskExecutor
    from multitrack.montecarlo import drivers as module

    monkeypatch.setattr(module, "_SHARED_OUT", 0)
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
