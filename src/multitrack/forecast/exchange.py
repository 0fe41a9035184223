"""The position-exchange model: actors trade voting positions across the issues of one proposal.

Stokman and Van Oosten (1994), "The exchange of voting positions: an object-oriented model of
policy networks", in Bueno de Mesquita and Stokman (eds.), *European Community Decision
Making: Models, Applications, and Comparisons*, Yale UP, pp. 105-127; applied to the DEU data
in Arregui, Stokman and Thomson (2006), "Compromise, exchange and challenge in the European
Union", in Thomson, Stokman, Achen and Koenig (eds.), *The European Union Decides*, Cambridge
UP. The exchange rate that splits the gain equally is the "equal gain" rate of the later
literature (Van Assen, Stokman and Van Oosten 2003, "Conflict measures in cooperative exchange
models of collective decision-making", *Rationality and Society* 15(1), 85-112, which compares
it with other rates).

The model, for the issues ``d`` of one proposal, actors ``i`` with capability ``c_id``,
salience ``s_id`` and preferred position ``x_id``:

* The **expected outcome** of an issue is the compromise of the actors' *voting* positions
  ``v_id`` (at first equal to ``x_id``): ``O_d = sum_i c_id s_id v_id / W_d`` with
  ``W_d = sum_i c_id s_id``. Moving ``v_id`` by ``delta`` moves ``O_d`` by
  ``c_id s_id delta / W_d``.
* An actor's utility falls linearly with the salience-weighted distance between its preferred
  position and the expected outcome, so moving ``O_d`` by ``t`` towards (away from) ``x_id``
  gains (loses) ``s_id t``.
* Actors ``i`` and ``j`` can **exchange** on issues ``p`` and ``q`` when they stand on opposite
  sides of the expected outcome on both and ``s_iq / s_ip > s_jq / s_jp``: ``i`` cares
  relatively more about ``q``, ``j`` about ``p``. Then ``i`` moves its voting position on ``p``
  towards ``j`` (moving ``O_p`` by ``a``) and ``j`` on ``q`` towards ``i`` (moving ``O_q`` by
  ``b``): ``i`` gains ``s_iq b - s_ip a``, ``j`` gains ``s_jp a - s_jq b``.
* **Equal gain**: ``b = a (s_ip + s_jp) / (s_iq + s_jq)``, and then each gains
  ``a (s_iq s_jp - s_ip s_jq) / (s_iq + s_jq)``, positive exactly when the salience ratios
  differ as above. ``a`` is made as large as possible: a voting position moves at most to the
  current expected outcome, so ``a <= c_ip s_ip |O_p - v_ip| / W_p`` and
  ``b <= c_jq s_jq |O_q - v_jq| / W_q``; the actor that reaches the outcome first sets the size,
  and the shifts follow as ``delta_i = a W_p / (c_ip s_ip)``, ``delta_j = b W_q / (c_jq s_jq)``.
  Nor does an exchange move an expected outcome past the preferred position of the partner
  who asked for the move (``a <= |x_jp - O_p|``, ``b <= |x_iq - O_q|``): beyond it the partner
  would lose again, and the linear gains above would no longer hold.
* Exchanges are made in order of their gain, highest first; an exchange is skipped when one of
  its actors' positions on one of its two issues already took part in an exchange in this round.
  After the round the expected outcomes are recomputed and the next round starts. The forecast
  is the expected outcome after the last round, i.e. the compromise of the voting positions.

Where the papers leave a choice open, this code chooses (also in docs/forecasting.md,
"The exchange model"):

1. *Rounds*: a setting (:class:`ExchangeConfig`, ``rounds``). One round makes the exchanges
   that the starting expected outcomes allow; more rounds repeat this on the updated expected
   outcomes, as iterated versions of the model do (the sources we could consult do not fix the
   number). The trainable model ``exchange`` picks the number from
   ``ROUNDS_GRID`` by the lowest MAE on its training issues; rounds stop early when no exchange
   is left.
2. *One exchange per actor-issue per round*: all four actor-issue positions of an exchange
   (``i`` and ``j`` on ``p`` and on ``q``) count as used, so that no actor moves on an issue it
   is demanding elsewhere in the same round. Exchanges of one round are all computed against
   the expected outcomes at the start of the round and applied together.
3. *No overshooting*: a voting position moves at most to the expected outcome at the start of
   the round (not to the outcome its own move creates), so voting positions never leave the
   range of the preferred positions; nor is an expected outcome moved past the preferred
   position of the partner who gains from the move.
4. *Sides and utility* use the preferred positions; the room to move uses the voting
   positions (an actor whose voting position is already at or past the outcome cannot supply).
   An actor exactly at the expected outcome has no side and does not exchange.
5. *Missing positions*: an actor without a position on an issue (NaN) takes part in no exchange
   involving that issue; actors with zero salience or capability move nothing and gain nothing,
   so they never exchange either.
6. *Ties* in gain (within a relative 1e-9, as coarse DEU codings produce) are broken by the
   actors' labels (the actor names of an :class:`IssueSet`), then the issue order, so that the
   forecast does not depend on the order of the actor columns.
7. *Single-issue proposals* (and proposals where no pair gains) are not bargained: their
   forecast is the compromise model's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .readers import IssueSet
from .trainable import FittedForecast, TrainableModel, register

#: Rounds the trainable model chooses from (the first of equally good ones).
ROUNDS_GRID: tuple[int, ...] = (1, 2, 3, 5, 10, 20)

_TIE = 1e-9  # relative tolerance within which two gains count as equal
_EPS = 1e-12  # gains at most this (relative to the largest) count as none


@dataclass(frozen=True)
class ExchangeConfig:
    """How many rounds of exchange (each round: the best exchanges, then new expected outcomes)."""

    rounds: int = 1

    def __post_init__(self) -> None:
        if self.rounds < 0:
            raise ValueError("rounds must not be negative")


@dataclass(frozen=True)
class Exchanges:
    """The exchanges possible in one round, one entry per exchange (best first).

    Actor ``i`` shifts on issue ``p`` (its supply issue) by ``shift_i`` towards ``j``; actor
    ``j`` shifts on ``q`` by ``shift_j`` towards ``i``; ``gain`` is each actor's utility gain
    (equal by construction); ``move_p``/``move_q`` the shifts of the expected outcomes.
    """

    i: np.ndarray
    j: np.ndarray
    p: np.ndarray
    q: np.ndarray
    gain: np.ndarray
    shift_i: np.ndarray  # signed change of v[p, i]
    shift_j: np.ndarray  # signed change of v[q, j]
    move_p: np.ndarray
    move_q: np.ndarray

    def __len__(self) -> int:
        return len(self.gain)


def expected_outcomes(voting: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Compromise of the voting positions per issue (rows); NaN where no actor has weight."""
    total = weight.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (weight * voting).sum(axis=1) / np.where(total > 0, total, 1.0), np.nan)


