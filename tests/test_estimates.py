"""Numeric estimates (multitrack.scenario.estimates): nominal values, supports, sampling and
parameter validation, parsed the way scenario files are, through the ``Estimate`` type adapter."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from multitrack.scenario.estimates import (
    Choice, Estimate, Fixed, Normal, Pert, Triangular, Uniform, check_within,
)

ADAPTER = TypeAdapter(Estimate)
PROPERTY = settings(max_examples=150, deadline=None, database=None)


def est(value: Any):
    return ADAPTER.validate_python(value)


# ---- parsing: which model each spelling gives ---------------------------------------------------

@pytest.mark.parametrize(("raw", "model"), [
    (3, Fixed), (2.5, Fixed), ({"value": 4}, Fixed), ({"dist": "fixed", "value": 4}, Fixed),
    ({"dist": "normal", "mean": 0, "sd": 1}, Normal),
    ({"dist": "uniform", "low": 0, "high": 1}, Uniform),
    ({"dist": "triangular", "low": 0, "mode": 0.2, "high": 1}, Triangular),
    ({"dist": "pert", "low": 0, "mode": 0.2, "high": 1}, Pert),
    ({"dist": "choice", "values": [1, 2]}, Choice),
])
def test_each_spelling_parses_to_its_model(raw: Any, model: type) -> None:
    assert type(est(raw)) is model


def test_provenance_fields_are_kept() -> None:
    e = est({"dist": "uniform", "low": 0, "high": 1, "source": "primer", "estimated": True, "note": "why"})
    assert e.source is not None and e.source.id == "primer"
    assert e.estimated is True and e.note == "why"


# ---- nominal values, hand-worked ------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "nominal"), [
    (7, 7.0),
    (-2.5, -2.5),
    ({"value": 0.25}, 0.25),
    ({"dist": "normal", "mean": 3, "sd": 2}, 3.0),
    ({"dist": "normal", "mean": 3, "sd": 2, "low": 0, "high": 10}, 3.0),  # the mean, not the truncated mean
    ({"dist": "uniform", "low": 2, "high": 10}, 6.0),
    ({"dist": "uniform", "low": -1, "high": 0}, -0.5),
    ({"dist": "triangular", "low": 0, "mode": 2, "high": 10}, 2.0),
    ({"dist": "triangular", "low": 0, "mode": 0, "high": 1}, 0.0),
    ({"dist": "pert", "low": 0.5, "mode": 0.7, "high": 0.9}, 0.7),
    ({"dist": "pert", "low": 0, "mode": 10, "high": 10, "lamb": 2}, 10.0),
    ({"dist": "choice", "values": [10, 20, 30], "weights": [1, 3, 2]}, 20.0),
    ({"dist": "choice", "values": [10, 20, 30], "weights": [0, 0, 1]}, 30.0),
    ({"dist": "choice", "values": [5]}, 5.0),
])
def test_nominal(raw: Any, nominal: float) -> None:
    assert est(raw).nominal == nominal


# ---- supports -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "support", "uncertain"), [
    (4, (4.0, 4.0), False),
    ({"dist": "normal", "mean": 0, "sd": 1}, (-math.inf, math.inf), True),
    ({"dist": "normal", "mean": 0, "sd": 1, "low": -1}, (-1.0, math.inf), True),
    ({"dist": "normal", "mean": 0, "sd": 1, "high": 2}, (-math.inf, 2.0), True),
    ({"dist": "normal", "mean": 0, "sd": 1, "low": -1, "high": 2}, (-1.0, 2.0), True),
    ({"dist": "uniform", "low": 2, "high": 10}, (2.0, 10.0), True),
    ({"dist": "triangular", "low": 0, "mode": 2, "high": 10}, (0.0, 10.0), True),
    ({"dist": "pert", "low": 0, "mode": 2, "high": 10}, (0.0, 10.0), True),
    ({"dist": "choice", "values": [3, -1, 7]}, (-1.0, 7.0), True),
    ({"dist": "choice", "values": [3, 3]}, (3.0, 3.0), False),
])
def test_support(raw: Any, support: tuple[float, float], uncertain: bool) -> None:
    e = est(raw)
    assert e.support == support
    assert e.is_uncertain is uncertain


def test_check_within() -> None:
    check_within(est({"dist": "uniform", "low": 0, "high": 1}), 0, 1, "x")
    check_within(est(5), 0, None, "x")
    with pytest.raises(ValueError, match="x -1 lies outside"):
        check_within(est(-1), 0, None, "x")
    with pytest.raises(ValueError, match="truncate the normal"):
        check_within(est({"dist": "normal", "mean": 1, "sd": 1}), 0, None, "x")
    with pytest.raises(ValueError, match="from 0 to 2, outside"):
        check_within(est({"dist": "uniform", "low": 0, "high": 2}), 0, 1, "x")


# ---- samples lie within the support (property) --------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
seeds = st.integers(0, 2**32 - 1)


@st.composite
def ordered(draw: st.DrawFn, n: int) -> list[float]:
    """``n`` sorted floats whose outer two differ by a usable margin."""
    xs = sorted(draw(st.lists(finite, min_size=n, max_size=n)))
    lo = xs[0]
    hi = max(xs[-1], lo + max(1e-3, abs(lo) * 1e-6))
    inner = [min(max(x, lo), hi) for x in xs[1:-1]]
    return [lo, *inner, hi]


@st.composite
def any_estimate(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["fixed", "normal", "normal-truncated", "uniform", "triangular", "pert",
                                 "choice"]))
    if kind == "fixed":
        return {"value": draw(finite)}
    if kind == "normal":
        return {"dist": "normal", "mean": draw(finite), "sd": draw(st.floats(1e-3, 1e3))}
    if kind == "normal-truncated":
        lo, mean, hi = draw(ordered(3))
        spec = {"dist": "normal", "mean": mean, "sd": draw(st.floats(1e-3, 1e3))}
        which = draw(st.sampled_from(["both", "low", "high"]))
        if which in ("both", "low"):
            spec["low"] = lo
        if which in ("both", "high"):
            spec["high"] = hi
        return spec
    if kind == "uniform":
        lo, hi = draw(ordered(2))
        return {"dist": "uniform", "low": lo, "high": hi}
    if kind in ("triangular", "pert"):
        lo, mode, hi = draw(ordered(3))
        spec = {"dist": kind, "low": lo, "mode": mode, "high": hi}
        if kind == "pert" and draw(st.booleans()):
            spec["lamb"] = draw(st.floats(0.1, 50))
        return spec
    values = draw(st.lists(finite, min_size=1, max_size=6))
    spec = {"dist": "choice", "values": values}
    if draw(st.booleans()):
        weights = draw(st.lists(st.floats(0, 100), min_size=len(values), max_size=len(values)))
        if sum(weights) > 0:
            spec["weights"] = weights
    return spec


@PROPERTY
@given(spec=any_estimate(), seed=seeds, size=st.integers(0, 300))
def test_samples_lie_within_the_support(spec: dict[str, Any], seed: int, size: int) -> None:
    e = est(spec)
    draws = e.sample(np.random.default_rng(seed), size)
    assert isinstance(draws, np.ndarray) and draws.shape == (size,)
    assert draws.dtype == np.float64
    assert np.all(np.isfinite(draws))
    lo, hi = e.support
    assert np.all(draws >= lo) and np.all(draws <= hi), (spec, draws.min(), draws.max())
    assert lo <= e.nominal <= hi


@PROPERTY
@given(spec=any_estimate(), seed=seeds)
def test_same_seed_same_draws(spec: dict[str, Any], seed: int) -> None:
    e = est(spec)
    a = e.sample(np.random.default_rng(seed), 50)
    b = e.sample(np.random.default_rng(seed), 50)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("raw", [
    {"dist": "normal", "mean": 0, "sd": 1},
    {"dist": "normal", "mean": 0, "sd": 1, "low": -1, "high": 1},
    {"dist": "uniform", "low": 0, "high": 1},
    {"dist": "triangular", "low": 0, "mode": 0.3, "high": 1},
    {"dist": "pert", "low": 0, "mode": 0.3, "high": 1},
    {"dist": "choice", "values": [1, 2, 3]},
])
def test_different_seeds_differ(raw: Any) -> None:
    e = est(raw)
    assert not np.array_equal(e.sample(np.random.default_rng(1), 100), e.sample(np.random.default_rng(2), 100))


def test_fixed_samples_are_the_value() -> None:
    np.testing.assert_array_equal(est(2.5).sample(np.random.default_rng(0), 4), [2.5, 2.5, 2.5, 2.5])


# ---- sample means match theory --------------------------------------------------------------------

N = 200_000


def _se(e, n: int = N) -> float:
    """Standard error of a mean of ``n`` draws, from a pilot sample's spread."""
    pilot = e.sample(np.random.default_rng(99), 20_000)
    return float(pilot.std()) / math.sqrt(n)


