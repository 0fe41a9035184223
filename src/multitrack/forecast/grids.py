"""The settings searched when the challenge and Condorcet models are tuned on training issues
(the backtest's cross-validation picks one per fold; see docs/forecasting.md)."""

from __future__ import annotations

import itertools
from typing import Any

from .challenge import ChallengeConfig
from .condorcet import CondorcetConfig


def _grid(cls, **axes) -> tuple[Any, ...]:
    keys = list(axes)
    out = []
    for values in itertools.product(*(axes[k] for k in keys)):
        cfg = cls(**dict(zip(keys, values, strict=True)))
        if cfg not in out:
            out.append(cfg)
    return tuple(out)


def _challenge_grid() -> tuple[ChallengeConfig, ...]:
    grid = [c for c in _grid(ChallengeConfig, q=(1.0, 0.5), t=(1.0, 0.5), risk=(True, False),
                             outcome=("median", "mean"))
            if not (c.q == 1.0 and c.t != 1.0)]  # with Q = 1, T has no effect
    return tuple(grid)


#: Settings searched when a model is tuned (cross-validation picks one per fold).
DEFAULT_GRIDS: dict[str, tuple[Any, ...]] = {
    "challenge": _challenge_grid(),
    "condorcet": _grid(CondorcetConfig, contest_power=(0.5, 1.0, 2.0, 4.0, 8.0),
                       include_status_quo=(False, True)),
}


__all__ = ["DEFAULT_GRIDS"]
