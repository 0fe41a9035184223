"""The one-screen summary at the top of the report, built from whatever results exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..overview import BLOCKED, CAN_AGREE, OverviewResult, Verdict
from ..scenario.model import Scenario
from ..space.result import AgreementSpaceResult, TrackAgreement
from .wording import Words


@dataclass(frozen=True)
class SummaryLine:
    track_id: str
    title: str
    verdict: Verdict | None  # the track's verdict, as the overview gives it (None: the overview did not run)
    compromise: str      # the outcome the Nash solution points to, or ""
    gains: str           # who gains and who loses against no deal (the disagreement point)
    risk: str            # the main risk, in words (the verdict's reason on a track that cannot agree)

    @property
    def status(self) -> str:
        """The verdict's word: can agree, blocked, status quo only or not known ("" without one)."""
        return self.verdict.word if self.verdict is not None else ""


def summary_lines(results: dict[str, Any], scenario: Scenario) -> list[SummaryLine]:
    """Per track: its verdict, the compromise it points to, who gains and loses, the main risk."""
    overview = next((r for r in results.values() if isinstance(r, OverviewResult)), None)
    verdicts = {t.track_id: t.verdict for t in overview.tracks} if overview is not None else {}
    agreement = next((r for r in results.values() if isinstance(r, AgreementSpaceResult)), None)
    if agreement is not None:
        words = Words(scenario)
        lines = [_from_agreement(t, words, verdicts.get(t.track_id)) for t in agreement.tracks]
        process = _process(results)
        return lines if process is None else [_with_uncertainty(line, process) for line in lines]
    if overview is None:
        return []
    return [SummaryLine(t.track_id, t.title, t.verdict, "", "", t.verdict.reason) for t in overview.tracks]


def _from_agreement(t: TrackAgreement, words: Words, verdict: Verdict | None) -> SummaryLine:
    if t.deferred or (verdict is not None and verdict.word != CAN_AGREE):
        reason = verdict.reason if verdict is not None else ""
        return SummaryLine(t.track_id, t.title, verdict, "", "", reason)
    nash = next((s for s in t.solutions if s.concept == "nash"), t.solutions[0] if t.solutions else None)
    if nash is None:
        return SummaryLine(t.track_id, t.title, verdict, "", "", "; ".join(t.unavailable))
    nothing_better = f"no outcome improves on the {t.baseline} for the veto players"
    win, lose = words.gains(nash)
    gains = f"gain over no deal: {', '.join(win) or 'nobody'}"
    gains += f"; lose: {', '.join(lose)}" if lose else ""
    if not nash.indivisible:
        risk = ("the compromise buys security at the expense of " +
                ", ".join(words.actors.get(a, a) for a in nash.below_baseline) +
                f" (worse off than its {t.baseline})")
    elif not t.improves:
        risk = nothing_better
    elif t.n_agreeable is not None and t.n_agreeable / max(t.n_outcomes, 1) < 0.02:
        risk = f"a narrow zone: {t.n_agreeable:,} of {t.n_outcomes:,} outcomes pass"
    else:
        risk = "none found in the agreement space"
    return SummaryLine(t.track_id, t.title, verdict, words.outcome(nash), gains, risk)


def gains_against(scenario: Scenario) -> str:
    """What the summary's gains and losses are measured against, for the scenario's tracks."""
    with_sq = [t.has_status_quo for t in scenario.tracks]
    if any(t.no_deal for t in scenario.tracks):
        rest = "the status quo" if all(with_sq) else \
            "the status quo (on a track without one, its reservation value)" if any(with_sq) else \
            "its reservation value"
        return ("no deal: each party's disagreement point, what failure of the track is worth to it (its "
                f"stated no-deal value where the track gives one, else {rest})")
    if all(with_sq):
        return "the status quo"
    if not any(with_sq):
        return "the disagreement point (each party's reservation value)"
    return "the status quo (the disagreement point on a track without one)"


def _process(results: dict[str, Any]):
    from ..process.result import ProcessResult

    return next((r for r in results.values() if isinstance(r, ProcessResult)), None)


