"""Scenario text with square brackets, rich markup, HTML, control characters and escape sequences,
unicode and the longest ids, through every renderer (issue 22).

The scenarios are `multitrack init`'s starter with its title, actor names, track and issue titles
and ids replaced. The properties:

- terminal (`show` and every analysis's renderer): never raises; prints no control character
  (an ESC reaching the terminal could recolour or retitle it) but shows each by its escape;
  keeps the text as written ("[draft]" is not eaten as markup); cuts nothing at 80 columns;
- JSON (results.json): the document round-trips, and the title comes back exactly;
- HTML report: no tag of the text reaches the page unescaped;
- Markdown report: rendered by markdown-it-py (CommonMark, raw HTML allowed), no script or
  event handler from a name reaches the page.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from rich.cells import cell_len
from rich.console import Console
from ruamel.yaml import YAML

import multitrack
from multitrack.cli import terminal
from multitrack.cli.starter import starter_text
from multitrack.scenario.model import Scenario

BASE = YAML(typ="safe").load(starter_text("fuzz"))

#: Pieces that have broken, or could break, a renderer.
PIECES = ["[/]", "[bold]", "[draft]", "[/bold]", "[link=https://example.org]", "\\", "[", "]", "\x1b[31m",
          "\x1b]0;owned\x07", "\x1b[2J", "\r", "\x00", "\x08", "\x7f", "\x9b", "\u202e", "\u2028", "\t",
          "\n", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&amp;", "\"", "'", "`",
          "*", "_", "|", "#", "é", "中文", "😀", "\u0301", " "]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(st.characters(exclude_categories=["Cs"],
                                                                         exclude_characters="…"),
                                                          max_size=6)),
                min_size=1, max_size=8).map("".join)
IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,63}", fullmatch=True)
FUZZ = settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

#: What a terminal acts on rather than shows (as in the terminal renderer).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


#: Validation refuses control characters (issue 23), yet a renderer must still never send one to the
#: terminal (a scenario made in Python with ``model_copy`` can hold them): the texts are validated
#: with private-use stand-ins (plane 15) and the control characters put back in the model after.
_STAND_IN = {c: 0xF0000 + c for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"}
_PUT_BACK = {v: k for k, v in _STAND_IN.items()}


def _put_back(node):
    if type(node) is str:
        return node.translate(_PUT_BACK)
    if isinstance(node, BaseModel):
        return node.model_copy(update={k: _put_back(v) for k, v in node.__dict__.items()})
    if isinstance(node, (list, tuple)):
        return type(node)(_put_back(v) for v in node)
    if isinstance(node, dict):
        return {_put_back(k): _put_back(v) for k, v in node.items()}
    return node


def scenario_with(text: str, ident: str = "first-track") -> Scenario:
    """The starter with ``text`` in its title, names and titles, and ``ident`` as its track's id and
    (with a suffix kept within 64 characters) its first issue's id."""
    text = text.translate(_STAND_IN)
    data = json.loads(json.dumps(BASE))
    data["title"] = f"Title {text}"
    for k, actor in enumerate(data["actors"]):
        actor["name"] = f"Party {k} {text}"
    track = data["tracks"][0]
    track["title"] = f"Track {text}"
    track["id"] = ident
    track["issues"][0]["id"] = ident[:62] + "-i"
    for issue in track["issues"]:
        issue["title"] = f"Issue {text}"
    return _put_back(Scenario.model_validate(data))


def terminal_text(scenario: Scenario, results: dict, width: int = 80) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, emoji=False, highlight=False, color_system=None)
    terminal.show_scenario(console, scenario)
    for name, result in results.items():
        terminal.show_result(console, name, result, scenario)
    return buf.getvalue()


