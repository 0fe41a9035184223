"""``multitrack runs list`` at 80 columns: one line per run, short forms that say what they leave
out, scenario text escaped; ``--verbose`` and narrow terminals: a block per run with every detail;
``--json``: every field."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from multitrack.analysis import available
from multitrack.cli.runs_commands import _analyses_text, _ListRow, _ran_every_analysis
from multitrack.scenario import builtins, load
from multitrack.store import RunRegistry

SIX = ["overview", "agreement", "forecast", "process", "stability", "deterrence"]
LONG_ID = "a-scenario-id-long-enough-that-eighty-columns-cannot-hold-it-x"  # 62 characters
HOSTILE_ID = "evil\x1b[31m[bold]red[/]\u202e"
HOSTILE_VALUE = "[red]x\x07"


@pytest.fixture(autouse=True)
def _private_database(tmp_path, monkeypatch):
    """Never touch the user's own run database."""
    monkeypatch.setenv("MULTITRACK_DB", str(tmp_path / "default-runs.sqlite"))


def runs_list(db, *options, columns=80):
    env = {**os.environ, "COLUMNS": str(columns)}
    proc = subprocess.run([sys.executable, "-m", "multitrack", "runs", "list", "--db", str(db), *options],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def full_run_names():
    """The analyses ``analyze european-security`` runs without --only: each that applies to it."""
    scenario = load(builtins.path("european-security"))
    return [s.name for s in available() if s.applies is None or s.applies(scenario)]


def copy_run(db, run_id, **changes):
    """A copy of run ``run_id`` with ``changes`` to its row (as a shared database may hold it); its id."""
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("select * from multitrack_runs where id = ?", (run_id,)).fetchone())
        row.pop("id")
        row.update({key: json.dumps(value) if key in ("analyses", "parameters") else value
                    for key, value in changes.items()})
        new = conn.execute(f"insert into multitrack_runs ({', '.join(row)}) values "
                           f"({', '.join('?' * len(row))})", list(row.values())).lastrowid
        for table in ("multitrack_run_scenarios", "multitrack_run_results"):
            columns = [c[1] for c in conn.execute(f"pragma table_info({table})") if c[1] != "run_id"]
            conn.execute(f"insert into {table} (run_id, {', '.join(columns)}) select ?, {', '.join(columns)} "
                         f"from {table} where run_id = ?", (new, run_id))
    return new


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """Run 1: border-talks with --only overview --only agreement (a real analyze run); run 2: the
    built-in scenario's full run (every analysis, no --only); run 3: six analyses named with --only
    and a long scenario id; run 4: a hostile scenario id and option value."""
    folder = tmp_path_factory.mktemp("runs-list")
    db = folder / "runs.sqlite"
    env = {**os.environ, "MULTITRACK_DB": str(db)}
    first = subprocess.run([sys.executable, "-m", "multitrack", "analyze", "border-talks", "--only",
                            "overview", "--only", "agreement", "--quiet", "--out", str(folder / "r1"),
                            "--db", str(db)], capture_output=True, text=True, timeout=300, env=env)
    assert first.returncode == 0, first.stderr
    params = RunRegistry(str(db)).get(1).parameters
    assert params["only"] == ["overview", "agreement"] and params["draws"] == 1000
    copy_run(db, 1, scenario_id="european-security", analyses=full_run_names(),
             parameters={**params, "only": None, "draws": 200})
    copy_run(db, 1, scenario_id=LONG_ID, analyses=SIX, parameters={**params, "only": SIX})
    copy_run(db, 1, scenario_id=HOSTILE_ID,
             parameters={**params, "options": {"agreement": {"grid_points": HOSTILE_VALUE}}})
    return db


def table_lines(text):
    """The lines of the table's body: after the header's rule, before the notes."""
    lines = text.splitlines()
    rule = next(k for k, line in enumerate(lines) if set(line.strip()) == {"─"})
    body = [line for line in lines[rule + 1:] if line.split() and line.split()[0].isdigit()]
    assert lines[rule + 1:rule + 1 + len(body)] == body  # one line each, nothing wrapped between them
    return body


def test_one_line_per_run_at_80_columns(registry):
    out = runs_list(registry)
    assert max(len(line) for line in out.splitlines()) <= 80
    lines = table_lines(out)
    assert [line.split()[0] for line in lines] == ["4", "3", "2", "1"]  # newest first, one line each
    sha = RunRegistry(str(registry)).get(1).scenario_hash[:7]
    n = len(full_run_names())
    assert n >= 10
    # the long id takes what the other columns leave but the analyses' header; they are counted
    assert lines[2].split()[3:] == ["european-security", "all", str(n), "200", "20240601", sha]
    assert lines[1].split()[3:] == [LONG_ID[:19] + "…", "only", "6", "1000", "20240601", sha]
    assert lines[3].split()[3:] == ["border-talks", "only", "2", "1000", "20240601", sha]
    assert lines[0].split()[6:] == ["1000", "20240601", "1", sha]  # one option, counted
    notes = " ".join(out.split("\n" + lines[-1] + "\n")[1].split())
    assert notes == ("all N: every analysis that applies (no --only); only N: N analyses named with --only; "
                     "options: how many analysis settings and workers; inputs: the scenario's sha256; "
                     "all of it: --verbose, multitrack runs show ID")


