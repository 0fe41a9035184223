"""Calibration: intervals, recovery of known monthly rates from simulated histories, real data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from multitrack.calibration import (
    DEFAULT_DATA_DIR,
    MID_RUNGS,
    CalibrationDataError,
    bootstrap,
    calibrate,
    fit_ladder,
    newcombe,
    occupied_months,
    read_icb,
    read_mid,
    wilson,
)
from multitrack.calibration.readers import DAYS_PER_MONTH

CONFLICT = DEFAULT_DATA_DIR / "conflict"
HAVE_DATA = all((CONFLICT / f).is_file() for f in ("cow_mid_disps.csv", "gml_mid_disps.csv", "icb1v14.csv"))
needs_data = pytest.mark.skipif(not HAVE_DATA, reason="conflict data files not present")


def test_wilson_known_values():
    # 95% Wilson interval for 5/10 is 0.2366 .. 0.7634 (centre 0.5, half-width 0.2634)
    p, lo, hi = wilson(5, 10, level=0.95)
    assert (p, lo, hi) == pytest.approx((0.5, 0.2366, 0.7634), abs=1e-4)
    # 0 of 20: lower bound 0, upper bound z^2/(n+z^2) = 3.8415/23.8415 = 0.1611
    assert wilson(0, 20, level=0.95)[1:] == pytest.approx((0.0, 0.1611), abs=1e-4)


def test_newcombe_antisymmetric_and_contains_difference():
    d, lo, hi = newcombe(30, 50, 20, 60, level=0.9)
    assert d == pytest.approx(0.6 - 1 / 3) and lo < d < hi
    d2, lo2, hi2 = newcombe(20, 60, 30, 50, level=0.9)
    assert (d2, lo2, hi2) == pytest.approx((-d, -hi, -lo))
    assert newcombe(10, 40, 10, 40)[1] < 0 < newcombe(10, 40, 10, 40)[2]


def test_bootstrap_is_seeded():
    x = np.random.default_rng(1).exponential(size=300)
    a = bootstrap(lambda idx: x[idx].mean(axis=1), x.size, seed=5)
    assert a == bootstrap(lambda idx: x[idx].mean(axis=1), x.size, seed=5)
    assert a != bootstrap(lambda idx: x[idx].mean(axis=1), x.size, seed=6)
    assert a[0] < x.mean() < a[1]


def test_occupied_months():
    np.testing.assert_array_equal(occupied_months(np.array([0.0, 1.0, 30.0, 31.0, 3 * DAYS_PER_MONTH])),
                                  [1, 1, 1, 2, 3])


UP = np.array([0.30, 0.10, 0.02])  # incident->crisis, crisis->use of force, use of force->war
END = np.array([0.20, 0.15, 0.10, 0.05])  # episode ends from each rung (war ends too)


def simulate_histories(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Monthly escalation histories: from rung j go up with UP[j], end with END[j], else stay.

    Returns each episode's highest rung (0 = incident) and its length in months.
    """
    rng = np.random.default_rng(seed)
    rung, top = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
    months, alive = np.zeros(n), np.ones(n, dtype=bool)
    up = np.append(UP, 0.0)
    for _ in range(5000):
        if not alive.any():
            break
        u = rng.random(n)
        months[alive] += 1
        goes_up = alive & (u < up[rung])
        ends = alive & ~goes_up & (u < up[rung] + END[rung])
        rung = rung + goes_up
        top = np.maximum(top, rung)
        alive &= ~ends
    assert not alive.any()
    return top, months


def test_estimator_recovers_known_monthly_probabilities():
    top, months = simulate_histories(20000, seed=11)
    est = {t.transition: t for t in fit_ladder(top, months * DAYS_PER_MONTH, MID_RUNGS, "peacetime", "sim",
                                              reps=400, level=0.99, seed=3)}
    truth = {"incident->crisis": UP[0], "crisis->use of force": UP[1], "use of force->war": UP[2],
             "incident->peacetime": END[0], "crisis->incident": END[1], "use of force->crisis": END[2],
             "war->use of force": END[3]}
    assert set(est) == set(truth)
    for name, value in truth.items():
        e = est[name]
        assert e.low <= value <= e.high, (name, value, e)
        assert e.value == pytest.approx(value, rel=0.25), name
        assert e.high - e.low < 0.5 * value + 0.01, name  # intervals are informative, not just wide


def test_estimator_notices_wrong_truth():
    # the same check against a different truth must fail: the recovery test has teeth
    top, months = simulate_histories(5000, seed=12)
    est = {t.transition: t for t in fit_ladder(top, months * DAYS_PER_MONTH, MID_RUNGS, "peacetime", "sim",
                                              reps=300, level=0.99, seed=3)}
    assert not est["incident->crisis"].low <= 0.5 * UP[0] <= est["incident->crisis"].high


