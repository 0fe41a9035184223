"""The registered "hinges" analysis: for each headline of the run, the smallest one-input changes
that flip it, as switching values (issue 17, "what each answer hinges on"; docs/hinges.md).

Headlines searched, each both as its value over the draws (the input fixed in every draw, every
other input keeping its draws) and as the verdict at the central estimates (every other input at
its central value):

- each crisis's deterrence (the share of draws in which it holds, threshold one half);
- each track's verdict, whether it can agree (the share of draws in which it agrees, one half);
- the process comparison: the leading design's tracks agreed against the runner-up's.

Each kind of headline is one step of :data:`STEPS`; a step returns its hinges and notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..analysis import register
from ..deterrence.analysis import crisis_game, link_plans, uncertain_terms
from ..deterrence.model import CrisisGame
from ..deterrence.solve import solve
from ..process.result import ProcessResult
from ..progress import ProgressCallback, report
from ..scenario.model import Scenario
from ..settlement import Settlement, settlement_of
from ..settlement.draws import RunDraws
from ..settlement.preferences import track_preferences
from .blocks import Blocks
from .designs import AHEAD, design_gap, design_inputs, ranking
from .deterrence import SearchInput, crisis_inputs, ordered, switches
from .deterrence import would_take as crisis_would_take
from .escalation import WAR_THRESHOLD, escalation_step
from .results import Hinge, HingesResult, Switch
from .search import evaluations
from .tracks import CentralRows, Search, base_rows, reached_tracks, reaching_inputs, track_verdict, would_take
from .words import design_headline, deterrence_headline, track_headline

#: Work a run may spend on the searches over the draws: draws x headline evaluations (a solve of
#: one draw each). Above it the search over the draws is skipped with a note; the central search,
#: one draw per evaluation, always runs.
MAX_WORK = 50_000_000
#: Work the searches of a track's verdict or of the design comparison may spend, in outcomes
#: evaluated, at most (rows solved x, per track solved, its outcomes and ROW_WORK for building its
#: row; a search spends some 10 ns per unit of this bound on one core): over the draws (about two
#: seconds), and at the central estimates (estimates first, then stated numbers while the budget
#: lasts; the rest are left out with a note).
MAX_OUTCOME_WORK = 200_000_000
MAX_CENTRAL_WORK = 700_000_000
#: A switch within this share of an estimate's draws from its end is taken as out of its range.
EDGE = 1e-3
#: A track's row costs about as much to build as this many outcomes cost to walk.
ROW_WORK = 1000


class HingesConfig(BaseModel):
    """The thresholds the headlines are read against (the draws and seed are the run's)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    war_threshold: float = Field(WAR_THRESHOLD, gt=0, lt=1,
                                 description="The war-risk headline's threshold: the chance that any "
                                 "theatre reaches the top rung within the longest horizon, with the measures "
                                 "as agreed, at or above it or below it.")


Step = Callable[[Scenario, RunDraws, dict, ProgressCallback | None], tuple[list[Hinge], list[str]]]


@register("hinges", "What each answer hinges on", order=92, reads=("settlement",), config=HingesConfig,
          uses=("process", "deterrence", "escalation"), parallel=True,
          applies=lambda scenario: bool(scenario.deterrence) or bool(scenario.active_tracks)
          or scenario.escalation is not None)
def hinges_analysis(scenario: Scenario, *, config: HingesConfig | None = None,
                    settlement: Settlement | None = None, progress: ProgressCallback | None = None,
                    upstream: dict | None = None, executor: Any = None,
                    checkpoint: Callable[[str], Any] | None = None) -> HingesResult:
    """Switching values (one-way sensitivity analysis; Briggs, Claxton & Sculpher 2006, ch. 4) of
    every input that can reach each headline: deterrence, each track's verdict, the process
    comparison; for the value over the draws and the verdict at the central estimates. The
    tracks' and the designs' batched solves run in blocks on ``executor`` (the run's; in this
    process by default), each block reported to ``progress``; ``checkpoint`` is not used (a
    search's rows depend on the answers before them, so there are no fixed chunks to keep)."""
    config = config or HingesConfig()
    run = settlement_of(scenario, settlement).run
    rows = CentralRows()  # the design comparison's solves, read again by the tracks' searches
    blocks = Blocks(executor, progress)
    shared: dict[Step, Step] = {track_hinges: partial(track_hinges, rows=rows, blocks=blocks),
                                design_hinges: partial(design_hinges, rows=rows, blocks=blocks),
                                escalation_step: partial(escalation_step, threshold=config.war_threshold)}
    done = {step: shared.get(step, step)(scenario, run, upstream or {}, progress)
            for step in sorted(STEPS, key=lambda s: s is track_hinges)}  # the tracks' last
    hinges: list[Hinge] = []
    notes: list[str] = []
    for step in STEPS:
        found, said = done[step]
        hinges += found
        notes += said
    return HingesResult(draws=run.draws, seed=run.seed, hinges=tuple(hinges), notes=tuple(notes))


