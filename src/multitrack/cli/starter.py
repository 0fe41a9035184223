"""The starter scenario that ``multitrack init`` writes."""

from __future__ import annotations

import re
from importlib import resources

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def starter_text(scenario_id: str) -> str:
    """The commented starter file for a scenario called ``scenario_id``."""
    if not _ID.match(scenario_id):
        raise ValueError("a scenario name starts with a letter and holds only letters, digits, '-' "
                         "and '_' (at most 64)")
    text = (resources.files("multitrack.cli") / "starter.yaml").read_text(encoding="utf-8")
    return text.replace("__ID__", scenario_id).replace("__FILE__", f"{scenario_id}.yaml")
