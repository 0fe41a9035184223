"""multitrack: analyse negotiated security settlements with many parties and parallel tracks.

>>> import multitrack
>>> scenario = multitrack.load("border-talks")
>>> [a.id for a in scenario.actors]
['north', 'south']
>>> results = multitrack.analyze(scenario, draws=500, seed=1)
>>> results["overview"].track("border").verdict.word
'can agree'
"""

from __future__ import annotations

from ._version import __version__
from .analysis import AnalysisSpec, available, register, run_all
from .errors import MultitrackError, ScenarioError
from .scenario import Scenario, load, loads


def analyses() -> list[AnalysisSpec]:
    """Every analysis multitrack knows, discovered from its subpackages and plug-ins."""
    return available()


def analyze(scenario: Scenario | str, *, draws: int | None = None, seed: int | None = None,
            only: list[str] | None = None, options: dict | None = None, progress=None) -> dict:
    """Run every analysis (or those in ``only``) on a scenario or a built-in scenario's name, and
    return their results by name. Every analysis that samples reads the run's one set of draws:
    ``draws`` draws of every uncertain estimate from ``seed`` (defaults 1000 and 20240601), so
    that their per-draw results (``result.per_draw``) can be joined draw by draw. ``options``
    gives settings per analysis, e.g. ``{"agreement": {"grid_points": 21}}``."""
    model = load(scenario) if isinstance(scenario, str) else scenario
    return run_all(model, only=only, options=options, progress=progress, draws=draws, seed=seed)


__all__ = ["AnalysisSpec", "MultitrackError", "Scenario", "ScenarioError", "__version__", "analyses",
           "analyze", "available", "load", "loads", "register", "run_all"]
