"""Readers for the conflict data used in calibration: the only place this package touches files.

- Correlates of War MID v5, dispute level: Palmer et al. (2022), "The MID5 Dataset, 2011-2014:
  Procedures, coding rules, and description", Conflict Management and Peace Science 39(4).
- Gibler, Miller & Little (2016), "An Analysis of the Militarized Interstate Dispute (MID)
  Dataset, 1816-2001", International Studies Quarterly 60(4): the revised dispute list.
- International Crisis Behavior v14, crisis level: Brecher & Wilkenfeld (2000), *A Study of
  Crisis*, University of Michigan Press; Brecher, Wilkenfeld, Beardsley, James & Quinn,
  *International Crisis Behavior Data Codebook*, version 14.
The CSV copies came through peacesciencer (Miller 2022, Conflict Management and Peace Science 39(6)).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from multitrack.errors import MultitrackError

MID_COLUMNS = ("dispnum", "styear", "stmon", "outcome", "settle", "fatality", "mindur", "maxdur",
               "hiact", "hostlev", "recip")
ICB_COLUMNS = ("crisno", "viol", "mediate", "usinv", "suinv", "gpinv", "yrtrig", "motrig", "datrig",
               "yrterm", "moterm", "daterm")
HOSTILITY = {1: "no militarized action", 2: "threat", 3: "display", 4: "use of force", 5: "war"}
VIOLENCE = {1: "no violence", 2: "minor clashes", 3: "serious clashes", 4: "full-scale war"}
DAYS_PER_MONTH = 365.25 / 12


class CalibrationDataError(MultitrackError):
    """A conflict data file that is missing, lacks columns or holds values outside the codebook."""


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not Path(path).is_file():
        raise CalibrationDataError(f"{path}: no such file")
    df = pd.read_csv(path, encoding="utf-8-sig")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise CalibrationDataError(f"{path}: missing columns {missing}")
    return df


def read_mid(path: str | Path) -> pd.DataFrame:
    """MID dispute file (COW v5 or GML): one row per dispute, -9 codes as missing, duration in days.

    Adds ``duration_days``, the midpoint of the minimum and maximum durations (the start and end
    days are sometimes unknown, hence two bounds).
    """
    df = _read(Path(path), MID_COLUMNS).loc[:, list(MID_COLUMNS)].copy()
    df = df.replace(-9, np.nan)
    if df["hostlev"].isna().any() or not df["hostlev"].isin(list(HOSTILITY)).all():
        raise CalibrationDataError(f"{path}: hostlev outside 1-5")
    if df["dispnum"].duplicated().any():
        raise CalibrationDataError(f"{path}: repeated dispnum; expected one row per dispute")
    df["hostlev"] = df["hostlev"].astype(int)
    df["duration_days"] = (df["mindur"] + df["maxdur"]) / 2.0
    return df


def _dates(df: pd.DataFrame, year: str, month: str, day: str) -> pd.Series:
    parts = pd.DataFrame({"year": df[year], "month": df[month], "day": df[day].fillna(15)})
    return pd.to_datetime(parts, errors="coerce")


def read_icb(path: str | Path) -> pd.DataFrame:
    """ICB crisis-level file with derived flags (missing where the source code is missing).

    ``violent`` viol >= 2, ``serious`` viol >= 3, ``war`` viol == 4; ``mediated`` mediate == 4
    (codes 1-3: no mediation took place); ``gp_military`` US or USSR/Russia activity at covert,
    semi-military or direct military level (usinv or suinv >= 3), ``gp_any`` any activity (>= 2).
    """
    df = _read(Path(path), ICB_COLUMNS).copy()
    if not df["viol"].dropna().isin(list(VIOLENCE)).all():
        raise CalibrationDataError(f"{path}: viol outside 1-4")
    viol, med, sp = df["viol"], df["mediate"], df[["usinv", "suinv"]].max(axis=1, skipna=True)
    df["violent"] = _flag(viol >= 2, viol)
    df["serious"] = _flag(viol >= 3, viol)
    df["war"] = _flag(viol == 4, viol)
    df["mediated"] = _flag(med == 4, med)
    df["gp_military"] = _flag(sp >= 3, sp)
    df["gp_any"] = _flag(sp >= 2, sp)
    days = (_dates(df, "yrterm", "moterm", "daterm") - _dates(df, "yrtrig", "motrig", "datrig")).dt.days
    df["duration_days"] = days.where(days >= 0)
    return df


def _flag(condition: pd.Series, source: pd.Series) -> pd.Series:
    """Boolean flag as float 1/0, NaN where the source variable is missing."""
    return condition.astype(float).where(source.notna())
