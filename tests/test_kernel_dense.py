"""The dense (draws x outcomes) evaluation of the process kernel (multitrack.process.dense), which
the optional GPU path runs through CuPy, against the compiled kernel's walk (``_solve`` through
``solve_batch`` on the CPU): on random spaces (every rule, veto and non-veto parties, red lines,
joint red lines, ties from small integer tables) the win-set size, agreement and compromise are
identical and the utilities and levels equal, whatever the memory budget. Near ties on the
compromise, which the dense reduction cannot settle alone, are detected and re-solved by the kernel.
The device choice is tested with a stand-in for CuPy that runs numpy underneath, so everything here
passes without a GPU."""

from __future__ import annotations

import importlib.machinery
import os
import subprocess
import sys
import types
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from multitrack.process import kernel, kernel_gpu
from multitrack.process.dense import solve_batch_dense, solve_dense, take_draws
from multitrack.settlement.preferences import DecisionRuleArrays, Party, Preferences, RedLine


def _cpu(space: Preferences) -> kernel.TrackDraws:
    return kernel.solve_batch(space, device="cpu")


@st.composite
def spaces(draw) -> Preferences:
    """A random track over a few draws: 1-3 parties (each with or without a veto), 1-4 issues of
    1-4 values, tables of small integers (many ties) or of floats, red lines as allowed values,
    reservation values, any of the three rules, and up to two joint red lines."""
    d_n, a_n, i_n, v_n = (draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 4)),
                          draw(st.integers(1, 4)))
    sizes = np.array(draw(st.lists(st.integers(1, v_n), min_size=i_n, max_size=i_n)), dtype=np.int64)
    sizes[draw(st.integers(0, i_n - 1))] = v_n
    shape = (d_n, a_n, i_n, v_n)
    cells = st.sampled_from([0.0, 0.5, 1.0, 2.0]) if draw(st.booleans()) else st.floats(0, 1, width=32)
    tables = draw(hnp.arrays(float, shape, elements=cells))
    allowed = draw(hnp.arrays(bool, shape, elements=st.sampled_from([True, True, True, False])))
    for i, n in enumerate(sizes):
        tables[:, :, i, n:] = 0.0
        allowed[:, :, i, n:] = False
    veto = draw(st.lists(st.booleans(), min_size=a_n, max_size=a_n))
    parties = [Party(f"a{j}", f"a{j}", 0, v) for j, v in enumerate(veto)]
    vetoes = tuple(j for j, v in enumerate(veto) if v)
    kind = draw(st.sampled_from(["unanimity", "qualified", "weighted"]))
    if kind == "qualified":
        rule = DecisionRuleArrays(kind, vetoes, min_participants=draw(st.integers(0, a_n)))
    elif kind == "weighted":
        # 0.1 + 0.7 falls a rounding short of 0.8: the rule's slack of 1e-12 decides
        w = np.array(draw(st.lists(st.sampled_from([0.0, 0.1, 0.7, 1.0, 2.0]), min_size=a_n, max_size=a_n)))
        threshold = draw(st.sampled_from([0.0, 0.8, 1.5, 3.0]))
        rule = DecisionRuleArrays(kind, vetoes, weights=w, threshold=threshold)
    else:
        rule = DecisionRuleArrays(kind, vetoes)
    reservation = draw(hnp.arrays(float, (d_n, a_n), elements=st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.5])))
    space = Preferences.from_arrays(tables, allowed, sizes, reservation, parties=parties, rule=rule)
    lines = []
    for k in range(draw(st.integers(0, 2)) if i_n > 1 else 0):
        own, cond = draw(st.permutations(range(i_n)))[:2]
        holds = np.array(draw(st.lists(st.booleans(), min_size=int(sizes[cond]), max_size=int(sizes[cond]))))
        at = draw(hnp.arrays(float, (d_n,), elements=st.sampled_from([0.0, 1.0, 2.0])))
        lines.append(RedLine(own, draw(st.integers(0, a_n - 1)), k, draw(st.sampled_from(["below", "above",
                     "equals"])), None, at, when_issue=cond, when_holds=holds))
    return replace(space, red_lines=tuple(lines))


def dense(space: Preferences, **kwargs) -> kernel.TrackDraws:
    """The dense evaluation with the kernel settling near ties, as the GPU path runs it (on numpy)."""
    return kernel.TrackDraws(*solve_batch_dense(space, _cpu, **kwargs))


def assert_same(got: kernel.TrackDraws, want: kernel.TrackDraws) -> None:
    np.testing.assert_array_equal(got.agreed, want.agreed)
    np.testing.assert_array_equal(got.n_pass, want.n_pass)
    np.testing.assert_array_equal(got.choice, want.choice)
    np.testing.assert_allclose(got.utility, want.utility, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got.level, want.level, rtol=1e-12, atol=1e-12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spaces(), st.sampled_from([1 << 20, 64, 8]))
