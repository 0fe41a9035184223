"""The brief's sections, written by templates from the results of a run: what can be agreed and on
what terms, what blocks (whose red line against whose), what each answer hinges on, the
contradictions the consistency check found, and which findings rest on sources and which on
judgement. Every name is the scenario's (actors, tracks, issues), never an id."""

from __future__ import annotations

import math
from typing import Any

from ..consistency import ConsistencyResult
from ..hinges import Hinge, HingesResult
from ..overview import BLOCKED, CAN_AGREE, NOT_KNOWN, STATUS_QUO_ONLY, OverviewResult
from ..scenario.model import Scenario
from ..space.result import AgreementSpaceResult, ConstraintRef, TrackAgreement
from .basis import combine, input_basis, no_deal_basis, position_basis, pre_invasion_line, track_basis
from .result import JUDGEMENT, SOURCES, UNSOURCED, Brief, BriefLine, BriefSection
from .words import Names, input_name, number, pct, will_not_accept

#: Headings, in reading order.
AGREED = "What can be agreed"
BLOCKS = "What blocks"
HINGES = "What the answers hinge on"
QUESTIONS = "What the documents ask"
CONTRADICTIONS = "Contradictions"
BASIS = "Sources or judgement"

#: The page budget: at most this many words in the whole brief (at the brief page's type size one A4 page
#: held 543 words of the built-in scenario, not 633), and at most this many sentences in each list section.
MAX_WORDS = 560
#: The page also has a budget of printed lines: a finding takes ceil((characters + tag) / CHARS_PER_LINE)
#: lines at the brief's type size, a section's heading two, the title and run line three. Measured on
#: european-security (A4, 9.5 pt, 12 x 14 mm margins): 59 such lines print on one page, 62 on two.
PRINTED_LINES = 58
CHARS_PER_LINE = 100
MAX_LINES = {AGREED: 8, BLOCKS: 6, HINGES: 6, CONTRADICTIONS: 3, QUESTIONS: 7}
#: Which sections give up sentences first when the brief is over its budget, and the sentences each
#: keeps at least: every section keeps some of its findings, so that a long list of what can agree
#: does not push out the blocks, the hinges and the documents' questions.
TRIM_ORDER = (HINGES, CONTRADICTIONS, QUESTIONS, BLOCKS, AGREED)
KEEP = {AGREED: 3, BLOCKS: 2, HINGES: 2, CONTRADICTIONS: 1, QUESTIONS: 4}

_BASIS_TAG = {SOURCES: "sources", JUDGEMENT: "judgement", UNSOURCED: "no source"}


def build_brief(scenario: Scenario, results: dict[str, Any], *, run: str = "") -> Brief:
    """The brief of a run's ``results`` on ``scenario``; ``run`` says which run (draws, seed)."""
    names = Names(scenario)
    agreed, blocks = _track_lines(scenario, results, names)
    hinges = _hinge_lines(scenario, results, names, _shares(results))
    contradictions = _contradiction_lines(results, names)
    sections = [_capped(AGREED, agreed), _capped(BLOCKS, blocks), _capped(HINGES, hinges),
                _capped(QUESTIONS, _question_lines(results)), _capped(CONTRADICTIONS, contradictions)]
    # the basis line's words are reserved before trimming, then it counts the findings kept
    dated = pre_invasion_line(scenario)
    before = (BriefLine(dated),) if dated else ()
    reserve = BriefSection(BASIS, _basis_lines(agreed + blocks + hinges) + before)
    kept = _within_budget(Brief(scenario.title, run, tuple(s for s in sections + [reserve] if s.lines)))
    shown = [line for s in kept.sections if s.heading != BASIS for line in s.lines]
    basis = BriefSection(BASIS, _basis_lines(shown) + before)
    return Brief(kept.title, kept.run, tuple(s for s in kept.sections if s.heading != BASIS)
                 + ((basis,) if basis.lines else ()))


def _capped(heading: str, lines: list[BriefLine]) -> BriefSection:
    cap = MAX_LINES[heading]
    return BriefSection(heading, tuple(lines[:cap]), max(0, len(lines) - cap))


def printed_lines(brief: Brief) -> int:
    """The lines the brief takes on the printed page, by the rule PRINTED_LINES is set for."""
    lines = 3
    for s in brief.sections:
        lines += 2 + sum(math.ceil((len(line.text) + 12) / CHARS_PER_LINE) for line in s.lines)
        lines += 1 if s.more else 0
    return lines


