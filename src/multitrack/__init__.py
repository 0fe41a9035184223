"""multitrack: analyse negotiated security settlements with many parties and parallel tracks.

>>> import multitrack
>>> scenario = multitrack.load("border-talks")
>>> [a.id for a in scenario.actors]
['north', 'south']
>>> results = multitrack.analyze(scenario)
>>> results["overview"].track("border").verdict
"open: 78 of 204 outcomes (38%) break no veto player's red line"
"""

from __future__ import annotations

from .analysis import AnalysisSpec, available, register, run_all
from .errors import MultitrackError, ScenarioError
from .scenario import Scenario, load, loads

__version__ = "0.1.0"


def analyses() -> list[AnalysisSpec]:
    """Every analysis multitrack knows, discovered from its subpackages and plug-ins."""
    return available()


def analyze(scenario: Scenario, *, only: list[str] | None = None, options: dict | None = None,
            progress=None) -> dict:
    """Run every analysis (or those in ``only``) and return their results by name; ``options``
    gives settings per analysis, e.g. ``{"agreement": {"grid_points": 21}}``."""
    return run_all(scenario, only=only, options=options, progress=progress)


__all__ = ["AnalysisSpec", "MultitrackError", "Scenario", "ScenarioError", "__version__", "analyses",
           "analyze", "available", "load", "loads", "register", "run_all"]
