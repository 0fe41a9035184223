"""A small general solver for FiniteCrisis games: all pure perfect Bayesian equilibria.

Build the Bayesian normal form (ex-ante expected payoffs of every pure strategy profile, a
strategy of a guarantor being one action per type), keep its Nash equilibria, then keep those
in which every guarantor type of positive prior moves optimally after an attack given its
beliefs (prior conditioned on its own type; the challenger's move reveals nothing). That is
the pure PBE set of this class (Fudenberg & Tirole 1991, *Game Theory*, MIT Press, ch. 8).
Exhaustive, so meant for small games: a check on the closed forms, not the engine.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from multitrack.deterrence.finite import FiniteCrisis


@dataclass(frozen=True)
class PureEquilibrium:
    """attack: challenger's move.  strategies: per guarantor, respond (True) per type.
    respond: P_i, the chance guarantor i responds to an attack.  payoffs: ex-ante, per player."""

    attack: bool
    strategies: tuple[tuple[bool, ...], ...]
    respond: tuple[float, ...]
    payoffs: tuple[float, ...]


def strategy_table(n_types: int) -> np.ndarray:
    """(2**n, n) 0/1: row s is pure strategy s, column t the action of type t."""
    return np.array(list(itertools.product((0, 1), repeat=n_types)), dtype=int).reshape(2 ** n_types, n_types)


def response_index(game: FiniteCrisis, strategy: tuple[int, ...]) -> np.ndarray:
    """(m,) column of `war` reached in each type profile under the guarantors' strategies."""
    tables = [strategy_table(n) for n in game.n_types]
    bits = [tables[i][s, game.profiles[:, i]] << i for i, s in enumerate(strategy)]
    return np.sum(bits, axis=0).astype(int) if bits else np.zeros(len(game.prior), dtype=int)


def bayesian_normal_form(game: FiniteCrisis) -> np.ndarray:
    """(2, S_1, ..., S_g, 1+g) ex-ante payoffs; axis 0 is the challenger (0 keep, 1 attack)."""
    sizes = [2 ** n for n in game.n_types]
    table = np.zeros([2, *sizes, len(game.players)])
    keep = game.prior @ game.status_quo
    for strategy in itertools.product(*[range(s) for s in sizes]):
        idx = response_index(game, strategy)
        table[(0, *strategy)] = keep
        table[(1, *strategy)] = game.prior @ game.war[np.arange(len(idx)), idx]
    return table


def bayes_nash(table: np.ndarray, tol: float = 1e-9) -> list[tuple[int, ...]]:
    """Pure profiles of the normal form where no player gains by a unilateral deviation."""
    ok = np.ones(table.shape[:-1], dtype=bool)
    for p in range(table.shape[-1]):
        ok &= table[..., p] >= table[..., p].max(axis=p, keepdims=True) - tol
    return [tuple(int(i) for i in ix) for ix in np.argwhere(ok)]


def sequentially_rational(game: FiniteCrisis, strategy: tuple[int, ...], tol: float = 1e-9) -> bool:
    """Every guarantor type of positive prior best-responds after an attack to the others, with
    beliefs the prior conditioned on its own type (payoff gaps compared in conditional terms)."""
    m = np.arange(len(game.prior))
    idx = response_index(game, strategy)
    for i, s in enumerate(strategy):
        acts = strategy_table(game.n_types[i])[s]
        gain = game.war[m, idx | (1 << i), i + 1] - game.war[m, idx & ~(1 << i), i + 1]
        for t, act in enumerate(acts):
            mine = game.profiles[:, i] == t
            if not game.prior[mine].sum() > 0:
                continue   # a type of zero prior: no belief to be rational against
            g = float(game.prior[mine] @ gain[mine]) / float(game.prior[mine].sum())
            if (act and g < -tol) or (not act and g > tol):
                return False
    return True


def pure_pbe(game: FiniteCrisis, tol: float = 1e-9) -> tuple[PureEquilibrium, ...]:
    """All pure perfect Bayesian equilibria (weak ties, within tol, admit both actions)."""
    table = bayesian_normal_form(game)
    found = [p for p in bayes_nash(table, tol) if sequentially_rational(game, p[1:], tol)]
    return tuple(_equilibrium(game, table, p) for p in found)


def _equilibrium(game: FiniteCrisis, table: np.ndarray, profile: tuple[int, ...]) -> PureEquilibrium:
    strategies = tuple(tuple(bool(a) for a in strategy_table(n)[s])
                       for n, s in zip(game.n_types, profile[1:], strict=True))
    respond = tuple(float(sum(game.prior[game.profiles[:, i] == t].sum() for t, a in enumerate(st) if a))
                    for i, st in enumerate(strategies))
    return PureEquilibrium(bool(profile[0]), strategies, respond, tuple(float(x) for x in table[profile]))
