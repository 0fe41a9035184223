"""Result records of the agreement-space analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results import Result


@dataclass(frozen=True)
class SolutionPoint:
    """A bargaining solution: the outcome in the issues' own terms, and what it gives each
    participant (utilities normalised to [0, 1] over the track's space)."""

    concept: str
    outcome: dict[str, Any]
    utility: dict[str, float]
    gain: dict[str, float]                 # over the status quo
    below_status_quo: tuple[str, ...]      # participants it leaves worse off than no deal

    @property
    def indivisible(self) -> bool:
        """Passes the indivisible-security test: nobody's security bought at another's expense."""
        return not self.below_status_quo


@dataclass(frozen=True)
class ConstraintRef:
    """A veto player's red line or reservation value, in the scenario's terms."""

    actor: str
    kind: str                    # red_line | reservation
    issue: str | None = None
    relation: str | None = None  # equals | below | above
    threshold: Any = None


@dataclass(frozen=True)
class RelaxationRef:
    """The smallest change of one constraint that opens a deal on its own."""

    constraint: ConstraintRef
    opens: bool
    new_threshold: Any = None
    move: float | None = None
    reduction: float | None = None         # reservation: normalised utility given up
    opens_outcomes: int | None = None


@dataclass(frozen=True)
class Diagnosis:
    """Why a track cannot agree."""

    minimal_sets: tuple[tuple[ConstraintRef, ...], ...]
    searched_up_to: int
    complete: bool
    relaxations: tuple[RelaxationRef, ...]


@dataclass(frozen=True)
class TrackAgreement(Result):
    """The agreement space of one track."""

    track_id: str
    title: str
    deferred: bool
    participants: tuple[str, ...] = ()
    bargainers: tuple[str, ...] = ()
    rule: str = ""
    n_outcomes: int = 0
    frontier_method: str | None = None
    n_agreeable: int | None = None          # outcomes that pass the decision rule
    accepted_by: dict[str, int] | None = None
    n_improving: int | None = None
    n_indivisible: int | None = None
    can_agree: bool | None = None
    improves_on_status_quo: bool | None = None
    status_quo: dict[str, Any] = field(default_factory=dict)
    status_quo_utility: dict[str, float] = field(default_factory=dict)
    reservation: dict[str, float] = field(default_factory=dict)
    frontier: tuple[tuple[float, ...], ...] = ()   # bargainers' normalised utilities
    solutions: tuple[SolutionPoint, ...] = ()
    diagnosis: Diagnosis | None = None
    unavailable: tuple[str, ...] = ()

    @property
    def share_agreeable(self) -> float | None:
        return None if self.n_agreeable is None or not self.n_outcomes else self.n_agreeable / self.n_outcomes

    def solution(self, concept: str) -> SolutionPoint:
        return next(s for s in self.solutions if s.concept == concept)


@dataclass(frozen=True)
class AgreementSpaceResult(Result):
    scenario_id: str
    tracks: tuple[TrackAgreement, ...]

    def track(self, track_id: str) -> TrackAgreement:
        return next(t for t in self.tracks if t.track_id == track_id)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for t in self.tracks:
            row: dict[str, Any] = {
                "track": t.track_id, "deferred": t.deferred, "can_agree": t.can_agree,
                "improves_on_status_quo": t.improves_on_status_quo, "outcomes": t.n_outcomes,
                "agreeable": t.n_agreeable, "share_agreeable": t.share_agreeable,
                "indivisible": t.n_indivisible, "frontier_points": len(t.frontier),
            }
            for s in t.solutions:
                row[f"{s.concept}_indivisible"] = s.indivisible
            out.append(row)
        return out

    def solution_rows(self) -> list[dict[str, Any]]:
        """One row per track, solution and participant."""
        return [
            {"track": t.track_id, "solution": s.concept, "actor": a, "utility": s.utility[a],
             "gain": s.gain[a], **{f"issue:{k}": v for k, v in s.outcome.items()}}
            for t in self.tracks for s in t.solutions for a in s.utility
        ]
