"""Contradictory red lines on one dispute: an actor that accepts on one track a level of a
question it rules out on another.

Issues that model the same question carry the same ``dispute:`` id and map the question's
levels to their own values (:mod:`multitrack.scenario.disputes`). For every actor with a
position on two such issues of different tracks, each level both issues can express is tested
against the actor's red lines on each (at the central estimates; conditional red lines are left
out, since they depend on another issue). A level accepted on one and forbidden on the other is
a contradiction -- unless the two issues declare different ``variant``s, in which case the
difference is reported as declared.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

import numpy as np

from ..scenario.model import Scenario
from ..settlement import DrawValues
from ..settlement.preferences import allowed_on, on_axis
from .result import ConsistencyWarning


def tagged_issues(scenario: Scenario) -> dict[str, list[tuple[Any, Any]]]:
    """Dispute id -> the (track, issue) pairs that model it, in scenario order."""
    out: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for track, issue in scenario.issues():
        tag = getattr(issue, "dispute", None)
        if tag is not None:
            out[tag.id].append((track, issue))
    return dict(out)


def accepted_levels(issue: Any, actor: str) -> dict[str, bool]:
    """Each level of the issue's dispute -> whether ``actor``'s unconditional red lines on the
    issue allow the value standing for it (central estimates)."""
    pos = issue.positions[actor]
    lines = [line for line in pos.red_lines if getattr(line, "when", None) is None]
    central = DrawValues.central()
    levels = issue.dispute.levels
    # A numeric issue's level is a plain number, already on the axis; an option is read as its rank.
    axis = np.array([on_axis(issue, v, central)[0] if isinstance(v, str) else float(v)
                     for v in levels.values()], dtype=float)
    ok = allowed_on(issue, lines, axis, central)[0]
    return {level: bool(a) for level, a in zip(levels, ok, strict=True)}


def _red_line_words(issue: Any, actor: str) -> str:
    lines = [line for line in issue.positions[actor].red_lines if getattr(line, "when", None) is None]
    if not lines:
        return "no red line"
    parts = []
    for line in lines:
        t = line.threshold
        shown = t if isinstance(t, str) else f"{t.nominal:g}"
        parts.append(shown if line.relation == "equals" else f"{line.relation} {shown}")
    return "red line " + ", ".join(parts)


Warnings = tuple[ConsistencyWarning, ...]


def contradictions(scenario: Scenario) -> tuple[Warnings, Warnings]:
    """(warnings, declared variants): one line per actor, dispute and pair of issues whose red
    lines accept and forbid the same level."""
    warnings, variants = [], []
    for dispute, items in tagged_issues(scenario).items():
        for (ta, a), (tb, b) in combinations(items, 2):
            if ta.id == tb.id:
                continue
            for actor in [x for x in a.positions if x in b.positions]:
                seen_a, seen_b = accepted_levels(a, actor), accepted_levels(b, actor)
                both = [lv for lv in seen_a if lv in seen_b]
                differ = [lv for lv in both if seen_a[lv] != seen_b[lv]]
                if not differ:
                    continue
                warning = _warning(dispute, actor, (ta, a, seen_a), (tb, b, seen_b), differ)
                va, vb = a.dispute.variant, b.dispute.variant
                if va and vb and va != vb:
                    declared = warning.sentence.replace("holds contradictory red lines",
                                                        "holds different red lines, as declared variants,")
                    variants.append(ConsistencyWarning(
                        "declared-variant", f"{declared} {ta.id} models '{va}', {tb.id} models '{vb}'.",
                        actor, f"{ta.id},{tb.id}", f"{a.id},{b.id}"))
                else:
                    warnings.append(warning)
    return tuple(warnings), tuple(variants)


def _shown(issue: Any, level: str) -> str:
    """The issue's value for a level: an option's name, or a number with the issue's unit."""
    value = issue.dispute.levels[level]
    if isinstance(value, str):
        return value
    unit = getattr(issue, "unit", None)
    return f"{value:g} {unit}" if unit else f"{value:g}"


def _warning(dispute: str, actor: str, first: tuple, second: tuple, differ: list[str]) -> ConsistencyWarning:
    (ta, a, seen_a), (tb, b, _) = first, second
    parts = []
    for level in differ:
        yes, no = (first, second) if seen_a[level] else (second, first)
        parts.append(f"{level} is accepted on {yes[0].id}/{yes[1].id} ({_shown(yes[1], level)}) but "
                     f"ruled out on {no[0].id}/{no[1].id} ({_shown(no[1], level)}, "
                     f"{_red_line_words(no[1], actor)})")
    sentence = f"{actor} holds contradictory red lines on dispute '{dispute}': " + "; ".join(parts) + "."
    return ConsistencyWarning("contradictory-red-lines", sentence, actor, f"{ta.id},{tb.id}",
                              f"{a.id},{b.id}")
