"""Graph Model for Conflict Resolution (GMCR): conflicts in option form and their stability.

References: Fang, Hipel & Kilgour (1993), *Interactive Decision Making: The Graph Model
for Conflict Resolution*, Wiley; Xu, Hipel & Kilgour (2009), matrix representation of
solution concepts in multiple-decision-maker graph models, IEEE SMC-A 39(1).
"""

from multitrack.scenario.option_form import (
    AtLeastOne,
    Conflict,
    ConflictModel,
    ConflictSizeError,
    DecisionMaker,
    Infeasible,
    Irreversible,
    LabelPayoffs,
    MutuallyExclusive,
    OptionPrioritization,
    Payoffs,
    Requires,
    StateRanking,
    parse_statement,
)
from multitrack.stability.concepts import (
    CONCEPTS,
    Stability,
    analyse,
    coalition_reach,
    min_over_reach,
)
from multitrack.stability.graph import move_graphs, unilateral_improvements, unilateral_moves
from multitrack.stability.statusquo import (
    StatusQuo,
    Step,
    coalition_can_improve,
    coalition_improvements,
    status_quo_analysis,
)

__all__ = [
    "CONCEPTS",
    "AtLeastOne",
    "Conflict",
    "ConflictModel",
    "ConflictSizeError",
    "DecisionMaker",
    "Infeasible",
    "Irreversible",
    "LabelPayoffs",
    "MutuallyExclusive",
    "OptionPrioritization",
    "Payoffs",
    "Requires",
    "Stability",
    "StateRanking",
    "StatusQuo",
    "Step",
    "analyse",
    "coalition_can_improve",
    "coalition_improvements",
    "coalition_reach",
    "min_over_reach",
    "move_graphs",
    "parse_statement",
    "status_quo_analysis",
    "unilateral_improvements",
    "unilateral_moves",
]
from multitrack.stability import analysis as _analysis  # noqa: F401  (registers the analysis)
from multitrack.stability.coalitions import CoalitionStability, coalition_analysis
from multitrack.stability.gmcr_plus import gmcr_state, read_gmcr_plus, write_gmcr_plus
from multitrack.stability.inverse import PreferenceChange, what_it_takes

__all__ += ["CoalitionStability", "PreferenceChange", "coalition_analysis", "gmcr_state", "read_gmcr_plus",
            "what_it_takes", "write_gmcr_plus"]