def test_the_built_in_full_run_fits_80_columns_whole(registry, tmp_path):
    """The common case: nothing shortened, the built-in scenario's id whole, room to spare for
    run ids in the thousands."""
    db = tmp_path / "two.sqlite"
    with closing(sqlite3.connect(registry)) as src, closing(sqlite3.connect(db)) as dst:
        src.backup(dst)
        with dst:
            dst.execute("delete from multitrack_runs where id not in (1, 2)")
    out = runs_list(db)
    full, restricted = table_lines(out)
    assert len(full) <= 80 and len(restricted) <= 80
    sha = RunRegistry(str(db)).get(1).scenario_hash[:7]
    n = str(len(full_run_names()))
    assert full.split()[3:] == ["european-security", "all", n, "200", "20240601", sha]
    assert restricted.split()[3:] == ["border-talks", "overview,", "agreement", "1000", "20240601", sha]
    assert "…" not in out and "only N" not in out and "options" not in out
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("delete from multitrack_runs where id = 1")
    (alone,) = table_lines(runs_list(db))
    assert alone.split() == full.split() and len(alone) <= 72  # room for run ids in the hundred thousands


def test_names_that_do_not_fit_are_counted_and_a_long_id_cut_with_an_ellipsis(registry):
    lines = table_lines(runs_list(registry, columns=110))
    assert max(len(line) for line in lines) <= 110
    scenario = lines[1].split()[3]
    assert scenario.endswith("…") and LONG_ID.startswith(scenario[:-1]) and len(scenario) > 20
    assert ", ".join(SIX) not in lines[1]
    shown, rest = lines[1].split(scenario)[1].split(" more")[0].split(", +")
    assert [name.strip() for name in shown.split(",")] == SIX[:6 - int(rest)] and int(rest) >= 1
    assert "european-security" in lines[2] and "overview, agreement " in lines[3]


@pytest.mark.parametrize(("options", "columns"), [(("--verbose",), 80), ((), 50)])
def test_the_ids_and_names_are_whole_in_a_block_per_run(registry, options, columns):
    """--verbose, or a terminal too narrow for one line per run: a block per run, nothing shortened."""
    out = runs_list(registry, *options, columns=columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    words = " ".join(out.split())
    assert LONG_ID in "".join(line.strip() for line in out.splitlines())  # folded at 50, never cut
    assert f"all {len(full_run_names())}: {', '.join(full_run_names())}" in words
    assert "analyses overview, agreement, forecast, process, stability, deterrence (--only) settings" in words
    assert RunRegistry(str(registry)).get(1).scenario_hash in "".join(out.split())  # the whole sha256
    assert "…" not in out and "more" not in out


def test_a_hostile_scenario_id_and_setting_are_shown_escaped(registry):
    for options, columns in [((), 120), ((), 80), (("--verbose",), 120), (("--json",), 80)]:
        out = runs_list(registry, *options, columns=columns)
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
        if columns == 120:  # markup not read, control characters by their escape
            assert "evil\\x1b[31m[bold]red[/]\\u202e" in out
        if options == ("--verbose",):
            assert "agreement.grid_points=[red]x\\x07" in out


def test_json_lists_every_field(registry):
    listed = json.loads(runs_list(registry, "--json"))
    assert [run["id"] for run in listed] == [4, 3, 2, 1]
    full = listed[2]
    assert full["scenario"]["id"] == "european-security" and full["analyses"] == full_run_names()
    assert full["parameters"]["only"] is None and len(full["scenario"]["sha256"]) == 64
    assert listed[3]["parameters"]["only"] == ["overview", "agreement"]
    assert listed[0]["scenario"]["id"] == HOSTILE_ID


def row(analyses, only):
    every = _ran_every_analysis({"only": only}, tuple(analyses))
    return _ListRow("1", "", "s", "", tuple(analyses), every, isinstance(only, list), "", "", (), "", "")


@pytest.mark.parametrize(("analyses", "only", "width", "text"), [
    (SIX, None, 8, "all 6"),
    (SIX, SIX, 100, ", ".join(SIX)),
    (SIX, SIX, 30, "overview, agreement, +4 more"),
    (SIX, SIX, 27, "overview, +5 more"),
    (SIX, SIX, 10, "only 6"),
    ([], None, 8, "none"),
])
def test_the_analyses_cell(analyses, only, width, text):
    assert _analyses_text(row(analyses, only), width) == text


def test_only_what_the_parameters_say_counts_as_every_analysis():
    assert _ran_every_analysis({"only": None}, ("overview",))
    assert not _ran_every_analysis({"only": ["overview"]}, ("overview",))
    assert not _ran_every_analysis({}, tuple(full_run_names()))  # not recorded: listed, not guessed


def test_runs_show_prints_stored_text_as_written_never_as_markup_or_terminal_codes(registry):
    """A shared database may hold a title written by an older version or another program."""
    run_id = copy_run(registry, 1, scenario_title="Draft [bold]terms[/] \x1b[2J\u202e")
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "multitrack", "runs", "show", str(run_id), "--db",
                           str(registry)], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Draft [bold]terms[/] \\x1b[2J\\u202e" in proc.stdout
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout
