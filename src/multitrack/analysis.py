"""The analysis registry: analyses register themselves; the CLI, report and web app discover them.

An analysis is a function ``(scenario, *, progress=None) -> Result`` decorated with
:func:`register`. Discovery imports every subpackage of :mod:`multitrack` and every
entry point in the ``multitrack.analyses`` group, so nothing lists analyses by hand.

A run builds one :class:`~multitrack.settlement.Settlement` (the scenario and the run's one set
of draws) and passes it as ``settlement=`` to every analysis that ``reads`` it, so every
analysis that samples sees the same draws of the same estimates.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from .errors import MultitrackError
from .progress import ProgressCallback
from .scenario.model import Scenario
from .settlement import Settlement

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
    config: type[BaseModel] | None = None  # a pydantic model of the analysis's settings
    parallel: bool = False      # takes ``executor=`` and ``checkpoint=`` (Monte Carlo analyses)
    warm_up: Callable[[], None] | None = None  # compiles kernels ahead, in a thread, while others run
    applies: Callable[[Scenario], bool] | None = None  # False: nothing to analyse here (skipped)
    uses: tuple[str, ...] = ()  # analyses whose results it reads (run before it, passed as ``upstream=``)
    compile_ahead: bool = False  # warm up in a separate process (kernels that take seconds to compile)
    reads: tuple[str, ...] = ()  # parts of the run it reads: "settlement" (passed as ``settlement=``)
    cost: Callable[..., float] | None = None  # (scenario, draws, config) -> work units (multitrack.budget)


_REGISTRY: dict[str, AnalysisSpec] = {}
READABLE = {"settlement"}
_discovered = False


def register(name: str, title: str, order: int = 100, config: type[BaseModel] | None = None,
             parallel: bool = False, warm_up: Callable[[], None] | None = None,
             applies: Callable[[Scenario], bool] | None = None, uses: tuple[str, ...] = (),
             compile_ahead: bool = False, reads: tuple[str, ...] = (),
             cost: Callable[..., float] | None = None) -> Callable[[AnalysisFunction], AnalysisFunction]:
    """Decorator: make ``func`` discoverable as the analysis ``name``; ``config`` is the pydantic
    model of its settings, passed to it as ``config=``; a ``parallel`` analysis also receives the
    run's ``executor=`` and ``checkpoint=`` (a factory of chunk stores, from a fingerprint);
    ``applies(scenario)`` False skips the analysis on scenarios that hold nothing for it;
    ``compile_ahead`` warms it in a separate process when the command line runs it; an
    analysis that ``uses`` others runs after them and gets their results (those that ran) as ``upstream=``;
    one that ``reads=("settlement",)`` gets the run's settlement (its draws) as ``settlement=``;
    ``cost(scenario, draws, config)`` estimates its work before a run, in outcome-draws of the
    process kernel (:mod:`multitrack.budget`; without it the budget's own model or default counts)."""
    unknown = set(reads) - READABLE
    if unknown:
        raise ValueError(f"analysis {name!r} reads {', '.join(sorted(unknown))}; "
                         f"an analysis can read: {', '.join(sorted(READABLE))}")

    def wrap(func: AnalysisFunction) -> AnalysisFunction:
        doc = (func.__doc__ or "").strip().splitlines()
        _REGISTRY[name] = AnalysisSpec(name, title, doc[0] if doc else title, func, order, config, parallel,
                                      warm_up, applies, tuple(uses), compile_ahead, tuple(reads), cost)
        return func

    return wrap


def discover() -> None:
    """Import every analysis subpackage and plug-in once, so that they register."""
    global _discovered
    if _discovered:
        return
    package = __name__.rpartition(".")[0]  # "multitrack", found without importing its interface
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.ispkg and module.name not in _FRONT_ENDS:
            importlib.import_module(f"{package}.{module.name}")
    for entry in entry_points(group="multitrack.analyses"):
        entry.load()
    _discovered = True


def available() -> list[AnalysisSpec]:
    """Every registered analysis, in report order."""
    discover()
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.name))


