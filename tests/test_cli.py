"""The command line, run as a user runs it: exit codes, files written, no tracebacks."""

import json
import os
import subprocess
import sys

import pytest


def run(*args, cwd=None):
    env = {**os.environ, "COLUMNS": "250"}  # rich wraps tables at 80 columns when not on a terminal
    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=env)


def test_scenarios_lists_the_built_ins():
    proc = run("scenarios")
    assert proc.returncode == 0
    assert "european-security" in proc.stdout and "border-talks" in proc.stdout


def test_show_names_vetoes_and_red_lines():
    proc = run("show", "border-talks")
    assert proc.returncode == 0
    assert "(veto)" in proc.stdout and "never above 30" in proc.stdout


def test_init_writes_a_starter_that_validates_and_never_overwrites(tmp_path):
    assert run("init", "my-talks", cwd=tmp_path).returncode == 0
    starter = tmp_path / "my-talks.yaml"
    assert "id: my-talks" in starter.read_text()
    assert run("validate", "my-talks.yaml", cwd=tmp_path).returncode == 0
    starter.write_text("mine")
    again = run("init", "my-talks", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert starter.read_text() == "mine"


def test_init_rejects_a_bad_name(tmp_path):
    proc = run("init", "9 lives", cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not list(tmp_path.iterdir())


def test_analyze_writes_report_and_json(tmp_path):
    proc = run("analyze", "border-talks", "--out", str(tmp_path / "r"))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "r" / "results.json").read_text())
    assert "overview" in doc["analyses"]
    assert (tmp_path / "r" / "report.html").stat().st_size > 1000


