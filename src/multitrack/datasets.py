"""Where the data sets (conflict data, DEU, Genius domains) lie on this machine.

Two places hold them: the copy shipped inside the package (``multitrack/data``: only the conflict
and capability files that ``calibrate`` and ``capabilities`` read; sources and terms in
docs/data.md), and the shared data folder beside a checkout (``../shared/data``: everything,
including the files used only by tests and benchmarks), which ``$MULTITRACK_DATA`` may name
instead. Readers take an explicit folder; this module only supplies the defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "MULTITRACK_DATA"
CHECKOUT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
PACKAGED_DATA = Path(__file__).resolve().parent / "data"


def shared_data_dir() -> Path | None:
    """The shared data folder: $MULTITRACK_DATA, else the checkout's ../shared/data, else None."""
    value = os.environ.get(DATA_ENV)
    if value:
        return Path(value)
    return CHECKOUT_DATA if CHECKOUT_DATA.is_dir() else None


def conflict_data_root() -> Path:
    """The folder holding ``conflict/`` that the library reads unless told otherwise.

    $MULTITRACK_DATA when set; else the packaged copy, which matches the installed code wherever it
    is run from; else (a package whose data were stripped) the checkout's ../shared/data.
    """
    value = os.environ.get(DATA_ENV)
    if value:
        return Path(value)
    if (PACKAGED_DATA / "conflict").is_dir():
        return PACKAGED_DATA
    return CHECKOUT_DATA
