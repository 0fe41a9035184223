"""multitrack compare: headline findings of two runs, changes within the noise suppressed, the
biggest first; variants, files and recorded runs; bad input is one line with status 2."""

import json

import pytest
from typer.testing import CliRunner

from multitrack.cli.app import app
from multitrack.compare import compare_documents, extract
from multitrack.compare.changes import within_noise
from multitrack.scenario import builtins

FAST = ["--only", "overview", "--only", "agreement"]


def share(value, mc_error, kind="Monte Carlo precision"):
    return {"value": value, "low": value, "high": value, "kind": kind, "mc_error": mc_error, "draws": 1000}


def document(verdict="can agree", agreed=0.96, deterred=0.40, deterred_se=0.015, war=0.063):
    """A hand-made results document: one track, one design, one crisis, the escalation headline."""
    return {
        "overview": {"tracks": [{"track_id": "ukraine-status", "title": "Ukraine's status",
                                 "verdict": {"word": verdict, "reason": ""}}]},
        "agreement": {"tracks": [{"track_id": "ukraine-status", "title": "Ukraine's status", "solutions": [
            {"concept": "nash", "outcome": {"accession-moratorium": 15.0}}]}]},
        "process": {"designs": [{"design": "parallel", "mean_agreed": share(agreed, 0.006),
                                 "p_track": {"ukraine-status": share(agreed, 0.006)}}]},
        "deterrence": {"crises": [{"id": "renewed-offensive", "title": "A renewed offensive",
                                   "deterred": share(deterred, deterred_se)}]},
        "escalation": {"cells": [{"scenario": "none", "theatre": "combined", "horizon": 120, "rung": "war",
                                  "mean": war, "kind": "spread over inputs", "mc_error": 0.001}]},
    }


def test_the_extractor_reads_each_headline():
    found = extract(document())
    assert found["track:ukraine-status/verdict"].value == "can agree"
    assert found["track:ukraine-status/agreed"].text == "agreed in 96% of draws"
    assert found["track:ukraine-status/deal"].value == "accession-moratorium 15"
    assert found["crisis:renewed-offensive/deterred"].mc_error == 0.015
    assert found["designs/lead"].value == "parallel"
    assert found["escalation/war-risk/none"].value == 0.063


def test_identical_runs_have_no_change_beyond_noise():
    result = compare_documents(document(), document())
    assert result.changes == ()
    assert result.lines()[0] == "no change beyond noise"
    assert "0 changes within the Monte Carlo noise suppressed" in result.summary()


def test_the_noise_rule_by_hand():
    # 2 * sqrt(0.015^2 + 0.015^2) = 0.0424: 0.04 is noise, 0.05 is not
    assert within_noise(0.04, 0.015, 0.015)
    assert not within_noise(0.05, 0.015, 0.015)
    assert not within_noise(1e-9, None, None)  # structural: any change is real


def test_a_small_share_change_is_suppressed_and_counted():
    result = compare_documents(document(deterred=0.40), document(deterred=0.44))
    assert [c.id for c in result.changes] == ["crisis:renewed-offensive/deterred"]
    assert result.changes[0].noise and result.real == () and result.suppressed == 1
    assert result.lines()[0] == "no change beyond noise"
    assert "1 change within the Monte Carlo noise suppressed" in result.lines()[1]


def test_a_verdict_flip_is_listed_first_then_shares_by_size():
    a = document(verdict="can agree", agreed=0.96, deterred=0.40)
    b = document(verdict="blocked", agreed=0.61, deterred=0.10)
    b["agreement"]["tracks"][0]["solutions"][0]["outcome"] = {"accession-moratorium": 20.0}
    result = compare_documents(a, b, "base", "hardline-russia")
    ids = [c.id for c in result.real]
    assert ids[0] == "track:ukraine-status/verdict"
    assert ids[1:3] == ["track:ukraine-status/agreed", "crisis:renewed-offensive/deterred"]  # 0.35 > 0.30
    assert result.lines()[0] == "Ukraine's status: can agree -> blocked"
    assert result.lines()[1] == "Ukraine's status: agreed in 96% of draws -> 61%"


def test_the_differing_input_is_named_in_each_sentence():
    result = compare_documents(document(agreed=0.96), document(agreed=0.61), a_scenario={"floor": 15},
                               b_scenario={"floor": 20})
    assert result.sentences()[0] == "Ukraine's status: agreed in 96% of draws -> 61% (floor: 15 -> 20)"


