"""Capabilities of chosen countries or scenario actors in a year (reads the data, then computes).

``capabilities_in`` and ``scenario_capabilities_in`` are pure (they take loaded data);
``capabilities`` and ``scenario_capabilities`` read the files first.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import SupportsFloat

import pandas as pd

from multitrack.capability.compute import COMPONENTS, year_table
from multitrack.capability.errors import CapabilityError
from multitrack.capability.io import CapabilityData, load_capability_data
from multitrack.capability.lookup import country_name, resolve_country
from multitrack.capability.model import (
    ActorCapability,
    CapabilityResult,
    CountryCapability,
    ScenarioCapabilities,
    frozen_mapping,
)

FIRST_YEAR = 1816  # the COW state system and the NMC data begin here

DataDir = str | os.PathLike[str] | None


def effective_year(nmc: pd.DataFrame, year: int) -> tuple[int, str | None]:
    """The year to use and a note: a year past the data's end falls back to the last year, said so."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise CapabilityError(f"year must be a whole number, not {year!r}")
    if nmc.empty:
        raise CapabilityError("the NMC capability table is empty")
    first, last = int(nmc["year"].min()), int(nmc["year"].max())
    if year < max(FIRST_YEAR, first):
        raise CapabilityError(f"year {year} is before the capability data begin ({max(FIRST_YEAR, first)})")
    if year > last:
        return last, f"capability data end in {last}; the {last} figures stand in for {year}"
    return year, None


def _cell(value: SupportsFloat) -> float | None:
    """A float, or None where the data are missing."""
    number = float(value)
    return None if math.isnan(number) else number


def _row(table: pd.DataFrame, code: int, name: str, year: int, total: float) -> CountryCapability:
    """Build one frozen row from the year table."""
    hit = table.loc[table["ccode"] == code]
    if hit.empty:
        raise CapabilityError(f"{name} (COW {code}) has no capability record in {year}")
    rec = hit.iloc[0]
    return CountryCapability(
        code=code,
        name=name,
        cinc=float(rec["cinc_computed"]),
        published_cinc=float(rec["cinc"]),
        components=frozen_mapping({c: _cell(rec[c]) for c in COMPONENTS}),
        component_shares=frozen_mapping({c: _cell(rec[f"{c}_share"]) for c in COMPONENTS}),
        share=float(rec["cinc_computed"]) / total if total > 0 else math.nan,
    )


def capabilities_in(data: CapabilityData, year: int, countries: Iterable[int | str]) -> CapabilityResult:
    """CINC and components of ``countries`` (codes, names or aliases) in ``year``, from loaded data."""
    used, note = effective_year(data.nmc, year)
    codes = list(dict.fromkeys(resolve_country(c, data.states) for c in countries))
    if not codes:
        raise CapabilityError("no countries given")
    table = year_table(data.nmc, used)
    chosen = table.loc[table["ccode"].isin(codes), "cinc_computed"]
    total = float(chosen.sum())
    rows = tuple(_row(table, c, country_name(c, data.states), used, total) for c in codes)
    return CapabilityResult(used, year, rows, note, data.source)


def scenario_capabilities_in(
    data: CapabilityData, actors: Mapping[str, int | str], year: int
) -> ScenarioCapabilities:
    """Capabilities for scenario actors mapped to COW codes (or names); shares among those actors.

    Two actors on one country each get its full CINC, and the shares count it twice.
    """
    if not actors:
        raise CapabilityError("no actors mapped to COW countries")
    result = capabilities_in(data, year, actors.values())
    picked = {a: result.by_code(resolve_country(c, data.states)) for a, c in actors.items()}
    total = sum(row.cinc for row in picked.values())
    rows = tuple(
        ActorCapability(a, replace(row, share=row.cinc / total if total > 0 else math.nan))
        for a, row in picked.items()
    )
    return ScenarioCapabilities(result.year, year, rows, result.note, result.source)


def capabilities(year: int, countries: Iterable[int | str], data_dir: DataDir = None) -> CapabilityResult:
    """Read the COW files (``data_dir`` or the default) and return ``capabilities_in`` for them."""
    return capabilities_in(load_capability_data(data_dir), year, countries)


def scenario_capabilities(
    actors: Mapping[str, int | str], year: int, data_dir: DataDir = None
) -> ScenarioCapabilities:
    """Read the COW files and return ``scenario_capabilities_in``: the helper a scenario calls."""
    return scenario_capabilities_in(load_capability_data(data_dir), actors, year)