def _rank(labels: Sequence[str] | None, n: int) -> np.ndarray:
    if labels is None:
        return np.arange(n)
    if len(labels) != n:
        raise ValueError(f"{len(labels)} actor labels for {n} actors")
    return np.argsort(np.argsort(np.asarray(labels, dtype=object), kind="stable"), kind="stable")


def possible_exchanges(preferred: np.ndarray, voting: np.ndarray, saliences: np.ndarray,
                       capabilities: np.ndarray, labels: Sequence[str] | None = None) -> Exchanges:
    """Every exchange that gains both partners, given the voting positions of this round.

    Arrays over (issues, actors) of one proposal; NaN in ``preferred`` marks an actor without a
    position. Vectorised over pairs of issues and pairs of actors. Sorted by gain (highest first;
    ties by actor labels, then issues).
    """
    x0 = np.asarray(preferred, dtype=float)
    m, n = x0.shape
    valid = ~np.isnan(x0)
    s = np.where(valid, np.asarray(saliences, dtype=float), 0.0)
    c = np.where(valid, np.asarray(capabilities, dtype=float), 0.0)
    v = np.where(valid, np.asarray(voting, dtype=float), 0.0)
    w = c * s
    total = w.sum(axis=1, keepdims=True)
    outcome = expected_outcomes(v, w)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        pull = np.where(total > 0, w / np.where(total > 0, total, 1.0), 0.0)  # dO/dv
        side = np.where(valid & (total > 0), np.sign(np.where(valid, x0, 0.0) - outcome), 0.0)
        room = np.where(side != 0, np.maximum(-side * (outcome - v), 0.0), 0.0)  # |O - v| towards O
    reach = room * pull  # the most each actor can move the expected outcome on each issue
    gap = np.where(side != 0, np.abs(np.where(valid, x0, 0.0) - outcome), 0.0)  # |x - O|
    # axes: (p, q, i, j); i supplies p, j supplies q
    s_ip, s_iq = s[:, None, :, None], s[None, :, :, None]
    s_jp, s_jq = s[:, None, None, :], s[None, :, None, :]
    cross = s_iq * s_jp - s_ip * s_jq
    denom_q = s_iq + s_jq
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(denom_q > 0, (s_ip + s_jp) / np.where(denom_q > 0, denom_q, 1.0), np.inf)
        # i's own room on p, j's room on q; O_p not past j's and O_q not past i's preferred position
        a = np.minimum(np.minimum(reach[:, None, :, None], reach[None, :, None, :] / rate),
                       np.minimum(gap[:, None, None, :], gap[None, :, :, None] / rate))
        gain = np.where(denom_q > 0, a * cross / np.where(denom_q > 0, denom_q, 1.0), 0.0)
    opposite = ((side[:, None, :, None] * side[:, None, None, :]) < 0) & \
        ((side[None, :, :, None] * side[None, :, None, :]) < 0)
    pairs = (np.arange(m)[:, None] != np.arange(m)[None, :])[:, :, None, None] & \
        (np.arange(n)[:, None] < np.arange(n)[None, :])[None, None, :, :]
    scale = float(np.nanmax(np.where(opposite & pairs, np.abs(gain), 0.0), initial=0.0))
    ok = pairs & opposite & (cross > 0) & (gain > _EPS * max(scale, 1e-300))
    p, q, i, j = np.nonzero(ok)
    g = gain[p, q, i, j]
    a_ok = a[p, q, i, j]
    b_ok = a_ok * rate[p, q, i, j]
    shift_i = -side[p, i] * a_ok / pull[p, i]
    shift_j = -side[q, j] * b_ok / pull[q, j]
    rank = _rank(labels, n)
    first = np.minimum(rank[i], rank[j])
    second = np.maximum(rank[i], rank[j])
    own = np.where(rank[i] < rank[j], p, q)  # the supply issue of the first-ranked actor
    level = np.round(g / (scale if scale > 0 else 1.0) / _TIE)
    order = np.lexsort((own, second, first, -level))
    return Exchanges(i[order], j[order], p[order], q[order], g[order], shift_i[order], shift_j[order],
                     (-side[p, i] * a_ok)[order], (-side[q, j] * b_ok)[order])


