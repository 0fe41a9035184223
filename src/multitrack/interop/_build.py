"""Shared by the Genius importers: identifiers, file reading, and the one-track scenario.

Both importers (Genius XML and GeniusWeb JSON) reduce a domain to the neutral
:class:`Domain` below (issues, and per profile one position per issue), and
:func:`build_scenario` turns that into plain scenario data plus the comments that the YAML
writer attaches to it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError

#: Largest domain or profile file read, in bytes.
MAX_FILE_BYTES = 20_000_000
#: Publisher named in the ``sources`` entry of every imported scenario.
PUBLISHER = "Genius negotiation platform (domain file)"
#: Year cited when no file date is known.
DEFAULT_YEAR = 2010

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_TOKEN_SPLIT = re.compile(r"[_\-\s.]+")

Path_ = tuple[str | int, ...]


def fail(file: str | None, message: str, line: int | None = None, column: int | None = None) -> ScenarioError:
    """A one-problem :class:`ScenarioError` for ``file`` (and line, when known)."""
    return ScenarioError([Problem(" ".join(message.split()), (), line, column)], file)


def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(str(path), f"file too large ({size} bytes; at most {MAX_FILE_BYTES})")
        return path.read_bytes()
    except FileNotFoundError:
        raise fail(str(path), "no such file") from None
    except IsADirectoryError:
        raise fail(str(path), "is a folder, not a file") from None
    except OSError as exc:
        raise fail(str(path), f"cannot read the file: {exc.strerror or exc}") from None


def finite(text: str | None, what: str, file: str, line: int | None = None) -> float:
    """``text`` as a finite float, else a located error naming ``what``."""
    if text is None:
        raise fail(file, f"{what} is missing", line)
    try:
        value = float(text.strip()) if isinstance(text, str) else float(text)
    except (TypeError, ValueError):
        raise fail(file, f"{what} {text!r} is not a number", line) from None
    if not math.isfinite(value):
        raise fail(file, f"{what} {text!r} is not a finite number", line)
    return value


# ---- identifiers ----------------------------------------------------------------------------------

def slug(text: str, prefix: str) -> str:
    """The valid multitrack id closest to the name ``text``: its letters (accents dropped), digits,
    ``_`` and ``-`` as written, case kept, every other run of characters (spaces included) one
    ``_``; prefixed with ``prefix_`` when it does not start with a letter; at most 64 characters.
    The name itself stays the title."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_text.strip()).strip("-_")
    if not s or not s[0].isalpha():
        s = f"{prefix}_{s}" if s else prefix
    return s[:64].rstrip("-_") or prefix


def unique_ids(names: Iterable[str], prefix: str) -> list[str]:
    """One id per name, each valid and unique (``-2``, ``-3`` ... appended on clashes)."""
    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = slug(name, prefix)
        candidate, n = base, 2
        while candidate in seen:
            tail = f"-{n}"
            candidate = base[: 64 - len(tail)] + tail
            n += 1
        seen.add(candidate)
        out.append(candidate)
    return out


def actor_names(stems: list[str]) -> list[str]:
    """Short actor names from profile file stems: the words all stems share at the start and
    at the end are dropped (``laptop_buyer_utility``, ``laptop_seller_utility`` -> ``buyer``,
    ``seller``). Falls back to the whole stems when that leaves an empty or repeated name."""
    tokens = [[t for t in _TOKEN_SPLIT.split(s) if t] for s in stems]
    if len(stems) < 2 or any(not t for t in tokens):
        return list(stems)
    head = 0
    while all(len(t) > head for t in tokens) and len({t[head] for t in tokens}) == 1:
        head += 1
    tail = 0
    while all(len(t) > head + tail for t in tokens) and len({t[len(t) - 1 - tail] for t in tokens}) == 1:
        tail += 1
    short = ["_".join(t[head: len(t) - tail]) for t in tokens]
    if any(not s for s in short) or len(set(short)) != len(short):
        return list(stems)
    return short


# ---- the neutral domain -----------------------------------------------------------------------------

@dataclass
class Issue:
    """One issue of the domain as multitrack will hold it."""

    name: str
    kind: str                        # categorical | integer | continuous
    options: list[str] | None = None
    low: float | int | None = None
    high: float | int | None = None
    grid: int | None = None
    note: str | None = None


