"""Expected-utility challenge model in the family of Bueno de Mesquita's, as set out in equations
by Scholz, Calbert and Smith (2011), "Unravelling Bueno de Mesquita's group decision model",
*Journal of Theoretical Politics* 23(4); after Bueno de Mesquita (1994), "Political forecasting:
an expected utility method", in Stokman and Bueno de Mesquita (eds.), *European Community
Decision Making*, Yale UP.

Each round every actor weighs challenging every other actor (probability of success from the
weighted votes of all actors, utilities of winning, losing and of the status quo, risk attitudes
from how exposed its position is), sends challenges where that pays, and each actor accepts the
best credible offer it receives: it loses a conflict, compromises part of the way, or gives in.
The forecast is the median voter position after the last round. Every place where the published
equations leave a choice open is listed in docs/forecasting.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._arrays import Batch, position_range, prepare

#: Positions closer than this share of the issue's range count as one position (no contest, no
#: offer between them): a difference of 1e-157 would otherwise decide offers by rounding noise.
SAME_POSITION = 1e-12
#: Expected utilities lie within [-4, 4]; two that differ by less than this are equal, and one
#: within it of 0 is 0, so that rounding noise (which depends on the order of the actors) never
#: decides a comparison.
EU_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ChallengeConfig:
    """Settings of the challenge model (defaults follow Scholz et al. 2011 where they say).

    - ``rounds``: most bargaining rounds; the model stops earlier when no position moves by
      more than ``tolerance`` times the issue's range.
    - ``q``: probability an actor gives the status quo persisting if it does not challenge (Q);
      ``t``: probability that a change without challenge moves towards it (T); both in [0, 1].
    - ``risk``: compute risk exponents from each actor's exposure (True) or keep r = 1.
    - ``perspective``: ``"perceived"`` - the target judges the challenger's expected utility
      with its own risk exponent; ``"own"`` - each side's with its own.
    - ``offer_choice``: ``"closest"`` - accept the offer that moves the actor least;
      ``"strongest"`` - the offer whose sender expects most from it.
    - ``outcome``: ``"median"`` (weighted Condorcet winner of the final positions) or ``"mean"``.
    - ``salience_scale``: saliences are divided by this to give probabilities in [0, 1] (100
      for DEU and KTAB data on 0-100).
    """

    rounds: int = 10
    q: float = 1.0
    t: float = 1.0
    risk: bool = True
    perspective: Literal["perceived", "own"] = "perceived"
    offer_choice: Literal["closest", "strongest"] = "closest"
    outcome: Literal["median", "mean"] = "median"
    salience_scale: float = 100.0
    tolerance: float = 1e-9

    def __post_init__(self) -> None:
        if self.rounds < 0:
            raise ValueError("rounds must be 0 or more")
        if not (0.0 <= self.q <= 1.0 and 0.0 <= self.t <= 1.0):
            raise ValueError("q and t are probabilities in [0, 1]")
        if self.salience_scale <= 0:
            raise ValueError("salience_scale must be positive")
        if self.perspective not in ("perceived", "own"):
            raise ValueError("perspective is 'perceived' or 'own'")
        if self.offer_choice not in ("closest", "strongest"):
            raise ValueError("offer_choice is 'closest' or 'strongest'")
        if self.outcome not in ("median", "mean"):
            raise ValueError("outcome is 'median' or 'mean'")


@dataclass(frozen=True)
class ChallengeRound:
    """The key quantities of one round, arrays over (rows, actors[, actors]).

    ``votes[b, j, k]``: weighted votes for position j against k (positive: j preferred);
    ``median``: the median voter position; ``prob[b, i, j]``: probability i succeeds against j;
    ``eu[b, i, j]``: expected utility to i of challenging j (own risk exponent);
    ``risk``: the risk exponents r; ``new_positions``: positions after the offers are accepted.
    """

    votes: np.ndarray
    median: np.ndarray
    prob: np.ndarray
    eu: np.ndarray
    risk: np.ndarray
    new_positions: np.ndarray


@dataclass(frozen=True)
class ChallengeResult:
    """Forecast (per row), the positions after the last round and how many rounds ran."""

    forecast: np.ndarray
    positions: np.ndarray
    rounds: int
    converged: np.ndarray


def _gaps(x: np.ndarray, span: np.ndarray) -> np.ndarray:
    """dist[b, i, j] = |x_i - x_j| / range, 0 where the two positions count as one (SAME_POSITION)."""
    dist = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]
    return np.where(dist < SAME_POSITION, 0.0, dist)


def _snap(eu: np.ndarray) -> np.ndarray:
    """Expected utilities within EU_TOLERANCE of 0 set to 0."""
    return np.where(np.abs(eu) <= EU_TOLERANCE, 0.0, eu)


def _votes(x: np.ndarray, w: np.ndarray, valid: np.ndarray, span: np.ndarray) -> np.ndarray:
    """votes[b, j, k] = sum_i w_i (|x_i - x_k| - |x_i - x_j|) / range: i's support for j over k."""
    dist = _gaps(x, span)  # dist[b, i, j]
    wv = np.where(valid, w, 0.0)
    # sum over voters i of w_i (dist[i, k] - dist[i, j])
    agg = np.einsum("bi,bij->bj", wv, dist)
    v = agg[:, None, :] - agg[:, :, None]
    pair = valid[:, :, None] & valid[:, None, :]
    return np.where(pair, v, 0.0)


