"""Where the shared data sets (conflict data, DEU, Genius domains) lie on this machine.

``$MULTITRACK_DATA`` names the folder; otherwise the checkout's sibling ``../shared/data`` is
used when it exists. Readers take an explicit folder; this only supplies the default.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "MULTITRACK_DATA"
CHECKOUT_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def shared_data_dir() -> Path | None:
    """The shared data folder: $MULTITRACK_DATA, else the checkout's ../shared/data, else None."""
    value = os.environ.get(DATA_ENV)
    if value:
        return Path(value)
    return CHECKOUT_DATA if CHECKOUT_DATA.is_dir() else None