def test_analyze_defaults_to_the_european_scenario(tmp_path):
    proc = run("analyze", "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "report-european-security" / "results.json").read_text())
    assert doc["scenario"]["id"] == "european-security"
    assert len(doc["analyses"]["overview"]["tracks"]) >= 6


def test_analyze_refuses_a_foreign_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    proc = run("analyze", "border-talks", "--out", str(tmp_path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("args", [("show", "no-such-scenario"), ("analyze", "no-such.yaml"),
                                  ("validate", "no-such.yaml"), ("analyze", "border-talks", "--only", "nope"),
                                  ("compare-designs", "border-talks", "--draws", "0"),
                                  ("analyze", "border-talks", "--set", "process.draws=500"),
                                  ("compare-designs", "border-talks", "--workers", "2", "--scheduler", "tcp://x:1"),
                                  ("compare-designs", "border-talks", "--scheduler", "nonsense::"),
                                  ("analyze", "border-talks", "--set", "process.chunk_size=zero")])
def test_bad_arguments_exit_2_with_one_line(args, tmp_path):
    proc = run(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len([ln for ln in proc.stderr.splitlines() if ln.strip()]) == 1


def test_not_utf8_file_is_a_clean_error(tmp_path):
    bad = tmp_path / "latin.yaml"
    bad.write_bytes(b"id: x\ntitle: caf\xe9\n")
    proc = run("validate", str(bad))
    assert proc.returncode == 2 and "latin.yaml:2" in proc.stderr and "UTF-8" in proc.stderr


def test_validate_reports_every_file(tmp_path):
    good = tmp_path / "good.yaml"
    assert run("init", "good", cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("kind: continuous", "kind: real"))
    proc = run("validate", str(good), str(bad))
    assert proc.returncode == 2
    assert "good.yaml: ok" in proc.stdout
    assert "bad.yaml:" in proc.stderr and ".kind" in proc.stderr


def test_compare_designs_answers_in_words_and_writes_json(tmp_path):
    proc = run("compare-designs", "european-security", "--draws", "200", "--seed", "3", "--json",
               str(tmp_path / "designs.json"))
    assert proc.returncode == 0, proc.stderr
    assert "Do parallel tracks get more tracks agreed than one package? Yes" in proc.stdout
    doc = json.loads((tmp_path / "designs.json").read_text())
    assert doc["draws"] == 200 and doc["seed"] == 3
    assert {d["design"] for d in doc["designs"]} == {"parallel", "linked", "sequential", "easy-first", "package",
                                                     "partial-package", "sequence:signals-first",
                                                     "sequence:easy-steps-first"}


def test_checkpoint_from_the_command_line_resumes_and_refuses_garbage(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    first = run("compare-designs", "border-talks", "--draws", "300", "--chunk-size", "100",
                "--checkpoint", str(ckpt), "--json", str(tmp_path / "a.json"))
    assert first.returncode == 0, first.stderr and ckpt.exists()
    again = run("compare-designs", "border-talks", "--draws", "300", "--chunk-size", "100",
                "--checkpoint", str(ckpt), "--json", str(tmp_path / "b.json"))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    garbage = tmp_path / "garbage.ckpt"
    garbage.write_text("not a checkpoint")
    bad = run("compare-designs", "border-talks", "--draws", "100", "--checkpoint", str(garbage))
    assert bad.returncode == 2 and "not a multitrack checkpoint" in bad.stderr and "Traceback" not in bad.stderr
    assert garbage.read_text() == "not a checkpoint"


def test_ctrl_c_keeps_the_finished_draws_and_a_rerun_resumes(tmp_path):
    import signal
    import time

    ckpt = tmp_path / "run.ckpt"
    args = [sys.executable, "-m", "multitrack", "compare-designs", "european-security", "--draws", "20000",
            "--chunk-size", "200", "--checkpoint", str(ckpt)]
    # a shell's background jobs inherit SIGINT ignored; give the child the default, as a terminal would
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 240  # a fresh clone compiles the numba kernels first
    while not ckpt.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert ckpt.exists(), "no chunk finished within the deadline"
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"Ctrl-C did not stop the run within 120 s; stderr: {err[-2000:]}") from None
    assert proc.returncode == 130, err
    assert "interrupted with" in err and "Traceback" not in err
    assert ckpt.exists()


# --- validate catches what analyze would die on, and warns where the grid misses the file -------

TWO_ACTORS = """id: {id}
title: Minimal
actors:
  - {{id: a, name: A, kind: state}}
  - {{id: b, name: B, kind: state}}
"""

ESCALATION = TWO_ACTORS.format(id="esc") + """escalation:
  rungs: [calm, incident, war]
  theatres:
    - id: sea
      title: Sea
      up:
        calm->incident: 0.3
        incident->war: {dist: uniform, low: 0.3, high: 0.7}
      down:
        incident->calm: {dist: uniform, low: 0.3, high: 0.6}
"""


def test_validate_refuses_a_theatre_whose_up_and_down_can_exceed_one(tmp_path):
    """Central values 0.5 + 0.45 add up to less than 1, the highs 0.7 + 0.6 to 1.3: some draws would
    be impossible (a traceback in analyze before)."""
    (tmp_path / "esc.yaml").write_text(ESCALATION)
    expected = ("esc.yaml:15:9: escalation.theatres[0].down['incident->calm']: on rung 'incident' the monthly "
                "chances of moving up ('incident->war', up to 0.7) and down ('incident->calm', up to 0.6) can add "
                "up to 1.3; together they must stay at most 1 in every draw (lower the high ends of their "
                "distributions)")
    for args in (("validate", "esc.yaml"), ("analyze", "esc.yaml", "--only", "escalation", "--no-record")):
        proc = run(*args, cwd=tmp_path)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr.strip() == expected
    # at most 0.7 + 0.3 = 1: every draw is a distribution
    (tmp_path / "ok.yaml").write_text(ESCALATION.replace("low: 0.3, high: 0.6}", "low: 0.2, high: 0.3}"))
    assert run("validate", "ok.yaml", cwd=tmp_path).returncode == 0


GRID = TWO_ACTORS.format(id="grid") + """tracks:
  - id: zone
    title: Zone
    participants: [a, b]
    issues:
      - id: depth
        kind: continuous
        range: [0, 100]
        status_quo: SQ
        positions:
          a: {salience: 1, monotone: increasing, red_lines: [{below: 33}, {above: 35}]}
          b: {salience: 1, monotone: decreasing, red_lines: [{above: 34}]}
"""


def _warnings(proc) -> list[str]:
    """The grid warnings: without those about sources and about what no deal is worth (the status
    quo breaking a red line), which these files trigger on purpose or by the way."""
    return [ln for ln in proc.stdout.splitlines() if ln.startswith("warning:") and "cites no source" not in ln
            and "no_deal value" not in ln]


def test_validate_warns_where_the_grid_misses_a_red_line_window_or_the_status_quo(tmp_path):
    """Grid of 11 points (step 10) on 0-100: a's red lines leave 33-35 and with b's 33-34, with no grid
    point inside; a status quo of 33 lies between the points 30 and 40. With 101 points (step 1) the
    status quo and the windows' ends lie on the grid."""
    (tmp_path / "g.yaml").write_text(GRID.replace("SQ", "33"))
    proc = run("validate", "g.yaml", cwd=tmp_path)
    assert proc.returncode == 0
    assert _warnings(proc) == [
        ("warning: g.yaml:14:21: tracks[0].issues[0].status_quo: status quo 33 lies between the grid points 30 and "
         "40, so no outcome of the analyses equals it; move it onto the grid, or set the issue's grid so that a "
         "point falls on it"),
        ("warning: g.yaml:16:61: tracks[0].issues[0].positions.a.red_lines: the red lines of 'a' leave 33-35 open, "
         "narrower than the grid step 10: the analyses see no grid point in it, so they find the issue blocked by "
         "red lines; give the issue a finer grid (grid: 51 or more)"),
        ("warning: g.yaml:11:9: tracks[0].issues[0]: the red lines of the veto players 'a', 'b' leave together "
         "33-34 open, narrower than the grid step 10: the analyses see no grid point in it, so they find the issue "
         "blocked by red lines; give the issue a finer grid (grid: 101 or more)"),
    ]
    assert run("validate", "--strict", "g.yaml", cwd=tmp_path).returncode == 2
    (tmp_path / "fine.yaml").write_text(GRID.replace("SQ", "33").replace("range: [0, 100]",
                                                                        "range: [0, 100]\n        grid: 101"))
    assert _warnings(run("validate", "fine.yaml", cwd=tmp_path)) == []
    (tmp_path / "on.yaml").write_text(GRID.replace("SQ", "30").replace("{above: 35}", "{above: 45}")
                                      .replace("{above: 34}", "{above: 60}"))
    assert _warnings(run("validate", "on.yaml", cwd=tmp_path)) == []  # 33-45 and 33-60 hold 40 (and 50)


# --- version, analyses, show -----------------------------------------------------------------


def test_version_prints_the_version():
    from multitrack import __version__

    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"multitrack {__version__}"


def test_analyses_describe_each_analysis_and_setting_in_whole_sentences():
    from multitrack.analysis import available

    proc = run("analyses")
    assert proc.returncode == 0 and "<class" not in proc.stdout
    lines = proc.stdout.splitlines()
    # the whole first sentence, not the docstring's first line cut mid-sentence
    assert ("  Parallel tracks, linked tracks, the declared and the easy-first sequence, the package of every "
            "track and the best partial package (found on a pilot of the run's first draws), and each track's "
            "forums with any ratification stage, compared on the run's draws of every uncertain estimate.") in lines
    assert ("  Which states of each conflict are stable for whom (Nash, GMR, SMR, SEQ, SIM and SEQ&SIM), the "
            "equilibria, and which of them the parties can reach from the status quo by unilateral improvements; "
            "with the coalitions a conflict lists, the same for the coalitions as players.") in lines
    assert "    top_drivers = 8: Inputs shown per tornado chart." in lines  # name, default, meaning
    for spec in available():
        assert f"{spec.name}: {spec.title}" in lines
        for name, field_ in (spec.config.model_fields.items() if spec.config else ()):
            assert field_.description, f"{spec.name}.{name} has no description"
            assert any(ln.startswith(f"    {name}") and ln.endswith(".") for ln in lines)


SHOW = TWO_ACTORS.format(id="show") + """  - {id: c, name: C, kind: state}
tracks:
  - id: t
    title: Talks
    participants: [a, b, c]
    veto_players: [a, b]
    decision_rule: {kind: qualified, min_participants: 2}
    reservation_values: {b: 0.25}
    issues:
      - id: forum
        kind: categorical
        options: [geneva, vienna, oslo]
        status_quo: geneva
        positions:
          a: {salience: 1, values: {geneva: 0.5, vienna: 0.5, oslo: 0.5}}
          b: {salience: 1, values: {geneva: 0, vienna: 1, oslo: 1}}
          c: {salience: 1, values: {geneva: 0, vienna: 0.2, oslo: 1}}
"""


def test_show_states_rule_vetoes_reservation_values_and_indifference(tmp_path):
    (tmp_path / "s.yaml").write_text(SHOW)
    proc = run("show", "s.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "indifferent: values every option alike" in out and "prefers geneva" not in out  # a values all alike
    assert "prefers vienna or oslo (tied)" in out and "prefers oslo" in out
    lines = [ln.strip() for ln in out.splitlines()]
    assert "decision rule: qualified majority: at least 2 of the 3 participants accept, every veto player " \
        "among them" in lines
    assert "veto players: A, B" in lines
    assert "reservation values (what no deal is worth, in each participant's own points): B 0.25; A, C: their " \
        "utility of the status quo" in lines
