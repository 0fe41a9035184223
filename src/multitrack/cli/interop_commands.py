"""``multitrack import``/``export`` for Genius domains and GMCR+ conflict files.

Bad input raises :class:`~multitrack.errors.ScenarioError`, which the console entry point
prints as one line on stderr with exit status 2.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

import_app = typer.Typer(no_args_is_help=True, help="Turn another tool's negotiation files into a scenario.")
export_app = typer.Typer(no_args_is_help=True, help="Write a track of a scenario in another tool's format.")

_out = Console(emoji=False, highlight=False, soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)


def _refuse(message: str) -> None:
    _err.print(message, markup=False)
    raise typer.Exit(2)


@import_app.command("genius")
def import_genius(
    folder: Path = typer.Argument(..., help="Folder with a Genius XML domain and its profiles, or a "
                                  "GeniusWeb JSON domain and profiles."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Scenario file to write (default: <domain>.yaml)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    year: Optional[int] = typer.Option(None, "--year", help="Publication year to cite in the sources "
                                       "entry (default: the domain file's modification year)."),
) -> None:
    """Import a Genius or GeniusWeb negotiation domain as a one-track scenario file."""
    from ..errors import Problem, ScenarioError
    from ..interop import read_genius
    from ..scenario import loads

    result = read_genius(folder, year=year)
    path = output or Path(f"{result.data['id']}.yaml")
    if path.exists() and not force:
        _refuse(f"{path}: already exists; nothing written (use --force to overwrite)")
    text = result.yaml()
    loads(text, str(path))  # the file written must validate
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot write: {exc.strerror or exc}")], str(path)) from None
    _out.print(f"wrote {path}: {result.summary()}", markup=False)


@export_app.command("genius")
def export_genius(
    scenario: str = typer.Argument(..., help="Built-in name or path to a scenario YAML file."),
    track: Optional[str] = typer.Option(None, "--track", "-t",
                                        help="Track to export (may be left out when there is only one)."),
    output: Path = typer.Option(..., "--output", "-o", help="Folder to write the XML files into."),
    force: bool = typer.Option(False, "--force", help="Write into a folder that is not empty."),
) -> None:
    """Write one track as Genius XML: <track>_domain.xml and one <actor>.xml profile per participant."""
    from ..interop import export_genius as export
    from ..scenario import load

    model = load(scenario)
    if track is None:
        if len(model.tracks) != 1:
            _refuse(f"{scenario}: name the track to export with --track (tracks: "
                    f"{', '.join(t.id for t in model.tracks)})")
        track = model.tracks[0].id
    if output.exists() and not output.is_dir():
        _refuse(f"{output}: exists and is not a folder; nothing written")
    if output.is_dir() and any(output.iterdir()) and not force:
        _refuse(f"{output}: folder is not empty; nothing written (use --force to write into it)")
    report = export(model, track, output)
    _out.print(report.summary(), markup=False)


@import_app.command("gmcr")
def import_gmcr(
    file: Path = typer.Argument(..., help="A GMCR+ (gmcr-py) conflict save file (JSON)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Scenario file to write (default: <file name>.yaml)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Import a GMCR+ conflict as a scenario with one conflict (decision makers become actors)."""
    import datetime as dt

    from ..errors import Problem, ScenarioError
    from ..interop import scenario_yaml
    from ..scenario import loads
    from ..stability import read_gmcr_plus
    from ..stability.to_scenario import conflict_scenario

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem("not UTF-8 text")], str(file)) from None
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot read: {exc.strerror or exc}")], str(file)) from None
    conflict = read_gmcr_plus(text, str(file))
    scenario_id = (re.sub(r"[^A-Za-z0-9]+", "-", file.stem).strip("-").lower() or "conflict")
    scenario_id = scenario_id if scenario_id[:1].isalpha() else f"c-{scenario_id}"
    year = dt.date.fromtimestamp(file.stat().st_mtime).year
    source = {"id": "gmcr-file", "title": file.name, "publisher": "GMCR+ save file", "year": year,
              "note": "imported with multitrack import gmcr"}
    data = conflict_scenario(conflict, scenario_id=scenario_id, title=file.stem, source=source)
    path = output or Path(f"{scenario_id}.yaml")
    if path.exists() and not force:
        _refuse(f"{path}: already exists; nothing written (use --force to overwrite)")
    out = scenario_yaml(data, header=f"Imported from the GMCR+ file {file.name}; actors' kinds and "
                        "capabilities are placeholders to edit.")
    loads(out, str(path))  # the file written must validate
    try:
        path.write_text(out, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot write: {exc.strerror or exc}")], str(path)) from None
    n_opts = len(conflict.option_names)
    _out.print(f"wrote {path}: conflict with {len(conflict.dms)} decision makers and {n_opts} options", markup=False)


@export_app.command("gmcr")
def export_gmcr(
    scenario: str = typer.Argument(..., help="Built-in name or path to a scenario YAML file."),
    conflict: Optional[str] = typer.Option(None, "--conflict", "-c",
                                           help="Conflict to export (may be left out when there is only one)."),
    output: Path = typer.Option(..., "--output", "-o", help="GMCR+ JSON file to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write one conflict of a scenario as a GMCR+ (gmcr-py) save file."""
    from ..errors import Problem, ScenarioError
    from ..scenario import load
    from ..stability import write_gmcr_plus
    from ..stability.from_scenario import to_core

    model = load(scenario)
    ids = [c.id for c in model.conflicts]
    if not ids:
        _refuse(f"{scenario}: the scenario declares no conflicts")
    if conflict is None:
        if len(ids) != 1:
            _refuse(f"{scenario}: name the conflict to export with --conflict (conflicts: {', '.join(ids)})")
        conflict = ids[0]
    if conflict not in ids:
        _refuse(f"{scenario}: no conflict {conflict!r} (conflicts: {', '.join(ids)})")
    if output.exists() and not force:
        _refuse(f"{output}: already exists; nothing written (use --force to overwrite)")
    spec = next(c for c in model.conflicts if c.id == conflict)
    core = to_core(spec)
    named = tuple(dataclasses.replace(dm, name=model.actor(dm.name).name) for dm in core.dms)
    text = write_gmcr_plus(dataclasses.replace(core, dms=named))  # GMCR+ shows actors' names
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot write: {exc.strerror or exc}")], str(output)) from None
    _out.print(f"wrote {output}: conflict {conflict!r} as a GMCR+ save file", markup=False)
