"""``multitrack import``/``export`` for Genius domains and GMCR+ conflict files.

Bad input raises :class:`~multitrack.errors.ScenarioError`, which the console entry point
prints as one line on stderr with exit status 2.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

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
    output: Path | None = typer.Option(None, "--output", "-o",
                                          help="Scenario file to write (default: <domain>.yaml)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    year: int | None = typer.Option(None, "--year", help="Publication year to cite in the sources entry "
                                                         "(default: a year the files state, else the year in "
                                                         "the folder's name, e.g. y2010, else the files' "
                                                         "modification year)."),
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
    track: str | None = typer.Option(None, "--track", "-t",
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
    output: Path | None = typer.Option(None, "--output", "-o",
                                          help="Scenario file to write (default: <file name>.yaml)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
    status_quo: str | None = typer.Option(
        None, "--status-quo", help="Today's state, for the status quo analysis: a GMCR+ state number (3), a "
        "Y/N label with one letter per option in decision-maker order (YNNY), or the options taken, "
        "comma-separated, by name ('modify,accept'; '' for none)."),
) -> None:
    """Import a GMCR+ conflict as a scenario with one conflict (decision makers become actors;
    misperceptions and coalitions come along)."""
    from ..errors import Problem, ScenarioError
    from ..interop import scenario_yaml
    from ..stability.gmcr_file import (
        gmcr_scenario,
        read_gmcr_file,
        scenario_id,
        status_quo_label,
        validate_scenario,
    )

    conflict = read_gmcr_file(file)
    label = None if status_quo is None else status_quo_label(conflict, status_quo, str(file))
    data = gmcr_scenario(file, conflict, label)
    path = output or Path(f"{scenario_id(file)}.yaml")
    if path.exists() and not force:
        _refuse(f"{path}: already exists; nothing written (use --force to overwrite)")
    validate_scenario(data, str(path))  # what is written must validate
    out = scenario_yaml(data, header=f"Imported from the GMCR+ file {file.name}; actors' kinds and "
                        "capabilities are placeholders to edit.")
    try:
        path.write_text(out, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot write: {exc.strerror or exc}")], str(path)) from None
    _out.print(f"wrote {path}: {_gmcr_summary(conflict, label)}", markup=False)


def _gmcr_summary(conflict, status_quo: str | None) -> str:
    """What an imported conflict holds, in one line."""
    parts = [f"conflict with {len(conflict.dms)} decision makers and {len(conflict.option_names)} options"]
    n_misp = sum(bool(dm.misperceived) for dm in conflict.dms)
    if n_misp:
        parts.append(f"misperceptions of {n_misp} decision maker{'s' if n_misp > 1 else ''}")
    groups = [g for g in conflict.coalitions if len(g) > 1]
    if groups:
        parts.append(f"{len(groups)} coalition{'s' if len(groups) > 1 else ''}")
    if status_quo is not None:
        parts.append(f"status quo {status_quo}")
    return "; ".join(parts)


@export_app.command("gmcr")
def export_gmcr(
    scenario: str = typer.Argument(..., help="Built-in name or path to a scenario YAML file."),
    conflict: str | None = typer.Option(None, "--conflict", "-c",
                                           help="Conflict to export (may be left out when there is only "
                                               "one)."),
    output: Path = typer.Option(..., "--output", "-o", help="GMCR+ JSON file to write."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Write one conflict of a scenario as a GMCR+ (gmcr-py) save file."""
    from ..errors import Problem, ScenarioError
    from ..scenario import load
    from ..scenario.conflicts import to_core
    from ..stability import write_gmcr_plus

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
