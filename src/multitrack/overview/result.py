"""Result records of the track overview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..results import Result, by_id, plain

#: The four verdict words (see :mod:`multitrack.overview.verdict` for what each means).
CAN_AGREE = "can agree"
BLOCKED = "blocked"
STATUS_QUO_ONLY = "status quo only"
NOT_KNOWN = "not known"
WORDS = (CAN_AGREE, BLOCKED, STATUS_QUO_ONLY, NOT_KNOWN)
_SLUGS = {CAN_AGREE: "can-agree", BLOCKED: "blocked", STATUS_QUO_ONLY: "no-gain", NOT_KNOWN: "not-known"}


@dataclass(frozen=True)
class Verdict(Result):
    """A track's verdict: one of :data:`WORDS` and the one sentence that says why."""

    word: str
    reason: str

    def __post_init__(self) -> None:
        if self.word not in WORDS:
            raise ValueError(f"verdict {self.word!r} is none of {', '.join(WORDS)}")

    @property
    def slug(self) -> str:
        """A CSS class for the word (one that never speaks of a status quo a track may lack)."""
        return _SLUGS[self.word]

    def __str__(self) -> str:
        return f"{self.word}: {self.reason}"


@dataclass(frozen=True)
class IssueRoom(Result):
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

    def to_dict(self) -> dict[str, Any]:
        """Plain data; without a status quo, no status-quo fields."""
        data = plain(self)
        if self.status_quo is None:
            del data["status_quo"], data["status_quo_rejected_by"]
        return data


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
    verdict: Verdict     # can agree | blocked | status quo only | not known, and why: what renderers print

    @property
    def share_open(self) -> float:
        return self.n_open_outcomes / self.n_outcomes if self.n_outcomes else 0.0

    @property
    def red_lines_block(self) -> bool:
        """The veto players' red lines alone leave no outcome (some issue has no value they all allow)."""
        return not self.deferred and self.n_open_outcomes == 0

    def issue(self, issue_id: str) -> IssueRoom:
        return by_id(self.issues, issue_id, lambda i: i.issue_id, "issue")

    def to_dict(self) -> dict[str, Any]:
        """Plain data; an issue of a track without a status quo has no status-quo fields."""
        return {**plain(self), "issues": [i.to_dict() for i in self.issues]}

    def rows(self) -> list[dict[str, Any]]:
        return [_issue_row(self, i) for i in self.issues]


@dataclass(frozen=True)
class OverviewResult(Result):
    """The per-track overview of a scenario."""

    scenario_id: str
    tracks: tuple[TrackOverview, ...]

    def track(self, track_id: str) -> TrackOverview:
        return by_id(self.tracks, track_id, lambda t: t.track_id, "track")

    @property
    def summary(self) -> str:
        """The verdicts counted, in one line: "7 of 11 tracks can agree; 2 blocked, 1 not known"."""
        counts = {w: sum(t.verdict.word == w for t in self.tracks) for w in WORDS}
        rest = ", ".join(f"{n} {w}" for w, n in counts.items() if n and w != CAN_AGREE)
        return f"{counts[CAN_AGREE]} of {len(self.tracks)} tracks can agree" + (f"; {rest}" if rest else "")

    def to_dict(self) -> dict[str, Any]:
        """Plain data; an issue of a track without a status quo has no status-quo fields."""
        return {"scenario_id": self.scenario_id, "tracks": [t.to_dict() for t in self.tracks]}

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "track": t.track_id, "title": t.title, "forum": t.forum, "deferred": t.deferred,
                "participants": len(t.participants), "veto_players": ", ".join(t.veto_players),
                "rule": t.decision_rule, "issues": len(t.issues), "outcomes": t.n_outcomes,
                "open_outcomes": t.n_open_outcomes, "share_open": t.share_open, "verdict": t.verdict.word,
                "reason": t.verdict.reason,
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
