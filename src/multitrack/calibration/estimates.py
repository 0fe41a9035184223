"""Base rates of escalation in the MID and ICB data, each with an interval.

MID: Palmer et al. (2022) and Gibler, Miller & Little (2016); ICB: Brecher & Wilkenfeld (2000).
Shares use Wilson intervals, differences Newcombe's; mean durations a seeded bootstrap.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from multitrack.calibration.intervals import bootstrap, newcombe, wilson
from multitrack.calibration.readers import DAYS_PER_MONTH, HOSTILITY


@dataclass(frozen=True)
class Estimate:
    """One estimate with its interval, the counts behind it (k of n) and where it comes from."""

    name: str
    value: float
    low: float
    high: float
    n: int
    source: str
    note: str = ""
    k: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def share(name: str, flags: pd.Series, source: str, note: str = "", level: float = 0.9) -> Estimate:
    """Share of 1s among non-missing 0/1 flags, with a Wilson interval."""
    x = flags.dropna()
    k, n = int(x.sum()), int(x.size)
    p, lo, hi = wilson(k, n, level)
    return Estimate(name, p, lo, hi, n, source, note, k)


def difference(name: str, flags: pd.Series, group: pd.Series, source: str, note: str = "",
               level: float = 0.9) -> Estimate:
    """Share among group == 1 minus share among group == 0, with Newcombe's interval."""
    ok = flags.notna() & group.notna()
    a, b = flags[ok & (group == 1)], flags[ok & (group == 0)]
    d, lo, hi = newcombe(int(a.sum()), a.size, int(b.sum()), b.size, level)
    return Estimate(name, d, lo, hi, int(ok.sum()), source, note)


def mid_estimates(df: pd.DataFrame, source: str, level: float = 0.9, seed: int = 0) -> list[Estimate]:
    """Shares of disputes reaching each hostility level, conditional step-up shares, durations."""
    h = df["hostlev"]
    out = [share(f"reach {HOSTILITY[v]} (hostlev>={v})", (h >= v).astype(float), source, level=level)
           for v in (2, 3, 4, 5)]
    for v in (2, 3, 4):
        out.append(share(f"{HOSTILITY[v]} -> {HOSTILITY[v + 1]} (hostlev>={v + 1} | >={v})",
                         (h[h >= v] >= v + 1).astype(float), source,
                         "share of disputes that reached the level and went higher", level))
    fatal = (df["fatality"] >= 1).astype(float).where(df["fatality"].notna())
    out.append(share("fatal | use of force (fatality>=1 | hostlev>=4)", fatal[h >= 4], source, level=level))
    for v in (2, 3, 4, 5):
        out.append(mean_months(f"mean duration, months, highest level {HOSTILITY[v]}",
                               df["duration_days"][h == v], source, level, seed + v))
    return out


def mean_months(name: str, days: pd.Series, source: str, level: float, seed: int) -> Estimate:
    """Mean duration in months with a seeded bootstrap percentile interval."""
    x = days.dropna().to_numpy() / DAYS_PER_MONTH
    if x.size == 0:
        return Estimate(name, float("nan"), float("nan"), float("nan"), 0, source, "no cases")
    lo, hi = bootstrap(lambda idx: x[idx].mean(axis=1), x.size, level=level, seed=seed)
    return Estimate(name, float(x.mean()), lo, hi, int(x.size), source, "bootstrap percentile interval")


def icb_estimates(df: pd.DataFrame, source: str = "ICB v14", level: float = 0.9) -> list[Estimate]:
    """Shares of crises that turned violent / reached full-scale war, split by mediation and
    great-power involvement, with the differences (group minus rest)."""
    out = []
    for outcome, label in (("violent", "violent (viol>=2)"), ("serious", "serious clashes or war (viol>=3)"),
                           ("war", "full-scale war (viol==4)")):
        out.append(share(f"{label}: all crises", df[outcome], source, level=level))
        for group, glabel in (("mediated", "mediation"), ("gp_military", "superpower military activity")):
            out.extend(_split(df, outcome, label, group, glabel, source, level))
    return out


def _split(df: pd.DataFrame, outcome: str, label: str, group: str, glabel: str, source: str,
           level: float) -> list[Estimate]:
    y, g = df[outcome], df[group]
    return [share(f"{label}: with {glabel}", y[g == 1], source, level=level),
            share(f"{label}: without {glabel}", y[g == 0], source, level=level),
            difference(f"{label}: difference with - without {glabel}", y, g, source,
                       "association only; not a causal effect", level)]


def mean_duration_draws(days: np.ndarray, mask: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Bootstrap replicates of the mean of ``days`` over rows with ``mask`` (NaN days ignored)."""
    use = mask[idx] & np.isfinite(days[idx])
    total = np.where(use, np.nan_to_num(days[idx]), 0.0).sum(axis=1)
    return total / np.maximum(use.sum(axis=1), 1)
