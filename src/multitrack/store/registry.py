"""The run registry: every analysis run recorded in a local SQLite file or a shared database.

Each run is written in one transaction (all rows, then commit), so a crash leaves either the
whole run or nothing. A SQLite file runs in WAL mode with ``synchronous=FULL``. A file that is
not a multitrack run database is refused before anything writes to it.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

from .._version import __version__
from ..results import results_document
from .connection import (
    INSTALL_HINT,
    LIBPQ_DRIVERS,
    STATEMENT_ENV,
    Timeouts,
    Watchdog,
    connect_args,
    driver_url,
    is_postgres,
    timeout_hint,
)
from .records import RunRecord, RunSummary, StoreError

if TYPE_CHECKING:
    from .diff import RunDiff

SCHEMA_VERSION = 1
APPLICATION = "multitrack run registry"
#: Test hook: seconds to sleep inside the open transaction, after the inserts, before commit.
PAUSE_ENV = "MULTITRACK_STORE_PAUSE_BEFORE_COMMIT"
#: With the pause: a file written when the pause starts, so a test knows when to kill.
PAUSE_MARKER_ENV = "MULTITRACK_STORE_PAUSE_MARKER"

#: The optional column of who recorded a run, and the longest name it keeps.
AUTHOR, MAX_AUTHOR = "recorded_by", 200
#: Who records: this variable, else the login name.
AUTHOR_ENV = "MULTITRACK_USER"

_metadata = sa.MetaData()
_meta = sa.Table("multitrack_meta", _metadata,
                 sa.Column("key", sa.String(64), primary_key=True),
                 sa.Column("value", sa.Text, nullable=False))
_runs = sa.Table("multitrack_runs", _metadata,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                 sa.Column("created_at", sa.String(40), nullable=False),
                 sa.Column("scenario_id", sa.String(200), nullable=False, index=True),
                 sa.Column("scenario_title", sa.Text, nullable=False),
                 sa.Column("scenario_hash", sa.String(64), nullable=False, index=True),
                 sa.Column("analyses", sa.Text, nullable=False),  # JSON list of names
                 sa.Column("parameters", sa.Text, nullable=False),  # JSON object
                 sa.Column("software_version", sa.String(64), nullable=False),
                 sa.Column("checksum", sa.String(64), nullable=False),  # sha256 of the stored payload
                 # who recorded the run (a label, not an authentication); added after schema 1 was
                 # first released, so a database may lack it: it is added when the role may
                 sa.Column(AUTHOR, sa.String(MAX_AUTHOR), nullable=True),
                 sqlite_autoincrement=True)
_scenarios = sa.Table("multitrack_run_scenarios", _metadata,
                      sa.Column("run_id", sa.Integer, sa.ForeignKey(_runs.c.id, ondelete="CASCADE"),
                                primary_key=True),
                      sa.Column("content", sa.Text, nullable=False),  # canonical JSON
                      sa.Column("yaml", sa.Text, nullable=True))
_results = sa.Table("multitrack_run_results", _metadata,
                    sa.Column("run_id", sa.Integer, sa.ForeignKey(_runs.c.id, ondelete="CASCADE"),
                              primary_key=True),
                    sa.Column("document", sa.Text, nullable=False))


def default_url() -> str:
    """``$MULTITRACK_DB`` (a URL or a path) or ``runs.sqlite`` in the user's data folder."""
    env = os.environ.get("MULTITRACK_DB", "").strip()
    if env:
        return normalize_url(env)
    import platformdirs

    return "sqlite:///" + str(Path(platformdirs.user_data_dir("multitrack")) / "runs.sqlite")


def normalize_url(value: str) -> str:
    """An SQLAlchemy URL as given, or a plain file path turned into ``sqlite:///PATH``."""
    value = value.strip()
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser())


def canonical_json(data: Any) -> str:
    """The one JSON text of ``data`` that hashes the same wherever and whenever it is written."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def scenario_hash(scenario_json: dict[str, Any]) -> str:
    """sha256 of the scenario's canonical JSON: equal hashes mean the same inputs."""
    return hashlib.sha256(canonical_json(scenario_json).encode("utf-8")).hexdigest()