def _write_small_data(root: Path) -> None:
    conflict = root / "conflict"
    conflict.mkdir()
    rng = np.random.default_rng(0)
    n = 60
    mid = pd.DataFrame({"dispnum": np.arange(n), "styear": 1990, "stmon": 1, "outcome": 5, "settle": 3,
                        "fatality": rng.choice([-9, 0, 1], n), "mindur": rng.integers(1, 300, n),
                        "hiact": 7, "hostlev": rng.choice([2, 3, 4, 5], n, p=[0.1, 0.3, 0.5, 0.1]), "recip": 0})
    mid["maxdur"] = mid["mindur"] + 3
    mid.to_csv(conflict / "cow_mid_disps.csv", index=False)
    mid.to_csv(conflict / "gml_mid_disps.csv", index=False)
    icb = pd.DataFrame({"crisno": np.arange(n), "viol": rng.integers(1, 5, n), "mediate": rng.choice([1, 4], n),
                        "usinv": rng.integers(1, 5, n), "suinv": rng.integers(1, 5, n), "gpinv": 1,
                        "yrtrig": 1990, "motrig": 1, "datrig": 1, "yrterm": 1990,
                        "moterm": rng.integers(2, 13, n), "daterm": 1})
    icb.to_csv(conflict / "icb1v14.csv", index=False, encoding="utf-8-sig")


def test_calibrate_on_small_synthetic_files(tmp_path):
    _write_small_data(tmp_path)
    result = calibrate(tmp_path, reps=200)
    rows = result.rows()
    assert {r["dataset"] for r in rows} == {"cow", "gml", "icb"}
    entries = result.transition_entries("gml")
    assert set(entries["crisis->use of force"]) == {"value", "low", "high", "source", "note"}
    assert "Gibler" in entries["crisis->use of force"]["source"]


def test_readers_reject_bad_files(tmp_path):
    with pytest.raises(CalibrationDataError):
        read_mid(tmp_path / "absent.csv")
    pd.DataFrame({"dispnum": [1]}).to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(CalibrationDataError, match="missing columns"):
        read_mid(tmp_path / "short.csv")
    _write_small_data(tmp_path)
    bad = pd.read_csv(tmp_path / "conflict" / "cow_mid_disps.csv")
    bad.loc[0, "hostlev"] = 7
    bad.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(CalibrationDataError, match="hostlev"):
        read_mid(tmp_path / "bad.csv")


@needs_data
def test_real_mid_counts_and_shares():
    for name, n in (("cow", 2436), ("gml", 2174)):
        df = read_mid(CONFLICT / f"{name}_mid_disps.csv")
        assert len(df) == n and df["dispnum"].is_unique
        assert set(df["hostlev"]) <= {2, 3, 4, 5}
        assert (df["duration_days"].dropna() >= 0).all()


@needs_data
def test_real_icb_codes():
    df = read_icb(CONFLICT / "icb1v14.csv")
    assert len(df) == 487 and df["crisno"].is_unique
    assert df["viol"].notna().sum() == 486  # one crisis (no. 474) has no violence code
    # mediation follow-up variables are filled only for code 4, so codes 1-3 mean no mediation
    assert df.loc[df["mediate"] == 4, "medtime"].notna().all()
    assert df.loc[df["mediate"].isin([1, 2, 3]), "mednum"].eq(1).all()


@pytest.fixture(scope="module")
def real():
    if not HAVE_DATA:
        pytest.skip("conflict data files not present")
    return calibrate(DEFAULT_DATA_DIR)


def test_real_estimates_sane(real):
    rows = real.rows()
    assert len(rows) > 50
    for r in rows:
        if r["name"].startswith(("mean duration", "war->")) or "difference" in r["name"]:
            continue
        assert 0.0 <= r["low"] <= r["value"] <= r["high"] <= 1.0, r
    diffs = [r for r in rows if "difference" in r["name"]]
    assert diffs and all(-1 <= r["low"] <= r["value"] <= r["high"] <= 1 for r in diffs)


def test_real_escalation_ladder_is_thinning(real):
    for key in ("cow", "gml"):
        est = {e.name: e for e in real.estimates[key]}
        shares = [est[f"reach {lvl}"].value for lvl in
                  ("threat (hostlev>=2)", "display (hostlev>=3)", "use of force (hostlev>=4)", "war (hostlev>=5)")]
        assert shares == sorted(shares, reverse=True)
        assert 0.02 < shares[-1] < 0.08  # wars are a small minority of disputes
    assert real.transition_entries("cow")["use of force->war"]["value"] < 0.05


def test_real_calibration_is_reproducible(real):
    again = calibrate(DEFAULT_DATA_DIR)
    assert again.rows() == real.rows()
