"""Process design under uncertainty: parallel tracks, linked tracks, a sequence and one package,
and alternative forums, compared on the same Monte Carlo draws of the scenario's estimates."""

from .analysis import compare_designs, fingerprint
from .batch_space import BatchSpace, DrawValues, build_batch_space
from .chunk import ProcessPlan, evaluate_chunk
from .config import ProcessConfig
from .inputs import UncertainInput, uncertain_inputs
from .kernel import TrackDraws, solve_batch
from .package import package_space, solve_package
from .result import DesignComparison, DesignResult, ForumComparison, ForumResult, ProcessResult
from .sensitivity import Driver, drivers, rank_correlations
from .stats import Estimate95, mean, proportion

__all__ = [
    "BatchSpace", "DesignComparison", "DesignResult", "Driver", "DrawValues", "Estimate95", "ForumComparison",
    "ForumResult", "ProcessConfig", "ProcessPlan", "ProcessResult", "TrackDraws", "UncertainInput",
    "build_batch_space", "compare_designs", "drivers", "evaluate_chunk", "fingerprint", "mean",
    "package_space", "proportion", "rank_correlations", "solve_batch", "solve_package", "uncertain_inputs",
]