def test_dense_evaluation_matches_the_kernel(space, budget):
    """Any memory budget (8 cells forces one-prefix chunks and one-draw blocks) gives the kernel's answer."""
    assert_same(dense(space, budget=budget), _cpu(space))


@settings(max_examples=100, deadline=None)
@given(spaces())
def test_dense_alone_is_exact_where_it_claims_no_near_tie(space):
    """Without the kernel's help: every draw not marked for a re-solve already holds the kernel's answer."""
    got, want = solve_dense(space), _cpu(space)
    keep = ~got.redo
    np.testing.assert_array_equal(got.n_pass, want.n_pass)
    np.testing.assert_array_equal(got.agreed, want.agreed)
    np.testing.assert_array_equal(got.choice[keep], want.choice[keep])
    np.testing.assert_allclose(got.level[keep], want.level[keep], rtol=1e-12, atol=1e-12)


def _one_issue(values: list[float], reservation: float = 0.0) -> Preferences:
    """One draw, one issue, one veto player with these utilities."""
    return Preferences.from_arrays(np.array(values, dtype=float).reshape(1, 1, 1, -1),
                                   reservation=np.array([[reservation]]))


def test_a_gain_within_the_slack_of_the_best_is_a_near_tie_the_kernel_settles():
    """Utilities 0, 1, 1 + 5e-13: the kernel keeps value 1 (value 2 is not 1e-12 better); the largest
    gain is value 2, so the dense reduction alone would differ: it marks the draw, the kernel settles it."""
    space = _one_issue([0.0, 1.0, 1.0 + 5e-13])
    raw = solve_dense(space)
    assert raw.redo[0] and raw.choice[0, 0] == 2
    got = dense(space)
    assert got.choice[0, 0] == 1 == _cpu(space).choice[0, 0]


def test_a_clear_best_is_no_near_tie():
    space = _one_issue([0.0, 1.0, 1.0 + 1e-9, 0.5])
    raw = solve_dense(space)
    assert not raw.redo[0] and raw.choice[0, 0] == 2 == _cpu(space).choice[0, 0]


def test_equal_smallest_gains_go_to_the_larger_total_then_the_first():
    """Two veto players, one issue: values 1 and 2 tie on the smallest gain, value 2 has the larger
    total; values 3 and 4 repeat values 1 and 2 (exact ties): the first of each kind counts."""
    a = [0.0, 1.0, 1.0, 1.0, 1.0, 3.0]
    b = [3.0, 1.0, 2.0, 1.0, 2.0, 0.0]
    space = Preferences.from_arrays(np.array([[[a], [b]]]))
    raw = solve_dense(space)
    assert not raw.redo[0] and raw.choice[0, 0] == 2 == _cpu(space).choice[0, 0]


def test_a_weighted_vote_a_rounding_short_of_the_threshold_passes():
    """Weights 0.1 and 0.7 sum to 0.7999999999999999 in floats: with the kernel's slack, 0.8 is met."""
    rule = DecisionRuleArrays("weighted", (), weights=np.array([0.1, 0.7, 0.2]), threshold=0.8)
    space = Preferences.from_arrays(np.array([[[[1.0, 0.0]], [[1.0, 0.0]], [[0.0, 1.0]]]]),
                                    reservation=np.full((1, 3), 0.5),
                                    parties=[Party(f"a{j}", f"a{j}") for j in range(3)], rule=rule)
    got, want = dense(space), _cpu(space)
    assert want.n_pass[0] == 1 and want.choice[0, 0] == 0
    assert_same(got, want)


def test_taking_draws_keeps_each_draws_answer():
    rng = np.random.default_rng(3)
    space = Preferences.from_arrays(rng.random((6, 2, 3, 3)), reservation=np.full((6, 2), 0.8))
    whole, part = _cpu(space), _cpu(take_draws(space, np.array([4, 1])))
    np.testing.assert_array_equal(part.choice, whole.choice[[4, 1]])
    np.testing.assert_array_equal(part.n_pass, whole.n_pass[[4, 1]])


# --------------------------------------------------------------------------- choosing the device


