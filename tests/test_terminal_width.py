"""The terminal's tables are designed for 80 columns (issue 22): `show` and every analysis's
renderer print no line wider than the terminal, cut no cell short (rich's "…") and lose no
character: what a very wide terminal shows, an 80-column one shows too, only wrapped.

"Lost characters" compares the characters of the output (less whitespace and box drawing) at 80
or 120 columns with those at 2,000 columns; wrapping and folding only move characters, while a
cut cell or a column cropped off the right edge loses them. Before the redesign `show
european-security` cut 754 cells at 80 columns and lost 5,633 characters.
"""

from __future__ import annotations

import io
from collections import Counter

import pytest
from rich.cells import cell_len
from rich.console import Console

import multitrack
from multitrack.cli import terminal

WIDTHS = (80, 120)


def _console(width: int) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=width, emoji=False, highlight=False, color_system=None), buf


def render_show(scenario, width: int) -> str:
    console, buf = _console(width)
    terminal.show_scenario(console, scenario)
    return buf.getvalue()


def render_results(scenario, results, width: int) -> str:
    console, buf = _console(width)
    for name, result in results.items():
        terminal.show_result(console, name, result, scenario)
    return buf.getvalue()


def _chars(text: str) -> Counter:
    return Counter(c for c in text if not c.isspace() and not "\u2500" <= c <= "\u257f" and c != "…")


def _flat(text: str) -> str:
    """The text without whitespace and box drawing: what wrapping inside a table cell cannot change."""
    return "".join(c for c in text if not c.isspace() and not "\u2500" <= c <= "\u257f")


def lost_characters(narrow: str, wide: str) -> Counter:
    """The characters the wide output shows and the narrow one does not."""
    return _chars(wide) - _chars(narrow)


def assert_fits(render, width: int) -> None:
    text = render(width)
    lines = text.splitlines()
    too_wide = [line for line in lines if cell_len(line) > width]
    assert not too_wide, f"{len(too_wide)} lines wider than {width}: {too_wide[:3]}"
    cut = [line for line in lines if "…" in line]
    assert not cut, f"{len(cut)} lines with a cell cut short at {width} columns: {cut[:3]}"
    lost = lost_characters(text, render(2000))
    assert not lost, f"{sum(lost.values())} characters lost at {width} columns: {dict(lost.most_common(10))}"


@pytest.fixture(scope="module")
def european():
    return multitrack.load("european-security")


@pytest.fixture(scope="module")
def european_results(european):
    return multitrack.analyze(european, draws=40, seed=5)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["european-security", "border-talks"])
def test_show_fits_the_terminal(name, width):
    scenario = multitrack.load(name)
    assert_fits(lambda w: render_show(scenario, w), width)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_analysis_fits_the_terminal(european, european_results, width):
    assert_fits(lambda w: render_results(european, european_results, w), width)


def test_show_lists_every_stance_with_its_party(european):
    """The track tables give each participant's stance on its own line, named and marked when it
    holds a veto, rather than a column per participant that cannot fit 80 columns."""
    text = render_show(european, 80)
    flat = " ".join(text.split())
    assert "Russia (veto): prefers" in flat
    track = next(t for t in european.tracks if len(t.participants) >= 8)
    section = text[text.index(track.title):]
    section = section[:section.index("decision rule:")]
    for actor in track.participants:
        name = next(a.name for a in european.actors if a.id == actor)
        assert name.split()[0] in section, name


def test_ids_are_folded_never_cut():
    """A 64-character issue id (the longest a scenario allows) prints whole in the agreement table's
    compromise, folded over lines (it was cut to "russia-signal=s…")."""
    from multitrack.scenario.model import Scenario

    scenario = multitrack.load("border-talks")
    long_id = "i" + "-very-long-issue-identifier" * 2 + "x" * 9
    assert len(long_id) == 64
    data = scenario.model_dump(mode="json", exclude_none=True, by_alias=True)
    data["tracks"][0]["issues"][0]["id"] = long_id
    scenario = Scenario.model_validate(data)
    results = multitrack.analyze(scenario, draws=20, seed=1, only=["agreement"])
    text = render_results(scenario, results, 80)
    compromise = "".join(line.split("│")[3].strip() for line in text.splitlines() if line.startswith("│"))
    assert long_id in compromise
    assert "…" not in text


def test_number_columns_keep_every_digit():
    """A number column is as wide as its longest number, however narrow the terminal."""
    from rich.text import Text

    table = terminal._table("t")
    terminal._text_column(table, "words")
    for header in ("first number", "second number", "third"):
        terminal._number_column(table, header)
    for k in range(3):
        table.add_row(Text("a long sentence that wraps " * 3), "1,234,567.89", f"-0.00{k}", "100%*")
    console, buf = _console(60)
    console.print(table)
    text = buf.getvalue()
    assert "1,234,567.89" in text and "-0.002" in text and "100%*" in text
    assert all(cell_len(line) <= 60 for line in text.splitlines())
