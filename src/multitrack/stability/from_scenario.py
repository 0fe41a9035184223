"""Convert a scenario's conflict (``multitrack.scenario.conflicts.Conflict``) to the core
:class:`multitrack.stability.Conflict`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from multitrack.stability.conflict import (
    AtLeastOne,
    Conflict,
    DecisionMaker,
    Infeasible,
    Irreversible,
    MutuallyExclusive,
    OptionPrioritization,
    Payoffs,
    Requires,
    StateRanking,
    _code_of_label,
)

if TYPE_CHECKING:  # pragma: no cover
    from multitrack.scenario.conflicts import Conflict as ConflictSpec


def _preferences(pref, n: int):
    if pref.prioritization is not None:
        return OptionPrioritization(tuple(pref.prioritization))
    if pref.ranking is not None:
        return StateRanking(tuple(tuple(tier) for tier in pref.ranking))
    table = [math.nan] * (2**n)
    for label, value in pref.payoffs.items():
        table[_code_of_label(label, n)] = float(value)
    return Payoffs(tuple(table))


def to_core(spec: "ConflictSpec") -> Conflict:
    """The core conflict of a scenario conflict: decision makers named by actor id, options
    by option id, in the order of the file."""
    from multitrack.scenario.conflicts import AtLeastOneRule, MutuallyExclusiveRule, RequiresRule

    n = len(spec.option_ids)
    dms = tuple(DecisionMaker(dm.id, tuple(o.id for o in dm.options), _preferences(spec.preferences[dm.id], n))
                for dm in spec.decision_makers)
    conditions = []
    for rule in spec.infeasible:
        if isinstance(rule, MutuallyExclusiveRule):
            conditions.append(MutuallyExclusive(tuple(rule.mutually_exclusive)))
        elif isinstance(rule, AtLeastOneRule):
            conditions.append(AtLeastOne(tuple(rule.at_least_one)))
        elif isinstance(rule, RequiresRule):
            conditions.append(Requires(rule.requires.option, rule.requires.condition))
        else:
            conditions.append(Infeasible(rule.statement))
    irreversible = tuple(Irreversible(i.option, i.direction) for i in spec.irreversible)
    return _Checked(dms=dms, conditions=tuple(conditions), irreversible=irreversible)


class _Checked(Conflict):
    """A core conflict whose build also refuses payoff tables that miss a feasible state."""

    def build(self):
        model = super().build()
        if math.isnan(float(model.payoff.sum())):
            import numpy as np

            bad = np.argwhere(np.isnan(model.payoff))[0]
            raise ValueError(f"payoffs of {model.dm_names[bad[1]]} miss the feasible state {model.label(int(bad[0]))}")
        return model
