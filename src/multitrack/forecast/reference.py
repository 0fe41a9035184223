"""Reference-point pull: the compromise model's forecast moved toward the reference point.

Where the reference point ``q`` (DEU ``rp``: the policy that stays if no law is adopted) is known,
the forecast is ``m + lambda (q - m)`` with ``m`` the compromise model's forecast (capability x
salience weighted mean; Achen 2006, "Institutional realism and bargaining models", ch. 4 of
Thomson, Stokman, Achen and Koenig (eds.), *The European Union Decides*, Cambridge UP); where it
is unknown, ``m`` itself. ``lambda > 0`` pulls toward the reference point, ``lambda < 0`` pushes
away from it.

Why a pull: in the procedural models the reference point bounds what the pivotal actors accept
(Tsebelis and Garrett 2000; Crombez 1996), and Thomson (2011), *Resolving Controversy in the
European Union*, Cambridge UP, examines how far outcomes stay near the reference point under the
different procedures and voting rules; Achen (2006) discusses how the reference point enters
bargaining models. The linear pull is the simplest model of that bias, not a model
any of these authors wrote down; prospect theory is not used.

Fitting (:func:`fit_reference`):

* ``lambda`` is the value on the grid -0.50, -0.49, ..., 0.50 with the lowest training MAE over
  the issues with a known reference point (ties: the smallest ``|lambda|``).
* **One lambda or several.** The structures are one pooled lambda, one per procedure
  (codecision / consultation), one per Council voting rule (QMV / unanimity), and one per cell
  of both. A cell with fewer than :data:`MIN_CELL` training issues with a known reference point
  uses the pooled lambda. The structure is chosen by grouped 5-fold cross-validation on the
  training issues (folds by proposal, :func:`~multitrack.forecast.folds.grouped_folds` with
  the fit's seed): each structure is fitted on four folds and scored on the fifth; the lowest
  pooled out-of-fold MAE wins, a finer structure only when strictly lower. Then the chosen
  structure is refitted on all the training issues.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compromise import weighted_mean
from .folds import grouped_folds
from .readers import IssueSet
from .trainable import FittedForecast, TrainableModel, register

#: The lambdas tried: -0.5 to 0.5 in steps of 0.01.
LAMBDAS = np.round(np.linspace(-0.5, 0.5, 101), 2)
#: Fewest training issues with a known reference point for a cell to get a lambda of its own.
MIN_CELL = 15
#: Inner cross-validation folds for choosing the structure.
INNER_FOLDS = 5
STRUCTURES = ("pooled", "procedure", "voting", "both")
#: The cells of each structure by name (see :func:`cells`).
CELL_NAMES: dict[str, dict[int, str]] = {
    "pooled": {0: "all"}, "procedure": {0: "consultation", 1: "codecision"},
    "voting": {0: "QMV", 1: "unanimity"},
    "both": {0: "consultation/QMV", 1: "consultation/unanimity", 2: "codecision/QMV",
             3: "codecision/unanimity"}}


def compromise(issues: IssueSet) -> np.ndarray:
    """The compromise model's forecast per issue."""
    return np.asarray(weighted_mean(issues.positions, issues.saliences, issues.capabilities), dtype=float)


def pull(base: np.ndarray, status_quo: np.ndarray, lam) -> np.ndarray:
    """``base`` moved by the fraction ``lam`` (scalar or per issue) toward ``status_quo``; ``base``
    itself where the status quo is NaN."""
    base = np.asarray(base, dtype=float)
    q = np.asarray(status_quo, dtype=float)
    return np.where(np.isnan(q), base, base + np.asarray(lam, dtype=float) * (np.nan_to_num(q) - base))


def cells(issues: IssueSet, structure: str) -> np.ndarray:
    """The cell of each issue under ``structure`` (0 for all under ``pooled``); a NaN covariate
    reads as 0 (consultation, qualified majority)."""
    cod = (issues.covariate("codecision") == 1).astype(int)
    una = (issues.covariate("unanimity") == 1).astype(int)
    return {"pooled": np.zeros(len(issues), dtype=int), "procedure": cod, "voting": una,
            "both": 2 * cod + una}[structure]