def _with_uncertainty(line: SummaryLine, process) -> SummaryLine:
    """Add how often the track agrees over the draws of the uncertain estimates."""
    from dataclasses import replace

    from .process_words import pct

    p = process.design("parallel").p_track.get(line.track_id)
    if p is None:
        return line
    if line.status == CAN_AGREE and p.value < 0.95:
        return replace(line, risk=f"{line.risk}; under uncertainty it agrees in only {pct(p)} of draws")
    if line.status == BLOCKED and p.value > 0.05:
        return replace(line, risk=f"{line.risk}; under uncertainty it still agrees in {pct(p)} of draws")
    return line


def summary_findings(results: dict[str, Any], scenario: Scenario) -> list[tuple[str, str]]:
    """The process claims answered in words: (question, answer) pairs, when that analysis ran."""
    process = _process(results)
    if process is None:
        return []
    from .process_words import claim_question, claim_sentence

    words = Words(scenario)
    claims = [(claim_question(process, c, words), claim_sentence(process, c, words)) for c in process.claims]
    return claims + hinge_findings(results, ("track", "designs"))


def hinge_findings(results: dict[str, Any], about: tuple[str, ...]) -> list[tuple[str, str]]:
    """What the headlines ``about`` hinge on (their switching values), when the hinges analysis ran:
    each track's verdict and the design comparison beside the process claims, the rest beside the
    security findings."""
    from ..hinges import HingesResult, hinge_question, hinge_sentence

    return [(hinge_question(h), _with_note(h, hinge_sentence(h))) for r in results.values()
            if isinstance(r, HingesResult) for h in r.hinges if h.about in about]


def security_findings(results: dict[str, Any], scenario: Scenario) -> list[tuple[str, str]]:
    """One (question, answer) pair per crisis of the deterrence analysis, one for the escalation
    headline and one per headline the hinges analysis searched (its switching values), when those
    analyses ran."""
    from ..deterrence.analysis import DeterrenceResult
    from ..escalation.analysis import EscalationResult
    from ..hinges import HingesResult, hinge_question, hinge_sentence
    from .deterrence_section import crisis_sentence
    from .escalation_section import headline

    words = Words(scenario)
    out = []
    for r in results.values():
        if isinstance(r, DeterrenceResult):
            out += [(f"Do the guarantees deter in '{c.title}'?", crisis_sentence(c, words.actors))
                    for c in r.crises]
        elif isinstance(r, EscalationResult):
            out.append(("How likely is escalation, and what do the measures change?", headline(r)))
        elif isinstance(r, HingesResult):
            out += [(hinge_question(h), _with_note(h, hinge_sentence(h))) for h in r.hinges
                    if h.about not in ("track", "designs")]
    return out


def _with_note(h: Any, sentence: str) -> str:
    """A track's or the design comparison's hinge with its note (stated numbers not narrowed)."""
    return f"{sentence} {h.note}" if h.note and h.about != "deterrence" else sentence


def link_sentences(results: dict[str, Any]) -> list[str]:
    """What every link between tracks and analyses changed in this run, a sentence per link,
    collected from each result's ``links`` (issue 16: "analyze says in a sentence per link what it
    changed")."""
    return [link.sentence for r in results.values() for link in (getattr(r, "links", None) or ())]


#: How the summary names each kind of consistency warning.
CONSISTENCY_LABELS = {
    "forecast-beyond-red-line": "Forecast beyond a veto player's red line",
    "deterrence-without-agreement": "Deterrence under terms no agreement places",
    "measure-without-agreement": "Measure counted where its track failed",
    "contradictory-red-lines": "Contradictory red lines on one dispute",
    "declared-variant": "Declared variants of one dispute",
}


def consistency_lines(results: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, sentence) per consistency warning, then per declared variant, when the check ran."""
    from ..consistency import ConsistencyResult

    check = next((r for r in results.values() if isinstance(r, ConsistencyResult)), None)
    if check is None:
        return []
    return [(CONSISTENCY_LABELS.get(w.kind, w.kind), w.sentence) for w in check.warnings + check.variants]


def consistency_verdict(results: dict[str, Any]) -> str | None:
    """One sentence: how many contradictions the consistency check found and what it checked
    (None when it did not run)."""
    from ..consistency import ConsistencyResult

    check = next((r for r in results.values() if isinstance(r, ConsistencyResult)), None)
    if check is None:
        return None
    found = len(check.warnings)
    head = f"{found} contradiction{'s' if found != 1 else ''} found" if found else "No contradiction found"
    tail = f" ({'; '.join(check.notes)})" if check.notes else ""
    return f"{head}; checked: {', '.join(check.checked)}{tail}."
