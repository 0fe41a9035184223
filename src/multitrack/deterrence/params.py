"""Turn a game plus a mapping of parameter draws into broadcast numpy arrays, one per parameter.

Keys are 'challenger_value' and '<guarantor>.<field>'; a key left out keeps the game's scalar.
This is the seam to a Monte Carlo engine: it hands in draws, the solver hands back arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from multitrack.deterrence.model import CrisisGame, guarantee_parameters

_UNIT = ("credibility", "ambiguity", "umbrella")
_SIGNED = ("stake",)


@dataclass(frozen=True, eq=False)
class GameArrays:
    """Every parameter as an array of one common shape; `guarantors[i][field]` for guarantor i."""

    names: tuple[str, ...]
    challenger_value: np.ndarray
    guarantors: tuple[dict[str, np.ndarray], ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return self.challenger_value.shape


def game_arrays(game: CrisisGame, draws: Mapping[str, object] | None = None) -> GameArrays:
    """Broadcast the game's scalars and the given draws to one shape; reject unknown keys and
    values outside a parameter's range."""
    draws = dict(draws or {})
    unknown = set(draws) - set(game.parameter_names())
    if unknown:
        raise KeyError(f"unknown deterrence parameters: {sorted(unknown)}")
    keys = game.parameter_names()
    values = [_value(game, key, draws) for key in keys]
    arrays = dict(zip(keys, np.broadcast_arrays(*values), strict=True))
    for key, arr in arrays.items():
        _check_range(key, arr)
    per_g = tuple({p: arrays[f"{g}.{p}"] for p in guarantee_parameters()} for g in game.names)
    return GameArrays(game.names, arrays["challenger_value"], per_g)


def _value(game: CrisisGame, key: str, draws: dict) -> np.ndarray:
    if key in draws:
        return np.asarray(draws[key], dtype=float)
    if key == "challenger_value":
        return np.asarray(game.challenger_value, dtype=float)
    gname, field = key.split(".", 1)
    return np.asarray(getattr(game.guarantor(gname), field), dtype=float)


def _check_range(key: str, arr: np.ndarray) -> None:
    field = key.rsplit(".", 1)[-1]
    if np.isnan(arr).any():
        raise ValueError(f"{key} has NaN draws")
    if field in _UNIT and ((arr < 0).any() or (arr > 1).any()):
        raise ValueError(f"{key} must lie in [0, 1]")
    if field not in _UNIT + _SIGNED and key != "challenger_value" and (arr < 0).any():
        raise ValueError(f"{key} must be >= 0")
