"""Compare two sets of findings: which changed beyond the Monte Carlo noise, ranked.

A share of draws or a mean over draws moves with the draws: a change smaller than what the two
Monte Carlo errors explain, |d| < 2 * sqrt(se_a^2 + se_b^2) (a two-sided test at about 5% of the
difference of two independent estimates), is suppressed as noise. A verdict, a deal, a leading
design or any figure the same in every draw has no noise: any change is real.

Ranking on one scale: verdict flips first, then shares by absolute change, then everything else
(means by relative change, then words).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .findings import Finding

#: Standard errors of the difference that a change must exceed to count as real.
NOISE_SIGMAS = 2.0

#: Rank classes: lower first.
VERDICT, SHARE, OTHER = 0, 1, 2


@dataclass(frozen=True)
class Change:
    """One finding that differs between run A and run B (``a``/``b`` None: only in the other run)."""

    id: str
    label: str
    a: Finding | None
    b: Finding | None
    rank: int  # VERDICT, SHARE, OTHER
    size: float  # on the class's scale: absolute change of a share, relative change of a mean
    noise: bool  # within what the two Monte Carlo errors explain

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "a": self.a.to_dict() if self.a else None,
                "b": self.b.to_dict() if self.b else None, "rank": self.rank, "size": self.size,
                "noise": self.noise}


def compare_findings(a: Mapping[str, Finding], b: Mapping[str, Finding]) -> list[Change]:
    """Every finding that differs, real changes first and biggest first, then the noise."""
    out = []
    for key in list(a) + [k for k in b if k not in a]:
        change = _change(key, a.get(key), b.get(key))
        if change is not None:
            out.append(change)
    return sorted(out, key=lambda c: (c.noise, c.rank, -c.size, _order(c.id), c.id))


#: Among changes of equal size (words), the order of the headlines: deals and designs before
#: forecasts, and what a finding hinges on last.
_PREFIXES = ("track:", "designs/", "crisis:", "escalation/", "forecast:", "hinge:")


def _order(key: str) -> int:
    return next((k for k, p in enumerate(_PREFIXES) if key.startswith(p)), len(_PREFIXES))


def _change(key: str, a: Finding | None, b: Finding | None) -> Change | None:
    label = (b or a).label  # type: ignore[union-attr]
    if a is None or b is None:
        return Change(key, label, a, b, OTHER, 0.0, False)
    if a.value == b.value:
        return None
    if a.kind == "verdict":
        return Change(key, label, a, b, VERDICT, 1.0, False)
    if isinstance(a.value, str) or isinstance(b.value, str):
        return Change(key, label, a, b, OTHER, 0.0, False)
    d = float(b.value) - float(a.value)
    noise = within_noise(d, a.mc_error, b.mc_error)
    if a.kind == "share":
        return Change(key, label, a, b, SHARE, abs(d), noise)
    scale = max(abs(float(a.value)), abs(float(b.value)))
    return Change(key, label, a, b, OTHER, abs(d) / scale if scale else 0.0, noise)


def within_noise(d: float, se_a: float | None, se_b: float | None) -> bool:
    """True when |d| is smaller than what the two Monte Carlo errors explain (structural
    figures, with no error, are never noise)."""
    if se_a is None and se_b is None:
        return False
    spread = math.sqrt((se_a or 0.0) ** 2 + (se_b or 0.0) ** 2)
    return abs(d) < NOISE_SIGMAS * spread
