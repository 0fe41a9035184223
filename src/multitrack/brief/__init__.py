"""The one-page brief: a scenario's results in plain language, written by templates from the
results of the analyses (issue 18, item 4). No renderer lives here: the report and the command
line print a :class:`Brief`."""

from .result import Brief, BriefLine
from .sections import brief_run, build_brief

__all__ = ["Brief", "BriefLine", "brief_run", "build_brief"]