def best_lambda(base: np.ndarray, status_quo: np.ndarray, outcome: np.ndarray) -> float:
    """The grid lambda with the lowest MAE over the issues with a known status quo (0 if none;
    ties: the smallest ``|lambda|``)."""
    known = ~np.isnan(status_quo) & ~np.isnan(outcome) & ~np.isnan(base)
    if not known.any():
        return 0.0
    b, q, y = base[known], status_quo[known], outcome[known]
    mae = np.abs(b[None, :] + LAMBDAS[:, None] * (q - b)[None, :] - y[None, :]).mean(axis=1)
    best = mae.min()
    tied = LAMBDAS[mae <= best + 1e-12]
    return float(tied[np.argmin(np.abs(tied))])


@dataclass(frozen=True)
class ReferencePull:
    """A fitted pull: the structure and the lambda of each cell (``pooled`` for cells too small)."""

    structure: str
    pooled: float
    by_cell: dict[int, float]

    def lambdas(self, issues: IssueSet) -> np.ndarray:
        return np.array([self.by_cell.get(int(k), self.pooled) for k in cells(issues, self.structure)])

    def predict(self, issues: IssueSet) -> np.ndarray:
        return pull(compromise(issues), issues.status_quo, self.lambdas(issues))


def fit_structure(train: IssueSet, structure: str) -> ReferencePull:
    """Lambdas for ``structure`` fitted on ``train``."""
    base = compromise(train)
    q = np.asarray(train.status_quo, dtype=float)
    y = np.asarray(train.outcome, dtype=float)
    pooled = best_lambda(base, q, y)
    by_cell = {}
    if structure != "pooled":
        cell = cells(train, structure)
        for k in np.unique(cell):
            rows = (cell == k) & ~np.isnan(q)
            if rows.sum() >= MIN_CELL:
                by_cell[int(k)] = best_lambda(base[rows], q[rows], y[rows])
    return ReferencePull(structure, pooled, by_cell)


def structure_errors(train: IssueSet, seed: int = 0) -> dict[str, float]:
    """Out-of-fold MAE of each structure under grouped cross-validation on ``train``."""
    folds = grouped_folds(train.groups, INNER_FOLDS, seed)
    out = {}
    for structure in STRUCTURES:
        oof = np.full(len(train), np.nan)
        for test in folds:
            mask = np.ones(len(train), dtype=bool)
            mask[test] = False
            oof[test] = fit_structure(train.subset(mask), structure).predict(train.subset(test))
        out[structure] = float(np.nanmean(np.abs(oof - train.outcome)))
    return out


def fit_reference(train: IssueSet, seed: int = 0) -> FittedForecast:
    """Choose the structure by grouped CV on ``train`` and fit its lambdas on all of ``train``."""
    errors = structure_errors(train, seed)
    structure = STRUCTURES[0]
    for s in STRUCTURES[1:]:
        if errors[s] < errors[structure] - 1e-12:
            structure = s
    fitted = fit_structure(train, structure)
    names = CELL_NAMES[structure]
    parts = [f"{names[k]} {v:+.2f}" for k, v in sorted(fitted.by_cell.items())]
    chosen = f"lambda {fitted.pooled:+.2f}" if not parts else \
        f"by {structure}: {', '.join(parts)} (others {fitted.pooled:+.2f})"
    params = {"structure": structure, "pooled_lambda": fitted.pooled,
              "lambdas": {names[k]: v for k, v in fitted.by_cell.items()}, "inner_cv_mae": errors}
    return FittedForecast("reference", chosen, fitted.predict, params)


REFERENCE = register(TrainableModel(
    "reference",
    "Achen (2006), ch. 4 of Thomson, Stokman, Achen and Koenig (eds.), The European Union Decides, "
    "Cambridge UP; Thomson (2011), Resolving Controversy in the European Union, Cambridge UP",
    fit_reference,
    choices=("linear pull m + lambda (q - m), lambda on a grid in [-0.5, 0.5] by training MAE",
             "one lambda, or one per procedure, voting rule or both: chosen by grouped 5-fold CV on training",
             f"cells with fewer than {MIN_CELL} issues with a known reference point use the pooled lambda",
             "the compromise model's forecast where the reference point is unknown"),
    summary="compromise model moved toward (or away from) the reference point by a fitted fraction",
))

__all__ = ["CELL_NAMES", "LAMBDAS", "MIN_CELL", "REFERENCE", "STRUCTURES", "ReferencePull", "best_lambda",
           "cells", "compromise", "fit_reference", "fit_structure", "pull", "structure_errors"]
