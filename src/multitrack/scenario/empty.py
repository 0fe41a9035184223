"""Empty defaults for the scenario models' list and dict fields.

Plain functions rather than the builtins ``list`` and ``dict``: pydantic reads the signature of
every ``default_factory`` when it builds a model's schema, and the signature of a builtin is parsed
from its text (about 0.2 ms each, some 30 fields), which ``multitrack validate`` pays at start-up.
"""

from __future__ import annotations

from typing import Any


def empty_list() -> list[Any]:
    """A new empty list (what ``list()`` returns)."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict (what ``dict()`` returns)."""
    return {}
