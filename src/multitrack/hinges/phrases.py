"""The part of a hinge's sentence every headline shares: the switching values within the inputs'
ranges, estimates first and stated numbers after, and how many more lie further out. Each
headline's module passes its own wording of one switch; this module imports no headline module,
so the escalation hinge can use it without a cycle through words.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .results import Switch


def switch_list(switches: Sequence[Switch], shown: int, phrase: Callable[[Switch], str]) -> tuple[str, str]:
    """(" if A; or if B; among the stated numbers, if C", "; N more switching values lie further
    out"): the shown switches of estimates, then of stated numbers, and the count left out."""
    estimates = [s for s in switches if s.percentile is not None][:shown]
    stated = [s for s in switches if s.percentile is None][:shown]
    text = ""
    if estimates:
        text += " if " + "; or if ".join(phrase(s) for s in estimates)
    if stated:
        lead = "; among the stated numbers, if " if estimates else " if "
        text += lead + "; or if ".join(phrase(s) for s in stated)
    more = len(switches) - len(estimates) - len(stated)
    verb = "s lie" if more != 1 else " lies"
    tail = "" if more <= 0 else f"; {more} more switching value{verb} further out"
    return text, tail
