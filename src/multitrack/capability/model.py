"""Frozen results of a capability look-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

CITATION = (
    "Singer, J. David, Stuart Bremer and John Stuckey (1972), 'Capability Distribution, Uncertainty, "
    "and Major Power War, 1820-1965', in Bruce Russett (ed.), Peace, War, and Numbers, Beverly Hills: "
    "Sage, 19-48; Correlates of War Project, National Material Capabilities data, v6.0 codebook "
    "(Greig and Enterline 2021), file as distributed by the peacesciencer R package (Miller)."
)


def frozen_mapping(values: Mapping[str, float | None]) -> Mapping[str, float | None]:
    """A read-only copy, so a frozen result cannot be changed through its mappings."""
    return MappingProxyType(dict(values))


@dataclass(frozen=True)
class CountryCapability:
    """One country in one year: its CINC, raw components (None if missing), and shares.

    ``components`` are in the codebook's units (thousands; military expenditure in current US dollars
    from 1914, pounds sterling before); ``component_shares`` are its shares of the system totals;
    ``share`` is its CINC divided by the summed CINC of the countries selected together with it.
    """

    code: int
    name: str
    cinc: float
    published_cinc: float
    components: Mapping[str, float | None]
    component_shares: Mapping[str, float | None]
    share: float


@dataclass(frozen=True)
class CapabilityResult:
    """Capabilities of selected countries in one year, with a note when the year had to change."""

    year: int
    requested_year: int
    rows: tuple[CountryCapability, ...]
    note: str | None
    source: str
    citation: str = CITATION

    def by_code(self, code: int) -> CountryCapability:
        """The row of one COW code (KeyError if it was not selected)."""
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)


@dataclass(frozen=True)
class ActorCapability:
    """A scenario actor's capability: the actor id, the COW country it stands for, and the numbers."""

    actor: str
    capability: CountryCapability


@dataclass(frozen=True)
class ScenarioCapabilities:
    """Capabilities for a scenario's actors; ``share`` is among these actors only."""

    year: int
    requested_year: int
    actors: tuple[ActorCapability, ...]
    note: str | None
    source: str
    citation: str = CITATION

    def as_dict(self) -> dict[str, float]:
        """Actor id -> CINC, the form an analysis takes as a weight."""
        return {a.actor: a.capability.cinc for a in self.actors}
