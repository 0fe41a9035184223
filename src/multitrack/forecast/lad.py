"""A learned linear forecast: least-absolute-deviation regression of the outcome on summaries of
the positions, with an L1 penalty.

Why least absolute deviations: the score is the mean absolute error, whose best point forecast
is the conditional median (Gneiting 2011, JASA 106(494)); LAD regression estimates the
conditional median (Koenker and Bassett 1978, "Regression quantiles", *Econometrica* 46(1)).
The L1 penalty on the slopes (not the intercept) shrinks weak predictors to zero, as the lasso
does for squared error (Tibshirani 1996; for LAD, Wang, Li and Jiang 2007, "Robust regression
shrinkage and consistent variable selection through the LAD-lasso", *JBES* 25(3)).

Predictors per issue (fixed in advance): the compromise model's forecast (Achen 2006), the
weighted median, the Commission's and the Parliament's positions, the reference point, each
of the last three as its difference from the compromise (0 where unknown) with an indicator that
it is known, and the covariates ``codecision`` and ``unanimity`` (0 where unknown). Outside EU
data the actor columns are simply unknown. The fit is a linear programme solved with HiGHS
(``scipy.optimize.linprog``); the penalty is chosen from ``PENALTIES`` by grouped
cross-validation on the training issues (folds of whole proposals). Forecasts are clipped to the
range of the issue's positions.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from .compromise import weighted_mean, weighted_median
from .folds import grouped_folds
from .readers import IssueSet
from .trainable import FittedForecast, TrainableModel, register

PREDICTORS = ("compromise", "median-compromise", "commission-compromise", "commission known",
              "parliament-compromise", "parliament known", "reference-compromise", "reference known",
              "codecision", "unanimity")
#: L1 penalties (per issue, on the 0-100 scale) cross-validation chooses from.
PENALTIES = (0.0, 0.05, 0.2, 1.0)
FOLDS = 5


def _column(issues: IssueSet, actor: str) -> np.ndarray:
    if actor in issues.actors:
        return issues.positions[:, issues.actors.index(actor)]
    return np.full(len(issues), np.nan)


def design(issues: IssueSet) -> np.ndarray:
    """The predictor matrix (issues, 1 + predictors), the first column the intercept."""
    comp = weighted_mean(issues.positions, issues.saliences, issues.capabilities)
    med = weighted_median(issues.positions, issues.saliences, issues.capabilities)
    cols = [np.ones(len(issues)), comp, med - comp]
    for point in (_column(issues, "com"), _column(issues, "ep"), issues.status_quo):
        known = ~np.isnan(point)
        cols += [np.where(known, point - comp, 0.0), known.astype(float)]
    cols += [np.nan_to_num(issues.covariate("codecision")), np.nan_to_num(issues.covariate("unanimity"))]
    return np.column_stack(cols)


def fit_coefficients(x: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """min sum |y - x b| + n * penalty * sum_{j>0} |b_j| as a linear programme (HiGHS)."""
    n, k = x.shape
    cost_b = np.r_[0.0, np.full(k - 1, n * penalty)]
    c = np.r_[cost_b, cost_b, np.ones(n), np.ones(n)]
    a_eq = np.hstack([x, -x, np.eye(n), -np.eye(n)])
    res = linprog(c, A_eq=a_eq, b_eq=y, bounds=(0, None), method="highs")
    if res.status != 0:
        raise ValueError(f"LAD fit failed: {res.message}")
    return np.asarray(res.x[:k] - res.x[k:2 * k], dtype=float)


def _forecast(beta: np.ndarray, issues: IssueSet) -> np.ndarray:
    raw = design(issues) @ beta
    lo = np.nanmin(issues.positions, axis=1)
    hi = np.nanmax(issues.positions, axis=1)
    return np.clip(raw, lo, hi)


def _cv_error(x: np.ndarray, issues: IssueSet, penalty: float, seed: int) -> float:
    errors = np.empty(len(issues))
    for test in grouped_folds(issues.groups, min(FOLDS, len(set(issues.groups))), seed):
        train = np.ones(len(issues), dtype=bool)
        train[test] = False
        beta = fit_coefficients(x[train], issues.outcome[train], penalty)
        errors[test] = np.abs(_forecast(beta, issues.subset(test)) - issues.outcome[test])
    return float(errors.mean())


def fit(train: IssueSet, seed: int = 0) -> FittedForecast:
    """Choose the penalty by grouped cross-validation on ``train``, refit on all of it."""
    x = design(train)
    if len(set(train.groups)) >= 2:
        penalty = PENALTIES[int(np.argmin([_cv_error(x, train, lam, seed) for lam in PENALTIES]))]
    else:
        penalty = PENALTIES[-1]
    beta = fit_coefficients(x, train.outcome, penalty)
    coef = dict(zip(("intercept", *PREDICTORS), np.round(beta, 3).tolist(), strict=True))
    shown = ", ".join(f"{k} {v:+.2f}" for k, v in coef.items() if v != 0)
    return FittedForecast("lad", f"penalty={penalty:g}; {shown}", lambda issues: _forecast(beta, issues),
                          {"penalty": penalty, "coefficients": coef})


MODEL = register(TrainableModel(
    name="lad",
    reference="Koenker and Bassett (1978) least-absolute-deviation regression; L1 penalty as in "
              "Wang, Li and Jiang (2007)",
    fit_fn=fit,
    choices=("ten predictors fixed in advance (see the module docstring)",
             f"penalty chosen from {PENALTIES} by grouped {FOLDS}-fold cross-validation on training",
             "forecasts clipped to the issue's range of positions"),
    summary="median regression on the compromise, median, Commission, Parliament and reference point",
))

__all__ = ["MODEL", "PENALTIES", "PREDICTORS", "design", "fit", "fit_coefficients"]