def _median(x: np.ndarray, w: np.ndarray, valid: np.ndarray, span: np.ndarray) -> np.ndarray:
    """The weighted Condorcet winner among the actors' positions (pairwise votes above).

    The votes are differences of one score per position, so the winner maximises it; where
    several positions tie, the midpoint of the lowest and highest of them.
    """
    dist = _gaps(x, span)
    score = -np.einsum("bi,bij->bj", np.where(valid, w, 0.0), dist)
    score = np.where(valid, score, -np.inf)
    best = score.max(axis=1, keepdims=True)
    tie = valid & (score >= best - 1e-12 * np.maximum(np.abs(best), 1.0))
    lo = np.where(tie, x, np.inf).min(axis=1)
    hi = np.where(tie, x, -np.inf).max(axis=1)
    return (lo + hi) / 2.0


def _probability(x: np.ndarray, w: np.ndarray, valid: np.ndarray, span: np.ndarray) -> np.ndarray:
    """prob[b, i, j]: share of the weighted votes in the contest i against j that favour i.

    Each actor k votes w_k (|x_k - x_j| - |x_k - x_i|) / range; the probability is the sum of
    the votes for i over the sum of the absolute votes. 0 where i and j stand at one position
    (no contest).
    """
    d = _gaps(x, span)  # d[b, k, m]
    wv = np.where(valid, w, 0.0)
    # vote of k in contest (i, j): d[k, j] - d[k, i]
    diff = d[:, :, None, :] - d[:, :, :, None]  # diff[b, k, i, j] = d[k, j] - d[k, i]
    pos = np.einsum("bk,bkij->bij", wv, np.maximum(diff, 0.0))
    tot = np.einsum("bk,bkij->bij", wv, np.abs(diff))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tot > 0, pos / np.where(tot > 0, tot, 1.0), 0.0)
    pair = valid[:, :, None] & valid[:, None, :] & (d > 0)
    return np.where(pair, p, 0.0)


def _expected_utility(x, sal, valid, span, median, prob, r_pair, cfg: ChallengeConfig) -> np.ndarray:
    """eu[b, i, j]: i's expected utility of challenging j, utilities with exponent r_pair[b, i, j].

    EU = s_j (P_ij U_s + (1 - P_ij) U_f) + (1 - s_j) U_s - (Q U_sq + (1 - Q)(T U_b + (1 - T) U_w)),
    U = 2 - 4 (1/2 -+ distance/2)^r as in Scholz et al. (2011), Section 3.
    """
    a = _gaps(x, span)  # |x_i - x_j| / range
    to_mu = np.abs(x - median[:, None]) / span[:, None]
    to_mu = np.where(to_mu < SAME_POSITION, 0.0, to_mu)
    m = to_mu[:, :, None] + a  # (|x_i - mu| + |x_i - x_j|)
    a = np.clip(a, 0.0, 1.0)
    m = np.clip(m, 0.0, 2.0)
    r = r_pair
    u_s = 2 - 4 * (0.5 - 0.5 * a) ** r
    u_f = 2 - 4 * (0.5 + 0.5 * a) ** r
    u_b = 2 - 4 * (0.5 - 0.25 * m) ** r
    u_w = 2 - 4 * (0.5 + 0.25 * m) ** r
    u_sq = 2 - 4 * 0.5 ** r
    s_j = sal[:, None, :]
    eu = s_j * (prob * u_s + (1 - prob) * u_f) + (1 - s_j) * u_s
    eu = eu - (cfg.q * u_sq + (1 - cfg.q) * (cfg.t * u_b + (1 - cfg.t) * u_w))
    n = x.shape[1]
    pair = valid[:, :, None] & valid[:, None, :] & ~np.eye(n, dtype=bool)[None]
    return np.where(pair, eu, 0.0)


