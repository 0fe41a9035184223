"""What-if on any scenario value (issue 18, item 2): ``--set PATH=VALUE`` by id path, validated like
the file, seen by every analysis; a bad path or value is one line naming it, exit status 2.

Hand-worked case on european-security, track ukraine-status (930 outcomes: 31 moratorium lengths
0-30 times 30 combinations of the other three issues). Russia's floor on the moratorium (nominal 15
years) binds only while the door stays open; at nominal values Russia accepts 8 of the 30
combinations of the other issues with the door open. Raising the floor to 20 removes the lengths
15-19 from those: 5 x 8 = 40 fewer outcomes Russia accepts. Ukraine's ceiling is 20 years (nominal),
so with the door open only a 20-year moratorium is left that both accept.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from multitrack.analysis import run_all
from multitrack.cli.app import _split_sets, app
from multitrack.errors import ScenarioError
from multitrack.scenario import builtins, load
from multitrack.scenario.setpath import SetPathError, load_with, parse_path
from multitrack.scenario.yaml_source import read_yaml

FLOOR = "tracks.ukraine-status.issues.accession-moratorium.positions.RUS.red_lines[0].below"
runner = CliRunner()


def ukraine_status(scenario):
    (track,) = [t for t in run_all(scenario, only=["agreement"])["agreement"].tracks
                if t.track_id == "ukraine-status"]
    return track


def test_paths_are_read_into_names_positions_and_quoted_keys():
    assert parse_path('escalation.theatres.baltic.up["crisis->incident"]') == (
        "escalation", "theatres", "baltic", "up", "crisis->incident")
    assert parse_path("tracks[4].issues.x_y-z[0].below") == ("tracks", 4, "issues", "x_y-z", 0, "below")
    with pytest.raises(SetPathError, match="cannot read the path"):
        parse_path("tracks..x")


def test_a_higher_russian_floor_removes_the_hand_worked_outcomes():
    base, harder = ukraine_status(load("european-security")), ukraine_status(
        load_with("european-security", [f"{FLOOR}=20"]))
    assert base.accepted_by["RUS"] - harder.accepted_by["RUS"] == 5 * 8
    assert {k: v for k, v in harder.accepted_by.items() if k != "RUS"} == {
        k: v for k, v in base.accepted_by.items() if k != "RUS"}
    assert (base.n_agreeable, harder.n_agreeable) == (12, 2)


def test_a_list_item_by_id_and_by_position_is_the_same_value():
    by_id = load_with("european-security", [f"{FLOOR}=20"])
    by_index = load_with("european-security", ["tracks[4].issues[0].positions.RUS.red_lines[0].below=20"])
    assert by_id == by_index
    (red_line,) = by_id.track("ukraine-status").issues[0].positions["RUS"].red_lines
    assert red_line.below.nominal == 20
    assert red_line.when is not None  # the rest of the red line stays as written


def test_a_value_may_be_any_yaml_and_is_validated_like_the_file():
    changed = load_with("european-security", [f"{FLOOR}={{dist: uniform, low: 18, high: 22}}"])
    (red_line,) = changed.track("ukraine-status").issues[0].positions["RUS"].red_lines
    assert (red_line.below.low, red_line.below.high) == (18, 22)
    with pytest.raises(ScenarioError) as bad:
        load_with("european-security", [f"{FLOOR}=abc"])
    line = bad.value.one_line()
    assert "tracks[4].issues[0].positions.RUS.red_lines[0].below" in line and "'abc'" in line
    doc = read_yaml(builtins.text("european-security"))
    where = doc.source_map.values[("tracks", 4, "issues", 0, "positions", "RUS", "red_lines", 0, "below")]
    assert f".yaml:{where[0]}:{where[1]}: " in line  # located at the value it replaces in the file


@pytest.mark.parametrize(("path", "named", "nearest"), [
    ("tracks.ukraine-stat.title", "no id 'ukraine-stat' in tracks", "ukraine-status"),
    ("trakcs.ukraine-status.title", "no key 'trakcs' in the scenario's top level", "tracks"),
    ("tracks.ukraine-status.issues.accession-moratorium.positions.RUZ.salience",
     "no key 'RUZ' in tracks.ukraine-status.issues.accession-moratorium.positions", "RUS"),
    (FLOOR.replace("below", "belw"), "no field 'belw'", "below"),
])
def test_a_bad_path_names_the_first_missing_segment_and_the_nearest(path, named, nearest):
    with pytest.raises(SetPathError) as bad:
        load_with("european-security", [f"{path}=1"])
    message = str(bad.value)
    assert named in message and f"nearest: {nearest}" in message and "\n" not in message


def test_a_position_past_the_end_says_how_long_the_list_is():
    with pytest.raises(SetPathError, match=r"no position \[3\] in .*red_lines: the list has 1 item"):
        load_with("european-security", [FLOOR.replace("[0]", "[3]") + "=20"])


def test_scenario_paths_and_analysis_settings_are_told_apart():
    scenario, settings = _split_sets([
        "agreement.grid_points=5", "process.grid_points=5", "process.sequence[0]=opening",
        "escalation.level=0.9", "escalation.horizons=[12]", f"{FLOOR}=20", "negotiation.rounds=3"])
    assert scenario == ["process.sequence[0]=opening", "escalation.horizons=[12]", f"{FLOOR}=20"]
    assert settings == ["agreement.grid_points=5", "process.grid_points=5", "escalation.level=0.9",
                        "negotiation.rounds=3"]


def test_the_cli_runs_every_analysis_on_the_changed_scenario(tmp_path):
    args = ["analyze", "--only", "agreement", "--draws", "20", "--no-record", "--verbose",
            "-o", str(tmp_path)]
    base = runner.invoke(app, args)
    changed = runner.invoke(app, args + ["--set", f"{FLOOR}=20", "--set", "agreement.grid_points=5"])
    assert base.exit_code == 0 and changed.exit_code == 0, changed.output
    assert "12 of 930" in base.output and "2 of 930" in changed.output and "12 of 930" not in changed.output


@pytest.mark.parametrize(("value", "expected"), [
    (f"{FLOOR}=abc", "red_lines[0].below"),
    ("tracks.ukraine-stat.title=x", "ukraine-stat"),
])
def test_the_cli_refuses_a_bad_path_or_value_in_one_line(tmp_path, value, expected):
    result = runner.invoke(app, ["analyze", "--only", "agreement", "--no-record", "-o", str(tmp_path),
                                 "--set", value])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.output
