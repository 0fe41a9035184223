"""How the run registry connects to a database server: which driver a URL means, and time limits.

Two things a team meets on a shared PostgreSQL registry are settled here, once:

- **The driver.** ``postgresql://`` names no driver, and what SQLAlchemy picks for it depends on
  its version (psycopg2 on 2.0, psycopg 3 on 2.1). multitrack documents one driver, psycopg 3
  (``pip install 'multitrack[postgres]'``), so a URL without a driver is read as
  ``postgresql+psycopg://`` on every version; ``postgres://`` (the spelling of many hosting
  services) means the same. A URL that names its driver (``postgresql+psycopg2://``) is used as
  written.
- **Time limits.** Without them a client waits for ever on a server that accepts a connection but
  never answers, or on a statement stuck behind a lock. Every connection to a PostgreSQL server
  therefore carries libpq's ``connect_timeout`` (the whole connection start, authentication
  included), a server-side ``statement_timeout``, and TCP keepalives with a user timeout, so that
  a server that vanished from the network is noticed too. The limits come from
  :class:`Timeouts`: by default 10 s to connect and 60 s per statement, changed with the
  environment variables ``MULTITRACK_DB_CONNECT_TIMEOUT`` and ``MULTITRACK_DB_STATEMENT_TIMEOUT``
  (seconds; 0 means no limit), or in Python. A ``connect_timeout`` or ``options`` written in the
  URL's query wins over them. A server that stops answering altogether (its process hangs while
  its kernel keeps the connection up) is given up by the client itself, by :class:`Watchdog`.
  The limits are libpq's, so they hold with psycopg 3 and psycopg2; another driver named in the
  URL (``postgresql+pg8000://``) gets none of them.
"""

from __future__ import annotations

import math
import os
import socket
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import URL

from .records import StoreError

CONNECT_ENV = "MULTITRACK_DB_CONNECT_TIMEOUT"
STATEMENT_ENV = "MULTITRACK_DB_STATEMENT_TIMEOUT"
#: The driver multitrack documents and installs with ``multitrack[postgres]``.
POSTGRES_DRIVER = "psycopg"
#: Drivers built on libpq, which take libpq's connection parameters.
LIBPQ_DRIVERS = ("psycopg", "psycopg2")
INSTALL_HINT = "install the driver: pip install 'multitrack[postgres]'"
#: libpq rounds a connect timeout below 2 s up to 2 s.
_LIBPQ_MIN_CONNECT = 2


