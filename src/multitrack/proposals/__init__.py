"""Proposals (issue 18): evaluate a proposed package against the run's one preference model --
who accepts it, over the draws, and why not; what it does to the analyses that read its tracks;
the nearest outcomes that pass. Sits beside the analyses: reads ``settlement`` and may call the
deterrence and escalation analyses; nothing lower imports it."""

from .evaluate import evaluate_proposals
from .model import Proposal, load_proposals, proposals_from_text
from .result import EvaluationResult, PartyVerdict, ProposalResult, Reason, TrackVerdict

__all__ = ["EvaluationResult", "PartyVerdict", "Proposal", "ProposalResult", "Reason", "TrackVerdict",
           "evaluate_proposals", "load_proposals", "proposals_from_text"]
