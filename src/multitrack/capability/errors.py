"""The one error type of the capability module (a ValueError, so callers can map it plainly)."""

from __future__ import annotations

from multitrack.errors import MultitrackError


class CapabilityError(MultitrackError, ValueError):
    """Bad capability input: unknown country, year out of range, missing or corrupt data file."""
