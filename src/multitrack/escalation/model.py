"""Monthly Markov chain of escalation between adjacent rungs, built for many parameter draws at once.

Each month a theatre moves up one rung, down one rung or stays, as in the escalation-ladder
view of Kahn (1965), *On Escalation: Metaphors and Scenarios*, treated as a discrete-time
birth-death chain (Kemeny & Snell 1960, *Finite Markov Chains*). Everything here is pure numpy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

DEFAULT_RUNGS = ("peacetime", "incident", "crisis", "use of force", "war")

Param = float | str
"""A fixed number, or the name of an array of draws in the mapping given to the model."""


@dataclass(frozen=True)
class Ladder:
    """Ordered rungs of the escalation ladder; the top rung may be absorbing (war does not end)."""

    rungs: tuple[str, ...] = DEFAULT_RUNGS
    absorbing_top: bool = True

    def __post_init__(self) -> None:
        if len(self.rungs) < 2 or len(set(self.rungs)) != len(self.rungs):
            raise ValueError("a ladder needs at least two distinct rungs")

    @property
    def size(self) -> int:
        return len(self.rungs)

    def index(self, rung: str | int) -> int:
        """Position of a rung given by name or index."""
        if isinstance(rung, int):
            if not 0 <= rung < self.size:
                raise ValueError(f"rung index {rung} outside the ladder")
            return rung
        try:
            return self.rungs.index(rung)
        except ValueError:
            raise ValueError(f"unknown rung {rung!r}; rungs are {self.rungs}") from None

    def transition(self, text: str) -> tuple[str, int]:
        """Parse 'incident->crisis' into ('up', 0-based lower rung) or ('down', ...) for adjacent rungs."""
        parts = [p.strip() for p in text.split("->")]
        if len(parts) != 2:
            raise ValueError(f"transition {text!r} must read 'from->to'")
        a, b = (self.index(p) for p in parts)
        if b == a + 1:
            return "up", a
        if b == a - 1:
            return "down", b
        raise ValueError(f"transition {text!r} does not join adjacent rungs")


@dataclass(frozen=True)
class Theatre:
    """One theatre (e.g. Baltic): monthly up[i] is the chance of rung i -> i+1, down[i] of i+1 -> i."""

    name: str
    up: tuple[Param, ...]
    down: tuple[Param, ...]
    start: str | int = 0


@dataclass(frozen=True)
class Effect:
    """A measure's declared effect: multiply one transition's monthly probability by ``factor``.

    ``theatres`` limits the effect to named theatres (empty: all theatres).
    """

    transition: str
    factor: Param
    theatres: tuple[str, ...] = ()

    def applies_to(self, theatre: str) -> bool:
        return not self.theatres or theatre in self.theatres


@dataclass(frozen=True)
class Measure:
    """A confidence-building measure (e.g. an incidents-at-sea agreement) as a set of effects.

    ``strength`` is the share of the stated effects in force, per draw where it names draws: 0
    where the measure is not in force (its track failed), 1 for the full effect; each factor f
    then acts as 1 + strength * (f - 1), so a measure at half strength does half of what it
    states on the factor's own scale.
    """

    name: str
    effects: tuple[Effect, ...]
    strength: Param = 1.0


def resolve(param: Param, draws: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """A parameter as an array of shape (n,): a fixed number repeated, or the named draws."""
    if isinstance(param, str):
        if param not in draws:
            raise KeyError(f"no draws named {param!r}")
        values = np.asarray(draws[param], dtype=float)
        if values.shape != (n,):
            raise ValueError(f"draws {param!r} have shape {values.shape}, expected ({n},)")
        return values
    return np.full(n, float(param))


def draw_count(draws: Mapping[str, np.ndarray]) -> int:
    """Number of draws shared by all arrays in the mapping (1 when it is empty)."""
    sizes = {np.asarray(v).shape[0] for v in draws.values()}
    if len(sizes) > 1:
        raise ValueError(f"draw arrays differ in length: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def rates(ladder: Ladder, theatre: Theatre, draws: Mapping[str, np.ndarray], n: int,
          measures: tuple[Measure, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Up and down probabilities, each (n, R-1), after the measures' multipliers.

    Several measures on one transition multiply together. Up is clipped to [0, 1]; then a raised
    down-probability is capped at 1 - up of the same rung so every row stays a distribution.
    """
    k = ladder.size - 1
    if len(theatre.up) != k or len(theatre.down) != k:
        raise ValueError(f"theatre {theatre.name!r} needs {k} up and {k} down probabilities")
    up = np.stack([resolve(p, draws, n) for p in theatre.up], axis=1)
    down = np.stack([resolve(p, draws, n) for p in theatre.down], axis=1)
    _check(up, down, theatre.name)
    for measure in measures:
        strength = resolve(measure.strength, draws, n)
        if np.any(strength < 0) or np.any(strength > 1):
            raise ValueError(f"measure {measure.name!r}: strength must lie in [0, 1]")
        for effect in measure.effects:
            if effect.applies_to(theatre.name):
                up, down = _apply(ladder, effect, up, down, draws, n, strength)
    up = np.clip(up, 0.0, 1.0)
    down = down.copy()
    down[:, :-1] = np.minimum(down[:, :-1], 1.0 - up[:, 1:])  # rung j+1 leaves by down[j] or up[j+1]
    return up, np.minimum(down, 1.0)


