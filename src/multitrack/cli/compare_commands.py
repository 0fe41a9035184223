"""``multitrack compare``: two variants of a scenario, two scenario files, or two recorded runs,
by their headline findings; the changed headlines first, changes within the noise suppressed.
Bad input (an unknown variant, a missing run) exits with status 2 and one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

_out = Console(emoji=False, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

#: The variant name that means the scenario as written.
BASE = "base"


def _refuse(message: str) -> None:
    _err.print(" ".join(str(message).split()), markup=False)
    raise typer.Exit(2)


def compare_command(
    sources: list[str] | None = typer.Argument(None, metavar="[SCENARIO | FILE_A FILE_B]",
                                               help="One scenario (with two --variant) or two scenario "
                                                    "files; none with two --run."),
    variant: list[str] | None = typer.Option(None, "--variant", help="A variant of the scenario (twice; "
                                             "'base' is the scenario as written)."),
    run: list[int] | None = typer.Option(None, "--run", help="A recorded run id (twice; see multitrack "
                                         "runs list)."),
    only: list[str] | None = typer.Option(None, "--only", help="Run only these analyses."),
    draws: int | None = typer.Option(None, "--draws", help="Draws of the uncertain estimates per run."),
    seed: int | None = typer.Option(None, "--seed", help="Root seed of both runs' draws."),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the comparison as JSON."),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the comparison as Markdown."),
    db: str | None = typer.Option(None, "--db", metavar="URL", help="Run database (for --run)."),
) -> None:
    """Compare two variants, two files or two recorded runs: the headline findings that changed
    beyond the Monte Carlo noise, one sentence each, the biggest first."""
    from ..errors import MultitrackError

    try:
        result = _compare(list(sources or []), list(variant or []), list(run or []), only, draws, seed, db)
    except MultitrackError as exc:
        _refuse(str(exc))
        return
    show_comparison(_out, result)
    _write(json_out, lambda: json.dumps(result.to_dict(), indent=1))
    _write(markdown, result.markdown)


def _compare(sources: list[str], variants: list[str], runs: list[int], only, draws, seed, db):
    from ..compare import compare_documents

    if runs:
        if len(runs) != 2 or sources or variants:
            _refuse("compare --run ID --run ID: give two run ids and no scenario or --variant")
        return _compare_runs(runs[0], runs[1], db)
    if len(sources) == 1 and len(variants) == 2:
        a, b = (_run_scenario(sources[0], v, only, draws, seed) for v in variants)
        names = variants
    elif len(sources) == 2 and not variants:
        a, b = (_run_scenario(s, None, only, draws, seed) for s in sources)
        names = sources
    else:
        _refuse("compare: give SCENARIO --variant A --variant B, or FILE_A FILE_B, or --run ID --run ID")
    return compare_documents(a[0], b[0], names[0], names[1], a[1], b[1])


def _run_scenario(name: str, variant: str | None, only, draws, seed) -> tuple[dict[str, Any], Any]:
    """(the results' plain documents, the scenario's JSON) of one run of ``name`` as ``variant``."""
    from ..analysis import run_all, run_settlement
    from ..scenario import load
    from ..scenario.setpath import load_with

    scenario = load(name) if variant in (None, BASE) else load_with(name, (), variant)
    settlement = run_settlement(scenario, draws, seed)
    results = run_all(scenario, only=only, settlement=settlement)
    return {k: r.to_dict() for k, r in results.items()}, scenario.model_dump(mode="json")


def _compare_runs(a: int, b: int, db: str | None):
    from ..compare import compare_documents
    from ..store import RunRegistry

    registry = RunRegistry(db)
    ra, rb = registry.get(a), registry.get(b)
    return compare_documents(ra.results.get("analyses") or {}, rb.results.get("analyses") or {},
                             f"run {a}", f"run {b}", ra.scenario, rb.scenario)


def show_comparison(console: Console, result, table: bool = True) -> None:
    """The changed headlines first (one line each), the count of noise, then side by side."""
    for line in result.lines():
        console.print(line, markup=False, soft_wrap=True)
    if not table:
        return
    grid = Table(title="Headline findings", title_justify="left")
    for column in ("finding", result.a_name, result.b_name):
        grid.add_column(column, overflow="fold")
    for label, ta, tb, changed in result.side_by_side():
        style = "bold" if changed else None
        grid.add_row(label, ta, tb, style=style)
    console.print(grid)


def _write(path: Path | None, text) -> None:
    """Write ``text()`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    import os
    import tempfile

    if path is None:
        return
    try:
        fd, temp = tempfile.mkstemp(dir=Path(path).resolve().parent, prefix=f".{Path(path).name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text())
        os.replace(temp, path)
    except OSError as exc:
        _refuse(f"{path}: cannot write: {exc.strerror or exc}")
    _out.print(f"wrote {path}", markup=False)