class RunRegistry:
    """The recorded runs in one database (``url``: SQLAlchemy URL or file path; None: the default).

    ``must_exist``: reading a database file that is not there is an error naming the path (for a
    path the user typed, where a typo should not read as "no runs"); otherwise it holds no runs.
    Recording always creates the file.

    ``timeouts``: how long a database server may take to accept a connection and to run one
    statement (default: :meth:`Timeouts.from_env`); see :mod:`multitrack.store.connection`."""

    def __init__(self, url: str | None = None, *, must_exist: bool = False,
                 timeouts: Timeouts | None = None) -> None:
        self.url = normalize_url(url) if url else default_url()
        self.must_exist = must_exist
        try:
            self._url = sa.make_url(self.url)
        except sa.exc.ArgumentError:
            raise StoreError(f"{self.url}: not a database URL or file path") from None
        self.name = _display_name(self._url)
        try:
            self.timeouts = _effective(self._url, timeouts or Timeouts.from_env())
        except StoreError as exc:
            raise StoreError(f"{self.name}: {exc}") from None
        self._engine: Engine | None = None
        self._ready = False
        self._authors = False  # whether the runs table has the recorded_by column
        self._watchdog: Watchdog | None = None  # a server's client-side deadline (see connection.py)

    # -- public API -------------------------------------------------------------------------

    def record(self, scenario, results: dict[str, Any], *, scenario_text: str | None = None,
               parameters: dict[str, Any] | None = None, recorded_by: str | None = None) -> int:
        """Record one run (scenario, parameters, results document) in one transaction; its id.

        ``recorded_by``: who records it (default: :func:`recorder`, ``$MULTITRACK_USER`` or the
        login name); kept where the database has the column (see :meth:`_add_author_column`)."""
        content = _scenario_json(self.name, scenario)
        document = _results_json(self.name, scenario, results)
        row = _run_row(scenario, content, results, parameters)
        _refuse_nul(self.name, scenario_text, row["scenario_title"])
        row["checksum"] = _checksum(content, scenario_text, document, row["parameters"])
        engine = self._open(create=True)
        assert engine is not None  # create=True makes the database when it is missing
        if self._add_author_column(engine):
            row[AUTHOR] = _author(recorded_by if recorded_by is not None else recorder())
        with self._errors("cannot record the run"), engine.begin() as conn:
            key = conn.execute(_runs.insert().values(**row)).inserted_primary_key
            assert key is not None
            run_id = int(key[0])
            conn.execute(_scenarios.insert().values(run_id=run_id, content=content, yaml=scenario_text))
            conn.execute(_results.insert().values(run_id=run_id, document=document))
            _pause_before_commit()
        return run_id

    def list(self, limit: int = 50, *, scenario_id: str | None = None,
             recorded_by: str | None = None) -> list[RunSummary]:
        """The latest ``limit`` runs, newest first (none when the database does not exist yet);
        only those of one scenario, or recorded by one person, when asked."""
        engine = self._open(create=False)
        if engine is None:
            return []
        query = sa.select(*self._run_columns()).order_by(_runs.c.id.desc()).limit(max(0, int(limit)))
        if scenario_id is not None:
            query = query.where(_runs.c.scenario_id == scenario_id)
        if recorded_by is not None:
            if not self._authors:
                return []
            query = query.where(_runs.c.recorded_by == recorded_by)
        with self._errors("cannot read the runs"), engine.connect() as conn:
            return [_summary(row) for row in conn.execute(query).mappings()]

    def get(self, run_id: int) -> RunRecord:
        """The whole record of run ``run_id``; StoreError when there is none."""
        engine = self._open(create=False)
        row = None
        if engine is not None:
            query = (sa.select(*self._run_columns(), _scenarios.c.content, _scenarios.c.yaml,
                               _results.c.document)
                     .join(_scenarios, _scenarios.c.run_id == _runs.c.id)
                     .join(_results, _results.c.run_id == _runs.c.id)
                     .where(_runs.c.id == int(run_id)))
            with self._errors(f"cannot read run {run_id}"), engine.connect() as conn:
                row = conn.execute(query).mappings().first()
        if row is None:
            raise StoreError(f"no run {run_id} in {self.name}")
        return self._record_of(row)

    def diff(self, a: int, b: int) -> RunDiff:
        """What changed from run ``a`` to run ``b``: inputs, parameters and results that moved."""
        from .diff import diff_records

        return diff_records(self.get(a), self.get(b))

    def export(self, run_id: int) -> dict[str, Any]:
        """The whole record of run ``run_id`` as one JSON-ready document."""
        return self.get(run_id).to_dict()

    def close(self) -> None:
        """Release the database connections (they are also released at exit)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._ready = False

    def __enter__(self) -> RunRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RunRegistry({self.name!r})"

    # -- opening and checking the database ----------------------------------------------------

    def _open(self, *, create: bool) -> Engine | None:
        """The engine on a checked database; None when it does not exist and ``create`` is False."""
        if self._ready:
            return self._engine
        path = _sqlite_file(self._url)
        if path is not None:
            if not create and not path.exists() and self.must_exist:
                raise StoreError(f"{self.name}: does not exist (no run database there; check the path)")
            if not create and (not path.exists() or (path.is_file() and not path.stat().st_size)):
                return None  # reading never creates or touches a file
            self._prepare_file(path)
        engine = self._engine or self._make_engine()
        with self._errors("cannot open the run database"):
            ready = self._check_schema(engine, create)
        self._ready = ready
        return engine if ready else None

    def _prepare_file(self, path: Path) -> None:
        """Check an existing SQLite file read-only (nothing is written to a foreign file), or
        make the folder of a new one."""
        if path.is_dir():
            raise StoreError(f"{self.name}: is a folder, not a run database file")
        if path.exists():
            if path.stat().st_size:
                _check_sqlite_file(path, self.name)
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.name}: cannot create its folder: {exc.strerror or exc}") from None

    def _make_engine(self) -> Engine:
        try:
            if self._url.get_backend_name() == "sqlite":
                engine = sa.create_engine(self._url, connect_args={"timeout": 30})
                sa.event.listen(engine, "connect", _sqlite_pragmas)
                sa.event.listen(engine, "begin", _sqlite_begin)
            else:
                url = driver_url(self._url)
                # no pool: every use connects afresh, so the connect timeout guards each one, and a
                # long-lived process (serve) never waits on a connection that went stale
                engine = sa.create_engine(url, poolclass=sa.pool.NullPool,
                                          connect_args=connect_args(url, self.timeouts))
                if is_postgres(url) and url.get_driver_name() in LIBPQ_DRIVERS and self.timeouts.statement:
                    self._watchdog = Watchdog(self.timeouts)
                    self._watchdog.install(engine)
        except ImportError as exc:
            hint = INSTALL_HINT if is_postgres(self._url) else "install the database's Python driver"
            raise StoreError(f"{self.name}: cannot open the run database ({_reason(exc)}; {hint})") from None
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"{self.name}: cannot open the run database ({_reason(exc)})") from None
        self._engine = engine
        return engine

    def _check_schema(self, engine: Engine, create: bool) -> bool:
        """True when the multitrack tables are there (made now if ``create``) and readable."""
        if self._has_schema(engine):
            return True
        if not create:
            return False
        try:
            with engine.begin() as conn:
                _metadata.create_all(conn, checkfirst=True)
                conn.execute(_meta.insert(), [{"key": "application", "value": APPLICATION},
                                              {"key": "schema_version", "value": str(SCHEMA_VERSION)}])
        except (sa.exc.OperationalError, sa.exc.IntegrityError, sa.exc.ProgrammingError):
            if not self._has_schema(engine):  # another process may have created the tables meanwhile
                raise
        return self._has_schema(engine)  # and learn which columns it has

    def _has_schema(self, engine: Engine) -> bool:
        """True when the registry's tables exist (and belong to a schema this version reads)."""
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            if _meta.name not in inspector.get_table_names():
                return False
            _check_meta(_meta_rows(conn), self.name)
            self._authors = AUTHOR in {c["name"] for c in inspector.get_columns(_runs.name)}
        return True

    def _run_columns(self) -> tuple[sa.Column, ...]:
        """The runs table's columns this database has (without recorded_by where it lacks it)."""
        return tuple(c for c in _runs.columns if self._authors or c.name != AUTHOR)

    def _add_author_column(self, engine: Engine) -> bool:
        """Whether runs can keep who recorded them: a database made before the column existed
        gets it now, where this role may change the table (its owner); else runs are recorded
        without it. Nothing else about the database changes."""
        if self._authors:
            return True
        column = _runs.c.recorded_by.type.compile(engine.dialect)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"ALTER TABLE {_runs.name} ADD COLUMN {AUTHOR} {column}")
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.InternalError):
            pass  # not the owner, or another process added it meanwhile
        with self._errors("cannot open the run database"):
            self._has_schema(engine)
        return self._authors

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        """Turn a database failure into a one-line StoreError naming the database."""
        try:
            yield
        except StoreError:
            raise
        except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
            reason = _reason(exc)
            if "not a database" in reason:
                raise StoreError(f"{self.name}: not a multitrack run database ({reason})") from None
            if "malformed" in reason or "corrupt" in reason or "decode" in reason:
                reason = reason.split(" with text")[0]  # a decoding error quotes the damaged text
                raise StoreError(f"{self.name}: the run database is damaged ({reason})") from None
            if self._watchdog is not None and self._watchdog.fired:
                self._watchdog.fired = False
                limit, statement = self._watchdog.limit, self.timeouts.statement
                raise StoreError(
                    f"{self.name}: {what} (no answer from the server for {limit:g} s, the statement timeout "
                    f"of {statement:g} s and {limit - statement:g} s of grace: it may be hung; set "
                    f"${STATEMENT_ENV} to wait longer)") from None
            hint = timeout_hint(reason, self.timeouts, self._url)
            raise StoreError(f"{self.name}: {what} ({reason}{'; ' + hint if hint else ''})") from None

    def _record_of(self, row) -> RunRecord:
        if _checksum(row["content"], row["yaml"], row["document"], row["parameters"]) != row["checksum"]:
            raise StoreError(f"{self.name}: run {row['id']} is damaged (its checksum does not match)")
        try:
            scenario = json.loads(row["content"])
            results = json.loads(row["document"])
        except ValueError:
            raise StoreError(f"{self.name}: run {row['id']} is damaged (its JSON does not parse)") from None
        s = _summary(row)
        return RunRecord(s.id, s.created_at, s.scenario_id, s.scenario_title, s.scenario_hash,
                         s.software_version, s.analyses, scenario, row["yaml"], s.parameters, results,
                         s.recorded_by)


