"""Compare two runs by their headline findings: each track's verdict and deal, the process
designs, deterrence, escalation, forecasts and hinges, side by side, with changes inside the
Monte Carlo noise suppressed and one sentence per real change, the biggest first.

Reads results only (a run's ``to_dict()`` documents or a recorded run's JSON); nothing below
the report layer imports it."""

from .changes import Change, compare_findings
from .findings import Finding, extract, extract_results
from .result import CompareResult, compare_documents

__all__ = ["Change", "CompareResult", "Finding", "compare_documents", "compare_findings", "extract",
           "extract_results"]
