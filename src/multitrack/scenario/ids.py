"""Identifiers used across a scenario: short, readable, safe in paths and URLs."""

from typing import Annotated

from pydantic import StringConstraints

#: An identifier: a letter, then letters, digits, ``_`` or ``-`` (at most 64 characters).
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$", strict=True)]
