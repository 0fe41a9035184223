"""Switching values in words, for the summary: "deterrence reaches one half of draws if
european-force credibility exceeds 0.62 (the 97th percentile of its estimate)"."""

from __future__ import annotations

from ..scenario.security import Crisis
from .results import Hinge, Switch

#: Switching values a summary sentence names at most (smallest move first).
SHOWN = 3


def deterrence_headline(crisis: Crisis, kind: str) -> str:
    """The headline a hinge is about, in words."""
    what = f"deterrence of {crisis.challenger} in '{crisis.title}'"
    return f"the share of draws in which {what} holds" if kind == "share" else \
        f"{what} at the central estimates"


def hinge_sentence(h: Hinge, shown: int = SHOWN) -> str:
    """What the headline hinges on: its smallest switching values, or that no single input moves it."""
    on = h.now >= h.threshold
    if h.kind == "share":
        state = f"{_pct(h.now)}, {'at least' if on else 'below'} one half"
        flip = "falls below one half" if on else "reaches one half"
    else:
        state = "holds" if on else "fails"
        flip = "fails" if on else "holds"
    head = f"{h.headline[0].upper()}{h.headline[1:]} ({state})"
    if not h.switches:
        return (f"{head}: no single input of the {h.searched} searched flips it within its range; it "
                "would take several at once.")
    estimates = [s for s in h.switches if s.percentile is not None][:shown]
    stated = [s for s in h.switches if s.percentile is None][:shown]
    text = f"{head} {flip}"
    if estimates:
        text += " if " + "; or if ".join(_switch(s) for s in estimates)
    if stated:
        text += ("; among the stated numbers, if " if estimates else " if ") + \
            "; or if ".join(_switch(s) for s in stated)
    more = len(h.switches) - len(estimates) - len(stated)
    verb = "s lie" if more != 1 else " lies"
    tail = "" if more <= 0 else f"; {more} more switching value{verb} further out"
    return f"{text}{tail}."


def _switch(s: Switch) -> str:
    verb = "exceeds" if s.direction == "above" else "falls below"
    where = f"the {_ordinal(s.percentile)} percentile of its estimate" if s.percentile is not None else \
        f"a stated number, now {_num(s.central)}"
    return f"{s.label} {verb} {_num(s.value)} ({where})"


def _ordinal(p: float) -> str:
    n = int(round(100 * p))
    if n <= 0:
        return "0th (its lowest value)"
    if n >= 100:
        return "100th (its highest value)"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _num(x: float) -> str:
    return f"{x:.3g}"


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%" if 0 < 100 * v < 10 else f"{100 * v:.0f}%"
