"""Switching values in words, for the summary: "deterrence reaches one half of draws if
european-force credibility exceeds 0.62 (the 97th percentile of its estimate)"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..scenario.security import Crisis
from ..scenario.tracks import Track
from .phrases import switch_list
from .results import Hinge, Switch

if TYPE_CHECKING:
    from .designs import Ranking

#: Switching values a summary sentence names at most (smallest move first).
SHOWN = 3


def deterrence_headline(crisis: Crisis, kind: str) -> str:
    """The headline a hinge is about, in words."""
    what = f"deterrence of {crisis.challenger} in '{crisis.title}'"
    return f"the share of draws in which {what} holds" if kind == "share" else \
        f"{what} at the central estimates"


def track_headline(track: Track, kind: str) -> str:
    """A track's verdict in words: over the draws, or at the central estimates."""
    return f"the share of draws in which the '{track.title}' track agrees" if kind == "share" else \
        f"whether the '{track.title}' track can agree at the central estimates"


def design_headline(rank: Ranking, kind: str) -> str:
    """The process comparison in words: the leading design's tracks agreed against the runner-up's."""
    where = "on average over the draws" if kind == "mean" else "at the central estimates"
    return (f"{rank.leader} getting more tracks agreed than {rank.runner_up} {where} "
            f"({rank.lead:.2f} against {rank.second:.2f} over the draws)")


def hinge_question(h: Hinge) -> str:
    """The question a hinge answers, for a report's list of findings."""
    return {"track": "What does the track's verdict hinge on?",
            "designs": "What does the ranking of the process designs hinge on?"}.get(
        h.about, "What does the answer hinge on?")


def hinge_sentence(h: Hinge, shown: int = SHOWN) -> str:
    """What the headline hinges on: its smallest switching values, or that no single input moves it."""
    if h.about == "escalation":
        from .escalation import escalation_sentence
        return escalation_sentence(h, shown)
    if h.about != "deterrence":
        return verdict_sentence(h, shown)
    on = h.now >= h.threshold
    if h.kind == "share":
        state = f"{_pct(h.now)}, {'at least' if on else 'below'} one half"
        flip = "falls below one half" if on else "reaches one half"
    else:
        state = "holds" if on else "fails"
        flip = "fails" if on else "holds"
    head = f"{h.headline[0].upper()}{h.headline[1:]} ({state})"
    beyond = h.would_take[:shown]
    if not h.switches:
        text = f"{head}: no single input of the {h.searched} searched flips it within its range; "
        text += "it would take "
        return text + ("; or ".join(_beyond(s) for s in beyond) if beyond else "several at once") + "."
    listed, tail = switch_list(h.switches, shown, _switch)
    text = f"{head} {flip}{listed}"
    if beyond:
        tail += "; beyond their estimates' ranges, it would also take " + \
            "; or ".join(_beyond(s) for s in beyond)
    return f"{text}{tail}."


def verdict_sentence(h: Hinge, shown: int = SHOWN) -> str:
    """A track's verdict or the process comparison, and what flips it: the estimates that do within
    their range, the stated numbers that do; for a steady verdict (no estimate flips it) what one
    estimate would have to become, beyond its range."""
    on = h.now >= h.threshold
    if h.kind == "share":
        state = f"{_pct(h.now)}, {'at least' if on else 'below'} one half"
        flip = "falls below one half" if on else "reaches one half"
    elif h.about == "designs":
        state = f"{'ahead' if on else 'not ahead'} by {h.now:.2f} tracks"
        flip = "is no longer ahead" if on else "gets ahead"
    else:
        state = "it can agree" if on else "it cannot agree"
        flip = "cannot agree" if on else "can agree"
    head = f"{h.headline[0].upper()}{h.headline[1:]} ({state})"
    estimates = [s for s in h.switches if s.percentile is not None][:shown]
    stated = [s for s in h.switches if s.percentile is None][:shown]
    if estimates:
        text = f"{head} {flip} if " + "; or if ".join(_switch(s) for s in estimates)
        if stated:
            text += "; among the stated numbers, if " + "; or if ".join(_switch(s) for s in stated)
    else:
        text = f"{head}: steady, no single estimate of the {h.searched} searched flips it within its range"
        beyond = h.would_take[:shown]
        if beyond:
            text += "; it would take " + "; or ".join(_beyond(s) for s in beyond)
        if stated:
            text += f"; among the stated numbers, it {flip} if " + "; or if ".join(_switch(s) for s in stated)
        if not beyond and not stated:
            text += ", nor does any stated number; it would take several inputs at once"
    more = len(h.switches) - len(estimates) - len(stated)
    verb = "s lie" if more != 1 else " lies"
    tail = "" if more <= 0 else f"; {more} more switching value{verb} further out"
    return f"{text}{tail}."


def _beyond(s: Switch) -> str:
    """An estimate's switching value outside its range: what it would have to move to."""
    side = "above" if s.direction == "above" else "below"
    return (f"{s.label} moving {side} {_num(s.value)} (its estimate runs {_num(s.low)} to "
            f"{_num(s.high)}, central {_num(s.central)})")


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
    return "0" if abs(x) < 1e-5 else f"{x:.3g}"


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%" if 0 < 100 * v < 10 else f"{100 * v:.0f}%"
