"""Membership: an alliance or organisation and its member states never both weigh on one issue.

A grouping's capability in a scenario file is usually the sum of its members' (NATO's CINC share
is the sum of the 32 members' shares), so where the grouping and some of its members hold a
position on the same issue, a capability-weighted model would count those members twice: once
on their own and once inside the grouping. The rule used here: **a grouping weighs with the
capability its members present on that issue do not already bring**, its own capability less
theirs, and never below zero. NATO beside the United States, France, Germany, Poland and Hungary
thus speaks for the other 27 allies; a grouping whose capability is no more than its present
members' adds nothing to their weight, and one that sits alone keeps its whole capability.

Members are states (the scenario validates that every member is a known state actor), so the
relation has no chains and no cycles. Only the members a scenario lists are deducted: two
groupings that share unlisted members (Italy is in NATO and the EU) may still overlap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..scenario.model import Scenario


def present_members(scenario: Scenario, actors: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """For each grouping among ``actors``: its listed members that are also among ``actors``."""
    here = set(actors)
    out = {}
    for actor_id in actors:
        members = tuple(m for m in scenario.actor(actor_id).members if m in here)
        if members:
            out[actor_id] = members
    return out


def own_capability(scenario: Scenario, actors: Sequence[str], capability: np.ndarray) -> np.ndarray:
    """``capability`` (..., A) of ``actors`` with each grouping's weight cut to what its members
    present among ``actors`` do not bring: ``max(0, c_group - sum of c_member)``, draw by draw."""
    cap = np.array(capability, dtype=float, copy=True)
    index = {a: k for k, a in enumerate(actors)}
    for group, members in present_members(scenario, actors).items():
        g = index[group]
        held = sum(np.asarray(capability, dtype=float)[..., index[m]] for m in members)
        cap[..., g] = np.maximum(0.0, cap[..., g] - held)
    return cap


def membership_note(scenario: Scenario, actors: Sequence[str]) -> str | None:
    """One sentence on whose capability a grouping no longer counts on an issue, or None."""
    present = present_members(scenario, actors)
    if not present:
        return None
    parts = [f"{g} less {', '.join(ms)}" for g, ms in present.items()]
    return ("capability counted once: " + "; ".join(parts) +
            " (a grouping weighs with what its members at the table do not already bring)")


__all__ = ["membership_note", "own_capability", "present_members"]
