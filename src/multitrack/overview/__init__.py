"""Track overview: the first look at each track of a settlement."""

from .result import IssueRoom, OverviewResult, TrackOverview
from .track_overview import describe_rule, track_overview

__all__ = ["IssueRoom", "OverviewResult", "TrackOverview", "describe_rule", "track_overview"]
