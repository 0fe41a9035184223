"""Reading the Correlates of War capability files; the only module here that touches the disk.

Data: Correlates of War National Material Capabilities (NMC, ``cow_nmc.csv``) with state names from
the COW state system list (``cow_states.csv``); a copy of both ships in the package (docs/data.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from multitrack.capability.compute import COMPONENTS
from multitrack.capability.errors import CapabilityError

NMC_FILE = "cow_nmc.csv"
STATES_FILE = "cow_states.csv"
DATA_DIR_ENV = "MULTITRACK_COW_DATA"
MISSING = -9  # the COW codebooks' marker for a missing value
NMC_COLUMNS = ("ccode", "year", *COMPONENTS, "cinc")
STATES_COLUMNS = ("stateabb", "ccode", "statenme")


@dataclass(frozen=True, eq=False)
class CapabilityData:
    """The NMC table (one row per country-year) and the state list, as read from ``source``."""

    nmc: pd.DataFrame
    states: pd.DataFrame
    source: str


def default_data_dir() -> Path:
    """Where the data lie unless told: $MULTITRACK_COW_DATA, else $MULTITRACK_DATA/conflict, else the
    copy shipped in the package (docs/data.md)."""
    from multitrack.datasets import conflict_data_root

    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return conflict_data_root() / "conflict"


def resolve_data_dir(data_dir: str | os.PathLike[str] | None) -> Path:
    """The folder holding cow_nmc.csv: the one given (or its ``conflict/`` subfolder), else the default."""
    base = Path(data_dir) if data_dir is not None else default_data_dir()
    if not (base / NMC_FILE).is_file() and (base / "conflict" / NMC_FILE).is_file():
        return base / "conflict"
    return base


def _read_csv(path: Path, columns: tuple[str, ...], what: str) -> pd.DataFrame:
    """Read one CSV and check it has the columns we need; every failure becomes a CapabilityError."""
    if not path.is_file():
        raise CapabilityError(f"{what} file not found: {path} (pass data_dir or set ${DATA_DIR_ENV})")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        raise CapabilityError(f"{what} file {path} cannot be read as CSV: {exc}".splitlines()[0]) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CapabilityError(f"{what} file {path} lacks the column(s) {', '.join(missing)}")
    return frame


def _numeric(frame: pd.DataFrame, columns: tuple[str, ...], path: Path) -> pd.DataFrame:
    """Coerce columns to numbers, -9 to NaN; a non-numeric cell means a corrupt file."""
    out = frame.copy()
    for col in columns:
        values = pd.to_numeric(out[col], errors="coerce")
        bad = values.isna() & out[col].notna()
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0]) + 2  # +1 header, +1 for 1-based lines
            raise CapabilityError(f"{path}:{row}: column {col} holds a non-number: {out[col][bad].iloc[0]!r}")
        out[col] = values.mask(values == MISSING)
    return out


def read_nmc(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The NMC table with numeric columns, missing values (-9 or empty) as NaN, integer codes and years."""
    path = Path(path)
    frame = _numeric(_read_csv(path, NMC_COLUMNS, "NMC capability"), NMC_COLUMNS, path)
    if frame[["ccode", "year"]].isna().any(axis=None):
        raise CapabilityError(f"NMC capability file {path} has rows without a country code or year")
    frame = frame.astype({"ccode": int, "year": int})
    if frame.duplicated(["ccode", "year"]).any():
        raise CapabilityError(f"NMC capability file {path} repeats a country-year")
    return frame.loc[:, list(NMC_COLUMNS)].reset_index(drop=True)


def read_states(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The COW state list reduced to one row per country code (abbreviation and name)."""
    path = Path(path)
    frame = _read_csv(path, STATES_COLUMNS, "COW state list")
    frame = _numeric(frame, ("ccode",), path).dropna(subset=["ccode"])
    frame = frame.astype({"ccode": int}).drop_duplicates("ccode", keep="last")
    return frame.loc[:, list(STATES_COLUMNS)].reset_index(drop=True)


def load_capability_data(data_dir: str | os.PathLike[str] | None = None) -> CapabilityData:
    """Read both files from ``data_dir`` (see resolve_data_dir)."""
    base = resolve_data_dir(data_dir)
    return CapabilityData(read_nmc(base / NMC_FILE), read_states(base / STATES_FILE), str(base))
