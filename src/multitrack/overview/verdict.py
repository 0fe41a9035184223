"""A track's verdict: can the parties who must consent agree, in one of four words with one
sentence of reason. :func:`track_verdict` decides it once, for the overview result; the terminal,
the HTML and Markdown reports and the web app print ``TrackOverview.verdict`` and decide nothing.

The four words:

- **can agree**: some outcome passes the track's decision rule (every veto player's red lines
  and reservation value, and the rule's count or weight) and gives a party who must consent
  more than its reservation value (by default what no deal leaves it: the status quo, or its
  disagreement point);
- **blocked**: no outcome passes the decision rule, or (on a track whose no deal is not the status
  quo) those that pass give nobody who must consent more than no deal;
- **status quo only**: outcomes pass the rule, but none is worth more than the status quo to
  anyone who must consent, so keeping the status quo is the only deal. Only a track that has a
  status quo, measures no deal from it and states no reservation values of its own gets this
  word (the others are "blocked" in the same situation);
- **not known**: the analyses that would decide did not run or could not decide. That is, the
  agreement space was not analysed (the overview ran without it, ``--only overview``) and the
  red lines alone leave outcomes open; the track is deferred (left open on purpose, not
  analysed); or the space is too large to tell whether any passing outcome improves on no deal
  (neither counted nor its Pareto frontier built within the limits).

Without the agreement space the verdict rests on the red lines alone: a track where the veto
players' red lines leave no value of some issue is blocked whatever else holds.
"""

from __future__ import annotations

import math

from ..scenario.model import Scenario
from ..scenario.tracks import Track
from ..space.result import STATUS_QUO, ConstraintRef, TrackAgreement
from .result import BLOCKED, CAN_AGREE, NOT_KNOWN, STATUS_QUO_ONLY, WORDS, IssueRoom, Verdict

__all__ = ["BLOCKED", "CAN_AGREE", "NOT_KNOWN", "STATUS_QUO_ONLY", "WORDS", "Verdict", "track_verdict"]


def track_verdict(scenario: Scenario, track: Track, rooms: tuple[IssueRoom, ...],
                  agreement: TrackAgreement | None) -> Verdict:
    """The verdict on ``track`` from its agreement space where that was analysed, else from the
    red-line room of its issues (``rooms``, as the overview counts them)."""
    if track.deferred:
        why = f": {track.deferred_reason.strip().rstrip('.')}" if track.deferred_reason else ""
        return Verdict(NOT_KNOWN, f"the track is left open on purpose and not analysed{why}")
    if agreement is None or agreement.deferred or agreement.can_agree is None:
        return _from_red_lines(scenario, rooms)
    party = "veto player" if track.vetoes else "participant"
    no_deal = ("its reservation value" if track.reservation_values else
               "the status quo" if agreement.baseline == STATUS_QUO else "its disagreement point")
    if not agreement.can_agree:
        return Verdict(BLOCKED, f"no outcome passes the decision rule: {_blockers(scenario, agreement)}")
    if agreement.improves is None:
        return Verdict(NOT_KNOWN, "outcomes pass the decision rule, but the space of "
                                  f"{agreement.n_outcomes:,} outcomes is too large to tell whether any "
                                  f"gives a {party} more than {no_deal}")
    if not agreement.improves and agreement.baseline == STATUS_QUO and not track.reservation_values:
        return Verdict(STATUS_QUO_ONLY, "the outcomes that pass the decision rule are worth no more than the "
                                        f"status quo to any {party}, so keeping it is the only deal")
    if not agreement.improves:
        return Verdict(BLOCKED, f"the outcomes that pass the decision rule give no {party} more than "
                                f"{no_deal}, so none is a deal worth making")
    passing = ("outcomes pass" if agreement.n_agreeable is None else
               f"{agreement.n_agreeable:,} of {agreement.n_outcomes:,} outcomes pass")
    return Verdict(CAN_AGREE, f"{passing} the decision rule, and some give a {party} more than {no_deal}")


def _from_red_lines(scenario: Scenario, rooms: tuple[IssueRoom, ...]) -> Verdict:
    names = {a.id: a.name for a in scenario.actors}
    closed = [r for r in rooms if r.blocked]
    if closed:
        who = "; ".join(f"{names.get(a, a)} vs {names.get(b, b)}" for a, b in closed[0].blocking_pairs)
        return Verdict(BLOCKED, f"the veto players' red lines leave no value of '{closed[0].title}'"
                                + (f" ({who})" if who else ""))
    n_open = math.prod(r.n_open for r in rooms)
    n_all = math.prod(r.n_values for r in rooms)
    return Verdict(NOT_KNOWN, "the agreement space was not analysed; the veto players' red lines leave "
                              f"{n_open:,} of {n_all:,} outcomes open")


def _blockers(scenario: Scenario, agreement: TrackAgreement) -> str:
    """Every minimal set of constraints whose removal opens a deal, in words (up to three), so
    that a clash of two parties' red lines names both rather than whichever was found first."""
    d = agreement.diagnosis
    if d is None or not d.minimal_sets:
        searched = f"up to {d.searched_up_to} " if d is not None else ""
        return f"no set of {searched}red lines and reservation values was found whose removal opens one"
    sets = [_constraint_set(scenario, s) for s in d.minimal_sets[:3]]
    more = len(d.minimal_sets) - len(sets)
    tail = f" (and {more} other way{'s' if more > 1 else ''})" if more > 0 else ""
    if len(sets) == 1:
        return f"{sets[0]} {'blocks' if len(d.minimal_sets[0]) == 1 else 'block'} every deal"
    return f"relaxing any one of these opens a deal: {'; or '.join(sets)}{tail}"


def _constraint_set(scenario: Scenario, constraints: tuple[ConstraintRef, ...]) -> str:
    named = [_constraint(scenario, c) for c in constraints]
    if len(named) == 1:
        return named[0]
    return f"{', '.join(named[:-1])} and {named[-1]} together"


def _constraint(scenario: Scenario, c: ConstraintRef) -> str:
    who = next((a.name for a in scenario.actors if a.id == c.actor), c.actor)
    if c.kind == "reservation":
        return f"{who}'s reservation value"
    title = next((i.label for _, i in scenario.issues() if i.id == c.issue), c.issue)
    return f"{who}'s red line on '{title}'"
