"""Backtest of the forecast models against known decision outcomes (pure functions, no I/O).

Every model is scored through the one interface of :mod:`multitrack.forecast.trainable` (the
models registered in :data:`~multitrack.forecast.trainable.TRAINABLE`): ``fit`` on decided
issues, ``predict`` on issues whose outcome it is not shown (the backtest hides the outcomes of
every issue it asks a fitted model to forecast). Two protocols:

- **one file** (``run_backtest(issues)``): each model is fitted on all the issues and scored on
  them (for a model without free parameters that is its plain error; for the others an
  in-sample error), and models with free parameters are also scored by K-fold cross-validation
  grouped by proposal (fitted on K-1 folds, scored on the held-out one);
- **train/test** (``run_backtest(test, train=train)``): each model is fitted once on all of the
  training issues and scored on the test issues, which share no proposal with them; the
  grouped cross-validation runs on the training issues (every model: a model without free
  parameters is scored there directly).

Mean absolute error (MAE) comes with a percentile bootstrap 95% interval that resamples whole
proposals (issues of one proposal are not independent), and the paired difference to the
compromise model (``mean``) with the same bootstrap draws for every model. The intervals
measure the sampling uncertainty of the MAE over proposals, not Monte Carlo precision.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..progress import ProgressCallback, report
from .catalogue import TRAINABLE
from .folds import grouped_folds
from .readers import IssueSet
from .trainable import FittedForecast, TrainableModel

#: The compromise model, the benchmark every model's paired difference refers to.
BASELINE = "mean"


def _all_models() -> tuple[str, ...]:
    return tuple(TRAINABLE)


@dataclass(frozen=True)
class BacktestSettings:
    """How the backtest runs: models (default: every registered one), bootstrap replicates,
    folds, and the seed of the folds, the bootstrap and every fit."""

    models: tuple[str, ...] = field(default_factory=_all_models)
    n_boot: int = 2000
    folds: int = 5
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = [m for m in self.models if m not in TRAINABLE]
        if unknown:
            raise ValueError(f"unknown model {unknown[0]!r} (known: {', '.join(TRAINABLE)})")
        if not self.models:
            raise ValueError("no model to score")
        if self.n_boot < 1:
            raise ValueError("n_boot must be at least 1")
        if self.folds < 2:
            raise ValueError("folds must be at least 2")

    def to_dict(self) -> dict[str, Any]:
        return {"models": list(self.models), "n_boot": self.n_boot, "folds": self.folds, "seed": self.seed}


@dataclass(frozen=True)
class Interval:
    """A point estimate with its bootstrap 95% interval."""

    value: float
    low: float
    high: float

    def to_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


def _iv_dict(iv: Interval | None) -> dict[str, float] | None:
    return None if iv is None else iv.to_dict()


@dataclass(frozen=True)
class BacktestRow:
    """One model's scores.

    ``mae`` and ``diff`` are on the scored issues (the test issues in a train/test backtest);
    ``cv_mae`` and ``cv_diff`` are the grouped cross-validation on the training issues (None
    where not run). ``chosen`` and ``parameters`` say what the fit behind ``mae`` chose,
    ``cv_chosen`` what the folds' fits chose, with how many folds chose it.
    """

    model: str
    issues: int
    mae: Interval
    diff: Interval | None  # MAE(model) - MAE(mean), paired; None for the mean itself
    cv_mae: Interval | None = None
    cv_diff: Interval | None = None
    chosen: str = ""
    cv_chosen: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "issues": self.issues, "mae": self.mae.to_dict(),
                "diff_vs_mean": _iv_dict(self.diff), "cv_mae": _iv_dict(self.cv_mae),
                "cv_diff_vs_mean": _iv_dict(self.cv_diff), "chosen": self.chosen,
                "cv_chosen": self.cv_chosen, "parameters": dict(self.parameters)}


@dataclass(frozen=True)
class BacktestReport:
    """All rows plus what was scored and left out. ``train_*`` are None/empty without a
    training set (one-file protocol); ``skipped`` counts the scored set's issues left out."""

    rows: tuple[BacktestRow, ...]
    issues: int
    proposals: int
    skipped: Mapping[str, int]
    settings: BacktestSettings
    train_issues: int | None = None
    train_proposals: int | None = None
    train_skipped: Mapping[str, int] = field(default_factory=dict)

    @property
    def protocol(self) -> str:
        """``train/test`` or ``cross-validation`` (one file)."""
        return "cross-validation" if self.train_issues is None else "train/test"

    def table(self) -> list[dict[str, Any]]:
        """The rows as flat records (the CSV columns)."""
        out = []
        for r in self.rows:
            rec: dict[str, Any] = {"model": r.model, "issues": r.issues}
            for key, iv in (("mae", r.mae), ("diff_vs_mean", r.diff), ("cv_mae", r.cv_mae),
                            ("cv_diff_vs_mean", r.cv_diff)):
                rec[key] = None if iv is None else iv.value
                rec[f"{key}_low"] = None if iv is None else iv.low
                rec[f"{key}_high"] = None if iv is None else iv.high
            rec["chosen"] = r.chosen
            rec["cv_chosen"] = r.cv_chosen
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

    def to_dict(self) -> dict[str, Any]:
        return {"protocol": self.protocol, "settings": self.settings.to_dict(), "issues": self.issues,
                "proposals": self.proposals, "skipped": dict(self.skipped),
                "train_issues": self.train_issues, "train_proposals": self.train_proposals,
                "train_skipped": dict(self.train_skipped), "baseline": BASELINE,
                "rows": [r.to_dict() for r in self.rows]}


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


