"""multitrack: analyse negotiated security settlements with many parties and parallel tracks.

>>> import multitrack
>>> scenario = multitrack.load("border-talks")
>>> [a.id for a in scenario.actors]
['north', 'south']
>>> results = multitrack.analyze(scenario, draws=500, seed=1)
>>> results["overview"].track("border").verdict.word
'can agree'

The public names are loaded on first use (PEP 562), so that ``import multitrack`` and the
command line's start-up do not pay for the analyses (numba, scipy) before they are needed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import MultitrackError, ScenarioError

if TYPE_CHECKING:  # the names as type checkers see them; at run time they load lazily
    from .analysis import AnalysisSpec, available, register, run_all
    from .scenario import Scenario, load, loads

#: Public names loaded on first use, by the module that defines them.
_LAZY = {"AnalysisSpec": ".analysis", "available": ".analysis", "register": ".analysis",
         "run_all": ".analysis", "Scenario": ".scenario", "load": ".scenario", "loads": ".scenario"}


def __getattr__(name: str) -> Any:
    """A public name's value, imported the first time it is asked for (then kept as a global)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def analyses() -> list[AnalysisSpec]:
    """Every analysis multitrack knows, discovered from its subpackages and plug-ins."""
    from .analysis import available

    return available()


def analyze(scenario: Scenario | str, *, draws: int | None = None, seed: int | None = None,
            only: list[str] | None = None, options: dict | None = None, progress=None) -> dict:
    """Run every analysis (or those in ``only``) on a scenario or a built-in scenario's name, and
    return their results by name. Every analysis that samples reads the run's one set of draws:
    ``draws`` draws of every uncertain estimate from ``seed`` (defaults 1000 and 20240601), so
    that their per-draw results (``result.per_draw``) can be joined draw by draw. ``options``
    gives settings per analysis, e.g. ``{"agreement": {"grid_points": 21}}``."""
    from .analysis import run_all
    from .scenario import load

    model = load(scenario) if isinstance(scenario, str) else scenario
    return run_all(model, only=only, options=options, progress=progress, draws=draws, seed=seed)


__all__ = ["AnalysisSpec", "MultitrackError", "Scenario", "ScenarioError", "__version__", "analyses",
           "analyze", "available", "load", "loads", "register", "run_all"]
