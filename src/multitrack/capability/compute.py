"""The Composite Index of National Capability (CINC), computed from its six components.

A country's CINC in a year is the mean, over the components it has data for, of its share of the
system total of each component that year (Singer, Bremer and Stuckey 1972; NMC v6.0 codebook,
Greig and Enterline 2021). Pure functions on data frames: no I/O.

>>> import pandas as pd
>>> t = pd.DataFrame({"ccode": [1, 2], "milex": [3.0, 1.0], "milper": [1.0, 1.0], "irst": [1.0, 3.0],
...                   "pec": [1.0, 1.0], "tpop": [1.0, 1.0], "upop": [1.0, 1.0]})
>>> [round(v, 4) for v in compute_cinc(t)]
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The six NMC components, in the codebook's order: military expenditure, military personnel,
#: iron and steel production, primary energy consumption, total population, urban population.
COMPONENTS: tuple[str, ...] = ("milex", "milper", "irst", "pec", "tpop", "upop")


def component_shares(table: pd.DataFrame) -> pd.DataFrame:
    """Each row's share of the column total of every component; a missing value stays missing.

    ``table`` holds one year (one row per country). Missing values are left out of the system total,
    as the COW project does, so each component's shares sum to 1 over the countries that report it.
    """
    values = table.loc[:, list(COMPONENTS)].to_numpy(dtype=float)
    totals = np.nansum(values, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(totals > 0, values / totals, np.nan)
    return pd.DataFrame(shares, columns=list(COMPONENTS), index=table.index)


def compute_cinc(table: pd.DataFrame) -> pd.Series:
    """CINC for one year: the mean of each country's available component shares (NaN if it has none).

    Averaging over the components present means a country missing, say, military expenditure is
    scored on five; the published index does the same, so CINC sums to slightly over 1 in years
    with gaps.
    """
    shares = component_shares(table).to_numpy()
    counts = np.sum(~np.isnan(shares), axis=1)
    sums = np.nansum(shares, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cinc = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return pd.Series(cinc, index=table.index, name="cinc")


def year_table(nmc: pd.DataFrame, year: int) -> pd.DataFrame:
    """One year of the NMC table with the recomputed CINC (``cinc_computed``) and component shares."""
    rows = nmc.loc[nmc["year"] == year].reset_index(drop=True)
    shares = component_shares(rows).add_suffix("_share")
    return pd.concat([rows, shares, compute_cinc(rows).rename("cinc_computed")], axis=1)


@dataclass(frozen=True)
class CincCheck:
    """How far the recomputed CINC lies from the published ``cinc`` column in one year."""

    year: int
    countries: int
    max_abs_diff: float
    mean_abs_diff: float


def check_against_published(nmc: pd.DataFrame, years: Iterable[int]) -> tuple[CincCheck, ...]:
    """Recompute CINC for each year and compare it with the published column (a validation)."""
    out = []
    for year in years:
        table = year_table(nmc, year)
        diff = (table["cinc_computed"] - table["cinc"]).abs()
        out.append(CincCheck(int(year), len(table), float(diff.max()), float(diff.mean())))
    return tuple(out)
