"""The run registry: what analyze records, the runs commands, the diff, and crash safety."""

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest

import multitrack
from multitrack.scenario import builtins
from multitrack.store import RunRegistry, StoreError, default_url
from multitrack.store.diff import diff_results, render
from multitrack.store.registry import canonical_json

FAST = ("--only", "overview", "--only", "agreement")
SALIENCE = "tracks[0].issues[0].positions.north.salience"


@pytest.fixture(autouse=True)
def _private_database(tmp_path, monkeypatch):
    """Never touch the user's own run database."""
    monkeypatch.setenv("MULTITRACK_DB", str(tmp_path / "default-runs.sqlite"))


def run(*args, cwd=None, env=None):
    env = {**os.environ, "COLUMNS": "250", **(env or {})}  # rich wraps tables at 80 columns otherwise
    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A database with two analyze runs of border-talks; the second has one salience changed."""
    folder = tmp_path_factory.mktemp("two-runs")
    db = folder / "runs.sqlite"
    changed = folder / "changed.yaml"
    changed.write_text(builtins.text("border-talks").replace("salience: 0.4", "salience: 0.2"))
    first = run("analyze", "border-talks", *FAST, "--quiet", "--out", str(folder / "r1"), "--db", str(db))
    assert first.returncode == 0, first.stderr
    second = run("analyze", str(changed), *FAST, "--out", str(folder / "r2"), "--db", str(db))
    assert second.returncode == 0, second.stderr
    assert f"recorded run 2 in {db}" in second.stdout
    return db, changed


def test_analyze_records_the_run_with_its_scenario_parameters_and_results(two_runs):
    db, changed = two_runs
    registry = RunRegistry(str(db))
    assert [r.id for r in registry.list()] == [2, 1]
    record = registry.get(2)
    assert record.scenario_id == "border-talks" and record.analyses == ("overview", "agreement")
    assert record.scenario_text == changed.read_text()
    assert registry.get(1).scenario_text == builtins.text("border-talks")
    assert record.scenario_hash == hashlib.sha256(canonical_json(record.scenario).encode()).hexdigest()
    assert record.parameters == {"only": ["overview", "agreement"], "options": {}, "workers": 1,
                                 "draws": 1000, "seed": 20240601}  # the run's draws, defaults filled in
    assert record.software_version == multitrack.__version__
    saved = json.loads((db.parent / "r2" / "results.json").read_text())
    assert record.results == saved


def test_diff_names_the_changed_estimate_and_the_results_that_moved(two_runs):
    db, _ = two_runs
    diff = RunRegistry(str(db)).diff(1, 2)
    assert [(c.path, c.old, c.new) for c in diff.inputs] == [(SALIENCE, "0.4", "0.2")]
    assert diff.parameters == () and not diff.same_scenario
    labels = [m.label for m in diff.results]
    assert "agreement · border · reservation · north" in labels
    numeric = [abs(m.delta) for m in diff.results if m.numeric]
    assert numeric == sorted(numeric, reverse=True)

    proc = run("runs", "diff", "1", "2", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert SALIENCE in proc.stdout and "Results that moved" in proc.stdout
    assert "agreement · border · reservation · north" in proc.stdout
    assert "parameters: the same" in proc.stdout


def test_runs_list_show_and_export(two_runs, tmp_path):
    db, _ = two_runs
    listed = run("runs", "list", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    assert "border-talks" in listed.stdout and str(db) in listed.stdout
    assert run("runs", "list", "--db", str(db), "--limit", "1").stdout.count("border-talks") == 1
    shown = run("runs", "show", "2", "--db", str(db))
    assert shown.returncode == 0 and "overview, agreement" in shown.stdout

    out = tmp_path / "run-2.json"
    assert run("runs", "export", "2", "--db", str(db), "--output", str(out)).returncode == 0
    exported = json.loads(out.read_text())
    assert exported == RunRegistry(str(db)).export(2)
    assert exported["scenario"]["yaml"] and exported["results"]["analyses"]["agreement"]
    out.write_text("mine")
    again = run("runs", "export", "2", "--db", str(db), "--output", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr and out.read_text() == "mine"
    assert run("runs", "export", "2", "--db", str(db), "-o", str(out), "--force").returncode == 0
    assert json.loads(out.read_text()) == exported
    to_stdout = run("runs", "export", "1", "--db", str(db))
    assert json.loads(to_stdout.stdout)["id"] == 1


def test_a_missing_run_is_one_line_with_status_2(two_runs):
    db, _ = two_runs
    proc = run("runs", "show", "42", "--db", str(db))
    assert proc.returncode == 2 and proc.stderr.strip() == f"no run 42 in {db}"


def test_a_garbage_file_is_refused_and_never_modified(tmp_path):
    garbage = tmp_path / "runs.sqlite"
    garbage.write_bytes(b"this is not a database\n" * 200)
    before = digest(garbage)
    for command in (["runs", "list"], ["runs", "show", "1"], ["runs", "export", "1"]):
        proc = run(*command, "--db", str(garbage))
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert "not a multitrack run database" in proc.stderr and str(garbage) in proc.stderr
    proc = run("analyze", "border-talks", "--only", "overview", "-q", "--out", str(tmp_path / "r"),
               "--db", str(garbage))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "r" / "results.json").exists()
    assert proc.stderr.startswith("warning: run not recorded: ") and proc.stderr.count("\n") == 1
    assert digest(garbage) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r", "runs.sqlite"]  # no -wal, no -shm


def test_another_sqlite_database_is_refused_and_never_modified(tmp_path, primer):
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn, conn:
        conn.execute("CREATE TABLE notes (text)")
    before = digest(other)
    with pytest.raises(StoreError, match=r"other\.db: not a multitrack run database \(it holds other "
                                         r"tables: notes\)"):
        RunRegistry(str(other)).record(primer, multitrack.analyze(primer, only=["overview"]))
    assert digest(other) == before


@pytest.mark.parametrize("page", [2, 4])  # the tables' root pages: the registry's rows, the runs
def test_a_damaged_database_is_refused_and_never_modified(tmp_path, primer, page):
    db = tmp_path / "runs.sqlite"
    results = multitrack.analyze(primer, only=["overview"])
    with RunRegistry(str(db)) as registry:
        for _ in range(3):
            registry.record(primer, results)
    with closing(sqlite3.connect(db)) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as fh:
        fh.seek((page - 1) * size)
        fh.write(b"\xff" * size)
    before = digest(db)
    with pytest.raises(StoreError, match="the run database is damaged"):
        RunRegistry(str(db)).record(primer, results)
    proc = run("runs", "list", "--db", str(db))
    assert proc.returncode == 2 and "damaged" in proc.stderr and proc.stderr.count("\n") == 1
    assert digest(db) == before


def test_a_newer_schema_is_refused(tmp_path, primer):
    db = tmp_path / "runs.sqlite"
    with RunRegistry(str(db)) as registry:
        registry.record(primer, multitrack.analyze(primer, only=["overview"]))
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE multitrack_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="written by a newer multitrack"):
        RunRegistry(str(db)).list()


def test_reading_a_missing_database_creates_nothing(tmp_path):
    db = tmp_path / "sub" / "runs.sqlite"
    registry = RunRegistry(str(db))
    assert registry.list() == []
    with pytest.raises(StoreError, match=f"no run 3 in {db}"):
        registry.get(3)
    assert not (tmp_path / "sub").exists()
    proc = run("runs", "list", env={"MULTITRACK_DB": str(db)})  # the default database, not made yet
    assert proc.returncode == 0 and "no runs recorded" in proc.stdout
    assert not (tmp_path / "sub").exists()


@pytest.mark.parametrize("command", [("list",), ("show", "1"), ("diff", "1", "2"), ("export", "1")])
def test_a_mistyped_db_path_is_named_not_read_as_empty(two_runs, command):
    typo = two_runs[0].with_name("rnus.sqlite")
    proc = run("runs", *command, "--db", str(typo))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [f"{typo}: does not exist (no run database there; "
                                                "check the path)"]
    assert not typo.exists()
    with pytest.raises(StoreError, match="does not exist"):
        RunRegistry(str(typo), must_exist=True).list()
    assert RunRegistry(str(typo)).list() == [] and not typo.exists()


def test_no_record_and_the_default_database(tmp_path):
    default = tmp_path / "default-runs.sqlite"
    assert default_url() == f"sqlite:///{default}"
    skipped = run("analyze", "border-talks", "--only", "overview", "-q", "--no-record", "--out",
                  str(tmp_path / "a"))
    assert skipped.returncode == 0 and not default.exists()
    recorded = run("analyze", "border-talks", "--only", "overview", "-q", "--out", str(tmp_path / "b"),
                   "--set", "overview.x=1", cwd=tmp_path)
    assert recorded.returncode == 2  # a bad setting fails before anything is recorded
    assert not default.exists()
    recorded = run("analyze", "border-talks", "--only", "overview", "-q", "--out", str(tmp_path / "b"))
    assert recorded.returncode == 0, recorded.stderr
    assert [r.scenario_id for r in RunRegistry().list()] == ["border-talks"]


def test_default_url_honours_multitrack_db(monkeypatch, tmp_path):
    monkeypatch.setenv("MULTITRACK_DB", "postgresql://team@db.example/runs")
    assert default_url() == "postgresql://team@db.example/runs"
    monkeypatch.setenv("MULTITRACK_DB", str(tmp_path / "x.sqlite"))
    assert default_url() == f"sqlite:///{tmp_path / 'x.sqlite'}"
    monkeypatch.delenv("MULTITRACK_DB")
    import platformdirs

    expected = os.path.join(platformdirs.user_data_dir("multitrack"), "runs.sqlite")
    assert default_url() == "sqlite:///" + expected


def test_diff_of_results_labels_ids_sorts_and_skips_long_lists():
    a = {"analyses": {"process": {
        "designs": [{"design": "parallel", "ok": True,
                     "p_track": {"ukraine-status": {"value": 0.0, "low": 0, "high": 0.1}}}],
        "tracks": [{"track_id": "t1", "n": 10, "points": [[0, 1], [1, 0]], "inputs": list(range(30))}],
        "verdict": "open"}}}
    b = json.loads(json.dumps(a))
    b["analyses"]["process"]["designs"][0]["p_track"]["ukraine-status"]["value"] = 0.31
    b["analyses"]["process"]["designs"][0]["ok"] = False
    b["analyses"]["process"]["tracks"][0].update(n=12, points=[[0, 1]], inputs=list(range(31)))
    moves, bulky = diff_results(a, b)
    assert [(m.label, m.old, m.new) for m in moves] == [
        ("process · parallel · ok", True, False),
        ("process · t1 · n", 10, 12),
        ("process · parallel · p_track · ukraine-status", 0.0, 0.31),
    ]
    assert bulky == 2


def test_diff_labels_forecasts_by_track_issue_and_model():
    def forecast(mean_of_median):
        def issue(track, issue, mean):
            models = [{"model": m, "nominal": 1.0, "mean": mean if m == "median" else 2.0, "low": 0,
                       "high": 3} for m in ("median", "mean")]
            breaches = [{"model": "median", "actor": a, "share": mean} for a in ("north", "south")]
            return {"track": track, "issue": issue, "title": "Depth", "forecasts": models,
                    "agreed": [{**f, "share": 0.5} for f in models], "beyond_red_lines": breaches}
        issues = [issue("border", "depth", 1.0), issue("border", "width", 1.0),
                  issue("coast", "depth", mean_of_median)]
        return {"analyses": {"forecast": {"issues": issues}}}
    moves, _ = diff_results(forecast(1.0), forecast(1.5))
    assert sorted(m.label for m in moves) == [
        "forecast · coast · depth · agreed · median · mean",
        "forecast · coast · depth · beyond_red_lines · median · north · share",
        "forecast · coast · depth · beyond_red_lines · median · south · share",
        "forecast · coast · depth · forecasts · median · mean",
    ]
    assert all(m.delta == 0.5 for m in moves)


def test_diff_of_two_forecast_runs_names_no_row_by_its_index(tmp_path):
    db = tmp_path / "runs.sqlite"
    for seed in ("1", "2"):
        proc = run("analyze", "border-talks", "--only", "forecast", "--draws", "100", "--seed", seed, "-q",
                   "--out", str(tmp_path / seed), "--db", str(db))
        assert proc.returncode == 0, proc.stderr
    moved = [m.label for m in RunRegistry(str(db)).diff(1, 2).results]
    assert "forecast · border · zone-depth · forecasts · median · mean" in moved
    assert not [label for label in moved if "forecasts[" in label or "agreed[" in label]


def test_estimates_read_as_written():
    pert = {"dist": "pert", "low": 0.5, "mode": 0.65, "high": 0.8, "lamb": 4.0}
    assert render(pert) == "pert(0.5, 0.65, 0.8)"
    assert render({"dist": "fixed", "value": 0.4, "source": None}) == "0.4"
    assert render({"dist": "uniform", "low": 0, "high": 1}) == "uniform(0, 1) ~ 0.5"


CRASHING_RECORDER = """
import json, os, sys
import multitrack
from multitrack.store import RunRegistry

