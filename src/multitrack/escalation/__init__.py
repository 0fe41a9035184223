"""Escalation risk on a monthly rung ladder per theatre, and how confidence-building measures lower it.

Pure model code (no I/O): a birth-death Markov chain per theatre (Kahn 1965, *On Escalation*),
evaluated for arrays of parameter draws at once. See docs/escalation.md.
"""

from multitrack.escalation.model import (
    DEFAULT_RUNGS,
    Effect,
    Ladder,
    Measure,
    Theatre,
    batched_power,
    rates,
    reach_probabilities,
    transition_matrices,
)
from multitrack.escalation.risk import (
    BASELINE,
    COMBINED,
    PACKAGE,
    EscalationRisk,
    Summary,
    combine_theatres,
    escalation_risk,
    scenario_sets,
    summarize,
    uniform_draws,
)

__all__ = [
    "BASELINE", "COMBINED", "DEFAULT_RUNGS", "PACKAGE", "Effect", "EscalationRisk", "Ladder", "Measure",
    "Summary", "Theatre", "batched_power", "combine_theatres", "escalation_risk", "rates",
    "reach_probabilities", "scenario_sets", "summarize", "transition_matrices", "uniform_draws",
]

from multitrack.escalation import analysis as _analysis  # noqa: E402,F401  (registers the analysis)
