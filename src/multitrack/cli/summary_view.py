"""What ``multitrack analyze`` prints by default: one screen that a reader takes in at a glance.

Per track its verdict and the deal it points to (the agreement space's compromise, value by value),
or, on a blocked track, whose red lines block it; per analysis its one-line ``summary``; then where
the report and results were written. Every word comes from the results (``TrackOverview.verdict``,
``TrackAgreement.deal`` and ``blockers``, each result's ``summary``): this module only lays them out,
wrapped at the terminal's width between words, so that no id or value is ever cut. ``--verbose``
prints the full tables (:mod:`multitrack.cli.terminal`) instead of the analyses' lines.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rich.text import Text

from ..overview import BLOCKED, CAN_AGREE, OverviewResult
from ..scenario.issues import value_text
from ..scenario.model import Scenario
from ..space.result import AgreementSpaceResult, TrackAgreement

#: How each verdict word is coloured (the words themselves come from the overview result).
VERDICT_STYLE = {"can agree": "green", "blocked": "red", "status quo only": "yellow", "not known": "dim"}

#: What stands for the headline of a result that has no ``summary`` (a plug-in's, say).
NO_SUMMARY = "no one-line summary (--verbose prints its table)"

#: Continuation lines of a wrapped item start this far in.
HANG = 6


def summary_lines(results: dict[str, Any], scenario: Scenario, width: int) -> list[Text]:
    """The one-screen summary of a run, as lines no wider than ``width`` (a word longer than a
    line, such as a very long id, is kept whole on a line of its own rather than cut)."""
    lines = [Text(line, style="bold") for line in _wrap(f"{scenario.title} ({scenario.id})", width, 0)]
    overview = next((r for r in results.values() if isinstance(r, OverviewResult)), None)
    if overview is not None:
        agreement = next((r for r in results.values() if isinstance(r, AgreementSpaceResult)), None)
        lines.append(Text(f"Tracks: {overview.summary}", style="bold"))
        for t in overview.tracks:
            space = _track(agreement, t.track_id)
            lines += _item(f"{t.track_id}: ", t.verdict.word, _deal(t.verdict.word, space, scenario), width,
                           VERDICT_STYLE.get(t.verdict.word, ""))
    shown = [(name, r) for name, r in results.items() if not isinstance(r, OverviewResult)]
    if shown:
        lines.append(Text("Analyses (multitrack analyze --verbose prints their tables):", style="bold"))
        for name, result in shown:
            text = getattr(result, "summary", None)
            lines += _item(f"{name}: ", "", text if isinstance(text, str) and text else NO_SUMMARY, width, "")
    return lines


def _track(agreement: AgreementSpaceResult | None, track_id: str) -> TrackAgreement | None:
    if agreement is None:
        return None
    return next((t for t in agreement.tracks if t.track_id == track_id), None)


def _deal(word: str, space: TrackAgreement | None, scenario: Scenario) -> str:
    """What follows a track's verdict: the deal's values where it can agree, whose red lines (or
    reservation values) block it where it is blocked, else nothing."""
    if space is None:
        return ""
    if word == CAN_AGREE and space.deal is not None:
        units = {i.id: getattr(i, "unit", None) for _, i in scenario.issues()}
        return "on " + ", ".join(_value(v, units.get(k)) for k, v in space.deal.outcome.items())
    if word == BLOCKED and space.blockers:
        return "by red lines or reservation values of " + ", ".join(space.blockers)
    return ""


def _value(v: Any, unit: str | None) -> str:
    return value_text(v) + (f" {unit}" if unit and not isinstance(v, str) else "")


def _item(head: str, word: str, text: str, width: int, style: str) -> list[Text]:
    """``head`` (an id, never cut), the verdict ``word`` (styled) and ``text``, wrapped between
    words at ``width`` with continuation lines indented."""
    wrapped = _wrap(head + word + (f" {text}" if word and text else text), width, HANG, "  ")
    out = [Text(line) for line in wrapped]
    if word and style and out[0].plain.startswith("  " + head + word):
        out[0].stylize(style, 2 + len(head), 2 + len(head) + len(word))
    return out


def _wrap(text: str, width: int, hang: int = HANG, indent: str = "") -> list[str]:
    """Lines of at most ``width`` characters, broken only at spaces (never inside an id or a
    hyphenated value: a word wider than the line keeps a line of its own), the first indented by
    ``indent``, the others by ``hang`` spaces; control characters (an escape sequence in a scenario's
    title, say) are shown as ``\\x1b``, never sent to the terminal."""
    return textwrap.wrap(_visible(text), width=max(width, 20), initial_indent=indent,
                         subsequent_indent=" " * hang, break_long_words=False, break_on_hyphens=False) or [""]


def _visible(text: str) -> str:
    """``text`` with every control character (C0, DEL, C1) written out as ``\\xNN``."""
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 32 or 127 <= ord(c) < 160 else c for c in text)
