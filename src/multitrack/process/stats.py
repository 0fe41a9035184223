"""Estimates with 95% intervals from Monte Carlo draws (kept in multitrack.montecarlo.stats)."""

from ..montecarlo.stats import Z95, Estimate95, mean, proportion

__all__ = ["Z95", "Estimate95", "mean", "proportion"]
