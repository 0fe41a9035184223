"""Per-track overview: participants, vetoes, and the outcomes the veto players' red lines leave.

Red lines are per issue, so the outcomes that break no veto player's red line are the
product of the per-issue intersections: counted exactly without enumerating the space.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..analysis import register
from ..progress import ProgressCallback, report
from ..scenario.issues import IssueModel
from ..scenario.model import Scenario
from ..scenario.tracks import Qualified, Track, Weighted
from ..space import allowed_mask, breaks_red_lines, issue_axis, issue_values, status_quo_value
from ..space.result import AgreementSpaceResult, TrackAgreement
from .result import IssueRoom, OverviewResult, TrackOverview
from .verdict import track_verdict


@register("overview", "Tracks at a glance", order=0, uses=("agreement",))
def track_overview(scenario: Scenario, *, progress: ProgressCallback | None = None,
                   upstream: dict[str, Any] | None = None) -> OverviewResult:
    """Who sits at each track, who holds a veto, how much room the red lines leave, and the
    track's verdict (from the agreement space, when that analysis ran: it runs first)."""
    agreement = (upstream or {}).get("agreement")
    out = []
    for k, track in enumerate(scenario.tracks):
        report(progress, "overview", k, len(scenario.tracks))
        out.append(_track(scenario, track, _agreement_of(agreement, track.id)))
    report(progress, "overview", len(scenario.tracks), len(scenario.tracks))
    return OverviewResult(scenario.id, tuple(out))


def _agreement_of(result: AgreementSpaceResult | None, track_id: str) -> TrackAgreement | None:
    return None if result is None else next((t for t in result.tracks if t.track_id == track_id), None)


def _track(scenario: Scenario, track: Track, agreement: TrackAgreement | None) -> TrackOverview:
    rooms = tuple(_issue_room(scenario, track, issue) for issue in track.issues)
    n_outcomes = math.prod(r.n_values for r in rooms)
    n_open = math.prod(r.n_open for r in rooms)
    return TrackOverview(
        track_id=track.id, title=track.title, forum=track.forum, deferred=track.deferred,
        participants=tuple(track.participants), veto_players=tuple(track.vetoes),
        decision_rule=describe_rule(track), n_outcomes=n_outcomes, n_open_outcomes=n_open,
        issues=rooms, verdict=track_verdict(scenario, track, rooms, agreement),
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
        issue_id=issue.id, title=issue.label, kind=issue.kind,
        n_values=len(values), status_quo=sq,
        open_values=tuple(v for v, ok in zip(values, joint, strict=True) if ok),
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

