"""What the brief holds: short headed lists of sentences, each flagged with what it rests on."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import Result

#: What a finding rests on: every deciding input cites a source and none is the analyst's judgement;
#: some deciding input is marked ``estimated: true``; or some deciding input cites nothing.
SOURCES = "sources"
JUDGEMENT = "judgement"
UNSOURCED = "no source"


@dataclass(frozen=True)
class BriefLine(Result):
    """One sentence of the brief; ``basis`` is SOURCES, JUDGEMENT, UNSOURCED or "" (not a finding
    of its own, e.g. a contradiction)."""

    text: str
    basis: str = ""


@dataclass(frozen=True)
class BriefSection(Result):
    """A heading and its sentences; ``more`` counts the sentences left out to keep to one page."""

    heading: str
    lines: tuple[BriefLine, ...]
    more: int = 0


@dataclass(frozen=True)
class Brief(Result):
    """The brief of one run: its title, the sections in reading order and the run it describes."""

    title: str
    run: str
    sections: tuple[BriefSection, ...]

    def section(self, heading: str) -> BriefSection:
        return next(s for s in self.sections if s.heading == heading)

    @property
    def sentences(self) -> list[str]:
        """Every sentence of the brief, in order (headings left out)."""
        return [line.text for s in self.sections for line in s.lines]

    @property
    def n_words(self) -> int:
        """Words of the whole brief, headings and title included: what the page budget counts."""
        return len(self.title.split()) + len(self.run.split()) + sum(
            len(s.heading.split()) + sum(len(line.text.split()) for line in s.lines) for s in self.sections)
