"""A finite crisis game with a chance move over types, written out as payoff tables.

The class: Nature draws a type profile; the challenger, seeing nothing, attacks or not; after
an attack every guarantor, seeing only its own type, responds or not (simultaneously). Any
payoffs are allowed, so the general solver also covers games outside the closed form (e.g.
guarantors that free-ride on each other). `to_finite` writes our crisis game in this class.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from multitrack.deterrence.model import CrisisGame
from multitrack.deterrence.params import game_arrays
from multitrack.deterrence.responses import TYPES


@dataclass(frozen=True, eq=False)
class FiniteCrisis:
    """players: challenger then guarantors.  profiles (m, g): type index of each guarantor;
    prior (m,).  status_quo (m, 1+g): payoffs without attack.  war (m, 2**g, 1+g): payoffs after
    an attack, column r of axis 1 having bit i set when guarantor i responds."""

    players: tuple[str, ...]
    type_labels: tuple[tuple[str, ...], ...]
    profiles: np.ndarray
    prior: np.ndarray
    status_quo: np.ndarray
    war: np.ndarray

    @property
    def n_types(self) -> tuple[int, ...]:
        return tuple(len(t) for t in self.type_labels)


def to_finite(game: CrisisGame, draws: Mapping[str, object] | None = None, index: int = 0) -> FiniteCrisis:
    """Our crisis game at one draw (`index` into the flattened draws) as a FiniteCrisis; only
    types of positive prior are kept. Needs type_spread == 0 (finitely many types)."""
    arrs = game_arrays(game, draws)
    gs = [{k: float(v.ravel()[index]) for k, v in p.items()} for p in arrs.guarantors]
    if any(p["type_spread"] > 0 for p in gs):
        raise ValueError("to_finite needs type_spread == 0: a spread of costs has infinitely many types")
    types = [_types(p) for p in gs]
    value = float(arrs.challenger_value.ravel()[index])
    combos = list(itertools.product(*[range(len(t)) for t in types]))
    prior = np.array([np.prod([types[i][j][1] for i, j in enumerate(c)]) for c in combos])
    war = np.array([[_war_payoffs(value, gs, [types[i][j][0] for i, j in enumerate(c)], r)
                     for r in range(2 ** len(gs))] for c in combos])
    labels = tuple(tuple(f"{t[0][0]}-{t[0][1]}" for t in ts) for ts in types)
    return FiniteCrisis(("challenger",) + arrs.names, labels,
                        np.array(combos, dtype=int).reshape(len(combos), -1),
                        prior, np.zeros((len(combos), 1 + len(gs))), war)


def _types(p: dict[str, float]) -> list[tuple[tuple[str, str], float]]:
    """(type, prior) for the types in TYPES with positive prior."""
    q, a = p["credibility"], p["ambiguity"]
    priors = (q * (1 - a), q * a, (1 - q) * (1 - a), (1 - q) * a)
    return [(t, pr) for t, pr in zip(TYPES, priors, strict=True) if pr > 0]


def _war_payoffs(value: float, gs: list[dict[str, float]], types: list[tuple[str, str]],
                 r: int) -> list[float]:
    """Payoffs after an attack when the guarantors with bit set in r respond, types as given."""
    resp = [(r >> i) & 1 for i in range(len(gs))]
    challenger = value - sum(x * (p["war_cost"] + p["umbrella"] * p["nuclear_cost"])
                             for x, p in zip(resp, gs, strict=True))
    return [challenger] + [_guarantor_payoff(p, t, x) for p, t, x in zip(gs, types, resp, strict=True)]


def _guarantor_payoff(p: dict[str, float], typ: tuple[str, str], responds: int) -> float:
    if responds:
        cost = p["cost_resolute"] if typ[0] == "resolute" else p["cost_irresolute"]
        return p["stake"] - cost - p["umbrella"] * p["escalation_cost"]
    pledge = p["audience_cost"] if typ[1] == "binding" else 0.0
    return -(pledge + p["tripwire"] * p["tripwire_cost"])
