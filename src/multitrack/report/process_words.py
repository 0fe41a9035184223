"""Plain-words answers of the process-design analysis, shared by the report and the terminal."""

from __future__ import annotations

from ..montecarlo.stats import MC, SPREAD, Z95, Estimate95
from ..process.result import ClaimTest, ForumComparison, ProcessResult
from .wording import Words


class _DesignNames(dict):
    """Design ids in words; a declared package ``package:<id>`` or sequence ``sequence:<id>`` is
    named after its id."""

    def __missing__(self, key: str) -> str:
        if key.startswith("sequence:"):
            return f"sequence {key.split(':', 1)[1]}"
        return f"package {key.split(':', 1)[1]}" if key.startswith("package:") else key


DESIGN_NAMES = _DesignNames({"parallel": "parallel tracks", "linked": "linked tracks",
                             "sequential": "tracks in sequence", "easy-first": "easy-first sequence",
                             "package": "one package", "partial-package": "best partial package"})


def pct_short(e: Estimate95) -> str:
    """A share for a narrow table cell: ``100%*`` when the same in every draw (structural),
    ``96% ±1`` when its Monte Carlo error could change the whole percent shown, else ``62%``."""
    if e.structural:
        return f"{_whole(e.value)}*"
    if e.kind == MC and e.mc_matters(0.01):
        return f"{_whole(e.value)} ±{Z95 * float(e.mc_error or 0.0) * 100:.0f}"
    return _whole(e.value)


#: The key to :func:`pct_short`'s marks.
SHORT_KEY = "* the same in every draw (structural); ± Monte Carlo error (95%, points)"


def pct(e: Estimate95) -> str:
    """A probability over the inputs (a share of draws) in words: ``100% (structural)`` when no
    draw changes it, ``62%`` when its Monte Carlo error could not change the whole percent shown,
    else ``62% (± 3 pts MC error)``, with the decimals it takes to show that error."""
    if e.structural:
        return f"{_whole(e.value)} (structural)"
    if e.kind == MC:
        if not e.mc_matters(0.01):
            return _whole(e.value)
        half = Z95 * float(e.mc_error or 0.0) * 100
        d = next((d for d in range(4) if round(half, d) > 0), 3)
        return f"{e.value * 100:.{d}f}% (± {half:.{d}f} pts MC error)"
    return f"{_whole(e.value)} (spread over inputs {e.low * 100:.0f}-{e.high * 100:.0f}%)"


def _whole(p: float) -> str:
    return f"{p:.0%}" if p in (0.0, 1.0) or 0.005 <= p <= 0.995 else f"{p:.1%}"


def num(e: Estimate95, digits: int = 2) -> str:
    """A per-draw quantity in words: its value alone when the same in every draw (or when the
    spread rounds away), else its mean with the spread over the inputs."""
    if e.structural:
        return f"{e.value:.{digits}f} (structural)"
    if abs(e.high - e.low) < 10 ** -digits:
        return f"{e.value:.{digits}f}"
    what = "spread over inputs" if e.kind == SPREAD else "Monte Carlo 95%"
    return f"{e.value:.{digits}f} ({what} {e.low:.{digits}f} to {e.high:.{digits}f})"


#: What the figures' parentheses mean, for captions of the process and deterrence sections.
INTERVAL_KINDS = ("A share of draws is shown with its Monte Carlo error where that could change it; an "
                  "average per draw with its spread over the uncertain inputs (central 95% of the draws); "
                  "'structural' marks a result the same in every draw.")


def draws_words(draws: int) -> str:
    """The run's draws in words; one draw is one evaluation (a scenario with no uncertain input)."""
    return "one evaluation (one draw: every result is structural)" if draws == 1 else f"{draws:,} draws"


def interval_words(e: Estimate95, scale: float = 100.0, digits: int = 0, unit: str = "%") -> str:
    """What a figure's interval is, in words, for a parenthesis ("" when nothing is worth saying):
    "the same in every draw" (structural), "± 2 points, Monte Carlo error" (a share of draws, only
    where that error could change the figure as printed), or "spread over the inputs 3.1–8.7%"."""
    if e.structural:
        return "the same in every draw"
    if e.kind == MC:
        if not e.mc_matters(10 ** -digits / scale):
            return ""
        half = Z95 * float(e.mc_error or 0.0) * scale
        points = " points" if unit == "%" else ""
        return f"± {half:.{digits}f}{points}, Monte Carlo error"
    dash = " to " if e.low < 0 else "–"
    return f"spread over the inputs {e.low * scale:.{digits}f}{dash}{e.high * scale:.{digits}f}{unit}"


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
    said = interval_words(e)
    gap = f"{e.value * 100:+.0f} points" + (f", {said}" if said else "")
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


#: Said once, instead of a table, when no input drives any result of the process analysis.
NO_DRIVERS = ("What drives agreement: no input drives it beyond chance (a permutation test over the draws, "
              "Holm's correction at 1%, on every result that varies).")


def driver_rows(result: ProcessResult, words: Words) -> list[dict[str, str]]:
    """The significant drivers of the process designs' results, one row per outcome and input: the
    outcome's mean with the input in its lowest and in its highest third of draws, and the Holm-
    adjusted permutation p-value. An input that drives an outcome alike under several designs is
    one row naming them (with the range of its p-values). Empty where no input drives anything
    beyond chance."""
    grouped: dict[tuple, list[tuple[str, float]]] = {}
    for d in result.designs:
        for target, drivers in d.drivers.items():
            for x in drivers:
                key = (target, x.input, _effect(target, x.low_third, x.high_third))
                grouped.setdefault(key, []).append((DESIGN_NAMES[d.design], x.p_value))
    every = len(result.designs)
    return [{"Outcome": _outcome(target, words), "Input": name, "Designs":
             "every design" if len(found) == every and every > 1 else ", ".join(n for n, _ in found),
             "Effect (input low → high third)": effect, "Holm p": _p_range([p for _, p in found])}
            for (target, name, effect), found in grouped.items()]


def _p_range(ps: list[float]) -> str:
    low, high = f"{min(ps):.2g}", f"{max(ps):.2g}"
    return low if low == high else f"{low}-{high}"


def _outcome(target: str, words: Words) -> str:
    if target == "tracks agreed":
        return "tracks agreed (mean)"
    return f"{words.tracks.get(target, target)} agreed"


def _effect(target: str, low: float, high: float) -> str:
    if target == "tracks agreed":
        return f"{low:.2f} → {high:.2f} tracks"
    return f"{100 * low:.1f}% → {100 * high:.1f}%"
