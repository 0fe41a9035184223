"""Compare the deterrence module's general solver with Gambit (pygambit) on a few crisis games.

Gambit is GPL, so it never enters multitrack: this script makes the throw-away venv
benchmarks/.venv-gambit, pip-installs pygambit there and runs itself in that venv as a worker
(`--worker`, reading games as JSON on stdin, never importing multitrack). Gambit's pure Nash
equilibria of each game's strategic form must equal our `bayes_nash` set, and our pure PBE must
lie in it. If pygambit cannot be installed, the script says so and exits 0.

    .venv/bin/python benchmarks/check_deterrence_gambit.py [--games N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv-gambit"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--games", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.worker:
        json.dump([_gambit_pure_nash(g) for g in json.load(sys.stdin)], sys.stdout)
        return 0
    python = _gambit_python()
    if python is None:
        print("pygambit could not be installed here; nothing compared.")
        return 0
    return _compare(python, args.games, args.seed)


def _gambit_python() -> Path | None:
    python = VENV / "bin" / "python"
    try:
        if not python.exists():
            venv.create(VENV, with_pip=True)
        probe = subprocess.run([str(python), "-c", "import pygambit"], capture_output=True, check=False)
        ok = probe.returncode == 0
        if not ok:
            subprocess.run([str(python), "-m", "pip", "install", "-q", "pygambit"], check=True, timeout=600)
        return python
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"pygambit install failed: {exc}")
        return None


def _random_games(n: int, seed: int):
    import numpy as np

    from multitrack.deterrence import CrisisGame, Guarantee, to_finite

    rng = np.random.default_rng(seed)
    for k in range(n):
        gs = []
        for i in range(1 + k % 2):
            c = np.sort(rng.uniform(0, 10, 2))
            gs.append(Guarantee(f"g{i}", credibility=round(rng.uniform(0.05, 0.95), 2), cost_resolute=c[0],
                                cost_irresolute=c[1], stake=rng.uniform(-2, 8), audience_cost=rng.uniform(0, 4),
                                ambiguity=round(rng.uniform(0, 0.9), 2), tripwire=rng.uniform(0, 6),
                                tripwire_cost=rng.uniform(0, 1), war_cost=rng.uniform(0, 10),
                                umbrella=rng.uniform(0, 1), nuclear_cost=rng.uniform(0, 10),
                                escalation_cost=rng.uniform(0, 4)))
        yield to_finite(CrisisGame(tuple(gs), rng.uniform(0, 15)))


def _compare(python: Path, n: int, seed: int) -> int:
    from multitrack.deterrence import bayes_nash, bayesian_normal_form, pure_pbe
    from multitrack.deterrence.general import strategy_table

    games = list(_random_games(n, seed))
    payload = [{"n_types": list(g.n_types), "profiles": g.profiles.tolist(), "prior": g.prior.tolist(),
                "status_quo": g.status_quo.tolist(), "war": g.war.tolist()} for g in games]
    done = subprocess.run([str(python), __file__, "--worker"], input=json.dumps(payload), text=True,
                          capture_output=True, check=False)
    if done.returncode:
        print(f"the Gambit worker failed:\n{done.stderr}")
        return 1
    theirs = json.loads(done.stdout)
    bad = 0
    for j, (game, gbt_eqs) in enumerate(zip(games, theirs)):
        ours = {_as_actions(game, p, strategy_table) for p in bayes_nash(bayesian_normal_form(game))}
        gambit = {(a, tuple(tuple(s) for s in st)) for a, st in gbt_eqs}
        pbe = {(int(e.attack), tuple(tuple(int(x) for x in s) for s in e.strategies)) for e in pure_pbe(game)}
        same = ours == gambit and pbe <= gambit
        bad += not same
        print(f"game {j}: {len(ours)} pure Nash (Gambit {len(gambit)}), {len(pbe)} PBE: {'ok' if same else 'DIFFER'}")
    print("all agree" if not bad else f"{bad} games differ")
    return 1 if bad else 0


def _as_actions(game, profile, strategy_table):
    return (profile[0], tuple(tuple(int(x) for x in strategy_table(n)[s]) for n, s in zip(game.n_types, profile[1:])))


def _gambit_pure_nash(spec: dict) -> list:
    """Worker side: the game as a Gambit tree (chance, challenger, guarantors by own-type
    information sets); its pure Nash equilibria as (attack, actions per guarantor type)."""
    import pygambit as gbt

    n_g = len(spec["n_types"])
    game = gbt.Game.new_tree(players=["challenger"] + [f"g{i}" for i in range(n_g)])
    m = len(spec["prior"])
    game.append_move(game.root, game.players.chance, [f"types{j}" for j in range(m)])
    game.set_chance_probs(game.root.infoset, _normed(spec, gbt.Rational))
    sets: dict = {}
    for j, node in enumerate(game.root.children):
        _place(game, node, game.players["challenger"], ("challenger",), sets, ["keep", "attack"])
        game.set_outcome(node.children["keep"], game.add_outcome(f"keep{j}", [float(x) for x in spec["status_quo"][j]]))
        _guarantors(game, spec, j, node.children["attack"], 0, 0, sets)
    result = gbt.nash.enumpure_solve(game)
    return [_read(eq.as_behavior() if hasattr(eq, "as_behavior") else eq, sets, spec) for eq in result.equilibria]


def _normed(spec: dict, rational) -> list:
    """The prior as exact fractions that sum to one (Gambit checks the sum exactly)."""
    total = sum(spec["prior"])
    probs = [rational(p / total).limit_denominator(10**9) for p in spec["prior"][:-1]]
    return probs + [1 - sum(probs)]


def _place(game, node, player, key, sets, actions) -> None:
    if key in sets:
        game.append_infoset(node, sets[key])
    else:
        game.append_move(node, player, actions)
        sets[key] = node.infoset


def _guarantors(game, spec, j, node, i, r, sets) -> None:
    if i == len(spec["n_types"]):
        game.set_outcome(node, game.add_outcome(f"war{j}.{r}", [float(x) for x in spec["war"][j][r]]))
        return
    _place(game, node, game.players[f"g{i}"], (i, spec["profiles"][j][i]), sets, ["no", "respond"])
    _guarantors(game, spec, j, node.children["no"], i + 1, r, sets)
    _guarantors(game, spec, j, node.children["respond"], i + 1, r | (1 << i), sets)


def _read(beh, sets, spec) -> list:
    def act(key):
        return int(beh[list(sets[key].actions)[-1]] > 0.5) if key in sets else 0

    strategies = [[act((i, t)) for t in range(n)] for i, n in enumerate(spec["n_types"])]
    return [act(("challenger",)), strategies]


if __name__ == "__main__":
    sys.exit(main())
