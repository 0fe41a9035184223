"""docs/adding-an-analysis.md works as written: its modules, run as they stand, register the
"stakes" analysis; analyze, the report, Markdown, the terminal and results.json then carry it,
and the page's example session gives what it shows. The analysis is unregistered afterwards."""

from __future__ import annotations

import doctest
import json
import re
import sys
import types
from pathlib import Path

import pytest
from rich.console import Console

import multitrack
from multitrack import analysis as registry
from multitrack.report import sections

DOC = Path(__file__).resolve().parents[1] / "docs" / "adding-an-analysis.md"
MODULES = {"src/multitrack/stakes/analysis.py": "multitrack.stakes.analysis",
           "src/multitrack/stakes/__init__.py": "multitrack.stakes",
           "src/multitrack/report/stakes_section.py": "multitrack.report.stakes_section"}


def code_blocks() -> dict[str, str]:
    """The page's Python blocks, by the file heading above each (``session`` for the >>> one)."""
    text = DOC.read_text(encoding="utf-8")
    out = {}
    for heading, body in re.findall(r"### `?([^`\n]+)`?\n+```python\n(.*?)```", text, re.S):
        out["session" if body.startswith(">>>") else heading] = body
    return out


@pytest.fixture
def stakes_registered():
    """The page's three modules, loaded under their names as if they were in the package."""
    blocks = code_blocks()
    assert set(MODULES) <= set(blocks)
    loaded = []
    try:
        for path in ("src/multitrack/stakes/analysis.py", "src/multitrack/stakes/__init__.py",
                     "src/multitrack/report/stakes_section.py"):
            module = types.ModuleType(MODULES[path])
            module.__file__ = path
            sys.modules[module.__name__] = module
            loaded.append(module.__name__)
            exec(compile(blocks[path], path, "exec"), module.__dict__)  # noqa: S102 - the page's own code
        yield blocks
    finally:
        for name in loaded:
            sys.modules.pop(name, None)
        registry._REGISTRY.pop("stakes", None)
        for cls in [c for c in sections._RENDERERS if c.__module__ == "multitrack.stakes.analysis"]:
            del sections._RENDERERS[cls]


def test_the_page_names_the_files_and_the_layer_test(stakes_registered):
    text = DOC.read_text(encoding="utf-8")
    for needed in ("@register", "section_renderer", "LAYERS", "tests/test_architecture.py", "to_frame()",
                   "reads=(\"settlement\",)", "uses=(\"agreement\",)", "multitrack.analyses"):
        assert needed in text


def test_the_example_runs_through_analyze_and_every_renderer(stakes_registered, tmp_path):
    from multitrack.cli import terminal
    from multitrack.report.files import write_report
    from multitrack.report.markdown import render_markdown

    assert "stakes" in {spec.name for spec in multitrack.analyses()}
    scenario = multitrack.load("border-talks")
    tasks = set()
    results = multitrack.analyze(scenario, only=["overview", "stakes"], progress=lambda e: tasks.add(e.task))
    assert list(results) == ["overview", "stakes"]  # order 5 sits after the overview (0)
    assert tasks == {"overview", "stakes"}
    border = results["stakes"].track("border")
    assert border.stakes == pytest.approx({"north": 0.4 + 0.6, "south": 0.7 + 0.3})
    paths = write_report(tmp_path, scenario, results)
    html = paths["html"].read_text(encoding="utf-8")
    assert 'id="analysis-stakes"' in html and "<h2>Stakes per track</h2>" in html
    assert "<table class='data' id='stakes'>" in html and "<td>Northland</td><td>1.00</td>" in html
    saved = json.loads(paths["json"].read_text(encoding="utf-8"))["analyses"]["stakes"]
    assert saved["tracks"][0] == {"track_id": "border", "stakes": {"north": 1.0, "south": 1.0}}
    text, _ = render_markdown(scenario, results)  # no Markdown renderer: the main table
    assert "## Stakes per track" in text and "| border | north | 1 |" in text
    console = Console(record=True, width=120, color_system=None)
    terminal.show_result(console, "stakes", results["stakes"], scenario)  # no terminal renderer either
    printed = console.export_text()
    assert printed.startswith("stakes") and "│ border │ north │ 1     │" in printed


def test_the_session_on_the_page_gives_what_it_shows(stakes_registered):
    session = stakes_registered["session"]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(session, {}, "adding-an-analysis.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
