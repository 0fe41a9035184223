"""``multitrack serve``: the local web app, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import ipaddress

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

    hosts = ("127.0.0.1", "localhost", host) if _loopback(host) else ("*",)
    if not _loopback(host):
        typer.echo(f"warning: listening on {host}: anyone who can reach this address can use the app",
                   err=True)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"multitrack web app on http://{shown}:{port}/ (Ctrl-C stops it)")
    settings = WebSettings(allowed_hosts=hosts, db=db, record_runs=not no_record)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
