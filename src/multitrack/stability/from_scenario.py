"""Convert a scenario's conflict (``multitrack.scenario.conflicts.Conflict``) to the core
:class:`multitrack.stability.Conflict`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from multitrack.stability.conflict import (
    AtLeastOne,
    Condition,
    Conflict,
    ConflictModel,
    DecisionMaker,
    Infeasible,
    Irreversible,
    LabelPayoffs,
    MutuallyExclusive,
    OptionPrioritization,
    Requires,
    StateRanking,
)

if TYPE_CHECKING:  # pragma: no cover
    from multitrack.scenario.conflicts import Conflict as ConflictSpec


def _preferences(pref) -> OptionPrioritization | StateRanking | LabelPayoffs:
    if pref.prioritization is not None:
        return OptionPrioritization(tuple(pref.prioritization))
    if pref.ranking is not None:
        return StateRanking(tuple(tuple(tier) for tier in pref.ranking))
    return LabelPayoffs(tuple((label, float(value)) for label, value in pref.payoffs.items()))


def to_core(spec: ConflictSpec) -> Conflict:
    """The core conflict of a scenario conflict: decision makers named by actor id, options
    by option id (titles kept), in the order of the file; misperceptions and coalitions too."""
    from multitrack.scenario.conflicts import AtLeastOneRule, MutuallyExclusiveRule, RequiresRule

    dms = tuple(DecisionMaker(dm.id, tuple(o.id for o in dm.options), _preferences(spec.preferences[dm.id]),
                              titles=tuple(o.title for o in dm.options),
                              misperceived=tuple(spec.misperceptions.get(dm.id, ())))
                for dm in spec.decision_makers)
    conditions: list[Condition] = []
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
    index = {dm.id: d for d, dm in enumerate(spec.decision_makers)}
    coalitions = tuple(tuple(index[m] for m in group) for group in spec.coalitions)
    return _Checked(dms=dms, conditions=tuple(conditions), irreversible=irreversible, coalitions=coalitions)


class _Checked(Conflict):
    """A core conflict whose build also refuses payoff tables that miss a feasible state."""

    def build(self) -> ConflictModel:
        model = super().build()
        if math.isnan(float(model.payoff.sum())):
            bad = np.argwhere(np.isnan(model.payoff))[0]
            raise ValueError(f"payoffs of {model.dm_names[bad[1]]} miss the feasible state {model.label(int(bad[0]))}")
        return model
