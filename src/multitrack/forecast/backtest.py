"""Backtest of the forecast models against known decision outcomes (pure functions, no I/O).

Mean absolute error (MAE) per model with a bootstrap 95% interval that resamples whole proposals
(issues of one proposal are not independent), the paired difference to the weighted mean, and
for models with settings the error under K-fold cross-validation grouped by proposal: the
settings are chosen on the training proposals only and scored on the held-out ones.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from . import CONFIGS, MODELS, forecast
from .grids import DEFAULT_GRIDS
from .readers import IssueSet

BASELINE = "mean"


@dataclass(frozen=True)
class BacktestSettings:
    """How the backtest runs: models, bootstrap replicates, folds and the seed of both."""

    models: tuple[str, ...] = tuple(MODELS)
    n_boot: int = 2000
    folds: int = 5
    seed: int = 0
    grids: dict[str, tuple[Any, ...]] = field(default_factory=lambda: dict(DEFAULT_GRIDS))

    def __post_init__(self) -> None:
        unknown = [m for m in self.models if m not in MODELS]
        if unknown:
            raise ValueError(f"unknown model {unknown[0]!r} (known: {', '.join(MODELS)})")
        if self.n_boot < 1:
            raise ValueError("n_boot must be at least 1")
        if self.folds < 2:
            raise ValueError("folds must be at least 2")


@dataclass(frozen=True)
class Interval:
    """A point estimate with its bootstrap 95% interval."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class BacktestRow:
    """One model's scores; ``cv`` fields are None for models without settings."""

    model: str
    issues: int
    mae: Interval
    diff: Interval | None  # MAE(model) - MAE(mean), paired; None for the mean itself
    cv_mae: Interval | None = None
    cv_diff: Interval | None = None
    chosen: str = ""  # the settings cross-validation chose, with how many folds chose them


@dataclass(frozen=True)
class BacktestReport:
    """All rows plus what was scored and left out."""

    rows: tuple[BacktestRow, ...]
    issues: int
    proposals: int
    skipped: dict[str, int]
    settings: BacktestSettings

    def table(self) -> list[dict[str, Any]]:
        """The rows as flat records (the CSV columns)."""
        out = []
        for r in self.rows:
            rec: dict[str, Any] = {"model": r.model, "issues": r.issues, "mae": r.mae.value,
                                   "mae_low": r.mae.low, "mae_high": r.mae.high}
            for key, iv in (("diff_vs_mean", r.diff), ("cv_mae", r.cv_mae), ("cv_diff_vs_mean", r.cv_diff)):
                rec[key] = None if iv is None else iv.value
                rec[f"{key}_low"] = None if iv is None else iv.low
                rec[f"{key}_high"] = None if iv is None else iv.high
            rec["cv_settings"] = r.chosen
            out.append(rec)
        return out

    def to_csv(self) -> str:
        """The table as CSV text (empty cells where a value does not apply)."""
        records = self.table()
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        for rec in records:
            writer.writerow({k: ("" if v is None else (f"{v:.6g}" if isinstance(v, float) else v))
                             for k, v in rec.items()})
        return buf.getvalue()


def grouped_folds(groups, k: int, seed: int = 0) -> list[np.ndarray]:
    """Test-row indices of ``k`` folds that never split a group (proposal) between folds.

    Groups are shuffled with ``seed`` and dealt to folds in turn, largest first, so that folds
    hold similar numbers of rows.
    """
    groups = np.asarray(groups)
    names, codes, sizes = np.unique(groups, return_inverse=True, return_counts=True)
    if k > len(names):
        raise ValueError(f"{k} folds need at least {k} proposals; there are {len(names)}")
    rng = np.random.default_rng([seed, 17])
    order = rng.permutation(len(names))
    order = order[np.argsort(-sizes[order], kind="stable")]
    load = np.zeros(k)
    fold_of = np.empty(len(names), dtype=int)
    for g in order:  # greedy: the next group to the lightest fold
        f = int(np.argmin(load))
        fold_of[g] = f
        load[f] += sizes[g]
    return [np.flatnonzero(fold_of[codes] == f) for f in range(k)]