@dataclass
class Profile:
    """One party's preferences: a position (salience + value shape) per issue, in domain order."""

    file: str
    stem: str
    positions: list[dict[str, Any]]
    reservation: float
    reservation_note: str
    discount: float | None = None
    discount_note: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Domain:
    name: str
    file: str
    issues: list[Issue]
    profiles: list[Profile]
    form: str                        # "Genius XML" or "GeniusWeb JSON"
    year: int
    year_note: str
    folder: str | None = None


@dataclass
class GeniusImport:
    """An imported domain: plain scenario data, the comments for its YAML, and a summary."""

    data: dict[str, Any]
    comments: dict[Path_, str]
    header: str
    discount_factors: dict[str, float]
    form: str

    def yaml(self) -> str:
        """The scenario as commented YAML text."""
        from .scenario_yaml import scenario_yaml

        return scenario_yaml(self.data, header=self.header, comments=self.comments)

    def summary(self) -> str:
        """One line: what was read."""
        track = self.data["tracks"][0]
        actors = ", ".join(track["participants"])
        df = ", ".join(f"{a} {v}" for a, v in self.discount_factors.items()) or "none (1)"
        year = self.data["sources"][0]["year"]
        said = self.comments.get(("sources", 0, "year"))
        return (f"{self.form} domain {self.data['sources'][0]['title']!r}: {len(track['issues'])} issues, "
                f"{len(track['participants'])} parties ({actors}); discount factors: {df}; year cited: {year}"
                + (f" ({said})" if said else ""))


def build_scenario(domain: Domain) -> GeniusImport:
    """The one-track scenario for ``domain``: every profile an actor (a state, capability 1),
    every actor a participant and veto player, the reservation values stated explicitly."""
    if len(domain.profiles) < 2:
        found = len(domain.profiles)
        raise fail(domain.folder or domain.file, f"a scenario needs at least two profiles; found {found}")
    names = actor_names([p.stem for p in domain.profiles])
    actor_ids = unique_ids(names, "actor")
    issue_ids = unique_ids([i.name for i in domain.issues], "issue")
    scenario_id = slug(domain.name, "genius")
    source_id = "genius-domain"
    comments: dict[Path_, str] = {}

    actors: list[dict[str, Any]] = []
    for aid, name, prof in zip(actor_ids, names, domain.profiles, strict=True):
        actors.append({"id": aid, "name": name, "kind": "state", "capability": 1,
                       "description": f"Genius profile {prof.file}"})
    issues = []
    for j, (iid, issue) in enumerate(zip(issue_ids, domain.issues, strict=True)):
        entry: dict[str, Any] = {"id": iid, "title": issue.name, "kind": issue.kind}
        if issue.kind == "categorical":
            entry["options"] = list(issue.options or [])
        else:
            entry["range"] = [issue.low, issue.high]
            if issue.grid is not None:
                entry["grid"] = issue.grid
        if issue.note:
            comments[("tracks", 0, "issues", j, "kind")] = issue.note
        entry["positions"] = {aid: prof.positions[j]
                              for aid, prof in zip(actor_ids, domain.profiles, strict=True)}
        issues.append(entry)

    track: dict[str, Any] = {
        "id": scenario_id,
        "title": f"{domain.name} ({domain.form} domain)",
        "participants": list(actor_ids),
        "veto_players": list(actor_ids),
        "source": source_id,
        "reservation_values": {aid: p.reservation for aid, p in zip(actor_ids, domain.profiles, strict=True)},
    }
    discounts = {aid: p.discount for aid, p in zip(actor_ids, domain.profiles, strict=True)
                 if p.discount is not None}
    if discounts:
        track["discount_factors"] = discounts
    track["issues"] = issues
    for aid, prof in zip(actor_ids, domain.profiles, strict=True):
        comments[("tracks", 0, "reservation_values", aid)] = prof.reservation_note
        if prof.discount is not None and prof.discount_note:
            comments[("tracks", 0, "discount_factors", aid)] = prof.discount_note

    parties = ", ".join(a["name"] for a in actors)
    data: dict[str, Any] = {
        "version": 1,
        "id": scenario_id,
        "title": f"{domain.name}: {domain.form} negotiation domain ({len(issues)} issues; {parties})",
        "description": (f"Imported from the {domain.form} domain {domain.file} and its {len(actors)} "
                        "profiles. Saliences are the profiles' issue weights and value points their "
                        "evaluations on a 0-1 scale, so an actor's raw utility is the Genius utility."),
        "sources": [{
            "id": source_id,
            "title": domain.name,
            "publisher": PUBLISHER,
            "year": domain.year,
            "kind": "negotiation domain",
            "locator": domain.file,
        }],
        "actors": actors,
        "tracks": [track],
    }
    comments[("sources", 0, "year")] = domain.year_note
    header = (f"Imported by `multitrack import genius` from the {domain.form} domain {domain.file}\n"
              f"with the profiles {', '.join(p.file for p in domain.profiles)}.\n"
              "One track; every party is a participant and a veto player. Raw utilities equal the\n"
              "Genius utilities: salience = issue weight, value points = evaluation / the issue's\n"
              "largest evaluation (or the linear evaluator's utility at the range ends).\n"
              "Genius has no status quo, so the track states none: no deal means the disagreement point,\n"
              "each party's reservation value, stated explicitly.")
    notes = [n for p in domain.profiles for n in p.notes]
    if notes:
        import textwrap

        header += "\nNotes:\n" + "\n".join(textwrap.fill(n, 92, initial_indent="- ", subsequent_indent="  ")
                                          for n in notes)
    return GeniusImport(data, comments, header, dict(discounts), domain.form)