def _over(brief: Brief) -> bool:
    return brief.n_words > MAX_WORDS or printed_lines(brief) > PRINTED_LINES


def _within_budget(brief: Brief) -> Brief:
    """Drop the last sentences of the least essential sections until the brief fits its budget."""
    sections = list(brief.sections)
    for floor in (KEEP, dict.fromkeys(KEEP, 1)):
        for heading in TRIM_ORDER:
            while _over(Brief(brief.title, brief.run, tuple(sections))):
                i = next((k for k, s in enumerate(sections) if s.heading == heading), None)
                if i is None or len(sections[i].lines) <= floor[heading]:
                    break
                s = sections[i]
                sections[i] = BriefSection(s.heading, s.lines[:-1], s.more + 1)
    return Brief(brief.title, brief.run, tuple(sections))


# --------------------------------------------------------------------------- tracks


def _track_lines(scenario: Scenario, results: dict[str, Any], names: Names
                 ) -> tuple[list[BriefLine], list[BriefLine]]:
    """(what can be agreed, what blocks): a sentence per track, from the overview's verdicts, the
    agreement space's compromise and diagnosis, and the share of draws from the process analysis."""
    overview = _first(results, OverviewResult)
    if overview is None:
        return [], []
    space = _first(results, AgreementSpaceResult)
    shares = _shares(results)
    agreed: list[BriefLine] = []
    blocks: list[BriefLine] = []
    for t in overview.tracks:
        track = scenario.track(t.track_id)
        deciders = track.vetoes or track.participants
        agreement = _track(space, t.track_id)
        share = shares.get(t.track_id)
        word = t.verdict.word
        if word == CAN_AGREE:
            line = BriefLine(_agreed_sentence(track.title, agreement, share, names),
                             track_basis(track, deciders))
            # a track the draws leave in doubt comes first: it is where the answer is open
            agreed.insert(sum(1 for a in agreed if "% of draws)" in a.text) if "% of draws)" in line.text
                          else len(agreed), line)
        elif word == BLOCKED and agreement is not None and agreement.diagnosis is not None \
                and agreement.diagnosis.minimal_sets:
            sets = agreement.diagnosis.minimal_sets
            # the deciding inputs: the red lines (positions) and reservation values that block
            basis = combine(position_basis(track, c.issue, c.actor) if c.issue else
                            no_deal_basis(track, c.actor) for s in sets for c in s)
            blocks.append(BriefLine(_blocked_sentence(track.title, sets, share, names), basis))
        elif word == BLOCKED:
            blocks.append(BriefLine(f"{track.title} is blocked: {names.plain(t.verdict.reason)}.",
                                    track_basis(track, deciders)))
        elif word == STATUS_QUO_ONLY:
            blocks.append(BriefLine(f"{track.title}: no outcome that passes is worth more than today's "
                                    "status quo to any party who must consent, so nothing changes.",
                                    track_basis(track, deciders)))
        elif word == NOT_KNOWN and track.deferred:
            blocks.append(BriefLine(f"{track.title} is left open on purpose and not analysed."))
    return agreed, blocks


def _agreed_sentence(title: str, agreement: TrackAgreement | None, share: float | None, names: Names) -> str:
    how_often = "" if share is None or share >= 0.995 else f" (in {pct(share)} of draws)"
    nash = None if agreement is None else next(
        (s for s in agreement.solutions if s.concept == "nash"), None)
    if nash is None:
        return f"{title} can agree{how_often}."
    return f"{title} can agree{how_often} on: {names.terms(nash.outcome)}."


def _blocked_sentence(title: str, sets: tuple[tuple[ConstraintRef, ...], ...], share: float | None,
                      names: Names) -> str:
    """Whose red line against whose: a clash of single red lines on one issue reads "Russia will
    not accept X over 0; Ukraine none under 5"; otherwise the first two ways to open a deal."""
    singles = [s[0] for s in sets if len(s) == 1 and s[0].kind == "red_line"]
    same_issue = len(singles) == len(sets) and len({c.issue for c in singles}) == 1
    if same_issue:
        # the party whose limit comes first in the issue's order speaks first
        parts = [_constraint(names, c, again=k > 0) for k, c in enumerate(_ordered(singles))]
        text = f"{title} is blocked: {'; '.join(parts)}."
    else:
        first = sets[0]
        together = " together" if len(first) > 1 else ""
        more = len(sets) - 1
        tail = f" (or {more} other combination{'s' if more > 1 else ''} of red lines)" if more > 0 else ""
        text = (f"{title} is blocked: {_grouped(names, first)}; giving these up{together} opens a "
                f"deal{tail}.")
    if share is not None and share > 0.005:
        text += f" Under uncertainty it still agrees in {pct(share)} of draws."
    return text


