"""Plain-words answers of the process-design analysis, shared by the report and the terminal."""

from __future__ import annotations

from ..process.result import ClaimTest, ForumComparison, ProcessResult
from ..process.stats import Estimate95
from .wording import Words

DESIGN_NAMES = {"parallel": "parallel tracks", "linked": "linked tracks",
                "sequential": "tracks in sequence", "package": "one package"}


def pct(e: Estimate95) -> str:
    """A probability with its interval, with as many decimals as it takes to tell the interval's
    ends apart: ``62% (58-66%)``, ``99.9% (99.8-99.9%)``, ``0% (0-0.02%)``."""
    if e.low == e.high == e.value:
        return f"{e.value:.0%}"
    for d in range(4):
        lo, hi = f"{e.low * 100:.{d}f}", f"{e.high * 100:.{d}f}"
        if lo != hi:
            break
    value = (f"{e.value * 100:.{d}f}".rstrip("0").rstrip(".") if e.value in (0.0, 1.0)
             else f"{e.value * 100:.{d}f}")
    return f"{value}% ({_trim(lo)}-{_trim(hi)}%)"


def _trim(x: str) -> str:
    return x.rstrip("0").rstrip(".") if "." in x and float(x) in (0.0, 100.0) else x


def num(e: Estimate95, digits: int = 2) -> str:
    if abs(e.high - e.low) < 10 ** -digits:
        return f"{e.value:.{digits}f}"
    return f"{e.value:.{digits}f} (95% interval {e.low:.{digits}f} to {e.high:.{digits}f})"


def claim_question(result: ProcessResult, claim: ClaimTest, words: Words) -> str:
    """The claim as a question in the scenario's own names."""
    if claim.claim == "parallel-beats-package":
        return claim.question
    _, track, b, o = claim.claim.split(":")
    fc = next(f for f in result.forums if f.track == track)
    by = {f.forum: f.title for f in fc.forums}
    return (f"On {words.tracks.get(track, track)}, does the bilateral forum ({by[b]}) agree more often than "
            f"the forum of {fc_parties(fc, o)} parties ({by[o]})?")


def fc_parties(fc: ForumComparison, forum_id: str) -> int:
    return next(f.parties for f in fc.forums if f.forum == forum_id)


def claim_sentence(result: ProcessResult, claim: ClaimTest, words: Words) -> str:
    """One claim answered in a sentence with its numbers."""
    answer = {"yes": "Yes", "no": "No", "unclear": "Not clear"}[claim.verdict]
    if claim.claim == "parallel-beats-package":
        par, pkg = result.design("parallel"), result.design("package")
        return (f"{answer}: over {result.draws:,} draws, parallel tracks agree "
                f"{par.mean_agreed.value:.2f} of {len(result.tracks)} tracks on average and one package "
                f"{pkg.mean_agreed.value:.2f} (difference {num(claim.estimate)}). The package is agreed in "
                f"{pct(pkg.p_any)} of draws.")
    _, track, bilateral, other = claim.claim.split(":")
    fc = next(f for f in result.forums if f.track == track)
    by = {f.forum: f for f in fc.forums}
    b, o = by[bilateral], by[other]
    e = claim.estimate
    gap = (f"{e.value * 100:+.0f} points" if e.low == e.high else
           f"{e.value * 100:+.0f} points, 95% interval {e.low * 100:+.0f} to {e.high * 100:+.0f}")
    return (f"{answer}: the bilateral table agrees in {pct(b.p_agree)} of draws, the other ({o.parties} "
            f"parties) in {pct(o.p_agree)} ({gap}). Their win-sets hold {b.winset.value:.1%} and "
            f"{o.winset.value:.1%} of the track's outcomes.")


def forum_landing(fc: ForumComparison, words: Words) -> list[str]:
    """Where each forum's compromise lands, issue by issue, where it agrees."""
    out = []
    for f in fc.forums:
        parts = [f"{words.issues.get(k, k)}: {_value(v)}" for k, v in f.where.items() if v is not None]
        if parts:
            out.append(f"{f.title}: " + "; ".join(parts) + ".")
    return out


def _value(v) -> str:
    return f"{v:.3g} (mean)" if isinstance(v, float) else str(v)