class _OnDevice(np.ndarray):
    """An array "on the device": like CuPy, any elementwise operation or reduction that mixes it
    with a host (numpy) array fails, so host arrays leaking into device work show up here."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        outs = kwargs.get("out", ())
        if any(type(x) is np.ndarray for x in (*inputs, *outs)):
            raise TypeError(f"{ufunc.__name__}: a host array in device work")
        plain = [x.view(np.ndarray) if isinstance(x, _OnDevice) else x for x in inputs]
        if outs:
            kwargs["out"] = tuple(x.view(np.ndarray) for x in outs)
        got = getattr(ufunc, method)(*plain, **kwargs)
        return outs[0] if outs else _device(got)


def _device(x):
    return np.asarray(x).view(_OnDevice) if isinstance(x, np.ndarray) or np.isscalar(x) else x


def _fake_cupy(calls: list[str]) -> types.ModuleType:
    """A stand-in for CuPy: numpy underneath with arrays kept apart from host arrays (_OnDevice),
    one CUDA device, counting the copies to the device."""
    fake = types.ModuleType("cupy")
    fake.__spec__ = importlib.machinery.ModuleSpec("cupy", None)

    def asarray(x, *args, **kwargs):
        calls.append("asarray")
        return _device(np.asarray(x, *args, **kwargs))

    def on_device(name: str):
        fn = getattr(np, name)
        if not callable(fn) or isinstance(fn, type):
            return fn

        def wrapped(*args, **kwargs):
            got = fn(*args, **kwargs)
            return tuple(_device(x) for x in got) if isinstance(got, tuple) else _device(got)
        return wrapped

    fake.__getattr__ = on_device  # type: ignore[method-assign]
    fake.asarray = asarray  # type: ignore[attr-defined]
    fake.asnumpy = lambda x: np.asarray(x).view(np.ndarray)  # type: ignore[attr-defined]
    runtime = types.SimpleNamespace(getDeviceCount=lambda: 1, memGetInfo=lambda: (1 << 30, 1 << 30))
    fake.cuda = types.SimpleNamespace(runtime=runtime)  # type: ignore[attr-defined]
    return fake


def test_the_stand_in_refuses_host_arrays_in_device_work(fake_gpu):
    cupy = sys.modules["cupy"]
    with pytest.raises(TypeError, match="host array"):
        cupy.asarray([1.0, 2.0]) + np.array([1.0, 2.0])
    assert type(cupy.zeros(2) + 1.0) is _OnDevice


@settings(max_examples=40, deadline=None)
@given(spaces())
def test_the_dense_path_keeps_host_and_device_apart(space):
    """On the stand-in device the dense path gives the kernel's answers, with no host array in device work."""
    fake = _fake_cupy([])
    assert_same(kernel.TrackDraws(*solve_batch_dense(space, _cpu, xp=fake, budget=64)), _cpu(space))


@pytest.fixture
def fake_gpu(monkeypatch):
    calls: list[str] = []
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(calls))
    kernel_gpu.gpu_present.cache_clear()
    yield calls
    kernel_gpu.gpu_present.cache_clear()


def _random_space(seed: int = 0, draws: int = 5) -> Preferences:
    rng = np.random.default_rng(seed)
    return Preferences.from_arrays(rng.random((draws, 2, 4, 3)), reservation=rng.random((draws, 2)))


def test_gpu_setting_runs_the_dense_path_and_gives_the_kernels_answer(fake_gpu, monkeypatch):
    space = _random_space()
    want = _cpu(space)
    assert not fake_gpu
    monkeypatch.setenv(kernel_gpu.ENV, "gpu")
    assert_same(kernel.solve_batch(space), want)
    assert "asarray" in fake_gpu
    fake_gpu.clear()
    monkeypatch.setenv(kernel_gpu.ENV, "cpu")
    assert_same(kernel.solve_batch(space), want)
    assert_same(kernel.solve_batch(space, device="gpu"), want)  # the parameter wins over the environment
    assert fake_gpu


def test_auto_takes_the_gpu_only_for_big_spaces(fake_gpu, monkeypatch):
    monkeypatch.delenv(kernel_gpu.ENV, raising=False)
    space = _random_space()
    kernel.solve_batch(space)
    assert not fake_gpu
    monkeypatch.setattr(kernel_gpu, "GPU_MIN_WORK", 1)
    assert_same(kernel.solve_batch(space), _cpu(space))
    assert fake_gpu


def test_auto_asks_for_no_device_below_the_threshold(monkeypatch):
    def boom() -> bool:
        raise AssertionError("looked for a GPU")
    monkeypatch.setattr(kernel_gpu, "gpu_present", boom)
    assert not kernel_gpu.use_gpu("auto", 1000)
    assert not kernel_gpu.use_gpu("cpu", 10**12)


def test_an_unknown_or_absent_device_is_one_line(monkeypatch):
    with pytest.raises(kernel_gpu.DeviceError, match="'tpu' is not one of auto, cpu, gpu"):
        kernel_gpu.device_mode("tpu")
    monkeypatch.setattr(kernel_gpu, "gpu_present", lambda: False)
    with pytest.raises(kernel_gpu.DeviceError, match="no CUDA device"):
        kernel_gpu.use_gpu("gpu", 1)
    assert not kernel_gpu.use_gpu("auto", 10**12)


def test_the_cpu_setting_never_imports_cupy():
    code = ("import sys, numpy as np; from multitrack.process.kernel import solve_batch;"
            "from multitrack.settlement.preferences import Preferences;"
            "solve_batch(Preferences.from_arrays(np.ones((1, 2, 1, 1))));"
            "print('multitrack.process.dense' in sys.modules, 'cupy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "MULTITRACK_DEVICE": "cpu"})
    assert out.stdout.split() == ["False", "False"]
