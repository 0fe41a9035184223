"""Readers for forecasting data: the DEU III issue file and KTAB's actor CSV (the I/O boundary).

Every bad file raises :class:`multitrack.errors.ScenarioError` whose message is one line naming
the file, line and column of the first problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import Problem, ScenarioError
from .council import ACCESSION, ACTORS, capabilities

#: Salience given to an actor whose position is coded but whose salience is not (DEU practice:
#: the middle of the scale).
IMPUTED_SALIENCE = 50.0


def _fail(file: str, message: str, line: int | None = None, column: int | None = None) -> ScenarioError:
    return ScenarioError([Problem(message, line=line, column=column)], file)


def _read_text(path: Path | str) -> tuple[str, str]:
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise _fail(name, "no such file") from None
    except IsADirectoryError:
        raise _fail(name, "is a folder, not a file") from None
    except OSError as exc:
        raise _fail(name, f"cannot read: {exc.strerror or exc}") from None
    kind = _binary_kind(raw)
    if kind:
        raise _fail(name, f"{kind}, not a text file: save it as tab-separated or comma-separated text", 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(name, "not UTF-8 text", line) from None
    return text, name


def _binary_kind(raw: bytes) -> str | None:
    """The kind of a spreadsheet or statistics file that public data sets come as, by its first bytes."""
    if raw.startswith(b"PK\x03\x04"):
        return "an Excel workbook or other zip archive"
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel workbook (.xls)"
    if raw.startswith((b"$FL2", b"$FL3")):
        return "an SPSS data file (.sav)"
    if raw.startswith(b"<stata_dta>"):
        return "a Stata data file (.dta)"
    return None


@dataclass(frozen=True)
class IssueSet:
    """Issues ready for forecasting and scoring: arrays over (issues, actors), NaN = no position.

    ``groups`` holds the proposal of each issue (bootstrap and cross-validation resample and
    split whole proposals); ``outcome`` is NaN where unknown. ``covariates`` are facts about each
    issue that are not positions (one array of length ``len(issues)`` per name; NaN where
    unknown): from a DEU file ``codecision`` (1 under the ordinary legislative procedure, 0 under
    consultation), ``unanimity`` (1 where the Council decides by unanimity, 0 by qualified
    majority) and ``year`` (of the proposal). Models that read them say so; the rest ignore them.
    """

    actors: tuple[str, ...]
    issue_ids: tuple[str, ...]
    groups: tuple[str, ...]
    positions: np.ndarray
    saliences: np.ndarray
    capabilities: np.ndarray
    status_quo: np.ndarray
    outcome: np.ndarray
    covariates: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.issue_ids)

    def subset(self, rows) -> IssueSet:
        """The issues at ``rows`` (indices or a boolean mask)."""
        idx = np.arange(len(self))[rows]
        return IssueSet(self.actors, tuple(self.issue_ids[i] for i in idx),
                        tuple(self.groups[i] for i in idx), self.positions[idx], self.saliences[idx],
                        self.capabilities[idx], self.status_quo[idx], self.outcome[idx],
                        {k: np.asarray(v)[idx] for k, v in self.covariates.items()})

    def covariate(self, name: str) -> np.ndarray:
        """The named covariate per issue, NaN throughout where the data do not give it."""
        if name in self.covariates:
            return np.asarray(self.covariates[name], dtype=float)
        return np.full(len(self), np.nan)


@dataclass(frozen=True)
class DeuData:
    """A DEU file read: the issues usable for a backtest, and what was left out and why."""

    file: str
    issues: IssueSet
    rows: int
    skipped: tuple[tuple[str, str], ...]  # (issue id, reason)
    imputed_saliences: int

    def skipped_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, reason in self.skipped:
            out[reason] = out.get(reason, 0) + 1
        return out


_DMY2 = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{2})$")
_DMY4 = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_deu_date(text: str) -> dt.date:
    """A DEU date: ``dd-mm-yy`` or ``dd-mm-yyyy``; ``yyyy-mm-dd`` is read as a ``dd-mm-yy`` that a
    spreadsheet turned round (``2014-07-04`` is 14 July 2004, ``1930-11-05`` is 30 November 2005).
    Two-digit years from 90 are 19xx. Raises ValueError."""
    text = text.strip()
    if m := _DMY2.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    elif m := _DMY4.match(text):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    elif m := _YMD.match(text):
        d, mo, y = int(m[1][2:]), int(m[2]), int(m[3])
    else:
        raise ValueError(f"date {text!r} is not dd-mm-yy")
    return dt.date(1900 + y if y >= 90 else 2000 + y, mo, d)


def read_deu(path: Path | str) -> DeuData:
    """Read a DEU III issue file (one row per issue; see docs/forecasting.md).

    Tab-, comma- or semicolon-separated, fields optionally in double quotes (as the public copies
    exported from R, Stata or a spreadsheet are written); column names in any case. Positions
    and saliences on 0-100, empty (or ``NA``, ``.``) where an actor took no position; ``rp``
    the reference point and ``out`` the outcome, 999 or empty when unknown. Capabilities come
    from :func:`multitrack.forecast.council.capabilities` for the proposal's date and procedure.
    """
    text, name = _read_text(path)
    lines = [line.rstrip("\r") for line in text.split("\n")]  # numbered as the csv reader counts them
    if not lines[0].strip():
        raise _fail(name, "empty file: expected a header line naming the columns prnr, isnr, intro, ...", 1)
    needed = ["prnr", "isnr", "intro", "proc", "rp", "out"] + [f"p{a}" for a in ACTORS] + \
        [f"s{a}" for a in ACTORS]
    delimiter, header = _deu_header(lines[0], needed, name)
    col: dict[str, int] = {}
    for k, h in enumerate(header):
        col.setdefault(h.strip().lower(), k)
    missing = [c for c in needed if c not in col]
    if missing:
        raise _fail(name, f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}", 1,
                    len(lines[0]) + 1)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    try:
        next(records)
    except csv.Error as exc:
        raise _fail(name, f"the header line is not well-formed {_DELIMITER_NAMES[delimiter]} text: {exc}",
                    1) from None
    n = len(ACTORS)
    pos_rows, sal_rows, cap_rows, sq_rows, out_rows, ids, groups = [], [], [], [], [], [], []
    cov_rows: list[tuple[float, float, float]] = []
    skipped: list[tuple[str, str]] = []
    imputed = 0
    rows = 0
    while True:
        first_line = records.line_num + 1
        try:
            fields = next(records)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _fail(name, f"not well-formed {_DELIMITER_NAMES[delimiter]} text: {exc}",
                        records.line_num) from None
        lineno = first_line
        if not any(f.strip() for f in fields):
            continue
        rows += 1
        line = lines[lineno - 1] if lineno - 1 < len(lines) else ""
        starts = _field_offsets(line, delimiter)
        starts += [starts[-1]] * (len(fields) - len(starts))
        if len(fields) != len(header):
            raise _fail(name, f"{len(fields)} fields where the header has {len(header)}", lineno)

        def cell(column: str, fields=fields, starts=starts) -> tuple[str, int]:
            k = col[column]
            return fields[k].strip(), starts[k] + 1

        def number(column: str, unknown=_NO_VALUE, lo=0.0, hi=100.0, lineno=lineno) -> float:
            raw, at = cell(column)
            if raw in unknown:
                return math.nan
            try:
                value = float(raw)
            except ValueError:
                raise _fail(name, f"{column}: {raw!r} is not a number", lineno, at) from None
            if not (lo <= value <= hi):
                raise _fail(name, f"{column}: {raw} lies outside {lo:g}-{hi:g}", lineno, at)
            return value

        issue, _ = cell("isnr")
        proposal, at = cell("prnr")
        if not proposal:
            raise _fail(name, "prnr: empty proposal id", lineno, at)
        issue = issue or f"{proposal}:line{lineno}"
        raw_date, at = cell("intro")
        try:
            date = parse_deu_date(raw_date)
        except ValueError as exc:
            raise _fail(name, f"intro: {exc}", lineno, at) from None
        proc, _ = cell("proc")
        pos = np.array([number(f"p{a}") for a in ACTORS])
        sal = np.array([number(f"s{a}") for a in ACTORS])
        need = np.isnan(sal) & ~np.isnan(pos)
        imputed += int(need.sum())
        sal = np.where(need, IMPUTED_SALIENCE, sal)
        sal = np.where(np.isnan(pos), np.nan, sal)
        # a state with a position took part, so the decision came after it joined
        joined = [ACCESSION[a] for a, p in zip(ACTORS, pos, strict=True)
                  if a in ACCESSION and not np.isnan(p)]
        when = max([date, *joined])
        cap = capabilities(when, proc)
        rp = number("rp", unknown=_NO_VALUE + ("999",))
        out = number("out", unknown=_NO_VALUE + ("999",))
        if np.isnan(out):
            skipped.append((issue, "outcome unknown"))
            continue
        if np.all(np.isnan(pos)):
            skipped.append((issue, "no actor with a position"))
            continue
        if not np.nansum(np.where(np.isnan(pos), 0.0, sal * cap)) > 0:
            skipped.append((issue, "no actor with a positive weight"))
            continue
        pos_rows.append(pos)
        sal_rows.append(sal)
        cap_rows.append(cap)
        sq_rows.append(rp)
        out_rows.append(out)
        ids.append(issue)
        groups.append(proposal)
        cov_rows.append((_procedure_code(proc), _voting_code(cell("counvte")[0] if "counvte" in col else ""),
                         float(date.year)))
    if rows == 0:
        raise _fail(name, "no issue rows after the header", 2)
    shape = (len(ids), n)

    def stack(items):
        return np.array(items, dtype=float).reshape(shape)

    issues = IssueSet(actors=ACTORS, issue_ids=tuple(ids), groups=tuple(groups), positions=stack(pos_rows),
                      saliences=stack(sal_rows), capabilities=stack(cap_rows),
                      status_quo=np.array(sq_rows, dtype=float), outcome=np.array(out_rows, dtype=float),
                      covariates=_covariates(cov_rows))
    return DeuData(file=name, issues=issues, rows=rows, skipped=tuple(skipped), imputed_saliences=imputed)


def _procedure_code(proc: str) -> float:
    """1 for codecision (COD), 0 for consultation (CNS), NaN for anything else."""
    return {"COD": 1.0, "CNS": 0.0}.get(proc.strip().upper(), math.nan)


def _voting_code(rule: str) -> float:
    """1 for unanimity, 0 for qualified majority, NaN where the file does not say."""
    return {"UNAN": 1.0, "QMV": 0.0}.get(rule.strip().upper(), math.nan)


def _covariates(rows: list[tuple[float, float, float]]) -> dict[str, np.ndarray]:
    table = np.array(rows, dtype=float).reshape(len(rows), 3)
    return {"codecision": table[:, 0], "unanimity": table[:, 1], "year": table[:, 2]}


#: Cells that mean "no value" in a DEU file: empty, and the missing-value marks of R and Stata.
_NO_VALUE = ("", "NA", ".")
_DELIMITER_NAMES = {"\t": "tab-separated", ",": "comma-separated", ";": "semicolon-separated"}


def _deu_header(line: str, needed: list[str], name: str) -> tuple[str, list[str]]:
    """The delimiter under which the header line names most of the DEU columns, and its fields.

    A header that names none of them under any delimiter is not a DEU issue file: say so and
    what one looks like, rather than list as missing columns that are there under another
    delimiter."""
    best: tuple[int, str, list[str]] = (-1, "\t", [])
    for delimiter in _DELIMITER_NAMES:
        try:
            fields = next(csv.reader([line], delimiter=delimiter, quotechar='"'))
        except (csv.Error, StopIteration):
            continue
        found = len({f.strip().lower() for f in fields} & set(needed))
        if found > best[0]:
            best = (found, delimiter, fields)
    found, delimiter, fields = best
    if found <= 0:
        raise _fail(name, "not a DEU III issue file: its first line should name the columns (prnr, isnr, "
                          "intro, proc, p<actor> and s<actor> for each actor, rp, out), separated by tabs or "
                          "commas", 1)
    return delimiter, fields


def _field_offsets(line: str, delimiter: str = ",") -> list[int]:
    """Start of each field of ``line``, honouring double quotes."""
    out, quoted = [0], False
    for k, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            out.append(k + 1)
    return out


# ---------------------------------------------------------------------------------------------
# KTAB actor CSV


#: The scale of positions and saliences in a KTAB actor file: KTAB's spatial model reads both on
#: 0-100 and refuses values outside it.
KTAB_SCALE = 100.0


@dataclass(frozen=True)
class KtabScenario:
    """A KTAB spatial-model (SMP) scenario: actors with a power and, on each dimension, a position
    and a salience, both on 0-``scale`` (KTAB: 0-100). A salience is the share of the actor's
    attention the dimension takes, so an actor's saliences add up to at most ``scale``."""

    name: str
    description: str
    actors: tuple[str, ...]
    descriptions: tuple[str, ...]
    dimensions: tuple[str, ...]
    power: np.ndarray  # (n_actors,)
    positions: np.ndarray  # (n_dimensions, n_actors)
    saliences: np.ndarray  # (n_dimensions, n_actors)
    scale: float = KTAB_SCALE


