"""The entry point a scenario or the CLI calls: the checklist table, optionally with extra criteria."""

from __future__ import annotations

from collections.abc import Iterable

from multitrack.selfdetermination.assess import assess
from multitrack.selfdetermination.criteria import merge_criteria
from multitrack.selfdetermination.load import load_cases
from multitrack.selfdetermination.model import Assessment, Case, Criterion


def criteria_table(
    extra_criteria: Iterable[Criterion] = (), cases: Iterable[Case] | None = None
) -> Assessment:
    """The built-in cases (or ``cases``) assessed on the built-in criteria plus ``extra_criteria``."""
    chosen = load_cases() if cases is None else tuple(cases)
    return assess(chosen, merge_criteria(extra_criteria))
