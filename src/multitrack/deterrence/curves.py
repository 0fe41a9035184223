"""Deterrence curves: the share of parameter draws in which deterrence holds as one parameter
(tripwire size, umbrella credibility, ambiguity, ...) sweeps a range. One broadcast solve."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from multitrack.deterrence.model import CrisisGame
from multitrack.deterrence.solve import solve


@dataclass(frozen=True, eq=False)
class DeterrenceCurve:
    """P(deterrence holds) at each swept value of `parameter`, over the given draws."""

    parameter: str
    values: np.ndarray
    probability: np.ndarray
    mean_margin: np.ndarray

    def threshold(self, level: float = 0.5) -> float | None:
        """First swept value at which the probability reaches `level`, or None."""
        hit = np.flatnonzero(self.probability >= level)
        return float(self.values[hit[0]]) if hit.size else None


def deterrence_curve(game: CrisisGame, parameter: str, values: object,
                     draws: Mapping[str, object] | None = None) -> DeterrenceCurve:
    """Sweep `parameter` (a key such as 'eu_force.tripwire') over `values`, holding every other
    parameter at its draws; the sweep replaces the parameter's own draws."""
    if parameter not in game.parameter_names():
        raise KeyError(f"unknown deterrence parameter: {parameter}")
    vals = np.asarray(values, dtype=float).ravel()
    others = {k: np.asarray(v, dtype=float) for k, v in (draws or {}).items() if k != parameter}
    ndim = max((v.ndim for v in others.values()), default=0)
    swept = {k: np.expand_dims(v, 0) for k, v in others.items()}
    swept[parameter] = vals.reshape((-1,) + (1,) * ndim)
    out = solve(game, swept)
    axes = tuple(range(1, out.deterred.ndim))
    return DeterrenceCurve(parameter, vals, out.deterred.mean(axis=axes), out.margin.mean(axis=axes))
