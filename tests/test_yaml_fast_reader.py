"""The fast YAML reader (libyaml's events) against the reference reader (ruamel.yaml, pure Python,
the reader multitrack used before issue 20): the same values, types and positions on every
file the project ships and on tricky scalars, and the same one-line messages on bad input.
Generated documents check the property that matters: whatever the fast reader accepts, the
reference accepts with the same values and positions. Anything else goes to the reference.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multitrack.errors import ScenarioError
from multitrack.scenario import yaml_source
from multitrack.scenario.yaml_source import read_yaml, read_yaml_reference

ROOT = Path(__file__).resolve().parents[1]


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, in the same key order (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def outcome(read: Any, text: str) -> tuple:
    """("ok", values, value positions, key positions), ("error", message lines) or ("crash", ...)."""
    try:
        doc = read(text, "f.yaml")
    except ScenarioError as exc:
        return ("error", exc.lines())
    except Exception as exc:  # noqa: BLE001 - compared, then reported by the assertion
        return ("crash", type(exc).__name__, str(exc))
    return ("ok", doc.data, doc.source_map.values, doc.source_map.keys)


def fast(text: str) -> tuple | None:
    """The fast reader's outcome, or None where it leaves the text to the reference."""
    try:
        doc = yaml_source._read_fast(text, "f.yaml")
    except Exception:  # noqa: BLE001 - read_yaml treats every exception (its own errors too) the same way
        return None
    return ("ok", doc.data, doc.source_map.values, doc.source_map.keys)