def _trim(fields: list[str]) -> list[str]:
    """Fields without the empty ones a trailing comma leaves at the end."""
    fields = [f.strip() for f in fields]
    while fields and fields[-1] == "":
        fields.pop()
    return fields


def read_ktab_text(text: str, name: str = "<input>", scale: float = KTAB_SCALE) -> KtabScenario:
    """Parse the text of a KTAB SMP actor CSV (see :func:`read_ktab`)."""
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"the scale of positions and saliences must be a positive number, not {scale!r}")
    lines = text.splitlines()
    records = [(k + 1, line) for k, line in enumerate(lines) if line.strip()]
    if not records:
        raise _fail(name, "empty file: expected the scenario line", 1)

    def parse(line: str) -> list[str]:
        return next(csv.reader(io.StringIO(line), skipinitialspace=True))

    lineno, line = records[0]
    first = _trim(parse(line))
    starts = _field_offsets(line)
    if len(first) < 4:
        raise _fail(name, "first line must be: scenario name, description, number of actors, number "
                    "of dimensions", lineno)
    counts = []
    for k in (2, 3):
        try:
            value = int(first[k])
        except ValueError:
            raise _fail(name, f"{first[k]!r} is not a whole number of "
                        f"{'actors' if k == 2 else 'dimensions'}", lineno, starts[k] + 1) from None
        if value < 1:
            raise _fail(name, f"the number of {'actors' if k == 2 else 'dimensions'} must be at least 1",
                        lineno, starts[k] + 1)
        counts.append(value)
    n_actors, n_dims = counts
    if len(records) < 2:
        raise _fail(name, "missing the header line (Actor, Description, Power, then position and "
                    "salience per dimension)", lineno + 1)
    lineno, line = records[1]
    header = _trim(parse(line))
    width = 3 + 2 * n_dims
    if len(header) != width:
        raise _fail(name, f"header has {len(header)} columns; {n_dims} dimension(s) need {width}: actor, "
                    "description, power, then a position and a salience per dimension", lineno)
    dims = tuple(header[3 + 2 * d] for d in range(n_dims))
    body = records[2:]
    if len(body) != n_actors:
        at = body[-1][0] + 1 if body else lineno + 1
        raise _fail(name, f"{len(body)} actor line(s) where the first line announces {n_actors}", at)
    names, descs = [], []
    values = np.zeros((n_actors, width - 2))
    for row, (lineno, line) in enumerate(body):
        fields = _trim(parse(line))
        starts = _field_offsets(line)
        if len(fields) != width:
            raise _fail(name, f"{len(fields)} fields where the header has {width}", lineno)
        if not fields[0]:
            raise _fail(name, "empty actor name", lineno, 1)
        if fields[0] in names:
            raise _fail(name, f"actor {fields[0]!r} appears twice", lineno, 1)
        names.append(fields[0])
        descs.append(fields[1])
        attention = 0.0
        for k in range(2, width):
            column = header[k] or f"column {k + 1}"
            try:
                v = float(fields[k])
            except ValueError:
                raise _fail(name, f"{column}: {fields[k]!r} is not a number", lineno, starts[k] + 1) from None
            if not math.isfinite(v) or (k == 2 and v < 0):
                raise _fail(name, f"{column}: {fields[k]} must be a finite number"
                            f"{' not below 0' if k == 2 else ''}", lineno, starts[k] + 1)
            if k > 2 and not 0 <= v <= scale:
                what = "position" if (k - 3) % 2 == 0 else "salience"
                raise _fail(name, f"{column}: {what} {fields[k]} lies outside the scale 0-{scale:g} of "
                            "positions and saliences", lineno, starts[k] + 1)
            if k > 2 and (k - 3) % 2 == 1:
                attention += v
                if attention > scale * (1 + 1e-9):
                    raise _fail(name, f"{column}: {fields[0]}'s saliences add up to {attention:g}, more than "
                                f"the {scale:g} of its whole attention", lineno, starts[k] + 1)
            values[row, k - 2] = v
    power = values[:, 0]
    positions = values[:, 1::2].T.copy()
    saliences = values[:, 2::2].T.copy()
    return KtabScenario(name=first[0], description=first[1], actors=tuple(names), descriptions=tuple(descs),
                        dimensions=dims, power=power, positions=positions, saliences=saliences, scale=scale)


def read_ktab(path: Path | str, scale: float = KTAB_SCALE) -> KtabScenario:
    """Read a KTAB SMP actor CSV: line 1 scenario name, description, number of actors and of
    dimensions; line 2 a header; then per actor its name, description, power (capability) and,
    per dimension, position and salience. Trailing commas are allowed.

    Positions and saliences lie on 0-``scale`` (KTAB's 0-100 unless the file is known to use
    another) and an actor's saliences add up to at most ``scale``, as KTAB's own reader demands;
    anything else is refused with the line and column."""
    text, name = _read_text(path)
    return read_ktab_text(text, name, scale)
