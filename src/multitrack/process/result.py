"""Result records of the process-design analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..montecarlo.perdraw import PerDraw, per_draw_field
from ..results import LinkEffect, Result, by_id
from .search import PackageTrial
from .sensitivity import Driver
from .stats import Estimate95


@dataclass(frozen=True)
class InputInfo(Result):
    """One uncertain input: its label, its field in the scenario, its distribution in words, and
    the source it rests on."""

    label: str
    field: str
    distribution: str
    source: str | None = None
    locator: str | None = None


@dataclass(frozen=True)
class DesignResult(Result):
    """One process design over all draws."""

    design: str                               # parallel | linked | sequential | easy-first | package | ...
    p_track: dict[str, Estimate95]            # probability that each track is agreed
    n_agreed_distribution: tuple[float, ...]  # share of draws with 0, 1, ..., T tracks agreed
    mean_agreed: Estimate95
    p_any: Estimate95
    p_all: Estimate95
    gain: dict[str, Estimate95]               # expected gain over the status quo, share of the actor's range
    drivers: dict[str, tuple[Driver, ...]]    # per track, and "tracks agreed"
    label: str = ""                           # what the design is, in words
    tracks: tuple[str, ...] = ()              # a sequence's order, or the tracks a package bundles
    deal: dict[str, dict[str, Any]] = field(default_factory=dict)  # per track, issue: the deal where agreed


@dataclass(frozen=True)
class DesignComparison(Result):
    """Parallel tracks against the single package, paired over the same draws."""

    more_tracks: Estimate95         # mean(parallel tracks agreed - package tracks agreed)
    p_parallel_ahead: Estimate95    # share of draws where parallel gets more tracks agreed
    p_package_ahead: Estimate95
    p_package_only: Estimate95      # package agreed while some track alone fails (cross-track trade)
    p_package_blocked: Estimate95   # package fails while every track alone agrees


@dataclass(frozen=True)
class ClaimTest(Result):
    """A claim about process put to the draws: the paired estimate and the verdict it supports
    (yes when the whole 95% interval is above zero, no when it is at or below zero)."""

    claim: str          # short id: parallel-beats-package, bilateral-beats-multilateral:<track>
    question: str
    verdict: str        # yes | no | unclear
    estimate: Estimate95
    measure: str        # what the estimate is, in words


@dataclass(frozen=True)
class ForumResult(Result):
    forum: str
    title: str
    parties: int
    bilateral: bool
    p_agree: Estimate95
    winset: Estimate95                       # share of the track's outcomes that pass the rule
    where: dict[str, Any]                    # per issue: mean value (numbers) or most frequent option
    p_ratified: Estimate95 | None = None     # agreed and ratified (None: no ratification stage)
    ratified_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class ForumComparison(Result):
    track: str
    forums: tuple[ForumResult, ...]
    bilateral_minus_multilateral: dict[str, Estimate95]  # "bilateral vs other": paired difference


@dataclass(frozen=True)
class ProcessResult(Result):
    """Every design and forum on the same draws, with intervals and what drives the results."""

    scenario: str
    draws: int
    seed: int
    chunk_size: int
    tracks: tuple[str, ...]
    actors: tuple[str, ...]
    inputs: tuple[str, ...]
    designs: tuple[DesignResult, ...]
    comparison: DesignComparison
    forums: tuple[ForumComparison, ...]
    claims: tuple[ClaimTest, ...] = ()
    input_details: tuple[InputInfo, ...] = ()
    notes: tuple[str, ...] = ()
    per_draw: PerDraw | None = per_draw_field()  # by draw: tracks agreed, gains and deals per design
    packages_tried: tuple[PackageTrial, ...] = ()  # the pilot's packages, best first
    packages_tied: int = 0      # packages solved on the pilot that agree as many tracks as the best
    packages_may_tie: int = 0   # packages left unsolved there that could at most tie (cannot come first)
    links: tuple[LinkEffect, ...] = ()             # what trust and ratification changed

    def headlines(self) -> dict[str, Any]:
        """The headline numbers by draw: tracks agreed in parallel and in one package, and each
        track agreed in parallel (empty without per-draw results)."""
        if self.per_draw is None:
            return {}
        parallel, package = self.per_draw["parallel.agreed"], self.per_draw["package.agreed"]
        out = {"tracks agreed in parallel": parallel.sum(axis=1),
               "tracks agreed in one package": package.sum(axis=1)}
        if "partial-package.agreed" in self.per_draw:
            best = self.per_draw["partial-package.agreed"]
            out["tracks agreed with the best partial package"] = best.sum(axis=1)
        out.update({f"{t} agreed (parallel)": parallel[:, k] for k, t in enumerate(self.tracks)})
        return out

    def design(self, name: str) -> DesignResult:
        return by_id(self.designs, name, lambda d: d.design, "design")

    @property
    def summary(self) -> str:
        """In one line: tracks agreed on average in parallel and in one package, and the design
        that agrees the most where that is another."""
        means = {d.design: d.mean_agreed.value for d in self.designs}
        parts = [f"{means[k]:.2f} {words}" for k, words in (("parallel", "in parallel"),
                                                             ("package", "in one package")) if k in means]
        text = f"tracks agreed of {len(self.tracks)} on average: " + ", ".join(parts)
        best = max(means, key=lambda k: means[k], default=None)
        if best is not None and best != "parallel" and means[best] > means.get("parallel", float("-inf")):
            text += f", {means[best]:.2f} with {best}"
        return text

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for d in self.designs:
            for t, p in d.p_track.items():
                out.append({"design": d.design, "track": t, "p_agree": p.value, "low": p.low, "high": p.high})
        return out
