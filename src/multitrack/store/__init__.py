"""The run registry: every analysis run recorded (scenario, parameters, results) in a database.

>>> from multitrack.store import RunRegistry
>>> registry = RunRegistry("sqlite://")   # in memory; the default is a file in the user data folder
>>> registry.list()
[]
"""

from .connection import Timeouts
from .diff import Change, ResultMove, RunDiff
from .records import RunRecord, RunSummary, StoreError
from .registry import RunRegistry, default_url, normalize_url, scenario_hash

__all__ = ["Change", "ResultMove", "RunDiff", "RunRecord", "RunRegistry", "RunSummary", "StoreError",
           "Timeouts", "default_url", "normalize_url", "scenario_hash"]
