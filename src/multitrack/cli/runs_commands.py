"""``multitrack runs ...``: list, show, compare and export the runs ``analyze`` recorded.

A database problem raises :class:`~multitrack.store.StoreError`, which the console entry point
prints as one line on stderr with exit status 2.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

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
                                        help="Show at most this many runs."),
              verbose: bool = typer.Option(False, "--verbose", "-v", help="A block per run with every "
                                           "detail: each analysis by name, the scenario's title and "
                                           "sha256, the time to the second, the version (by default: one "
                                           "line per run)."),
              as_json: bool = typer.Option(False, "--json", help="Print the runs as JSON (every field, "
                                           "the parameters as recorded)."),
              scenario: str | None = typer.Option(None, "--scenario", metavar="ID",
                                                  help="Only the runs of this scenario (its id)."),
              by: str | None = typer.Option(None, "--by", metavar="NAME",
                                            help="Only the runs recorded by NAME (see the 'by' column).")
              ) -> None:
    """List the recorded runs, newest first: one line each (the whole run: multitrack runs show ID)."""
    from .terminal import cell  # the scenario models it imports take a while: only when listing

    registry = _registry(db)
    runs = registry.list(limit, scenario_id=scenario, recorded_by=by)
    if as_json:
        # ASCII: a control character in a name reaches the terminal as its \u escape, not raw
        sys.stdout.write(json.dumps([_run_json(run) for run in runs], indent=2) + "\n")
        return
    if not runs:
        which = "".join(f" {what} {value}" for what, value in (("of", scenario), ("by", by)) if value)
        _out.print(cell(f"no runs{which} recorded in {registry.name}"))
        return
    _out.print(cell(f"Runs in {registry.name}, newest first"))
    lines = None if verbose else _line_table([_ListRow.of(run, False) for run in runs], _out.width)
    if lines is None:  # asked for, or a terminal too narrow for one line per run
        _out.print(_run_blocks([_ListRow.of(run, True) for run in runs]))
        _out.print(cell("one run's results: multitrack runs export ID"))
        return
    table, notes = lines
    _out.print(table)
    _out.print(cell(notes))


@dataclass(frozen=True)
class _ListRow:
    """One run as ``runs list`` shows it: each cell's whole text (escaped), before any shortening."""

    id: str
    recorded: str  # to the minute in a line, to the second in a block
    scenario: str
    title: str
    analyses: tuple[str, ...]
    every: bool  # the run ran every analysis that applies (no --only)
    only: bool  # the run named its analyses with --only
    draws: str
    seed: str
    options: tuple[str, ...]  # per-analysis options (``agreement.grid_points=21``), workers
    inputs: str
    version: str
    by: str = ""  # who recorded it ("" when not known)

    @classmethod
    def of(cls, run, verbose: bool) -> _ListRow:
        from .terminal import visible

        recorded = _when(run.created_at)
        if not verbose and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", recorded):
            recorded = recorded[:16]  # to the minute
        draws, seed = (run.parameters.get(key) for key in ("draws", "seed"))
        parts = _settings_parts(run.parameters)[isinstance(draws, int) + isinstance(seed, int):]
        return cls(str(run.id), visible(recorded), visible(run.scenario_id),
                   visible(run.scenario_title), tuple(visible(name) for name in run.analyses),
                   _ran_every_analysis(run.parameters, run.analyses),
                   isinstance(run.parameters.get("only"), list),
                   str(draws) if isinstance(draws, int) else "", str(seed) if isinstance(seed, int) else "",
                   tuple(visible(part) for part in parts),
                   visible(run.scenario_hash if verbose else run.scenario_hash[:7]),
                   visible(run.software_version), visible(run.recorded_by or ""))


def _ran_every_analysis(parameters: dict[str, Any], analyses: tuple[str, ...]) -> bool:
    """Whether the run was unrestricted: ``analyze`` records ``only`` as null without --only, else
    the names given. A run recorded without that parameter (by the library, say) counts as
    restricted: its names are listed, not summed up."""
    return "only" in parameters and parameters["only"] is None and bool(analyses)


