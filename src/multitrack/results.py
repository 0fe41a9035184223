"""The shape every analysis result shares: a frozen record that turns into plain data."""

from __future__ import annotations

import dataclasses
import enum
import math
from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """Convert results to JSON-ready values (dataclasses, numpy, enums, tuples, non-finite floats)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Result:
    """Mixin for frozen dataclass results: ``to_dict()`` for JSON, ``to_frame()`` for pandas."""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    def rows(self) -> list[dict[str, Any]]:
        """One flat record per row of the main table; subclasses say what a row is."""
        return [self.to_dict()]

    def to_frame(self):
        """The main table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows())
