"""Criteria for a legitimate act of self-determination and a table of past cases against them.

Criteria from Menon and Graham (2022), restated in our own words; cases in ``cases.yaml`` with a
source for every fact. See docs/self-determination.md.
"""

from multitrack.selfdetermination.api import criteria_table
from multitrack.selfdetermination.assess import assess, criteria_met
from multitrack.selfdetermination.criteria import BUILTIN_CRITERIA, BUILTIN_IDS, merge_criteria
from multitrack.selfdetermination.errors import SelfDeterminationError
from multitrack.selfdetermination.load import CASES_FILE, load_cases, parse_cases
from multitrack.selfdetermination.model import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    PARTLY,
    STATUSES,
    UNKNOWN,
    Assessment,
    AssessmentRow,
    Case,
    Criterion,
    Fact,
    Finding,
    Source,
)

__all__ = [
    "BUILTIN_CRITERIA", "BUILTIN_IDS", "CASES_FILE", "MET", "NOT_APPLICABLE", "NOT_MET", "PARTLY",
    "STATUSES", "UNKNOWN", "Assessment", "AssessmentRow", "Case", "Criterion", "Fact", "Finding",
    "SelfDeterminationError", "Source", "assess", "criteria_met", "criteria_table", "load_cases",
    "merge_criteria", "parse_cases",
]

from multitrack.selfdetermination import analysis as _analysis  # noqa: E402,F401  (registers the analysis)
