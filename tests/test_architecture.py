"""The layers of multitrack: every import of every module under src/multitrack points down (or
sideways inside a layer), and no import cycle exists, between modules or between packages.

The order is the one CONTRIBUTING.md documents ("Layers"); a package or top-level module that
is not in LAYERS fails the test, so a new one has to be placed (and documented) first. Imports
inside functions and under ``TYPE_CHECKING`` count like any other: an arrow is an arrow.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "multitrack"

#: Lowest first. A unit is a subpackage or top-level module of multitrack; "multitrack" is the
#: package's own __init__ (the public interface: load, analyze, register ...).
LAYERS: list[tuple[str, set[str]]] = [
    ("foundation", {"errors", "progress", "_version", "datasets"}),
    ("results", {"results"}),
    ("montecarlo", {"montecarlo"}),
    ("scenario", {"scenario"}),
    ("settlement", {"settlement"}),
    ("registry", {"analysis", "budget"}),
    ("analyses", {"space", "process", "forecast", "stability", "negotiation", "deterrence", "escalation",
                  "selfdetermination", "calibration", "capability", "overview", "factors", "consistency",
                  "hinges", "proposals", "questions", "brief"}),
    ("interface", {ROOT}),
    ("records and converters", {"interop", "store"}),
    ("report", {"report", "compare"}),
    ("front ends", {"cli", "web", "warm", "__main__"}),
]


def modules(src: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    out = {}
    for path in sorted((src / ROOT).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of the package that module ``name`` imports, anywhere in its text."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # ``from . import x`` imports the module x where there is one
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {t for t in out if t == ROOT or t.startswith(ROOT + ".")}


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    found = modules(src)
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def layer_of(u: str) -> int:
    for k, (_, units) in enumerate(LAYERS):
        if u in units:
            return k
    raise KeyError(u)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a module by one in a lower layer, as 'a -> b (layer -> layer)' (modules of
    a package without a layer are left to test_every_package_and_module_has_a_layer)."""
    placed = set().union(*(u for _, u in LAYERS))
    out = []
    for a, targets in sorted(graph.items()):
        for b in sorted(targets):
            if unit(a) not in placed or unit(b) not in placed:
                continue
            la, lb = layer_of(unit(a)), layer_of(unit(b))
            if la < lb:
                out.append(f"{a} -> {b} ({LAYERS[la][0]} imports {LAYERS[lb][0]})")
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def unit_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, targets in graph.items():
        out[unit(a)].update(unit(b) for b in targets if unit(b) != unit(a))
    return dict(out)


# --------------------------------------------------------------------------- the package itself


def test_every_package_and_module_has_a_layer():
    units = {unit(m) for m in modules()}
    placed = set().union(*(u for _, u in LAYERS))
    assert units - placed == set(), "place these in LAYERS (and in CONTRIBUTING.md)"
    assert sum(len(u) for _, u in LAYERS) == len(placed), "a unit is in two layers"


def test_no_module_imports_a_higher_layer():
    assert upward_imports(import_graph()) == []


def test_no_import_cycle_between_modules():
    assert cycles(import_graph()) == []


def test_no_import_cycle_between_packages():
    assert cycles(unit_graph(import_graph())) == []


def test_contributing_lists_the_layers_in_this_order():
    text = (SRC.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if re.match(r"\| *\d+ *\|", line)]
    documented = [(cells[1], set(re.findall(r"`([\w.]+)`", cells[2])))
                  for cells in ([c.strip() for c in row.strip("|").split("|")] for row in rows)]
    expected = [(name, {u if u == ROOT else f"{ROOT}.{u}" for u in units}) for name, units in LAYERS]
    assert documented == expected


# --------------------------------------------------------------------------- the checks can fail


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_an_upward_import_inside_a_function_is_found(tmp_path):
    src = _package(tmp_path, {
        "__init__.py": "", "scenario/__init__.py": "", "report/__init__.py": "",
        "scenario/model.py": "def f():\n    from ..report import html\n",
        "report/html.py": "from ..scenario.model import f\n",
    })
    graph = import_graph(src)
    assert upward_imports(graph) == [
        "multitrack.scenario.model -> multitrack.report.html (scenario imports report)"]
    assert cycles(graph) == [["multitrack.report.html", "multitrack.scenario.model"]]


def test_a_cycle_inside_one_layer_is_found(tmp_path):
    src = _package(tmp_path, {
        "__init__.py": "", "space/__init__.py": "from .agreement import run\n",
        "space/agreement.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import run\n"
                              "from ..process import kernel\nrun = 1\n",
        "process/__init__.py": "", "process/kernel.py": "from multitrack.space.agreement import run\n",
    })
    graph = import_graph(src)
    assert upward_imports(graph) == []
    assert cycles(graph) == [["multitrack.process.kernel", "multitrack.space", "multitrack.space.agreement"]]
    assert cycles(unit_graph(graph)) == [["process", "space"]]


@pytest.mark.parametrize("arrow", ["multitrack.store.registry -> multitrack.report.files",
                                   "multitrack.negotiation.domain -> multitrack.interop",
                                   "multitrack.scenario.conflicts -> multitrack.stability.from_scenario"])
def test_the_arrows_issue_15_removed_would_be_refused(arrow):
    a, b = arrow.split(" -> ")
    assert upward_imports({a: {b}}) != []
