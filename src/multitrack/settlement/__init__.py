"""The settlement layer: the model every analysis reads, between the validated scenario and the
analyses -- the run's one set of draws, each track's preference model and disagreement points.

Imports only ``scenario``, ``errors``, ``progress`` and ``montecarlo`` (never an analysis)."""

from .draws import (
           DEFAULT_DRAWS,
           DEFAULT_SEED,
           MAX_DRAWS,
           DrawValues,
           RunDraws,
           UncertainInput,
           member_blocks,
           uncertain_inputs,
)
from .model import Settlement, settlement_of

__all__ = ["DEFAULT_DRAWS", "DEFAULT_SEED", "MAX_DRAWS", "DrawValues", "RunDraws", "Settlement",
           "UncertainInput", "member_blocks", "settlement_of", "uncertain_inputs"]
