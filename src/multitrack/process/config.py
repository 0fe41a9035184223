"""Settings of the process-design analysis."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProcessConfig(BaseModel):
    """How many draws, from which seed, in chunks of what size; the grid of continuous issues."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    draws: int = Field(1000, ge=10, le=100_000_000, description="Monte Carlo draws of the uncertain inputs.")
    seed: int = Field(20240601, ge=0, description="Root seed; the same seed gives the same results.")
    chunk_size: int = Field(1000, ge=10, le=1_000_000, description="Draws per task (fixed, so results "
                            "do not depend on the number of workers).")
    grid_points: int | None = Field(None, ge=2, le=1000, description="Grid for continuous issues "
                                    "(default: the scenario's).")
    milp_time_limit: float = Field(60.0, gt=0, description="Seconds per package optimisation.")
    top_drivers: int = Field(8, ge=1, le=100, description="Inputs shown per tornado chart.")
