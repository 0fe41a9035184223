"""Result records of the track overview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..results import Result, plain


@dataclass(frozen=True)
class IssueRoom:
    """How much of one issue survives the red lines of the track's veto players."""

    issue_id: str
    title: str
    kind: str
    n_values: int
    status_quo: str | float | None           # None: the track has no status quo
    open_values: tuple[str | float, ...]
    blocking_pairs: tuple[tuple[str, str], ...]
    status_quo_rejected_by: tuple[str, ...]

    @property
    def has_status_quo(self) -> bool:
        return self.status_quo is not None

    @property
    def n_open(self) -> int:
        return len(self.open_values)

    @property
    def blocked(self) -> bool:
        return not self.open_values


@dataclass(frozen=True)
class TrackOverview(Result):
    """One track at a glance: who sits, who can veto, and the room its red lines leave."""

    track_id: str
    title: str
    forum: str | None
    deferred: bool
    participants: tuple[str, ...]
    veto_players: tuple[str, ...]
    decision_rule: str
    n_outcomes: int
    n_open_outcomes: int
    issues: tuple[IssueRoom, ...]
    verdict: str

    @property
    def share_open(self) -> float:
        return self.n_open_outcomes / self.n_outcomes if self.n_outcomes else 0.0

    @property
    def blocked(self) -> bool:
        return not self.deferred and self.n_open_outcomes == 0


@dataclass(frozen=True)
class OverviewResult(Result):
    """The per-track overview of a scenario."""

    scenario_id: str
    tracks: tuple[TrackOverview, ...]

    def track(self, track_id: str) -> TrackOverview:
        return next(t for t in self.tracks if t.track_id == track_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; an issue of a track without a status quo has no status-quo fields."""
        data = plain(self)
        for track in data["tracks"]:
            for issue in track["issues"]:
                if issue["status_quo"] is None:
                    del issue["status_quo"], issue["status_quo_rejected_by"]
        return data

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "track": t.track_id, "title": t.title, "forum": t.forum, "deferred": t.deferred,
                "participants": len(t.participants), "veto_players": ", ".join(t.veto_players),
                "rule": t.decision_rule, "issues": len(t.issues), "outcomes": t.n_outcomes,
                "open_outcomes": t.n_open_outcomes, "share_open": t.share_open, "verdict": t.verdict,
            }
            for t in self.tracks
        ]

    def issue_rows(self) -> list[dict[str, Any]]:
        """One row per issue: its values, the values every veto player's red lines allow, blockers."""
        return [_issue_row(t, i) for t in self.tracks for i in t.issues]


def _issue_row(t: TrackOverview, i: IssueRoom) -> dict[str, Any]:
    row = {"track": t.track_id, "issue": i.issue_id, "kind": i.kind, "values": i.n_values,
           "open_values": i.n_open, "status_quo": i.status_quo,
           "blocked_by": "; ".join(f"{a} vs {b}" for a, b in i.blocking_pairs),
           "status_quo_rejected_by": ", ".join(i.status_quo_rejected_by)}
    if not i.has_status_quo:  # a track without a status quo: no column speaks of one
        del row["status_quo"], row["status_quo_rejected_by"]
    return row