def deterrence_hinges(scenario: Scenario, run: RunDraws, upstream: dict,
                      progress: ProgressCallback | None) -> tuple[list[Hinge], list[str]]:
    """Every term of every crisis, for the share of draws deterred and the central verdict."""
    links, _ = link_plans(scenario, run, upstream.get("process"))
    values = run.values()
    hinges: list[Hinge] = []
    notes: list[str] = []
    for k, (crisis, linked) in enumerate(zip(scenario.deterrence, links, strict=True)):
        report(progress, "hinges", k, len(scenario.deterrence))
        game = crisis_game(crisis)
        draws = {k: np.asarray(values(est), dtype=float) for k, est in uncertain_terms(crisis).items()}
        central: dict[str, np.ndarray] = {}
        exclude: tuple[str, ...] = ()
        note = None
        if linked is not None:
            head = linked.designs[0]
            draws.update(linked.link.linked_terms(values, head.outcome, head.agreed))
            central = {k: np.array([v]) for k, v in linked.central.items()}
            exclude = linked.link.keys()
            note = (f"Terms the {linked.link.track.id} track sets ({', '.join(exclude)}) follow its outcome "
                    f"({head.design}) and are not searched; nor are the track's own inputs.")
        inputs = crisis_inputs(crisis, exclude)
        now = _share(game, draws)
        work = evaluations(len(inputs)) * run.draws
        if work > MAX_WORK:
            notes.append(f"Crisis '{crisis.id}': the switching values over the draws would take {work:,} "
                         f"solves (more than {MAX_WORK:,}); skipped. Run fewer draws to get them.")
        else:
            found, steady = switches(game, draws, inputs)
            hinges.append(Hinge(id=f"{crisis.id}/share", headline=deterrence_headline(crisis, "share"),
                                kind="share", now=now, threshold=0.5, switches=found, steady=steady,
                                searched=len(inputs), note=note,
                                would_take=deterrence_would_take(game, draws, inputs, steady)))
        found, steady = switches(game, central, inputs)
        hinges.append(Hinge(id=f"{crisis.id}/central", headline=deterrence_headline(crisis, "central"),
                            kind="central", now=_share(game, central), threshold=0.5, switches=found,
                            steady=steady, searched=len(inputs), note=note,
                            would_take=deterrence_would_take(game, central, inputs, steady)))
    report(progress, "hinges", len(scenario.deterrence), len(scenario.deterrence))
    return hinges, notes


def track_hinges(scenario: Scenario, run: RunDraws, upstream: dict,
                 progress: ProgressCallback | None, rows: CentralRows | None = None,
                 blocks: Blocks | None = None) -> tuple[list[Hinge], list[str]]:
    """Every active track's verdict: the share of draws in which it agrees (threshold one half)
    and whether it can agree at the central estimates, over the inputs that can reach it (the
    verdicts in ``rows`` looked up rather than solved again; the rows solved in ``blocks``)."""
    hinges: list[Hinge] = []
    notes: list[str] = []
    skipped: list[tuple[str, int]] = []
    tracks = tuple(scenario.active_tracks)
    values = run.values() if tracks and run.draws > 1 else None
    for k, track in enumerate(tracks):
        report(progress, "hinges", k, len(tracks))
        reached = reached_tracks(scenario, track)
        inputs = reaching_inputs(scenario, reached)
        evaluate = track_verdict(scenario, track, inputs, (blocks or Blocks()).threads)
        if rows is not None:
            evaluate = rows.evaluate(track.id, inputs, evaluate)
        size = _outcomes(scenario, reached)
        what = f"Track '{track.id}'"
        central = _central_search(Search(evaluate, inputs, base_rows(inputs, None), 0.5, size, blocks=blocks),
                                  what, notes)
        hinges.append(_hinge(f"track:{track.id}/central", track_headline(track, "central"), "central",
                             central, "track", ("can agree", "cannot agree")))
        if values is not None:
            spread = replace(central, base=base_rows(inputs, values))
            if spread.work() <= MAX_OUTCOME_WORK:
                hinges.append(_hinge(f"track:{track.id}/share", track_headline(track, "share"), "share",
                                     spread, "track", ("", "")))
            else:
                skipped.append((track.id, spread.work()))
    report(progress, "hinges", len(tracks), len(tracks))
    if skipped:
        sizes = ", ".join(f"'{t}' {w:,}" for t, w in skipped)
        notes.append(f"Tracks' verdicts over the {run.draws:,} draws: the switching values would take up to "
                     f"{sizes} outcome evaluations (more than {MAX_OUTCOME_WORK:,} each); skipped, the "
                     "verdicts at the central estimates are searched. Run fewer draws to get them.")
    return hinges, notes


