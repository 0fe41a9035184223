"""A GMCR+ save file on disk as a scenario: recognising one, reading it within its size limit,
and the scenario data (one conflict, its decision makers as actors) that ``multitrack import
gmcr`` writes and ``show``/``validate`` describe."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from multitrack.errors import LocatedValueError, Problem, ScenarioError
from multitrack.scenario.option_form import Conflict
from multitrack.stability.gmcr_plus import MAX_FILE_CHARS, gmcr_state, read_gmcr_plus
from multitrack.stability.to_scenario import conflict_scenario


def is_gmcr_file(name: str | Path) -> bool:
    """Whether a path names a GMCR+ save file: a ``.gmcr`` file, or a ``.json`` file that
    starts as GMCR+ writes one (its first megabyte names ``decisionMakers``); the whole file
    is never read here, so an oversized one is still refused by its size."""
    path = Path(name)
    if not path.is_file():
        return False
    if path.suffix.lower() == ".gmcr":
        return True
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return False
    return head.lstrip()[:1] == b"{" and b'"decisionMakers"' in head


def read_gmcr_file(path: Path) -> Conflict:
    """The conflict in a GMCR+ file; an unreadable, oversized or malformed one raises a
    one-line ScenarioError (the size is checked before the file is read)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_CHARS:  # refused before it is read
            raise ScenarioError([Problem(f"the file has {size:,} bytes, more than the limit of "
                                         f"{MAX_FILE_CHARS:,} for a GMCR+ file")], str(path))
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([Problem("not UTF-8 text")], str(path)) from None
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot read: {exc.strerror or exc}")], str(path)) from None
    return read_gmcr_plus(text, str(path))


def status_quo_label(conflict: Conflict, text: str, file: str) -> str:
    """The Y/N label of the state a user gives as the status quo (a GMCR+ state number, a Y/N
    label, or the options taken); a bad one raises a one-line ScenarioError."""
    model = conflict.build()
    try:
        return model.label(gmcr_state(model, text, conflict.option_titles))
    except ValueError as exc:
        raise ScenarioError([Problem(f"--status-quo {text!r}: {exc}")], file) from None


def scenario_id(path: Path) -> str:
    """A scenario id from the file name: letters, digits and '-', starting with a letter."""
    sid = re.sub(r"[^A-Za-z0-9]+", "-", path.stem).strip("-").lower() or "conflict"
    return sid if sid[:1].isalpha() else f"c-{sid}"


def gmcr_scenario(path: Path, conflict: Conflict, status_quo: str | None = None) -> dict:
    """Scenario data holding the file's conflict (ready for validation and the YAML writer)."""
    year = dt.date.fromtimestamp(path.stat().st_mtime).year
    source = {"id": "gmcr-file", "title": path.name, "publisher": "GMCR+ save file", "year": year,
              "note": "imported with multitrack import gmcr"}
    return conflict_scenario(conflict, scenario_id=scenario_id(path), title=path.stem, source=source,
                             status_quo=status_quo)


def validate_scenario(data: dict, file: str):
    """The validated scenario of generated scenario data, without a YAML round trip (a large
    conflict's YAML takes far longer to parse than its data to check); problems, which a
    GMCR+ file read without error should not have, become a one-line ScenarioError."""
    from pydantic import ValidationError

    from multitrack.scenario.model import Scenario

    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = tuple(p for p in first["loc"] if isinstance(p, (str, int)))
        cause = first.get("ctx", {}).get("error")
        if isinstance(cause, LocatedValueError):  # a control character in a name, say: its own words
            raise ScenarioError([Problem(cause.message, path + cause.path)], file) from None
        raise ScenarioError([Problem(first["msg"], path)], file) from None


def load_gmcr_scenario(name: str | Path):
    """The validated scenario of a GMCR+ file, as ``multitrack import gmcr`` would write it
    (for ``show``, ``validate`` and ``analyze`` given the file itself)."""
    path = Path(name)
    return validate_scenario(gmcr_scenario(path, read_gmcr_file(path)), str(path))
