"""Probabilistic Condorcet election over the actors' positions, in the manner of KAPSARC's KTAB
spatial model (Wise, Lester and Efird 2015, "An introduction to the KAPSARC Toolkit for
Behavioral Analysis (KTAB) using one-dimensional spatial models", KAPSARC discussion paper;
Efird, Lester and Wise 2016 on probabilistic Condorcet elections).

Every position held by an actor (and, if asked, the status quo) is an option. Actors support one
option against another with their weight (capability x salience) times the utility difference,
utility falling linearly with distance. The chance that an option beats another grows with the
support it gathers; a Markov chain in which a randomly chosen challenger replaces the current
option with that chance has a stationary distribution over the options, and the forecast is its
expected position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._arrays import position_range, prepare


@dataclass(frozen=True)
class CondorcetConfig:
    """Settings of the probabilistic Condorcet model.

    - ``contest_power`` (gamma): P(j beats k) = S_jk^gamma / (S_jk^gamma + S_kj^gamma), where S_jk is
      the weighted support for j over k. 1 is KTAB's linear victory model; larger values make
      the stronger coalition win more surely (KTAB's square and quartic models are 2 and 4).
    - ``include_status_quo``: add the status quo as an option where it is known.
    - ``outcome``: ``"expected"`` (mean position under the stationary distribution) or
      ``"mode"`` (the most probable option).
    """

    contest_power: float = 1.0
    include_status_quo: bool = False
    outcome: str = "expected"

    def __post_init__(self) -> None:
        if not self.contest_power > 0:
            raise ValueError("contest_power must be positive")
        if self.outcome not in ("expected", "mode"):
            raise ValueError("outcome is 'expected' or 'mode'")


@dataclass(frozen=True)
class CondorcetResult:
    """Options per row, the probability each is the outcome, the pairwise victory probabilities
    ``beats[b, j, k]`` (option j replaces k) and the forecast."""

    options: np.ndarray
    probabilities: np.ndarray
    beats: np.ndarray
    forecast: np.ndarray


def run_condorcet(positions, saliences, capabilities, status_quo=None,
                  config: CondorcetConfig | None = None) -> CondorcetResult:
    """Stationary distribution over the options of a batch of issues and its forecast."""
    cfg = config or CondorcetConfig()
    b = prepare(np.atleast_2d(np.asarray(positions, dtype=float)), saliences, capabilities, status_quo)
    w = np.where(b.valid, b.weight, 0.0)
    _, _, span = position_range(b)
    span = np.where(np.isfinite(span) & (span > 0), span, 1.0)
    opts = b.positions
    ok = b.valid.copy()
    if cfg.include_status_quo:
        sq = b.status_quo
        opts = np.concatenate([opts, np.where(np.isnan(sq), 0.0, sq)[:, None]], axis=1)
        ok = np.concatenate([ok, ~np.isnan(sq)[:, None]], axis=1)
    rows, m = opts.shape
    # utility of voter i for option j: -|x_i - o_j| / range
    dist = np.abs(b.positions[:, :, None] - opts[:, None, :]) / span[:, None, None]  # [b, i, j]
    # support for j over k: sum_i w_i max(0, d[i, k] - d[i, j])
    diff = dist[:, :, None, :] - dist[:, :, :, None]  # [b, i, j, k] = d[i, k] - d[i, j]
    support = np.einsum("bi,bijk->bjk", w, np.maximum(diff, 0.0))
    g = cfg.contest_power
    sj = support ** g
    sk = np.swapaxes(support, 1, 2) ** g
    tot = sj + sk
    with np.errstate(invalid="ignore", divide="ignore"):
        beats = np.where(tot > 0, sj / np.where(tot > 0, tot, 1.0), 0.5)
    pair = ok[:, :, None] & ok[:, None, :] & ~np.eye(m, dtype=bool)[None]
    beats = np.where(pair, beats, 0.0)
    n_ok = ok.sum(axis=1)
    # transition k -> j: a challenger j drawn uniformly from the other valid options wins
    with np.errstate(invalid="ignore", divide="ignore"):
        move = np.swapaxes(beats, 1, 2) / np.maximum(n_ok - 1, 1)[:, None, None]  # [b, k, j]
    # options that are not valid are left at once for the first valid one (transient states)
    first_ok = np.argmax(ok, axis=1)
    leave = np.zeros_like(move)
    leave[np.arange(rows), :, first_ok] = 1.0
    move = np.where(ok[:, :, None], move, leave)
    stay = 1.0 - move.sum(axis=2)
    trans = move + stay[:, :, None] * np.eye(m)[None]
    # stationary distribution: pi (T - I) = 0, sum pi = 1 (one closed class, see docs)
    a = np.swapaxes(trans, 1, 2) - np.eye(m)[None]
    a[:, -1, :] = 1.0
    rhs = np.zeros((rows, m))
    rhs[:, -1] = 1.0
    empty = n_ok == 0
    a[empty] = np.eye(m)
    pi = np.linalg.solve(a, rhs[:, :, None])[:, :, 0]
    pi = np.where(ok, np.clip(pi, 0.0, None), 0.0)
    pi = pi / np.where(pi.sum(axis=1, keepdims=True) > 0, pi.sum(axis=1, keepdims=True), 1.0)
    if cfg.outcome == "expected":
        out = (pi * opts).sum(axis=1)
    else:
        out = opts[np.arange(rows), np.argmax(pi, axis=1)]
    weightless = w.sum(axis=1) <= 0
    out = np.where(empty | weightless, np.nan, out)
    return CondorcetResult(options=np.where(ok, opts, np.nan), probabilities=pi, beats=beats, forecast=out)


def probabilistic_condorcet(positions, saliences, capabilities, status_quo=None,
                            config: CondorcetConfig | None = None):
    """Forecast of the KTAB-style probabilistic Condorcet model (Wise, Lester and Efird 2015).

    One issue (n_actors,) -> float, many (n_rows, n_actors) -> (n_rows,).
    """
    b_single = np.asarray(positions).ndim == 1
    res = run_condorcet(positions, saliences, capabilities, status_quo, config)
    return float(res.forecast[0]) if b_single else res.forecast
