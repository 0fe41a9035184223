"""Property-based tests: however a scenario file is mangled, loading it either gives a Scenario
or raises ScenarioError with a one-line message that names the file. Never anything else.

Mutations start from the built-in border-talks.yaml, either on its text (lines, characters,
numbers, scalars) or on its parsed data (dropped keys, unknown keys, values of another type),
which is then dumped back to YAML with ruamel.yaml.
"""

from __future__ import annotations

import io
import json
import math
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from multitrack.errors import ScenarioError
from multitrack.scenario import Scenario, builtins, loads

FILE = "mutant.yaml"
BASE = builtins.text("border-talks")
LINES = BASE.splitlines(keepends=True)

FUZZ = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

#: Characters that split a line for ``str.splitlines`` (and for most readers of a terminal).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# ---- the property ----------------------------------------------------------------------------------

def _has_line_break(part: object) -> bool:
    return isinstance(part, str) and any(c in part for c in LINE_BREAKS)


def check_loads(text: str) -> None:
    """``loads`` gives a Scenario or a located one-line ScenarioError; any other exception fails."""
    note(f"text: {text!r}")
    try:
        result = loads(text, FILE)
    except ScenarioError as exc:
        message = str(exc)
        note(f"error: {message!r}")
        assert message.startswith(FILE), message
        assert exc.problems, "a ScenarioError without problems"
        first = exc.problems[0]
        assert len(message.splitlines()) == 1 and "\n" not in message, message
        if first.line is not None:
            breaks = sum(text.count(c) for c in "\n\r\x85\u2028\u2029")  # YAML 1.1 line breaks
            assert 1 <= first.line <= breaks + 1, (first.line, message)
        if first.column is not None:
            assert first.column >= 1, message
    else:
        assert isinstance(result, Scenario)


# ---- text mutations --------------------------------------------------------------------------------

SPECIAL = list(":[]{}-&*!\t'\"#|>%@`,?\\ \n") + ["\x00", "\x7f", "\u2028", "\ufeff", "é"]
SNIPPETS = [": ", "- ", "&a ", "*a", "*undefined", "!!str ", "!!python/object/apply:os.system [ls]",
            "!custom ", "{", "}", "[", "]", "<<: *a", "? ", "---\n", "...\n", "\t", "%YAML 1.2\n", "'",
            '"', "|\n", ">-\n", "~", "null", "true", "- &a [*a]", "{a: 1, a: 2}", "x: !!binary aGk=",
            "2026-01-01", "0o17", "0x1F", ".nan", "-.inf", "1e400", "#", " # comment", "\\u0000"]
position = st.integers(0, len(BASE))
line_index = st.integers(0, len(LINES) - 1)
random_text = st.one_of(st.text(max_size=30), st.sampled_from(SNIPPETS),
                        st.lists(st.sampled_from(SNIPPETS + SPECIAL), max_size=6).map("".join))


@st.composite
def delete_line(draw: st.DrawFn) -> str:
    i = draw(line_index)
    return "".join(LINES[:i] + LINES[i + 1:])


@st.composite
def duplicate_line(draw: st.DrawFn) -> str:
    i = draw(line_index)
    return "".join(LINES[: i + 1] + LINES[i:])


@st.composite
def swap_lines(draw: st.DrawFn) -> str:
    i, j = draw(line_index), draw(line_index)
    lines = list(LINES)
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


@st.composite
def replace_char(draw: st.DrawFn) -> str:
    i = draw(st.integers(0, len(BASE) - 1))
    ch = draw(st.one_of(st.sampled_from(SPECIAL), st.characters(exclude_categories=("Cs",))))
    return BASE[:i] + ch + BASE[i + 1:]


@st.composite
def insert_text(draw: st.DrawFn) -> str:
    i = draw(position)
    return BASE[:i] + draw(random_text) + BASE[i:]


@st.composite
def truncate(draw: st.DrawFn) -> str:
    return BASE[: draw(position)]


NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
NUMBERS = [m.span() for m in NUMBER.finditer(BASE)]


def _yaml_number(x: float | int) -> str:
    if isinstance(x, float) and math.isnan(x):
        return ".nan"
    if isinstance(x, float) and math.isinf(x):
        return ".inf" if x > 0 else "-.inf"
    return repr(x)


