"""The equilibrium of the crisis game for every parameter draw, as arrays of one shape."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from multitrack.deterrence.challenger import FAILURE_LABELS
from multitrack.deterrence.responses import TYPES


@dataclass(frozen=True, eq=False)
class DeterrenceOutcome:
    """The perfect Bayesian equilibrium per draw (shape S = the draws' shape; g guarantors).

    deterred (S): challenger keeps the status quo.  respond (g, S): P_i, chance guarantor i
    answers an attack.  type_respond (g, 4, S): chance each type in TYPES answers.
    thresholds (g, 2, S): cutoff costs (binding, discretionary) of the guarantor's strategy.
    capability (g, S): D_i.  expected_cost (S): sum_i P_i D_i.  failure (S): FAILURE_LABELS code.
    """

    names: tuple[str, ...]
    challenger_value: np.ndarray
    deterred: np.ndarray
    respond: np.ndarray
    type_respond: np.ndarray
    thresholds: np.ndarray
    capability: np.ndarray
    expected_cost: np.ndarray
    failure: np.ndarray

    types = TYPES
    failure_labels = FAILURE_LABELS

    @property
    def attack(self) -> np.ndarray:
        """True where the challenger attacks."""
        return ~self.deterred

    @property
    def margin(self) -> np.ndarray:
        """sum_i P_i D_i - V: how far deterrence holds (>= 0) or fails (< 0)."""
        return self.expected_cost - self.challenger_value

    @property
    def deterrence_probability(self) -> float:
        """Share of draws in which deterrence holds."""
        return float(np.mean(self.deterred))

    def response(self, name: str) -> np.ndarray:
        """P_i of the guarantor called `name`."""
        return self.respond[self.names.index(name)]

    def outcome_probability(self, responders: Iterable[str]) -> np.ndarray:
        """Chance of an attack answered by exactly the guarantors in `responders`
        (responses are independent given the attack)."""
        chosen = set(responders)
        unknown = chosen - set(self.names)
        if unknown:
            raise KeyError(f"unknown guarantors: {sorted(unknown)}")
        parts = [p if n in chosen else 1 - p for n, p in zip(self.names, self.respond, strict=True)]
        return self.attack * np.prod(parts, axis=0) if parts else self.attack.astype(float)

    def as_arrays(self) -> dict[str, np.ndarray]:
        """Flat name -> array mapping, for a Monte Carlo engine or a table."""
        out = {"deterred": self.deterred, "margin": self.margin, "expected_cost": self.expected_cost,
               "failure": self.failure, "unopposed": self.outcome_probability(())}
        for name, p, d in zip(self.names, self.respond, self.capability, strict=True):
            out[f"{name}.respond"] = p
            out[f"{name}.capability"] = d
        return out
