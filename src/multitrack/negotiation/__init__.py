"""Simulated negotiations between automated agents on a track's agreement space.

Protocols: alternating offers (two parties) and the stacked alternating offers protocol
(more), with a deadline in rounds (:func:`negotiate`, :func:`negotiate_many`); a mediator's
single negotiating text (:func:`mediate`). Strategies: time-dependent concession (Boulware,
linear, conceder), tit-for-tat (relative, absolute), aspiration with an opponent model,
hard-liner and random (:class:`Strategy`). Tournaments over strategy assignments and Monte
Carlo draws with 95% intervals (:func:`run_tournament`). Domains come from a track's space, a
Genius domain or utility arrays (:class:`NegotiationDomain`). Pure numpy and numba; no I/O.
"""

from .domain import NegotiationDomain, Reference
from .mediator import MediatorConfig, mediate
from .protocol import NegotiationResult, Offer, ProtocolConfig, measure, negotiate, negotiate_many
from .strategies import DEFAULT_STRATEGIES, Strategy
from .tournament import (AssignmentSummary, StrategySummary, TournamentConfig, TournamentResult,
                         assignments_of, run_tournament)

__all__ = [
    "AssignmentSummary", "DEFAULT_STRATEGIES", "MediatorConfig", "NegotiationDomain", "NegotiationResult",
    "Offer", "ProtocolConfig", "Reference", "Strategy", "StrategySummary", "TournamentConfig",
    "TournamentResult", "assignments_of", "mediate", "measure", "negotiate", "negotiate_many",
    "run_tournament",
]

from . import analysis as _analysis  # noqa: E402,F401  (registers the analysis)
