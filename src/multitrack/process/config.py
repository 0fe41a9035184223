"""Settings of the process-design analysis (its draws and seed are the run's)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProcessConfig(BaseModel):
    """The grid of continuous issues, the package solver's time limit and the tornado charts' size."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    grid_points: int | None = Field(None, ge=2, le=1000, description="Grid for continuous issues "
                                    "(default: the scenario's).")
    milp_time_limit: float = Field(60.0, gt=0, description="Seconds per package optimisation.")
    top_drivers: int = Field(8, ge=1, le=100, description="Inputs shown per tornado chart.")
