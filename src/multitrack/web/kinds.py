"""What the intervals in a run's results measure, counted per analysis for the web page.

Every figure over the draws is an :class:`~multitrack.montecarlo.stats.Estimate95` whose ``kind``
says what its interval is: the spread over the uncertain inputs, the Monte Carlo precision of a
share of draws, or none at all because no draw changes it (structural). The page says, above the
results and in each analysis, how many figures are of each kind, in the words the terminal and
the report use, so that no interval reads as a bare "95% interval".
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..montecarlo.stats import KINDS, MC, SPREAD, STRUCTURAL, Estimate95

#: Each kind in words: its name and what it means.
KIND_WORDS = {
    SPREAD: ("spread over inputs", "the central 95% of the result's values over the draws of the uncertain "
             "inputs: how much it varies because the inputs are uncertain"),
    MC: ("Monte Carlo precision", "how far a share of draws could move with more draws (± MC error, shown "
         "only where it could change the figure as printed)"),
    STRUCTURAL: ("structural", "the same in every draw: no interval, only a change to the inputs that "
                 "decide it would move it"),
}

#: Results nested deeper than this are not searched (a guard, far above any result's depth).
_DEPTH = 12


def count_kinds(result: Any) -> dict[str, int]:
    """How many figures of each kind a result holds (every kind present, zero where none)."""
    found: Counter[str] = Counter()
    _walk(result, found, 0)
    return {kind: found[kind] for kind in KINDS}


def _walk(value: Any, found: Counter[str], depth: int) -> None:
    if depth > _DEPTH:
        return
    if isinstance(value, Estimate95):
        found[value.kind] += 1
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name), found, depth + 1)
    elif isinstance(value, Mapping):
        for item in value.values():
            _walk(item, found, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _walk(item, found, depth + 1)


def kinds_words(counts: Mapping[str, int]) -> str:
    """The counts in words, e.g. "3 structural (the same in every draw), 2 spread over inputs";
    "" when the result holds no figure over the draws."""
    parts = []
    for kind in (STRUCTURAL, SPREAD, MC):
        n = counts.get(kind, 0)
        if n:
            parts.append(f"{n} {KIND_WORDS[kind][0]}" + (" (the same in every draw)" if kind == STRUCTURAL
                                                         else ""))
    return ", ".join(parts)


def total_kinds(results: Mapping[str, Any]) -> dict[str, int]:
    """The counts over all analyses of a run."""
    total: Counter[str] = Counter()
    for result in results.values():
        total.update(count_kinds(result))
    return {kind: total[kind] for kind in KINDS}
