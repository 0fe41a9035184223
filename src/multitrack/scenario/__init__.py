"""Scenario files: the schema, the safe YAML loader with located errors, and the built-ins."""

from . import builtins
from .actors import Actor, ActorKind
from .conflicts import Conflict, ConflictDecisionMaker, ConflictOption, ConflictPreferences
from .estimates import DISTRIBUTIONS, Choice, EstimateModel, Fixed, Normal, Pert, Triangular, Uniform
from .issues import (
    CategoricalIssue,
    ContinuousIssue,
    IntegerIssue,
    IssueModel,
    NumericIssue,
    OptionIssue,
    OrdinalIssue,
)
from .load import check, load, loads
from .model import Scenario, Settings
from .positions import Loss, Monotone, Position
from .positions import RedLineModel as RedLine
from .process import Link, Process
from .provenance import citations, is_estimated, source_of
from .sources import Source, SourceReference
from .tracks import Forum, MemberGroup, Qualified, Track, Unanimity, Weighted
from .warnings import scenario_warnings

__all__ = [
    "Actor", "ActorKind", "CategoricalIssue", "Conflict", "ConflictDecisionMaker", "ConflictOption",
    "ConflictPreferences", "Choice", "ContinuousIssue", "DISTRIBUTIONS", "EstimateModel",
    "Fixed", "Forum", "IntegerIssue", "IssueModel", "Link", "Loss", "MemberGroup", "Monotone", "Normal",
    "NumericIssue", "OptionIssue", "OrdinalIssue", "Pert", "Position", "Process", "Qualified", "RedLine",
    "Scenario", "Settings", "Source", "SourceReference", "Track", "Triangular", "Unanimity", "Uniform",
    "Weighted", "builtins", "check", "citations", "is_estimated", "load", "source_of", "loads",
    "scenario_warnings",
]
