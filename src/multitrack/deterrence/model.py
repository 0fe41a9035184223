"""Inputs of the crisis game: one `Guarantee` per guarantor and the `CrisisGame` that holds them.

All payoffs sit on one utility scale on which the status quo (no attack) is worth 0 to every
player and 1 unit is, by convention, the challenger's value of an unopposed attack in the
default game. The parameterisation is ours; its roots are the unilateral deterrence game of
Zagare & Kilgour (2000, *Perfect Deterrence*, Cambridge UP) and the tying-hands signals of
Fearon (1997, *Journal of Conflict Resolution* 41(1)).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

#: What every guarantor parameter means, in the words the docs and the engine use.
GUARANTEE_PARAMETERS: dict[str, str] = {
    "credibility": "prior probability q in [0, 1] that the guarantor is resolute (Zagare & Kilgour's "
                   "credibility of the threat); Nature draws the type, the challenger knows only q",
    "cost_resolute": "guarantor's cost of fighting if resolute (utility, >= 0)",
    "cost_irresolute": "guarantor's cost of fighting if irresolute (utility, >= cost_resolute)",
    "type_spread": "width w >= 0 of a uniform spread of each type's cost around its point value; "
                   "w = 0 is the two-type game, w > 0 a continuum of types",
    "stake": "guarantor's value of defending the target, i.e. what responding saves it (utility); "
             "for a patron, the value of the regime's survival times the threat to it",
    "audience_cost": "cost a >= 0 of walking away from an explicit, binding pledge (Fearon's "
                     "tying hands: domestic and reputational costs of backing down)",
    "ambiguity": "probability alpha in [0, 1] that, once an attack happens, the pledge reads as "
                 "discretionary ('such action as it deems necessary'), so no audience cost is due",
    "tripwire": "size k >= 0 of the guarantor's force stationed in the target (e.g. brigades)",
    "tripwire_cost": "cost tau >= 0 per unit of tripwire of NOT responding once the force is hit "
                     "(casualties, outrage, lost face); paid under either reading of the pledge",
    "war_cost": "challenger's cost d >= 0 when this guarantor responds conventionally (capability)",
    "umbrella": "probability u in [0, 1] that this guarantor's response escalates to nuclear use "
                "(the credibility of the nuclear umbrella)",
    "nuclear_cost": "challenger's cost N >= 0 of a nuclear escalation",
    "escalation_cost": "guarantor's own cost M >= 0 of a nuclear escalation (retaliation risk); "
                       "it is why a stronger umbrella can make responding less attractive",
}

#: Parameters of the game itself (not of one guarantor).
GAME_PARAMETERS: dict[str, str] = {
    "challenger_value": "challenger's gain V from an attack nobody answers (utility, > 0 for a "
                        "challenger that wants to revise the status quo)",
}

_UNIT_INTERVAL = ("credibility", "ambiguity", "umbrella")
_NON_NEGATIVE = ("cost_resolute", "cost_irresolute", "type_spread", "audience_cost", "tripwire",
                 "tripwire_cost", "war_cost", "nuclear_cost", "escalation_cost")


@dataclass(frozen=True)
class Guarantee:
    """One guarantor and the terms of its guarantee; see GUARANTEE_PARAMETERS for each field.

    `kind` is a label only (tripwire, umbrella, clause, patron, custom): what a guarantee does
    lies wholly in its numbers, so one guarantor may combine several kinds.
    """

    name: str
    kind: str = "custom"
    credibility: float = 0.5
    cost_resolute: float = 0.0
    cost_irresolute: float = 1.0
    type_spread: float = 0.0
    stake: float = 0.0
    audience_cost: float = 0.0
    ambiguity: float = 0.0
    tripwire: float = 0.0
    tripwire_cost: float = 0.0
    war_cost: float = 1.0
    umbrella: float = 0.0
    nuclear_cost: float = 0.0
    escalation_cost: float = 0.0

    def __post_init__(self) -> None:
        if not self.name or "." in self.name:
            raise ValueError(f"guarantor name must be non-empty and without '.': {self.name!r}")
        for name in _UNIT_INTERVAL:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{self.name}.{name} must lie in [0, 1]")
        for name in _NON_NEGATIVE:
            if getattr(self, name) < 0.0:
                raise ValueError(f"{self.name}.{name} must be >= 0")
        if self.cost_resolute > self.cost_irresolute:
            raise ValueError(f"{self.name}: a resolute type fights at no higher cost than an irresolute one")


def guarantee_parameters() -> tuple[str, ...]:
    """Names of the numeric fields of a Guarantee, in declaration order."""
    return tuple(f.name for f in fields(Guarantee) if f.name not in ("name", "kind"))


@dataclass(frozen=True)
class CrisisGame:
    """Challenger, passive target and guarantors (Zagare & Kilgour 2000, ch. 3, extended to many
    defenders). The target makes no move here: its survival is what the guarantors' stakes value."""

    guarantors: tuple[Guarantee, ...]
    challenger_value: float = 1.0
    name: str = "crisis"

    def __post_init__(self) -> None:
        object.__setattr__(self, "guarantors", tuple(self.guarantors))
        names = [g.name for g in self.guarantors]
        if len(set(names)) != len(names):
            raise ValueError(f"guarantor names must be unique: {names}")

    @property
    def names(self) -> tuple[str, ...]:
        """Guarantor names in order."""
        return tuple(g.name for g in self.guarantors)

    def guarantor(self, name: str) -> Guarantee:
        """The guarantor called `name`."""
        for g in self.guarantors:
            if g.name == name:
                return g
        raise KeyError(name)

    def parameter_names(self) -> tuple[str, ...]:
        """Every key a draws mapping may use: 'challenger_value' and '<guarantor>.<field>'."""
        return ("challenger_value",) + tuple(f"{g}.{p}" for g in self.names for p in guarantee_parameters())
