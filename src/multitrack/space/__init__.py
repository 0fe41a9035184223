"""Agreement space per track: acceptable outcomes, Pareto frontier, bargaining solutions,
the indivisible-security test and what blocks a deal; exact at any size it can afford."""

from .agreement import AgreementConfig, agreement_space, analyze_track
from .counting import SpaceCounts, count_space
from .frontier import Frontier, FrontierTooLarge, agreement_frontier, enumerated_frontier, product_frontier
from .redlines import allowed_mask, breaks_red_lines
from .result import (
                     AgreementSpaceResult,
                     ConstraintRef,
                     Diagnosis,
                     RelaxationRef,
                     SolutionPoint,
                     TrackAgreement,
)
from .skyline import pareto_mask
from .solutions import CONCEPTS, choose, nash_product
from .track_space import TrackSpace, build_track_space
from .values import as_axis_value, issue_axis, issue_values, status_quo_value, value_text

__all__ = [
    "AgreementConfig", "AgreementSpaceResult", "CONCEPTS", "ConstraintRef", "Diagnosis", "Frontier",
    "FrontierTooLarge", "RelaxationRef", "SolutionPoint", "SpaceCounts", "TrackAgreement", "TrackSpace",
    "agreement_frontier", "agreement_space", "allowed_mask", "analyze_track", "as_axis_value",
    "breaks_red_lines", "build_track_space", "choose", "count_space", "enumerated_frontier",
    "issue_axis", "issue_values", "nash_product", "pareto_mask", "product_frontier", "status_quo_value",
    "value_text",
]
