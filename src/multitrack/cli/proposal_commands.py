"""``multitrack evaluate SCENARIO --proposal P.yaml``: who accepts a proposed package, over the
run's draws, and why not; its effect on the analyses that read its tracks; the nearest outcomes
that pass; several proposals ranked. Bad input exits with status 2 and one line."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

_out = Console(emoji=False, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)


def _refuse(message: str) -> None:
    _err.print(" ".join(str(message).split()), markup=False)
    raise typer.Exit(2)


def evaluate_command(
    scenario: str = typer.Argument(..., help="Scenario file or built-in scenario name."),
    proposal: Path = typer.Option(..., "--proposal", "-p",
                                  help="Proposal file (YAML: proposals: [{id, title, "
                                       "tracks: {TRACK: {ISSUE: value or [values]}}}])."),
    draws: int | None = typer.Option(None, "--draws", help="Monte Carlo draws (default: the run's default)."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the draws."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    no_effects: bool = typer.Option(False, "--no-effects", help="Skip the deterrence and escalation runs."),
) -> None:
    """Evaluate proposals: each party's acceptance probability and reasons, the effects on linked
    analyses, the nearest passing outcomes."""
    from ..errors import MultitrackError
    from ..proposals import evaluate_proposals, load_proposals
    from ..scenario import load
    from ..settlement import Settlement
    from . import terminal

    try:
        scen = load(scenario)
        props = load_proposals(proposal, scen)
        settlement = Settlement.from_scenario(scen, draws=draws, seed=seed)
        result = evaluate_proposals(scen, props, settlement=settlement, effects=not no_effects)
    except (MultitrackError, ValueError) as exc:
        _refuse(str(exc))
        return
    if as_json:
        _out.print(json.dumps(result.to_dict(), indent=2), markup=False, soft_wrap=True)
        return
    terminal.show_evaluation(_out, result)
