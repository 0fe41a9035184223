"""The uncertain inputs of a scenario as the process analysis reads them: the run's draws
(:mod:`multitrack.settlement.draws`) list every estimate of the scenario; the names here stay
for callers of the process package."""

from __future__ import annotations

from ..settlement.draws import UncertainInput, uncertain_inputs

__all__ = ["UncertainInput", "uncertain_inputs"]
