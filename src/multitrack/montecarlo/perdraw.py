"""Per-draw results of a sampling analysis: arrays whose row k belongs to draw k of the run, so
that a later analysis can condition on an earlier one draw by draw (the run's draws are common
to every analysis, see multitrack.settlement.draws).

They stay on the result object; ``results.json`` holds only their names and shapes (a run of a
million draws would otherwise write millions of numbers). ``arrays()``, ``to_frame()`` and
``save()`` give the numbers on request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..results import Result, entry


@dataclass(frozen=True)
class PerDraw(Result):
    """Named arrays by draw number (first axis: the run's draws 0 .. draws - 1)."""

    draws: int
    seed: int
    shapes: dict  # name -> shape of its array (first entry: the draws)

    @classmethod
    def of(cls, arrays: Mapping[str, np.ndarray], draws: int, seed: int) -> PerDraw:
        held = {str(k): np.asarray(v) for k, v in arrays.items()}
        for name, a in held.items():
            if a.ndim == 0 or a.shape[0] != draws:
                raise ValueError(f"per-draw array {name!r} has shape {a.shape}, not {draws} draws first")
        out = cls(draws, seed, {k: list(a.shape) for k, a in held.items()})
        object.__setattr__(out, "_arrays", held)  # kept off the fields: not written to results.json
        return out

    def __getitem__(self, name: str) -> np.ndarray:
        return entry(self._held(), name, "per-draw array")

    def __contains__(self, name: object) -> bool:
        return name in self._held()

    def names(self) -> tuple[str, ...]:
        return tuple(self._held())

    def arrays(self) -> dict[str, np.ndarray]:
        return dict(self._held())

    def _held(self) -> dict[str, np.ndarray]:
        return self.__dict__.get("_arrays", {})

    def columns(self) -> dict[str, np.ndarray]:
        """One column per draw-indexed number: an array with more axes gives ``name[i,j]`` columns."""
        out: dict[str, np.ndarray] = {}
        for name, a in self._held().items():
            if a.ndim == 1:
                out[name] = a
                continue
            flat = a.reshape(a.shape[0], -1)
            for k, idx in enumerate(np.ndindex(*a.shape[1:])):
                out[f"{name}[{','.join(map(str, idx))}]"] = flat[:, k]
        return out

    def rows(self) -> list[dict[str, Any]]:
        cols = self.columns()
        return [{"draw": k, **{n: c[k].item() for n, c in cols.items()}} for k in range(self.draws)]

    def to_frame(self):
        """One row per draw, indexed by draw number."""
        import pandas as pd

        frame = pd.DataFrame(self.columns())
        frame.index.name = "draw"
        return frame

    def save(self, path: str | Path) -> Path:
        """Every array in a NumPy ``.npz`` file (with ``draws`` and ``seed``)."""
        path = Path(path)
        held: dict[str, Any] = {"draws": self.draws, "seed": self.seed, **self._held()}
        np.savez_compressed(path, **held)
        return path


def per_draw_field() -> Any:
    """The ``per_draw`` field of a sampling result: not compared, not shown in its repr."""
    from dataclasses import field

    return field(default=None, compare=False, repr=False)
