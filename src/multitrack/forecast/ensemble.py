"""An ensemble of forecast models: a weighted average whose weights are learned from the models'
out-of-fold forecasts on the training issues (stacking).

Stacking after Wolpert (1992), "Stacked generalization", *Neural Networks* 5(2), and Breiman
(1996), "Stacked regressions", *Machine Learning* 24(1), who restricts the weights to be
non-negative; we also make them sum to one (a convex combination, so the ensemble stays within
the members' range) and choose them by the least absolute error, the score the backtest uses
(a linear programme, HiGHS).

Fitting on training issues: every member is fitted on K-1 folds of whole proposals and forecasts
the fold it did not see; the weights minimise the absolute error of those out-of-fold forecasts;
then every member is refitted on all training issues. The members are the registered models
named in ``MEMBERS`` (those not registered are left out; the challenge model is not a member:
its forecasts cost most and it trails the others). Open choices (ours): the member list, convex
weights, K = 5.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from .folds import grouped_folds
from .readers import IssueSet
from .trainable import TRAINABLE, FittedForecast, TrainableModel, register

MEMBERS = ("mean", "choice", "choice-exchange", "lad", "condorcet", "exchange", "reference", "procedural")
FOLDS = 5


def convex_weights(forecasts: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Weights w >= 0, sum 1, minimising sum |outcome - w . forecasts| (forecasts: members x issues)."""
    k, n = forecasts.shape
    c = np.r_[np.zeros(k), np.ones(2 * n)]
    a_eq = np.vstack([np.hstack([forecasts.T, np.eye(n), -np.eye(n)]),
                      np.r_[np.ones(k), np.zeros(2 * n)][None, :]])
    b_eq = np.r_[outcome, 1.0]
    res = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:
        raise ValueError(f"ensemble weights: {res.message}")
    w = np.clip(res.x[:k], 0.0, None)
    return w / w.sum()


def members() -> tuple[str, ...]:
    """The members that are registered."""
    return tuple(m for m in MEMBERS if m in TRAINABLE)


def out_of_fold(train: IssueSet, names: tuple[str, ...], seed: int) -> np.ndarray:
    """(members, issues) forecasts of each member on the fold it was not fitted on."""
    out = np.full((len(names), len(train)), np.nan)
    for test in grouped_folds(train.groups, min(FOLDS, len(set(train.groups))), seed):
        rest = np.setdiff1d(np.arange(len(train)), test)
        for k, name in enumerate(names):
            out[k, test] = TRAINABLE[name].fit(train.subset(rest), seed).predict(train.subset(test))
    return out


def fit(train: IssueSet, seed: int = 0) -> FittedForecast:
    """Stack the members on ``train``: weights from out-of-fold forecasts, members refitted on all."""
    names = members()
    oof = out_of_fold(train, names, seed)
    usable = ~np.isnan(oof).any(axis=0)
    w = convex_weights(oof[:, usable], train.outcome[usable])
    used = tuple((n, float(x)) for n, x in zip(names, w, strict=True) if x > 1e-9)
    fitted = {n: TRAINABLE[n].fit(train, seed) for n, _ in used}

    def predict(issues: IssueSet) -> np.ndarray:
        return np.sum([x * fitted[n].predict(issues) for n, x in used], axis=0)

    chosen = " + ".join(f"{x:.2f} {n}" for n, x in used)
    return FittedForecast("ensemble", chosen, predict, {"weights": dict(used)})


MODEL = register(TrainableModel(
    name="ensemble",
    reference="stacking: Wolpert (1992); Breiman (1996), non-negative weights",
    fit_fn=fit,
    choices=(f"members: {', '.join(MEMBERS)} (those registered)",
             "convex weights minimising the absolute error of out-of-fold forecasts",
             f"grouped {FOLDS}-fold cross-validation on training for the out-of-fold forecasts"),
    summary="convex combination of the other models, weights learned out of fold",
))

__all__ = ["MEMBERS", "MODEL", "convex_weights", "fit", "members", "out_of_fold"]