def _grouped(names: Names, refs: tuple[ConstraintRef, ...]) -> str:
    """Several constraints, one clause per party: "Russia will not accept A under 1, B over 2 or C"."""
    by_actor: dict[str, list[ConstraintRef]] = {}
    for c in refs:
        by_actor.setdefault(c.actor, []).append(c)
    clauses = []
    for cs in by_actor.values():
        red = [c for c in cs if c.kind == "red_line" and c.issue is not None and not c.condition]
        rest = [_constraint(names, c) for c in cs if c not in red]
        if red:
            head = _constraint(names, red[0])
            lead = f"{names.actor(red[0].actor)} will not accept "
            tail = [_constraint(names, c).removeprefix(lead) for c in red[1:]]
            clauses.append(head if not tail else f"{head}, {', '.join(tail[:-1]) + ', ' if tail[:-1] else ''}"
                           f"or {tail[-1]}")
        clauses += rest
    return "; ".join(clauses)


def _ordered(refs: list[ConstraintRef]) -> list[ConstraintRef]:
    """A ceiling ("above") before a floor ("below"), so the sentence runs from the stricter side."""
    return sorted(refs, key=lambda c: {"above": 0, "equals": 1, "below": 2}.get(c.relation or "", 3))


def _constraint(names: Names, c: ConstraintRef, *, again: bool = False) -> str:
    if c.kind == "reservation" or c.issue is None:
        return f"{names.actor(c.actor)} prefers no deal to what remains"
    text = will_not_accept(names, c.actor, c.issue, c.relation or "equals", c.threshold, again=again)
    return f"{text} {names.plain(c.condition)}" if c.condition else text


# --------------------------------------------------------------------------- hinges


def _hinge_lines(scenario: Scenario, results: dict[str, Any], names: Names, shares: dict[str, float]
                 ) -> list[BriefLine]:
    """Per headline of the hinges analysis, its first switching value (where no estimate flips it
    within its range, the first value it would take beyond it); tracks first, then the security
    headlines; a deterrence headline once (over the draws where the analysis has both); among the
    tracks first those whose verdict the draws leave uncertain (agreed in some draws, not all)."""
    hinges = _first(results, HingesResult)
    if hinges is None:
        return []
    shown: set[str] = set()
    by_kind: dict[str, list[BriefLine]] = {}
    def uncertain_first(h: Hinge) -> bool:
        share = shares.get(h.id.split(":", 1)[-1].split("/")[0]) if h.about == "track" else None
        return not (share is not None and 0.005 < share < 0.995)

    for h in sorted(hinges.hinges, key=uncertain_first):
        subject = h.id.split("/")[0]
        if h.about == "deterrence" and subject in shown:
            continue
        line = _hinge_line(scenario, h, names)
        if line is not None:
            shown.add(subject)
            by_kind.setdefault(h.about, []).append(line)
    # in turn, one of each kind (tracks, crises, escalation, the designs), so a trimmed list keeps variety
    kinds = sorted(by_kind, key=lambda k: ("track", "deterrence", "escalation", "designs").index(k)
                   if k in ("track", "deterrence", "escalation", "designs") else 4)
    longest = max((len(v) for v in by_kind.values()), default=0)
    return [by_kind[k][i] for i in range(longest) for k in kinds if i < len(by_kind[k])]


def _hinge_line(scenario: Scenario, h: Hinge, names: Names) -> BriefLine | None:
    switch = h.switches[0] if h.switches else (h.would_take[0] if h.would_take else None)
    if switch is None:
        return None
    on = h.now >= h.threshold
    who = input_name(names, switch.input, switch.label)
    verb = "rises above" if switch.direction == "above" else "falls below"
    where = f"now {number(switch.central)}"
    if not h.switches:
        where += "; beyond its estimate's range"
    elif switch.percentile is not None:
        where += f"; the {pct(switch.percentile)} point of its estimate"
    crisis = h.id.split("/")[0] if h.about == "deterrence" else None
    basis = input_basis(scenario, switch.input, crisis)
    return BriefLine(f"{_headline(h, on, names)} flips if {who} {verb} {number(switch.value)} ({where}).",
                     basis)


