"""Shortcuts for the four guarantee kinds; each returns a plain `Guarantee` whose numbers carry the kind.

A tripwire ties hands with troops, an umbrella raises the challenger's cost of a response, a
defence clause ties hands with words that may be read loosely, a patron defends a regime it
values (Fearon 1997; Schelling 1966, *Arms and Influence*, Yale UP; Zagare & Kilgour 2000).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from multitrack.deterrence.model import Guarantee


def tripwire_force(name: str, size: float, cost_per_unit: float, **terms: float) -> Guarantee:
    """A force of `size` units stationed in the target; leaving it unanswered costs
    `cost_per_unit` per unit (Schelling's tripwire, Fearon's tying hands)."""
    return Guarantee(name=name, kind="tripwire", tripwire=size, tripwire_cost=cost_per_unit, **terms)


def nuclear_umbrella(name: str, umbrella: float, nuclear_cost: float, **terms: float) -> Guarantee:
    """A response that escalates to nuclear use with probability `umbrella` (the umbrella's
    credibility), costing the challenger `nuclear_cost` (capability raised by extended deterrence)."""
    return Guarantee(name=name, kind="umbrella", umbrella=umbrella, nuclear_cost=nuclear_cost, **terms)


def defence_clause(name: str, audience_cost: float, ambiguity: float, **terms: float) -> Guarantee:
    """A written pledge: backing down costs `audience_cost` unless, with probability
    `ambiguity`, the text reads as discretionary (Fearon 1997, tying hands)."""
    return Guarantee(name=name, kind="clause", audience_cost=audience_cost, ambiguity=ambiguity, **terms)


def patron(name: str, regime_value: float, regime_threat: float = 1.0, **terms: float) -> Guarantee:
    """A third power whose stake is the regime's survival: `regime_value` times the probability
    `regime_threat` that an unanswered attack topples the regime; no formal pledge by default."""
    return Guarantee(name=name, kind="patron", stake=regime_value * regime_threat, **terms)


def with_terms(guarantee: Guarantee, **terms: float) -> Guarantee:
    """The same guarantor with some terms changed (e.g. a tripwire added to a clause)."""
    changes: dict[str, Any] = dict(terms)  # numeric fields only; mypy would match them to name and kind
    return replace(guarantee, **changes)
