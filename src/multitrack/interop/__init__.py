"""Interoperability with the Genius negotiation platform.

- :func:`import_genius` reads a folder holding a Genius XML domain (``*_domain.xml`` or any
  XML file with the root ``<negotiation_template>``) and its profiles, or a GeniusWeb JSON
  domain and profiles, and returns a one-track scenario as plain data, ready for
  :meth:`multitrack.scenario.model.Scenario.model_validate`; :func:`read_genius` returns the
  same with its YAML comments and a summary (what ``multitrack import genius`` writes).
- :func:`genius_scenario` returns the same as a validated scenario.
- :func:`import_genius_text` does the same from texts.
- :func:`export_genius` writes one track of a scenario as a Genius XML domain with one
  profile per participant.

Every bad input raises :class:`multitrack.errors.ScenarioError` with a one-line problem
naming the file (and line, where known).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..scenario.model import Scenario
from ._build import DEFAULT_YEAR, GeniusImport, fail
from .genius_xml import ExportReport, export_genius
from .scenario_yaml import scenario_yaml

__all__ = ["DEFAULT_YEAR", "ExportReport", "GeniusImport", "export_genius", "genius_scenario",
           "import_genius", "import_genius_text", "read_genius", "read_genius_text", "scenario_yaml"]


def read_genius(folder: Path | str, *, year: int | None = None) -> GeniusImport:
    """Import the Genius domain in ``folder``: Genius XML when the folder holds XML files,
    else GeniusWeb JSON. ``year`` is cited in the ``sources`` entry (default: a year the files
    state, else the year in the folder's name, else the files' modification year)."""
    from .genius_xml import read_xml_folder
    from .geniusweb_json import read_json_folder

    path = Path(folder)
    if not path.exists():
        raise fail(str(path), "no such folder")
    if not path.is_dir():
        raise fail(str(path), "not a folder (give the folder that holds the domain and its profiles)")
    try:
        entries = sorted((p for p in path.iterdir() if p.is_file()), key=lambda p: p.name)
    except OSError as exc:
        raise fail(str(path), f"cannot list the folder: {exc.strerror or exc}") from None
    xml = [p for p in entries if p.suffix.lower() == ".xml"]
    js = [p for p in entries if p.suffix.lower() == ".json"]
    if xml:
        result = read_xml_folder(path, xml, year=year, need_domain=not js)
        if result is not None:
            return result
    if js:
        return read_json_folder(path, js, year=year)
    raise fail(str(path), "no Genius domain here (no .xml or .json files)")


def import_genius(folder: Path | str, *, year: int | None = None) -> dict[str, Any]:
    """The scenario for the Genius (XML) or GeniusWeb (JSON) domain in ``folder``, as plain data."""
    return read_genius(folder, year=year).data


def genius_scenario(folder: Path | str, *, year: int | None = None) -> Scenario:
    """The validated one-track scenario of the Genius domain in ``folder`` (raw utilities are the
    Genius utilities; reservation values and discount factors as in the profiles): what
    ``NegotiationDomain.from_scenario(genius_scenario(folder))`` negotiates on."""
    return Scenario.model_validate(import_genius(folder, year=year))


def read_genius_text(domain: str | bytes, profiles: Mapping[str, str | bytes], *,
                     domain_file: str | None = None, year: int | None = None) -> GeniusImport:
    """Import from texts: the domain's text and ``{profile file name: text}``; XML or JSON is
    recognised by the domain text's first character. ``domain_file`` names the domain in
    messages and gives the domain's name (XML). ``year`` defaults to a year the texts state,
    else the placeholder ``DEFAULT_YEAR``."""
    from .genius_xml import read_xml_texts
    from .geniusweb_json import read_json_texts

    raw = domain.encode("utf-8") if isinstance(domain, str) else bytes(domain)
    first = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"<":
        return read_xml_texts(raw, profiles, domain_file=domain_file or "domain.xml", year=year)
    if first == b"{":
        return read_json_texts(raw, profiles, domain_file=domain_file or "domain.json", year=year)
    raise fail(domain_file, "neither Genius XML nor GeniusWeb JSON (the text starts with neither '<' "
               "nor '{')")


def import_genius_text(domain: str | bytes, profiles: Mapping[str, str | bytes], *,
                       domain_file: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Like :func:`import_genius`, from texts (see :func:`read_genius_text`)."""
    return read_genius_text(domain, profiles, domain_file=domain_file, year=year).data