def _resample(groups, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Group codes per issue and (n_boot, n_groups) draws of groups with replacement."""
    _, codes = np.unique(np.asarray(groups), return_inverse=True)
    n_groups = codes.max() + 1 if len(codes) else 0
    rng = np.random.default_rng([seed, 29])
    return codes, rng.integers(0, max(n_groups, 1), size=(n_boot, n_groups))


def clustered_mae(errors: np.ndarray, codes: np.ndarray, draws: np.ndarray) -> Interval:
    """MAE of ``errors`` (absolute or signed differences of absolute errors) with a percentile 95%
    interval over bootstrap replicates that draw whole groups (``draws`` from the same seed for
    every model, so that differences are paired)."""
    n_groups = draws.shape[1]
    sums = np.bincount(codes, weights=errors, minlength=n_groups)
    counts = np.bincount(codes, minlength=n_groups).astype(float)
    rep = sums[draws].sum(axis=1) / np.maximum(counts[draws].sum(axis=1), 1.0)
    lo, hi = np.percentile(rep, [2.5, 97.5])
    return Interval(float(errors.mean()), float(lo), float(hi))


def predict(issues: IssueSet, model: str, config=None) -> np.ndarray:
    """Forecasts of one model for every issue."""
    return np.asarray(forecast(model, issues.positions, issues.saliences, issues.capabilities,
                               issues.status_quo, config), dtype=float)


def _describe(cfg) -> str:
    if cfg is None:
        return "defaults"
    default = type(cfg)()
    changed = [f"{f.name}={getattr(cfg, f.name)}" for f in fields(cfg)
               if getattr(cfg, f.name) != getattr(default, f.name)]
    return ",".join(changed) or "defaults"


def run_backtest(issues: IssueSet, settings: BacktestSettings | None = None) -> BacktestReport:
    """Score every model in ``settings`` on the issues with a known outcome."""
    st = settings or BacktestSettings()
    known = ~np.isnan(issues.outcome)
    skipped: dict[str, int] = {}
    if (~known).any():
        skipped["outcome unknown"] = int((~known).sum())
    data = issues.subset(known)
    models = list(dict.fromkeys([BASELINE, *st.models]))
    preds = {m: predict(data, m) for m in models}
    grid_preds: dict[str, list[np.ndarray]] = {}
    for m in models:
        if CONFIGS[m] is not None and st.grids.get(m):
            grid_preds[m] = [predict(data, m, cfg) for cfg in st.grids[m]]
    no_forecast = np.zeros(len(data), dtype=bool)
    for m in models:
        miss = np.isnan(preds[m])
        for p in grid_preds.get(m, []):
            miss |= np.isnan(p)
        if miss.any():
            skipped[f"no forecast from {m}"] = int((miss & ~no_forecast).sum())
        no_forecast |= miss
    keep = ~no_forecast
    if not keep.any():
        raise ValueError("no issue with a known outcome and a forecast from every model")
    data = data.subset(keep)
    y = data.outcome
    preds = {m: p[keep] for m, p in preds.items()}
    grid_preds = {m: [p[keep] for p in ps] for m, ps in grid_preds.items()}
    codes, draws = _resample(data.groups, st.n_boot, st.seed)
    folds = grouped_folds(data.groups, st.folds, st.seed)
    base_err = np.abs(preds[BASELINE] - y)
    rows = []
    for m in st.models:
        err = np.abs(preds[m] - y)
        row = BacktestRow(model=m, issues=len(y), mae=clustered_mae(err, codes, draws),
                          diff=None if m == BASELINE else clustered_mae(err - base_err, codes, draws))
        if m in grid_preds:
            errs = np.abs(np.stack(grid_preds[m]) - y[None, :])  # (configs, issues)
            oof = np.empty(len(y))
            picks = []
            for test in folds:
                train = np.ones(len(y), dtype=bool)
                train[test] = False
                best = int(np.argmin(errs[:, train].mean(axis=1)))
                picks.append(best)
                oof[test] = errs[best, test]
            counts = {k: picks.count(k) for k in dict.fromkeys(picks)}
            chosen = "; ".join(f"{_describe(st.grids[m][k])} ({v}/{len(folds)})" for k, v in counts.items())
            row = BacktestRow(model=m, issues=len(y), mae=row.mae, diff=row.diff,
                              cv_mae=clustered_mae(oof, codes, draws),
                              cv_diff=clustered_mae(oof - base_err, codes, draws), chosen=chosen)
        rows.append(row)
    return BacktestReport(rows=tuple(rows), issues=len(y), proposals=len(set(data.groups)),
                          skipped=skipped, settings=st)