def _line_table(rows: list[_ListRow], width: int) -> tuple[Table, str] | None:
    """One line per run, and the notes on its short forms. The scenario id and the analyses share
    what the other columns leave of ``width`` (the id half of it, or what it needs): the analyses
    are shortened to names and ``+N more``, the id cut with "…". Per-analysis options and workers
    are counted, in a column only when a run has some; the version and who recorded each run get a
    column only when they differ between the listed runs. None when ``width`` cannot hold the
    other columns and the two headers."""
    cells: dict[str, list[str]] = {
        "id": [row.id for row in rows], "recorded (UTC)": [row.recorded for row in rows],
        "draws": [row.draws for row in rows], "seed": [row.seed for row in rows],
        "inputs": [row.inputs for row in rows]}
    if any(row.options for row in rows):  # counted: the names and values are long
        cells["options"] = [str(len(row.options)) if row.options else "" for row in rows]
    if len({row.version for row in rows}) > 1:  # a column only when they differ
        cells["version"] = [row.version for row in rows]
    if len({row.by for row in rows}) > 1:  # a shared database: who recorded each run, when they differ
        cells["by"] = [row.by for row in rows]
    widths = {head: max(len(head), *(cell_len(text) for text in texts)) for head, texts in cells.items()}
    room = width - sum(widths.values()) - len(cells) - 1  # one space between columns
    if room < len("scenario") + len("analyses"):
        return None
    scenario_width = max(len("scenario"), *(cell_len(row.scenario) for row in rows))
    analyses_width = max(len("analyses"), *(cell_len(_analyses_text(row, None)) for row in rows))
    if scenario_width + analyses_width > room:  # the id keeps half the room, or all it needs
        analyses_width = room - min(scenario_width, max(room // 2, room - analyses_width))
    cells["analyses"] = [_analyses_text(row, analyses_width) for row in rows]
    widths["analyses"] = max(len("analyses"), *(cell_len(text) for text in cells["analyses"]))
    widths["scenario"] = min(scenario_width, room - widths["analyses"])
    cells["scenario"] = [row.scenario for row in rows]
    heads = [head for head in ("id", "recorded (UTC)", "by", "scenario", "analyses", "draws", "seed",
                               "options", "inputs", "version") if head in cells]
    table = Table(box=box.SIMPLE_HEAD, padding=0, pad_edge=False, show_edge=False)  # the box divides
    for head in heads:
        table.add_column(head, width=widths[head], no_wrap=True, overflow="ellipsis",
                         justify="right" if head in ("id", "draws", "seed", "options") else "left")
    for k in range(len(rows)):  # Text: never read as markup
        table.add_row(*(_shorten(cells[head][k], widths[head]) for head in heads))
    return table, _list_notes(rows, cells["analyses"])


def _run_blocks(rows: list[_ListRow]) -> Group:
    """Every detail, one block per run, each value wrapped at word boundaries (a word wider than
    the terminal is folded, never cut)."""
    blocks: list[RenderableType] = []
    for row in rows:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        analyses = ((f"all {len(row.analyses)}: " if row.every else "") + (", ".join(row.analyses) or "none")
                    + (" (--only)" if row.only else ""))
        settings = [f"{key}={value}" for key, value in (("draws", row.draws), ("seed", row.seed)) if value]
        recorded = f"{row.recorded} UTC" + (f" by {row.by}" if row.by else "") + f", multitrack {row.version}"
        for name, value in (("run", row.id), ("recorded", recorded),
                            ("scenario", row.scenario + (f": {row.title}" if row.title else "")),
                            ("sha256", row.inputs), ("analyses", analyses),
                            ("settings", " ".join(settings + list(row.options)) or "defaults")):
            grid.add_row(name, Text(value))  # Text: never read as markup
        blocks += [grid, Text("")]
    return Group(*blocks)


def _analyses_text(row: _ListRow, width: int | None) -> str:
    """``all 13`` for a run of every analysis that applies; else the names, as many as ``width``
    holds, the rest counted (``overview, agreement, +3 more``); when not even one fits, ``only 5``
    for a run that named them with --only, ``5 ran`` for one that did not record how it chose."""
    names = row.analyses
    if not names:
        return "none"
    if row.every:
        return f"all {len(names)}"
    whole = ", ".join(names)
    if width is None or cell_len(whole) <= width:
        return whole
    for shown in range(len(names) - 1, 0, -1):
        text = ", ".join(names[:shown]) + f", +{len(names) - shown} more"
        if cell_len(text) <= width:
            return text
    return f"only {len(names)}" if row.only else f"{len(names)} ran"


def _shorten(text: str, width: int) -> Text:
    """``text`` as plain text on one line: whole when it fits, else cut to ``width`` cells with "…"."""
    shown = Text(text, no_wrap=True, overflow="ellipsis")
    shown.truncate(width, overflow="ellipsis")
    return shown


def _list_notes(rows: list[_ListRow], analyses: list[str]) -> str:
    """What the short forms mean, and where the rest is."""
    notes = ["all N: every analysis that applies (no --only)"] if any(row.every for row in rows) else []
    if any(text.startswith("only ") for text in analyses):
        notes.append("only N: N analyses named with --only")
    if any(row.options for row in rows):
        notes.append("options: how many analysis settings and workers")
    notes += ["inputs: the scenario's sha256", "all of it: --verbose, multitrack runs show ID"]
    return "; ".join(notes)


def _run_json(run) -> dict[str, Any]:
    """One listed run as JSON: what the registry keeps of it, but the scenario and the results."""
    return {"id": run.id, "created_at": run.created_at, "recorded_by": run.recorded_by,
            "software_version": run.software_version,
            "scenario": {"id": run.scenario_id, "title": run.scenario_title, "sha256": run.scenario_hash},
            "analyses": list(run.analyses), "parameters": run.parameters}


@runs_app.command("show")
def show_run(run_id: int = typer.Argument(..., metavar="ID", help="Run id (see multitrack runs list)."),
             db: str | None = _DB) -> None:
    """Show one recorded run: scenario, parameters, version and the analyses it ran."""
    from .terminal import cell

    record = _registry(db).get(run_id)
    table = Table(title=f"Run {record.id}", title_justify="left", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    lines = len(record.scenario_text.splitlines()) if record.scenario_text else 0
    for name, value in [
        ("recorded (UTC)", _when(record.created_at)),
        ("recorded by", record.recorded_by or "not known"),
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
        table.add_row(name, cell(value))  # stored text is shown as written, never read as markup
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
    from .terminal import cell

    registry = _registry(db)
    diff = registry.diff(a, b)
    ra, rb = registry.get(a), registry.get(b)
    headline = compare_documents(ra.results.get("analyses") or {}, rb.results.get("analyses") or {},
                                 f"run {a}", f"run {b}", ra.scenario, rb.scenario)
    show_comparison(_out, headline, table=False)  # the headline changes before the detailed rows
    _out.print(cell(f"run {_heading(diff.a)} -> run {_heading(diff.b)}"), soft_wrap=True)
    if diff.same_scenario:
        _out.print(f"inputs: the same scenario (sha256 {diff.a.scenario_hash[:12]})", markup=False)
    else:
        _changes_table("Inputs that changed", diff.inputs, diff.a.id, diff.b.id)
    if diff.parameters:
        _changes_table("Parameters that changed", diff.parameters, diff.a.id, diff.b.id)
    else:
        _out.print("parameters: the same", markup=False)
    _moves_table(diff)


def _heading(run) -> str:
    """A run as the diff's first line names it: id, time, scenario, and who recorded it."""
    by = f", by {run.recorded_by}" if run.recorded_by else ""
    return f"{run.id} ({_when(run.created_at)}, {run.scenario_id}{by})"


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
    return ", ".join(_settings_parts(parameters))


def _settings_parts(parameters: dict[str, Any]) -> list[str]:
    """``draws=2000``, ``seed=1``, ``agreement.grid_points=21``, ``workers=4``: a run's draws,
    seed, per-analysis options and (when more than one) workers."""
    options = parameters.get("options") or {}
    parts = [f"{key}={parameters[key]}" for key in ("draws", "seed") if isinstance(parameters.get(key), int)]
    parts += [f"{name}.{key}={value}" for name, values in options.items() if isinstance(values, dict)
              for key, value in values.items()]
    workers = parameters.get("workers")
    if isinstance(workers, int) and workers > 1:
        parts.append(f"workers={workers}")
    return parts


def _changes_table(title: str, changes, a: int, b: int) -> None:
    from .terminal import cell

    table = Table(title=title, title_justify="left")
    for column in ("field", "change", f"run {a}", f"run {b}"):
        table.add_column(column)
    for change in changes:
        table.add_row(*(cell(x) for x in (change.path, change.kind, change.old or "", change.new or "")))
    _out.print(table)


def _moves_table(diff) -> None:
    from ..store.diff import render
    from .terminal import cell

    if not diff.results:
        _out.print("results: none moved" + _bulky_note(diff.bulky_changed), markup=False)
        return
    table = Table(title="Results that moved", title_justify="left")
    for column in ("result", f"run {diff.a.id}", f"run {diff.b.id}", "change"):
        table.add_column(column, justify="left" if column == "result" else "right")
    for move in diff.results[:DIFF_ROWS]:
        change = f"{move.delta:+.4g}" if move.numeric else ""
        table.add_row(*(cell(x) for x in (move.label, render(move.old), render(move.new), change)))
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

