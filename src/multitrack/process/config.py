"""Settings of the process-design analysis (its draws and seed are the run's)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProcessConfig(BaseModel):
    """The grid of continuous issues, the package solver's time limit, the tornado charts' size, and the
    pilot that finds the best partial package and the easy-first order."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    grid_points: int | None = Field(None, ge=2, le=1000, description="Grid for continuous issues "
                                    "(default: the scenario's).")
    milp_time_limit: float = Field(60.0, gt=0, description="Seconds per package optimisation.")
    top_drivers: int = Field(8, ge=1, le=100, description="Inputs shown per tornado chart.")
    pilot_draws: int = Field(200, ge=1, le=100_000, description="The run's first draws on which the "
                             "easy-first order is found.")
    search_draws: int = Field(20, ge=1, le=100_000, description="The run's first draws on which every "
                              "package is tried (each may need a mixed-integer program per draw).")
    search_tracks: int = Field(10, ge=2, le=12, description="Tracks up to which every package of two "
                               "tracks or more is tried (2^tracks subsets); above, only the declared ones.")
