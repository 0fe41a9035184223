"""CINC from the COW National Material Capabilities data: recomputation, hand example, look-ups, errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from multitrack.capability import (
    ALIASES,
    COMPONENTS,
    CapabilityData,
    CapabilityError,
    capabilities,
    capabilities_in,
    check_against_published,
    component_shares,
    compute_cinc,
    load_capability_data,
    read_nmc,
    resolve_country,
    scenario_capabilities,
    year_table,
)
from multitrack.capability.io import resolve_data_dir

DATA_DIR = resolve_data_dir(None)
needs_data = pytest.mark.skipif(not (DATA_DIR / "cow_nmc.csv").is_file(), reason="COW data not present")


@pytest.fixture(scope="module")
def data() -> CapabilityData:
    return load_capability_data()


@needs_data
@pytest.mark.parametrize("year", [1816, 1870, 1913, 1938, 1950, 1980, 1991, 2000, 2016, 2022])
def test_recomputed_cinc_matches_published(data: CapabilityData, year: int) -> None:
    (check,) = check_against_published(data.nmc, [year])
    assert check.countries > 0
    assert check.max_abs_diff < 1e-7  # published values are rounded; we see at most ~2.4e-8


@needs_data
def test_recomputed_cinc_matches_published_every_year(data: CapabilityData) -> None:
    checks = check_against_published(data.nmc, sorted(data.nmc["year"].unique()))
    assert max(c.max_abs_diff for c in checks) < 1e-7


# Hand example: three countries, one year.
#   milex   10, 30, 60  (total 100)   -> shares .1, .3, .6
#   milper   1,  1,  2  (total   4)   -> .25, .25, .5
#   irst     0,  5,  5  (total  10)   -> 0, .5, .5
#   pec      2,  2,  -  (C missing; total 4 over A and B) -> .5, .5, missing
#   tpop    50, 25, 25  (total 100)   -> .5, .25, .25
#   upop    10, 10, 20  (total  40)   -> .25, .25, .5
# CINC A = (.1 + .25 + 0 + .5 + .5 + .25) / 6 = 1.6 / 6 = 0.266667
# CINC B = (.3 + .25 + .5 + .5 + .25 + .25) / 6 = 2.05 / 6 = 0.341667
# CINC C = (.6 + .5 + .5 + .25 + .5) / 5 (pec missing: five components) = 2.35 / 5 = 0.47
# Sum = 1.078333 > 1: averaging over available components makes CINC overshoot 1 in years with gaps.
HAND = pd.DataFrame(
    {
        "ccode": [1, 2, 3],
        "year": [2000, 2000, 2000],
        "milex": [10.0, 30.0, 60.0],
        "milper": [1.0, 1.0, 2.0],
        "irst": [0.0, 5.0, 5.0],
        "pec": [2.0, 2.0, np.nan],
        "tpop": [50.0, 25.0, 25.0],
        "upop": [10.0, 10.0, 20.0],
        "cinc": [0.0, 0.0, 0.0],
    }
)


@pytest.mark.parametrize("row,expected", [(0, 1.6 / 6), (1, 2.05 / 6), (2, 2.35 / 5)])
def test_hand_computed_cinc(row: int, expected: float) -> None:
    assert compute_cinc(HAND).iloc[row] == pytest.approx(expected, abs=1e-12)


def test_hand_example_shares_sum_to_one_per_component() -> None:
    totals = component_shares(HAND).sum(skipna=True)
    assert np.allclose(totals.to_numpy(), 1.0)


def test_missing_marker_minus_nine_is_missing(tmp_path: Path) -> None:
    frame = HAND.fillna(-9)
    path = tmp_path / "nmc.csv"
    frame.to_csv(path, index=False)
    read = read_nmc(path)
    assert math.isnan(read.loc[2, "pec"])
    assert compute_cinc(read).iloc[2] == pytest.approx(0.47)


def test_hand_example_share_among_selected() -> None:
    states = pd.DataFrame({"stateabb": ["AAA", "BBB", "CCC"], "ccode": [1, 2, 3], "statenme": ["A", "B", "C"]})
    result = capabilities_in(CapabilityData(HAND, states, "hand"), 2000, [1, 2])
    a, b = result.rows
    assert a.share == pytest.approx((1.6 / 6) / (1.6 / 6 + 2.05 / 6))
    assert a.share + b.share == pytest.approx(1.0)
    assert a.components["pec"] == 2.0 and result.rows[0].component_shares["irst"] == 0.0


@needs_data
@pytest.mark.parametrize("year", [1900, 1990, 2022])
def test_component_shares_sum_to_one_over_all_countries(data: CapabilityData, year: int) -> None:
    table = year_table(data.nmc, year)
    for comp in COMPONENTS:
        assert table[f"{comp}_share"].sum() == pytest.approx(1.0, abs=1e-12)


@needs_data
def test_cinc_sums_to_one_in_years_without_gaps(data: CapabilityData) -> None:
    complete = [y for y, g in data.nmc.groupby("year") if not g[list(COMPONENTS)].isna().any(axis=None)]
    assert complete, "expected some years with no missing component"
    for year in complete:
        assert year_table(data.nmc, year)["cinc_computed"].sum() == pytest.approx(1.0, abs=1e-12)


@needs_data
def test_shares_among_selected_sum_to_one() -> None:
    result = capabilities(2022, ["Russia", "Ukraine", "USA", "China"])
    assert sum(r.share for r in result.rows) == pytest.approx(1.0)


@needs_data
@pytest.mark.parametrize(
    "query,code",
    [
        ("Russia", 365), ("russian federation", 365), ("USSR", 365), ("Ukraine", 369), ("USA", 2),
        ("United States of America", 2), ("America", 2), ("China", 710), ("PRC", 710), ("UK", 200),
        ("Britain", 200), ("United Kingdom", 200), ("France", 220), ("FRN", 220), ("Germany", 255),
        ("GMY", 255), ("Poland", 290), ("  poland ", 290), (365, 365), ("369", 369),
    ],
)
def test_country_lookup(data: CapabilityData, query: int | str, code: int) -> None:
    assert resolve_country(query, data.states) == code


@needs_data
def test_every_alias_points_at_a_listed_state(data: CapabilityData) -> None:
    assert set(ALIASES.values()) <= set(data.states["ccode"])


@needs_data
@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: capabilities(2022, ["Atlantis"]), "unknown country"),
        (lambda: capabilities(2022, [9999]), "unknown COW country code"),
        (lambda: capabilities(1815, ["Russia"]), "before"),
        (lambda: capabilities(1950, ["Ukraine"]), "no capability record in 1950"),
        (lambda: capabilities(2022, []), "no countries"),
        (lambda: capabilities("2022", ["Russia"]), "whole number"),  # type: ignore[arg-type]
        (lambda: scenario_capabilities({}, 2022), "no actors"),
    ],
)
def test_bad_input_raises(call, message: str) -> None:
    with pytest.raises(CapabilityError, match=message) as info:
        call()
    assert isinstance(info.value, ValueError)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "content,message",
    [
        (None, "not found"),
        ("", "cannot be read"),
        ("ccode,year\n2,1816\n", "lacks the column"),
        ("ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n2,1816,abc,1,1,1,1,1,0.1\n", ":2: column milex"),
        ('ccode,year,milex\n"2,1816\n', "cannot be read|lacks"),
    ],
)
def test_bad_files_raise(tmp_path: Path, content: str | None, message: str) -> None:
    if content is not None:
        (tmp_path / "cow_nmc.csv").write_text(content)
        (tmp_path / "cow_states.csv").write_text("stateabb,ccode,statenme\nUSA,2,United States\n")
    with pytest.raises(CapabilityError, match=message):
        load_capability_data(tmp_path)


@needs_data
def test_year_beyond_data_uses_last_year_with_note() -> None:
    result = scenario_capabilities({"russia": 365, "ukraine": "Ukraine", "usa": "USA"}, 2031)
    assert result.year == 2022 and result.requested_year == 2031
    assert result.note and "2022" in result.note and "2031" in result.note
    assert set(result.as_dict()) == {"russia", "ukraine", "usa"}
    assert sum(a.capability.share for a in result.actors) == pytest.approx(1.0)


@needs_data
def test_year_within_data_has_no_note() -> None:
    result = capabilities(2014, ["Russia", "Ukraine"])
    assert result.year == 2014 and result.note is None


@needs_data
def test_result_is_frozen() -> None:
    row = capabilities(2022, ["Poland"]).rows[0]
    with pytest.raises(AttributeError):
        row.cinc = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        row.components["milex"] = 0.0  # type: ignore[index]
