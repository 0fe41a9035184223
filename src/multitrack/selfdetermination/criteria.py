"""The built-in criteria for a legitimate act of self-determination, and merging a scenario's own.

Stated in our own words from the proposal in Menon and Graham, 'How to Get What We Want From Putin'
(Politico, 2022), one of the project's seed documents: the West and Russia should agree what a
legitimate act of self-determination requires, and apply it to Kosovo, Crimea and the Donbas.
"""

from __future__ import annotations

from collections.abc import Iterable

from multitrack.selfdetermination.errors import SelfDeterminationError
from multitrack.selfdetermination.model import Criterion

_ORIGIN = "Menon and Graham (2022), Politico; project seed document"

BUILTIN_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "popular_vote",
        "Vote of the local population",
        "The territory's own population decides its status by a vote that can show its will "
        "(a real choice, including keeping the present status).",
        needs_vote=False,
        origin=_ORIGIN,
    ),
    Criterion(
        "supervised_vote",
        "Internationally supervised",
        "The vote is organised or overseen with international involvement, not by one side alone.",
        needs_vote=True,
        origin=_ORIGIN,
    ),
    Criterion(
        "free_and_fair",
        "Certified free and fair",
        "A recognised international observer body (e.g. OSCE/ODIHR, UN, regional organisation) "
        "certifies the vote as free and fair.",
        needs_vote=True,
        origin=_ORIGIN,
    ),
    Criterion(
        "displaced_included",
        "Displaced residents can vote",
        "Residents who have fled the territory (refugees, displaced people) can take part.",
        needs_vote=True,
        origin=_ORIGIN,
    ),
    Criterion(
        "agreement_with_state",
        "Agreement with the state concerned",
        "Technical agreements settle the vote and its consequences between the territory and the "
        "state it would leave.",
        needs_vote=False,
        origin=_ORIGIN,
    ),
)

BUILTIN_IDS: frozenset[str] = frozenset(c.id for c in BUILTIN_CRITERIA)


def merge_criteria(
    extra: Iterable[Criterion] = (), base: Iterable[Criterion] = BUILTIN_CRITERIA
) -> tuple[Criterion, ...]:
    """The base criteria followed by a scenario's extra ones; a repeated id is an error."""
    merged: list[Criterion] = []
    seen: set[str] = set()
    for criterion in (*base, *extra):
        if not isinstance(criterion, Criterion):
            raise SelfDeterminationError(f"not a Criterion: {criterion!r}")
        if criterion.id in seen:
            raise SelfDeterminationError(f"criterion id '{criterion.id}' given twice")
        seen.add(criterion.id)
        merged.append(criterion)
    return tuple(merged)