any_number = st.one_of(
    st.integers().map(_yaml_number),
    st.floats().map(_yaml_number),
    st.sampled_from([".nan", ".NaN", ".inf", "-.inf", "1e400", "-1e400", "1" + "0" * 400, "-" + "9" * 400,
                     "0", "-0", "-0.0", "1e-400", "0x1F", "0o17", "1_000", "+5", "5.", ".5", "1e3"]),
)


@st.composite
def change_number(draw: st.DrawFn) -> str:
    start, end = draw(st.sampled_from(NUMBERS))
    return BASE[:start] + draw(any_number) + BASE[end:]


#: Plain scalars in value position: after ``key: ``, after ``- ``, or inside a flow collection.
SCALAR = re.compile(r"(?:(?<=: )|(?<=- )|(?<=\[)|(?<=, )|(?<=\{))[A-Za-z0-9][\w .-]*?(?=[,\]}\n]|  +#|$)",
                    re.MULTILINE)
SCALARS = [m.span() for m in SCALAR.finditer(BASE)]


@st.composite
def replace_scalar(draw: st.DrawFn) -> str:
    start, end = draw(st.sampled_from(SCALARS))
    new = draw(st.text(max_size=20))
    if draw(st.booleans()):
        # A double-quoted YAML scalar holding exactly ``new``; ensure_ascii=False because \u
        # escapes of surrogate pairs hit a known bug (test_surrogate_escape_is_a_scenario_error).
        new = json.dumps(new, ensure_ascii=False)
    return BASE[:start] + new + BASE[end:]


TEXT_MUTATIONS = {
    "delete_line": delete_line(),
    "duplicate_line": duplicate_line(),
    "swap_lines": swap_lines(),
    "replace_char": replace_char(),
    "insert_text": insert_text(),
    "truncate": truncate(),
    "change_number": change_number(),
    "replace_scalar": replace_scalar(),
}


def test_the_mutation_sites_were_found() -> None:
    assert len(NUMBERS) >= 15 and len(SCALARS) >= 30
    for start, end in NUMBERS:
        float(BASE[start:end])
    texts = [BASE[s:e] for s, e in SCALARS]
    assert {"north", "south", "primer", "continuous", "ordinal", "on-site", "km"} <= set(texts)
    assert isinstance(loads(BASE, FILE), Scenario)  # the unmutated text loads


@pytest.mark.parametrize("kind", list(TEXT_MUTATIONS))
@FUZZ
@given(data=st.data())
def test_text_mutation_loads_or_raises_scenario_error(kind: str, data: st.DataObject) -> None:
    check_loads(data.draw(TEXT_MUTATIONS[kind], label=kind))


# ---- structural mutations on the parsed data ------------------------------------------------------

_yaml = YAML(typ="safe", pure=True)
DATA = _yaml.load(BASE)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, path + (i,))
    return out


PATHS = _paths(DATA)
PARENTS = [p for p in PATHS if p]  # everything below the top level


def _get_at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


MAPPINGS = [p for p in PATHS if isinstance(_get_at(DATA, p), dict)]

other_values = st.one_of(
    st.sampled_from([None, [], {}, [1, "x"], {"a": 1}, "", "text", True, False, 0, -1, 1.5, 10**400,
                     float("nan"), float("inf"), [[[]]], {"dist": "normal"}, {"value": None}]),
    st.text(max_size=20),
    st.integers(),
    st.floats(),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.integers()), max_size=2),
)
new_keys = st.one_of(st.sampled_from(["colour", "extra", "id2", "Salience", "kind ", "<<", "~", "1"]),
                     st.text(min_size=1, max_size=12))


def _dump(data: Any) -> str:
    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, buf)
    return buf.getvalue()


def _fresh() -> Any:
    return json.loads(json.dumps(DATA))  # a deep copy of plain data


@st.composite
def drop_key(draw: st.DrawFn) -> str:
    data = _fresh()
    path = draw(st.sampled_from(PARENTS))
    del _get_at(data, path[:-1])[path[-1]]
    return _dump(data)


@st.composite
def add_unknown_key(draw: st.DrawFn) -> str:
    data = _fresh()
    target = _get_at(data, draw(st.sampled_from(MAPPINGS)))
    key = draw(new_keys)
    target[key] = draw(other_values)
    return _dump(data)


@st.composite
def replace_value(draw: st.DrawFn) -> str:
    data = _fresh()
    path = draw(st.sampled_from(PARENTS))
    value = draw(other_values)
    _get_at(data, path[:-1])[path[-1]] = value
    return _dump(data)