#: A year stated inside a file: in an XML comment, or as a date, created or year attribute or key.
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_DATED = re.compile(r"""(?i)\b(?:date|created|year)["']?\s*[=:]\s*["']?\s*((?:19|20)\d\d)(?!\d)""")
#: A folder named by its year, as the ANAC collections are (``y2010``, ``ANAC2012``, ``2013``).
_YEAR_FOLDER = re.compile(r"(?i)^(?:y|anac[_-]?)?((?:19|20)\d\d)$")


def year_in_text(raw: bytes | str) -> int | None:
    """A year the file states: in an XML comment, or a ``date``/``created``/``year`` attribute or
    JSON key (the first found); None when it states none."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    for comment in _COMMENT.findall(text):
        found = _YEAR.search(comment)
        if found:
            return int(found.group(1))
    found = _DATED.search(text)
    return int(found.group(1)) if found else None


def source_year(files: Sequence[tuple[Path, bytes | str]], folder: Path | None = None) -> tuple[int, str]:
    """The year to cite for an imported domain, with the comment that says where it comes from:
    a year the domain file (or else a profile) states; else the year in the folder's name
    (``y2010``, ``ANAC2012``); else the oldest modification date of the files. A modification
    date of today is said to be one: a copied file is dated when it was copied, so ``--year``
    gives the domain's own year. ``DEFAULT_YEAR`` when nothing is known."""
    import datetime as _dt

    for path, raw in files:
        year = year_in_text(raw)
        if year is not None:
            return year, f"stated in {path.name}"
    for part in ([folder, *list(folder.parents)[:2]] if folder is not None else []):
        found = _YEAR_FOLDER.match(part.name)
        if found:
            return int(found.group(1)), f"from the folder name {part.name}"
    dated = [(d, path) for path, _ in files
             if (d := _mtime_date(path)) is not None and 1000 <= d.year <= 2100]
    if dated:
        oldest, which = min(dated, key=lambda pair: pair[0])
        note = f"modification date of {which.name}, as the files state no year"
        if oldest == _dt.datetime.now(_dt.UTC).date():
            note += "; that is today, so for a copied file give the domain's own year with --year"
        return oldest.year, note
    return DEFAULT_YEAR, f"unknown: {DEFAULT_YEAR} is a placeholder (no file date available)"


def _mtime_date(path: Path) -> date | None:
    import datetime as _dt

    try:
        return _dt.datetime.fromtimestamp(path.stat().st_mtime, _dt.UTC).date()
    except (OSError, ValueError, OverflowError):
        return None


def text_year(texts: Sequence[tuple[str, bytes | str]]) -> tuple[int, str] | None:
    """A year stated inside texts (the domain's first), with its comment; None if none is."""
    for name, raw in texts:
        year = year_in_text(raw)
        if year is not None:
            return year, f"stated in {name}"
    return None


def given_year(year: int) -> tuple[int, str]:
    if not isinstance(year, int) or isinstance(year, bool) or not 1000 <= year <= 2100:
        raise fail(None, f"year {year!r} must be a whole number from 1000 to 2100")
    return year, "year given to the importer" if year != DEFAULT_YEAR else \
        f"unknown: {DEFAULT_YEAR} is a placeholder (no file date available)"
