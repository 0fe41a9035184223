"""Plain-words answers of the process-design analysis, shared by the report and the terminal."""

from __future__ import annotations

from ..process.result import ClaimTest, ForumComparison, ProcessResult
from ..process.stats import Estimate95
from .wording import Words

DESIGN_NAMES = {"parallel": "parallel tracks", "linked": "linked tracks",
                "sequential": "tracks in sequence", "package": "one package"}


def pct(e: Estimate95) -> str:
    """A probability with its interval: ``62% (58-66%)``."""
    if e.low == e.high == e.value:
        return f"{e.value:.0%}"
    return f"{e.value:.0%} ({e.low:.0%}-{e.high:.0%})"


def num(e: Estimate95, digits: int = 2) -> str:
    if abs(e.high - e.low) < 10 ** -digits:
        return f"{e.value:.{digits}f}"
    return f"{e.value:.{digits}f} (95% interval {e.low:.{digits}f} to {e.high:.{digits}f})"


def claim_sentence(result: ProcessResult, claim: ClaimTest, words: Words) -> str:
    """One claim answered in a sentence with its numbers."""
    answer = {"yes": "Yes", "no": "No", "unclear": "Not clear"}[claim.verdict]
    if claim.claim == "parallel-beats-package":
        par, pkg = result.design("parallel"), result.design("package")
        return (f"{answer}: with parallel tracks {par.mean_agreed.value:.2f} of {len(result.tracks)} tracks are "
                f"agreed on average, with one package {pkg.mean_agreed.value:.2f}; the difference is "
                f"{num(claim.estimate)} tracks over {result.draws:,} draws. The package agrees in "
                f"{pct(pkg.p_any)} of draws; some track agrees on its own in {pct(par.p_any)}.")
    _, track, bilateral, other = claim.claim.split(":")
    fc = next(f for f in result.forums if f.track == track)
    by = {f.forum: f for f in fc.forums}
    b, o = by[bilateral], by[other]
    title = words.tracks.get(track, track)
    return (f"{answer}: on {title}, {b.title} agree in {pct(b.p_agree)} of draws, {o.title} "
            f"({o.parties} parties) in {pct(o.p_agree)}; the difference is "
            f"{claim.estimate.value * 100:+.0f} points (95% interval {claim.estimate.low * 100:+.0f} to "
            f"{claim.estimate.high * 100:+.0f}). Their win-sets hold {b.winset.value:.1%} and "
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
