"""Results: the shape every analysis result shares (a frozen record that turns into plain data)
and the results document (``results.json``) that holds a whole run.

This module sits in the foundation, below everything but errors and progress: analyses (and
the Monte Carlo engine's per-draw records) build their results on :class:`Result`, and the run
registry and the report write :func:`results_document` without knowing any analysis or even the
scenario's model (each result speaks for itself through ``to_dict()``).
"""

from __future__ import annotations

import dataclasses
import enum
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from ._version import __version__

T = TypeVar("T")


class ScenarioIdentity(Protocol):
    """What the results document says of the scenario (a :class:`multitrack.Scenario` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def as_of(self) -> str | None: ...


def plain(value: Any) -> Any:
    """Convert results to JSON-ready values (dataclasses, numpy, enums, tuples, non-finite floats)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    np = sys.modules.get("numpy")  # no numpy value exists before numpy is imported (start-up needs none)
    if np is not None and isinstance(value, np.ndarray):
        return plain(value.tolist())
    if np is not None and isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Result:
    """Mixin for frozen dataclass results: ``to_dict()`` for JSON, ``to_frame()`` for pandas."""

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    def rows(self) -> list[dict[str, Any]]:
        """One flat record per row of the main table; subclasses say what a row is."""
        return [self.to_dict()]

    def to_frame(self):
        """The main table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.rows())


@dataclasses.dataclass(frozen=True)
class LinkEffect(Result):
    """What one link between tracks and analyses changed in this run, in one sentence for the
    summary (e.g. the guarantees track's agreed troop presence setting the deterrence model's
    tripwire). A result that applies links carries them as ``links: tuple[LinkEffect, ...]``;
    the summary and ``results.json`` collect them from every result."""

    kind: str       # deterrence-terms, measure-in-force, cross-track, conditional-red-line, membership, ...
    source: str     # where the link starts, e.g. "track:guarantees/issue:troops"
    target: str     # what it changes, e.g. "crisis:renewed-offensive/term:tripwire"
    sentence: str   # what it changed in this run, in words, with the numbers
    before: float | None = None   # the headline number without the link, where measured
    after: float | None = None    # ... and with it


class UnknownIdError(KeyError):
    """An id that a result (or a scenario) does not hold; the message lists the ids it does."""

    def __init__(self, what: str, wanted: object, known: Iterable[object]) -> None:
        names = ", ".join(str(k) for k in known) or "none"
        self.message = f"no {what} {wanted!r}; known {what}s: {names}"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return self.message


def by_id(items: Iterable[T], wanted: object, key: Callable[[T], object], what: str) -> T:
    """The item whose ``key`` is ``wanted``; :class:`UnknownIdError` (a ``KeyError``) listing the
    known ids otherwise.

    >>> by_id(["a", "b"], "c", str, "track")
    Traceback (most recent call last):
    ...
    multitrack.results.UnknownIdError: no track 'c'; known tracks: a, b
    """
    items = tuple(items)
    for item in items:
        if key(item) == wanted:
            return item
    raise UnknownIdError(what, wanted, (key(item) for item in items))


def by_key(items: Iterable[T], wanted: tuple, key: Callable[[T], tuple], what: tuple[str, ...]) -> T:
    """The item whose ``key`` (a tuple, e.g. scenario, theatre, horizon, rung) is ``wanted``; an
    unknown part raises :class:`UnknownIdError` naming that part and the values it can take."""
    items = tuple(items)
    keys = [key(item) for item in items]
    for k, part in enumerate(wanted):
        known = list(dict.fromkeys(key_[k] for key_ in keys))
        if part not in known:
            raise UnknownIdError(what[k], part, known)
    for item, key_ in zip(items, keys, strict=True):
        if key_ == tuple(wanted):
            return item
    raise UnknownIdError(" / ".join(what), tuple(wanted), keys)


def entry(mapping: Mapping[Any, T], wanted: object, what: str) -> T:
    """``mapping[wanted]``, or :class:`UnknownIdError` listing the keys it holds."""
    try:
        return mapping[wanted]
    except KeyError:
        raise UnknownIdError(what, wanted, mapping) from None


def results_document(scenario: ScenarioIdentity, results: Mapping[str, Any]) -> dict[str, Any]:
    """Everything ``results.json`` holds (and the run registry records): the version, the
    scenario's identity, and each analysis's result by the analysis's name."""
    return {
        "multitrack": __version__,
        "scenario": {"id": scenario.id, "title": scenario.title, "as_of": scenario.as_of},
        "analyses": {name: result.to_dict() for name, result in results.items()},
    }
