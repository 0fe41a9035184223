"""Plain-words sentences about results, shared by the HTML report and the terminal."""

from __future__ import annotations

from typing import Any

from ..scenario.issues import value_text
from ..scenario.model import Scenario
from ..space.result import ConstraintRef, RelaxationRef, SolutionPoint, TrackAgreement

CONCEPT_NAMES = {
    "nash": "Nash", "weighted_nash": "weighted Nash", "kalai_smorodinsky": "Kalai-Smorodinsky",
    "egalitarian": "egalitarian", "utilitarian": "utilitarian",
    "nash_indivisible": "Nash, nobody below the status quo",
}


def fmt(v: Any) -> str:
    """A value of an issue (or a threshold) as every output writes it: ``4``, ``0.3``, ``observers``."""
    return value_text(v)


def concept_name(concept: str, t: TrackAgreement | None = None) -> str:
    """A bargaining solution's name; the indivisible-security Nash names what no deal means on the
    track (the status quo, or the disagreement point on a track without one)."""
    if concept == "nash_indivisible" and t is not None:
        return f"Nash, nobody below the {t.baseline}"
    return CONCEPT_NAMES.get(concept, concept)


class Words:
    """Names of actors and issues of one scenario, for sentences."""

    def __init__(self, scenario: Scenario) -> None:
        self.actors = {a.id: a.name for a in scenario.actors}
        self.issues = {i.id: i.label for _, i in scenario.issues()}
        self.units = {i.id: getattr(i, "unit", None) for _, i in scenario.issues()}
        self.tracks = {t.id: t.title for t in scenario.tracks}

    def constraint(self, c: ConstraintRef) -> str:
        who = self.actors.get(c.actor, c.actor)
        if c.kind == "reservation":
            return f"{who}'s reservation value (it prefers no deal to anything worse)"
        rel = {"equals": "never", "below": "never below", "above": "never above"}[c.relation or "equals"]
        return f"{who}'s red line on '{self.issues.get(c.issue, c.issue)}' ({rel} {fmt(c.threshold)})"

    def relaxation(self, r: RelaxationRef) -> str:
        c = r.constraint
        opened = "" if r.opens_outcomes is None else (
            f" ({r.opens_outcomes:,} outcome{'s' if r.opens_outcomes != 1 else ''} then pass)")
        if c.kind == "reservation":
            return (f"{self.actors.get(c.actor, c.actor)} would have to accept {r.reduction:.3f} less "
                    f"(on its 0-1 utility scale) than its reservation value to open a deal{opened}.")
        if c.relation == "equals":
            return f"Dropping {self.constraint(c)} opens a deal{opened}."
        unit = self.units.get(c.issue or "")
        if isinstance(r.move, float) and isinstance(c.threshold, (int, float)):
            by = f" (by {fmt(r.move)}{' ' + unit if unit else ''})"
        else:
            steps = int(round(r.move or 0))
            by = f" ({steps} step{'s' if steps != 1 else ''})"
        return f"Moving {self.constraint(c)} to {fmt(r.new_threshold)}{by} opens a deal{opened}."

    def diagnosis(self, t: TrackAgreement) -> list[str]:
        """Why a track cannot agree, in sentences."""
        d = t.diagnosis
        if d is None:
            return []
        out = []
        for s in d.minimal_sets:
            if len(s) == 1:
                out.append(f"{_cap(self.constraint(s[0]))} alone blocks a deal: removing it opens one.")
            else:
                parts = "; ".join(self.constraint(c) for c in s)
                out.append(f"These cannot all hold together: {parts} (giving up all of them opens a "
                           "deal; giving up fewer does not).")
        if not d.minimal_sets:
            out.append(f"No set of up to {d.searched_up_to} concessions opens a deal.")
        elif not d.complete:
            out.append(f"(Combinations were searched up to {d.searched_up_to} constraints.)")
        opening = [r for r in d.relaxations if r.opens]
        out += [self.relaxation(r) for r in opening]
        if not opening:
            out.append("No single concession opens a deal on its own.")
        return out

    def gains(self, s: SolutionPoint) -> tuple[list[str], list[str]]:
        """Who gains and who loses against no deal (the status quo, or the disagreement point on a
        track without one) under a solution."""
        win = [self.actors.get(a, a) for a, g in s.gain.items() if g > 1e-9]
        lose = [self.actors.get(a, a) for a, g in s.gain.items() if g < -1e-9]
        return win, lose

    def outcome(self, s: SolutionPoint) -> str:
        return "; ".join(f"{self.issues.get(k, k)}: {fmt(v)}" for k, v in s.outcome.items())


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