def _risk(eu: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Risk exponents r_i = (1 - R_i/3) / (1 + R_i/3) from exposure (Scholz et al. 2011, Section 5).

    Exposure of i: sum over j of EU_ji (what the others expect from challenging i); R_i places it
    between the least and the most exposed actor of the issue on [-1, 1]; r lies in [1/2, 2].
    Exposures that differ by less than EU_TOLERANCE (relative) are equal: where all are, every
    R_i is 0, rather than +-1 from rounding noise.
    """
    exposure = np.where(valid, eu.sum(axis=1), np.nan)  # sum over challengers j of eu[j, i]
    hi = np.nanmax(np.where(valid, exposure, -np.inf), axis=1, keepdims=True)
    lo = np.nanmin(np.where(valid, exposure, np.inf), axis=1, keepdims=True)
    spread = hi - lo
    size = np.maximum(np.maximum(np.abs(hi), np.abs(lo)), 1.0)
    spread = np.where(np.isfinite(spread) & (spread > EU_TOLERANCE * size), spread, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.where(spread > 0, (2 * exposure - hi - lo) / np.where(spread > 0, spread, 1.0), 0.0)
    big_r = np.where(valid, np.clip(big_r, -1.0, 1.0), 0.0)
    return (1 - big_r / 3) / (1 + big_r / 3)


def _round(x, w, sal, valid, span, cfg: ChallengeConfig) -> ChallengeRound:
    votes = _votes(x, w, valid, span)
    mu = _median(x, w, valid, span)
    prob = _probability(x, w, valid, span)
    n = x.shape[1]
    ones = np.ones(x.shape[:1] + (n, n))
    eu = _expected_utility(x, sal, valid, span, mu, prob, ones, cfg)
    r = np.ones_like(x)
    if cfg.risk:
        r = _risk(eu, valid)
        eu = _expected_utility(x, sal, valid, span, mu, prob, np.broadcast_to(r[:, :, None], ones.shape), cfg)
    if cfg.perspective == "perceived" and cfg.risk:
        # the target i judges challenger j's EU_ji with its own exponent r_i: eu_by_target[b, j, i]
        eu_seen = _expected_utility(x, sal, valid, span, mu, prob,
                                    np.broadcast_to(r[:, None, :], ones.shape), cfg)
    else:
        eu_seen = eu
    new = _accept_offers(x, valid, eu, eu_seen, span, cfg)
    return ChallengeRound(votes=votes, median=mu, prob=prob, eu=eu, risk=r, new_positions=new)


def _accept_offers(x, valid, eu, eu_seen, span, cfg: ChallengeConfig) -> np.ndarray:
    """Each actor i takes the best credible offer among the challenges it receives.

    From challenger j (EU_ji > 0, x_j not at x_i), with EU_ij i's own expected utility of
    challenging j: conflict lost (EU_ji > EU_ij > 0) -> x_j; compromise (EU_ij <= 0 < EU_ji,
    |EU_ij| < EU_ji) -> x_i + (x_j - x_i)|EU_ij| / EU_ji; capitulation (EU_ij <= 0,
    |EU_ij| >= EU_ji) -> x_j; conflict won (EU_ij >= EU_ji > 0) -> no move. Every comparison
    allows EU_TOLERANCE, so equal expected utilities compare equal whatever the order of the
    actors (rounding differs with it); an offer is chosen among those tied within the tolerance.
    """
    tol = EU_TOLERANCE
    e_ij = _snap(eu)  # [b, i, j] i's EU of challenging j
    e_ji = _snap(np.swapaxes(eu_seen, 1, 2))  # [b, i, j] j's EU of challenging i as i sees it
    xi = x[:, :, None]
    xj = x[:, None, :]
    n = x.shape[1]
    apart = _gaps(x, span) > 0
    offer = (valid[:, :, None] & valid[:, None, :] & ~np.eye(n, dtype=bool)[None] & apart & (e_ji > 0))
    lose = offer & (e_ij > 0) & (e_ji > e_ij + tol)
    comp = offer & (e_ij <= 0) & (np.abs(e_ij) < e_ji - tol)
    capit = offer & (e_ij <= 0) & ~comp
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(comp, np.abs(e_ij) / np.where(e_ji > 0, e_ji, 1.0), 0.0)
    target = np.where(lose | capit, np.broadcast_to(xj, e_ij.shape), xi + (xj - xi) * frac)
    moving = lose | comp | capit
    move = np.abs(target - xi) / span[:, None, None]  # how far the offer moves i, share of the range
    if cfg.offer_choice == "closest":
        # the offer that moves i least; ties: the one whose sender expects most
        keep = _least(moving, move, tol)
        keep = _least(keep, -e_ji, tol)
    else:
        keep = _least(moving, -e_ji, tol)
        keep = _least(keep, move, tol)
    # still tied: the lowest target, which no order of the actors changes
    chosen = np.where(keep, target, np.inf).min(axis=2)
    any_move = moving.any(axis=2)
    return np.where(any_move & valid, chosen, x)


def _least(candidates: np.ndarray, key: np.ndarray, tol: float) -> np.ndarray:
    """The candidates (over the last axis) whose key lies within ``tol`` of the smallest."""
    k = np.where(candidates, key, np.inf)
    best = k.min(axis=-1, keepdims=True)
    return candidates & (k <= best + tol)


def challenge_round(positions, saliences, capabilities, status_quo=None,
                    config: ChallengeConfig | None = None) -> ChallengeRound:
    """One round of the challenge model with its key quantities, for inspection and tests."""
    cfg = config or ChallengeConfig()
    b = prepare(positions, saliences, capabilities, status_quo)
    _, _, span = position_range(b)
    span = np.where(np.isfinite(span) & (span > 0), span, 1.0)
    return _round(b.positions, b.weight, b.saliences / cfg.salience_scale, b.valid, span, cfg)


def _check_saliences(b: Batch, cfg: ChallengeConfig) -> np.ndarray:
    sal = b.saliences / cfg.salience_scale
    if np.any(sal > 1 + 1e-9):
        raise ValueError(f"a salience exceeds salience_scale={cfg.salience_scale:g}; saliences "
                         "are read as probabilities after dividing by it")
    return np.clip(sal, 0.0, 1.0)


def run_challenge(positions, saliences, capabilities, status_quo=None,
                  config: ChallengeConfig | None = None) -> ChallengeResult:
    """Run the challenge model to convergence or ``config.rounds`` on a batch of issues."""
    cfg = config or ChallengeConfig()
    b = prepare(np.atleast_2d(np.asarray(positions, dtype=float)), saliences, capabilities, status_quo)
    sal = _check_saliences(b, cfg)
    w = b.capabilities * sal  # capability x salience (the scale of salience does not matter here)
    _, _, span = position_range(b)
    usable = np.isfinite(span) & (span > 0) & (np.where(b.valid, w, 0).sum(axis=1) > 0)
    span = np.where(usable, span, 1.0)
    x = b.positions.copy()
    converged = np.zeros(x.shape[0], dtype=bool)
    done = 0
    for step in range(1, cfg.rounds + 1):  # rounds, never issues, are looped over
        done = step
        new = _round(x, w, sal, b.valid, span, cfg).new_positions
        moved = np.where(b.valid, np.abs(new - x), 0.0).max(axis=1)
        x = np.where(usable[:, None], new, x)
        converged = moved <= cfg.tolerance * span
        if converged.all():
            break
    if cfg.outcome == "median":
        out = _median(x, w, b.valid, span)
    else:
        tot = np.where(b.valid, w, 0).sum(axis=1)
        out = (np.where(b.valid, w * x, 0).sum(axis=1)) / np.where(tot > 0, tot, 1.0)
    # issues with no spread: every actor stands at the same place, which is the forecast
    lo, _, rng = position_range(b)
    out = np.where(np.isfinite(rng) & (rng == 0), lo, out)
    weightless = np.where(b.valid, w, 0).sum(axis=1) <= 0
    out = np.where(weightless | ~b.valid.any(axis=1), np.nan, out)
    return ChallengeResult(forecast=out, positions=np.where(b.valid, x, np.nan), rounds=done,
                           converged=converged | ~usable)


def expected_utility(positions, saliences, capabilities, status_quo=None,
                     config: ChallengeConfig | None = None):
    """Forecast of the challenge model (Scholz et al. 2011; Bueno de Mesquita 1994).

    One issue (n_actors,) -> float, many (n_rows, n_actors) -> (n_rows,). ``status_quo`` is
    accepted for a common signature: the model's status quo enters through Q and T only.
    """
    single = np.asarray(positions).ndim == 1
    res = run_challenge(positions, saliences, capabilities, status_quo, config)
    return float(res.forecast[0]) if single else res.forecast