def design_hinges(scenario: Scenario, run: RunDraws, upstream: dict,
                  progress: ProgressCallback | None, rows: CentralRows | None = None,
                  blocks: Blocks | None = None) -> tuple[list[Hinge], list[str]]:
    """The process comparison: the leading design's mean tracks agreed against the runner-up's
    (the process analysis's own designs, orders and packages), over the draws and at the centre;
    every track's verdict in the rows it solves is kept in ``rows`` (when they are solved in this
    process; on other workers they are solved again by the tracks' searches, to the same answer)."""
    process = upstream.get("process")
    if not isinstance(process, ProcessResult):
        return [], []
    rank = ranking(process)
    if rank is None:
        return [], ["Every process design gets as many tracks agreed as every other: no ranking to flip."]
    notes: list[str] = []
    inputs = design_inputs(scenario, rank)
    evaluate = design_gap(scenario, rank, inputs, rows, (blocks or Blocks()).threads)
    size = _outcomes(scenario, tuple(scenario.active_tracks)) * 2
    what = "The process comparison"
    sides = (f"{rank.leader} ahead", f"{rank.leader} no longer ahead of {rank.runner_up}")
    central = _central_search(Search(evaluate, inputs, base_rows(inputs, None), AHEAD, size, blocks=blocks),
                              what, notes)
    hinges = [_hinge("designs/central", design_headline(rank, "central"), "central", central, "designs",
                     sides)]
    if run.draws > 1:
        spread = replace(central, base=base_rows(inputs, run.values()))
        if _affordable(spread, what, notes):
            hinges.append(_hinge("designs/mean", design_headline(rank, "mean"), "mean", spread, "designs",
                                 sides))
    return hinges, notes


#: The steps of the analysis, in the order their hinges are shown.
STEPS: tuple[Step, ...] = (deterrence_hinges, escalation_step, track_hinges, design_hinges)


def _central_search(search: Search, what: str, notes: list[str]) -> Search:
    """The central search over the estimates, then as many stated numbers as the budget allows;
    a note says how many were left out and what they would have cost."""
    keep = sorted(search.searched, key=lambda j: search.inputs[j].stated)
    n = len(keep)
    while n and search.work(n) > MAX_CENTRAL_WORK:
        n -= 1
    if n < len(keep):
        left = len(keep) - n
        notes.append(f"{what}: {left} of its {len(keep)} inputs (stated numbers, in file order) not searched "
                     f"at the central estimates: all of them would take {search.work():,} outcome "
                     f"evaluations, more than {MAX_CENTRAL_WORK:,}.")
    return replace(search, only=tuple(sorted(keep[:n])))


def _affordable(search: Search, what: str, notes: list[str]) -> bool:
    """Whether the search over the draws fits the budget; if not, a note with its size."""
    work = search.work()
    if work <= MAX_OUTCOME_WORK:
        return True
    notes.append(f"{what}: the switching values over the {search.base.shape[0]:,} draws would take up to "
                 f"{work:,} outcome evaluations ({len(search.searched)} inputs, more than "
                 f"{MAX_OUTCOME_WORK:,}); "
                 "skipped, the verdict at the central estimates is searched. Run fewer draws to get them.")
    return False


def _hinge(hinge_id: str, headline: str, kind: str, search: Search, about: str,
           sides: tuple[str, str]) -> Hinge:
    found, steady, rest = search.switches()
    note = None if not rest else \
        f"{rest} more stated number{'s' if rest != 1 else ''} flip it, further out (not narrowed)."
    edge = [s for s in found if _at_edge(s)]
    hinge = Hinge(id=hinge_id, headline=headline, kind=kind, now=search.now(), threshold=search.threshold,
                  switches=tuple(s for s in found if not _at_edge(s)), steady=tuple(steady),
                  searched=len(search.searched), about=about, sides=sides, note=note)
    if not hinge.is_steady:
        return hinge
    beyond = {s.input for s in edge}
    further = tuple(s for s in would_take(search) if s.input not in beyond)
    return replace(hinge, would_take=tuple(edge) + further)


def _at_edge(s: Switch) -> bool:
    """A switch only at the very end of its estimate (the headline turns once the input goes past
    its highest or lowest value): out of its range, what it would take rather than a switch."""
    if s.percentile is None:
        return False
    return s.percentile >= 1 - EDGE if s.direction == "above" else s.percentile <= EDGE


def _outcomes(scenario: Scenario, tracks) -> int:
    """The work of solving one row of the tracks: their outcomes at the central values, and each
    track's building."""
    return sum(track_preferences(scenario, t).n_outcomes + ROW_WORK for t in tracks)


def deterrence_would_take(game: CrisisGame, draws: dict[str, np.ndarray], inputs: tuple[SearchInput, ...],
                          steady: tuple[str, ...]) -> tuple[Switch, ...]:
    """What the estimates that do not flip a crisis's headline within their range would have to
    become (beyond it), as the tracks' and the escalation's hinges report it."""
    return crisis_would_take(game, draws, tuple(i for i in inputs if i.label in steady))


def _share(game: CrisisGame, draws: dict[str, np.ndarray]) -> float:
    return float(np.mean(solve(game, ordered(game, draws)).deterred))


__all__ = ["HingesConfig", "MAX_CENTRAL_WORK", "MAX_OUTCOME_WORK", "MAX_WORK", "STEPS", "SearchInput",
           "hinges_analysis"]
