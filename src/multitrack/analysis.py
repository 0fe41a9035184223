"""The analysis registry: analyses register themselves; the CLI, report and web app discover them.

An analysis is a function ``(scenario, *, progress=None) -> Result`` decorated with
:func:`register`. Discovery imports every subpackage of :mod:`multitrack` and every
entry point in the ``multitrack.analyses`` group, so nothing lists analyses by hand.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Callable, Protocol

from .progress import ProgressCallback
from .scenario.model import Scenario

#: Subpackages that render, serve, store or convert and never define analyses.
_FRONT_ENDS = {"cli", "report", "web", "store", "scenario", "interop"}


class AnalysisResult(Protocol):
    def to_dict(self) -> dict: ...
    def to_frame(self): ...


AnalysisFunction = Callable[..., AnalysisResult]


@dataclass(frozen=True)
class AnalysisSpec:
    """A registered analysis: its name (used in results.json), title, and function."""

    name: str
    title: str
    description: str
    run: AnalysisFunction
    order: int = 100


_REGISTRY: dict[str, AnalysisSpec] = {}
_discovered = False


def register(name: str, title: str, order: int = 100) -> Callable[[AnalysisFunction], AnalysisFunction]:
    """Decorator: make ``func`` discoverable as the analysis ``name``."""

    def wrap(func: AnalysisFunction) -> AnalysisFunction:
        doc = (func.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = AnalysisSpec(name, title, doc[0] if doc else title, func, order)
        return func

    return wrap


def discover() -> None:
    """Import every analysis subpackage and plug-in once, so that they register."""
    global _discovered
    if _discovered:
        return
    import multitrack

    for module in pkgutil.iter_modules(multitrack.__path__):
        if module.ispkg and module.name not in _FRONT_ENDS:
            importlib.import_module(f"multitrack.{module.name}")
    for entry in entry_points(group="multitrack.analyses"):
        entry.load()
    _discovered = True


def available() -> list[AnalysisSpec]:
    """Every registered analysis, in report order."""
    discover()
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.name))


def run_all(scenario: Scenario, *, only: list[str] | None = None,
            progress: ProgressCallback | None = None) -> dict[str, AnalysisResult]:
    """Run every available analysis (or those named in ``only``) on ``scenario``."""
    specs = available()
    if only is not None:
        unknown = sorted(set(only) - {s.name for s in specs})
        if unknown:
            raise KeyError(f"unknown analysis: {', '.join(unknown)}")
        specs = [s for s in specs if s.name in only]
    return {spec.name: spec.run(scenario, progress=progress) for spec in specs}
