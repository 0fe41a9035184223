"""The registered "hinges" analysis: for each headline of the run, the smallest one-input changes
that flip it, as switching values (issue 17, "what each answer hinges on"; docs/hinges.md).

Headlines searched: each crisis's deterrence, both as the share of draws in which it holds
(threshold one half, the input fixed in every draw and every other input keeping its draws) and
as the verdict at the central estimates (every other input at its central value).
"""

from __future__ import annotations

import numpy as np

from ..analysis import register
from ..deterrence.analysis import crisis_game, link_plans, uncertain_terms
from ..deterrence.model import CrisisGame
from ..deterrence.solve import solve
from ..progress import ProgressCallback, report
from ..scenario.model import Scenario
from ..settlement import Settlement, settlement_of
from .deterrence import crisis_inputs, ordered, switches
from .results import Hinge, HingesResult
from .search import evaluations
from .words import deterrence_headline

#: Work a run may spend on the searches over the draws: draws x headline evaluations (a solve of
#: one draw each). Above it the search over the draws is skipped with a note; the central search,
#: one draw per evaluation, always runs.
MAX_WORK = 50_000_000


@register("hinges", "What each answer hinges on", order=92, reads=("settlement",),
          uses=("process", "deterrence"),
          applies=lambda scenario: bool(scenario.deterrence))
def hinges_analysis(scenario: Scenario, *, settlement: Settlement | None = None,
                    progress: ProgressCallback | None = None, upstream: dict | None = None) -> HingesResult:
    """Switching values (one-way sensitivity analysis; Briggs, Claxton & Sculpher 2006, ch. 4) of
    every term of every crisis, for the share of draws deterred and the verdict at the central
    estimates."""
    run = settlement_of(scenario, settlement).run
    links, _ = link_plans(scenario, run, (upstream or {}).get("process"))
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
                                searched=len(inputs), note=note))
        found, steady = switches(game, central, inputs)
        hinges.append(Hinge(id=f"{crisis.id}/central", headline=deterrence_headline(crisis, "central"),
                            kind="central", now=_share(game, central), threshold=0.5, switches=found,
                            steady=steady, searched=len(inputs), note=note))
    report(progress, "hinges", len(scenario.deterrence), len(scenario.deterrence))
    return HingesResult(draws=run.draws, seed=run.seed, hinges=tuple(hinges), notes=tuple(notes))


def _share(game: CrisisGame, draws: dict[str, np.ndarray]) -> float:
    return float(np.mean(solve(game, ordered(game, draws)).deterred))