def select(ex: Exchanges, n_actors: int) -> np.ndarray:
    """Indices of the exchanges made in one round: best first, each actor-issue position once."""
    if not len(ex):
        return np.zeros(0, dtype=int)
    cells = np.stack([ex.p * n_actors + ex.i, ex.q * n_actors + ex.i,
                      ex.p * n_actors + ex.j, ex.q * n_actors + ex.j], axis=1)
    used = np.zeros(int(cells.max()) + 1, dtype=bool)
    alive = np.ones(len(ex), dtype=bool)
    chosen = []
    while alive.any():  # one pass per exchange made, never per candidate
        k = int(np.argmax(alive))
        chosen.append(k)
        used[cells[k]] = True
        alive &= ~used[cells].any(axis=1)
    return np.asarray(chosen, dtype=int)


def exchange_positions(positions, saliences, capabilities, rounds: int = 1,
                       labels: Sequence[str] | None = None) -> np.ndarray:
    """Voting positions after ``rounds`` rounds of exchange among the issues of one proposal.

    Arrays of shape (issues, actors); NaN positions stay NaN. Stops early when no exchange is
    left.
    """
    x0 = np.asarray(positions, dtype=float)
    if x0.ndim != 2:
        raise ValueError(f"positions of one proposal must have shape (issues, actors), not {x0.shape}")
    s = np.broadcast_to(np.asarray(saliences, dtype=float), x0.shape)
    c = np.broadcast_to(np.asarray(capabilities, dtype=float), x0.shape)
    valid = ~np.isnan(x0)
    if np.any(valid & (np.isnan(s) | np.isnan(c))):
        raise ValueError("an actor with a position has no salience or no capability")
    if np.any(valid & ((s < 0) | (c < 0))):
        raise ValueError("saliences and capabilities must not be negative")
    v = x0.copy()
    n = x0.shape[1]
    for _ in range(rounds if x0.shape[0] > 1 else 0):
        ex = possible_exchanges(x0, v, s, c, labels)
        made = select(ex, n)
        if not len(made):
            break
        v[ex.p[made], ex.i[made]] += ex.shift_i[made]
        v[ex.q[made], ex.j[made]] += ex.shift_j[made]
    return v