# -- the command line --------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(scope="module")
def blocked(tmp_path_factory):
    """border-talks with a variant whose south red line (at least 40 km) meets north's (at most 30)."""
    folder = tmp_path_factory.mktemp("compare")
    text = builtins.text("border-talks") + (
        "variants:\n  - id: blocked-zone\n    title: South asks for 40 km\n    set:\n"
        "      tracks.border.issues.zone-depth.positions.south.red_lines[0].below: 40\n")
    path = folder / "border.yaml"
    path.write_text(text, encoding="utf-8")
    changed = folder / "border-blocked.yaml"
    changed.write_text(builtins.text("border-talks").replace("red_lines: [{below: 5}]",
                                                             "red_lines: [{below: 40}]"), encoding="utf-8")
    return path, changed


def test_compare_two_variants_leads_with_the_flipped_verdict(blocked, tmp_path):
    path, _ = blocked
    out = tmp_path / "c.json"
    md = tmp_path / "c.md"
    res = runner.invoke(app, ["compare", str(path), "--variant", "base", "--variant", "blocked-zone", *FAST,
                              "--draws", "50", "--json", str(out), "--markdown", str(md)])
    assert res.exit_code == 0, res.output
    first = res.output.splitlines()[0]
    assert first.startswith("Border security: can agree -> ") and "40" in first
    data = json.loads(out.read_text())
    assert data["changes"][0]["id"] == "track:border/verdict" and data["a"] == "base"
    assert md.read_text().startswith("# base compared with blocked-zone")


def test_compare_two_files(blocked):
    path, changed = blocked
    res = runner.invoke(app, ["compare", "border-talks", str(changed), *FAST, "--draws", "50"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("Border security: can agree -> ")


def test_compare_two_recorded_runs(blocked, tmp_path):
    _, changed = blocked
    db = str(tmp_path / "runs.sqlite")
    for name in ("border-talks", str(changed)):
        res = runner.invoke(app, ["analyze", name, *FAST, "--draws", "50", "-q", "--out",
                                  str(tmp_path / "r"), "--db", db])
        assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["compare", "--run", "1", "--run", "2", "--db", db])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("Border security: can agree -> ")
    same = runner.invoke(app, ["compare", "--run", "1", "--run", "1", "--db", db])
    assert same.output.splitlines()[0] == "no change beyond noise"
    diff = runner.invoke(app, ["runs", "diff", "1", "2", "--db", db])
    assert diff.exit_code == 0, diff.output
    assert diff.output.splitlines()[0].startswith("Border security: can agree -> ")


@pytest.mark.parametrize("args, words", [
    (["border-talks", "--variant", "base", "--variant", "nosuch"], "--variant nosuch"),
    (["--run", "7", "--run", "8"], "7"),
    (["border-talks"], "compare: give"),
])
def test_bad_input_is_one_line_with_status_2(args, words, tmp_path):
    res = runner.invoke(app, ["compare", *args, *FAST, "--draws", "20", "--db", str(tmp_path / "x.sqlite")])
    assert res.exit_code == 2, res.output
    assert len(res.output.strip().splitlines()) == 1 and words in res.output
    assert "Traceback" not in res.output


def test_a_deal_sentence_names_only_the_terms_that_moved_and_inputs_by_id():
    from multitrack.compare.result import id_path
    from multitrack.compare.words import moved

    assert moved("moratorium 15; bases none; door open", "moratorium 20; bases none; door open") == \
        "moratorium 15 -> 20"
    assert moved("4.97 tracks agreed on average", "4.67 tracks agreed on average") == \
        "4.97 tracks agreed on average -> 4.67"
    scenario = {"tracks": [{"id": "border", "issues": [{"id": "zone-depth", "red_lines": [{"below": 5}]}]}]}
    assert id_path("tracks[0].issues[0].red_lines[0].below", scenario) == \
        "tracks.border.issues.zone-depth.red_lines[0].below"


def test_european_security_doubled_offensive_prize_names_deterrence_first():
    res = runner.invoke(app, ["compare", "european-security", "--variant", "base", "--variant",
                              "doubled-offensive-prize", "--only", "deterrence", "--draws", "200"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith(
        "A renewed Russian offensive against Ukraine after a settlement: deterred in ")


def test_european_security_floor_20_names_ukraine_status_first(tmp_path):
    text = builtins.text("european-security")
    assert text.count("\nvariants:\n") == 1
    path = tmp_path / "hard.yaml"
    path.write_text(text.replace("\nvariants:\n", (
        "\nvariants:\n  - id: floor-20\n    title: Russia's floor on the moratorium at 20 years\n"
        "    set:\n      tracks.ukraine-status.issues.accession-moratorium.positions.RUS"
        ".red_lines[0].below: 20\n"
    )), encoding="utf-8")
    res = runner.invoke(app, ["compare", str(path), "--variant", "base", "--variant", "floor-20",
                              "--only", "overview", "--only", "agreement", "--only", "process",
                              "--draws", "200"])
    assert res.exit_code == 0, res.output
    first = res.output.splitlines()[0]
    assert first.startswith("Ukraine's security status: agreed in ")
    assert "red_lines[0].below: triangular(10, 15, 20) -> 20" in first
