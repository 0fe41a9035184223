"""The run registry on a real PostgreSQL server (issue 23): a team's shared database.

A throw-away cluster is made with Debian's ``postgresql`` binaries (``initdb``), listens on
127.0.0.1 only, and is removed at the end. Where the binaries or the driver are missing, the
server tests are skipped with the reason (``.ci/run`` installs both). The tests without a server
(driver choice, time limits, the NUL guard) always run.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

import multitrack
from multitrack.scenario import builtins
from multitrack.store import RunRegistry, StoreError
from multitrack.store.connection import Timeouts, connect_args, driver_url

FAST = ("--only", "overview", "--only", "agreement")
SALIENCE = "tracks[0].issues[0].positions.north.salience"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "runs.md"
#: Subprocesses that must end: a hang fails the test instead of stalling the suite.
HANG = 120


# -- a throw-away PostgreSQL cluster ----------------------------------------------------------


def _binary(name: str) -> str | None:
    """A PostgreSQL server program: on PATH, else the newest in Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(re.sub(r"\D", "", p.split("/")[4]) or 0))
    return versions[-1] if versions else None


def _server_user() -> str | None:
    """Who runs the server: ourselves, or (initdb refuses root) Debian's ``postgres`` user."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    return "postgres" if shutil.which("runuser") else None


def _unavailable() -> str | None:
    """Why no server can be started here (None: it can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the PostgreSQL driver is not installed (pip install 'multitrack[postgres]')"
    if not (_binary("initdb") and _binary("pg_ctl")):
        return "PostgreSQL server programs not found (Debian: apt-get install postgresql)"
    if _server_user() is None:
        return "running as root, and there is no 'postgres' user (with runuser) to run the server as"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL cluster in a temporary folder, on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        self.user = _server_user()
        self.folder = Path(tempfile.mkdtemp(prefix="multitrack-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.count = 0
        if os.geteuid() == 0:
            shutil.chown(self.folder, user=self.user)
        self._as_server([_binary("initdb"), "-D", str(self.data), "-U", "multitrack", "-A", "trust",
                         "-E", "UTF8", "--no-sync"])

    def _as_server(self, argv: list, check: bool = True) -> subprocess.CompletedProcess:
        if os.geteuid() == 0:
            argv = ["runuser", "-u", self.user, "--", *argv]
        proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=HANG,
                              cwd=self.folder)
        if check and proc.returncode:
            raise RuntimeError(f"{argv[-1]}: {proc.stdout}{proc.stderr}")
        return proc

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                   "-c max_connections=40 -c log_min_messages=fatal")
        self._as_server([_binary("pg_ctl"), "-D", self.data, "-o", options, "-l",
                         self.folder / "server.log", "-w", "-t", "60", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._as_server([_binary("pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop"], check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres", user: str = "multitrack") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database (one per test)."""
        self.count += 1
        name = f"runs_{self.count}"
        self.sql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def sql(self, statement: str, database: str = "postgres", user: str = "multitrack") -> list:
        import psycopg

        with psycopg.connect(self.url(database, user), autocommit=True) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def cluster():
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    server = Cluster()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def db(cluster) -> str:
    return cluster.new_database()


def run(*args, env=None, timeout=HANG):
    env = {**os.environ, "COLUMNS": "250", **(env or {})}
    return subprocess.run([sys.executable, "-m", "multitrack", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def one_line(proc, stderr: str | None = None) -> str:
    """The error a command printed: exactly one line, no traceback."""
    text = proc.stderr if stderr is None else stderr
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


@pytest.fixture(scope="module")
def results():
    scenario = multitrack.load("border-talks")
    return scenario, multitrack.analyze(scenario, only=["overview", "agreement"])


# -- without a server: the driver, the time limits, the NUL guard -------------------------------


@pytest.mark.parametrize("written", ["postgresql://a@h/db", "postgres://a@h/db"])
def test_a_url_without_a_driver_means_psycopg_3_on_every_sqlalchemy(written):
    url = driver_url(sa.make_url(written))
    assert url.drivername == "postgresql+psycopg"
    assert url.get_dialect().driver == "psycopg"  # SQLAlchemy 2.0 alone would pick psycopg2


def test_a_url_that_names_its_driver_is_used_as_written():
    for written in ("postgresql+psycopg2://a@h/db", "sqlite:///x.sqlite", "mysql+pymysql://a@h/db"):
        assert driver_url(sa.make_url(written)) == sa.make_url(written)


def test_every_postgres_connection_carries_the_time_limits(monkeypatch):
    monkeypatch.setenv("MULTITRACK_DB_CONNECT_TIMEOUT", "4.5")
    monkeypatch.setenv("MULTITRACK_DB_STATEMENT_TIMEOUT", "30")
    limits = Timeouts.from_env()
    assert limits == Timeouts(connect=4.5, statement=30)
    args = connect_args(driver_url(sa.make_url("postgresql://a@h/db")), limits)
    assert args["connect_timeout"] == 5 and args["options"] == "-c statement_timeout=30000"
    assert args["keepalives"] == 1 and args["tcp_user_timeout"] == 30000
    # what the URL sets itself is left to it; other databases and drivers get nothing
    written = "postgresql+psycopg://a@h/db?connect_timeout=3&options=-c%20x%3D1"
    own = connect_args(sa.make_url(written), limits)
    assert "connect_timeout" not in own and "options" not in own
    assert connect_args(sa.make_url("sqlite:///x"), limits) == {}
    assert connect_args(sa.make_url("postgresql+pg8000://a@h/db"), limits) == {}
    # 0 means no limit
    assert connect_args(sa.make_url("postgresql+psycopg://a@h/db"), Timeouts(0, 0)).keys() == {
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count"}


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf"])
def test_a_bad_time_limit_is_one_line_with_status_2(value, tmp_path):
    proc = run("runs", "list", "--db", str(tmp_path / "r.sqlite"),
               env={"MULTITRACK_DB_STATEMENT_TIMEOUT": value})
    assert proc.returncode == 2
    assert f"$MULTITRACK_DB_STATEMENT_TIMEOUT={value!r}: expected a number of seconds" in one_line(proc)


def test_a_nul_character_never_reaches_a_database(results, tmp_path):
    scenario, analysed = results
    registry = RunRegistry(str(tmp_path / "runs.sqlite"))
    text = builtins.text("border-talks").replace("title:", "title:\x00", 1)
    line = text[:text.index("\x00")].count("\n") + 1
    with pytest.raises(StoreError, match=f"scenario text holds a NUL character, line {line}"):
        registry.record(scenario, analysed, scenario_text=text)
    assert registry.list() == []


# -- on a real server ---------------------------------------------------------------------------


def test_recording_and_every_runs_command(db, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text(builtins.text("border-talks").replace("salience: 0.4", "salience: 0.2"))
    for n, source in enumerate(("border-talks", str(changed)), start=1):
        proc = run("analyze", source, *FAST, "--out", str(tmp_path / f"r{n}"), "--db", db)
        assert proc.returncode == 0, proc.stderr
        assert f"recorded run {n} in {db}" in proc.stdout

    listed = run("runs", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("border-talks") == 2 and db in listed.stdout
    shown = run("runs", "show", "2", "--db", db)
    assert shown.returncode == 0 and "overview, agreement" in shown.stdout
    diff = run("runs", "diff", "1", "2", "--db", db)
    assert diff.returncode == 0, diff.stderr
    assert SALIENCE in diff.stdout and "agreement · border · reservation · north" in diff.stdout

    # the server gives back exactly what the run wrote: the results document and the YAML as typed
    out = tmp_path / "run-2.json"
    assert run("runs", "export", "2", "--db", db, "--output", str(out)).returncode == 0
    exported = json.loads(out.read_text())
    assert exported == RunRegistry(db).export(2)
    assert exported["results"] == json.loads((tmp_path / "r2" / "results.json").read_text())
    assert exported["scenario"]["yaml"] == changed.read_text()
    assert exported["parameters"] == {"only": ["overview", "agreement"], "options": {}, "workers": 1,
                                      "draws": 1000, "seed": 20240601}
    missing = run("runs", "show", "3", "--db", db)
    assert missing.returncode == 2 and one_line(missing) == f"no run 3 in {db}"


WRITER = """
import sys, multitrack
from multitrack.store import RunRegistry
url, who = sys.argv[1], sys.argv[2]
scenario = multitrack.load("border-talks")
results = multitrack.analyze(scenario, only=["overview"])
registry = RunRegistry(url)
print(*[registry.record(scenario, results, parameters={"who": who, "n": n}) for n in range(3)])
"""


def test_concurrent_writers_on_a_new_database_lose_nothing(db):
    """Four processes create the tables and record three runs each, all at once."""
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, db, f"w{i}"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(4)]
    ids = []
    for proc in procs:
        out, err = proc.communicate(timeout=HANG)
        assert proc.returncode == 0, err
        ids += [int(x) for x in out.split()]
    registry = RunRegistry(db)
    runs = registry.list()
    assert sorted(ids) == sorted(r.id for r in runs) and len(set(ids)) == 12
    assert sorted((r.parameters["who"], r.parameters["n"]) for r in runs) == sorted(
        (f"w{i}", n) for i in range(4) for n in range(3))
    for r in runs:
        registry.get(r.id)  # every stored run reads back whole (its checksum matches)


KILLED = """
import os, sys, multitrack
from multitrack.store import RunRegistry
url, marker = sys.argv[1], sys.argv[2]
scenario = multitrack.load("border-talks")
results = multitrack.analyze(scenario, only=["overview"])
registry = RunRegistry(url)
registry.record(scenario, results, parameters={"n": 0})
os.environ["MULTITRACK_STORE_PAUSE_BEFORE_COMMIT"] = "300"
os.environ["MULTITRACK_STORE_PAUSE_MARKER"] = marker
registry.record(scenario, results, parameters={"n": 1})
"""


def _pause(argv, marker: Path, env=None) -> subprocess.Popen:
    """Start a writer and return once it holds its transaction open before the commit."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "250", **(env or {})})
    deadline = time.monotonic() + HANG
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(proc.communicate()[1])
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the writer never reached its commit")
        time.sleep(0.05)
    return proc


def _counts(cluster, db: str) -> list[int]:
    name = db.rsplit("/", 1)[1]
    return [cluster.sql(f"SELECT count(*) FROM {t}", name)[0][0]
            for t in ("multitrack_runs", "multitrack_run_scenarios", "multitrack_run_results")]


def test_a_writer_killed_inside_its_transaction_leaves_no_trace(cluster, db, tmp_path, results):
    marker = tmp_path / "paused"
    proc = _pause([sys.executable, "-c", KILLED, db, str(marker)], marker)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=HANG)
    assert proc.returncode == -signal.SIGKILL
    assert _counts(cluster, db) == [1, 1, 1]  # the killed run's rows are gone with its transaction
    registry = RunRegistry(db)
    assert [r.id for r in registry.list()] == [1]
    # the killed transaction used id 2 up: ids on a server are unique, not contiguous (docs/runs.md)
    scenario, analysed = results
    assert registry.record(scenario, analysed) == 3
    assert [r.id for r in registry.list()] == [3, 1]


def test_a_server_stopped_mid_run_loses_nothing_and_says_so_in_one_line(cluster, db, tmp_path):
    first = run("analyze", "border-talks", *FAST, "--quiet", "--out", str(tmp_path / "o1"), "--db", db)
    assert first.returncode == 0, first.stderr
    marker = tmp_path / "paused"
    proc = _pause([sys.executable, "-m", "multitrack", "analyze", "border-talks", *FAST, "--quiet",
                   "--out", str(tmp_path / "o2"), "--db", db], marker,
                  env={"MULTITRACK_STORE_PAUSE_BEFORE_COMMIT": "3",
                       "MULTITRACK_STORE_PAUSE_MARKER": str(marker)})
    cluster.stop("immediate")
    try:
        out, err = proc.communicate(timeout=HANG)
        # the report is written before recording; the failed recording is a warning, not a failure
        assert proc.returncode == 0 and (tmp_path / "o2" / "results.json").exists()
        warning = one_line(proc, err)
        assert warning.startswith(f"warning: run not recorded: {db}: cannot record the run (")
        down = run("runs", "list", "--db", db)
        assert down.returncode == 2
        assert one_line(down).startswith(f"{db}: cannot open the run database (")
    finally:
        cluster.start()
    assert _counts(cluster, db) == [1, 1, 1]
    listed = run("runs", "list", "--db", db)
    assert listed.returncode == 0 and listed.stdout.count("border-talks") == 1


class SilentServer:
    """A socket that accepts connections and never answers (a hung server, a stuck proxy)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def silent():
    pytest.importorskip("psycopg", reason="the PostgreSQL driver is not installed")
    server = SilentServer()
    yield server
    server.close()


def test_a_server_that_never_answers_fails_at_the_connect_timeout(silent, tmp_path):
    url = f"postgresql://multitrack@127.0.0.1:{silent.port}/runs"
    env = {"MULTITRACK_DB_CONNECT_TIMEOUT": "2"}
    listed = run("runs", "list", "--db", url, env=env, timeout=60)
    assert listed.returncode == 2
    assert one_line(listed) == (f"{url}: cannot open the run database (connection timeout expired; "
                                "no answer within the connect timeout of 2 s; set "
                                "$MULTITRACK_DB_CONNECT_TIMEOUT to wait longer)")
    analysed = run("analyze", "border-talks", "--only", "overview", "--quiet", "--out", str(tmp_path / "o"),
                   "--db", url, env=env, timeout=60)
    assert analysed.returncode == 0 and (tmp_path / "o" / "results.json").exists()
    assert "connect timeout of 2 s" in one_line(analysed)
    assert silent.accepted  # the server was reached: the wait, not a refusal, ended it


def test_a_statement_stuck_behind_a_lock_fails_at_the_statement_timeout(cluster, db, tmp_path):
    assert run("analyze", "border-talks", "--only", "overview", "--quiet", "--out", str(tmp_path / "o"),
               "--db", db).returncode == 0
    import psycopg

    with psycopg.connect(db) as holder:
        holder.execute("LOCK TABLE multitrack_runs IN ACCESS EXCLUSIVE MODE")  # held until the block ends
        listed = run("runs", "list", "--db", db, env={"MULTITRACK_DB_STATEMENT_TIMEOUT": "1"}, timeout=60)
        assert listed.returncode == 2
        line = one_line(listed)
        # opening reads the table's columns, so the lock stops it there
        assert line.startswith(f"{db}: cannot open the run database (canceling statement due to statement "
                               "timeout")
        assert "statement timeout of 1 s; set $MULTITRACK_DB_STATEMENT_TIMEOUT" in line
    assert run("runs", "list", "--db", db).returncode == 0  # the lock gone, the same command works


def _grant_sql() -> str:
    """The GRANT statements docs/runs.md gives for a team (the ```sql block of its sharing part)."""
    blocks = re.findall(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert len(blocks) == 1, "docs/runs.md should hold one sql block: the team's GRANTs"
    return blocks[0]


def _grant(cluster, database: str, member: str) -> None:
    """Run the documented GRANTs in ``database`` for ``member`` (roles are the cluster's, so the
    team role is named after the database: each test makes its own)."""
    sql = _grant_sql().replace("alice, bob", member).replace("multitrack_team", f"team_{database}")
    for statement in filter(None, (s.strip() for s in re.sub(r"--[^\n]*", "", sql).split(";"))):
        cluster.sql(statement, database)


def test_the_documented_grants_let_a_team_member_record_and_read(cluster, db, tmp_path, results):
    scenario, analysed = results
    owner = RunRegistry(db)
    assert owner.record(scenario, analysed) == 1  # the first run makes the tables
    owner.close()
    name = db.rsplit("/", 1)[1]
    member = f"alice_{name}"
    cluster.sql(f"CREATE ROLE {member} LOGIN", name)
    as_member = cluster.url(name, member)

    refused = RunRegistry(as_member)
    with pytest.raises(StoreError, match="permission denied"):
        refused.list()
    refused.close()

    _grant(cluster, name, member)
    team = RunRegistry(as_member)
    assert team.record(scenario, analysed, parameters={"who": member}) == 2
    assert [r.id for r in team.list()] == [2, 1]
    assert team.get(2).parameters == {"who": member}
    team.close()
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # members add runs; they change none
        cluster.sql("DELETE FROM multitrack_runs", name, member)


def test_the_web_app_records_its_runs_on_the_server(db):
    import warnings

    with warnings.catch_warnings():  # newer Starlette prefers httpx2; httpx still works
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from multitrack.web import WebSettings, create_app

    c = TestClient(create_app(WebSettings(db=db)), base_url="http://127.0.0.1")
    assert c.post("/scenario/builtin", data={"name": "border-talks"}).status_code == 200
    c.post("/run", data={"draws": "100", "seed": "1"})
    deadline = time.monotonic() + HANG
    while (status := c.get("/progress").json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the web run did not finish"
        time.sleep(0.1)
    assert status["state"] == "done" and status["message"].endswith("recorded as run 1"), status
    (recorded,) = RunRegistry(db).list()
    assert recorded.scenario_id == "border-talks"
    assert recorded.parameters["source"] == "web: built-in border-talks"


def test_who_recorded_each_run_is_kept_shown_and_filtered(db, tmp_path):
    for who in ("alice", "bob"):
        proc = run("analyze", "border-talks", *FAST, "--quiet", "--out", str(tmp_path / who), "--db", db,
                   env={"MULTITRACK_USER": who})
        assert proc.returncode == 0, proc.stderr
    assert [(r.id, r.recorded_by) for r in RunRegistry(db).list()] == [(2, "bob"), (1, "alice")]

    listed = run("runs", "list", "--db", db, env={"COLUMNS": "80"})
    rows = [line.split() for line in listed.stdout.splitlines() if line.split()[:1] in (["1"], ["2"])]
    assert [row[3] for row in rows] == ["bob", "alice"]  # id, day, minute, by, scenario, ...
    assert all(len(line) <= 80 for line in listed.stdout.splitlines())
    mine = run("runs", "list", "--db", db, "--by", "alice", "--json")
    assert [(r["id"], r["recorded_by"]) for r in json.loads(mine.stdout)] == [(1, "alice")]
    nobody = run("runs", "list", "--db", db, "--by", "carol", "--scenario", "border-talks")
    assert nobody.stdout.startswith("no runs of border-talks by carol recorded in")
    shown = " ".join(run("runs", "show", "1", "--db", db).stdout.replace("│", " ").split())
    assert "recorded by alice" in shown
    assert RunRegistry(db).export(2)["recorded_by"] == "bob"
    diff = run("runs", "diff", "1", "2", "--db", db)
    assert "border-talks, by alice) -> run 2 (" in diff.stdout and "border-talks, by bob)" in diff.stdout


def test_a_database_from_before_recorded_by_gets_the_column_where_the_role_may(cluster, db, results):
    """An older registry lacks the column: members (no ALTER right) record without it, the
    owner's next run adds it; nothing is refused or lost."""
    scenario, analysed = results
    assert RunRegistry(db).record(scenario, analysed, recorded_by="owner") == 1
    name = db.rsplit("/", 1)[1]
    cluster.sql("ALTER TABLE multitrack_runs DROP COLUMN recorded_by", name)  # as an older version made it
    member = f"bob_{name}"
    cluster.sql(f"CREATE ROLE {member} LOGIN", name)
    _grant(cluster, name, member)
    team = RunRegistry(cluster.url(name, member))
    assert team.record(scenario, analysed, recorded_by=member) == 2
    assert [(r.id, r.recorded_by) for r in team.list()] == [(2, None), (1, None)]
    assert team.list(recorded_by=member) == []
    owner = RunRegistry(db)
    assert owner.record(scenario, analysed, recorded_by="owner") == 3
    assert [(r.id, r.recorded_by) for r in RunRegistry(db).list()] == [(3, "owner"), (2, None), (1, None)]
    assert RunRegistry(cluster.url(name, member)).get(3).recorded_by == "owner"


def test_a_server_that_hangs_after_connecting_is_given_up_by_the_client(cluster, db, results):
    """The server process stops (SIGSTOP) once the connection is made: its kernel keeps the
    connection alive, so neither the server's statement timeout nor TCP's ends the wait; the
    client's own deadline (statement timeout + grace) does."""
    scenario, analysed = results
    assert RunRegistry(db).record(scenario, analysed) == 1
    stopped: list[int] = []
    rescued = threading.Event()

    def stop_the_backend(dbapi, _record):
        if dbapi.info.dbname == db.rsplit("/", 1)[1] and not rescued.is_set():
            stopped.append(dbapi.info.backend_pid)
            os.kill(stopped[-1], signal.SIGSTOP)

    def rescue_the_backends():
        rescued.set()
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)

    sa.event.listen(sa.pool.Pool, "connect", stop_the_backend)
    registry = RunRegistry(db, timeouts=Timeouts(connect=5, statement=1))
    # without the client's deadline the call would wait for ever: wake the server after 60 s, so
    # that such a failure fails this test instead of stalling the suite
    rescue = threading.Timer(60, rescue_the_backends)
    rescue.start()
    try:
        with pytest.raises(StoreError) as caught:
            registry.list()
    finally:
        rescue.cancel()
        sa.event.remove(sa.pool.Pool, "connect", stop_the_backend)
        rescue_the_backends()
    assert stopped
    assert str(caught.value) == (
        f"{db}: cannot open the run database (no answer from the server for 6 s, the statement timeout of "
        "1 s and 5 s of grace: it may be hung; set $MULTITRACK_DB_STATEMENT_TIMEOUT to wait longer)")
    assert [r.id for r in RunRegistry(db).list()] == [1]  # the server answers again: nothing lost
