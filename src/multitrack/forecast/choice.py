"""The candidate-choice model: which of the positions on the table (or a compromise) becomes the
outcome, learned from past decisions, and the median of that forecast distribution.

Why: in the DEU data most decisions land exactly on a position some actor took (64% of the 250
training issues; a third at an end of the scale), not at the weighted mean between them. The
compromise model (Achen 2006) is the mean of the positions; under an absolute-error score the
best point forecast is the *median* of the distribution of possible outcomes (Gneiting 2011,
"Making and evaluating point forecasts", JASA 106(494), Theorem 9), and that distribution puts
mass on the positions themselves.

The model. For each issue the candidates are the distinct positions taken plus one compromise
candidate at the compromise model's forecast. Candidate ``j`` has utility ``u_j = x_j . beta``
and probability ``exp(u_j) / sum_k exp(u_k)``: McFadden's (1974) conditional logit ("Conditional
logit analysis of qualitative choice behavior", in Zarembka (ed.), *Frontiers in Econometrics*,
Academic Press). The features ``x_j`` are fixed in advance, from the DEU literature's account
of who shapes outcomes (Thomson et al. 2006, *The European Union Decides*, Cambridge UP):

1. ``compromise``: 1 for the compromise candidate;
2. ``support``: the share of capability x salience held by the actors at the candidate;
3. ``distance``: its distance from the compromise, over the issue's range of positions;
4. ``commission``: the Commission (agenda setter) holds it;
5. ``parliament``: the European Parliament holds it;
6. ``reference``: it is the reference point (the status quo; 0 where that is unknown);
7. ``extreme``: it is the lowest or highest position taken.

An actor named ``com`` or ``ep`` is absent outside EU data; those features are then 0.

Fitting: maximum likelihood with an L2 penalty ``lambda |beta|^2`` (L-BFGS, analytic
gradient). The target of an issue is the candidate equal to its outcome (within 1e-9), else the
compromise candidate (an outcome between positions is a compromise, wherever it lies).
``lambda`` is chosen from ``PENALTIES`` by grouped cross-validation on the training issues (folds
of whole proposals), scored by the mean absolute error of the forecasts, then the model is refitted
on all training issues.

Forecast: the median of the candidate distribution -- the lowest candidate at which the
cumulative probability reaches one half; where it reaches exactly one half, the midpoint of that
candidate and the next one with any probability (as
:func:`~multitrack.forecast.compromise.weighted_median` does), so the forecast does not depend on
the direction the scale is read.

Open choices (ours): the feature list and its coding above; one compromise candidate at the
weighted mean (not a spread of compromise values); positions closer than 1e-9 are one
candidate; the penalty grid. Everything is vectorised over issues and candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .compromise import weighted_mean
from .folds import grouped_folds
from .readers import IssueSet
from .trainable import TRAINABLE, FittedForecast, TrainableModel, register

FEATURES = ("compromise", "support", "distance", "commission", "parliament", "reference", "extreme")
#: L2 penalties cross-validation chooses from.
PENALTIES = (1.0,)
FOLDS = 5
#: Repeated cross-validations (different fold seeds) averaged when the penalty is chosen.
REPEATS = 3
_SAME = 1e-9
#: A candidate probability below this counts as none when the median looks for the next candidate.
_NEGLIGIBLE = 1e-12


@dataclass(frozen=True)
class Candidates:
    """Candidate outcomes of each issue: values (issues, slots), a mask of real slots, features
    (issues, slots, features), and the slot of the observed outcome (or -1 where unknown)."""

    values: np.ndarray
    mask: np.ndarray
    features: np.ndarray
    target: np.ndarray


def _actor_column(issues: IssueSet, name: str) -> np.ndarray:
    if name in issues.actors:
        return issues.positions[:, issues.actors.index(name)]
    return np.full(len(issues), np.nan)


def candidates(issues: IssueSet, compromise: np.ndarray | None = None) -> Candidates:
    """The candidates and their features for every issue (vectorised). ``compromise`` places the
    compromise candidate (default: the weighted mean of the positions)."""
    pos = issues.positions
    n, m = pos.shape
    valid = ~np.isnan(pos)
    weight = np.where(valid, issues.capabilities * np.nan_to_num(issues.saliences), 0.0)
    comp = weighted_mean(pos, issues.saliences, issues.capabilities) if compromise is None \
        else np.asarray(compromise, dtype=float)
    # distinct positions: sort, drop repeats
    srt = np.sort(np.where(valid, pos, np.inf), axis=1)
    first = np.ones_like(srt, dtype=bool)
    with np.errstate(invalid="ignore"):  # inf - inf past the last position: not a candidate anyway
        first[:, 1:] = srt[:, 1:] - srt[:, :-1] > _SAME
    real = first & np.isfinite(srt)
    vals = np.where(real, srt, np.nan)
    values = np.concatenate([vals, comp[:, None]], axis=1)            # (n, m+1): last slot the compromise
    mask = np.concatenate([real, np.isfinite(comp)[:, None]], axis=1)
    at = np.abs(pos[:, None, :] - vals[:, :, None]) <= _SAME           # (n, m, actors): actor at candidate
    total = weight.sum(axis=1)
    support = (at * weight[:, None, :]).sum(axis=2) / np.where(total > 0, total, 1.0)[:, None]
    lo = np.nanmin(np.where(valid, pos, np.nan), axis=1)
    hi = np.nanmax(np.where(valid, pos, np.nan), axis=1)
    span = np.maximum(hi - lo, 1.0)
    feats = np.zeros((n, m + 1, len(FEATURES)))
    feats[:, m, 0] = 1.0
    feats[:, :m, 1] = support
    feats[:, :m, 2] = np.abs(vals - comp[:, None]) / span[:, None]
    for k, actor in ((3, "com"), (4, "ep")):
        feats[:, :m, k] = np.abs(vals - _actor_column(issues, actor)[:, None]) <= _SAME
    feats[:, :m, 5] = np.abs(vals - issues.status_quo[:, None]) <= _SAME
    feats[:, :m, 6] = (np.abs(vals - lo[:, None]) <= _SAME) | (np.abs(vals - hi[:, None]) <= _SAME)
    feats = np.where(mask[:, :, None], np.nan_to_num(feats), 0.0)
    hit = real & (np.abs(vals - issues.outcome[:, None]) <= _SAME)
    target = np.where(hit.any(axis=1), np.argmax(hit, axis=1), m)
    target = np.where(np.isnan(issues.outcome), -1, target)
    return Candidates(values=values, mask=mask, features=feats, target=target)


def probabilities(beta: np.ndarray, cand: Candidates) -> np.ndarray:
    """Conditional-logit probability of each candidate (0 in empty slots)."""
    u = np.where(cand.mask, cand.features @ beta, -np.inf)
    u = u - u.max(axis=1, keepdims=True)
    e = np.where(cand.mask, np.exp(u), 0.0)
    return e / e.sum(axis=1, keepdims=True)


def _loss(beta: np.ndarray, cand: Candidates, penalty: float) -> tuple[float, np.ndarray]:
    rows = np.arange(len(cand.target))
    p = probabilities(beta, cand)
    chosen = cand.features[rows, cand.target]                                   # (n, k)
    expected = (p[:, :, None] * cand.features).sum(axis=1)
    nll = -np.log(np.maximum(p[rows, cand.target], 1e-300)).sum()
    grad = -(chosen - expected).sum(axis=0)
    return float(nll + penalty * beta @ beta), grad + 2.0 * penalty * beta


def fit_beta(cand: Candidates, penalty: float) -> np.ndarray:
    """Penalised maximum-likelihood coefficients on candidates with a known target."""
    keep = cand.target >= 0
    sub = Candidates(cand.values[keep], cand.mask[keep], cand.features[keep], cand.target[keep])
    res = minimize(_loss, np.zeros(len(FEATURES)), args=(sub, penalty), jac=True, method="L-BFGS-B")
    return np.asarray(res.x, dtype=float)


def median_forecast(beta: np.ndarray, cand: Candidates) -> np.ndarray:
    """Median of each issue's candidate distribution (midpoint where it is exactly one half)."""
    p = probabilities(beta, cand)
    x = np.where(cand.mask & (p > _NEGLIGIBLE), cand.values, np.inf)  # no mass: not a neighbour
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    cum = np.cumsum(np.take_along_axis(p, order, axis=1), axis=1)
    tol = 1e-12
    k = np.argmax(cum >= 0.5 - tol, axis=1)
    rows = np.arange(len(xs))
    lower = xs[rows, k]
    nxt = xs[rows, np.minimum(k + 1, xs.shape[1] - 1)]
    nxt = np.where(np.isfinite(nxt), nxt, lower)
    half = np.abs(cum[rows, k] - 0.5) <= tol
    out = np.where(half, (lower + nxt) / 2.0, lower)
    return np.where(np.isfinite(lower), out, np.nan)


def _cv_error(cand: Candidates, issues: IssueSet, penalty: float, seed: int) -> float:
    """Mean absolute error over ``REPEATS`` grouped cross-validations with different fold seeds
    (one split alone chooses the penalty by the luck of its folds)."""
    return float(np.mean([_cv_once(cand, issues, penalty, seed * REPEATS + r) for r in range(REPEATS)]))


def _cv_once(cand: Candidates, issues: IssueSet, penalty: float, seed: int) -> float:
    errors = np.empty(len(issues))
    for test in grouped_folds(issues.groups, min(FOLDS, len(set(issues.groups))), seed):
        train = np.ones(len(issues), dtype=bool)
        train[test] = False
        sub = Candidates(cand.values[train], cand.mask[train], cand.features[train], cand.target[train])
        beta = fit_beta(sub, penalty)
        test_c = Candidates(cand.values[test], cand.mask[test], cand.features[test], cand.target[test])
        errors[test] = np.abs(median_forecast(beta, test_c) - issues.outcome[test])
    return float(np.nanmean(errors))


def _fit_on(name: str, base: str | None, train: IssueSet, seed: int) -> FittedForecast:
    """Fit the choice model whose compromise candidate is ``base``'s forecast (None: the
    weighted mean); the base model is fitted on the same training issues first."""
    base_fit = None if base is None else TRAINABLE[base].fit(train, seed)

    def compromise(issues: IssueSet) -> np.ndarray | None:
        return None if base_fit is None else base_fit.predict(issues)

    cand = candidates(train, compromise(train))
    if len(PENALTIES) > 1 and len(set(train.groups)) >= 2:
        scores = [_cv_error(cand, train, lam, seed) for lam in PENALTIES]
        penalty = PENALTIES[int(np.argmin(scores))]
    else:
        penalty = PENALTIES[0]
    beta = fit_beta(cand, penalty)

    def predict(issues: IssueSet) -> np.ndarray:
        return median_forecast(beta, candidates(issues, compromise(issues)))

    coef = dict(zip(FEATURES, beta.tolist(), strict=True))
    chosen = ", ".join(f"{k} {v:+.2f}" for k, v in coef.items())
    if base_fit is not None:
        chosen = f"compromise from {base} ({base_fit.chosen}); {chosen}"
    return FittedForecast(name, chosen, predict,
                          {"penalty": penalty, "coefficients": coef, "compromise": base or "mean"})


