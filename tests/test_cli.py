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
                                  ("compare-designs", "border-talks", "--draws", "5"),
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
    assert {d["design"] for d in doc["designs"]} == {"parallel", "linked", "sequential", "package"}


def test_checkpoint_from_the_command_line_resumes_and_refuses_garbage(tmp_path):
    ckpt = tmp_path / "run.ckpt"
    first = run("compare-designs", "border-talks", "--draws", "300", "--set", "process.chunk_size=100",
                "--checkpoint", str(ckpt), "--json", str(tmp_path / "a.json"))
    assert first.returncode == 0, first.stderr and ckpt.exists()
    again = run("compare-designs", "border-talks", "--draws", "300", "--set", "process.chunk_size=100",
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
            "--set", "process.chunk_size=200", "--checkpoint", str(ckpt)]
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