def agree(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and all(same(x, y) for x, y in zip(a[1:], b[1:], strict=True))


def project_files() -> list[Path]:
    package = Path(str(resources.files("multitrack")))
    files = sorted(package.rglob("*.yaml")) + sorted((ROOT / "docs").glob("*.yaml"))
    return files + sorted((ROOT / "tests" / "broken").glob("*.yaml"))


@pytest.mark.parametrize("path", project_files(), ids=lambda p: p.name)
def test_project_files_read_the_same(path: Path) -> None:
    """Built-in scenarios, the starter, the self-determination cases, the docs' example and every
    broken test file: identical outcome, errors included."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before any YAML reader runs")
    assert agree(outcome(read_yaml, text), outcome(read_yaml_reference, text))


@pytest.mark.parametrize("name", ["european-security", "border-talks"])
def test_builtin_scenarios_take_the_fast_path(name: str) -> None:
    """The speed-up is real: the shipped scenarios are read by libyaml, not handed back."""
    text = (resources.files("multitrack.scenario.builtin") / f"{name}.yaml").read_text(encoding="utf-8")
    got = fast(text)
    assert got is not None and got[0] == "ok"
    assert agree(got, outcome(read_yaml_reference, text))


#: Scalars whose reading differs between YAML 1.1 (PyYAML's own resolver) and YAML 1.2
#: (ruamel, the rules multitrack reads by), with the value multitrack reads, worked by hand.
TRICKY = [
    ("on", "on"), ("off", "off"), ("yes", "yes"), ("no", "no"), ("y", "y"), ("NO", "NO"),
    ("True", True), ("FALSE", False), ("017", 17), ("0o17", 15), ("0x1F", 31), ("0b101", 5),
    ("1_000", 1000), ("1__0", 10), ("_1", "_1"), ("+1", 1), ("-0", 0), ("09", 9), ("0o8", "0o8"),
    ("1e3", 1000.0), ("1.0e+3", 1000.0), ("1.e3", 1000.0), ("0.", 0.0), (".5", 0.5), (".5e3", ".5e3"),
    ("1e-3", 0.001), ("-.inf", -math.inf), (".inf", math.inf), (".NaN", math.nan), ("NaN", "NaN"),
    ("2024-01-31", "2024-01-31"), ("2024-01-31T10:20:30Z", "2024-01-31T10:20:30Z"),
    ("12:30", "12:30"), ("1:20:30", "1:20:30"), ("~", None), ("null", None), ("Null", None),
    ("''", ""), ('""', ""), ("!!int 12", 12), ("!!float 1", 1.0), ("!!str 12", "12"),
    ("!!bool true", True), ("! 12", 12), ("!!timestamp 2024-01-01", "2024-01-01"), ("!!null ''", None),
    ('"\\u00e9 \\x41 \\/ \\N"', "é A / \x85"), ("'it''s'", "it's"), ("a#b", "a#b"), ("a #b", "a"),
]


@pytest.mark.parametrize(("scalar", "value"), TRICKY, ids=[s for s, _ in TRICKY])
def test_tricky_scalars(scalar: str, value: Any) -> None:
    flow = [] if "#" in scalar else [f"k: [{scalar}]\r\n"]  # a comment in a flow list leaves it open
    for text in [f"k: {scalar}\n", f"- {scalar}\n", *flow, f"---\nk:\n  - x\n  - {scalar}\n"]:
        reference = outcome(read_yaml_reference, text)
        got = fast(text)
        assert got is not None, text  # the fast reader takes all of these
        assert agree(got, reference), (text, got, reference)
        assert agree(outcome(read_yaml, text), reference)
    assert same(read_yaml(f"k: {scalar}\n").data["k"], value)


BAD = [
    "k: [1, 2\n", "k: 1\nk: 2\n", "k: !!python/object:os.system x\n", "a: &x {b: 1}\nc:\n  <<: *x\n",
    "a: 1\n---\nb: 2\n", "", "# only a comment\n", "k: \"\\ud800\"\n", "k: *nowhere\n",
    "k: <<\n", "k: =\n", "k: !!int abc\n", "k: !!float x\n", "[" * 2000 + "]" * 2000,
    "a: &a [*a, *a]\n", "k:\tv\n", "%YAML 1.1\n---\nk: on\n", "k: >#\n  x\n", "? [a]\n: b\n",
    "k: {a: 1, a: 2}\n", "- a\nb: c\n", "k: 'unterminated\n", "k: |\n  a\n b\n",
    'k: "\\ud83d\\ude00"\n', '"\\udc00": 1\n', 'k: "\\U0000d800"\n', "k: \ud800\n", "\ud800: 1\n",
    "a:\n" + "  " * 150 + "b: 1\n",
    "".join("  " * i + f"k{i}:\n" for i in range(150)) + "  " * 150 + "x: 1\n",
    "[" * 120 + "1" + "]" * 120, "[" * 99 + "1" + "]" * 99,
]


@pytest.mark.parametrize("text", BAD, ids=range(len(BAD)))
def test_bad_input_gives_the_reference_message(text: str) -> None:
    """Every error (and the odd text the fast reader leaves) is the reference reader's, word for word."""
    assert agree(outcome(read_yaml, text), outcome(read_yaml_reference, text))


@pytest.mark.parametrize(("text", "message"), [
    ("k: !!int ''\n", "f.yaml:1:4: k: cannot read value '' as tag:yaml.org,2002:int"),
    ("k: !!bool maybe\n", "f.yaml:1:4: k: cannot read value 'maybe' as tag:yaml.org,2002:bool"),
])
def test_unreadable_tagged_value_is_one_line(text: str, message: str) -> None:
    """A tagged value ruamel's constructor trips on (an IndexError or KeyError inside it, a
    traceback before) is one located line, from both readers."""
    assert outcome(read_yaml, text) == outcome(read_yaml_reference, text) == ("error", [message])


def test_version_directive_keeps_yaml_1_1() -> None:
    """``%YAML 1.1`` makes ruamel read ``on`` as true: such a text never takes the fast path."""
    text = "%YAML 1.1\n---\nk: on\n"
    assert fast(text) is None
    assert read_yaml(text).data == read_yaml_reference(text).data == {"k": True}


SCALARS = st.sampled_from([s for s, _ in TRICKY] + ["a: b", "x:", "- x", "? x", "&a x", "*a", "'a: b'", "é",
                                                    "日本", "😀", "[1, 2]", "{x: 1}", "[]", "{}", "<<"])
KEYS = st.sampled_from(["a", "b", "on", "1", "0x1", "k y", "é", "2024-01-01", "null", "'q'", "true", "x:"])


@st.composite
def documents(draw: Any) -> str:
    """A block document: mappings and lists in block and flow style, holding tricky scalars."""
    def value(indent: int, level: int) -> str:
        choice = draw(st.integers(0, 9)) if level < 3 else 0
        pad = " " * indent
        if choice <= 5:
            return draw(SCALARS)
        if choice == 6:
            return "[" + ", ".join(draw(st.lists(SCALARS, max_size=3))) + "]"
        if choice <= 8:
            items = draw(st.lists(st.just(0), min_size=1, max_size=3))
            return "\n" + "\n".join(f"{pad}- {value(indent + 2, level + 1)}" for _ in items)
        keys = draw(st.lists(KEYS, min_size=1, max_size=3))
        return "\n" + "\n".join(f"{pad}{k}: {value(indent + 2, level + 1)}" for k in keys)

    keys = draw(st.lists(KEYS, min_size=1, max_size=4))
    text = "\n".join(f"{k}: {value(2, 0)}" for k in keys)
    ending = draw(st.sampled_from(["", "\n", "  # comment\n"]))
    text = text + ending
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


#: Characters that steer YAML's syntax, plus a few that libyaml and ruamel read differently.
RAW = st.lists(st.sampled_from(list("ab1:-#'\"[]{},&*!|>?%@`\n  \t\r\\.~=<_é+") + [
    "\u2028", "\x85", "\ufeff", "on", "0x", "- ", ": ", "\n  ", "!!int ", "&a ", "*a", "---", "...",
    "\\u00e9", "\\ud800", "😀"]), max_size=30).map("".join)


def check(text: str) -> None:
    reference = outcome(read_yaml_reference, text)
    got = fast(text)
    if got is not None:  # the property: what the fast reader accepts reads the same
        assert reference[0] == "ok" and agree(got, reference), (text, got, reference)
    assert agree(outcome(read_yaml, text), reference)


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_read_the_same(text: str) -> None:
    check(text)


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RAW)
def test_random_text_reads_the_same(text: str) -> None:
    check(text)
    check("k: " + text)
