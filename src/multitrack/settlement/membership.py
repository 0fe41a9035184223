"""Membership: an alliance or organisation and its member states never both weigh on one issue.

A grouping's capability in a scenario file is usually the sum of its members' (NATO's CINC share
is the sum of the 32 members' shares), so where the grouping and some of its members hold a
position on the same issue, a capability-weighted model would count those members twice: once
on their own and once inside the grouping. The rule used here: **a grouping weighs with the
capability its members present on that issue do not already bring**, its own capability less
theirs, and never below zero. NATO beside the United States, France, Germany, Poland and Hungary
thus speaks for the other 27 allies; a grouping whose capability is no more than its present
members' adds nothing to their weight, and one that sits alone keeps its whole capability.

Two groupings on one issue may list the same member (France in NATO and in the EU). A listed
member at the table is deducted from each grouping that lists it. A listed member *not* at the
table sits inside both groupings' capabilities, so each of the k groupings present that list it
gives up (k - 1) / k of its capability: the member is counted once, shared equally among the
groupings that speak for it.

Members are states (the scenario validates that every member is a known state actor), so the
relation has no chains and no cycles. Only the members a scenario lists are deducted: two
groupings that share unlisted members (Italy is in NATO and the EU but modelled in neither) may
still overlap, and :func:`shared_members` names the groupings where that can happen. An actor
that appears more than once among ``actors`` (copies of a participant in a member group of a
forum) is read at its first place, the actor's own; every copy of a grouping is cut alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..scenario.model import Scenario


def present_members(scenario: Scenario, actors: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """For each grouping among ``actors``: its listed members that are also among ``actors``."""
    here = set(actors)
    out = {}
    for actor_id in dict.fromkeys(actors):
        members = tuple(m for m in scenario.actor(actor_id).members if m in here)
        if members:
            out[actor_id] = members
    return out


def shared_absent(scenario: Scenario, actors: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Listed members that are not among ``actors`` but belong to two or more groupings that are:
    member -> those groupings."""
    here = set(actors)
    holders: dict[str, list[str]] = {}
    for actor_id in dict.fromkeys(actors):
        for m in scenario.actor(actor_id).members:
            if m not in here:
                holders.setdefault(m, []).append(actor_id)
    return {m: tuple(gs) for m, gs in holders.items() if len(gs) > 1}


def shared_members(scenario: Scenario, actors: Sequence[str]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Pairs of groupings among ``actors`` that list a member in common, with those members: the
    groupings may also share members that neither lists, whose capability both then count."""
    groups = [a for a in dict.fromkeys(actors) if scenario.actor(a).members]
    out = {}
    for k, g in enumerate(groups):
        for h in groups[k + 1:]:
            common = tuple(m for m in scenario.actor(g).members if m in scenario.actor(h).members)
            if common:
                out[(g, h)] = common
    return out


def own_capability(scenario: Scenario, actors: Sequence[str], capability: np.ndarray,
                   others: Callable[[str], np.ndarray | float] | None = None) -> np.ndarray:
    """``capability`` (..., A) of ``actors`` with each grouping's weight cut to what its members
    present among ``actors`` do not bring: ``max(0, c_group - sum of c_member)``, draw by draw,
    less (k - 1) / k of each listed member not among ``actors`` that k >= 2 groupings there list.
    ``others(actor_id)``: the capability of an actor not among ``actors`` (its draws, or a
    number); by default its central value."""
    whole = np.asarray(capability, dtype=float)
    cap = np.array(whole, copy=True)
    index: dict[str, int] = {}
    for k, a in enumerate(actors):
        index.setdefault(a, k)  # an actor's own column is its first
    absent = shared_absent(scenario, actors)
    if others is None:
        def others(actor_id: str) -> float:
            return float(scenario.actor(actor_id).capability.nominal)
    present = present_members(scenario, actors)
    for group in dict.fromkeys(a for a in actors if scenario.actor(a).members):
        held = sum((whole[..., index[m]] for m in present.get(group, ())), np.zeros(whole.shape[:-1]))
        for m, groups in absent.items():
            if group in groups:
                held = held + np.asarray(others(m), dtype=float) * (len(groups) - 1) / len(groups)
        for k, a in enumerate(actors):
            if a == group:
                cap[..., k] = np.maximum(0.0, whole[..., k] - held)
    return cap


def membership_note(scenario: Scenario, actors: Sequence[str]) -> str | None:
    """One sentence on whose capability a grouping no longer counts on an issue, or None."""
    present = present_members(scenario, actors)
    if not present:
        return None
    parts = [f"{g} less {', '.join(ms)}" for g, ms in present.items()]
    return ("capability counted once: " + "; ".join(parts) +
            " (a grouping weighs with what its members at the table do not already bring)")


__all__ = ["membership_note", "own_capability", "present_members", "shared_absent", "shared_members"]
