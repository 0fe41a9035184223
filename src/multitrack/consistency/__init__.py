"""The consistency check: where the analyses of one run contradict each other or the scenario.

It runs after every other analysis and reads their results: forecasts that land beyond a veto
player's red line, deterrence computed for terms no agreement places in that draw, measures
counted in draws where their track failed, and an actor whose red lines on one dispute differ
across tracks. It also collects what every link between analyses changed (docs/consistency.md).
"""

from . import analysis as _analysis  # noqa: F401  (registers the analysis)
from .result import ConsistencyResult, ConsistencyWarning

__all__ = ["ConsistencyResult", "ConsistencyWarning"]
