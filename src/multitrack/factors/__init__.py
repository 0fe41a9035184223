"""Common factors of a scenario: which estimates each one moves, and how the headline numbers of
the run's sampling analyses move with it, draw by draw."""

from .analysis import (
    FactorEffect,
    FactorEstimate,
    FactorsResult,
    HeadlineEffect,
    factor_analysis,
    factor_loadings,
)

__all__ = ["FactorEffect", "FactorEstimate", "FactorsResult", "HeadlineEffect", "factor_analysis",
           "factor_loadings"]