@pytest.mark.parametrize(("raw", "mean"), [
    ({"dist": "uniform", "low": 2, "high": 10}, (2 + 10) / 2),
    ({"dist": "uniform", "low": -3, "high": -1}, -2.0),
    ({"dist": "triangular", "low": 0, "mode": 2, "high": 10}, (0 + 2 + 10) / 3),
    ({"dist": "triangular", "low": 1, "mode": 1, "high": 4}, (1 + 1 + 4) / 3),
    ({"dist": "pert", "low": 0, "mode": 2, "high": 10}, (0 + 4 * 2 + 10) / (4 + 2)),
    ({"dist": "pert", "low": 0, "mode": 2, "high": 10, "lamb": 2}, (0 + 2 * 2 + 10) / (2 + 2)),
    ({"dist": "pert", "low": 0.5, "mode": 0.7, "high": 0.9, "lamb": 10}, (0.5 + 10 * 0.7 + 0.9) / 12),
    ({"dist": "pert", "low": 0, "mode": 10, "high": 10}, (0 + 4 * 10 + 10) / 6),
    ({"dist": "choice", "values": [1, 2, 10], "weights": [1, 1, 2]}, (1 + 2 + 2 * 10) / 4),
    ({"dist": "choice", "values": [1, 2, 3]}, 2.0),
    ({"dist": "normal", "mean": 5, "sd": 2}, 5.0),
    ({"dist": "normal", "mean": 5, "sd": 2, "low": 3, "high": 7}, 5.0),  # symmetric truncation
])
def test_sample_mean_matches_theory(raw: Any, mean: float) -> None:
    e = est(raw)
    draws = e.sample(np.random.default_rng(20260101), N)
    assert abs(draws.mean() - mean) < 5 * _se(e), (draws.mean(), mean)


