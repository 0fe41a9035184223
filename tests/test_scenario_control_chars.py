"""Control characters in scenario text are refused at validation, located by file, line, column and
field (issue 23, item 3): before, an escaped NUL (``"Two\\0 communities"``) passed ``validate`` and
was then refused by PostgreSQL when the run was recorded, and a raw one gave only a character
position."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from multitrack.errors import ScenarioError
from multitrack.scenario import loads
from multitrack.scenario.actors import Actor
from multitrack.scenario.control_chars import ControlCharacterError
from multitrack.scenario.model import Scenario

#: A small valid scenario; ``{title}``, ``{name}``, ``{key}`` and ``{issue}`` are filled in by the
#: tests (the title's value starts at line 2, column 8).
TEMPLATE = """\
id: two-communities
title: {title}
description: |
  A settlement between two communities.
  Its second line.
actors:
  - {{id: north, name: {name}, kind: state}}
  - id: south
    name: Southland
    kind: state
    {key}: a note
tracks:
  - id: border
    title: Border
    participants: [north, south]
    issues:
      - id: zone
        title: {issue}
        kind: continuous
        range: [0, 10]
        positions:
          north: {{ideal: 0, salience: 0.5}}
          south: {{ideal: 10, salience: 0.5}}
"""
PLAIN = {"title": '"Two communities"', "name": "Northland", "key": "description", "issue": '"Zone depth"'}
RULE = "is not allowed in scenario text (tabs and line breaks are)"


def scenario_text(**fields: str) -> str:
    """The template with the given fields replaced (a key other than ``description`` is unknown to the
    schema, so only the control-character check may speak about it)."""
    return TEMPLATE.format(**{**PLAIN, **fields})


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        loads(text, "f.yaml")
    return caught.value.lines()


def test_the_template_is_valid_and_keeps_tabs_and_line_breaks():
    """Tab, line feed and carriage return are allowed in every text, escaped or written out."""
    scenario = loads(scenario_text(title='"Two\\tcommunities\\r\\nand more"', name='"North\tland"',
                                   issue="|\n          Zone\n          depth"))
    assert scenario.title == "Two\tcommunities\r\nand more"
    assert scenario.actors[0].name == "North\tland"
    assert scenario.tracks[0].issues[0].title == "Zone\ndepth\n"
    assert scenario.description == "A settlement between two communities.\nIts second line.\n"


@pytest.mark.parametrize(("title", "code", "at"), [
    ('"Two\\0 communities"', "U+0000", 4),    # NUL: PostgreSQL refuses it in a text column
    ('"\\x1b[31mred"', "U+001B", 1),           # ESC: starts a terminal's escape sequences
    ('"bell \\u0007"', "U+0007", 6),          # BEL, as a JSON-style escape
    ('"\\a"', "U+0007", 1),                   # BEL, as YAML's own escape
    ('"del\\x7f"', "U+007F", 4),              # DEL
    ('"next\\Nline"', "U+0085", 5),           # NEL (C1), YAML's \N escape
    ('"csi \\u009b2J"', "U+009B", 5),         # CSI (C1): an escape sequence in one character
    ('"form\\ffeed"', "U+000C", 5),
    ('"vertical\\vtab"', "U+000B", 9),
    ('"unit \\x1f"', "U+001F", 6),
    ("'no escapes in single quotes: \\0'", None, None),  # four plain characters: accepted
])
def test_an_escaped_control_character_in_the_title_is_located(title, code, at):
    text = scenario_text(title=title)
    if code is None:
        assert loads(text).title.endswith("\\0")
        return
    assert problems(text) == [f"f.yaml:2:8: title: control character {code} (character {at} of the text) "
                              f"{RULE}"]


def test_a_nested_field_a_flow_mapping_and_a_key_each_get_their_own_line():
    lines = problems(scenario_text(name='"North\\eland"', key='"no\\x07te"', issue='"Zone\\u0000depth"'))
    assert lines == [
        f"f.yaml:7:23: actors[0].name: control character U+001B (character 6 of the text) {RULE}",
        f"f.yaml:11:5: actors[1]['no\\x07te']: control character U+0007 (character 3 of the key) {RULE}",
        f"f.yaml:18:16: tracks[0].issues[0].title: control character U+0000 (character 5 of the text) {RULE}",
    ]


def test_several_control_characters_in_one_text_are_named_once_each_in_order():
    (line,) = problems(scenario_text(title='"a\\x1bb\\0c\\x1b"'))
    assert line == ("f.yaml:2:8: title: control characters U+001B, U+0000 (the first is character 2 of "
                    "the text) are not allowed in scenario text (tabs and line breaks are)")


@pytest.mark.parametrize(("raw", "where", "what"), [
    ("\x00", "2:13", "control character U+0000"),
    ("\x1b", "2:13", "control character U+001B"),
    ("\x7f", "2:13", "control character U+007F"),
    ("\x9b", "2:13", "control character U+009B"),
    ("\ufffe", "2:13", "character U+FFFE"),
])
def test_a_raw_control_character_is_named_at_its_line_and_column(raw, where, what):
    """The YAML reader refuses these characters anywhere in the file; its message gave only a
    character position (``position 455``)."""
    text = scenario_text(title=f'"Two {raw} communities"')
    assert problems(text) == [f"f.yaml:{where}: {what} is not allowed in a scenario file"]


def test_a_raw_control_character_is_counted_by_lines_as_the_reader_counts_them():
    """CR LF is one line break, and a lone CR one too; the column counts characters from 1."""
    text = "# a comment\r\n# another\rid: x\ntitle: ok\n# x\x1by\n"
    assert problems(text) == ["f.yaml:5:4: control character U+001B is not allowed in a scenario file"]


def test_a_scenario_built_in_python_is_refused_with_the_field_path():
    data = {"id": "x", "title": "Two\x00 communities",
            "actors": [{"id": "a", "name": "A", "kind": "state"},
                       {"id": "b", "name": "B\x9b", "kind": "state"}]}
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    (error,) = caught.value.errors()
    cause = error["ctx"]["error"]
    assert isinstance(cause, ControlCharacterError)
    assert [f.path for f in cause.found] == [("title",), ("actors", 1, "name")]
    assert error["msg"] == (f"Value error, title: control character U+0000 (character 4 of the text) "
                            f"{RULE} (and 1 more text with control characters)")


def test_a_model_made_beforehand_is_looked_into():
    """An actor made by ``Actor.model_validate`` (which has no such check) and passed to the
    scenario is not validated again by pydantic, so the check looks inside it."""
    actor = Actor.model_validate({"id": "b", "name": "B\x07", "kind": "state"})
    data = {"id": "x", "title": "T", "actors": [{"id": "a", "name": "A", "kind": "state"}, actor]}
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    assert [f.path for f in caught.value.errors()[0]["ctx"]["error"].found] == [("actors", 1, "name")]


def test_validate_exits_2_with_one_line_per_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(scenario_text(title='"Two\\0 communities"', issue='"\\x1b[2J"'), encoding="utf-8")
    env = {**os.environ, "COLUMNS": "80"}
    run = subprocess.run([sys.executable, "-m", "multitrack", "validate", "--all", str(bad)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"{bad}:2:8: title: control character U+0000 (character 4 of the text) {RULE}",
        f"{bad}:18:16: tracks[0].issues[0].title: control character U+001B (character 1 of the text) {RULE}",
    ]
    run = subprocess.run([sys.executable, "-m", "multitrack", "validate", str(bad)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 2 and run.stderr.splitlines() == [
        f"{bad}:2:8: title: control character U+0000 (character 4 of the text) {RULE} (and 1 more problem)"]


def test_a_web_upload_with_an_escaped_nul_is_shown_located():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from multitrack.web import create_app

    client = TestClient(create_app(), base_url="http://127.0.0.1")
    body = scenario_text(title='"Two\\0 communities"').encode()
    page = client.post("/scenario/upload", files={"file": ("mine.yaml", body, "application/yaml")}).text
    assert ("mine.yaml:2:8: title: control character U+0000 (character 4 of the text) is not allowed in "
            "scenario text (tabs and line breaks are)") in page
    assert client.get("/download/scenario.yaml").status_code == 409  # an invalid draft: not offered


# ---- property: any text in a title is accepted exactly when it holds no refused character ---------

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: printable ASCII as it is, every other character as a
    ``\\U`` escape (so the value read back is exactly ``text``, whatever it holds)."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in text) + '"'


TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.lists(
    st.sampled_from(["\x00", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9f", "\xa0", "a", "é", "\u2028"]),
    max_size=6).map("".join)


@given(text=TEXT)
@example(text="\x9f")
@example(text="\xa0\x20\x7e")
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_title_is_accepted_exactly_when_it_holds_no_refused_character(text):
    title = "T" + text
    bad = FORBIDDEN.search(title)
    try:
        scenario = loads(scenario_text(title=quoted(title)), "f.yaml")
    except ScenarioError as exc:
        assert bad is not None, exc.lines()
        codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in FORBIDDEN.findall(title)))
        (line,) = exc.lines()
        assert line.startswith(f"f.yaml:2:8: title: control character{'s' if ',' in codes else ''} {codes} ")
        assert f"character {bad.start() + 1} of the text" in line
    else:
        assert bad is None
        assert scenario.title == title
    data = {"id": "x", "title": title, "actors": [{"id": "a", "name": "A", "kind": "state"},
                                                  {"id": "b", "name": "B", "kind": "state"}]}
    with pytest.raises(ValidationError) as caught:  # the data has no track, refused after the text check
        Scenario.model_validate(data)
    assert isinstance(caught.value.errors()[0].get("ctx", {}).get("error"), ControlCharacterError) == (
        bad is not None)


def test_a_proposal_file_refuses_control_characters_too():
    """Proposal titles and notes reach the terminal and the JSON of ``evaluate``: the same rule."""
    from multitrack.proposals import proposals_from_text

    scenario = loads(scenario_text())
    ok = proposals_from_text('proposals:\n  - id: x\n    title: "Wide\\tzone"\n'
                             '    tracks: {border: {zone: 5}}\n', scenario, "p.yaml")
    assert ok[0].title == "Wide\tzone"
    with pytest.raises(ScenarioError) as caught:
        proposals_from_text('proposals:\n  - id: x\n    title: "a\\x1b[2J"\n    note: "\\0"\n'
                            '    tracks: {border: {zone: 5}}\n', scenario, "p.yaml")
    assert caught.value.lines() == [
        f"p.yaml:3:12: proposals[0].title: control character U+001B (character 2 of the text) {RULE}",
        f"p.yaml:4:11: proposals[0].note: control character U+0000 (character 1 of the text) {RULE}"]


def test_a_gmcr_file_with_an_escaped_control_character_is_refused_in_one_line(tmp_path):
    """A GMCR+ file's names become actors and options: JSON ``\\u001b`` escapes are refused by the
    same rule, in the rule's own words (before, pydantic's ``Value error, `` prefix came along)."""
    import json

    from multitrack.stability.gmcr_file import load_gmcr_scenario

    doc = {"decisionMakers": [{"name": "Alpha\x1b[2J", "options": [0], "preferences": [],
                               "preferenceRanking": [2, 1, 4, 3]},
                              {"name": "Beta", "options": [1], "preferences": [],
                               "preferenceRanking": [3, 1, 4, 2]}],
           "options": [{"name": "defect", "permittedDirection": "both"},
                       {"name": "defect", "permittedDirection": "both"}],
           "infeasibles": [], "useManualPreferenceRanking": True}
    path = tmp_path / "pd.gmcr"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_gmcr_scenario(path)
    assert caught.value.lines() == [
        f"{path}: actors[0].name: control character U+001B (character 6 of the text) {RULE}"]
