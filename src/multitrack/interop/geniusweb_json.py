"""GeniusWeb JSON: import a domain with its linear-additive profiles.

**The format, as the sample files show it.** The domain is a JSON object with ``name`` and
``issuesValues``: per issue either ``{"values": [...]}`` (discrete values, text) or
``{"range": {"low": a, "high": b, "step": s}}`` (the numbers ``a, a+s, ...`` up to ``b``).
A profile is ``{"LinearAdditiveUtilitySpace": {...}}`` with ``issueUtilities`` (per issue
``{"discreteutils": {"valueUtilities": {value: utility}}}`` or ``{"numberutils":
{"lowValue", "lowUtility", "highValue", "highUtility"}}``), ``issueWeights``, the embedded
``domain`` and an optional ``reservationBid`` (``{"issuevalues": {issue: value}}``).

**Utility, as GeniusWeb computes it** (in decimal arithmetic):
``U(bid) = sum_i weight_i * u_i(bid_i)``; a discrete value's utility is as listed; a number
value's utility interpolates linearly between ``(lowValue, lowUtility)`` and ``(highValue,
highUtility)``, rounded half-up to 8 decimals, and is 0 outside ``[lowValue, highValue]``.
The reservation value is the utility of the reservation bid (0 without one; an issue the
bid leaves out contributes 0). The import reproduces this exactly: value tables as given;
for a number issue ``points`` through the value set's numbers (only as many as needed: two
when the rounded utilities lie on one line), so the utility at every value of the issue is
GeniusWeb's. A range with step 1 over whole numbers becomes an ``integer`` issue; any other
range a ``continuous`` issue whose ``grid`` is exactly the range's values.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError
from ._build import (
    DEFAULT_YEAR,
    Domain,
    GeniusImport,
    Issue,
    Profile,
    build_scenario,
    fail,
    given_year,
    read_bytes,
    source_year,
    text_year,
)

_PROFILE_KEY = "LinearAdditiveUtilitySpace"
_EIGHT = Decimal("1.00000000")
#: Most values a number issue may have (the scenario schema's largest grid).
MAX_VALUES = 100_000


class _Doc:
    """A parsed JSON file and located errors (by key path; JSON keeps no line numbers after parsing)."""

    def __init__(self, data: Any, file: str) -> None:
        self.data = data
        self.file = file

    def error(self, path: tuple, message: str) -> ScenarioError:
        return ScenarioError([Problem(" ".join(message.split()), tuple(path))], self.file)

    def get(self, node: Any, key: str, path: tuple, kind: type | tuple[type, ...] = dict) -> Any:
        if not isinstance(node, dict):
            raise self.error(path, "expected a JSON object")
        if key not in node:
            raise self.error(path + (key,), "required key is missing")
        value = node[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            names: dict[type, str] = {dict: "an object", list: "a list", str: "text"}
            kinds = kind if isinstance(kind, tuple) else (kind,)
            want = " or ".join(dict.fromkeys(names.get(k, "a number") for k in kinds))
            raise self.error(path + (key,), f"expected {want}")
        return value

    def number(self, node: Any, key: str, path: tuple) -> Decimal:
        value = self.get(node, key, path, (Decimal, int))
        return Decimal(value)


def parse_json(raw: bytes, file: str) -> _Doc:
    """Parse JSON text; bad syntax, NaN/Infinity, duplicate keys and non-UTF-8 text are errors."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(file, "the file is not UTF-8 text", line) from None

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a finite number")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in items:
            if k in out:
                raise ValueError(f"duplicate key {k!r}")
            out[k] = v
        return out

    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=constant, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise fail(file, f"malformed JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:
        raise fail(file, f"malformed JSON: {exc}") from None
    return _Doc(data, file)


def _finite(doc: _Doc, value: Decimal, path: tuple) -> Decimal:
    if not value.is_finite():
        raise doc.error(path, f"{value} is not a finite number")
    return value


def _range_values(doc: _Doc, spec: Any, path: tuple) -> list[Decimal]:
    low = _finite(doc, doc.number(spec, "low", path), path + ("low",))
    high = _finite(doc, doc.number(spec, "high", path), path + ("high",))
    step = _finite(doc, doc.number(spec, "step", path), path + ("step",))
    if step <= 0:
        raise doc.error(path + ("step",), f"step {step} must be positive")
    if high < low:
        raise doc.error(path, f"high {high} is below low {low}")
    count = int((high - low) / step) + 1
    if count > MAX_VALUES:
        raise doc.error(path, f"the range holds {count} values; at most {MAX_VALUES} can be imported")
    values = [low + k * step for k in range(count)]
    while values and values[-1] > high:  # guard against decimal division rounding
        values.pop()
    if len(values) < 2:
        raise doc.error(path, "the range holds a single value; an issue needs at least two")
    return values


def _domain(doc: _Doc) -> tuple[str, list[Issue], list[list[Decimal] | None]]:
    data = doc.data
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name.strip():
        name = Path(doc.file).stem
    issues_values = doc.get(data, "issuesValues", ())
    if not issues_values:
        raise doc.error(("issuesValues",), "the domain has no issues")
    issues: list[Issue] = []
    numbers: list[list[Decimal] | None] = []
    for issue_name, spec in issues_values.items():
        path = ("issuesValues", issue_name)
        if not isinstance(spec, dict):
            raise doc.error(path, "expected an object with 'values' or 'range'")
        if "values" in spec:
            values = doc.get(spec, "values", path, list)
            if not all(isinstance(v, str) for v in values):
                raise doc.error(path + ("values",), "discrete values must be text")
            if len(set(values)) != len(values):
                raise doc.error(path + ("values",), "a value is listed twice")
            if len(values) < 2:
                raise doc.error(path + ("values",), f"{len(values)} value(s); at least two are needed")
            issues.append(Issue(issue_name, "categorical", options=list(values),
                                note="GeniusWeb discrete issue (unordered)"))
            numbers.append(None)
        elif "range" in spec:
            values = _range_values(doc, doc.get(spec, "range", path), path + ("range",))
            whole = all(v == v.to_integral_value() for v in values) and values[1] - values[0] == 1
            if whole:
                issues.append(Issue(issue_name, "integer", low=int(values[0]), high=int(values[-1]),
                                    note="GeniusWeb number issue (whole numbers, step 1)"))
            else:
                issues.append(Issue(issue_name, "continuous", low=float(values[0]), high=float(values[-1]),
                                    grid=len(values), note="GeniusWeb number issue; the grid is its values"))
            numbers.append(values)
        else:
            keys = ", ".join(spec) or "none"
            raise doc.error(path, f"unknown issue type (keys: {keys}); expected 'values' or 'range'")
    return name, issues, numbers


def _number_utility(x: Decimal, low_v: Decimal, low_u: Decimal, high_v: Decimal, high_u: Decimal) -> Decimal:
    if x < low_v or x > high_v:
        return Decimal(0)
    exact = low_u + (high_u - low_u) * (x - low_v) / (high_v - low_v)
    return exact.quantize(_EIGHT, rounding=ROUND_HALF_UP)


def _line_points(xs: list[Any], ys: list[float]) -> list[list[Any]]:
    """Few of the points ``(xs[k], ys[k])`` whose piecewise-linear curve passes within 1e-15 of
    every one of them (runs on one line are merged; linear time)."""
    fx = [float(x) for x in xs]
    kept = [0]
    a = 0
    slope = (ys[1] - ys[0]) / (fx[1] - fx[0])
    for k in range(2, len(xs)):
        predicted = ys[a] + slope * (fx[k] - fx[a])
        if abs(predicted - ys[k]) > 5e-16 * max(1.0, abs(ys[k])):
            a = k - 1
            kept.append(a)
            slope = (ys[k] - ys[a]) / (fx[k] - fx[a])
    kept.append(len(xs) - 1)
    return [[xs[k], ys[k]] for k in kept]


def _profile(doc: _Doc, domain_name: str, issues: list[Issue], numbers: list[list[Decimal] | None],
             stem: str) -> Profile:
    space = doc.get(doc.data, _PROFILE_KEY, ())
    base = (_PROFILE_KEY,)
    embedded = space.get("domain")
    embedded_name = embedded.get("name") if isinstance(embedded, dict) else None
    if isinstance(embedded_name, str) and embedded_name != domain_name:
        raise doc.error(base + ("domain", "name"), f"the profile is for domain {embedded_name!r}, not "
                        f"{domain_name!r}")
    utilities = doc.get(space, "issueUtilities", base)
    weights = doc.get(space, "issueWeights", base)
    names = [i.name for i in issues]
    for extra in [k for k in utilities if k not in names]:
        raise doc.error(base + ("issueUtilities", extra), "not an issue of the domain")
    for extra in [k for k in weights if k not in names]:
        raise doc.error(base + ("issueWeights", extra), "not an issue of the domain")

    positions: list[dict[str, Any]] = []
    value_utility: list[Any] = []   # per issue: function value -> Decimal utility
    weight_of: list[Decimal] = []
    for issue, values in zip(issues, numbers, strict=True):
        wpath = base + ("issueWeights", issue.name)
        if issue.name not in weights:
            raise doc.error(wpath, "no weight for this issue")
        weight = _finite(doc, doc.number(weights, issue.name, base + ("issueWeights",)), wpath)
        if weight < 0:
            raise doc.error(wpath, f"weight {weight} is negative")
        upath = base + ("issueUtilities", issue.name)
        spec = doc.get(utilities, issue.name, base + ("issueUtilities",))
        if issue.kind == "categorical":
            discrete = doc.get(spec, "discreteutils", upath)
            table = doc.get(discrete, "valueUtilities", upath + ("discreteutils",))
            vpath = upath + ("discreteutils", "valueUtilities")
            for extra in [k for k in table if k not in (issue.options or [])]:
                raise doc.error(vpath + (extra,), "not a value of this issue in the domain")
            missing = [o for o in issue.options or [] if o not in table]
            if missing:
                raise doc.error(vpath, f"no utility for value(s) {', '.join(repr(m) for m in missing)}")
            utils = {o: _finite(doc, doc.number(table, o, vpath), vpath + (o,)) for o in issue.options or []}
            positions.append({"salience": float(weight), "values": {o: float(u) for o, u in utils.items()}})
            value_utility.append(lambda v, utils=utils: utils.get(v) if isinstance(v, str) else None)
        else:
            assert values is not None
            spec_n = doc.get(spec, "numberutils", upath)
            npath = upath + ("numberutils",)
            low_v = _finite(doc, doc.number(spec_n, "lowValue", npath), npath + ("lowValue",))
            low_u = _finite(doc, doc.number(spec_n, "lowUtility", npath), npath + ("lowUtility",))
            high_v = _finite(doc, doc.number(spec_n, "highValue", npath), npath + ("highValue",))
            high_u = _finite(doc, doc.number(spec_n, "highUtility", npath), npath + ("highUtility",))
            if not high_v > low_v:
                raise doc.error(npath, f"highValue {high_v} must exceed lowValue {low_v}")
            ys = [float(_number_utility(x, low_v, low_u, high_v, high_u)) for x in values]
            xs: list[Any] = [int(x) if issue.kind == "integer" else float(x) for x in values]
            positions.append({"salience": float(weight), "points": _line_points(xs, ys)})
            value_utility.append(lambda v, a=low_v, b=low_u, c=high_v, d=high_u, vs=set(values):
                                 _number_utility(Decimal(v), a, b, c, d)
                                 if isinstance(v, (Decimal, int)) and Decimal(v) in vs else None)
        weight_of.append(weight)

    bid_holder = space.get("reservationBid")
    if bid_holder is None:
        reservation, note = 0.0, "the profile has no reservation bid: 0"
    else:
        rpath = base + ("reservationBid",)
        bid = doc.get(space, "reservationBid", base)
        bid_values = doc.get(bid, "issuevalues", rpath)
        total = Decimal(0)
        for key in bid_values:
            if key not in names:
                raise doc.error(rpath + ("issuevalues", key), "not an issue of the domain")
        for issue, weight, fn in zip(issues, weight_of, value_utility, strict=True):
            if issue.name not in bid_values:
                continue
            u = fn(bid_values[issue.name])
            if u is None:
                raise doc.error(rpath + ("issuevalues", issue.name), f"{bid_values[issue.name]!r} is not a "
                                "value of this issue")
            total += weight * u
        reservation, note = float(total), "utility of the profile's reservation bid"
    return Profile(Path(doc.file).name, stem, positions, reservation, note)


def import_json(domain: _Doc, profiles: list[tuple[_Doc, str]], *, year: tuple[int, str],
                folder: str | None = None) -> GeniusImport:
    name, issues, numbers = _domain(domain)
    profs = [_profile(doc, name, issues, numbers, stem) for doc, stem in profiles]
    model = Domain(name, Path(domain.file).name, issues, profs, "GeniusWeb JSON", year[0], year[1], folder)
    return build_scenario(model)


def is_domain(doc: _Doc) -> bool:
    return isinstance(doc.data, dict) and "issuesValues" in doc.data


def is_profile(doc: _Doc) -> bool:
    return isinstance(doc.data, dict) and any(str(k).endswith("UtilitySpace") for k in doc.data)


def read_json_folder(folder: Path, files: list[Path], *, year: int | None = None) -> GeniusImport:
    """Import the GeniusWeb JSON files ``files`` of ``folder``: the domain is the object with
    ``issuesValues``, the profiles those with a ``...UtilitySpace`` key (only
    ``LinearAdditiveUtilitySpace`` is supported); other JSON files are skipped."""
    domains: list[_Doc] = []
    profiles: list[tuple[_Doc, str]] = []
    texts: dict[str, bytes] = {}
    for path in files:
        raw = read_bytes(path)
        doc = parse_json(raw, str(path))
        texts[doc.file] = raw
        if is_domain(doc):
            domains.append(doc)
        elif is_profile(doc):
            if _PROFILE_KEY not in doc.data:
                kind = next(k for k in doc.data if str(k).endswith("UtilitySpace"))
                raise doc.error((kind,), f"{kind} profiles are not supported (only {_PROFILE_KEY})")
            profiles.append((doc, path.stem))
    if not domains:
        raise fail(str(folder), "no GeniusWeb domain (a JSON file with 'issuesValues')")
    if len(domains) > 1:
        raise fail(str(folder), "more than one GeniusWeb domain: "
                   + ", ".join(Path(d.file).name for d in domains))
    if not profiles:
        raise fail(str(folder), f"no GeniusWeb profiles (JSON files with '{_PROFILE_KEY}')")
    dated = [(Path(d.file), texts[d.file]) for d in (domains[0], *(doc for doc, _ in profiles))]
    chosen = given_year(year) if year is not None else source_year(dated, folder)
    return import_json(domains[0], profiles, year=chosen, folder=str(folder))


def read_json_texts(domain: str | bytes, profiles: Mapping[str, str | bytes], *,
                    domain_file: str = "domain.json", year: int | None = None) -> GeniusImport:
    """Import from texts: ``profiles`` maps each profile's file name to its text. ``year``:
    default, a year the texts state, else the placeholder ``DEFAULT_YEAR``."""
    doc = parse_json(_bytes(domain), domain_file)
    if not is_domain(doc):
        raise doc.error(("issuesValues",), "required key is missing (not a GeniusWeb domain)")
    parsed = []
    for name, text in profiles.items():
        profile = parse_json(_bytes(text), name)
        profile.get(profile.data, _PROFILE_KEY, ())
        parsed.append((profile, Path(name).stem))
    stated = text_year([(domain_file, domain), *profiles.items()]) if year is None else None
    return import_json(doc, parsed, year=stated or given_year(DEFAULT_YEAR if year is None else year))


def _bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)
