"""The one error type of the self-determination module (a ValueError, one-line message)."""

from __future__ import annotations

from multitrack.errors import MultitrackError


class SelfDeterminationError(MultitrackError, ValueError):
    """A cases file or criterion list that cannot be used."""