# --- fitting -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fitted:
    """One model's fit and forecasts: on the scored issues, and out of fold on the CV issues."""

    fit: FittedForecast
    pred: np.ndarray
    oof: np.ndarray | None
    cv_chosen: str


def _with_outcome(issues: IssueSet) -> tuple[IssueSet, dict[str, int]]:
    """The issues with a known outcome, and how many were left out."""
    known = ~np.isnan(issues.outcome)
    skipped = {} if known.all() else {"outcome unknown": int((~known).sum())}
    return issues.subset(known), skipped


def _unseen(issues: IssueSet) -> IssueSet:
    """The issues with their outcomes hidden: what a fitted model is shown when it forecasts."""
    return dataclasses.replace(issues, outcome=np.full(len(issues), np.nan))


def _tally(chosen: Sequence[str]) -> str:
    """``what (n/k); other (m/k)`` in order of first appearance."""
    counts = {c: chosen.count(c) for c in dict.fromkeys(chosen)}
    return "; ".join(f"{c} ({n}/{len(chosen)})" for c, n in counts.items())


def _out_of_fold(model: TrainableModel, data: IssueSet, folds: Sequence[np.ndarray], seed: int,
                 step: Callable[[int], None]) -> tuple[np.ndarray, str]:
    """Forecasts of each fold by the model fitted on the other folds, and what the fits chose
    (``step(k)`` after the k-th fit)."""
    oof = np.full(len(data), np.nan)
    chosen = []
    for k, test in enumerate(folds, start=1):
        fit = model.fit(data.subset(np.setdiff1d(np.arange(len(data)), test)), seed)
        oof[test] = fit.predict(_unseen(data.subset(test)))
        chosen.append(fit.chosen)
        step(k)
    return oof, _tally(chosen)


def _fit_and_score(model: TrainableModel, train: IssueSet, scored: IssueSet,
                   folds: Sequence[np.ndarray] | None, seed: int,
                   progress: ProgressCallback | None) -> _Fitted:
    """Fit ``model`` on ``train``, forecast ``scored``; with ``folds``, forecast ``train`` out of
    fold (a model without free parameters directly: its fit ignores the outcomes)."""
    task = f"fitting {model.name}"
    total = 1 + (len(folds) if folds is not None and model.free_parameters else 0)
    report(progress, task, 0, total)
    fit = model.fit(train, seed)
    pred = fit.predict(_unseen(scored))
    report(progress, task, 1, total)
    if folds is None:
        return _Fitted(fit, pred, None, "")
    if not model.free_parameters:
        return _Fitted(fit, pred, fit.predict(_unseen(train)), fit.chosen)
    oof, cv_chosen = _out_of_fold(model, train, folds, seed, lambda k: report(progress, task, 1 + k, total))
    return _Fitted(fit, pred, oof, cv_chosen)


# --- scoring -------------------------------------------------------------------------------------


def _complete(preds: Mapping[str, Sequence[np.ndarray]], n: int) -> tuple[np.ndarray, dict[str, int]]:
    """Issues with a forecast from every model (so that every model is scored on the same
    issues), and how many each model left out first."""
    missing = np.zeros(n, dtype=bool)
    skipped = {}
    for name, arrays in preds.items():
        miss = np.zeros(n, dtype=bool)
        for a in arrays:
            miss |= np.isnan(a)
        if (miss & ~missing).any():
            skipped[f"no forecast from {name}"] = int((miss & ~missing).sum())
        missing |= miss
    return ~missing, skipped


def _score(preds: Mapping[str, np.ndarray], data: IssueSet, settings: BacktestSettings
           ) -> dict[str, tuple[Interval, Interval | None]]:
    """MAE and paired difference to the baseline per model, the same bootstrap draws for all."""
    codes, draws = _resample(data.groups, settings.n_boot, settings.seed)
    base = np.abs(preds[BASELINE] - data.outcome)
    out: dict[str, tuple[Interval, Interval | None]] = {}
    for name, p in preds.items():
        err = np.abs(p - data.outcome)
        out[name] = (clustered_mae(err, codes, draws),
                     None if name == BASELINE else clustered_mae(err - base, codes, draws))
    return out


def _models(settings: BacktestSettings) -> list[TrainableModel]:
    return [TRAINABLE[m] for m in dict.fromkeys([BASELINE, *settings.models])]


def _proposals(data: IssueSet) -> int:
    return len(set(data.groups))


