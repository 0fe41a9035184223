"""How big a scenario conflict is, in one line (decision makers, options, feasible states, status
quo with its GMCR+ state number): what ``validate`` prints per conflict.

It lives with the scenario models rather than with the stability analysis because it needs only
the conflict's core model (:mod:`multitrack.scenario.option_form`), so validating a file never
loads the stability solvers (scipy, numba). Without a built model at hand it counts the states
with ``Conflict.check`` (plain Python for a small conflict), so ``validate`` imports no numpy.
:mod:`multitrack.stability.summary` re-exports it.
"""

from __future__ import annotations

from typing import Any

from .conflicts import status_quo_state, to_core
from .option_form import ConflictModel


def _plural(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


def conflict_model(spec: Any) -> ConflictModel:
    """The built core model of a scenario conflict (already validated, so it builds)."""
    return to_core(spec).build()


def conflict_counts(spec: Any, model: ConflictModel | None = None) -> str:
    """One line: decision makers, options, feasible states, and what else the conflict has."""
    codes = to_core(spec).check() if model is None else [int(c) for c in model.codes]
    n = len(spec.option_ids)
    parts = [_plural(len(spec.decision_makers), "decision maker"), _plural(n, "option"),
             f"{len(codes):,} of {2**n:,} states feasible"]
    if spec.misperceptions:
        parts.append(f"misperceptions of {_plural(len(spec.misperceptions), 'decision maker')}")
    if spec.coalitions:
        parts.append(_plural(len(spec.coalitions), "coalition"))
    if spec.status_quo is not None:
        label = spec.status_quo_label()
        state = status_quo_state(label, codes, n)  # feasible: the scenario was validated
        parts.append(f"status quo {label} (state {'?' if state is None else state + 1})")
    return ", ".join(parts)


def status_quo_text(spec: Any, model: ConflictModel) -> str:
    """The status quo as its Y/N label and GMCR+ state number, e.g. ``NYNN (state 3)``."""
    label = spec.status_quo_label()
    return f"{label} (state {model.state_number(model.state(label))})"
