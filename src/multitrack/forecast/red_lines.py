"""Forecasts that land where a veto player will not go: a model's forecast on an issue beyond a
red line that a veto player of the issue's track holds there.

A forecast model knows positions, saliences and capabilities, not red lines, so it can point to
a value that one party at the table can block outright (the moratorium's median of 10 years
against Russia's floor of 15). Such a forecast is kept -- it is what the model says -- and marked,
so the report and the consistency check can say it cannot be the outcome of an agreement.

A conditional red line (``when:``) depends on another issue's outcome, which a forecast of one
issue does not give; it is checked when its condition holds at every value of that issue that
the veto players of its track leave open (their unconditional red lines, central estimates) --
no agreement can then escape it (Russia's floor on the moratorium binds while NATO's door stays
open, and every ally rules out closing it). Where that issue is on another track, that track
may also fail and leave its issue at its status quo, so the condition must hold there too (a
track without a status quo leaves the condition unmet when it fails).

A draw in which a model gives no forecast (NaN: no actor with a positive weight) breaks no red
line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..results import Result
from ..settlement import DrawValues
from ..settlement.preferences import allowed_on, issue_axis, line_mask, on_axis

#: A forecast is flagged when it breaks the red line at the central estimates or in at least
#: this share of the draws.
FLAG_SHARE = 0.5


@dataclass(frozen=True)
class ForecastBreach(Result):
    """One model's forecast beyond one veto player's red line on one issue."""

    model: str
    actor: str
    relation: str       # below | above | equals: the red line as written
    threshold: float    # the red line's threshold at the central estimates, on the issue's axis
    forecast: float     # the model's forecast at the central estimates
    share: float        # share of draws in which the forecast of that draw breaks that draw's red line

    def sentence(self, unit: str | None = None) -> str:
        words = {"below": "floor", "above": "ceiling", "equals": "excluded value"}[self.relation]
        u = f" {unit}" if unit else ""
        return (f"the {self.model} forecast ({self.forecast:.3g}{u}) lies beyond {self.actor}'s {words} of "
                f"{self.threshold:.3g}{u} in {self.share:.0%} of draws")


def veto_red_lines(scenario: Any, track: Any, issue: Any) -> list[tuple[str, Any, Any]]:
    """(actor, position, red line) for every red line a veto player of ``track`` holds on
    ``issue`` that applies in every agreement: unconditional, or conditional on a condition
    that no agreement can escape (:func:`inescapable`)."""
    out = []
    for actor in track.vetoes:
        pos = issue.positions.get(actor)
        if pos is None:
            continue
        out += [(actor, pos, line) for line in pos.red_lines
                if getattr(line, "when", None) is None or inescapable(scenario, line.when, issue.id)]
    return out


def inescapable(scenario: Any, condition: Any, line_issue: str | None = None) -> bool:
    """Whether ``condition`` holds at every value of its issue that the veto players of that
    issue's track leave open (unconditional red lines at the central estimates), and, where that
    issue is on another track than ``line_issue`` (the red line's own issue), also at its status
    quo, where that track's failure leaves it."""
    found = next(((t, i) for t, i in scenario.issues() if i.id == condition.issue), None)
    if found is None:
        return False
    track, other = found
    axis = issue_axis(other, scenario.settings)
    open_ = np.ones(len(axis), dtype=bool)
    for actor in track.vetoes:
        pos = other.positions.get(actor)
        if pos is not None:
            plain = [line for line in pos.red_lines if getattr(line, "when", None) is None]
            open_ &= allowed_on(other, plain, axis)[0]
    if not (open_.any() and _holds(other, condition, axis)[open_].all()):
        return False
    if line_issue is None or any(i.id == line_issue for i in track.issues):
        return True  # agreement on the line's own track settles the condition's issue too
    return _holds_if_failed(other, condition)


def _holds_if_failed(issue: Any, condition: Any) -> bool:
    """Whether ``condition`` holds at ``issue``'s status quo, where its track leaves it on failing
    (none: the condition is read as not holding, as the agreement space reads it)."""
    sq = getattr(issue, "status_quo", None)
    if sq is None:
        return False
    value = on_axis(issue, sq, DrawValues.central())
    return bool(_holds(issue, condition, np.asarray(value, dtype=float))[0])


def _holds(issue: Any, condition: Any, axis: np.ndarray) -> np.ndarray:
    """(n_values,) where on ``axis`` the condition holds."""
    central = DrawValues.central()
    relation = condition.relation
    if relation == "in":
        points = np.array([on_axis(issue, v, central)[0] for v in condition.in_], dtype=float)
        return np.isclose(axis[:, None], points[None, :]).any(axis=1)
    value = float(on_axis(issue, getattr(condition, relation), central)[0])
    return axis < value if relation == "below" else axis > value


def beyond(issue: Any, line: Any, values: DrawValues, landed: np.ndarray) -> np.ndarray:
    """(D,) True in the draws where ``landed`` (the forecast of each draw) breaks ``line``
    (with that draw's threshold)."""
    threshold = on_axis(issue, line.threshold, values)
    landed = np.asarray(landed, dtype=float)
    return ~line_mask(line.relation, landed, threshold) & ~np.isnan(landed)


def key(issue_id: str, model: str, actor: str, number: int) -> str:
    """The per-draw array name of one model's breaches of one red line."""
    return f"{issue_id}/{model}/beyond/{actor}.{number}"


def breaches(scenario: Any, item_track: Any, issue: Any, models: tuple[str, ...],
             nominal: dict[str, np.ndarray], arrays: dict[str, np.ndarray],
             flagged: bool = True) -> tuple[ForecastBreach, ...]:
    """The flagged forecasts: beyond a veto player's red line at the central estimates, or in at
    least :data:`FLAG_SHARE` of the draws; with ``flagged`` False the others that break one in
    some draws (a risk the flag does not raise, which the sentences mention)."""
    central = DrawValues.central()
    out = []
    lines = veto_red_lines(scenario, item_track, issue)
    for m in models:
        f = float(nominal[m][0])
        for number, (actor, _pos, line) in enumerate(lines):
            at_centre = bool(beyond(issue, line, central, np.array([f]))[0])
            share = float(np.mean(arrays[key(issue.id, m, actor, number)]))
            if (at_centre or share >= FLAG_SHARE) if flagged else (not at_centre and 0 < share < FLAG_SHARE):
                threshold = float(on_axis(issue, line.threshold, central)[0])
                out.append(ForecastBreach(m, actor, line.relation, threshold, f, share))
    return tuple(out)


__all__ = ["FLAG_SHARE", "ForecastBreach", "beyond", "breaches", "inescapable", "key", "veto_red_lines"]