def _start_warm_ups(specs: list[AnalysisSpec]) -> None:
    """Let later analyses compile their kernels in the background while earlier ones run; a
    failure there is ignored (the analysis compiles when it runs)."""
    import threading

    def run(fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception:  # noqa: BLE001 - warming up is only an optimisation
            pass

    for spec in specs:
        if spec.warm_up is not None:
            threading.Thread(target=run, args=(spec.warm_up,), daemon=True).start()


def names_setting(value: Any, known: Sequence[str], what: str) -> tuple[str, ...]:
    """A list setting of names (a comma-separated string from ``--set`` or a list), each known."""
    names = tuple(n.strip() for n in value.split(",")) if isinstance(value, str) else tuple(value)
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ValueError(f"unknown {what} {', '.join(unknown) or '(none)'}; {what}s: {', '.join(known)}")
    return names


class AnalysisOptionError(MultitrackError):
    """An analysis name or setting that does not exist or has a bad value."""


def make_config(spec: AnalysisSpec, options: dict[str, Any] | None) -> Any:
    """The analysis's config model built from plain options (None when it takes none)."""
    run_level = sorted({"draws", "seed"} & set(options or {}))
    if run_level:
        raise AnalysisOptionError(f"{spec.name}.{run_level[0]}: draws and seed belong to the whole run, "
                                  "not to one analysis: use --draws/--seed (analyze(draws=, seed=))")
    if spec.config is None:
        if options:
            raise AnalysisOptionError(f"analysis {spec.name!r} takes no settings")
        return None
    try:
        return spec.config.model_validate(options or {})
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise AnalysisOptionError(f"{spec.name}.{where}: {err['msg']}") from None


def kernels_cached(package: Path) -> bool:
    """Whether numba's on-disk cache holds every cached kernel of the modules in ``package`` (a
    folder), newer than their source: per module, as many index files (``.nbi``) at least as new
    as the module as it has ``cache=True`` kernels. False where numba keeps its cache elsewhere
    (``NUMBA_CACHE_DIR``) or a folder cannot be read: then the kernels are compiled ahead."""
    import os

    if os.environ.get("NUMBA_CACHE_DIR"):
        return False
    try:
        for source in package.glob("*.py"):
            kernels = source.read_text(encoding="utf-8").count("cache=True")
            if kernels:
                made = source.stat().st_mtime
                index = [f for f in (package / "__pycache__").glob(f"{source.stem}.*.nbi")
                         if f.stat().st_mtime >= made]
                if len(index) < kernels:
                    return False
    except (OSError, ValueError):  # unreadable, or not text
        return False
    return True


def _cached_ahead(spec: AnalysisSpec) -> bool:
    """Whether the kernels of ``spec``'s package (the folder of the module its function is in)
    are all in numba's cache; False where that module has no file."""
    import sys

    module = sys.modules.get(getattr(spec.run, "__module__", "") or "")
    where = getattr(module, "__file__", None)
    return bool(where) and kernels_cached(Path(str(where)).parent)


def _start_compiler(specs: list[AnalysisSpec]) -> tuple[Any, set[str]]:
    """A background process (``python -m multitrack.warm``) that compiles the kernels of the
    analyses marked ``compile_ahead``, unless numba's cache already holds them (then loading them
    here takes a fraction of a second, less than the process takes to start); returns it and the
    names it covers."""
    import subprocess
    import sys

    names = [s.name for s in specs if s.warm_up is not None and s.compile_ahead and not _cached_ahead(s)]
    if not names:
        return None, set()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "multitrack.warm", *names],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None, set()
    return proc, set(names)


def run_all(scenario: Scenario, *, only: list[str] | None = None,
            options: dict[str, dict[str, Any]] | None = None,
            progress: ProgressCallback | None = None, executor: Any = None,
            checkpoint: Callable[[str], Any] | None = None,
            precompile: bool = False, draws: int | None = None, seed: int | None = None,
            settlement: Settlement | None = None) -> dict[str, AnalysisResult]:
    """Run every available analysis (or those named in ``only``) on ``scenario``; ``options``
    holds settings per analysis name (validated by each analysis's config model); Monte Carlo
    analyses run their chunks on ``executor`` (default: in this process) and keep finished
    chunks in ``checkpoint(fingerprint)`` when given. Every analysis that samples reads the
    run's one set of draws: ``draws`` draws from ``seed`` (defaults:
    :data:`multitrack.settlement.DEFAULT_DRAWS` and ``DEFAULT_SEED``), or ``settlement``."""
    settlement = settlement if settlement is not None else run_settlement(scenario, draws, seed)
    if settlement.scenario is not scenario:
        raise AnalysisOptionError("the settlement given was built from another scenario")
    specs = available()
    names = {s.name for s in specs}
    unknown = sorted(set(only or ()) - names) + sorted(set(options or {}) - names)
    if unknown:
        raise AnalysisOptionError(f"unknown analysis: {', '.join(unknown)} "
                                  f"(known: {', '.join(sorted(names))})")
    if only is not None:
        specs = [s for s in specs if s.name in only]
    specs = [s for s in specs if s.applies is None or s.applies(scenario)]
    configs = {spec.name: make_config(spec, (options or {}).get(spec.name)) for spec in specs}
    compiler, compiled_there = _start_compiler(specs) if precompile else (None, set())
    _start_warm_ups([s for s in specs[1:] if s.name not in compiled_there])
    try:
        return _run_specs(scenario, specs, configs, progress, executor, checkpoint, compiler, compiled_there,
                          settlement)
    finally:
        if compiler is not None and compiler.poll() is None:
            compiler.kill()


