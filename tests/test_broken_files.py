"""Every file in tests/broken/ holds exactly one defect; loading it must fail with a located,
one-line ScenarioError, and ``multitrack validate`` must report it on one stderr line.

Line numbers below are hand-counted in each file (line 1 is the ``# defect:`` comment, which
replaces the built-in's own first comment line, so most lines match border-talks.yaml).
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from multitrack.errors import ScenarioError
from multitrack.scenario import load

BROKEN = Path(__file__).parent / "broken"


class Case(NamedTuple):
    file: str  # name in tests/broken/
    line: int  # the line the error must point at (1-based)
    field: str | None  # the field path, or None for YAML-level defects
    phrase: str  # a piece of the message


P0 = "tracks[0].issues[0].positions"  # zone-depth
P1 = "tracks[0].issues[1].positions"  # inspections

CASES: list[Case] = [
    # ---- YAML-level defects (no field, or a field found while reading the YAML) ----------------
    Case("syntax-error.yaml", 22, None, "YAML syntax error"),  # '[' opened on 21, parser trips on 22
    Case("tab-indent.yaml", 33, None, "YAML syntax error"),
    Case("duplicate-key.yaml", 27, "tracks[0].issues[0].kind", "duplicate key 'kind'"),
    Case("python-tag.yaml", 27, "tracks[0].issues[0].unit", "is not allowed"),
    Case("merge-key.yaml", 17, "actors[1]", "merge keys"),
    Case("two-documents.yaml", 57, None, "one YAML document"),
    Case("not-a-mapping.yaml", 1, None, "mapping"),
    Case("empty-file.yaml", 1, None, "empty"),
    Case("not-utf8.yaml", 24, None, "not UTF-8"),
    # ---- schema: types, unknown and missing fields --------------------------------------------
    Case("wrong-type-salience.yaml", 32, f"{P0}.north.salience", "'high'"),
    Case("boolean-as-number.yaml", 16, "actors[0].capability", "boolean"),
    Case("unknown-key.yaml", 27, "tracks[0].issues[0].units", "unknown field"),
    Case("missing-title.yaml", 19, "tracks[0].title", "required field is missing"),
    Case("bad-id.yaml", 16, "actors[0].id", "2north"),
    Case("bad-issue-kind.yaml", 25, "tracks[0].issues[0].kind", "'range'"),
    Case("empty-track.yaml", 22, "tracks[0].issues", "at least 1"),
    # ---- estimates ------------------------------------------------------------------------------
    Case("bad-distribution-params.yaml", 37, f"{P0}.south.salience", "low <= mode <= high"),
    Case("unknown-distribution.yaml", 37, f"{P0}.south.salience", "unknown distribution"),
    Case("unbounded-normal-salience.yaml", 32, f"{P0}.north.salience", "truncate"),
    Case("negative-salience.yaml", 48, f"{P1}.north.salience", "-0.6"),
    Case("nan-salience.yaml", 53, f"{P1}.south.salience", "finite"),
    # ---- issues and positions -------------------------------------------------------------------
    Case("reversed-range.yaml", 26, "tracks[0].issues[0].range", "low < high"),
    Case("integer-status-quo-fraction.yaml", 29, "tracks[0].issues[0].status_quo", "whole number"),
    Case("status-quo-not-an-option.yaml", 45, "tracks[0].issues[1].status_quo", "'nothing'"),
    Case("ideal-outside-range.yaml", 33, f"{P0}.north.ideal", "70"),
    Case("red-line-outside-range.yaml", 34, f"{P0}.north.red_lines[0].above", "60"),
    Case("red-line-unknown-option.yaml", 50, f"{P1}.north.red_lines[0].equals", "'on-sight'"),
    Case("red-lines-forbid-everything.yaml", 39, f"{P0}.south.red_lines", "forbid every"),
    Case("incomplete-value-table.yaml", 49, f"{P1}.north.values", "on-site"),
    Case("two-utility-shapes.yaml", 36, f"{P0}.south", "exactly one utility shape"),
    # ---- actors, tracks and cross-references ----------------------------------------------------
    Case("alliance-without-members.yaml", 17, "actors[1]", "needs its members"),
    Case("duplicate-actor-id.yaml", 17, "actors[1].id", "'north' is used twice"),
    Case("duplicate-issue-id.yaml", 42, "tracks[0].issues[1].id", "'zone-depth' is used twice"),
    Case("dangling-actor.yaml", 18, "actors[2].members[1]", "'west' is not an actor"),
    Case("dangling-veto-player.yaml", 22, "tracks[0].veto_players[1]", "'west'"),
    Case("dangling-source.yaml", 35, f"{P0}.north.source", "'primr'"),
]

# The error concerns the mapping key `west:` on line 36, not the first line of its value.
CASES.append(Case("position-of-non-participant.yaml", 36, f"{P0}.west", "not a participant"))


def _params() -> list:
    return [pytest.param(c, id=c.file[: -len(".yaml")]) for c in CASES]


def _check_located(text: str, path: str, case: Case) -> None:
    """``text`` is ``PATH:LINE[:COL]: [FIELD: ]message`` for this case."""
    assert text.startswith(f"{path}:{case.line}:"), f"expected {path}:{case.line}: at the start of {text!r}"
    rest = text[len(path):]
    assert re.match(rf":{case.line}(:\d+)?: ", rest), text
    if case.field is not None:
        assert f": {case.field}: " in rest, f"expected field {case.field!r} in {text!r}"
    assert case.phrase in rest, f"expected {case.phrase!r} in {text!r}"


# ---- the table is the whole folder ----------------------------------------------------------------

def test_every_broken_file_is_in_the_table() -> None:
    on_disk = sorted(p.name for p in BROKEN.glob("*.yaml"))
    in_table = sorted(c.file for c in CASES)
    assert len(in_table) == len(set(in_table)), "a file is listed twice"
    assert on_disk == in_table
    assert len(on_disk) >= 20


def test_every_broken_file_names_its_defect_on_line_one() -> None:
    for path in BROKEN.glob("*.yaml"):
        first = path.read_bytes().split(b"\n", 1)[0]
        assert first.startswith(b"# defect: "), path.name


# ---- the library --------------------------------------------------------------------------------

@pytest.mark.parametrize("case", _params())
def test_load_reports_the_defect_on_one_located_line(case: Case) -> None:
    path = str(BROKEN / case.file)
    with pytest.raises(ScenarioError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert info.value.file == path
    assert len(info.value.problems) == 1, info.value.lines()  # one defect, one problem
    _check_located(message, path, case)


# ---- the command line ---------------------------------------------------------------------------

@functools.cache
def _cli_missing() -> str | None:
    """Why the CLI cannot be tested, or None when ``python -m multitrack --help`` works."""
    try:
        run = subprocess.run([sys.executable, "-m", "multitrack", "--help"], capture_output=True,
                             text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"python -m multitrack --help failed: {exc}"
    if run.returncode != 0:
        return f"python -m multitrack --help exits {run.returncode}: {run.stderr.strip()[-200:]}"
    return None


@pytest.fixture
def cli() -> None:
    reason = _cli_missing()
    if reason is not None:
        pytest.skip(f"the CLI is not available yet ({reason})")


#: Skips a test while ``python -m multitrack --help`` fails (the CLI is being written).
requires_cli = pytest.mark.usefixtures("cli")


def _validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "multitrack", "validate", *args], capture_output=True,
                          text=True, timeout=120)


@requires_cli
@pytest.mark.parametrize("case", _params())
def test_cli_validate_reports_the_defect_on_one_stderr_line(case: Case) -> None:
    path = str(BROKEN / case.file)
    run = _validate(path)
    assert run.returncode == 2, run
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    _check_located(lines[0], path, case)


@requires_cli
def test_cli_validate_accepts_the_builtin() -> None:
    run = _validate("border-talks")
    assert run.returncode == 0, run
    assert "ok" in run.stdout
    assert "Traceback" not in run.stderr