db, out = sys.argv[1], sys.argv[2]
scenario = multitrack.load("border-talks")
results = multitrack.analyze(scenario, only=["overview", "agreement"])
registry = RunRegistry(db)
for n in range(2):
    run_id = registry.record(scenario, results, parameters={"n": n})
    with open(os.path.join(out, f"run-{run_id}.json"), "w") as fh:
        json.dump(registry.export(run_id), fh)
os.environ["MULTITRACK_STORE_PAUSE_BEFORE_COMMIT"] = "120"
os.environ["MULTITRACK_STORE_PAUSE_MARKER"] = os.path.join(out, "paused")
registry.record(scenario, results, parameters={"n": 2})
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_run_killed_while_recording_leaves_no_trace_and_loses_nothing(tmp_path, primer):
    db = tmp_path / "runs.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", CRASHING_RECORDER, str(db), str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not (tmp_path / "paused").exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the recorder never reached its commit"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    registry = RunRegistry(str(db))
    assert [r.id for r in registry.list()] == [2, 1]
    for run_id in (1, 2):
        assert registry.export(run_id) == json.loads((tmp_path / f"run-{run_id}.json").read_text())
    with pytest.raises(StoreError, match="no run 3"):
        registry.get(3)
    registry.close()
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for table in ("multitrack_runs", "multitrack_run_scenarios", "multitrack_run_results"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (2,)
    assert RunRegistry(str(db)).record(primer, multitrack.analyze(primer, only=["overview"])) == 3


def test_an_sqlite_registry_from_before_recorded_by_reads_and_gains_the_column(tmp_path, primer):
    db = tmp_path / "runs.sqlite"
    results = multitrack.analyze(primer, only=["overview"])
    assert RunRegistry(str(db)).record(primer, results, recorded_by="ana") == 1
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("ALTER TABLE multitrack_runs DROP COLUMN recorded_by")  # as an older version made it
    assert [(r.id, r.recorded_by) for r in RunRegistry(str(db)).list()] == [(1, None)]
    assert RunRegistry(str(db)).record(primer, results, recorded_by="ben\x1b[2J  x") == 2
    assert [(r.id, r.recorded_by) for r in RunRegistry(str(db)).list()] == [(2, "ben [2J x"), (1, None)]
    assert RunRegistry(str(db)).get(2).to_dict()["recorded_by"] == "ben [2J x"


def test_the_recorder_is_multitrack_user_else_the_login_name(monkeypatch):
    from multitrack.store.registry import recorder

    monkeypatch.setenv("MULTITRACK_USER", "  team lead ")
    assert recorder() == "team lead"
    monkeypatch.delenv("MULTITRACK_USER")
    monkeypatch.setenv("LOGNAME", "login-name")  # getpass reads LOGNAME first
    assert recorder() == "login-name"
