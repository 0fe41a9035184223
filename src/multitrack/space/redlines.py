"""Which values of an issue an actor's red lines allow, as boolean masks over the issue's axis:
the preference model's red lines (:mod:`multitrack.settlement.preferences`) at the central values.

A conditional red line (``when:``) applies only while another issue takes given values. On an
issue of the same track it ties two issues, so a single issue's mask leaves it out; on another
track's issue it is read against that track's compromise (:func:`cross_track_conditions`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ..results import LinkEffect
from ..scenario.describe import red_line_text
from ..scenario.issues import IssueModel
from ..scenario.model import Scenario
from ..scenario.positions import RedLineModel
from ..scenario.tracks import Track
from ..settlement.preferences import allowed_on, condition_mask
from .counting import count_space
from .track_space import TrackSpace
from .values import as_axis_value, status_quo_value, value_text


def allowed_mask(issue: IssueModel, red_lines: list[RedLineModel], axis: np.ndarray) -> np.ndarray:
    """True where a value on ``axis`` breaks none of ``red_lines`` (thresholds at their central
    values); conditional red lines are left out, as they depend on another issue."""
    return allowed_on(issue, red_lines, axis)[0]


def breaks_red_lines(issue: IssueModel, red_lines: list[RedLineModel], value) -> bool:
    """Whether a single value (option name or number) breaks any of ``red_lines`` (those that
    always apply)."""
    axis = np.asarray([as_axis_value(issue, value)])
    return not bool(allowed_mask(issue, red_lines, axis)[0])


def cross_track_conditions(scenario: Scenario, track: Track,
                           compromise: Callable[[Track], dict[str, Any] | None]
                           ) -> tuple[dict[str, tuple[IssueModel, np.ndarray]], tuple[str, ...]]:
    """The issues of other tracks that ``track``'s conditional red lines name, each at the other
    track's compromise (``compromise(other)``: its outcome in the issues' own terms, None where it
    reaches no deal, so the issue stays at its status quo), and a note per conditional red line
    saying where it was read and whether it applies. For the exact agreement space, whose
    answer is one outcome per track, the compromise is the other track's Nash solution."""
    own = {i.id for i in track.issues}
    where = {issue.id: (other, issue) for other, issue in scenario.issues()}
    elsewhere: dict[str, tuple[IssueModel, np.ndarray]] = {}
    notes = []
    outcomes: dict[str, dict[str, Any] | None] = {}
    for issue in track.issues:
        for actor, pos in issue.positions.items():
            for line in pos.red_lines:
                cond = line.when
                if cond is None or cond.issue in own:
                    continue
                other, target = where[cond.issue]
                if other.id not in outcomes:
                    outcomes[other.id] = None if other.deferred else compromise(other)
                outcome = outcomes[other.id]
                value = None if outcome is None else outcome.get(cond.issue)
                at = status_quo_value(target) if value is None else value
                x = np.array([np.nan if at is None else as_axis_value(target, at)])
                elsewhere[cond.issue] = (target, x)
                holds = bool(condition_mask(cond, target, x)[0])
                read = (f"at {other.id}'s compromise ({cond.issue} = {value_text(value)})"
                        if value is not None else
                        f"with no deal on {other.id} ({cond.issue} stays at its status quo"
                        f"{'' if at is None else ' ' + value_text(at)})")
                notes.append(f"{actor}'s red line on '{issue.id}' ({red_line_text(line)}) depends on track "
                             f"{other.id}: read {read}, so it {'applies' if holds else 'does not apply'}.")
    return elsewhere, tuple(notes)


def conditional_red_line_links(space: TrackSpace, n_agreeable: int | None, cross_notes: tuple[str, ...],
                               *, chunk_size: int, track_of: dict[str, str] | None = None
                               ) -> tuple[LinkEffect, ...]:
    """One :class:`LinkEffect` per conditional red line of the track: for one conditional on
    another issue of the track, the outcomes that pass the rule with it (``after``) and with the
    same red line applying whatever the other issue is (``before``), where the space was counted;
    for one conditional on another track, the note saying where it was read (``track_of``: each
    issue's track, for the link's source)."""
    track_of = track_of or {}
    out = []
    notes = iter(cross_notes)
    for k, ref in enumerate(space.red_lines):
        cond = ref.condition
        if cond is None:
            continue
        actor, issue = space.actors[ref.actor], space.issue_ids[ref.issue]
        other = cond.issue  # type: ignore[attr-defined]
        source = f"track:{track_of.get(other, space.track_id)}/issue:{other}"
        target = f"track:{space.track_id}/issue:{issue}/actor:{actor}"
        if not ref.joint:
            out.append(LinkEffect("conditional-red-line", source, target, next(notes, "")))
            continue
        before = None
        if n_agreeable is not None:
            before = count_space(_always(space, k), chunk_size=chunk_size).n_agreeable
        said = f"{actor}'s red line on '{issue}' applies only {cond.text}"  # type: ignore[attr-defined]
        sentence = (f"{said} (track {space.track_id})." if before is None else
                    f"{said}: {n_agreeable:,} outcomes pass track {space.track_id}'s rule, against "
                    f"{before:,} if it applied whatever {cond.issue} is.")  # type: ignore[attr-defined]
        out.append(LinkEffect("conditional-red-line", source, target, sentence,
                              None if before is None else float(before),
                              None if n_agreeable is None else float(n_agreeable)))
    return tuple(out)


def _always(space: TrackSpace, k: int) -> TrackSpace:
    """The space with joint red line ``k`` applying whatever its condition's issue is."""
    ref = space.red_lines[k]
    allowed = [a.copy() for a in space.allowed]
    joint = []
    for j, own in space.joint:
        if j == k:
            allowed[ref.issue][ref.actor] &= own
        else:
            joint.append((j, own))
    return replace(space, allowed=tuple(allowed), joint=tuple(joint))