def _flat(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


def check_terminal(scenario: Scenario, results: dict) -> None:
    text = terminal_text(scenario, results)
    assert not CONTROL.search(text), repr(CONTROL.search(text))
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    assert "…" not in text
    # the title is printed first, on lines of its own: as written, but for the escaped controls
    assert _flat(terminal.visible(scenario.title)) in _flat(text)
    for actor in scenario.actors:  # names in table cells: every character kept
        name = _flat(terminal.visible(actor.name))
        flat = _flat(text)
        assert all(flat.count(c) >= name.count(c) for c in set(name)), actor.name


def check_json(scenario: Scenario, results: dict) -> None:
    from multitrack.results import results_document

    doc = results_document(scenario, results)
    back = json.loads(json.dumps(doc, ensure_ascii=False, allow_nan=False))
    assert back == doc
    assert back["scenario"]["title"] == scenario.title


def check_html(scenario: Scenario, results: dict) -> None:
    from multitrack.report import render_html

    page = render_html(scenario, results)
    for tag in ("<script>alert(1)", "<img src=x onerror"):
        assert tag not in page, tag


def _elements(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag of an HTML page with its attributes, as a browser's parser reads them."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(page)
    return found


def check_markdown(scenario: Scenario, results: dict) -> None:
    """The Markdown report, rendered by a standard CommonMark renderer, runs nothing a name holds
    (the escaping's own cases are in tests/test_markdown_escape.py)."""
    from markdown_it import MarkdownIt

    from multitrack.report.markdown import render_markdown

    text, _ = render_markdown(scenario, results)
    assert "Title" in text
    page = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    # the elements and attributes the page really has (the same words escaped as text or inside an
    # attribute's quoted value are harmless)
    tags = _elements(page)
    assert not any(tag == "script" for tag, _ in tags)
    assert not any(name.startswith("on") for _, attrs in tags for name, _ in attrs)
    assert not any(tag == "img" and dict(attrs).get("src") == "x" for tag, attrs in tags)


def every_renderer(scenario: Scenario) -> None:
    results = multitrack.analyze(scenario, draws=20, seed=1)
    check_terminal(scenario, results)
    check_json(scenario, results)
    check_html(scenario, results)
    check_markdown(scenario, results)


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # matplotlib's figures in Markdown
@given(text=TEXT, ident=IDS)
@example(text="Border security [draft]", ident="first-track")
@example(text="[/]", ident="t" * 64)
@example(text="\x1b[31mred\x1b[0m [bold]x[/bold] <script>alert(1)</script>", ident="a-b_c")
@FUZZ
def test_scenario_text_through_every_renderer(text, ident):
    every_renderer(scenario_with(text, ident))


# ---- the cases of issue 22, one by one (each failed before) ----------------------------------------

def _show(scenario: Scenario, width: int = 200) -> str:
    buf = io.StringIO()
    terminal.show_scenario(Console(file=buf, width=width, color_system=None), scenario)
    return buf.getvalue()


def test_closing_tag_in_a_name_does_not_crash_show():
    assert "Party 0 a [/] b" in _show(scenario_with("a [/] b"))


def test_brackets_in_a_title_are_kept():
    text = _show(scenario_with("Border security [draft]"))
    assert "Title Border security [draft]" in text
    assert "Track Border security [draft]" in text
    assert "Party 1 Border security [draft]" in text


def test_escape_sequences_are_shown_not_sent():
    text = _show(scenario_with("\x1b[31mred\x1b]0;owned\x07"))
    assert "\x1b" not in text and "\x07" not in text
    assert "Title \\x1b[31mred\\x1b]0;owned\\x07" in text


@pytest.mark.parametrize("raw, shown", [("a\x1bb", "a\\x1bb"), ("tab\tand\nnewline", "tab\tand\nnewline"),
                                        ("\x00\x7f\x9b", "\\x00\\x7f\\x9b"), ("\u202eevil", "\\u202eevil"),
                                        ("[b]x[/b]", "[b]x[/b]"), ("é中文😀", "é中文😀")])
def test_visible(raw, shown):
    assert terminal.visible(raw) == shown
