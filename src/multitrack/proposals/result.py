"""What evaluating proposals gives: small frozen results, each with ``to_dict()`` for JSON."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import Result, by_id


@dataclass(frozen=True)
class Reason(Result):
    """Why a party rejects (or a rule blocks) the proposal, and in what share of all draws.

    ``kind``: ``red-line`` (whose line, on which issue, at which threshold), ``reservation``
    (worth less than the party's reservation value: ``shortfall`` is the mean gap over those draws
    on the party's 0-1 scale of the track), ``veto`` (a veto player rejects) or ``rule`` (too few
    participants or too little weight accept). Reasons overlap: one draw can count under several."""

    kind: str
    party: str | None
    issue: str | None
    detail: str
    share: float
    shortfall: float | None = None


@dataclass(frozen=True)
class PartyVerdict(Result):
    party: str
    veto: bool
    accepts: float                # share of draws in which it accepts the track's outcome
    reasons: tuple[Reason, ...]   # why not, the most frequent first


@dataclass(frozen=True)
class NearOutcome(Result):
    """An outcome of the track that passes more often, and what it changes from the proposal."""

    outcome: dict                 # issue id -> value as written
    changes: dict                 # issue id -> [proposed, changed to]
    passes: float                 # share of draws in which the track's rule carries it
    issues_changed: int
    distance: float               # sum over changed issues of the step on each issue's 0-1 scale


@dataclass(frozen=True)
class TrackVerdict(Result):
    track: str
    outcome: dict                 # issue id -> value (the open issues at their chosen completion)
    open_issues: tuple[str, ...]  # issues the proposal leaves open
    passes: float                 # share of draws in which the decision rule carries the outcome
    parties: tuple[PartyVerdict, ...]
    blocked_by: tuple[Reason, ...]  # the rule's side: vetoes used, votes short
    nearest: tuple[NearOutcome, ...] = ()
    note: str | None = None

    def party(self, name: str) -> PartyVerdict:
        return by_id(self.parties, name, lambda p: p.party, "party")


@dataclass(frozen=True)
class Effect(Result):
    """A headline of an analysis that reads a touched track, with the proposal as the agreed
    outcome (in the draws where it passes; no deal elsewhere), beside a baseline (deterrence: the
    no-deal terms in every draw; escalation: no measures)."""

    analysis: str
    target: str
    headline: str
    with_proposal: float
    baseline: float | None = None
    baseline_label: str = ""


@dataclass(frozen=True)
class ProposalResult(Result):
    id: str
    title: str
    rank: int
    joint: float                  # share of draws in which every touched track passes
    mean_acceptance: float        # mean over the touched tracks' parties of their acceptance shares
    tracks: tuple[TrackVerdict, ...]
    effects: tuple[Effect, ...] = ()
    notes: tuple[str, ...] = ()

    def track(self, track_id: str) -> TrackVerdict:
        return by_id(self.tracks, track_id, lambda t: t.track, "track")


@dataclass(frozen=True)
class EvaluationResult(Result):
    scenario: str
    draws: int
    seed: int
    proposals: tuple[ProposalResult, ...]   # ranked, best first
    ranking: str
    notes: tuple[str, ...] = ()

    def proposal(self, pid: str) -> ProposalResult:
        return by_id(self.proposals, pid, lambda p: p.id, "proposal")

    def rows(self) -> list[dict]:
        return [{"rank": p.rank, "proposal": p.id, "track": t.track, "party": v.party, "accepts": v.accepts}
                for p in self.proposals for t in p.tracks for v in t.parties]
