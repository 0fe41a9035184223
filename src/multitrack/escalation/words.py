"""What the link from a track's agreement to a confidence-building measure changed in a run, in
one sentence per measure (the summary's "what each link changed"), with the numbers."""

from __future__ import annotations

from typing import Any

from ..results import LinkEffect
from ..scenario.model import Scenario
from .risk import ALL_IN_FORCE, BASELINE, COMBINED, PACKAGE

KIND = "measure-in-force"
# The result types (analysis.EscalationResult, MeasureInForce) are read by attribute here: the
# analysis module imports this one.


def headline_rung(rungs: tuple[str, ...] | list[str]) -> str:
    """The rung the measures' sentences speak of: the one below the top on a ladder of three or
    more rungs (use of force on the default ladder), else the top."""
    return rungs[-2] if len(rungs) >= 3 else rungs[-1]


#: Small numbers of years in words, for "the ten-year risk".
NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def horizon_words(months: int) -> str:
    """'ten-year', 'five-year', '18-month': the horizon as an adjective."""
    if months % 12 == 0:
        years = months // 12
        return f"{NUMBERS[years] if years < len(NUMBERS) else years}-year"
    return f"{months}-month"


def points(x: float) -> str:
    return f"{100 * x:.1f} point{'' if round(100 * x, 1) == 1 else 's'}"


def where_words(m: Any, track: str, basis: str) -> str:
    """Where the measure is in force, in words."""
    on = f" on {m.agreed_value}" if m.agreed_value else ""
    effect = f"{100 * m.strength:.0f}% of the stated effect"
    if basis != "central":
        often = f", most often{on}" if on else ""
        return (f"in force in {100 * m.in_force:.0f}% of draws under parallel talks (the {track} track "
                f"agrees in {100 * m.track_agrees:.0f}% of them{often}; {effect} on average)")
    if m.in_force > 0:
        return (f"in force in every draw: the {track} track's compromise at the central values "
                f"agrees{on} ({effect})")
    if m.agreed_value:
        return (f"in force in no draw: the {track} track's compromise at the central values agrees{on}, "
                "which buys none of the stated effect")
    return f"in force in no draw: the {track} track's compromise at the central values does not agree"


def measure_sentence(m: Any, scenario: Scenario, basis: str) -> str:
    """E.g. "Advance notice of large exercises is in force in 63% of draws under parallel talks
    (the confidence-building track agrees in 70% of them, most often on 42 days; 55% of the
    stated effect on average); it takes 0.8 points off the ten-year risk that any theatre reaches 'use of
    force' (2.1 points if it were in force at full effect in every draw)"."""
    spec = scenario.escalation
    assert spec is not None
    title = next(x.title for x in spec.measures if x.id == m.measure)
    track = next((t.title or t.id for t in scenario.tracks if t.id == m.track), m.track)
    return (f"{title} is {where_words(m, track, basis)}; it takes {points(m.reduction)} off the "
            f"{horizon_words(m.horizon)} risk that any theatre reaches '{m.rung}' "
            f"({points(m.reduction_full)} if it were in force at full effect in every draw).")


def link_effects(result: Any, scenario: Scenario) -> tuple[LinkEffect, ...]:
    """One LinkEffect per measure tied to a track (under the main design), and one for all of them
    together: before = as if every measure were in force at full effect, after = as agreed."""
    main = [m for m in result.in_force if m.design == result.in_force[0].design] if result.in_force else []
    out = []
    for m in main:
        issue = f"/issue:{m.issue}" if m.issue else ""
        out.append(LinkEffect(KIND, f"track:{m.track}{issue}", f"escalation:measure:{m.measure}",
                              measure_sentence(m, scenario, result.basis), before=m.reduction_full,
                              after=m.reduction))
    if main and ALL_IN_FORCE in result.scenarios:
        h, rung = max(result.horizons), headline_rung(result.rungs)
        agreed, full = result.risk(PACKAGE, COMBINED, h, rung), result.risk(ALL_IN_FORCE, COMBINED, h, rung)
        none = result.risk(BASELINE, COMBINED, h, rung)
        words = "under parallel talks" if result.basis != "central" else "at the central compromise"
        out.append(LinkEffect(
            KIND, "tracks:" + ",".join(sorted({m.track for m in main})), "escalation:package",
            f"With the measures in force only where their tracks agree ({words}), the {horizon_words(h)} "
            f"risk that any theatre reaches '{rung}' is {100 * agreed.mean:.1f}% against "
            f"{100 * none.mean:.1f}% with none; were every measure in force at full effect it would be "
            f"{100 * full.mean:.1f}%.",
            before=full.mean, after=agreed.mean))
    return tuple(out)


__all__ = ["KIND", "headline_rung", "horizon_words", "link_effects", "measure_sentence"]
