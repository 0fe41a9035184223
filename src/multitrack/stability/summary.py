"""Plain-text descriptions of a scenario's conflicts, for ``show`` and ``validate``: sizes,
rules, preferences, status quo (with its GMCR+ state number), misperceptions and coalitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from multitrack.scenario.conflict_counts import conflict_counts, conflict_model, status_quo_text
from multitrack.scenario.option_form import ConflictModel

_SHOWN = 12  # ranking tiers or payoff entries listed before "... and N more"

__all__ = ["conflict_counts", "conflict_lines", "conflict_model", "preferences_text", "status_quo_text"]


def preferences_text(pref: Any) -> str:
    """A decision maker's preferences in a few lines: statements most important first, or the
    ranking best first (tiers joined by '>'), or the payoffs."""
    if pref.prioritization is not None:
        return ("\n".join(f"{k}. {text}" for k, text in enumerate(pref.prioritization, start=1))
                or "(none: all tie)")
    if pref.ranking is not None:
        tiers = [" = ".join(tier) for tier in pref.ranking[:_SHOWN]]
        more = len(pref.ranking) - _SHOWN
        return "ranking: " + " > ".join(tiers) + (f" > ... and {more:,} more tiers" if more > 0 else "")
    items = sorted(pref.payoffs.items(), key=lambda kv: -kv[1])
    text = ", ".join(f"{label}={value:g}" for label, value in items[:_SHOWN])
    more = len(items) - _SHOWN
    return "payoffs: " + text + (f", ... and {more:,} more" if more > 0 else "")


def _rule_text(rule: Any) -> str:
    data = rule.model_dump()
    if "mutually_exclusive" in data:
        return "at most one of " + ", ".join(data["mutually_exclusive"])
    if "at_least_one" in data:
        return "at least one of " + ", ".join(data["at_least_one"])
    if "requires" in data:
        return f"{data['requires']['option']} only if {data['requires']['condition']}"
    return f"never {data['statement']}"


def conflict_lines(spec: Any, names: Mapping[str, str], model: ConflictModel | None = None) -> list[str]:
    """The conflict's rules and extras, one sentence each, decision makers by name."""
    model = model or conflict_model(spec)
    lines = [conflict_counts(spec, model) + "."]
    lines += [f"Infeasible: {_rule_text(r)}." for r in spec.infeasible]
    for i in spec.irreversible:
        way = "once taken, stays taken" if i.direction == "forward" else "once withdrawn, stays withdrawn"
        lines.append(f"Irreversible: {i.option} ({way}).")
    for dm_id, texts in spec.misperceptions.items():
        d = [dm.id for dm in spec.decision_makers].index(dm_id)
        states = [] if model.misperceived is None else [s for s in range(model.n_states)
                                                        if model.misperceived[s, d]]
        shown = ", ".join(f"{model.label(s)} ({model.state_number(s)})" for s in states[:_SHOWN])
        more = f", ... and {len(states) - _SHOWN:,} more" if len(states) > _SHOWN else ""
        lines.append(f"{names.get(dm_id, dm_id)} misperceives the states where {' or '.join(texts)}: "
                     f"{shown or 'none'}{more}; it cannot move to or from them.")
    for group in spec.coalitions:
        lines.append("Coalition: " + " + ".join(names.get(d, d) for d in group)
                     + " (analysed as one player).")
    return lines