def _row(name: str, data: IssueSet, fitted: _Fitted, scores, cv_scores) -> BacktestRow:
    mae, diff = scores[name]
    cv_mae, cv_diff = cv_scores.get(name, (None, None))
    return BacktestRow(model=name, issues=len(data), mae=mae, diff=diff, cv_mae=cv_mae, cv_diff=cv_diff,
                       chosen=fitted.fit.chosen, cv_chosen=fitted.cv_chosen,
                       parameters=dict(fitted.fit.parameters))


def _cross_validated(issues: IssueSet, st: BacktestSettings, progress: ProgressCallback | None
                     ) -> BacktestReport:
    """One file: in-sample fits and, for models with free parameters, grouped K-fold CV."""
    data, skipped = _with_outcome(issues)
    if len(data) == 0:
        raise ValueError("no issue with a known outcome to score")
    folds = grouped_folds(data.groups, st.folds, st.seed)
    fits = {m.name: _fit_and_score(m, data, data, folds if m.free_parameters else None, st.seed, progress)
            for m in _models(st)}
    keep, missing = _complete({n: [f.pred] + ([] if f.oof is None else [f.oof]) for n, f in fits.items()},
                              len(data))
    if not keep.any():
        raise ValueError("no issue with a known outcome and a forecast from every model")
    kept = data.subset(keep)
    scores = _score({n: f.pred[keep] for n, f in fits.items()}, kept, st)
    cv_preds = {n: f.oof[keep] for n, f in fits.items() if f.oof is not None}
    cv_scores = _score({BASELINE: fits[BASELINE].pred[keep], **cv_preds}, kept, st) if cv_preds else {}
    cv_scores.pop(BASELINE, None)
    rows = tuple(_row(m, kept, fits[m], scores, cv_scores) for m in st.models)
    return BacktestReport(rows=rows, issues=len(kept), proposals=_proposals(kept),
                          skipped={**skipped, **missing}, settings=st)


def check_unseen(train: IssueSet, test: IssueSet) -> None:
    """Refuse a test set that is not new to the training set: a shared proposal, or other actors."""
    if tuple(train.actors) != tuple(test.actors):
        raise ValueError(f"the training and test issues name different actors ({len(train.actors)} and "
                         f"{len(test.actors)}; they must be the same, in the same order)")
    shared = sorted(set(train.groups) & set(test.groups))
    if shared:
        many = "proposal" if len(shared) == 1 else "proposals"
        raise ValueError(f"the training and test issues share {len(shared)} {many} (e.g. {shared[0]}): "
                         "a test set must hold proposals the models have not seen")


def _train_test(train: IssueSet, test: IssueSet, st: BacktestSettings, progress: ProgressCallback | None
                ) -> BacktestReport:
    """Fit on all of TRAIN, score on TEST; grouped K-fold CV of every model on TRAIN."""
    check_unseen(train, test)
    fit_on, train_skipped = _with_outcome(train)
    scored, skipped = _with_outcome(test)
    if len(fit_on) == 0:
        raise ValueError("no training issue with a known outcome")
    if len(scored) == 0:
        raise ValueError("no test issue with a known outcome to score")
    folds = grouped_folds(fit_on.groups, st.folds, st.seed)
    fits = {m.name: _fit_and_score(m, fit_on, scored, folds, st.seed, progress) for m in _models(st)}
    keep, missing = _complete({n: [f.pred] for n, f in fits.items()}, len(scored))
    cv_keep, cv_missing = _complete({n: [f.oof] for n, f in fits.items() if f.oof is not None}, len(fit_on))
    if not keep.any() or not cv_keep.any():
        which = "test" if not keep.any() else "training"
        raise ValueError(f"no {which} issue with a known outcome and a forecast from every model")
    kept, cv_kept = scored.subset(keep), fit_on.subset(cv_keep)
    scores = _score({n: f.pred[keep] for n, f in fits.items()}, kept, st)
    cv_scores = _score({n: f.oof[cv_keep] for n, f in fits.items() if f.oof is not None}, cv_kept, st)
    rows = tuple(_row(m, kept, fits[m], scores, cv_scores) for m in st.models)
    return BacktestReport(rows=rows, issues=len(kept), proposals=_proposals(kept),
                          skipped={**skipped, **missing}, settings=st, train_issues=len(cv_kept),
                          train_proposals=_proposals(cv_kept), train_skipped={**train_skipped, **cv_missing})


def run_backtest(issues: IssueSet, settings: BacktestSettings | None = None, *, train: IssueSet | None = None,
                 progress: ProgressCallback | None = None) -> BacktestReport:
    """Score every model in ``settings`` on ``issues`` with a known outcome.

    Without ``train``: fitted and scored on ``issues``, models with free parameters also by
    grouped cross-validation on them. With ``train``: every model fitted once on ``train`` and
    scored on ``issues`` (refused when they share a proposal or differ in actors), with grouped
    cross-validation on ``train``. ``progress`` receives one task per model (``fitting NAME``)
    counting its fits.
    """
    st = settings or BacktestSettings()
    if train is None:
        return _cross_validated(issues, st, progress)
    return _train_test(train, issues, st, progress)


__all__ = ["BASELINE", "BacktestReport", "BacktestRow", "BacktestSettings", "Interval", "check_unseen",
           "clustered_mae", "grouped_folds", "run_backtest"]
