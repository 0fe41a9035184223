"""Plain-words sentences about results, shared by the HTML report and the terminal."""

from __future__ import annotations

from typing import Any

from ..scenario.issues import value_text
from ..scenario.model import Scenario
from ..space.result import ConstraintRef, OpenedOutcome, Opening, RelaxationRef, SolutionPoint, TrackAgreement

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
        assert c.issue is not None  # a red line always names its issue (space/agreement.py)
        when = f" {c.condition}" if c.condition else ""
        return f"{who}'s red line on '{self.issues.get(c.issue, c.issue)}' ({rel} {fmt(c.threshold)}{when})"

    def relaxation(self, r: RelaxationRef) -> str:
        """The smallest single relaxation that opens a deal, and what it opens, in a sentence."""
        c = r.constraint
        opened = self.opened(Opening(r.opens_outcomes, r.opened))
        if c.kind == "reservation":
            return (f"{self.actors.get(c.actor, c.actor)} would have to accept {r.reduction:.3f} less "
                    f"(on its 0-1 utility scale) than its reservation value to open a deal{opened}.")
        return f"{self.relaxation_title(r)} opens a deal{opened}."

    def relaxation_title(self, r: RelaxationRef) -> str:
        """The relaxation itself: "Moving X's red line ... to 0 (by 5 km)"."""
        c = r.constraint
        if c.kind == "reservation":
            return (f"{self.actors.get(c.actor, c.actor)} accepting {r.reduction:.3f} less (0-1 scale) "
                    "than its reservation value")
        if c.relation == "equals":
            return f"Dropping {self.constraint(c)}"
        unit = self.units.get(c.issue or "")
        if isinstance(r.move, float) and isinstance(c.threshold, (int, float)):
            by = f" (by {fmt(r.move)}{' ' + unit if unit else ''})"
        else:
            steps = int(round(r.move or 0))
            by = f" ({steps} step{'s' if steps != 1 else ''})"
        return f"Moving {self.constraint(c)} to {fmt(r.new_threshold)}{by}"

    def opened(self, o: Opening) -> str:
        """What a relaxation opens: how many deals, and the best one with who gains and who loses
        against no deal (a bracket to put after "opens a deal"; "" when not counted)."""
        if o.n_outcomes is None:
            return ""
        many = f"{o.n_outcomes:,} outcome{'s' if o.n_outcomes != 1 else ''} other than the status quo"
        if not o.outcomes:
            return f" ({many} then pass)"
        best = o.outcomes[0]
        lead = "" if o.n_outcomes == 1 else ", the best of them"
        return f" ({many} then pass{lead}: {self.outcome(best)}; {self.gain_words(best)})"

    def gain_words(self, o: OpenedOutcome | SolutionPoint) -> str:
        """Who gains and who loses against no deal, with the size of each gain (0-1 scale)."""
        win = [f"{self.actors.get(a, a)} {g:+.2f}" for a, g in o.gain.items() if g > 1e-9]
        lose = [f"{self.actors.get(a, a)} {g:+.2f}" for a, g in o.gain.items() if g < -1e-9]
        text = "gains over no deal: " + (", ".join(win) if win else "nobody")
        return text + (f"; worse off than without a deal: {', '.join(lose)}" if lose else "")

    def diagnosis(self, t: TrackAgreement) -> list[str]:
        """Why a track has no deal (no outcome passes, or only the status quo or outcomes nobody
        prefers to no deal do), in sentences: what blocks, and what each relaxation would open."""
        d = t.diagnosis
        if d is None:
            return []
        out = []
        if t.can_agree:
            only = "the status quo, or outcomes nobody prefers to no deal," if t.has_status_quo else \
                "outcomes nobody prefers to no deal"
            out.append(f"Only {only} pass the decision rule: the track has no deal to offer.")
        openings = d.openings or (None,) * len(d.minimal_sets)
        for s, o in zip(d.minimal_sets, openings, strict=True):
            what = "" if o is None else self.opened(o)
            if len(s) == 1:
                out.append(f"{_cap(self.constraint(s[0]))} alone blocks a deal: removing it opens one{what}.")
            else:
                parts = "; ".join(self.constraint(c) for c in s)
                out.append(f"These cannot all hold together: {parts}. Giving up all of them opens a "
                           f"deal{what}; giving up fewer does not.")
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
        """Who gains and who loses against no deal (the disagreement point: a party's stated no-deal
        value, else the status quo, else its reservation value) under a solution."""
        win = [self.actors.get(a, a) for a, g in s.gain.items() if g > 1e-9]
        lose = [self.actors.get(a, a) for a, g in s.gain.items() if g < -1e-9]
        return win, lose

    def outcome(self, s: SolutionPoint | OpenedOutcome) -> str:
        """An outcome in the issues' own terms, with units: "Moratorium: 15 years; ..."."""
        return "; ".join(f"{self.issues.get(k, k)}: {fmt(v)}{self._unit(k, v)}" for k, v in s.outcome.items())

    def _unit(self, issue: str, v: Any) -> str:
        unit = self.units.get(issue)
        return f" {unit}" if unit and not isinstance(v, str) else ""

    def compromise(self, t: TrackAgreement) -> list[str]:
        """Where a track states what its failure costs: the disagreement point, the Nash compromise
        with each party's gain over no deal, and the indivisible-security test against no deal."""
        nash = next((s for s in t.solutions if s.concept == "nash"), None)
        if not t.no_deal_stated or nash is None or not t.improves:
            return []
        test = ("passes: nobody is worse off than without a deal" if nash.indivisible else
                "fails: " + ", ".join(self.actors.get(a, a) for a in nash.below_baseline) +
                " would be worse off than without a deal")
        others = [f"{concept_name(s.concept, t)}: {self.outcome(s)}" for s in t.solutions
                  if s.concept in ("kalai_smorodinsky", "egalitarian") and s.outcome != nash.outcome]
        out = [self.no_deal(t), f"Nash compromise: {self.outcome(nash)}; {self.gain_words(nash)}.",
               f"Indivisible-security test against the disagreement point (not the status quo): {test}."]
        return out + ([f"Other solutions: {'; '.join(others)}."] if others else [])

    def no_deal(self, t: TrackAgreement) -> str:
        """What failure of the track is worth to each party that states it, against the status quo,
        in one sentence ("" when the track states none)."""
        if not t.no_deal_stated:
            return ""
        parts = []
        for a in t.no_deal_stated:
            sq = f" (status quo {t.status_quo_utility[a]:.2f})" if a in t.status_quo_utility else ""
            parts.append(f"{self.actors.get(a, a)} {t.disagreement[a]:.2f}{sq}")
        return ("No deal is not free here: the track states what its failure is worth to each party, on its "
                "0-1 scale over the track, and gains and the indivisible-security test are measured from "
                f"that disagreement point: {', '.join(parts)}.")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
