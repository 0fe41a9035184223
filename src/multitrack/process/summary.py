"""From the draws of every chunk to the result: probabilities, intervals, drivers."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from ..montecarlo.perdraw import PerDraw
from ..montecarlo.stats import Z95, share_difference
from ..results import LinkEffect
from ..settlement.cross_track import process_links
from ..settlement.preferences import issue_axis
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
from .search import PackageTrial, Pilot
from .sensitivity import ALL_TRACKS, DriverTest, reach
from .stats import mean, proportion


def design_names(plan: ProcessPlan) -> tuple[str, ...]:
    """The designs compared, in the order shown: parallel, linked, the sequences, the packages."""
    return ("parallel", "linked", *plan.sequences(), *plan.bundles())


def summarise(plan: ProcessPlan, arrays: dict[str, np.ndarray], progress: Any = None,
              executor: Any = None) -> ProcessResult:
    """The result from every chunk's arrays. The drivers' permutation tests run here, every
    block of permutations made once for all results (``progress`` hears of each block); with
    several workers in ``executor`` the blocks are shared out among them, same answers."""
    track_ids = tuple(t.id for t in plan.tracks)
    names = design_names(plan)
    designs = {name: _agreed(plan, arrays, name) for name in names}
    gains = {name: _gain(plan, arrays, name, designs[name]) for name in names}
    choices = {name: _choices(plan, arrays, name, designs[name]) for name in names}
    labels = tuple(i.label for i in plan.inputs) + tuple(f"factor: {f.title}" for f in plan.scenario.factors)
    ranked = DriverTest(np.concatenate([arrays["inputs"], arrays["factors"]], axis=1), plan.run.seed)
    ranked.prefetch(_driver_requests(plan, designs, labels), executor, progress, "process drivers")
    results = tuple(_design(name, designs[name], gains[name], track_ids, plan, ranked, labels, choices[name])
                    for name in names)
    full = designs.get("package", designs["parallel"])
    deal = arrays.get("package.deal", np.zeros(len(full), dtype=bool))
    comparison = _compare(designs["parallel"], full, deal)
    forums = tuple(_forums(plan, arrays))
    return ProcessResult(
        scenario=plan.scenario.id, draws=int(arrays["inputs"].shape[0]), seed=plan.run.seed,
        chunk_size=plan.run.chunk_size, tracks=track_ids, actors=plan.actors, inputs=labels,
        designs=results, comparison=comparison, forums=forums,
        claims=_claims(comparison, forums) + _merit_claims(designs, plan),
        input_details=tuple(_input_info(i) for i in plan.inputs), notes=_notes(plan, designs),
        per_draw=_per_draw(plan, arrays, designs, gains, choices),
        packages_tried=_trials(plan), links=_link_effects(plan, arrays, designs, forums),
        packages_tied=plan.pilot.ties if plan.pilot else 0,
        packages_may_tie=plan.pilot.may_tie if plan.pilot else 0)


def _per_draw(plan: ProcessPlan, arrays: dict, designs: dict, gains: dict, choices: dict) -> PerDraw:
    """By draw: each design's tracks agreed (draws, tracks), gains (draws, actors) and deal on each
    track ("<design>.choice.<track>": value index per issue, -1 where the track is not agreed;
    "<design>.value.<track>.<issue>": the agreed value on the issue's axis, NaN where not agreed),
    and each forum's agreement (and ratification), in the orders of the result's ``tracks``,
    ``actors`` and each track's issues."""
    out: dict[str, np.ndarray] = {}
    for name in designs:
        out[f"{name}.agreed"] = designs[name]
        out[f"{name}.gain"] = gains[name]
        for track in plan.tracks:
            choice = choices[name][track.id]
            out[f"{name}.choice.{track.id}"] = choice
            for i, issue in enumerate(track.issues):
                out[f"{name}.value.{track.id}.{issue.id}"] = _on_axis(plan, track, i, choice[:, i])
    out.update({k: v for k, v in arrays.items()
                if k.startswith("forum.") and (k.endswith(".agreed") or k.endswith(".ratified"))})
    draws = int(arrays["inputs"].shape[0])
    return PerDraw.of(out, draws, plan.run.seed)


def _on_axis(plan: ProcessPlan, track, i: int, index: np.ndarray) -> np.ndarray:
    """(D,) value indices of issue ``i`` on the issue's own axis (option rank or number; NaN: -1)."""
    axis = issue_axis(track.issues[i], plan.scenario.settings, plan.config.grid_points)
    return np.where(index >= 0, axis[np.maximum(index, 0)], np.nan)


def _agreed(plan: ProcessPlan, arrays: dict, name: str) -> np.ndarray:
    """(D, T) tracks agreed under a design."""
    if name == "linked":
        return linked(arrays["parallel.agreed"], tuple(t.id for t in plan.tracks), plan.links())
    return arrays[f"{name}.agreed"]


def _choices(plan: ProcessPlan, arrays: dict, name: str, agreed: np.ndarray) -> dict[str, np.ndarray]:
    """Each track's deal under a design (-1 where the track is not agreed)."""
    source = "parallel" if name == "linked" else name
    return {t.id: np.where(agreed[:, k, None], arrays[f"{source}.choice.{t.id}"], -1)
            for k, t in enumerate(plan.tracks)}


def _gain(plan: ProcessPlan, arrays: dict, name: str, agreed: np.ndarray) -> np.ndarray:
    """(D, A) gain over the status quo as a share of each actor's range over all tracks."""
    span = np.where(arrays["span"] > 0, arrays["span"], 1.0)
    per_track = arrays["parallel.gain" if name == "linked" else f"{name}.gain"]
    return (per_track * agreed[:, :, None]).sum(axis=1) / span


def _design(name, agreed, gain, track_ids, plan, inputs, labels, choices) -> DesignResult:
    n = agreed.sum(axis=1)
    counts = np.bincount(n, minlength=len(track_ids) + 1) / len(n)
    top, can = plan.config.top_drivers, reach(plan, name)
    drive = {t: inputs.drivers(agreed[:, k], labels, can[t], top) for k, t in enumerate(track_ids)}
    drive[ALL_TRACKS] = inputs.drivers(n, labels, can[ALL_TRACKS], top)
    return DesignResult(
        design=name, p_track={t: proportion(agreed[:, k]) for k, t in enumerate(track_ids)},
        n_agreed_distribution=tuple(float(c) for c in counts), mean_agreed=mean(n),
        p_any=proportion(n > 0), p_all=proportion(n == len(track_ids)),
        gain={a: mean(gain[:, k]) for k, a in enumerate(plan.actors)}, drivers=drive,
        label=_label(plan, name), tracks=_design_tracks(plan, name),
        deal={t.id: _deal(plan, t, choices[t.id], agreed[:, k]) for k, t in enumerate(plan.tracks)})


def _driver_requests(plan: ProcessPlan, designs: dict, labels: tuple[str, ...]) -> list:
    """The results :func:`_design` asks the drivers of, as :meth:`DriverTest.prefetch` takes them."""
    out = []
    for name, agreed in designs.items():
        can, top = reach(plan, name), plan.config.top_drivers
        out += [(agreed[:, k], labels, can[t.id], top) for k, t in enumerate(plan.tracks)]
        out.append((agreed.sum(axis=1), labels, can[ALL_TRACKS], top))
    return out


def _design_tracks(plan: ProcessPlan, name: str) -> tuple[str, ...]:
    return plan.sequences().get(name) or plan.bundles().get(name) or ()


def _label(plan: ProcessPlan, name: str) -> str:
    """What the design is, in words (which order, which package, and where it comes from)."""
    arrow = " -> ".join
    if name == "parallel":
        return "every track on its own, at the same time"
    if name == "linked":
        return "parallel, a track counting only where the tracks it requires agree"
    if name == "sequential":
        where = "declared" if plan.scenario.process.sequence else "the order of tracks (none declared)"
        return f"sequence, {where}: {arrow(plan.sequences()[name])}"
    if name == "easy-first":
        return (f"sequence, easy first (computed: parallel agreement rate on the first "
                f"{plan.pilot.draws if plan.pilot else 0} draws): {arrow(plan.sequences()[name])}")
    if name.startswith("sequence:"):
        stages = [" + ".join(s) for s in plan.stages(name)]
        return f"sequence in stages, declared ({name.split(':', 1)[1]}): {arrow(stages)}"
    bundle = plan.bundles()[name]
    rest = [t.id for t in plan.tracks if t.id not in bundle]
    beside = f"; in parallel beside it: {', '.join(rest)}" if rest else ""
    if name == "package":
        return f"one package of every track: {', '.join(bundle)}"
    if name == "partial-package":
        return f"best package found (pilot search): {', '.join(bundle)}{beside}"
    return f"declared package {name.split(':', 1)[1]}: {', '.join(bundle)}{beside}"


def _deal(plan: ProcessPlan, track, choice: np.ndarray, agreed: np.ndarray) -> dict[str, Any]:
    """The deal issue by issue where the track is agreed: the mean of a number, the most frequent
    option (None where the track is never agreed)."""
    out: dict[str, Any] = {}
    for i, issue in enumerate(track.issues):
        x = choice[agreed, i]
        if x.size == 0:
            out[issue.id] = None
        elif hasattr(issue, "options"):
            rank, _ = Counter(x.tolist()).most_common(1)[0]
            out[issue.id] = issue.options[rank]
        else:
            out[issue.id] = float(_on_axis(plan, track, i, x).mean())
    return out


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
    by = tuple(plan.ratifiers().get((track.id, fid), ()))
    ratified = arrays.get(f"{key}.ratified")
    row = ForumResult(fid, title, parties, parties == 2, proportion(agreed), mean(arrays[f"{key}.winset"]),
                      where, p_ratified=None if ratified is None else proportion(ratified), ratified_by=by)
    return row, (agreed if ratified is None else ratified)


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
    """Bilateral minus each other forum, paired over draws (after ratification where declared)."""
    bilateral = [(r, a) for r, a in rows if r.bilateral]
    others = [(r, a) for r, a in rows if not r.bilateral]
    return {f"{b.forum} vs {o.forum}": share_difference(ab, ao) for b, ab in bilateral for o, ao in others}


def _verdict(e) -> str:
    """Yes when the mean difference is above zero beyond its Monte Carlo error (the question is
    about the average over the inputs, not about every draw), no when it is at or below zero."""
    if e.structural:
        return "yes" if e.value > 0 else "no"
    half = Z95 * (e.mc_error or 0.0)
    return "yes" if e.value - half > 0 else ("no" if e.value + half <= 0 or e.value <= 0 else "unclear")


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


def _notes(plan: ProcessPlan, designs: dict) -> tuple[str, ...]:
    deferred = [t.id for t in plan.scenario.tracks if t.deferred]
    notes = []
    if deferred:
        notes.append(f"deferred tracks left out of every design: {', '.join(deferred)}")
    if not plan.inputs:
        notes.append("the scenario has no distributions: every draw is the same")
    pilot = plan.pilot
    if pilot is not None:
        if pilot.note:
            notes.append(pilot.note)
        if pilot.best is not None:
            notes.append(f"the best partial package was searched for on the run's first {pilot.search_draws} "
                         f"draws ({len(pilot.trials)} packages solved, the others bounded out) and then "
                         f"evaluated on every draw; {_ties(pilot)}")
        rates = designs["parallel"].mean(axis=0)
        ids = [t.id for t in plan.tracks]
        full = tuple(sorted(ids, key=lambda t: (-rates[ids.index(t)], ids.index(t))))
        if full != pilot.easy_first:
            notes.append(f"the easy-first order comes from the first {pilot.draws} draws; over every draw "
                         f"the order by agreement rate would be {' -> '.join(full)}")
    return tuple(notes)


def _ties(pilot: Pilot) -> str:
    """How many packages tie with the best on the search draws, and the rule that chose among them."""
    best = pilot.trials[0].mean_agreed
    more = (f", and {pilot.may_tie} more could at most tie (not solved in full: they cannot come first)"
            if pilot.may_tie else "")
    if pilot.ties + pilot.may_tie <= 1:
        return f"no other package agrees as many tracks there ({best:.2f})"
    return (f"{pilot.ties} packages agree as many tracks there ({best:.2f}){more}; among them the one with "
            "the fewest tracks, then the first in the scenario's order of tracks, was taken")


def _trials(plan: ProcessPlan) -> tuple[PackageTrial, ...]:
    """The packages the pilot tried, best first (at most ten)."""
    return plan.pilot.trials[:10] if plan.pilot is not None else ()


def _merit_claims(designs: dict, plan: ProcessPlan) -> tuple[ClaimTest, ...]:
    """Does the best partial package, or a sequence, get more tracks agreed than parallel talks?"""
    n_par = designs["parallel"].sum(axis=1)
    out = []
    for name in ("partial-package", *plan.sequences()):
        if name not in designs:
            continue
        gap = mean(designs[name].sum(axis=1) - n_par)
        own = (f"the sequence {name.split(':', 1)[1]}" if name.startswith("sequence:")
               else f"the {name} sequence")
        what = {"partial-package": "the best partial package", "sequential": "the declared sequence"}.get(
            name, own)
        out.append(ClaimTest(f"{name}-beats-parallel",
                             f"Does {what} get more tracks agreed than parallel talks?", _verdict(gap), gap,
                             f"tracks agreed under {name} minus tracks agreed in parallel, mean over draws"))
    return tuple(out)


def _link_effects(plan: ProcessPlan, arrays: dict, designs: dict, forums) -> tuple[LinkEffect, ...]:
    """A sentence for each trust effect and ratification stage that changed something."""
    out = []
    for name in plan.sequences():
        plain = arrays.get(f"{name}.without-trust")
        if plain is None:
            continue
        before, after = float(plain.sum(axis=1).mean()), float(designs[name].sum(axis=1).mean())
        what = ("the declared" if name == "sequential" else
                f"the {name.split(':', 1)[1]}" if name.startswith("sequence:") else f"the {name}")
        change = (f"moved the mean number of tracks agreed from {before:.2f} to {after:.2f}"
                  if abs(after - before) > 1e-12 else
                  f"changed no track's fate: {after:.2f} tracks agreed on average with or without it")
        out.append(LinkEffect("trust", "process:trust_gain", f"design:{name}",
                              f"Trust from earlier agreements in {what} sequence {change}.", before, after))
    for fc in forums:
        for row in fc.forums:
            if row.p_ratified is None or abs(row.p_ratified.value - row.p_agree.value) < 1e-12:
                continue
            out.append(LinkEffect(
                "ratification", f"track:{fc.track}/forum:{row.forum}", f"track:{fc.track}/forum:{row.forum}",
                f"Ratification by {', '.join(row.ratified_by)} cut agreement in the forum {row.forum!r} on "
                f"{fc.track} from {row.p_agree.value:.1%} to {row.p_ratified.value:.1%} of draws (the deal "
                "struck at the narrow table must pass the veto players it binds).",
                row.p_agree.value, row.p_ratified.value))
    return tuple(out) + process_links(plan.scenario, arrays)
