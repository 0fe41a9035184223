"""From the draws of every chunk to the result: probabilities, intervals, drivers."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..montecarlo.perdraw import PerDraw
from .chunk import ProcessPlan
from .designs import linked
from .result import (
    ClaimTest,
    DesignComparison,
    DesignResult,
    ForumComparison,
    ForumResult,
    InputInfo,
    ProcessResult,
)
from .sensitivity import RankedInputs, drivers
from .stats import mean, proportion

DESIGNS = ("parallel", "linked", "sequential", "package")


def summarise(plan: ProcessPlan, arrays: dict[str, np.ndarray]) -> ProcessResult:
    track_ids = tuple(t.id for t in plan.tracks)
    designs = {name: _agreed(plan, arrays, name) for name in DESIGNS}
    gains = {name: _gain(plan, arrays, name, designs[name]) for name in DESIGNS}
    labels = tuple(i.label for i in plan.inputs) + tuple(f"factor: {f.title}" for f in plan.scenario.factors)
    ranked = RankedInputs(np.concatenate([arrays["inputs"], arrays["factors"]], axis=1))
    results = tuple(_design(name, designs[name], gains[name], track_ids, plan, ranked, labels)
                    for name in DESIGNS)
    comparison = _compare(designs["parallel"], designs["package"], arrays["package.agreed"])
    forums = tuple(_forums(plan, arrays))
    return ProcessResult(
        scenario=plan.scenario.id, draws=int(arrays["inputs"].shape[0]), seed=plan.run.seed,
        chunk_size=plan.run.chunk_size, tracks=track_ids, actors=plan.actors, inputs=labels,
        designs=results, comparison=comparison, forums=forums, claims=_claims(comparison, forums),
        input_details=tuple(_input_info(i) for i in plan.inputs), notes=_notes(plan),
        per_draw=_per_draw(plan, arrays, designs, gains))


def _per_draw(plan: ProcessPlan, arrays: dict, designs: dict, gains: dict) -> PerDraw:
    """By draw: each design's tracks agreed (draws, tracks) and gains (draws, actors), and each
    forum's agreement, in the orders of the result's ``tracks`` and ``actors``."""
    out: dict[str, np.ndarray] = {}
    for name in DESIGNS:
        out[f"{name}.agreed"] = designs[name]
        out[f"{name}.gain"] = gains[name]
    out.update({k: v for k, v in arrays.items() if k.startswith("forum.") and k.endswith(".agreed")})
    draws = int(arrays["inputs"].shape[0])
    return PerDraw.of(out, draws, plan.run.seed)


def _agreed(plan: ProcessPlan, arrays: dict, name: str) -> np.ndarray:
    """(D, T) tracks agreed under a design."""
    if name == "package":  # a track counts where the agreed package changes something on it
        return arrays["package.agreed"][:, None] & arrays["package.moved"]
    if name == "linked":
        return linked(arrays["parallel.agreed"], tuple(t.id for t in plan.tracks), plan.links())
    return arrays[f"{name}.agreed"]


def _gain(plan: ProcessPlan, arrays: dict, name: str, agreed: np.ndarray) -> np.ndarray:
    """(D, A) gain over the status quo as a share of each actor's range over all tracks."""
    span = np.where(arrays["span"] > 0, arrays["span"], 1.0)
    if name == "package":
        raw = arrays["package.gain"].sum(axis=1)
    else:
        per_track = arrays["sequential.gain" if name == "sequential" else "parallel.gain"]
        raw = (per_track * agreed[:, :, None]).sum(axis=1)
    return raw / span


def _design(name, agreed, gain, track_ids, plan, inputs, labels) -> DesignResult:
    n = agreed.sum(axis=1)
    counts = np.bincount(n, minlength=len(track_ids) + 1) / len(n)
    top = plan.config.top_drivers
    drive = {t: drivers(inputs, agreed[:, k], labels, top) for k, t in enumerate(track_ids)}
    drive["tracks agreed"] = drivers(inputs, n, labels, top)
    return DesignResult(
        design=name, p_track={t: proportion(agreed[:, k]) for k, t in enumerate(track_ids)},
        n_agreed_distribution=tuple(float(c) for c in counts), mean_agreed=mean(n),
        p_any=proportion(n > 0), p_all=proportion(n == len(track_ids)),
        gain={a: mean(gain[:, k]) for k, a in enumerate(plan.actors)}, drivers=drive)


