"""Plain-words answers of the process-design analysis, shared by the report and the terminal."""

from __future__ import annotations

from ..process.result import ClaimTest, ForumComparison, ProcessResult
from ..process.stats import Estimate95
from .wording import Words


class _DesignNames(dict):
    """Design ids in words; a declared package ``package:<id>`` is named after its id."""

    def __missing__(self, key: str) -> str:
        return f"package {key.split(':', 1)[1]}" if key.startswith("package:") else key


DESIGN_NAMES = _DesignNames({"parallel": "parallel tracks", "linked": "linked tracks",
                             "sequential": "tracks in sequence", "easy-first": "easy-first sequence",
                             "package": "one package", "partial-package": "best partial package"})


def pct(e: Estimate95) -> str:
    """A probability with its interval, with as many decimals as it takes to tell the interval's
    ends apart: ``62% (58-66%)``, ``99.9% (99.8-99.9%)``, ``0% (0-0.02%)``."""
    if e.low == e.high == e.value:
        return f"{e.value:.0%}"
    for d in range(4):
        lo, hi = f"{e.low * 100:.{d}f}", f"{e.high * 100:.{d}f}"
        if lo != hi:
            break
    value = f"{e.value * 100:.{d}f}"
    if e.value in (0.0, 1.0):
        value = value.rstrip("0").rstrip(".")
    return f"{value}% ({_trim(lo)}-{_trim(hi)}%)"


def _trim(x: str) -> str:
    return x.rstrip("0").rstrip(".") if "." in x and float(x) in (0.0, 100.0) else x


def num(e: Estimate95, digits: int = 2) -> str:
    if abs(e.high - e.low) < 10 ** -digits:
        return f"{e.value:.{digits}f}"
    return f"{e.value:.{digits}f} (95% interval {e.low:.{digits}f} to {e.high:.{digits}f})"


def claim_question(result: ProcessResult, claim: ClaimTest, words: Words) -> str:
    """The claim as a question in the scenario's own names."""
    if claim.claim == "parallel-beats-package" or claim.claim.endswith("-beats-parallel"):
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
        return (f"{answer}: over {result.draws:,} draws, parallel tracks agree {par.mean_agreed.value:.2f} "
                f"of {len(result.tracks)} tracks on average and one package {pkg.mean_agreed.value:.2f} "
                f"(difference {num(claim.estimate)}). The package is agreed in {pct(pkg.p_any)} of draws.")
    if claim.claim.endswith("-beats-parallel"):
        design = result.design(claim.claim.removesuffix("-beats-parallel"))
        par = result.design("parallel")
        return (f"{answer}: {DESIGN_NAMES[design.design]} ({design.label}) agrees "
                f"{design.mean_agreed.value:.2f} of {len(result.tracks)} tracks on average, parallel tracks "
                f"{par.mean_agreed.value:.2f} (difference {num(claim.estimate)}).")
    _, track, bilateral, other = claim.claim.split(":")
    fc = next(f for f in result.forums if f.track == track)
    by = {f.forum: f for f in fc.forums}
    b, o = by[bilateral], by[other]
    e = claim.estimate
    gap = (f"{e.value * 100:+.0f} points" if e.low == e.high else
           f"{e.value * 100:+.0f} points, 95% interval {e.low * 100:+.0f} to {e.high * 100:+.0f}")
    return (f"{answer}: the bilateral table agrees in {_agrees(b)}, the other ({o.parties} "
            f"parties) in {_agrees(o)} ({gap}). Their win-sets hold {b.winset.value:.1%} and "
            f"{o.winset.value:.1%} of the track's outcomes.")


def _agrees(f) -> str:
    """How often a forum agrees, and how often its deal is then ratified where it must be."""
    if f.p_ratified is None:
        return f"{pct(f.p_agree)} of draws"
    return (f"{pct(f.p_agree)} of draws before ratification and {pct(f.p_ratified)} once "
            f"{', '.join(f.ratified_by)} must ratify its deal")


def design_deal(result: ProcessResult, design: str, words: Words) -> list[str]:
    """A design's deal track by track, issue by issue, where the track is agreed: the most frequent
    option or the mean of a number."""
    d = result.design(design)
    out = []
    for track, issues in d.deal.items():
        parts = [f"{words.issues.get(k, k)}: {_value(v)}" for k, v in issues.items() if v is not None]
        name = words.tracks.get(track, track)
        out.append(f"{name}: " + ("; ".join(parts) if parts else "no deal") + ".")
    return out


def forum_landing(fc: ForumComparison, words: Words) -> list[str]:
    """Where each forum's compromise lands, issue by issue, where it agrees."""
    out = []
    for f in fc.forums:
        parts = [f"{words.issues.get(k, k)}: {_value(v)}" for k, v in f.where.items() if v is not None]
        if parts and f.p_ratified is not None:
            parts.append(f"then ratified by {', '.join(f.ratified_by)} in {pct(f.p_ratified)} of draws")
        if parts:
            out.append(f"{f.title}: " + "; ".join(parts) + ".")
    return out


def _value(v) -> str:
    return f"{v:.3g} (mean)" if isinstance(v, float) else str(v)


def deal_lines(result: ProcessResult, words: Words) -> list[str]:
    """Each design in words and its deal issue by issue: in full for parallel tracks, and for the
    other designs on the tracks where their deal differs from it."""
    par = result.design("parallel")
    out = []
    for d in result.designs:
        out.append(f"{DESIGN_NAMES[d.design]}: {d.label}" if d.label else DESIGN_NAMES[d.design])
        for track, issues in d.deal.items():
            if d is not par and issues == par.deal.get(track):
                continue
            parts = [f"{words.issues.get(k, k)}: {_value(v)}" for k, v in issues.items() if v is not None]
            out.append(f"  {words.tracks.get(track, track)}: " + ("; ".join(parts) if parts else "no deal"))
    return out
