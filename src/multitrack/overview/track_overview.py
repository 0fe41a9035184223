"""Per-track overview: participants, vetoes, and the outcomes the veto players' red lines leave.

Red lines are per issue, so the outcomes that break no veto player's red line are the
product of the per-issue intersections: counted exactly without enumerating the space.
"""

from __future__ import annotations

import math

import numpy as np

from ..analysis import register
from ..progress import ProgressCallback, report
from ..scenario.issues import IssueModel
from ..scenario.model import Scenario
from ..scenario.tracks import Qualified, Track, Weighted
from ..space import allowed_mask, breaks_red_lines, issue_axis, issue_values, status_quo_value
from .result import IssueRoom, OverviewResult, TrackOverview


@register("overview", "Tracks at a glance", order=0)
def track_overview(scenario: Scenario, *, progress: ProgressCallback | None = None) -> OverviewResult:
    """Who sits at each track, who holds a veto, and how much room the red lines leave."""
    out = []
    for k, track in enumerate(scenario.tracks):
        report(progress, "overview", k, len(scenario.tracks))
        out.append(_track(scenario, track))
    report(progress, "overview", len(scenario.tracks), len(scenario.tracks))
    return OverviewResult(scenario.id, tuple(out))


def _track(scenario: Scenario, track: Track) -> TrackOverview:
    rooms = tuple(_issue_room(scenario, track, issue) for issue in track.issues)
    n_outcomes = math.prod(r.n_values for r in rooms)
    n_open = math.prod(r.n_open for r in rooms)
    return TrackOverview(
        track_id=track.id, title=track.title, forum=track.forum, deferred=track.deferred,
        participants=tuple(track.participants), veto_players=tuple(track.vetoes),
        decision_rule=describe_rule(track), n_outcomes=n_outcomes, n_open_outcomes=n_open,
        issues=rooms, verdict=_verdict(track, rooms, n_outcomes, n_open),
    )


def _issue_room(scenario: Scenario, track: Track, issue: IssueModel) -> IssueRoom:
    axis = issue_axis(issue, scenario.settings)
    values = issue_values(issue, scenario.settings)
    masks = {a: allowed_mask(issue, issue.positions[a].red_lines, axis)
             for a in track.vetoes if a in issue.positions}
    joint = np.logical_and.reduce(list(masks.values())) if masks else np.ones(len(values), bool)
    actors = list(masks)
    pairs = tuple((a, b) for i, a in enumerate(actors) for b in actors[i + 1:]
                  if not np.any(masks[a] & masks[b]))
    sq = status_quo_value(issue)
    rejected = () if sq is None else tuple(a for a, pos in issue.positions.items()
                                           if breaks_red_lines(issue, pos.red_lines, sq))
    return IssueRoom(
        issue_id=issue.id, title=issue.label, kind=issue.kind,  # type: ignore[attr-defined]
        n_values=len(values), status_quo=sq,
        open_values=tuple(v for v, ok in zip(values, joint) if ok),
        blocking_pairs=pairs, status_quo_rejected_by=rejected,
    )


def describe_rule(track: Track) -> str:
    """The decision rule in words."""
    rule = track.decision_rule
    vetoes = f"consent of {', '.join(track.vetoes)}"
    if isinstance(rule, Qualified):
        return f"{vetoes}, and {rule.min_participants} of {len(track.participants)} participants"
    if isinstance(rule, Weighted):
        return f"{vetoes}, and weighted vote reaching {rule.threshold:g} of {sum(rule.weights.values()):g}"
    return vetoes


def _verdict(track: Track, rooms: tuple[IssueRoom, ...], n_outcomes: int, n_open: int) -> str:
    if track.deferred:
        return "deferred: " + (track.deferred_reason or "left open on purpose")
    blocked = [r for r in rooms if r.blocked]
    if blocked:
        parts = []
        for r in blocked:
            who = "; ".join(f"{a} vs {b}" for a, b in r.blocking_pairs) or "the veto players jointly"
            parts.append(f"'{r.title}' ({who})")
        return "blocked by red lines on " + ", ".join(parts)
    return f"open: {n_open:,} of {n_outcomes:,} outcomes ({n_open / n_outcomes:.0%}) break no veto player's red line"
