"""``multitrack serve``: the local web app, on 127.0.0.1 unless told otherwise.

The port is bound before anything is printed, so a taken port gets its one-line refusal (exit 2)
instead of an address that does not answer; uvicorn then serves on that very socket, so no other
program can take the port in between.
"""

from __future__ import annotations

import errno
import ipaddress
import socket

import typer

_LOOPBACK_NAMES = {"localhost"}


def serve(port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to listen on."),
          host: str = typer.Option("127.0.0.1", "--host",
                                   help="Address to listen on; anything but a loopback address lets "
                                        "other computers use the app."),
          db: str = typer.Option(None, "--db", metavar="URL", help="Run database to record each run in "
                                 "(default: MULTITRACK_DB or the user data folder)."),
          no_record: bool = typer.Option(False, "--no-record", help="Do not record runs.")) -> None:
    """Start the web app: pick or upload a scenario, edit positions and red lines, re-run the analyses."""
    import uvicorn

    from ..web import WebSettings, create_app

    shown = f"[{host}]" if ":" in host else host
    try:
        listener = bind(host, port)
    except OSError as exc:
        typer.echo(f"error: cannot listen on {shown}:{port}: {_reason(exc, port)}", err=True)
        raise typer.Exit(2) from None
    hosts = ("127.0.0.1", "localhost", host) if _loopback(host) else ("*",)
    if not _loopback(host):
        typer.echo(f"warning: listening on {host}: anyone who can reach this address can use the app",
                   err=True)
    typer.echo(f"multitrack web app on http://{shown}:{port}/ (Ctrl-C stops it)")
    settings = WebSettings(allowed_hosts=hosts, db=db, record_runs=not no_record)
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning")
    with listener:
        uvicorn.Server(config).run(sockets=[listener])


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (raises OSError when the port is taken).

    SO_REUSEADDR, as uvicorn sets it, lets a restarted server reuse a port whose old connections
    linger in TIME_WAIT; on Linux and macOS it does not let two servers listen on one port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _reason(exc: OSError, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is already in use (another server?); choose another with --port"
    if exc.errno == errno.EACCES:
        return f"not allowed to use port {port}; choose one above 1023 with --port"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return "no such address on this computer; check --host"
    return exc.strerror or str(exc)


def _loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