def _apply(ladder: Ladder, effect: Effect, up: np.ndarray, down: np.ndarray,
           draws: Mapping[str, np.ndarray], n: int, strength: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    direction, i = ladder.transition(effect.transition)
    factor = resolve(effect.factor, draws, n)
    if np.any(factor < 0):
        raise ValueError(f"negative factor for {effect.transition!r}")
    if strength is not None:
        factor = 1.0 + strength * (factor - 1.0)
    target = (up if direction == "up" else down).copy()
    target[:, i] *= factor
    return (target, down) if direction == "up" else (up, np.clip(target, 0.0, None))


def _check(up: np.ndarray, down: np.ndarray, name: str) -> None:
    if np.any(up < 0) or np.any(down < 0) or np.any(up > 1) or np.any(down > 1):
        raise ValueError(f"theatre {name!r}: probabilities must lie in [0, 1]")
    if np.any(up[:, 1:] + down[:, :-1] > 1 + 1e-12):
        raise ValueError(f"theatre {name!r}: up + down exceeds 1 on some rung")


def transition_matrices(up: np.ndarray, down: np.ndarray, absorbing_top: bool = True) -> np.ndarray:
    """Batched monthly transition matrices (n, R, R) from up/down probabilities (n, R-1)."""
    n, k = up.shape
    p = np.zeros((n, k + 1, k + 1))
    idx = np.arange(k)
    p[:, idx, idx + 1] = up
    p[:, idx + 1, idx] = down
    if absorbing_top:
        p[:, k, :] = 0.0
    p[:, np.arange(k + 1), np.arange(k + 1)] = 1.0 - p.sum(axis=2)
    return p


def batched_power(p: np.ndarray, exponent: int) -> np.ndarray:
    """p ** exponent for a stack of square matrices (..., R, R), by repeated squaring."""
    if exponent < 0:
        raise ValueError("exponent must be non-negative")
    result = np.broadcast_to(np.eye(p.shape[-1]), p.shape).copy()
    base = p.copy()
    while exponent:
        if exponent & 1:
            result = result @ base
        exponent >>= 1
        if exponent:
            base = base @ base
    return result


def reach_probabilities(p: np.ndarray, start: int, horizons: tuple[int, ...]) -> np.ndarray:
    """P(rung k is visited at least once within h months | start), shape (n, H, R).

    Moves are between adjacent rungs only, so reaching rung k or higher means passing k: make k
    absorbing and read the mass sitting on k after h steps. Rungs at or below ``start`` count as
    reached at month 0.
    """
    n, r, _ = p.shape
    absorbed = np.repeat(p[:, None, :, :], r, axis=1)  # (n, R targets, R, R)
    k = np.arange(r)
    absorbed[:, k, k, :] = 0.0
    absorbed[:, k, k, k] = 1.0
    out = np.empty((n, len(horizons), r))
    power, done = batched_power(absorbed, 0), 0
    for j in np.argsort(horizons, kind="stable"):  # reuse the last power: P^h2 = P^h1 @ P^(h2-h1)
        power = power @ batched_power(absorbed, int(horizons[j]) - done)
        done = int(horizons[j])
        out[:, j, :] = power[:, k, start, k]
    out[:, :, : start + 1] = 1.0
    return out