STRUCTURAL_MUTATIONS = {"drop_key": drop_key(), "add_unknown_key": add_unknown_key(),
                        "replace_value": replace_value()}


def test_the_unmutated_data_round_trips() -> None:
    assert len(PARENTS) > 80 and len(MAPPINGS) > 10
    assert loads(_dump(_fresh()), FILE) == loads(BASE, FILE)


@pytest.mark.parametrize("kind", list(STRUCTURAL_MUTATIONS))
@FUZZ
@given(data=st.data())
def test_structural_mutation_loads_or_raises_scenario_error(kind: str, data: st.DataObject) -> None:
    check_loads(data.draw(STRUCTURAL_MUTATIONS[kind], label=kind))


# ---- (b) the reported line is the mutated line -----------------------------------------------------

def _set_line(lineno: int, old: str, new: str) -> str:
    """BASE with ``old`` replaced by ``new`` on line ``lineno`` (1-based), checked to be there."""
    lines = list(LINES)
    assert old in lines[lineno - 1], (lineno, lines[lineno - 1])
    lines[lineno - 1] = lines[lineno - 1].replace(old, new, 1)
    return "".join(lines)


@pytest.mark.parametrize(("lineno", "old", "new", "field"), [
    (48, "salience: 0.6", "salience: -1", "tracks[0].issues[1].positions.north.salience"),
    (32, "salience: 0.4", "salience: -1", "tracks[0].issues[0].positions.north.salience"),
    (53, "salience: 0.3", "salience: -1", "tracks[0].issues[1].positions.south.salience"),
    (37, "low: 0.5", "low: -1", "tracks[0].issues[0].positions.south.salience"),
    (16, "capability: 2", "capability: -1", "actors[0].capability"),
    (14, "year: 2026", "year: 999", "sources[0].year"),
    (28, "grid: 51", "grid: 1", "tracks[0].issues[0].grid"),
    (29, "status_quo: 0", "status_quo: -1", "tracks[0].issues[0].status_quo"),
    (33, "ideal: 10", "ideal: 51", "tracks[0].issues[0].positions.north.ideal"),
    (54, "ideal: on-site", "ideal: offsite", "tracks[0].issues[1].positions.south.ideal"),
])
def test_constructed_mutation_reports_its_line(lineno: int, old: str, new: str, field: str) -> None:
    with pytest.raises(ScenarioError) as info:
        loads(_set_line(lineno, old, new), FILE)
    assert len(info.value.problems) == 1
    problem = info.value.problems[0]
    assert problem.line == lineno
    assert str(info.value).startswith(f"{FILE}:{lineno}:")
    assert f": {field}: " in str(info.value)


SALIENCE_LINES = [i for i, line in enumerate(LINES, 1) if re.match(r"\s+salience: [\d.]+\s*$", line)]


@FUZZ
@given(lineno=st.sampled_from(SALIENCE_LINES),
       value=st.one_of(st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False),
                       st.integers(max_value=-1)))
def test_negative_salience_is_reported_on_its_line(lineno: int, value: float) -> None:
    old = LINES[lineno - 1].split(": ", 1)[1].strip()
    with pytest.raises(ScenarioError) as info:
        loads(_set_line(lineno, f"salience: {old}", f"salience: {value!r}"), FILE)
    assert info.value.problems[0].line == lineno
    assert "salience" in str(info.value)


def test_salience_lines_were_found() -> None:
    assert SALIENCE_LINES == [32, 48, 53]


# ---- odd characters in keys and escapes ------------------------------------------------------------

@pytest.mark.parametrize("brk", ["\\n", "\\r", "\\u2028"])
def test_field_path_with_a_line_break_renders_on_one_line(brk: str) -> None:
    text = _set_line(27, "unit: km", f'"un{brk}it": km')
    with pytest.raises(ScenarioError) as info:
        loads(text, FILE)
    message = str(info.value)
    assert message.startswith(f"{FILE}:27:")
    assert len(message.splitlines()) == 1, message


@pytest.mark.parametrize("escape", ["\\udc00", "\\ud83d\\ude00"])
def test_surrogate_escape_is_a_scenario_error(escape: str) -> None:
    text = _set_line(44, "options: [none, notification,", f'options: [none, "{escape}",')
    with pytest.raises(ScenarioError) as info:
        loads(text, FILE)
    assert str(info.value).startswith(f"{FILE}:")
