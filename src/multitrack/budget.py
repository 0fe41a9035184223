"""How long a run will take, estimated before it starts, and the refusal of a run that cannot
finish within a time limit (one line: its size, the largest part of it and what to change).

The estimate is a sum of terms, one or more per analysis. Each term is a size in work units
(outcomes x distinct draws for the analyses that walk every outcome of a track in every draw)
divided by a rate in units per second. A track's outcomes are the product of its issues' sizes
(options, whole numbers in range, or grid points), counted without building anything, so a track
of 10^15 outcomes is refused as fast as one of 10. Draws count only where they differ: a run
without uncertain input is evaluated once, and so is a track none of whose inputs (its own
estimates and its participants') is uncertain.

The analyses that walk outcomes have their own cost model here (:data:`COSTS`), in one place so
that the rates can be re-calibrated together. A plug-in analysis may give its own
``cost(scenario, draws, config)`` at registration (in kernel work units: outcome-draws at
:data:`KERNEL_RATE`); one without a model of its own counts as one walk of every outcome of every
active track in every distinct draw, the work of the process kernel.

Rates, measured on the shared 2-core development machine (seconds of one analysis in one
``run_all``; ``benchmarks/bench_budget.py`` prints the estimate beside the measured time):

=============================================  ===========  =========  ==========================
run                                            analysis     seconds    rate taken
=============================================  ===========  =========  ==========================
1 track, 2 parties, 8 issues x 5 options       process      9.1 CPU    4.0e7 outcome-draws/s
(390,625 outcomes), 1,000 draws (load 1.6)                             (4.3e7 measured)
1 track, 2 parties, 6 issues x 10 options      process      0.9 CPU    (1.1e8: the kernel prunes)
(10^6 outcomes), 100 draws (load 1.6)
the same two tracks                            agreement    0.3, 0.6   1.2e6 outcomes/s
european-security, 1,000 draws: 10 tracks,     process      6.4 wall   + 1,013 packages x 20
58,731 outcomes, 6 forums (quiet, lead's                                 draws at 5e3/s
profile)                                       hinges       6.6 wall   3e7 evaluations/s
                                               negotiation  1.0 wall   2e9 outcome-rounds/s
                                               escalation   1.6 wall   80 items x draws at 5e4/s
border-talks, 10,000 draws                     forecast     0.19 CPU   5e4 draws x issues/s
GMCR, 4 DMs, 2^16 and 2^20 states (lead)       stability    0.7, 38    5e5 state-moves/s
=============================================  ===========  =========  ==========================

The kernel rate is taken at the slower measured case, so that an estimate errs towards the
longer side on spaces the kernel cannot prune. Re-calibrate here (and only here) when an engine
gets faster.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import MultitrackError

if TYPE_CHECKING:
    from .scenario.model import Scenario
    from .scenario.tracks import Track

#: Outcome-draws per second of the compiled walk over a track's outcomes (process kernel).
KERNEL_RATE = 4.0e7
#: Solves of each track per draw in the process analysis, besides one per alternative forum: its
#: own forum, and again in the linked designs and sequences where its red lines read another track.
PROCESS_PASSES = 1.5
#: Package candidates tried per second and pilot draw (each builds and bounds a package batch).
PACKAGE_RATE = 5.0e3
#: Outcomes per second that the agreement space enumerates, counts and filters for its frontier.
AGREEMENT_RATE = 1.2e6
#: Outcome evaluations per second of the hinges' searches (their own budgets cap them).
HINGES_RATE = 3.0e7
#: Evaluations per searched input of a hinges search (a bracket, then bisection).
HINGES_STEPS = 12
#: The hinges' own budgets of outcome evaluations per search, at the central estimates and over
#: the draws (``MAX_CENTRAL_WORK`` and ``MAX_OUTCOME_WORK`` of :mod:`multitrack.hinges.analysis`,
#: which sits above this layer; a test keeps them equal).
HINGES_CENTRAL_WORK = 700_000_000
HINGES_DRAWS_WORK = 200_000_000
#: Outcome-rounds per second of the negotiation tournament (each round scores the outcomes).
NEGOTIATION_RATE = 2.0e9
#: Draws x items per second of the analyses that sample without walking outcomes (forecast,
#: deterrence, escalation, factors).
SAMPLING_RATE = 5.0e4
#: Unilateral moves per second (states x options) of the graph model's stability analysis.
STABILITY_RATE = 5.0e5
#: Seconds of every analysis that applies, whatever its size (building, summarising).
OVERHEAD = 0.05
#: The command line's default time limit, in seconds (``--time-limit``).
DEFAULT_TIME_LIMIT = 600.0
#: Fewest draws a refusal proposes (below, intervals say little).
MIN_DRAWS = 10
#: Kernel work between two progress events that the engines aim at (about two seconds of walk):
#: the heartbeat tests hold every engine to :data:`HEARTBEAT_WORK`.
HEARTBEAT_WORK = int(2 * KERNEL_RATE)


@dataclass(frozen=True)
class Term:
    """One part of a run's estimate: an analysis's work on one track (or on the whole scenario)."""

    analysis: str
    where: str       # "track 'x'", "conflict 'y'" or "" (the whole scenario)
    size: str        # the work in words: "4.1e15 outcomes x 1,000 draws"
    seconds: float


@dataclass(frozen=True)
class Estimate:
    """The estimated seconds of a run, term by term."""

    draws: int
    terms: tuple[Term, ...]

    @property
    def seconds(self) -> float:
        return math.fsum(t.seconds for t in self.terms)

    @property
    def analyses(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.analysis for t in self.terms))

    def per_analysis(self) -> dict[str, float]:
        """Seconds per analysis, in run order."""
        out: dict[str, float] = {}
        for t in self.terms:
            out[t.analysis] = out.get(t.analysis, 0.0) + t.seconds
        return out

    @property
    def dominant(self) -> Term | None:
        """The largest term: what to change first."""
        return max(self.terms, key=lambda t: t.seconds, default=None)


class RunTooLarge(MultitrackError):
    """A run estimated to take longer than the time limit; the message says its size and what to change."""


CostModel = Callable[["Scenario", int, Any], list[Term]]


# ---- sizes, counted from the scenario without building anything ----

def issue_size(scenario: Scenario, issue: Any, grid_points: int | None = None) -> int:
    """Values the issue takes in an analysis: its options, its whole numbers, or its grid (the
    analysis's ``grid_points``, else the issue's own, else the scenario's), as
    :func:`multitrack.settlement.preferences.issue_values` lays them out."""
    from .scenario.issues import ContinuousIssue, IntegerIssue

    if isinstance(issue, IntegerIssue):
        return int(issue.high) - int(issue.low) + 1
    if isinstance(issue, ContinuousIssue):
        return int(grid_points or issue.grid_points or scenario.settings.grid_points)
    return len(issue.options)


def track_outcomes(scenario: Scenario, track: Track, grid_points: int | None = None) -> int:
    """The track's number of outcomes: the product of its issues' sizes (exact, as an int)."""
    return math.prod(issue_size(scenario, issue, grid_points) for issue in track.issues)


def _uncertain(node: object) -> int:
    from .scenario.provenance import estimates_in

    return sum(1 for est in estimates_in(node) if est.is_uncertain)


#: Per thread, the counts of the last scenario estimated (``scenario`` and ``counts``): a refusal
#: estimates the same scenario at many numbers of draws, and walking its estimates is the slow part.
_last = threading.local()


def _counted(scenario: Scenario, key: str, count: Callable[[], int]) -> int:
    if getattr(_last, "scenario", None) is not scenario:
        _last.scenario, _last.counts = scenario, {}
    if key not in _last.counts:
        _last.counts[key] = count()
    return int(_last.counts[key])


def uncertain_count(scenario: Scenario) -> int:
    """Uncertain estimates of the scenario (the variants' alternatives are not inputs of their own)."""
    fields = [name for name in type(scenario).model_fields if name != "variants"]
    return _counted(scenario, "", lambda: sum(_uncertain(getattr(scenario, name)) for name in fields))


def track_inputs(scenario: Scenario, track: Track) -> int:
    """Uncertain inputs a track's model reads: its own estimates and its participants'."""
    actors = {a.id: a for a in scenario.actors}
    return _counted(scenario, f"track {track.id}", lambda: _uncertain(track) + sum(
        _uncertain(actors[p]) for p in track.participants if p in actors))


def distinct_draws(scenario: Scenario, draws: int, track: Track | None = None) -> int:
    """Draws that differ: one where nothing (or nothing the track reads) is uncertain."""
    if draws <= 1 or uncertain_count(scenario) == 0:
        return min(draws, 1)
    if track is not None and track_inputs(scenario, track) == 0:
        return 1
    return draws


def _tracks(scenario: Scenario) -> list[Track]:
    return [t for t in scenario.active_tracks if not t.deferred]


def _grid(config: Any) -> int | None:
    return getattr(config, "grid_points", None)


def big(n: float) -> str:
    """A count in words: ``58,731`` up to a billion, ``4.1e15`` above."""
    if n < 1e9:
        return f"{int(round(n)):,}"
    mantissa, exponent = f"{n:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _draws_text(n: int) -> str:
    return f"{n:,} draw{'s' if n != 1 else ''}"


# ---- the cost model of each analysis that grows with the scenario ----

def process_cost(scenario: Scenario, draws: int, config: Any) -> list[Term]:
    """Every track solved in every distinct draw (its forums each once more, the linked designs
    again), the pilot's first draws once more, and the package candidates on the search draws."""
    pilot = getattr(config, "pilot_draws", 200)
    search = getattr(config, "search_draws", 20)
    most = getattr(config, "search_tracks", 10)
    terms = []
    tracks = _tracks(scenario)
    for track in tracks:
        n = track_outcomes(scenario, track, _grid(config))
        d = distinct_draws(scenario, draws, track)
        solves = PROCESS_PASSES + len(track.forums)
        units = n * (d * solves + min(pilot, d))
        terms.append(Term("process", f"track '{track.id}'", f"{big(n)} outcomes x {_draws_text(d)}",
                          units / KERNEL_RATE))
    k = len(tracks)
    packages = (2 ** k - k - 1) if 2 <= k <= most else len(scenario.process.packages) + 1
    d = min(search, distinct_draws(scenario, draws))
    terms.append(Term("process", "", f"{packages:,} packages x {_draws_text(d)}",
                      packages * d / PACKAGE_RATE + OVERHEAD))
    return terms


def agreement_cost(scenario: Scenario, draws: int, config: Any) -> list[Term]:
    """Each track's outcomes enumerated (up to its enumeration limit; above, counted by parts)."""
    limit = getattr(config, "enumeration_limit", 10 ** 8)
    terms = []
    for track in _tracks(scenario):
        n = track_outcomes(scenario, track, _grid(config))
        terms.append(Term("agreement", f"track '{track.id}'", f"{big(n)} outcomes",
                          min(n, limit) / AGREEMENT_RATE + OVERHEAD))
    return terms


def hinges_cost(scenario: Scenario, draws: int, config: Any) -> list[Term]:
    """Per track, the searches of its verdict at the central estimates and over the draws, each
    within the hinges' own budget of outcome evaluations (a search over it is skipped)."""
    terms = []
    for track in _tracks(scenario):
        n = track_outcomes(scenario, track)
        inputs = max(track_inputs(scenario, track), 1)
        d = distinct_draws(scenario, draws, track)
        central = min(n * inputs * HINGES_STEPS, HINGES_CENTRAL_WORK)
        spread = n * d * inputs * HINGES_STEPS
        units = central + (spread if d > 1 and spread <= HINGES_DRAWS_WORK else 0)
        terms.append(Term("hinges", f"track '{track.id}'",
                          f"{big(n)} outcomes x {inputs:,} inputs x {_draws_text(d)}", units / HINGES_RATE))
    crises = len(scenario.deterrence) + (1 if scenario.escalation is not None else 0)
    terms.append(Term("hinges", "", f"{crises} crises x {_draws_text(draws)}",
                      crises * draws * HINGES_STEPS / SAMPLING_RATE + OVERHEAD))
    return terms


def negotiation_cost(scenario: Scenario, draws: int, config: Any) -> list[Term]:
    """Per track small enough to play, every strategy assignment on the first draws, each round
    scoring the outcomes."""
    most = getattr(config, "max_outcomes", 200_000)
    plays = min(draws, getattr(config, "max_draws", 10))
    rounds = getattr(config, "deadline", 100)
    strategies = len(getattr(config, "strategies", ())) or 4
    terms = []
    for track in _tracks(scenario):
        n = track_outcomes(scenario, track)
        if len(track.participants) < 2 or n > most:
            continue
        assignments = min(strategies ** len(track.participants), getattr(config, "max_assignments", 32))
        units = n * plays * assignments * rounds
        terms.append(Term("negotiation", f"track '{track.id}'",
                          f"{big(n)} outcomes x {assignments} assignments x {_draws_text(plays)}",
                          units / NEGOTIATION_RATE + OVERHEAD))
    return terms


def stability_cost(scenario: Scenario, draws: int, config: Any) -> list[Term]:
    """Per conflict, every state's unilateral moves (states: 2 to the number of options)."""
    terms = []
    for conflict in scenario.conflicts:
        options = len(conflict.option_ids)
        moves = 2.0 ** options * options * len(conflict.decision_makers)
        terms.append(Term("stability", f"conflict '{conflict.id}'", f"{big(2.0 ** options)} states",
                          moves / STABILITY_RATE + OVERHEAD))
    return terms


def _sampling(name: str, items: Callable[[Scenario], int]) -> CostModel:
    def cost(scenario: Scenario, draws: int, config: Any) -> list[Term]:
        n = max(items(scenario), 1)
        d = distinct_draws(scenario, draws)
        return [Term(name, "", f"{n} items x {_draws_text(d)}", n * d / SAMPLING_RATE + OVERHEAD)]
    return cost


def _numeric_issues(scenario: Scenario) -> int:
    from .scenario.issues import ContinuousIssue, IntegerIssue

    return sum(isinstance(i, (ContinuousIssue, IntegerIssue)) for t in _tracks(scenario) for i in t.issues)


#: The cost model of each built-in analysis whose work grows with the scenario or the draws; the
#: others (overview, consistency, questions, self-determination) cost :data:`OVERHEAD`.
COSTS: dict[str, CostModel] = {
    "process": process_cost,
    "agreement": agreement_cost,
    "hinges": hinges_cost,
    "negotiation": negotiation_cost,
    "stability": stability_cost,
    "forecast": _sampling("forecast", _numeric_issues),
    "deterrence": _sampling("deterrence", lambda s: len(s.deterrence)),
    "escalation": _sampling("escalation", lambda s: 80 if s.escalation is not None else 0),
    "factors": _sampling("factors", lambda s: len(s.factors)),
}
#: Built-in analyses that read the scenario's text only.
LIGHT = {"overview", "consistency", "questions", "self-determination"}


def default_cost(name: str) -> CostModel:
    """A plug-in analysis without a cost model: one kernel walk of every active track in every
    distinct draw (the work of an analysis that samples every outcome)."""
    def cost(scenario: Scenario, draws: int, config: Any) -> list[Term]:
        out = []
        for track in _tracks(scenario):
            n = track_outcomes(scenario, track)
            d = distinct_draws(scenario, draws, track)
            out.append(Term(name, f"track '{track.id}'", f"{big(n)} outcomes x {_draws_text(d)}",
                            n * d / KERNEL_RATE))
        return out + [Term(name, "", "", OVERHEAD)]
    return cost


def _hook(name: str, hook: Callable[..., float]) -> CostModel:
    def cost(scenario: Scenario, draws: int, config: Any) -> list[Term]:
        units = float(hook(scenario, draws, config))
        return [Term(name, "", f"{big(units)} work units", units / KERNEL_RATE + OVERHEAD)]
    return cost


def cost_model(spec: Any) -> CostModel:
    """The cost model of a registered analysis: its own ``cost`` hook, the built-in model of its
    name, or the default."""
    hook = getattr(spec, "cost", None)
    if hook is not None:
        return _hook(spec.name, hook)
    if spec.name in COSTS:
        return COSTS[spec.name]
    if spec.name in LIGHT:
        return lambda scenario, draws, config: [Term(spec.name, "", "", OVERHEAD)]
    return default_cost(spec.name)


# ---- the estimate and the refusal ----

def estimate(scenario: Scenario, draws: int, planned: Sequence[tuple[Any, Any]]) -> Estimate:
    """The run's estimate: ``planned`` holds (analysis spec, its config) for every analysis that
    will run (those selected that apply)."""
    terms: list[Term] = []
    for spec, config in planned:
        terms += cost_model(spec)(scenario, draws, config)
    return Estimate(draws, tuple(terms))


def plan(scenario: Scenario, only: Iterable[str] | None = None,
         options: dict[str, dict[str, Any]] | None = None) -> list[tuple[Any, Any]]:
    """(spec, config) of each analysis the run will do: selected by ``only``, applying to the
    scenario, with its settings from ``options``. Imports the registry (and so the analyses)."""
    from .analysis import AnalysisOptionError, available, make_config

    chosen = set(only) if only else None
    planned = []
    for spec in available():
        if chosen is not None and spec.name not in chosen:
            continue
        if spec.applies is not None and not spec.applies(scenario):
            continue
        try:
            config = make_config(spec, (options or {}).get(spec.name))
        except AnalysisOptionError:
            config = None  # the run itself reports a bad setting, with its own message
        planned.append((spec, config))
    return planned


def fitting_draws(scenario: Scenario, draws: int, planned: Sequence[tuple[Any, Any]],
                  limit: float) -> int | None:
    """The most draws (at least :data:`MIN_DRAWS`, fewer than ``draws``) whose estimate is within
    ``limit``; None when even the fewest do not fit, or when fewer draws would not help."""
    lo, hi = MIN_DRAWS, draws - 1
    if hi < lo or estimate(scenario, lo, planned).seconds > limit:
        return None
    while lo < hi:  # the estimate grows with the draws
        mid = (lo + hi + 1) // 2
        if estimate(scenario, mid, planned).seconds <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _fitting_analyses(est: Estimate, limit: float) -> list[str]:
    """The analyses left when the costliest are dropped until the rest fit within ``limit``."""
    seconds = est.per_analysis()
    keep = sorted(seconds, key=seconds.__getitem__)
    while keep and math.fsum(seconds[n] for n in keep) > limit:
        keep.pop()
    return [n for n in seconds if n in keep]


def refusal(scenario: Scenario, est: Estimate, planned: Sequence[tuple[Any, Any]], limit: float, *,
            command_line: bool = True) -> str:
    """The one-line message of a refused run: its estimated seconds and size, its largest part,
    and what to change (fewer draws, a coarser grid or fewer options, fewer analyses)."""
    top = est.dominant
    assert top is not None
    outcomes = sum(track_outcomes(scenario, t) for t in _tracks(scenario))
    size = (f"{big(outcomes)} outcomes x {_draws_text(est.draws)} x {len(est.analyses)} "
            f"analys{'is' if len(est.analyses) == 1 else 'es'}")
    where = f" on {top.where}" if top.where else ""
    part = f" ({top.size})" if top.size else ""
    head = (f"run too large: about {_seconds(est.seconds)} estimated for {size}, most of it "
            f"{top.analysis}{where}{part}; over the time limit of {_seconds(limit)}")
    fixes = []
    n = fitting_draws(scenario, est.draws, planned, limit)
    if n is not None:
        fixes.append(f"fewer draws (--draws {n})" if command_line else f"fewer draws (at most {n:,})")
    track = next((t for t in _tracks(scenario) if top.where == f"track '{t.id}'"), None)
    if track is not None:
        from .scenario.issues import ContinuousIssue

        if any(isinstance(i, ContinuousIssue) for i in track.issues):
            fixes.append(f"a coarser grid for the continuous issues of {top.where}"
                         + (f" (--set {top.analysis}.grid_points=N)" if command_line else ""))
        else:
            fixes.append(f"fewer options on the issues of {top.where}")
    elif not command_line:
        fixes.append("a coarser grid")
    rest = _fitting_analyses(est, limit)
    if command_line and rest:
        left_out = ", ".join(n for n in est.analyses if n not in rest)
        fixes.append(f"fewer analyses (without {left_out}: {' '.join(f'--only {n}' for n in rest)})")
    if command_line:
        fixes.append("or run it anyway with --force (or a larger --time-limit)")
    return f"{head}; use {', '.join(fixes)}"


def _seconds(s: float) -> str:
    if s < 1000:
        return f"{s:.0f} s" if s >= 10 else f"{s:.2g} s"
    return f"{big(s)} s" if s >= 1e9 else f"{s:,.0f} s"


def check_run(scenario: Scenario, draws: int, *, only: Iterable[str] | None = None,
              options: dict[str, dict[str, Any]] | None = None, limit: float | None = DEFAULT_TIME_LIMIT,
              command_line: bool = True) -> Estimate:
    """The run's estimate; raise :class:`RunTooLarge` (one line) when it is over ``limit``
    seconds (None: no limit)."""
    planned = plan(scenario, only, options)
    est = estimate(scenario, draws, planned)
    if limit is not None and est.seconds > limit:
        raise RunTooLarge(refusal(scenario, est, planned, limit, command_line=command_line))
    return est