# -- helpers --------------------------------------------------------------------------------


def _display_name(url: URL) -> str:
    """The database as messages name it: the file path for SQLite, the URL without password else."""
    path = _sqlite_file(url)
    if path is not None:
        return str(path)
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _effective(url: URL, timeouts: Timeouts) -> Timeouts:
    """The limits in force: a ``connect_timeout`` written in the URL wins (for messages)."""
    given = url.query.get("connect_timeout")
    if isinstance(given, str) and is_postgres(url):
        try:
            return Timeouts(connect=float(given), statement=timeouts.statement)
        except (ValueError, StoreError):
            raise StoreError(f"connect_timeout={given!r} in the URL: expected a number of seconds") from None
    return timeouts


def _refuse_nul(name: str, scenario_text: str | None, title: str) -> None:
    """No database is given a NUL character (PostgreSQL refuses them in text; SQLite would keep
    them and then differ from the team's server). Validation refuses them in scenario files."""
    for what, text in (("scenario text", scenario_text), ("scenario title", title)):
        if text and "\x00" in text:
            line = text.count("\n", 0, text.index("\x00")) + 1
            raise StoreError(f"{name}: cannot record the run (the {what} holds a NUL character, line {line}; "
                             "no database stores one)")


def _sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL (None for an in-memory or non-SQLite database)."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _check_sqlite_file(path: Path, name: str) -> None:
    """Read an existing file read-only: refuse anything that is not a multitrack run database."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"{name}: cannot open the run database ({_reason(exc)})") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return
        if _meta.name not in tables:
            shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise StoreError(f"{name}: not a multitrack run database (it holds other tables: {shown})")
        _check_meta(dict(conn.execute(f"SELECT key, value FROM {_meta.name}").fetchall()), name)
        problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if problem != "ok":
            raise StoreError(f"{name}: the run database is damaged ({' '.join(problem.split())})")
    except sqlite3.Error as exc:
        reason = _reason(exc)
        what = "the run database is damaged" if "malformed" in reason else "not a multitrack run database"
        raise StoreError(f"{name}: {what} ({reason})") from None
    finally:
        conn.close()


def _meta_rows(conn) -> dict[str, str]:
    return {key: value for key, value in conn.execute(sa.select(_meta.c.key, _meta.c.value))}


def _check_meta(meta: dict[str, str], name: str) -> None:
    """Refuse a database whose registry rows are foreign or from a newer schema."""
    if meta.get("application") != APPLICATION:
        raise StoreError(f"{name}: not a multitrack run database (its {_meta.name} table is foreign)")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise StoreError(f"{name}: not a multitrack run database (no schema version)") from None
    if version > SCHEMA_VERSION:
        raise StoreError(f"{name}: written by a newer multitrack (run database schema {version}; "
                         f"this version reads up to {SCHEMA_VERSION})")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Crash safety on every SQLite connection: write-ahead log, fsync at each commit; and
    transactions begun by SQLAlchemy (below), not by the driver, so that table creation is
    inside one as well."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN")


def _reason(exc: BaseException) -> str:
    """The first line of the driver's message, without SQLAlchemy's SQL echo and links."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    line = text[0] if text else type(inner).__name__
    return line if len(line) <= 160 else line[:157] + "..."


