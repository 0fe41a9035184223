"""``multitrack import genius`` and ``multitrack export genius``: Genius domains in and out.

Bad input raises :class:`~multitrack.errors.ScenarioError`, which the console entry point
prints as one line on stderr with exit status 2.
"""

from __future__ import annotations

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
