"""Track overview: the first look at each track of a settlement, and its verdict."""

from .result import IssueRoom, OverviewResult, TrackOverview
from .track_overview import describe_rule, track_overview
from .verdict import BLOCKED, CAN_AGREE, NOT_KNOWN, STATUS_QUO_ONLY, WORDS, Verdict, track_verdict

__all__ = ["BLOCKED", "CAN_AGREE", "NOT_KNOWN", "STATUS_QUO_ONLY", "WORDS", "IssueRoom", "OverviewResult",
           "TrackOverview", "Verdict", "describe_rule", "track_overview", "track_verdict"]