def _checksum(content: str, yaml: str | None, document: str, parameters: str) -> str:
    """sha256 over everything a run stores beyond its summary: a damaged record is noticed."""
    return hashlib.sha256(json.dumps([content, yaml, document, parameters]).encode("utf-8")).hexdigest()


def _scenario_json(name: str, scenario) -> str:
    try:
        return canonical_json(scenario.model_dump(mode="json"))
    except ValueError as exc:
        raise StoreError(f"{name}: cannot record the run (the scenario holds a value JSON cannot store: "
                         f"{exc})") from None


def _run_row(scenario, content: str, results: dict[str, Any], parameters: dict[str, Any] | None
             ) -> dict[str, Any]:
    return {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario_id": scenario.id,
        "scenario_title": scenario.title or "",
        "scenario_hash": hashlib.sha256(content.encode("utf-8")).hexdigest(),
        "analyses": json.dumps(list(results)),
        "parameters": json.dumps(parameters or {}, ensure_ascii=False, default=str),
        "software_version": __version__,
    }


def _results_json(name: str, scenario, results: dict[str, Any]) -> str:
    try:
        return json.dumps(results_document(scenario, results), ensure_ascii=False, allow_nan=False)
    except ValueError as exc:
        raise StoreError(f"{name}: cannot record the run (results hold a value JSON cannot store: {exc})"
                         ) from None


