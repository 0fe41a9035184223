"""Simulated negotiations between automated agents on a track's agreement space.

Protocols: alternating offers (two parties) and the stacked alternating offers protocol
(more), with a deadline in rounds and the track's decision rule (:func:`negotiate`,
:func:`negotiate_many`); a mediator's single negotiating text (:func:`mediate`). Strategies:
time-dependent concession (Boulware, linear, conceder), tit-for-tat (relative, absolute),
aspiration with an opponent model, hard-liner and random (:class:`Strategy`). Discount factors
act as in Genius. Tournaments over strategy assignments and Monte Carlo draws of the uncertain
inputs, with the spread over the draws (:func:`run_tournament`). Domains come from a track's
space, a Genius domain or utility arrays (:class:`NegotiationDomain`). Pure numpy and numba; no I/O.
"""

from .domain import NASH_CONVENTION, NegotiationDomain, Reference
from .mediator import MediatorConfig, mediate
from .protocol import (
                       NegotiationResult,
                       Offer,
                       ProtocolConfig,
                       discounted,
                       measure,
                       negotiate,
                       negotiate_many,
                       rule_text,
)
from .strategies import DEFAULT_STRATEGIES, Strategy
from .tournament import (
                       AssignmentSummary,
                       Spread,
                       StrategySummary,
                       TournamentConfig,
                       TournamentResult,
                       assignments_of,
                       run_tournament,
)

__all__ = [
    "AssignmentSummary", "DEFAULT_STRATEGIES", "MediatorConfig", "NASH_CONVENTION", "NegotiationDomain",
    "NegotiationResult", "Offer", "ProtocolConfig", "Reference", "Spread", "Strategy", "StrategySummary",
    "TournamentConfig", "TournamentResult", "assignments_of", "discounted", "mediate", "measure", "negotiate",
    "negotiate_many", "rule_text", "run_tournament",
]

from . import analysis as _analysis  # noqa: E402,F401  (registers the analysis)
