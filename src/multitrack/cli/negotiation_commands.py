"""``multitrack negotiate`` and ``multitrack tournament``: simulated talks on a track of a scenario
or on a Genius domain. Bad input is one line on stderr with exit status 2."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

_out = Console(emoji=False, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

SCENARIO_HELP = "Built-in name or path to a scenario YAML file."
GENIUS_HELP = "Negotiate on a Genius XML or GeniusWeb JSON domain folder instead of a scenario track."
TOLERANCE_HELP = ("Play NegMAS 0.16's time-based negotiators with this tolerance (their eps; NegMAS's "
                  "default is 1e-4): their clock, their acceptance and their order among outcomes of equal "
                  "utility. Left out: the agents as the literature defines them, with no tolerance.")
TRACK_HELP = "The track (may be left out when there is one)."
DEADLINE_HELP = "Rounds before the talks end without a deal."


def _refuse(message: str) -> None:
    _err.print(" ".join(str(message).split()), markup=False)
    raise typer.Exit(2)


def _strategies(text: str):
    from ..negotiation.analysis import PRESETS

    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [s for s in names if s not in PRESETS]
    if unknown or not names:
        _refuse(f"--strategies: unknown strategy {', '.join(unknown) or '(none)'}; "
                f"strategies: {', '.join(PRESETS)}")
    return names, [PRESETS[s]() for s in names]


def _protocol(deadline: int, tolerance: float | None, **kw):
    """The literature's agents, or NegMAS's time-based ones when a tolerance is given."""
    from ..negotiation import ProtocolConfig

    if tolerance is None:
        return ProtocolConfig(deadline=deadline, **kw)
    return ProtocolConfig.negmas(deadline=deadline, tolerance=tolerance, **kw)


def _domain(scenario: str | None, track: str | None, genius: Path | None):
    """The negotiation domain of a scenario track, or of a Genius domain folder."""
    from ..negotiation import NegotiationDomain
    from ..scenario import load

    if genius is not None:
        if scenario is not None:
            _refuse("give a scenario or --genius, not both")
        from ..interop import genius_scenario

        return None, NegotiationDomain.from_scenario(genius_scenario(genius))
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


def _discount_line(domain) -> str | None:
    if domain.discount is None or not (domain.discount < 1).any():
        return None
    given = ", ".join(f"{p} {d:g}" for p, d in zip(domain.parties, domain.discount, strict=True) if d < 1)
    return (f"discount factors: {given} (as in Genius, a deal struck at time t of 0-1 is worth u * d^t, and "
            "so is the reservation value)")


def negotiate_command(
    scenario: str | None = typer.Argument(None, help=SCENARIO_HELP),
    track: str | None = typer.Option(None, "--track", "-t", help=TRACK_HELP),
    strategies: str = typer.Option("boulware,conceder", "--strategies", "-s",
                                   help="One strategy per party, comma-separated, in party order (one name: "
                                   "every party uses it)."),
    deadline: int = typer.Option(100, "--deadline", min=1, help=DEADLINE_HELP),
    seed: int = typer.Option(0, "--seed", help="Seed for random strategies."),
    tolerance: float | None = typer.Option(None, "--tolerance", min=0.0, help=TOLERANCE_HELP),
    genius: Path | None = typer.Option(None, "--genius", help=GENIUS_HELP),
    offers: bool = typer.Option(False, "--offers", help="Print every offer."),
) -> None:
    """Run one negotiation between automated agents and print how it went."""
    from ..negotiation import NASH_CONVENTION, negotiate

    _, domain = _domain(scenario, track, genius)
    names, chosen = _strategies(strategies)
    k = len(domain.parties)
    if len(chosen) == 1:
        chosen, names = chosen * k, names * k
    if len(chosen) != k:
        _refuse(f"--strategies: {len(chosen)} given for {k} parties ({', '.join(domain.parties)})")
    result = negotiate(domain, chosen, config=_protocol(deadline, tolerance, record_offers=True), seed=seed)
    ended = (f"agreed in round {result.round + 1}" if result.round is not None
             else f"no deal ({result.status})")
    head = f"{ended} after {result.n_offers} offers; deadline {deadline}"
    _out.print(f"{domain.name}: {head}", markup=False)
    _out.print(f"a deal needs: {result.rule}", markup=False)
    discount = _discount_line(domain)
    if discount:
        _out.print(discount, markup=False)
    table = Table(title="Parties", title_justify="left")
    cols = ["party", "strategy", "utility (0-1)", "gain"] + (["discounted utility (raw)"] if discount else [])
    cols.append("acceptable (at least its reservation value)")
    for col in cols:
        table.add_column(col)
    for j, p in enumerate(result.parties):
        a = result.accepted_by[j]
        cells = [p, result.strategies[j], f"{result.normalised[j]:.3f}", f"{result.gain[j]:+.3f}"]
        if discount:
            cells.append(f"{result.discounted[j]:.4g}")
        table.add_row(*cells, "" if a is None else ("yes" if a else "no"))
    _out.print(table)
    if result.outcome_values:
        from ..scenario.issues import value_text  # one number format with analyze: guns=4, not 4.0

        _out.print("outcome: " + "; ".join(f"{k}={value_text(v)}" for k, v in result.outcome_values.items()),
                   markup=False)
    for label, d in (("Pareto frontier", result.distance_pareto), (NASH_CONVENTION, result.distance_nash)):
        if d is not None:
            _out.print(f"distance to the {label}: {d:.3f} (normalised utilities)", markup=False)
    if offers:
        for o in result.offers:
            utilities = " ".join(f"{u:.3f}" for u in o.utility)
            _out.print(f"  round {o.round + 1:>4} {o.party:>8}: {utilities}", markup=False)


def tournament_command(
    scenario: str | None = typer.Argument(None, help=SCENARIO_HELP),
    track: str | None = typer.Option(None, "--track", "-t", help=TRACK_HELP),
    strategies: str = typer.Option("boulware,linear,conceder,hardliner", "--strategies", "-s",
                                   help="Strategies that meet in every assignment, comma-separated."),
    draws: int = typer.Option(20, "--draws", min=1, help="Monte Carlo draws of the uncertain inputs "
                              "(scenario); a track whose inputs are all certain is played once."),
    deadline: int = typer.Option(100, "--deadline", min=1, help=DEADLINE_HELP),
    seed: int = typer.Option(20240601, "--seed", help="Root seed."),
    max_assignments: int = typer.Option(64, "--max-assignments", min=1, help="Sample this many assignments "
                                        "when there are more."),
    tolerance: float | None = typer.Option(None, "--tolerance", min=0.0, help=TOLERANCE_HELP),
    genius: Path | None = typer.Option(None, "--genius", help=GENIUS_HELP),
    csv: Path | None = typer.Option(None, "--csv", help="Write one row per assignment to this CSV file."),
) -> None:
    """Every assignment of the strategies to the parties, over draws of the uncertain inputs."""
    from ..negotiation import TournamentConfig, run_tournament
    from ..negotiation.analysis import draw_utilities, inputs_vary
    from ..report.negotiation_section import NO_DEAL, interval_note, strategy_table
    from ..settlement import RunDraws

    model, domain = _domain(scenario, track, genius)
    _, chosen = _strategies(strategies)
    if csv is not None and csv.exists():
        _refuse(f"{csv}: already exists; nothing written")
    config = TournamentConfig(protocol=_protocol(deadline, tolerance), max_assignments=max_assignments)
    if model is None:  # a Genius domain has no uncertain inputs
        result = run_tournament(domain, chosen, config=config, seed=seed, uncertain=False)
    else:
        t = next(t for t in model.active_tracks if t.id == domain.name)
        run = RunDraws(model, draws, seed)  # the first draws of a run with this seed
        utilities, reservation = draw_utilities(model, t, domain.parties, run.values())
        uncertain = None if draws > 1 else inputs_vary(model, t, domain.parties, run)
        result = run_tournament(utilities, chosen, domain=domain, reservation=reservation, config=config,
                                seed=seed, uncertain=uncertain)
    once = f" (not {result.draws_given} times)" if result.draws_given > 1 else ""
    played = (f"{result.draws} draws of the uncertain inputs" if result.uncertain else
              f"certain inputs, played once{once}")
    table = Table(title=f"{domain.name}: {played}, deadline {deadline}", title_justify="left")
    cols, rows = strategy_table(result.strategies, result.any_deal)
    for col in cols:
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    _out.print(table)
    if not result.any_deal:
        _out.print(NO_DEAL, markup=False)
    errors = [s.agreement.mc_error for s in result.strategies if s.agreement.mc_error is not None]
    _out.print(interval_note(result.uncertain, result.draws, len(result.assignments), result.stochastic,
                             deal_error=max(errors) if errors else None), markup=False)
    if csv is not None:
        import pandas as pd

        pd.DataFrame(result.rows()).to_csv(csv, index=False)
        _out.print(f"wrote {csv} ({len(result.rows())} assignments)", markup=False)
