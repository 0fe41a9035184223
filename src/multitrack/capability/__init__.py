"""Composite national capability (CINC) from the Correlates of War National Material Capabilities data.

Singer, Bremer and Stuckey (1972); NMC v6.0 codebook (Greig and Enterline 2021). See docs/capabilities.md.
"""

from multitrack.capability.api import (
    FIRST_YEAR,
    capabilities,
    capabilities_in,
    effective_year,
    scenario_capabilities,
    scenario_capabilities_in,
)
from multitrack.capability.compute import (
    COMPONENTS,
    CincCheck,
    check_against_published,
    component_shares,
    compute_cinc,
    year_table,
)
from multitrack.capability.errors import CapabilityError
from multitrack.capability.io import (
    CapabilityData,
    default_data_dir,
    load_capability_data,
    read_nmc,
    read_states,
    resolve_data_dir,
)
from multitrack.capability.lookup import ALIASES, country_name, resolve_country
from multitrack.capability.model import (
    CITATION,
    ActorCapability,
    CapabilityResult,
    CountryCapability,
    ScenarioCapabilities,
)

__all__ = [
    "ALIASES", "CITATION", "COMPONENTS", "FIRST_YEAR", "ActorCapability", "CapabilityData",
    "CapabilityError", "CapabilityResult", "CincCheck", "CountryCapability", "ScenarioCapabilities",
    "capabilities", "capabilities_in", "check_against_published", "component_shares", "compute_cinc",
    "country_name", "default_data_dir", "effective_year", "load_capability_data", "read_nmc",
    "read_states", "resolve_country", "resolve_data_dir", "scenario_capabilities",
    "scenario_capabilities_in", "year_table",
]
