"""``multitrack runs ...``: list, show, compare and export the runs ``analyze`` recorded.

A database problem raises :class:`~multitrack.store.StoreError`, which the console entry point
prints as one line on stderr with exit status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

runs_app = typer.Typer(no_args_is_help=True, help="The run registry: every analyze run, recorded; "
                       "list, show, diff and export them.")

_out = Console(emoji=False, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

DB_HELP = ("Run database: an SQLAlchemy URL (sqlite:///runs.sqlite, postgresql://host/db) or a file "
           "path (default: $MULTITRACK_DB, else runs.sqlite in the user data folder).")
_DB = typer.Option(None, "--db", metavar="URL", help=DB_HELP)
#: Rows of the diff's results table before the rest is only counted.
DIFF_ROWS = 40


def _registry(db: str | None):
    """The registry ``--db`` names (a mistyped path is an error, not an empty registry), or the
    default one."""
    from ..store import RunRegistry

    return RunRegistry(db, must_exist=db is not None)


@runs_app.command("list")
def list_runs(db: str | None = _DB,
              limit: int = typer.Option(50, "--limit", "-n", min=1,
                                        help="Show at most this many runs.")) -> None:
    """List the recorded runs, newest first."""
    registry = _registry(db)
    runs = registry.list(limit)
    if not runs:
        _out.print(f"no runs recorded in {registry.name}", markup=False)
        return
    table = Table(title=f"Runs in {registry.name} (inputs: the scenario's sha256)", title_justify="left")
    versions = len({run.software_version for run in runs}) > 1  # a column only when they differ
    for column in ("id", "recorded (UTC)", "scenario", "analyses", "settings", "inputs") + (
            ("version",) if versions else ()):
        table.add_column(column, no_wrap=column in ("id", "recorded (UTC)", "inputs"), overflow="fold")
    for run in runs:
        table.add_row(str(run.id), _when(run.created_at), run.scenario_id, ", ".join(run.analyses),
                      _settings_text(run.parameters), run.scenario_hash[:8],
                      *((run.software_version,) if versions else ()))
    _out.print(table)


@runs_app.command("show")
def show_run(run_id: int = typer.Argument(..., metavar="ID", help="Run id (see multitrack runs list)."),
             db: str | None = _DB) -> None:
    """Show one recorded run: scenario, parameters, version and the analyses it ran."""
    record = _registry(db).get(run_id)
    table = Table(title=f"Run {record.id}", title_justify="left", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    lines = len(record.scenario_text.splitlines()) if record.scenario_text else 0
    for name, value in [
        ("recorded (UTC)", _when(record.created_at)),
        ("scenario", f"{record.scenario_id}: {record.scenario_title}"),
        ("scenario sha256", record.scenario_hash),
        ("scenario file", f"kept ({lines} lines of YAML)" if record.scenario_text
         else "not kept (JSON only)"),
        ("analyses", ", ".join(record.analyses) or "none"),
        ("settings", _settings_text(record.parameters) or "defaults"),
        ("workers", str(record.parameters.get("workers", 1))),
        ("multitrack", record.software_version),
        ("results", f"{len(json.dumps(record.results)):,} characters of JSON"),
    ]:
        table.add_row(name, value)
    _out.print(table)
    _out.print(f"the whole record: multitrack runs export {record.id}", markup=False)


@runs_app.command("diff")
def diff_runs(a: int = typer.Argument(..., metavar="ID1", help="The earlier run."),
              b: int = typer.Argument(..., metavar="ID2", help="The later run."),
              db: str | None = _DB) -> None:
    """What changed from run ID1 to run ID2: the headline findings that changed beyond the noise
    first, then input fields, parameters, and the results that moved."""
    from ..compare import compare_documents
    from .compare_commands import show_comparison

    registry = _registry(db)
    diff = registry.diff(a, b)
    ra, rb = registry.get(a), registry.get(b)
    headline = compare_documents(ra.results.get("analyses") or {}, rb.results.get("analyses") or {},
                                 f"run {a}", f"run {b}", ra.scenario, rb.scenario)
    show_comparison(_out, headline, table=False)  # the headline changes before the detailed rows
    _out.print(f"run {diff.a.id} ({_when(diff.a.created_at)}, {diff.a.scenario_id}) -> "
               f"run {diff.b.id} ({_when(diff.b.created_at)}, {diff.b.scenario_id})", markup=False,
               soft_wrap=True)
    if diff.same_scenario:
        _out.print(f"inputs: the same scenario (sha256 {diff.a.scenario_hash[:12]})", markup=False)
    else:
        _changes_table("Inputs that changed", diff.inputs, diff.a.id, diff.b.id)
    if diff.parameters:
        _changes_table("Parameters that changed", diff.parameters, diff.a.id, diff.b.id)
    else:
        _out.print("parameters: the same", markup=False)
    _moves_table(diff)


@runs_app.command("export")
def export_run(run_id: int = typer.Argument(..., metavar="ID", help="Run id (see multitrack runs list)."),
               output: Path | None = typer.Option(None, "--output", "-o",
                                                     help="File to write (default: print to stdout)."),
               force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
               db: str | None = _DB) -> None:
    """Write the whole record of a run as JSON: scenario, parameters, version and results."""
    from ..report.files import atomic_write_text

    text = json.dumps(_registry(db).export(run_id), indent=2, ensure_ascii=False)
    if output is None:
        sys.stdout.write(text + "\n")
        return
    if output.exists() and not force:
        _refuse(f"{output}: already exists; nothing written (use --force to overwrite)")
    if output.is_dir():
        _refuse(f"{output}: is a folder; nothing written")
    try:
        atomic_write_text(output, text + "\n")
    except OSError as exc:
        _refuse(f"{output}: cannot write: {exc.strerror or exc}")
    _out.print(f"wrote {output}", markup=False)


def record_run(db: str | None, scenario_arg: str, model, results: dict[str, Any],
               parameters: dict[str, Any], *, quiet: bool = False) -> int | None:
    """Record an ``analyze`` run; any failure is a one-line warning, never a lost report."""
    try:
        registry = _registry(db)
        run_id = registry.record(model, results, scenario_text=scenario_text(scenario_arg),
                                 parameters=parameters)
    except Exception as exc:  # noqa: BLE001 - the report is written; recording must not fail the run
        _err.print(f"warning: run not recorded: {' '.join(str(exc).split()) or type(exc).__name__}",
                   markup=False)
        return None
    if not quiet:
        _out.print(f"recorded run {run_id} in {registry.name}", markup=False, soft_wrap=True)
    return run_id


def scenario_text(name: str) -> str | None:
    """The YAML a scenario argument names: the file's text, or the built-in's (None if unreadable)."""
    from ..scenario import builtins

    path = Path(name)
    try:
        if path.is_file():
            return path.read_bytes().decode("utf-8-sig")
        if name in builtins.names():
            return builtins.text(name)
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _refuse(message: str) -> None:
    _err.print(message, markup=False)
    raise typer.Exit(2)


def _when(created_at: str) -> str:
    return created_at.replace("T", " ").removesuffix("+00:00")


def _settings_text(parameters: dict[str, Any]) -> str:
    """``draws=2000, seed=1, agreement.grid_points=21`` from a run's draws, seed and per-analysis
    options."""
    options = parameters.get("options") or {}
    parts = [f"{key}={parameters[key]}" for key in ("draws", "seed") if isinstance(parameters.get(key), int)]
    parts += [f"{name}.{key}={value}" for name, values in options.items() if isinstance(values, dict)
              for key, value in values.items()]
    workers = parameters.get("workers")
    if isinstance(workers, int) and workers > 1:
        parts.append(f"workers={workers}")
    return ", ".join(parts)


def _changes_table(title: str, changes, a: int, b: int) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("field", "change", f"run {a}", f"run {b}"):
        table.add_column(column)
    for change in changes:
        table.add_row(change.path, change.kind, change.old or "", change.new or "")
    _out.print(table)


def _moves_table(diff) -> None:
    from ..store.diff import render

    if not diff.results:
        _out.print("results: none moved" + _bulky_note(diff.bulky_changed), markup=False)
        return
    table = Table(title="Results that moved", title_justify="left")
    for column in ("result", f"run {diff.a.id}", f"run {diff.b.id}", "change"):
        table.add_column(column, justify="left" if column == "result" else "right")
    for move in diff.results[:DIFF_ROWS]:
        change = f"{move.delta:+.4g}" if move.numeric else ""
        table.add_row(move.label, render(move.old), render(move.new), change)
    _out.print(table)
    rest = len(diff.results) - DIFF_ROWS
    if rest > 0:
        _out.print(f"... and {rest} more moved result{'s' if rest > 1 else ''} (smaller moves; "
                   f"multitrack runs export shows everything)", markup=False)
    if diff.bulky_changed:
        _out.print(_bulky_note(diff.bulky_changed).removeprefix("; "), markup=False)


def _bulky_note(n: int) -> str:
    if not n:
        return ""
    return f"; {n} long list{'s' if n > 1 else ''} (frontier points and the like) also changed, not itemised"