@dataclass(frozen=True)
class Timeouts:
    """How long a database server may take: to accept a connection, and to run one statement
    (seconds; 0 means no limit)."""

    connect: float = 10.0
    statement: float = 60.0

    def __post_init__(self) -> None:
        for name in ("connect", "statement"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value < 0:
                raise StoreError(f"{name} timeout: expected a number of seconds >= 0, got {value!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Timeouts:
        """The defaults, changed by ``$MULTITRACK_DB_CONNECT_TIMEOUT`` and
        ``$MULTITRACK_DB_STATEMENT_TIMEOUT`` where they are set."""
        env = os.environ if environ is None else environ
        default = cls()
        return cls(connect=_seconds(env, CONNECT_ENV, default.connect),
                   statement=_seconds(env, STATEMENT_ENV, default.statement))

    def describe(self) -> str:
        """The limits as a message names them, e.g. ``connect 10 s, statement 60 s``."""
        return f"connect {_shown(self.connect)}, statement {_shown(self.statement)}"


def _seconds(env, name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise StoreError(f"${name}={text!r}: expected a number of seconds >= 0 (0: no limit)")
    return value


def _shown(seconds: float) -> str:
    return "no limit" if seconds == 0 else f"{seconds:g} s"


def driver_url(url: URL) -> URL:
    """The URL with the documented driver filled in where it names none (see the module text)."""
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername=f"postgresql+{POSTGRES_DRIVER}")
    return url


def is_postgres(url: URL) -> bool:
    return url.get_backend_name() in ("postgresql", "postgres")


def connect_args(url: URL, timeouts: Timeouts) -> dict[str, Any]:
    """Connection arguments that put the time limits on every PostgreSQL connection through a
    libpq driver (psycopg 3 or psycopg2; none for other databases and drivers, whose arguments
    differ); what the URL's query already sets is left to it."""
    if not is_postgres(url) or url.get_driver_name() not in LIBPQ_DRIVERS:
        return {}
    query = url.query
    args: dict[str, Any] = {}
    if "connect_timeout" not in query and timeouts.connect:
        args["connect_timeout"] = max(_LIBPQ_MIN_CONNECT, math.ceil(timeouts.connect))
    if "options" not in query and timeouts.statement:
        args["options"] = f"-c statement_timeout={math.ceil(timeouts.statement * 1000)}"
    keepalive = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
    for key, value in keepalive.items():
        if key not in query:
            args[key] = value
    if "tcp_user_timeout" not in query and timeouts.statement:
        # unacknowledged data for this long: the server is gone (Linux; ignored elsewhere)
        args["tcp_user_timeout"] = math.ceil(timeouts.statement * 1000)
    return args


def timeout_hint(reason: str, timeouts: Timeouts, url: URL) -> str:
    """What to add to a driver's message when a time limit ended the wait ("" otherwise)."""
    text = reason.lower()
    if "connect_timeout" in url.query and ("timeout expired" in text or "timed out" in text):
        return f"no answer within the connect timeout of {_shown(timeouts.connect)}; raise connect_timeout " \
               "in the URL to wait longer"
    if "statement timeout" in text:
        return (f"the server took longer than the statement timeout of {_shown(timeouts.statement)}; "
                f"set ${STATEMENT_ENV} to allow more")
    if "timeout expired" in text or "timed out" in text:
        return (f"no answer within the connect timeout of {_shown(timeouts.connect)}; "
                f"set ${CONNECT_ENV} to wait longer")
    return ""


def grace(timeouts: Timeouts) -> float:
    """How long past the statement timeout the client still waits for a server's answer (half the
    timeout again, at least 5 s) before it decides the server stopped answering."""
    return max(5.0, timeouts.statement / 2)


class Watchdog:
    """A client-side deadline for a server that stops answering altogether.

    ``statement_timeout`` is enforced by the server and TCP's timeouts need a peer that stops
    acknowledging, so a server process that hangs while its kernel keeps the connection alive
    would hold a client for ever. The watchdog watches each connection while it is checked out:
    every statement, commit and rollback restarts its clock, and when a connection has made no
    progress for the statement timeout plus :func:`grace`, the watchdog shuts its socket down.
    The waiting driver call then fails at once ("server closed the connection"), and the
    registry reports the deadline. It shuts the socket down but does not close it, so no file
    descriptor is reused. Only for libpq drivers (their socket is known) and a statement limit.
    """

    def __init__(self, timeouts: Timeouts) -> None:
        self.limit = timeouts.statement + grace(timeouts)
        self.fired = False
        self._timers: dict[int, threading.Timer] = {}
        self._lock = threading.Lock()

    def install(self, engine: Any) -> None:
        from sqlalchemy import event

        # from the moment a connection exists: the dialect's first queries run before checkout
        event.listen(engine, "connect", lambda dbapi, _record: self.kick(dbapi), insert=True)
        event.listen(engine, "checkout", lambda dbapi, _record, _proxy: self.kick(dbapi))
        event.listen(engine, "checkin", lambda dbapi, _record: self.stop(dbapi))
        event.listen(engine, "close", lambda dbapi, _record: self.stop(dbapi))
        for name in ("before_cursor_execute", "after_cursor_execute"):
            event.listen(engine, name, lambda conn, *_args: self._kick_connection(conn))
        for name in ("commit", "rollback", "begin"):
            event.listen(engine, name, lambda conn, *_args: self._kick_connection(conn))

    def _kick_connection(self, conn: Any) -> None:
        dbapi = getattr(conn.connection, "dbapi_connection", None)
        if dbapi is not None:
            self.kick(dbapi)

    def kick(self, dbapi: Any) -> None:
        """Progress on ``dbapi``: its clock starts again."""
        fd = _socket_of(dbapi)
        if fd is None:
            return
        timer = threading.Timer(self.limit, self._shut, (dbapi, fd))
        timer.daemon = True
        with self._lock:
            old = self._timers.pop(id(dbapi), None)
            self._timers[id(dbapi)] = timer
        if old is not None:
            old.cancel()
        timer.start()

    def stop(self, dbapi: Any) -> None:
        """``dbapi`` is back (or closed): nothing to watch."""
        with self._lock:
            timer = self._timers.pop(id(dbapi), None)
        if timer is not None:
            timer.cancel()

    def _shut(self, dbapi: Any, fd: int) -> None:
        with self._lock:
            if self._timers.get(id(dbapi)) is None or _socket_of(dbapi) != fd:
                return  # handed back meanwhile
            self._timers.pop(id(dbapi))
            self.fired = True
        try:
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _socket_of(dbapi: Any) -> int | None:
    """The file descriptor of a psycopg 3 or psycopg2 connection (None when it has none)."""
    try:
        fd = dbapi.fileno()
    except Exception:  # noqa: BLE001 - a closed connection, or a driver without fileno()
        return None
    return fd if isinstance(fd, int) and fd >= 0 else None
