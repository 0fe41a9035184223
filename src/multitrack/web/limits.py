"""What the web app refuses to run: too many draws, a track whose outcome space is too large, or a
run too large to finish in the server's time limit (its size and its seconds estimated up front,
by the same estimate as the command line's, :mod:`multitrack.budget`)."""

from __future__ import annotations

from .. import budget
from ..analysis import available
from ..scenario import Scenario
from ..space import build_track_space
from .settings import WebSettings


class RunRefused(ValueError):
    """An analysis request beyond the configured limits; the message says which and why."""


def run_options(draws: str | int | None, seed: str | int | None, settings: WebSettings) -> dict:
    """The run's draws and seed (read by every analysis that samples), checked against limits."""
    n = _whole(draws, "draws", settings.default_draws)
    s = _whole(seed, "seed", settings.default_seed)
    if n < 10:
        raise RunRefused(f"draws: {n:,} is too few (at least 10)")
    if n > settings.max_draws:
        raise RunRefused(f"draws: {n:,} is over this server's limit of {settings.max_draws:,}")
    if not 0 <= s < 2**63:
        raise RunRefused("seed: use a whole number from 0 to 2^63 - 1")
    return {"draws": n, "seed": s}


def _whole(value: str | int | None, what: str, default: int) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        return int(str(value).strip())
    except ValueError:
        raise RunRefused(f"{what}: {str(value)[:40]!r} is not a whole number") from None


def check_space(scenario: Scenario, settings: WebSettings) -> int:
    """Raise RunRefused when any active track has more outcomes than ``settings.max_outcomes``;
    else the number of outcomes of all active tracks together."""
    total = 0
    for track in scenario.active_tracks:
        size = _rough_size(scenario, track)
        if size <= settings.max_outcomes:  # cheap bound first, so huge grids are never built
            size = build_track_space(scenario, track).size
        if size > settings.max_outcomes:
            raise RunRefused(f"track {track.id}: {size:,} outcomes are over this server's limit of "
                             f"{settings.max_outcomes:,}; use a coarser grid for its continuous issues")
        total += size
    return total


def run_size(scenario: Scenario, draws: int, outcomes: int) -> tuple[int, int]:
    """(estimated size, number of analyses) of a run: draws x outcomes of the active tracks x the
    analyses that apply. The analyses' work grows with each factor (every analysis that samples
    evaluates every outcome under every draw), so this is the yardstick for the time limit."""
    analyses = sum(1 for spec in available() if spec.applies is None or spec.applies(scenario))
    return draws * max(outcomes, 1) * max(analyses, 1), analyses


def check_work(scenario: Scenario, draws: int, outcomes: int, settings: WebSettings) -> None:
    """Raise RunRefused, with the run's estimated size, when it is too large to finish within
    ``settings.max_run_seconds`` (``settings.max_work``: the size that takes about that long)."""
    size, analyses = run_size(scenario, draws, outcomes)
    if size > settings.max_work:
        raise RunRefused(f"estimated size {size:,} ({draws:,} draws x {outcomes:,} outcomes x {analyses} "
                         f"analyses) is over this server's limit of {settings.max_work:,} for one run "
                         f"(about {settings.max_run_seconds:g} s); use fewer draws or a coarser grid")


def check_time(scenario: Scenario, draws: int, settings: WebSettings) -> budget.Estimate:
    """Raise RunRefused when the run's estimated seconds are over ``settings.max_run_seconds`` (the
    time after which a run is stopped anyway); the message gives its size and what to change."""
    try:
        return budget.check_run(scenario, draws, limit=settings.max_run_seconds, command_line=False)
    except budget.RunTooLarge as exc:
        raise RunRefused(str(exc)) from None


def _rough_size(scenario: Scenario, track) -> int:
    """The track's number of outcomes from the issues' declared sizes, without building anything."""
    return budget.track_outcomes(scenario, track)