class _Compiled:
    """The analyses the compiler process has reported (their kernels are cached), read from its
    lines by a thread, so a run can ask without waiting and wait only when it must."""

    def __init__(self, compiler: Any) -> None:
        import threading

        self.names: set[str] = set()
        self.ended = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(compiler,), daemon=True).start()

    def _read(self, compiler: Any) -> None:
        try:
            for line in compiler.stdout:
                with self._changed:
                    self.names.add(line.strip())
                    self._changed.notify_all()
        finally:
            with self._changed:
                self.ended = True
                self._changed.notify_all()

    def ready(self, name: str) -> bool:
        with self._changed:
            return self.ended or name in self.names

    def wait_for(self, name: str) -> None:
        """Until the compiler reports ``name`` (or ends)."""
        with self._changed:
            self._changed.wait_for(lambda: self.ended or name in self.names)


def _next_spec(pending: list[AnalysisSpec], compiled: _Compiled | None,
               compiled_there: set[str]) -> AnalysisSpec:
    """The next analysis to run: the first in run order whose upstream analyses have run and whose
    kernels are not still being compiled by the compiler process; when every one waits on it, the
    first (which then waits). Results do not depend on the order: an analysis reads only the
    scenario, the run's settlement and the results of those it ``uses``."""
    waiting = {s.name for s in pending}
    for spec in pending:
        if any(u in waiting for u in spec.uses):
            continue
        if compiled is None or spec.name not in compiled_there or compiled.ready(spec.name):
            return spec
    return pending[0]


def run_settlement(scenario: Scenario, draws: int | None = None, seed: int | None = None,
                   chunk_size: int | None = None) -> Settlement:
    """The run's settlement; a bad number of draws or seed is an option error (one line). A
    scenario with no uncertain input evaluates once (one draw: every result is structural)."""
    try:
        return Settlement.from_scenario(scenario, draws=draws, seed=seed, chunk_size=chunk_size,
                                        once_if_certain=True)
    except ValueError as exc:
        raise AnalysisOptionError(str(exc)) from None


def _run_specs(scenario, specs, configs, progress, executor, checkpoint, compiler, compiled_there,
               settlement):
    results: dict[str, AnalysisResult] = {}
    compiled = _Compiled(compiler) if compiler is not None else None
    pending = run_order(specs)
    while pending:  # an analysis whose kernels are still compiling runs after the others
        spec = _next_spec(pending, compiled, compiled_there)
        pending.remove(spec)
        if compiled is not None and spec.name in compiled_there:
            compiled.wait_for(spec.name)  # rather than compile the same kernels twice
        kwargs: dict[str, Any] = {"config": configs[spec.name]} if spec.config is not None else {}
        if spec.parallel:
            kwargs.update(executor=executor, checkpoint=checkpoint)
        if spec.uses:
            kwargs["upstream"] = {name: results[name] for name in spec.uses if name in results}
        if "settlement" in spec.reads:
            kwargs["settlement"] = settlement
        results[spec.name] = spec.run(scenario, progress=progress, **kwargs)
    return {spec.name: results[spec.name] for spec in specs}  # in report order


def run_order(specs: list[AnalysisSpec]) -> list[AnalysisSpec]:
    """``specs`` in report order, except that an analysis runs after those it ``uses`` (the
    overview, shown first, reads the agreement space to give each track its verdict)."""
    pending, ordered, done = list(specs), [], set()
    present = {s.name for s in specs}
    while pending:
        ready = next((s for s in pending if all(u in done or u not in present for u in s.uses)), pending[0])
        pending.remove(ready)
        ordered.append(ready)
        done.add(ready.name)
    return ordered
