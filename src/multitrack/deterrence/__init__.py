"""Security guarantees and deterrence: a crisis game with incomplete information.

A challenger decides to attack knowing only how likely each guarantor is to respond; each
guarantor, after an attack, responds or not by its own type. Tripwires, nuclear umbrellas,
ambiguous defence clauses and patrons change the payoffs. Closed-form perfect Bayesian
equilibria, vectorised over parameter draws, and a general solver to check them.

References: Zagare & Kilgour (2000), *Perfect Deterrence*, Cambridge UP; Fearon (1997),
Signaling foreign policy interests, *Journal of Conflict Resolution* 41(1); Schelling (1966),
*Arms and Influence*, Yale UP.
"""

from multitrack.deterrence.challenger import FAILURE_LABELS, deterred, expected_cost, failure_mode
from multitrack.deterrence.curves import DeterrenceCurve, deterrence_curve
from multitrack.deterrence.finite import FiniteCrisis, to_finite
from multitrack.deterrence.front import Deterrence
from multitrack.deterrence.general import (
    PureEquilibrium,
    bayes_nash,
    bayesian_normal_form,
    pure_pbe,
    sequentially_rational,
)
from multitrack.deterrence.kinds import defence_clause, nuclear_umbrella, patron, tripwire_force, with_terms
from multitrack.deterrence.model import (
    GAME_PARAMETERS,
    GUARANTEE_PARAMETERS,
    CrisisGame,
    Guarantee,
    guarantee_parameters,
)
from multitrack.deterrence.outcome import DeterrenceOutcome
from multitrack.deterrence.params import GameArrays, game_arrays
from multitrack.deterrence.responses import (
    TYPES,
    capability,
    response_probability,
    response_thresholds,
    type_priors,
    type_response,
)
from multitrack.deterrence.solve import solve, solve_arrays

__all__ = [
    "FAILURE_LABELS",
    "GAME_PARAMETERS",
    "GUARANTEE_PARAMETERS",
    "TYPES",
    "CrisisGame",
    "Deterrence",
    "DeterrenceCurve",
    "DeterrenceOutcome",
    "FiniteCrisis",
    "GameArrays",
    "Guarantee",
    "PureEquilibrium",
    "bayes_nash",
    "bayesian_normal_form",
    "capability",
    "defence_clause",
    "deterred",
    "deterrence_curve",
    "expected_cost",
    "failure_mode",
    "game_arrays",
    "guarantee_parameters",
    "nuclear_umbrella",
    "patron",
    "pure_pbe",
    "response_probability",
    "response_thresholds",
    "sequentially_rational",
    "solve",
    "solve_arrays",
    "to_finite",
    "tripwire_force",
    "type_priors",
    "type_response",
    "with_terms",
]

from multitrack.deterrence import analysis as _analysis  # noqa: E402,F401  (registers the analysis)