def _headline(h: Hinge, on: bool, names: Names) -> str:
    if h.about == "track":
        title = names.tracks.get(h.id.split(":", 1)[1].split("/")[0], "")
        state = "can agree" if on else "cannot agree"
        return f"{title} ({state}):" if title else f"{names.plain(h.headline)}:"
    if h.about == "designs":
        return "The ranking of the process designs:"
    head = names.plain(h.headline)
    if h.kind == "share":
        head += f" ({pct(h.now)})"
    return f"{head[:1].upper()}{head[1:]}:"


# --------------------------------------------------------------------------- questions


def _question_lines(results: dict[str, Any]) -> list[BriefLine]:
    """The questions the scenario's own documents raise that the run answers, each answer in a few
    words (the whole answer is in the report's questions section)."""
    from ..questions import QuestionsResult

    found = _first(results, QuestionsResult)
    if found is None:
        return []
    return [BriefLine(a.short) for a in found.answers if a.answered and a.raised_by and a.short]


# --------------------------------------------------------------------------- contradictions


def _contradiction_lines(results: dict[str, Any], names: Names) -> list[BriefLine]:
    """The contradictions the consistency check found, a sentence each, in the scenario's names."""
    check = _first(results, ConsistencyResult)
    if check is None:
        return []
    out = []
    for w in check.warnings:
        if w.kind == "forecast-beyond-red-line" and w.actor and w.track and w.issue:
            track = names.tracks.get(w.track, w.track)
            issue = names.issues.get(w.issue, w.issue)
            out.append(BriefLine(f"The forecasts of {issue} lie beyond {names.possessive(w.actor)} red line, "
                                 f"so no agreement on {track} can land where they point."))
        else:
            out.append(BriefLine(names.plain(w.sentence)))
    if not out:
        out.append(BriefLine(f"None found (checked: {', '.join(check.checked)})."))
    return out


# --------------------------------------------------------------------------- basis


def _basis_lines(findings: list[BriefLine]) -> tuple[BriefLine, ...]:
    """How many of the findings above rest on sources, how many on judgement, how many on inputs
    that cite nothing (each finding carries its own tag too)."""
    counts = {b: sum(1 for f in findings if f.basis == b) for b in (SOURCES, JUDGEMENT, UNSOURCED)}
    if not any(counts.values()):
        return ()
    parts = [f"{counts[SOURCES]} rest on sources", f"{counts[JUDGEMENT]} on the analyst's judgement "
             "(a deciding input is marked estimated)"]
    if counts[UNSOURCED]:
        parts.append(f"{counts[UNSOURCED]} on inputs that cite no source")
    return (BriefLine(f"Of the {sum(counts.values())} findings above, {', '.join(parts)}; each is "
                      "tagged."),)


def basis_tag(basis: str) -> str:
    """The tag a renderer prints after a finding: ``sources``, ``judgement`` or ``no source``."""
    return _BASIS_TAG.get(basis, "")


# --------------------------------------------------------------------------- helpers


def brief_run(results: dict[str, Any]) -> str:
    """Which run the brief describes, from the results that record it: "Over 1,000 draws of the
    uncertain estimates (seed 20240601)." ("" when no result records its draws)."""
    hinges = _first(results, HingesResult)
    if hinges is None:
        return ""
    return f"Over {hinges.draws:,} draws of the uncertain estimates (seed {hinges.seed})."


def _first(results: dict[str, Any], kind: type) -> Any:
    return next((r for r in results.values() if isinstance(r, kind)), None)


def _track(space: AgreementSpaceResult | None, track_id: str) -> TrackAgreement | None:
    return None if space is None else next((t for t in space.tracks if t.track_id == track_id), None)


def _shares(results: dict[str, Any]) -> dict[str, float]:
    """Each track's share of draws in which it agrees (parallel talks), where the process ran."""
    from ..process.result import ProcessResult

    process = _first(results, ProcessResult)
    if process is None:
        return {}
    return {k: float(v.value) for k, v in process.design("parallel").p_track.items()}
