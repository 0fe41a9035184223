"""What the hinges analysis returns: per headline, the switching values of the inputs that flip it."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import Result, by_id


@dataclass(frozen=True)
class Switch(Result):
    """One input's switching value: with the input at ``value`` (every other input as before) the
    headline changes side once the input goes ``direction`` ("above" or "below") that value."""

    input: str                 # the input's key, e.g. "european-force.credibility"
    label: str                 # a reader's label
    central: float             # the input's central value
    value: float               # the switching value
    direction: str             # "above" or "below"
    percentile: float | None   # share of the input's draws at or below ``value``; None: a stated number
    central_percentile: float | None  # the same at the central value
    beyond: float              # the headline just beyond the switching value
    low: float                 # the range searched
    high: float

    @property
    def distance(self) -> float:
        """How far the input has to move: for an estimate, the share of its draws between its
        central and its switching value; for a stated number, the change relative to the number (or
        to the range searched when the number is 0)."""
        if self.percentile is not None and self.central_percentile is not None:
            return abs(self.percentile - self.central_percentile)
        return abs(self.value - self.central) / (abs(self.central) or (self.high - self.low))

    @property
    def order(self) -> tuple[bool, float]:
        """Estimates first, then stated numbers, each by how far the input has to move."""
        return (self.percentile is None, self.distance)


@dataclass(frozen=True)
class Hinge(Result):
    """A headline and what it hinges on: the switching values of every input that flips it within
    its range, smallest move first, and the inputs that do not."""

    id: str                    # e.g. "renewed-offensive/share", "track:opening/central", "designs/mean"
    headline: str              # what the headline says, in words
    kind: str                  # "share" (share of draws, threshold one half), "mean" (a mean over
                               # the draws) or "central" (the verdict at the central values)
    now: float                 # the headline as the run found it
    threshold: float
    switches: tuple[Switch, ...]
    steady: tuple[str, ...]    # labels of the inputs searched that do not flip it
    searched: int              # inputs searched
    note: str | None = None
    about: str = "deterrence"  # "deterrence", "track" or "designs"
    would_take: tuple[Switch, ...] = ()  # estimates' switching values beyond their range (what would
                                         # have to change): for a track, the process comparison or the
                                         # escalation where no estimate flips it within its range; for
                                         # deterrence, of every estimate that does not
    sides: tuple[str, str] = ("", "")    # the headline in words on each side: (at or above, below)

    @property
    def is_steady(self) -> bool:
        """No estimate flips the headline within its range (stated numbers may)."""
        return not any(s.percentile is not None for s in self.switches)


@dataclass(frozen=True)
class HingesResult(Result):
    draws: int
    seed: int
    hinges: tuple[Hinge, ...]
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """In one line: the headlines searched, and how many an estimate flips within its range."""
        moved = sum(not h.is_steady for h in self.hinges)
        return (f"{len(self.hinges)} headlines searched; {moved} flip within an estimate's range, "
                f"{len(self.hinges) - moved} steady")

    def hinge(self, hinge_id: str) -> Hinge:
        return by_id(self.hinges, hinge_id, lambda h: h.id, "headline")

    def rows(self) -> list[dict]:
        return [{"headline": h.id, "input": s.input, "switching_value": s.value, "direction": s.direction,
                 "percentile": s.percentile, "central": s.central} for h in self.hinges for s in h.switches]
