"""Result records of the agreement-space analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results import LinkEffect, Result, by_id, plain

#: What gains and the indivisible-security test are measured from: the status quo on a track that
#: has one and states no no-deal values, else the disagreement point (each party's stated no-deal
#: value, else its status quo or, without one, its reservation value).
STATUS_QUO, DISAGREEMENT_POINT = "status quo", "disagreement point"


@dataclass(frozen=True)
class SolutionPoint(Result):
    """A bargaining solution: the outcome in the issues' own terms, and what it gives each
    participant (utilities normalised to [0, 1] over the track's space, and raw, on the scale
    the scenario or imported file states them)."""

    concept: str
    outcome: dict[str, Any]
    utility: dict[str, float]
    gain: dict[str, float]                 # over the baseline (status quo or disagreement point), 0-1 scale
    below_baseline: tuple[str, ...]        # participants it leaves worse off than no deal
    raw_utility: dict[str, float] = field(default_factory=dict)

    @property
    def indivisible(self) -> bool:
        """Passes the indivisible-security test: nobody's security bought at another's expense."""
        return not self.below_baseline

    @property
    def below_status_quo(self) -> tuple[str, ...]:
        """Same as ``below_baseline`` (the name from before tracks could lack a status quo)."""
        return self.below_baseline


@dataclass(frozen=True)
class ConstraintRef(Result):
    """A veto player's red line or reservation value, in the scenario's terms."""

    actor: str
    kind: str                    # red_line | reservation
    issue: str | None = None
    relation: str | None = None  # equals | below | above
    threshold: Any = None
    condition: str | None = None  # a conditional red line: when it applies ("while door is open")


@dataclass(frozen=True)
class OpenedOutcome(Result):
    """An outcome a relaxation opens, in the issues' own terms, with each participant's gain over
    its disagreement point (0-1 scale; negative: worse than no deal)."""

    outcome: dict[str, Any]
    gain: dict[str, float]

    @property
    def gainers(self) -> tuple[str, ...]:
        return tuple(a for a, g in self.gain.items() if g > 1e-9)

    @property
    def losers(self) -> tuple[str, ...]:
        return tuple(a for a, g in self.gain.items() if g < -1e-9)


@dataclass(frozen=True)
class RelaxationRef(Result):
    """The smallest change of one constraint that opens a deal on its own: how many deals it
    opens (outcomes other than the status quo that someone prefers to no deal) and the
    Pareto-optimal ones among them, best first."""

    constraint: ConstraintRef
    opens: bool
    new_threshold: Any = None
    move: float | None = None
    reduction: float | None = None         # reservation: normalised utility given up
    opens_outcomes: int | None = None      # deals that then pass (None: space too large to count)
    opened: tuple[OpenedOutcome, ...] = ()


@dataclass(frozen=True)
class Opening(Result):
    """What giving up a minimal set of constraints opens: the number of deals and the
    Pareto-optimal ones, best first."""

    n_outcomes: int | None
    outcomes: tuple[OpenedOutcome, ...] = ()


@dataclass(frozen=True)
class Diagnosis(Result):
    """Why a track has no deal: minimal sets of constraints whose removal opens one (with what
    each opens), and the smallest single relaxations."""

    minimal_sets: tuple[tuple[ConstraintRef, ...], ...]
    searched_up_to: int
    complete: bool
    relaxations: tuple[RelaxationRef, ...]
    openings: tuple[Opening, ...] = ()     # per minimal set, in the same order


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
    n_indivisible: int | None = None        # ... that leave no participant below its baseline
    can_agree: bool | None = None
    improves: bool | None = None            # some passing outcome gives a bargainer more than its reservation
    baseline: str = STATUS_QUO              # what no deal means: the status quo, or the disagreement point
    with_status_quo: bool = True            # the track states a status quo
    status_quo: dict[str, Any] = field(default_factory=dict)        # empty without a status quo
    status_quo_utility: dict[str, float] = field(default_factory=dict)
    reservation: dict[str, float] = field(default_factory=dict)     # the least each accepts, 0-1 scale
    reservation_raw: dict[str, float] = field(default_factory=dict)
    disagreement: dict[str, float] = field(default_factory=dict)    # what no deal leaves each, 0-1 scale
    disagreement_raw: dict[str, float] = field(default_factory=dict)
    no_deal_stated: tuple[str, ...] = ()    # participants whose disagreement point is a stated no-deal value
    frontier: tuple[tuple[float, ...], ...] = ()   # bargainers' normalised utilities
    frontier_raw: tuple[tuple[float, ...], ...] = ()  # the same points in raw utilities
    frontier_outcomes: tuple[dict[str, Any], ...] = ()  # the same points in the issues' own terms
    solutions: tuple[SolutionPoint, ...] = ()
    diagnosis: Diagnosis | None = None
    unavailable: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    links: tuple[LinkEffect, ...] = ()      # what the track's conditional red lines changed

    @property
    def has_status_quo(self) -> bool:
        return self.with_status_quo

    @property
    def gains_over_status_quo(self) -> bool:
        """Whether gains and the indivisible-security test are measured from the status quo (a
        track with a status quo and no stated no-deal value)."""
        return self.baseline == STATUS_QUO

    @property
    def improves_on_status_quo(self) -> bool | None:
        """Same as ``improves`` (the name from before tracks could lack a status quo)."""
        return self.improves

    @property
    def share_agreeable(self) -> float | None:
        return None if self.n_agreeable is None or not self.n_outcomes else self.n_agreeable / self.n_outcomes

    def solution(self, concept: str) -> SolutionPoint:
        return by_id(self.solutions, concept, lambda s: s.concept, "solution")

    @property
    def deal(self) -> SolutionPoint | None:
        """The compromise summaries name as the track's deal: the Nash solution, else the first
        solution computed; None where no deal is worth making (blocked, nothing improves on no
        deal, deferred, or too large to tell)."""
        if self.deferred or not self.can_agree or not self.improves or not self.solutions:
            return None
        return next((s for s in self.solutions if s.concept == "nash"), self.solutions[0])

    @property
    def blockers(self) -> tuple[str, ...]:
        """The parties whose red lines or reservation values make up the minimal sets that block
        every deal, in the order the diagnosis first names them (empty without a diagnosis)."""
        sets = self.diagnosis.minimal_sets if self.diagnosis is not None else ()
        return tuple(dict.fromkeys(c.actor for s in sets for c in s))

    def to_dict(self) -> dict[str, Any]:
        """Plain data in which every word for what no deal means is the track's own: a track
        without a status quo says "disagreement point" and nothing about a status quo; a track
        whose no-deal values are stated measures from the disagreement point."""
        return _named(plain(self), self.gains_over_status_quo, self.has_status_quo)


@dataclass(frozen=True)
class AgreementSpaceResult(Result):
    scenario_id: str
    tracks: tuple[TrackAgreement, ...]

    @property
    def links(self) -> tuple[LinkEffect, ...]:
        """What every track's conditional red lines changed, one sentence each."""
        return tuple(link for t in self.tracks for link in t.links)

    def track(self, track_id: str) -> TrackAgreement:
        return by_id(self.tracks, track_id, lambda t: t.track_id, "track")

    @property
    def summary(self) -> str:
        """In one line: on how many tracks a compromise exists, and where it leaves a party worse
        off than no deal (the indivisible-security test)."""
        deals = {t.track_id: t.deal for t in self.tracks if t.deal is not None}
        text = f"a deal on {len(deals)} of {len(self.tracks)} tracks"
        divisible = [k for k, s in deals.items() if not s.indivisible]
        return text + (f"; below no deal for a party on: {', '.join(divisible)}" if divisible else "")

    def to_dict(self) -> dict[str, Any]:
        return {"scenario_id": self.scenario_id, "tracks": [t.to_dict() for t in self.tracks],
                "links": [plain(link) for link in self.links]}

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for t in self.tracks:
            row: dict[str, Any] = {
                "track": t.track_id, "deferred": t.deferred, "can_agree": t.can_agree,
                "improves": t.improves, "outcomes": t.n_outcomes,
                "agreeable": t.n_agreeable, "share_agreeable": t.share_agreeable,
                "indivisible": t.n_indivisible, "frontier_points": len(t.frontier),
            }
            for s in t.solutions:
                row[f"{s.concept}_indivisible"] = s.indivisible
            out.append(_named(row, t.gains_over_status_quo, t.has_status_quo))
        return out

    def solution_rows(self) -> list[dict[str, Any]]:
        """One row per track, solution and participant (utilities 0-1 and raw)."""
        return [
            {"track": t.track_id, "solution": s.concept, "actor": a, "utility": s.utility[a],
             "raw_utility": s.raw_utility.get(a), "gain": s.gain[a], "gain_over": t.baseline,
             **{f"issue:{k}": v for k, v in s.outcome.items()}}
            for t in self.tracks for s in t.solutions for a in s.utility
        ]


#: Field names as plain data writes them, by whether the track has a status quo.
_WITH_STATUS_QUO = {"improves": "improves_on_status_quo", "below_baseline": "below_status_quo"}
_WITHOUT = {"improves": "improves_on_disagreement_point", "below_baseline": "below_disagreement_point"}


def _named(data: Any, over_status_quo: bool, has_status_quo: bool) -> Any:
    """``data`` with the baseline's own words in its keys; without a status quo, no key speaks of one."""
    if isinstance(data, list):
        return [_named(v, over_status_quo, has_status_quo) for v in data]
    if not isinstance(data, dict):
        return data
    names = _WITH_STATUS_QUO if over_status_quo else _WITHOUT
    out = {}
    for key, value in data.items():
        if not has_status_quo and key in ("status_quo", "status_quo_utility", "with_status_quo"):
            continue
        out[names.get(key, key)] = _named(value, over_status_quo, has_status_quo)
    return out