def _summary(row) -> RunSummary:
    return RunSummary(id=int(row["id"]), created_at=row["created_at"], scenario_id=row["scenario_id"],
                      scenario_title=row["scenario_title"], scenario_hash=row["scenario_hash"],
                      analyses=tuple(_loads(row["analyses"], [])), parameters=_loads(row["parameters"], {}),
                      software_version=row["software_version"], recorded_by=row.get(AUTHOR))


def recorder() -> str | None:
    """Who is recording: ``$MULTITRACK_USER``, else the login name (None when neither is known).
    A label people read in ``runs list``, not an identity the registry checks: on a shared
    server the database's own roles and GRANTs say who may record."""
    name = os.environ.get(AUTHOR_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in this environment
        return None


def _author(name: str | None) -> str | None:
    """The name as stored: one line of visible text, at most MAX_AUTHOR characters (None: empty)."""
    if name is None:
        return None
    text = " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", name).split())[:MAX_AUTHOR]
    return text or None


def _loads(text: str | None, default: Any) -> Any:
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


def _pause_before_commit() -> None:
    """Test hook for crash safety: hold the transaction open for ``$MULTITRACK_STORE_PAUSE_BEFORE_COMMIT``
    seconds (after writing ``$MULTITRACK_STORE_PAUSE_MARKER``) so that a test can kill the process."""
    seconds = os.environ.get(PAUSE_ENV)
    if not seconds:
        return
    marker = os.environ.get(PAUSE_MARKER_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(seconds))
