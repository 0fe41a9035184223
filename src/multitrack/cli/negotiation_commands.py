"""``multitrack negotiate`` and ``multitrack tournament``: simulated talks on a track of a scenario
or on a Genius domain. Bad input is one line on stderr with exit status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

_out = Console(emoji=False, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

SCENARIO_HELP = "Built-in name or path to a scenario YAML file."
GENIUS_HELP = "Negotiate on a Genius XML or GeniusWeb JSON domain folder instead of a scenario track."


def _refuse(message: str) -> None:
    _err.print(" ".join(str(message).split()), markup=False)
    raise typer.Exit(2)


def _strategies(text: str):
    from ..negotiation.analysis import PRESETS

    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in names if s not in PRESETS]
    if unknown or not names:
        _refuse(f"--strategies: unknown strategy {', '.join(unknown) or '(none)'}; strategies: {', '.join(PRESETS)}")
    return names, [PRESETS[s]() for s in names]


def _domain(scenario: Optional[str], track: Optional[str], genius: Optional[Path]):
    """The negotiation domain of a scenario track, or of a Genius domain folder."""
    from ..negotiation import NegotiationDomain
    from ..scenario import load

    if genius is not None:
        if scenario is not None:
            _refuse("give a scenario or --genius, not both")
        return None, NegotiationDomain.from_genius(genius)
    model = load(scenario or "european-security")
    ids = [t.id for t in model.active_tracks]
    if track is None:
        if len(ids) != 1:
            _refuse(f"{scenario}: name the track with --track (tracks: {', '.join(ids)})")
        track = ids[0]
    if track not in ids:
        _refuse(f"{scenario}: no track {track!r} under negotiation (tracks: {', '.join(ids)})")
    try:
        return model, NegotiationDomain.from_scenario(model, track)
    except ValueError as exc:
        _refuse(f"{scenario}: track {track!r}: {exc}")


def negotiate_command(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    track: Optional[str] = typer.Option(None, "--track", "-t", help="The track (may be left out when there is one)."),
    strategies: str = typer.Option("boulware,conceder", "--strategies", "-s",
                                   help="One strategy per party, comma-separated, in party order (one name: "
                                   "every party uses it)."),
    deadline: int = typer.Option(100, "--deadline", min=1, help="Rounds before the talks end without a deal."),
    seed: int = typer.Option(0, "--seed", help="Seed for random strategies."),
    genius: Optional[Path] = typer.Option(None, "--genius", help=GENIUS_HELP),
    offers: bool = typer.Option(False, "--offers", help="Print every offer."),
) -> None:
    """Run one negotiation between automated agents and print how it went."""
    from ..negotiation import ProtocolConfig, negotiate

    _, domain = _domain(scenario, track, genius)
    names, chosen = _strategies(strategies)
    k = len(domain.parties)
    if len(chosen) == 1:
        chosen, names = chosen * k, names * k
    if len(chosen) != k:
        _refuse(f"--strategies: {len(chosen)} given for {k} parties ({', '.join(domain.parties)})")
    result = negotiate(domain, chosen, config=ProtocolConfig(deadline=deadline, record_offers=True), seed=seed)
    head = (f"{'agreed in round ' + str(result.round + 1) if result.agreed else 'no deal (' + result.status + ')'} "
            f"after {result.n_offers} offers; deadline {deadline}")
    _out.print(f"{domain.name}: {head}", markup=False)
    table = Table(title="Parties", title_justify="left")
    for col in ("party", "strategy", "utility (0-1)", "gain", "accepted"):
        table.add_column(col)
    for p, s, u, g, a in zip(result.parties, result.strategies, result.normalised, result.gain, result.accepted_by):
        table.add_row(p, s, f"{u:.3f}", f"{g:+.3f}", "" if a is None else ("yes" if a else "no"))
    _out.print(table)
    if result.outcome_values:
        _out.print("outcome: " + "; ".join(f"{k}={v}" for k, v in result.outcome_values.items()), markup=False)
    for label, d in (("Pareto frontier", result.distance_pareto), ("Nash solution", result.distance_nash)):
        if d is not None:
            _out.print(f"distance to the {label}: {d:.3f} (normalised utilities)", markup=False)
    if offers:
        for o in result.offers:
            _out.print(f"  round {o.round + 1:>4} {o.party:>8}: " + " ".join(f"{u:.3f}" for u in o.utility), markup=False)


def tournament_command(
    scenario: Optional[str] = typer.Argument(None, help=SCENARIO_HELP),
    track: Optional[str] = typer.Option(None, "--track", "-t", help="The track (may be left out when there is one)."),
    strategies: str = typer.Option("boulware,linear,conceder,hardliner", "--strategies", "-s",
                                   help="Strategies that meet in every assignment, comma-separated."),
    draws: int = typer.Option(20, "--draws", min=1, help="Monte Carlo draws of the uncertain inputs (scenario)."),
    deadline: int = typer.Option(100, "--deadline", min=1, help="Rounds before the talks end without a deal."),
    seed: int = typer.Option(20240601, "--seed", help="Root seed."),
    max_assignments: int = typer.Option(64, "--max-assignments", min=1, help="Sample this many assignments "
                                        "when there are more."),
    genius: Optional[Path] = typer.Option(None, "--genius", help=GENIUS_HELP),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Write one row per assignment to this CSV file."),
) -> None:
    """Every assignment of the strategies to the parties, over draws of the uncertain inputs."""
    from ..negotiation import ProtocolConfig, TournamentConfig, run_tournament
    from ..negotiation.analysis import draw_utilities

    model, domain = _domain(scenario, track, genius)
    _, chosen = _strategies(strategies)
    config = TournamentConfig(protocol=ProtocolConfig(deadline=deadline), max_assignments=max_assignments)
    if model is None:  # a Genius domain has no uncertain inputs
        result = run_tournament(domain, chosen, config=config, seed=seed)
    else:
        t = next(t for t in model.active_tracks if t.id == domain.name)
        utilities, reservation = draw_utilities(model, t, domain.parties, draws, seed)
        result = run_tournament(utilities, chosen, domain=domain, reservation=reservation, config=config, seed=seed)
    table = Table(title=f"{domain.name}: {result.draws} draws, deadline {deadline}", title_justify="left")
    for col in ("strategy", "runs", "deals (95% CI)", "own utility (95% CI)", "gain"):
        table.add_column(col)
    for s in result.strategies:
        table.add_row(s.strategy, str(s.runs), f"{s.agreement.value:.0%} ({s.agreement.low:.0%}-{s.agreement.high:.0%})",
                      f"{s.utility.value:.3f} ({s.utility.low:.3f}-{s.utility.high:.3f})", f"{s.gain.value:+.3f}")
    _out.print(table)
    if csv is not None:
        import pandas as pd

        if csv.exists():
            _refuse(f"{csv}: already exists; nothing written")
        pd.DataFrame(result.rows()).to_csv(csv, index=False)
        _out.print(f"wrote {csv} ({len(result.rows())} assignments)", markup=False)
