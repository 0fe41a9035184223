"""The one-screen summary at the top of the report, built from whatever results exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..overview import OverviewResult


@dataclass(frozen=True)
class SummaryLine:
    track_id: str
    title: str
    status: str
    text: str


def summary_lines(results: dict[str, Any]) -> list[SummaryLine]:
    """Per track: can it agree, and why (from the overview until richer analyses exist)."""
    overview = next((r for r in results.values() if isinstance(r, OverviewResult)), None)
    if overview is None:
        return []
    return [
        SummaryLine(t.track_id, t.title, "deferred" if t.deferred else ("blocked" if t.blocked else "open"),
                    t.verdict)
        for t in overview.tracks
    ]
