"""A core conflict (e.g. read from a GMCR+ file) as plain scenario data: the ``conflicts:``
entry, and a whole scenario around it (actors for the decision makers, a source entry for
the file), ready for ``Scenario.model_validate`` and the YAML writer."""

from __future__ import annotations

import re
from typing import Any

from multitrack.scenario.option_form import (
    AtLeastOne,
    Conflict,
    Infeasible,
    LabelPayoffs,
    MutuallyExclusive,
    OptionPrioritization,
    Payoffs,
    Requires,
    StateRanking,
)


def _slug(text: str, fallback: str, taken: set[str], sep: str) -> str:
    """A unique id from free text: letters, digits and `sep`, starting with a letter."""
    base = re.sub(r"[^A-Za-z0-9]+", sep, text).strip(sep).lower()[:48]
    base = base if base[:1].isalpha() else f"{fallback}{sep}{base}".rstrip(sep)
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}{sep}{k}", k + 1
    taken.add(slug)
    return slug


def _rule(cond: Any, ids: dict[str, str]) -> dict:
    if isinstance(cond, MutuallyExclusive):
        return {"mutually_exclusive": [ids[o] for o in cond.options]}
    if isinstance(cond, AtLeastOne):
        return {"at_least_one": [ids[o] for o in cond.options]}
    if isinstance(cond, Requires):
        return {"requires": {"option": ids[cond.option], "condition": cond.requires}}
    assert isinstance(cond, Infeasible)
    return {"statement": cond.statement}


def _preferences(prefs: Any, model: Any) -> dict:
    if isinstance(prefs, OptionPrioritization):
        return {"prioritization": list(prefs.statements)}
    if isinstance(prefs, StateRanking):
        return {"ranking": [list(t) for t in prefs.tiers]}
    if isinstance(prefs, LabelPayoffs):
        return {"payoffs": dict(prefs.payoffs)}
    assert isinstance(prefs, Payoffs)
    return {"payoffs": {model.label(s): float(prefs.by_code[int(model.codes[s])])
                        for s in range(model.n_states)}}


def conflict_entry(conflict: Conflict, *, conflict_id: str, title: str, dm_ids: list[str],
                   source: str | None = None, status_quo: str | None = None) -> dict:
    """The scenario's ``conflicts:`` entry for a core conflict; options keep their order, so
    statements that name options by number (1 = first) stay valid. Each option's id comes
    from its name, unique in the conflict; its title is the name the source gave it."""
    taken: set[str] = set()
    ids = {name: _slug(name, "o", taken, "_") for name in conflict.option_names}
    model = conflict.build() if any(isinstance(dm.preferences, Payoffs) for dm in conflict.dms) else None
    entry: dict = {"id": conflict_id, "title": title}
    if source:
        entry["source"] = source
    entry["decision_makers"] = [
        {"id": dm_id, "options": [{"id": ids[o], "title": t}
                                  for o, t in zip(dm.options, dm.option_titles(), strict=True)]}
        for dm_id, dm in zip(dm_ids, conflict.dms, strict=True)
    ]
    if conflict.conditions:
        entry["infeasible"] = [_rule(c, ids) for c in conflict.conditions]
    if conflict.irreversible:
        entry["irreversible"] = [{"option": ids[i.option], "direction": i.direction}
                                 for i in conflict.irreversible]
    entry["preferences"] = {dm_id: _preferences(dm.preferences, model)
                            for dm_id, dm in zip(dm_ids, conflict.dms, strict=True)}
    misperceptions = {dm_id: list(dm.misperceived) for dm_id, dm in zip(dm_ids, conflict.dms, strict=True)
                      if dm.misperceived}
    if misperceptions:
        entry["misperceptions"] = misperceptions
    if conflict.coalitions:
        entry["coalitions"] = [[dm_ids[d] for d in group] for group in conflict.coalitions if len(group) > 1]
    if status_quo is not None:
        entry["status_quo"] = status_quo
    return entry


def conflict_scenario(conflict: Conflict, *, scenario_id: str, title: str, source: dict,
                      status_quo: str | None = None) -> dict:
    """A scenario holding just this conflict: one actor per decision maker (kind ``state``,
    capability 1, to be edited), the given source entry and, if given, the status quo (a
    Y/N label)."""
    taken: set[str] = set()
    dm_ids = [_slug(dm.name, "dm", taken, "-") for dm in conflict.dms]
    return {
        "version": 1, "id": scenario_id, "title": title,
        "sources": [source],
        "actors": [{"id": i, "name": dm.name, "kind": "state", "capability": 1}
                   for i, dm in zip(dm_ids, conflict.dms, strict=True)],
        "conflicts": [conflict_entry(conflict, conflict_id=scenario_id, title=title, dm_ids=dm_ids,
                                     source=source["id"], status_quo=status_quo)],
    }