def exchange_forecast(issues: IssueSet, config: ExchangeConfig | None = None) -> np.ndarray:
    """Forecast per issue: the compromise of the voting positions after exchange within each
    proposal (``issues.groups``); NaN where no actor has a positive weight."""
    cfg = config or ExchangeConfig()
    out = np.full(len(issues), np.nan)
    groups = np.asarray(issues.groups, dtype=object)
    for g in dict.fromkeys(issues.groups):  # a Python loop per proposal
        rows = np.flatnonzero(groups == g)
        x0 = issues.positions[rows]
        s, c = issues.saliences[rows], issues.capabilities[rows]
        v = exchange_positions(x0, s, c, cfg.rounds, issues.actors)
        valid = ~np.isnan(x0)
        w = np.where(valid, np.nan_to_num(s) * np.nan_to_num(c), 0.0)
        out[rows] = expected_outcomes(np.where(valid, v, 0.0), w)
    return out


def _fit(train: IssueSet, seed: int) -> FittedForecast:
    """Pick the number of rounds with the lowest MAE on the training issues (ties: fewer rounds).

    Given the number of rounds the model learns nothing from data, so grouped cross-validation
    inside the training issues would score every setting on exactly the errors used here."""
    errors = [float(np.nanmean(np.abs(exchange_forecast(train, ExchangeConfig(r)) - train.outcome)))
              for r in ROUNDS_GRID]
    best = ROUNDS_GRID[int(np.nanargmin(errors))]
    cfg = ExchangeConfig(best)
    by_rounds = dict(zip(map(str, ROUNDS_GRID), errors, strict=True))
    return FittedForecast("exchange", f"rounds={best}", lambda issues: exchange_forecast(issues, cfg),
                          {"rounds": best, "training_mae": by_rounds})


EXCHANGE = register(TrainableModel(
    "exchange",
    "Stokman and Van Oosten (1994), in Bueno de Mesquita and Stokman (eds.), European Community "
    "Decision Making, Yale UP, pp. 105-127; Arregui, Stokman and Thomson (2006), in Thomson, "
    "Stokman, Achen and Koenig (eds.), The European Union Decides, Cambridge UP",
    _fit,
    free_parameters=True,
    choices=(
        f"rounds chosen from {ROUNDS_GRID} by training error",
        "equal gain; shifts stop at the round's expected outcome",
        "each actor-issue position in one exchange per round; exchanges by gain, ties by actor name",
        "sides by preferred positions; single-issue proposals: the compromise",
    ),
    summary="position exchange between issues of one proposal, then the compromise of voting positions",
))

__all__ = ["EXCHANGE", "ROUNDS_GRID", "ExchangeConfig", "Exchanges", "exchange_forecast",
           "exchange_positions", "expected_outcomes", "possible_exchanges", "select"]