def test_choice_frequencies_match_weights() -> None:
    e = est({"dist": "choice", "values": [1, 2, 10], "weights": [1, 1, 2]})
    np.testing.assert_allclose(e.probabilities(), [0.25, 0.25, 0.5])
    draws = e.sample(np.random.default_rng(7), N)
    assert set(np.unique(draws)) == {1.0, 2.0, 10.0}
    np.testing.assert_allclose([np.mean(draws == v) for v in (1, 2, 10)], [0.25, 0.25, 0.5], atol=0.01)


# ---- bad parameters -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    pytest.param({"dist": "normal", "mean": 0, "sd": 0}, id="normal-sd-zero"),
    pytest.param({"dist": "normal", "mean": 0, "sd": -1}, id="normal-sd-negative"),
    pytest.param({"dist": "normal", "mean": 0}, id="normal-no-sd"),
    pytest.param({"dist": "normal", "mean": 0, "sd": 1, "low": 1, "high": 1}, id="normal-low-eq-high"),
    pytest.param({"dist": "normal", "mean": 0, "sd": 1, "low": 2, "high": 1}, id="normal-low-gt-high"),
    pytest.param({"dist": "normal", "mean": 5, "sd": 1, "low": 0, "high": 1}, id="normal-mean-above-bounds"),
    pytest.param({"dist": "normal", "mean": -5, "sd": 1, "low": 0}, id="normal-mean-below-low"),
    pytest.param({"dist": "uniform", "low": 1, "high": 1}, id="uniform-low-eq-high"),
    pytest.param({"dist": "uniform", "low": 2, "high": 1}, id="uniform-low-gt-high"),
    pytest.param({"dist": "triangular", "low": 0, "mode": -1, "high": 1}, id="triangular-mode-below"),
    pytest.param({"dist": "triangular", "low": 0, "mode": 2, "high": 1}, id="triangular-mode-above"),
    pytest.param({"dist": "triangular", "low": 1, "mode": 1, "high": 1}, id="triangular-degenerate"),
    pytest.param({"dist": "triangular", "low": 2, "mode": 1.5, "high": 1}, id="triangular-low-gt-high"),
    pytest.param({"dist": "pert", "low": 0.9, "mode": 0.7, "high": 0.5}, id="pert-low-gt-high"),
    pytest.param({"dist": "pert", "low": 0, "mode": 1.5, "high": 1}, id="pert-mode-above"),
    pytest.param({"dist": "pert", "low": 0, "mode": 0.5, "high": 1, "lamb": 0}, id="pert-lamb-zero"),
    pytest.param({"dist": "pert", "low": 0, "mode": 0.5, "high": 1, "lamb": -1}, id="pert-lamb-negative"),
    pytest.param({"dist": "choice", "values": []}, id="choice-no-values"),
    pytest.param({"dist": "choice", "values": [1, 2], "weights": [1]}, id="choice-too-few-weights"),
    pytest.param({"dist": "choice", "values": [1, 2], "weights": [1, 1, 1]}, id="choice-too-many-weights"),
    pytest.param({"dist": "choice", "values": [1, 2], "weights": [-1, 2]}, id="choice-negative-weight"),
    pytest.param({"dist": "choice", "values": [1, 2], "weights": [0, 0]}, id="choice-zero-weights"),
    pytest.param({"dist": "lognormal", "mean": 0, "sd": 1}, id="unknown-dist"),
    pytest.param({"dist": "uniform", "low": 0, "high": 1, "mode": 0.5}, id="extra-field"),
    pytest.param({"value": 1, "sd": 1}, id="fixed-extra-field"),
    pytest.param({}, id="fixed-no-value"),
    pytest.param(True, id="boolean"),
    pytest.param("3", id="text"),
    pytest.param(None, id="none"),
    pytest.param([1, 2], id="list"),
    pytest.param(float("nan"), id="nan"),
    pytest.param(float("inf"), id="inf"),
    pytest.param({"dist": "uniform", "low": 0, "high": float("inf")}, id="uniform-inf"),
    pytest.param({"dist": "choice", "values": [1, float("nan")]}, id="choice-nan"),
])
def test_bad_parameters_are_refused(raw: Any) -> None:
    with pytest.raises(ValidationError):
        est(raw)


@pytest.mark.parametrize(("raw", "fragment"), [
    ({"dist": "uniform", "low": 2, "high": 1}, "low (2.0) must be below high (1.0)"),
    ({"dist": "pert", "low": 0, "mode": 1.5, "high": 1}, "low <= mode <= high"),
    ({"dist": "choice", "values": [1, 2], "weights": [1]}, "1 weights given for 2 values"),
    ({"dist": "choice", "values": [1, 2], "weights": [-1, 2]}, "non-negative"),
    ({"dist": "normal", "mean": 5, "sd": 1, "low": 0, "high": 1}, "outside the truncation bounds"),
    (True, "boolean"),
    ("3", "got text '3'"),
    ({"dist": "lognormal"}, "unknown distribution"),
])
def test_bad_parameters_say_why(raw: Any, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        est(raw)
    assert fragment in str(info.value)