def fit(train: IssueSet, seed: int = 0) -> FittedForecast:
    """The choice model with its compromise candidate at the weighted mean."""
    return _fit_on("choice", None, train, seed)


def fit_on_exchange(train: IssueSet, seed: int = 0) -> FittedForecast:
    """The choice model with its compromise candidate at the exchange model's forecast."""
    return _fit_on("choice-exchange", "exchange", train, seed)


_CHOICES = ("candidates: the distinct positions and one compromise candidate",
            "seven features fixed in advance (see the module docstring)",
            f"L2 penalty {PENALTIES[0]:g}, set by grouped cross-validation on the training file")
MODEL = register(TrainableModel(
    name="choice",
    reference="McFadden (1974) conditional logit over the positions on the table and a compromise; "
              "median as the point forecast under absolute error (Gneiting 2011)",
    fit_fn=fit,
    choices=_CHOICES,
    summary="which position (or the compromise) wins, learned; the median of that distribution",
))
ON_EXCHANGE = register(TrainableModel(
    name="choice-exchange",
    reference="as choice, with the compromise after vote exchange (Stokman and Van Oosten 1994) as "
              "the compromise candidate",
    fit_fn=fit_on_exchange,
    choices=(*_CHOICES, "the exchange model is fitted on the same training issues first"),
    summary="choice model whose compromise is the exchange model's forecast",
))

__all__ = ["FEATURES", "MODEL", "ON_EXCHANGE", "PENALTIES", "Candidates", "candidates", "fit", "fit_beta",
           "fit_on_exchange", "median_forecast", "probabilities"]