def _compare(parallel: np.ndarray, package: np.ndarray, pkg: np.ndarray) -> DesignComparison:
    n_par, n_pkg = parallel.sum(axis=1), package.sum(axis=1)
    return DesignComparison(
        more_tracks=mean(n_par - n_pkg), p_parallel_ahead=proportion(n_par > n_pkg),
        p_package_ahead=proportion(n_pkg > n_par),
        p_package_only=proportion(pkg & ~parallel.all(axis=1)),
        p_package_blocked=proportion(~pkg & parallel.all(axis=1)))


def _forums(plan: ProcessPlan, arrays: dict):
    by_track: dict[str, list] = {}
    for track, forum in plan.forums:
        by_track.setdefault(track.id, []).append(forum)
    for track in plan.tracks:
        if track.id not in by_track:
            continue
        rows = [_forum(plan, track, None, arrays)] + [_forum(plan, track, f, arrays)
                                                      for f in by_track[track.id]]
        yield ForumComparison(track.id, tuple(r for r, _ in rows), _bilateral_gaps(rows))


def _forum(plan, track, forum, arrays):
    fid = "as-modelled" if forum is None else forum.id
    key = f"forum.{track.id}.{fid}"
    agreed = arrays[f"{key}.agreed"]
    parties = (len(track.participants) if forum is None
               else len(forum.participants) + sum(g.count for g in forum.member_groups))
    title = (track.forum or "as modelled") if forum is None else forum.title
    where = _where(track, arrays[f"{key}.where"], agreed)
    return ForumResult(fid, title, parties, parties == 2, proportion(agreed), mean(arrays[f"{key}.winset"]),
                       where), agreed


def _where(track, where: np.ndarray, agreed: np.ndarray) -> dict:
    """Where the compromise lands when agreed: mean of a number, most frequent option."""
    out: dict[str, object] = {}
    for i, issue in enumerate(track.issues):
        x = where[agreed, i]
        if x.size == 0:
            out[issue.id] = None
        elif hasattr(issue, "options"):
            rank, _ = Counter(x.astype(int).tolist()).most_common(1)[0]
            out[issue.id] = issue.options[rank]
        else:
            out[issue.id] = float(x.mean())
    return out


def _bilateral_gaps(rows) -> dict:
    bilateral = [(r, a) for r, a in rows if r.bilateral]
    others = [(r, a) for r, a in rows if not r.bilateral]
    return {f"{b.forum} vs {o.forum}": mean(ab.astype(float) - ao.astype(float))
            for b, ab in bilateral for o, ao in others}


def _verdict(e) -> str:
    return "yes" if e.low > 0 else ("no" if e.high <= 0 or e.value <= 0 else "unclear")


def _claims(comparison: DesignComparison, forums: tuple[ForumComparison, ...]) -> tuple[ClaimTest, ...]:
    """The two claims the issue's documents make, put to the draws."""
    out = [ClaimTest("parallel-beats-package",
                     "Do parallel tracks get more tracks agreed than one package?",
                     _verdict(comparison.more_tracks), comparison.more_tracks,
                     "tracks agreed in parallel minus tracks agreed in the package, mean over draws")]
    for fc in forums:
        for pair, gap in fc.bilateral_minus_multilateral.items():
            out.append(ClaimTest(f"bilateral-beats-multilateral:{fc.track}:{pair.replace(' vs ', ':')}",
                                 f"On {fc.track}, does the bilateral forum agree more often than the other "
                                 f"({pair})?", _verdict(gap), gap,
                                 "probability of agreement, bilateral minus the other forum, same draws"))
    return tuple(out)


def _input_info(inp) -> InputInfo:
    from ..scenario.describe import estimate_text

    src = inp.source
    return InputInfo(inp.label, inp.field, estimate_text(inp.estimate), src.id if src else None,
                     src.locator if src else None)


def _notes(plan: ProcessPlan) -> tuple[str, ...]:
    deferred = [t.id for t in plan.scenario.tracks if t.deferred]
    notes = []
    if deferred:
        notes.append(f"deferred tracks left out of every design: {', '.join(deferred)}")
    if not plan.inputs:
        notes.append("the scenario has no distributions: every draw is the same")
    return tuple(notes)
