"""From dispute/crisis base rates to monthly transition probabilities of the escalation ladder.

Calibration model (a competing-risks reading of the episode data): an episode enters at its lowest
rung; at rung j it stays a geometric number of months with monthly exit chance e_j, then escalates
with chance q_j or ends with chance 1 - q_j. Then
  q_j = P(top rung > j | top rung >= j)                  (conditional escalation share),
  mean months of episodes that stopped at rung i = sum_{j<=i} 1/e_j,
so 1/e_j is the difference of consecutive mean durations (at least one month), and the monthly
probabilities are up_j = q_j e_j and down_j = (1 - q_j) e_j ("ends" is read as one rung down).
Durations become months as ceil(days / 30.44), at least one. Intervals: seeded bootstrap of episodes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from multitrack.calibration.readers import DAYS_PER_MONTH

MID_RUNGS = ("incident", "crisis", "use of force", "war")  # MID hostlev 2, 3, 4, 5
ICB_RUNGS = ("crisis", "use of force", "war")  # ICB viol 1, 2-3, 4


@dataclass(frozen=True)
class TransitionEstimate:
    """Monthly probability of one ladder transition with interval and provenance, scenario-ready."""

    transition: str
    value: float
    low: float
    high: float
    source: str
    note: str

    def as_dict(self) -> dict:
        return asdict(self)


def occupied_months(days: np.ndarray) -> np.ndarray:
    """Monthly steps an episode of ``days`` occupies: ceil(days / 30.44), at least one."""
    days = np.asarray(days, dtype=float)
    return np.where(np.isfinite(days), np.maximum(np.ceil(days / DAYS_PER_MONTH - 1e-9), 1.0), np.nan)


def episode_rates(top: np.ndarray, months: np.ndarray, k: int, idx: np.ndarray) -> np.ndarray:
    """Replicates (B, 4k) of [q_j, sojourn_j, up_j, down_j] per rung j < k; ``idx`` (B, N) picks rows.

    ``top`` is each episode's highest rung (0..k-1, 0 = entry rung), ``months`` its length.
    """
    t, m = top[idx], months[idx]
    finite = np.isfinite(m)
    out, previous = [], np.zeros(idx.shape[0])
    for j in range(k):
        reached = (t >= j).sum(axis=1)
        q = (t >= j + 1).sum(axis=1) / np.where(reached > 0, reached, np.nan)
        stop = (t == j) & finite
        mean = np.where(stop, np.nan_to_num(m), 0.0).sum(axis=1) / np.where(stop.sum(axis=1) > 0,
                                                                             stop.sum(axis=1), np.nan)
        sojourn = np.maximum(mean - previous, 1.0)
        previous = mean
        out += [q, sojourn, q / sojourn, (1.0 - q) / sojourn]
    return np.stack(out, axis=1)


def fit_ladder(top: np.ndarray, days: np.ndarray, rungs: tuple[str, ...], below: str, source: str,
               *, reps: int = 2000, level: float = 0.9, seed: int = 0) -> list[TransitionEstimate]:
    """Monthly up/down probabilities for consecutive ``rungs`` from episode data, with intervals.

    ``below`` names the ladder rung under ``rungs[0]`` (where an ended episode goes).
    """
    top, months, k = np.asarray(top, dtype=int), occupied_months(days), len(rungs)
    point = episode_rates(top, months, k, np.arange(top.size)[None, :])[0]
    rng = np.random.default_rng(seed)
    boot = episode_rates(top, months, k, rng.integers(0, top.size, size=(reps, top.size)))
    tail = (1.0 - level) / 2.0
    lo, hi = np.nanquantile(boot, tail, axis=0), np.nanquantile(boot, 1.0 - tail, axis=0)
    out = []
    for j in range(k):
        q, soj = point[4 * j], point[4 * j + 1]
        note = (f"q={q:.3f} (share escalating), sojourn={soj:.2f} months"
                + (" (capped at 1)" if soj <= 1 else ""))
        target_down = rungs[j - 1] if j else below
        if j < k - 1:
            out.append(TransitionEstimate(f"{rungs[j]}->{rungs[j + 1]}", point[4 * j + 2], lo[4 * j + 2],
                                          hi[4 * j + 2], source, note))
        out.append(TransitionEstimate(f"{rungs[j]}->{target_down}", point[4 * j + 3], lo[4 * j + 3],
                                      hi[4 * j + 3], source, note + "; 'down' = episode ended"))
    return out


def mid_transitions(df: pd.DataFrame, source: str, **kw) -> list[TransitionEstimate]:
    """Ladder rates from a MID dispute file: incident~threat, crisis~display, use of force, war."""
    return fit_ladder(df["hostlev"].to_numpy() - 2, df["duration_days"].to_numpy(), MID_RUNGS,
                      "peacetime", source, **kw)


def icb_transitions(df: pd.DataFrame, source: str = "ICB v14", **kw) -> list[TransitionEstimate]:
    """Ladder rates from ICB crises: crisis (no violence), use of force (clashes), war (viol 4)."""
    ok = df["viol"].notna()
    top = df.loc[ok, "viol"].map({1: 0, 2: 1, 3: 1, 4: 2}).to_numpy()
    return fit_ladder(top, df.loc[ok, "duration_days"].to_numpy(), ICB_RUNGS, "incident", source, **kw)
