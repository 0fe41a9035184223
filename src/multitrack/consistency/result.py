"""The consistency check's result: one warning per contradiction, each a line of text."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import LinkEffect, Result

#: The kinds of warning, in the order the summary shows them.
KINDS = ("forecast-beyond-red-line", "deterrence-without-agreement", "measure-without-agreement",
         "contradictory-red-lines", "declared-variant")


@dataclass(frozen=True)
class ConsistencyWarning(Result):
    """One contradiction: what kind, whom and where it concerns, and a sentence with the numbers."""

    kind: str
    sentence: str
    actor: str | None = None
    track: str | None = None
    issue: str | None = None
    share: float | None = None  # share of draws concerned, where the check counts draws


@dataclass(frozen=True)
class ConsistencyResult(Result):
    """Every contradiction found (``warnings``), the differences a scenario declares on purpose
    (``variants``: red lines that differ between declared variants of one dispute), the checks that
    could run, and what every link of the run changed (``link_effects``, collected from the other
    results' ``links``)."""

    warnings: tuple[ConsistencyWarning, ...]
    variants: tuple[ConsistencyWarning, ...] = ()
    checked: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    link_effects: tuple[LinkEffect, ...] = ()

    @property
    def summary(self) -> str:
        """In one line: the contradictions found and the variants the scenario declares."""
        found = len(self.warnings)
        text = f"{found} contradiction{'s' if found != 1 else ''} found" if found else "no contradiction"
        text += " found" if not found else ""
        n = len(self.variants)
        return text + (f"; {n} declared variant{'s' if n != 1 else ''}" if n else "")

    def of_kind(self, kind: str) -> tuple[ConsistencyWarning, ...]:
        return tuple(w for w in self.warnings + self.variants if w.kind == kind)

    def rows(self) -> list[dict]:
        return [w.to_dict() for w in self.warnings + self.variants]
