"""Genius XML: import a domain with its linear-additive profiles, export a track back.

**The format, as the sample files show it.** A domain file has the root
``<negotiation_template>`` holding ``<utility_space><objective>`` with one ``<issue>`` per
issue: ``type="discrete"`` with ``<item value="...">`` children, ``type="integer"`` with
``lowerbound``/``upperbound`` attributes, or ``type="real"`` with a ``<range lowerbound
upperbound>`` child. As in Genius, the ``type`` attribute decides (over ``etype`` and
``vtype``), an issue without one is discrete, and a value listed twice is one value. A
profile file has the root ``<utility_space>``: the same issues, each discrete item with an
``evaluation``, each integer issue with ``<evaluator ftype="linear" slope offset>``, each
real issue with ``<evaluator ftype="linear" parameter0 parameter1>`` (or
``constant``/``triangular``), one ``<weight index value>`` per issue, and optional
``<reservation value>`` and ``<discount_factor value>``.

**Utility, as Genius computes it** (its ``AdditiveUtilitySpace`` and evaluators).
``U(bid) = sum_i weight_i * eval_i(bid_i)`` where a discrete evaluation is ``evaluation /
(largest evaluation of the issue)``, or 0 for every value when that largest evaluation is
below 0.00001 (an issue evaluated all 0), and where a profile evaluates a value twice the
later evaluation counts; an integer issue gives ``clamp(offset + slope * (x - lowerbound),
0, 1)``; a real issue with a linear evaluator gives ``clamp(parameter1 * x + parameter0, 0,
1)``, a constant one ``parameter0``, a triangular one 0 outside ``[parameter0,
parameter1]`` rising to 1 at ``parameter2``. The import reproduces this exactly with
multitrack's additive utility: salience = weight, a ``values`` table for discrete issues
and ``points`` (piecewise linear, with the clamping corners as extra points) for integer
and real issues. Profiles whose utility space is nonlinear (``type="nonlinear"``,
hyper-rectangle constraints) have no additive form and are refused. A Genius domain has no
status quo, and the imported track states none: no deal means each party's reservation value.

XML is parsed only after refusing any document type declaration or entity (checked on the
raw text and again by the parser), so no entity expansion or external fetch can happen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from xml.etree import ElementTree as ET
from xml.parsers import expat

from ..errors import ScenarioError
from ._build import (
    DEFAULT_YEAR,
    Domain,
    GeniusImport,
    Issue,
    Profile,
    build_scenario,
    fail,
    finite,
    given_year,
    read_bytes,
    source_year,
    text_year,
)

#: Largest utility an exported profile may reach and still be written unscaled. Genius caps a
#: utility at 1; a little above 1 is kept as it is, as in Genius's own files (the Laptop
#: profiles' weights sum to 1.00005).
EXACT_UP_TO = 1.001
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DOMAIN_SUFFIX = re.compile(r"[\s_\-.]*domain$", re.IGNORECASE)


# ---- safe parsing with line numbers ------------------------------------------------------------------

class XmlDoc:
    """A parsed XML file: its root element and the line each element starts on."""

    def __init__(self, root: ET.Element, lines: dict[int, int], file: str) -> None:
        self.root = root
        self._lines = lines
        self.file = file

    def line(self, element: ET.Element | None) -> int | None:
        return None if element is None else self._lines.get(id(element))

    def error(self, element: ET.Element | None, message: str) -> ScenarioError:
        return fail(self.file, message, self.line(element))

    def number(self, element: ET.Element, attribute: str, what: str) -> float:
        return finite(element.get(attribute), what, self.file, self.line(element))

    def whole(self, element: ET.Element, attribute: str, what: str) -> int:
        text = element.get(attribute)
        if text is None:
            raise self.error(element, f"{what} is missing")
        try:
            return int(text.strip())
        except ValueError:
            raise self.error(element, f"{what} {text!r} is not a whole number") from None


class _Refused(Exception):
    pass


def parse_xml(raw: bytes, file: str) -> XmlDoc:
    """Parse ``raw`` after refusing document type declarations and entities.

    Every failure is a :class:`ScenarioError` naming ``file`` and, where the parser knows it,
    the line and column."""
    if b"\x00" in raw:
        raise fail(file, "not an XML text file in UTF-8 or an 8-bit encoding (it holds NUL bytes)")
    found = _FORBIDDEN.search(raw)
    if found:
        line = raw[: found.start()].count(b"\n") + 1
        raise fail(file, f"XML with a document type declaration or entity (<!{found.group(1).decode()}) "
                   "is refused for safety", line)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    lines: dict[int, int] = {}
    stack: list[ET.Element] = []
    roots: list[ET.Element] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = ET.Element(tag, attrs)
        lines[id(element)] = parser.CurrentLineNumber
        if stack:
            stack[-1].append(element)
        else:
            roots.append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def refuse(*_: Any) -> NoReturn:
        raise _Refused()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(raw, True)
    except _Refused:
        raise fail(file, "XML with a document type declaration or entity is refused for safety",
                   parser.CurrentLineNumber) from None
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise fail(file, f"malformed XML: {message}", exc.lineno, exc.offset + 1) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise fail(file, f"malformed XML: {exc}") from None
    if not roots:
        raise fail(file, "malformed XML: no element found")
    return XmlDoc(roots[0], lines, file)


def _looks_like_xml(raw: bytes) -> bool:
    text = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    return text.lstrip()[:1] == b"<"


# ---- the domain ----------------------------------------------------------------------------------------

def _kind(doc: XmlDoc, element: ET.Element, default: str) -> str:
    """The issue's type as Genius reads it: its ``type`` attribute, which wins over ``etype`` and
    ``vtype`` when they differ; without one, ``default`` (Genius reads a domain's issue without a
    type as discrete; a profile's issue is read as its domain's)."""
    given = element.get("type")
    if given is None or not given.strip():
        return default
    kind = given.strip().lower()
    if kind not in ("discrete", "integer", "real"):
        raise doc.error(element, f"issue {element.get('name')!r} has unknown type {kind!r} (expected "
                        "discrete, integer or real)")
    return kind


def _bounds(doc: XmlDoc, element: ET.Element, kind: str) -> tuple[float, float]:
    """The issue's range: ``lowerbound``/``upperbound`` attributes, else a ``<range>`` child."""
    holder = element
    if element.get("lowerbound") is None and element.get("upperbound") is None:
        rng = element.find("range")
        if rng is not None:
            holder = rng
    name = element.get("name")
    if kind == "integer":
        lo: float = doc.whole(holder, "lowerbound", f"lower bound of issue {name!r}")
        hi: float = doc.whole(holder, "upperbound", f"upper bound of issue {name!r}")
    else:
        lo = doc.number(holder, "lowerbound", f"lower bound of issue {name!r}")
        hi = doc.number(holder, "upperbound", f"upper bound of issue {name!r}")
    if not lo < hi:
        raise doc.error(holder, f"issue {name!r}: range [{lo:g}, {hi:g}] must have lower < upper (an issue "
                        "with a single value cannot be imported)")
    return lo, hi


def _root_objective(doc: XmlDoc, holder: ET.Element | None) -> ET.Element:
    objective = None if holder is None else holder.find("objective")
    if objective is None:
        raise doc.error(holder if holder is not None else doc.root,
                        "no <objective> element holding the issues")
    if objective.find("objective") is not None:
        raise doc.error(objective.find("objective"), "nested objectives are not supported (only a flat list "
                        "of issues)")
    return objective


@dataclass
class _XmlIssue:
    index: int
    element: ET.Element
    issue: Issue


def _domain_issues(doc: XmlDoc) -> list[_XmlIssue]:
    root = doc.root
    if root.tag != "negotiation_template":
        raise doc.error(root, f"a Genius domain file has the root <negotiation_template>, not <{root.tag}>")
    space = root.find("utility_space")
    if space is None:
        raise doc.error(root, "no <utility_space> element in the domain file")
    objective = _root_objective(doc, space)
    out: list[_XmlIssue] = []
    seen_index: set[int] = set()
    seen_name: set[str] = set()
    for element in objective.findall("issue"):
        name = element.get("name")
        if name is None or not name.strip():
            raise doc.error(element, "an issue has no name")
        index = doc.whole(element, "index", f"index of issue {name!r}")
        if index in seen_index:
            raise doc.error(element, f"issue index {index} is used twice")
        if name in seen_name:
            raise doc.error(element, f"issue name {name!r} is used twice")
        seen_index.add(index)
        seen_name.add(name)
        kind = _kind(doc, element, "discrete")
        if kind == "discrete":
            options: list[str] = []
            repeated: list[str] = []
            for item in element.findall("item"):
                value = item.get("value")
                if value is None:
                    raise doc.error(item, f"an item of issue {name!r} has no value")
                if value in options:  # Genius holds the same value twice: one outcome, listed twice
                    repeated.append(value)
                    continue
                options.append(value)
            if len(options) < 2:
                untyped = "" if element.get("type") else " (no type attribute: Genius reads it as discrete)"
                raise doc.error(element, f"issue {name!r} has {len(options)} value(s){untyped}; at least two "
                                "are needed")
            note = "Genius discrete issue (unordered)" + ("" if element.get("type") else
                                                          "; no type attribute: discrete, as Genius reads it")
            if repeated:
                note += f"; value(s) listed more than once, kept once: {', '.join(dict.fromkeys(repeated))}"
            issue = Issue(name, "categorical", options=options, note=note)
        else:
            lo, hi = _bounds(doc, element, kind)
            issue = Issue(name, "integer" if kind == "integer" else "continuous", low=lo, high=hi,
                          note=f"Genius {kind} issue")
        out.append(_XmlIssue(index, element, issue))
    if not out:
        raise doc.error(objective, "the domain has no issues")
    return out


# ---- profiles -------------------------------------------------------------------------------------------

def _clamp01(y: float) -> float:
    return 0.0 if y < 0 else 1.0 if y > 1 else y


def _points(lo: float, hi: float, f: Callable[[float], float], corners: list[float]) -> list[list[float]]:
    """``[x, f(x)]`` at both ends and at every corner strictly inside (lo, hi), collinear runs merged."""
    xs = sorted({lo, hi, *[c for c in corners if lo < c < hi and math.isfinite(c)]})
    pts = [[_plain(x), f(x)] for x in xs]
    merged = [pts[0]]
    for k in range(1, len(pts) - 1):
        (xa, ya), (x, y), (xb, yb) = merged[-1], pts[k], pts[k + 1]
        if abs(ya + (yb - ya) * (x - xa) / (xb - xa) - y) > 1e-15:
            merged.append(pts[k])
    merged.append(pts[-1])
    return merged


def _plain(x: float | int) -> float | int:
    return x if isinstance(x, int) and not isinstance(x, bool) else float(x)


def _numeric_points(doc: XmlDoc, element: ET.Element, issue: Issue, kind: str) -> list[list[float]]:
    name = issue.name
    evaluator = element.find("evaluator")
    if evaluator is None:
        raise doc.error(element, f"{kind} issue {name!r} has no <evaluator>")
    assert issue.low is not None and issue.high is not None  # _domain_issues gives every numeric issue both
    lo, hi = float(issue.low), float(issue.high)
    if kind == "integer":
        base = element.get("lowerbound")
        lb = issue.low if base is None else doc.whole(element, "lowerbound", f"lower bound of issue {name!r}")
        slope = doc.number(evaluator, "slope", f"slope of the evaluator of issue {name!r}")
        offset = doc.number(evaluator, "offset", f"offset of the evaluator of issue {name!r}")

        def f_int(x: float) -> float:
            return _clamp01(offset + slope * (x - lb))

        corners = [] if slope == 0 else [lb + (t - offset) / slope for t in (0.0, 1.0)]
        return _points(issue.low, issue.high, f_int, corners)
    ftype = (evaluator.get("ftype") or "").strip().lower()
    if ftype == "linear":
        p0 = doc.number(evaluator, "parameter0", f"parameter0 (offset) of the evaluator of issue {name!r}")
        p1 = doc.number(evaluator, "parameter1", f"parameter1 (slope) of the evaluator of issue {name!r}")

        def f_lin(x: float) -> float:
            return _clamp01(p1 * x + p0)

        corners = [] if p1 == 0 else [(t - p0) / p1 for t in (0.0, 1.0)]
        return _points(lo, hi, f_lin, corners)
    if ftype == "constant":
        p0 = doc.number(evaluator, "parameter0", f"parameter0 of the evaluator of issue {name!r}")
        return [[lo, p0], [hi, p0]]
    if ftype == "triangular":
        of = f"of the evaluator of issue {name!r}"
        low = doc.number(evaluator, "parameter0", f"parameter0 (lower end) {of}")
        up = doc.number(evaluator, "parameter1", f"parameter1 (upper end) {of}")
        top = doc.number(evaluator, "parameter2", f"parameter2 (top) {of}")
        if not low < top < up:
            raise doc.error(evaluator, f"triangular evaluator of issue {name!r} needs parameter0 < "
                            "parameter2 < parameter1")

        def f_tri(x: float) -> float:
            if x < low or x >= up:
                return 0.0
            return (x - low) / (top - low) if x < top else 1 - (x - top) / (up - top)

        return _points(lo, hi, f_tri, [low, top, up])
    raise doc.error(evaluator, f"evaluator type {ftype or '(none)'!r} of real issue {name!r} is not "
                    "supported (linear, constant or triangular)")


def _profile(doc: XmlDoc, issues: list[_XmlIssue], stem: str) -> Profile:
    root = doc.root
    if root.tag != "utility_space":
        raise doc.error(root, f"a Genius profile has the root <utility_space>, not <{root.tag}>")
    nonlinear = root.find(".//hyperRectangle")
    if (root.get("type") or "").strip().lower() == "nonlinear" or nonlinear is not None \
            or root.find(".//ufun") is not None:
        raise doc.error(nonlinear if nonlinear is not None else root,
                        "nonlinear utility space (hyper-rectangle constraints): multitrack utilities are "
                        "additive over issues, so only linear-additive profiles can be imported")
    objective = _root_objective(doc, root)
    by_index: dict[int, ET.Element] = {}
    for element in objective.findall("issue"):
        index = doc.whole(element, "index", f"index of issue {element.get('name')!r}")
        if index in by_index:
            raise doc.error(element, f"issue index {index} is used twice")
        by_index[index] = element
    weights: dict[int, tuple[float, ET.Element]] = {}
    for w in objective.findall("weight"):
        index = doc.whole(w, "index", "weight index")
        if index in weights:
            raise doc.error(w, f"two weights for issue index {index}")
        value = doc.number(w, "value", f"weight of issue index {index}")
        if value < 0:
            raise doc.error(w, f"weight {value:g} of issue index {index} is negative")
        weights[index] = (value, w)
    domain_indices = {di.index for di in issues}
    for index, element in by_index.items():
        if index not in domain_indices:
            raise doc.error(element, f"issue {element.get('name')!r} (index {index}) is not in the domain")

    positions: list[dict[str, Any]] = []
    notes: list[str] = []
    for di in issues:
        issue = di.issue
        if di.index not in by_index:
            raise doc.error(objective, f"no evaluation of issue {issue.name!r} (index {di.index})")
        element = by_index[di.index]
        if element.get("name") is not None and element.get("name") != issue.name:
            raise doc.error(element, f"issue index {di.index} is named {element.get('name')!r} here but "
                            f"{issue.name!r} in the domain")
        if di.index not in weights:
            raise doc.error(objective, f"no weight for issue {issue.name!r} (index {di.index})")
        weight = weights[di.index][0]
        expected = {"categorical": "discrete", "integer": "integer", "continuous": "real"}[issue.kind]
        kind = _kind(doc, element, default=expected)
        if kind != expected:
            raise doc.error(element, f"issue {issue.name!r} is {kind} here but {expected} in the domain")
        if issue.kind == "categorical":
            values, note = _discrete_values(doc, element, issue)
            if note:
                notes.append(f"{Path(doc.file).name}: {note}")
            positions.append({"salience": weight, "values": values})
        else:
            pts = _numeric_points(doc, element, issue, "integer" if issue.kind == "integer" else "real")
            positions.append({"salience": weight, "points": pts})

    reservation_el = next(root.iter("reservation"), None)
    if reservation_el is not None:
        reservation = doc.number(reservation_el, "value", "reservation value")
        note = "from <reservation> in the profile"
    else:
        reservation, note = 0.0, "the profile states none: Genius's default 0"
    discount_el = next(root.iter("discount_factor"), None)
    discount: float | None = None
    discount_note = None
    if discount_el is not None:
        df = doc.number(discount_el, "value", "discount factor")
        if 0 < df < 1:
            discount, discount_note = df, "from <discount_factor> in the profile"
        elif df != 1:
            notes.append(f"{Path(doc.file).name}: discount factor {df:g} is outside (0, 1]; Genius reads "
                         "it as 1 (no discounting)")
    total = sum(p["salience"] for p in positions)
    if total > 1 + 1e-9:
        notes.append(f"{Path(doc.file).name}: the weights sum to {total:.10g}; Genius caps a utility at 1 "
                     "and multitrack does not, so they differ where the weighted sum exceeds 1")
    return Profile(Path(doc.file).name, stem, positions, reservation, note, discount, discount_note, notes)


#: Genius evaluates every value of a discrete issue as 0 when its largest evaluation is below this
#: (it does not divide by a maximum that small).
ZERO_BELOW = 0.00001


def _discrete_values(doc: XmlDoc, element: ET.Element, issue: Issue) -> tuple[dict[str, float], str]:
    """A discrete issue's values in a profile, as Genius evaluates them: each evaluation divided by
    the issue's largest one, or 0 throughout when that is below ``ZERO_BELOW``; where a value is
    evaluated twice, the later evaluation wins (as in Genius's map from value to evaluation).
    Also returns a note on what was read unusually ("" if nothing)."""
    evaluations: dict[str, float] = {}
    twice: list[str] = []
    for item in element.findall("item"):
        value = item.get("value")
        if value is None:
            raise doc.error(item, f"an item of issue {issue.name!r} has no value")
        if value not in (issue.options or []):
            raise doc.error(item, f"value {value!r} of issue {issue.name!r} is not in the domain")
        if item.get("evaluation") is None:
            raise doc.error(item, f"value {value!r} of issue {issue.name!r} has no evaluation")
        if value in evaluations:
            twice.append(value)
        evaluations[value] = doc.number(item, "evaluation", f"evaluation of {value!r}")
    missing = [o for o in issue.options or [] if o not in evaluations]
    if missing:
        raise doc.error(element, f"issue {issue.name!r}: no evaluation for value(s) "
                        f"{', '.join(repr(m) for m in missing)}")
    notes = []
    if twice:
        again = ", ".join(repr(v) for v in dict.fromkeys(twice))
        notes.append(f"issue {issue.name!r} evaluates {again} more than once; the last evaluation counts, as "
                     "in Genius")
    top = max(evaluations.values())
    if top < ZERO_BELOW:
        notes.append(f"issue {issue.name!r}: the largest evaluation is {top:g}, so Genius evaluates every "
                     "value as 0 (it does not divide by it), and so does the import")
        return {o: 0.0 for o in issue.options or []}, "; ".join(notes)
    return {o: evaluations[o] / top for o in issue.options or []}, "; ".join(notes)


def domain_name(file_name: str) -> str:
    """``laptop_domain.xml`` -> ``laptop``; ``Politics.xml`` -> ``Politics``."""
    stem = Path(file_name).stem
    short = _DOMAIN_SUFFIX.sub("", stem)
    return short or stem


def import_xml(domain: XmlDoc, profiles: list[tuple[XmlDoc, str]], *, year: tuple[int, str],
               folder: str | None = None) -> GeniusImport:
    """Build the scenario from a parsed domain and its parsed profiles (each with its file stem)."""
    issues = _domain_issues(domain)
    profs = [_profile(doc, issues, stem) for doc, stem in profiles]
    name = domain_name(domain.file)
    model = Domain(name, Path(domain.file).name, [i.issue for i in issues], profs, "Genius XML",
                   year[0], year[1], folder)
    return build_scenario(model)


def read_xml_folder(folder: Path, files: list[Path], *, year: int | None = None,
                    need_domain: bool = True) -> GeniusImport | None:
    """Import the Genius XML files ``files`` of ``folder`` (the domain is the one whose root is
    ``<negotiation_template>``; every ``<utility_space>`` is a profile; text files that are not XML
    are skipped). Without a domain: an error, or None when ``need_domain`` is false."""
    domains: list[XmlDoc] = []
    profiles: list[tuple[XmlDoc, str]] = []
    texts: dict[str, bytes] = {}
    for path in files:
        raw = read_bytes(path)
        if not _looks_like_xml(raw):
            continue  # e.g. the 10issues pareto.xml, a plain list of numbers
        doc = parse_xml(raw, str(path))
        texts[doc.file] = raw
        if doc.root.tag == "negotiation_template":
            domains.append(doc)
        elif doc.root.tag == "utility_space":
            profiles.append((doc, path.stem))
    if not domains:
        if not need_domain and not profiles:
            return None
        raise fail(str(folder), "no Genius domain file (an XML file with the root <negotiation_template>)")
    if len(domains) > 1:
        raise fail(str(folder), "more than one Genius domain file: "
                   + ", ".join(Path(d.file).name for d in domains))
    if not profiles:
        raise fail(str(folder), "no Genius profiles (XML files with the root <utility_space>)")
    dated = [(Path(d.file), texts[d.file]) for d in (domains[0], *(doc for doc, _ in profiles))]
    chosen = given_year(year) if year is not None else source_year(dated, folder)
    return import_xml(domains[0], profiles, year=chosen, folder=str(folder))


def read_xml_texts(domain: str | bytes, profiles: Mapping[str, str | bytes], *,
                   domain_file: str = "domain.xml", year: int | None = None) -> GeniusImport:
    """Import from texts: ``profiles`` maps each profile's file name to its text. ``year``:
    default, a year the texts state, else the placeholder ``DEFAULT_YEAR``."""
    doc = parse_xml(_bytes(domain), domain_file)
    parsed = [(parse_xml(_bytes(text), name), Path(name).stem) for name, text in profiles.items()]
    stated = text_year([(domain_file, domain), *profiles.items()]) if year is None else None
    return import_xml(doc, parsed, year=stated or given_year(DEFAULT_YEAR if year is None else year))


def _bytes(text: str | bytes) -> bytes:
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)


# ---- export ---------------------------------------------------------------------------------------------

@dataclass
class ExportReport:
    """What :func:`export_genius` wrote and how the utilities were carried over.

    ``scaling[actor] = (offset, factor)``: the exported Genius utility is
    ``(U - offset) * factor`` of the actor's raw utility ``U`` (``(0, 1)``: exactly ``U``).
    """

    folder: Path
    domain_file: Path
    profiles: dict[str, Path]
    scaling: dict[str, tuple[float, float]]
    discretised: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [self.domain_file, *self.profiles.values()]

    def summary(self) -> str:
        rescaled = [a for a, s in self.scaling.items() if s != (0.0, 1.0)]
        parts = [f"wrote {self.domain_file} and {len(self.profiles)} profiles "
                 f"({', '.join(p.name for p in self.profiles.values())})"]
        parts.append("utilities rescaled to [0, 1] for " + ", ".join(rescaled) if rescaled
                     else "utilities exact")
        if self.discretised:
            parts.append("numeric issues written as discrete: " + ", ".join(self.discretised))
        return "; ".join(parts)


@dataclass
class _Column:
    """One issue as exported: its Genius form and each actor's value at the relevant points."""

    issue: Any
    name: str
    form: str                      # discrete | integer | real
    labels: list[str]              # discrete item names (in order)
    points: list[float]            # the x values evaluated: grid values, or [low, high] when linear
    values: dict[str, Any]       # actor -> numpy array of v at ``points``


def export_genius(scenario: Any, track_id: str, folder: Path | str) -> ExportReport:
    """Write track ``track_id`` of ``scenario`` as Genius XML into ``folder``:
    ``<track>_domain.xml`` and one ``<actor>.xml`` profile per participant.

    Mapping (nominal values of uncertain estimates are used):

    - categorical and ordinal issues become discrete issues; each item's evaluation is the
      actor's value of that option.
    - an integer or continuous issue becomes a Genius ``integer`` (``slope``/``offset``) or
      ``real`` (``parameter0``/``parameter1``) issue with a linear evaluator when the value
      function of *every* participant holding a position on it is linear over the whole
      range (``monotone``; ``points`` whose curve is one straight line over the range; an
      ``ideal`` at an end of the range with linear loss). Otherwise it becomes a *discrete*
      issue over the issue's grid values (every integer; the continuous issue's ``grid``, or
      the scenario's default), named by the numbers, and a re-import reads it as a
      categorical issue.
    - issue weights are the saliences times the largest value of each issue, so that
      Genius's normalisation of evaluations by their maximum gives back the raw utility
      ``U``. Genius needs ``0 <= U <= 1`` (it caps the total at 1); when an actor has
      negative values or a largest utility above 1.001 (``EXACT_UP_TO``; a little above 1
      is left as it is, as in Genius's own files), its profile is rescaled affinely to
      ``(U - Umin) / (Umax - Umin)`` over the track's outcomes (preferences and the
      reservation value's place among outcomes are kept; :class:`ExportReport` says by how
      much).
    - a participant without a position on an issue gets weight 0 there.
    - the reservation value is the one multitrack's preference model gives the actor
      (:func:`multitrack.settlement.preferences.track_preferences`: the track's
      ``reservation_values`` entry, else its no-deal value, else the utility of the status quo,
      or on a track without a status quo the actor's lowest utility); the discount factor is
      written when the track gives one.
    - not exported (Genius has no place for them): red lines, status quo, capabilities,
      veto players and the decision rule, uncertainty, sources.
    """
    import numpy as np

    from ..scenario.model import Scenario
    from ..settlement.draws import DrawValues
    from ..settlement.preferences import issue_values, track_preferences, value_curve

    central = DrawValues.central()

    def issue_value(issue: Any, position: Any, x: Any) -> Any:
        """The position's value function at the points ``x``, central values."""
        return value_curve(issue, position, x, central)[0]

    if not isinstance(scenario, Scenario):
        scenario = _validated(scenario)
    try:
        track = scenario.track(track_id)
    except KeyError:
        known = ", ".join(t.id for t in scenario.tracks)
        raise fail(None, f"no track {track_id!r} in scenario {scenario.id!r} (tracks: {known})") from None
    folder = Path(folder)
    settings = scenario.settings
    actors = list(track.participants)

    names = _genius_names(track.issues)
    columns: list[_Column] = []
    discretised: list[str] = []
    for issue, name in zip(track.issues, names, strict=True):
        held = {a: p for a, p in issue.positions.items() if a in actors}
        if issue.kind in ("categorical", "ordinal"):
            xs = np.arange(len(issue.options), dtype=float)
            values = {a: issue_value(issue, p, xs) for a, p in held.items()}
            columns.append(_Column(issue, name, "discrete", list(issue.options), list(xs), values))
            continue
        lo, hi = issue.low, issue.high
        if all(_linear(issue, p, issue_value) for p in held.values()):
            ends = np.array([lo, hi])
            values = {a: issue_value(issue, p, ends) for a, p in held.items()}
            form = "integer" if issue.kind == "integer" else "real"
            columns.append(_Column(issue, name, form, [], [lo, hi], values))
            continue
        grid = [float(x) for x in issue_values(issue, settings)]
        if len(grid) > 10_000:
            raise fail(None, f"issue {issue.id!r}: a nonlinear value function over {len(grid)} values is too "
                       "large to export as a discrete Genius issue (at most 10000)")
        xs = np.array(grid)
        values = {a: issue_value(issue, p, xs) for a, p in held.items()}
        columns.append(_Column(issue, name, "discrete", _labels(grid, issue.kind == "integer"), grid, values))
        discretised.append(issue.id)

    # per actor: scaling and the reservation value of the preference model
    model = track_preferences(scenario, track)
    scaling: dict[str, tuple[float, float]] = {}
    weights: dict[str, list[float]] = {}
    evals: dict[str, list[Any]] = {}
    reservations: dict[str, float] = {}
    notes: list[str] = []
    for actor in actors:
        sal = []
        lows, highs = [], []
        for col in columns:
            pos = col.issue.positions.get(actor)
            if pos is None:
                sal.append(0.0)
                lows.append(0.0)
                highs.append(0.0)
                continue
            v = col.values[actor]
            sal.append(float(pos.salience.nominal))
            lows.append(float(np.min(v)))
            highs.append(float(np.max(v)))
        u_min = sum(s * lo_ for s, lo_ in zip(sal, lows, strict=True))
        u_max = sum(s * hi_ for s, hi_ in zip(sal, highs, strict=True))
        raw_reservation = float(model.reservation[0, actors.index(actor)])
        exact = all(lo_ >= 0 for lo_, s in zip(lows, sal, strict=True) if s > 0) and u_max <= EXACT_UP_TO
        ws: list[float] = []
        es: list[Any] = []
        if exact:
            scaling[actor] = (0.0, 1.0)
            for col, s, hi_ in zip(columns, sal, highs, strict=True):
                v = col.values.get(actor)
                if v is None or s == 0 or hi_ <= 0:
                    ws.append(0.0)
                    es.append(None)
                else:
                    ws.append(s * hi_)
                    es.append(v / hi_)
            reservations[actor] = raw_reservation
        else:
            span = u_max - u_min
            factor = 1.0 / span if span > 0 else 0.0
            scaling[actor] = (u_min, factor)
            for col, s, lo_, hi_ in zip(columns, sal, lows, highs, strict=True):
                v = col.values.get(actor)
                if v is None or s == 0 or hi_ <= lo_ or factor == 0:
                    ws.append(0.0)
                    es.append(None)
                else:
                    ws.append(s * (hi_ - lo_) * factor)
                    es.append((v - lo_) / (hi_ - lo_))
            reservations[actor] = (raw_reservation - u_min) * factor if span > 0 else \
                (0.0 if raw_reservation <= u_min else 1.0)
            notes.append(f"{actor}: utilities rescaled to [0, 1] (offset {u_min:g}, factor {factor:g})")
        weights[actor] = ws
        evals[actor] = es

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(str(folder), f"cannot create the folder: {exc.strerror or exc}") from None
    domain_path = folder / f"{track.id}_domain.xml"
    _write(domain_path, _domain_xml(track, columns))
    profiles: dict[str, Path] = {}
    for actor in actors:
        path = folder / f"{actor}.xml"
        discount = track.discount_factors.get(actor)
        _write(path, _profile_xml(track, columns, weights[actor], evals[actor], reservations[actor],
                                  discount))
        profiles[actor] = path
    return ExportReport(folder, domain_path, profiles, scaling, discretised, notes)


def _validated(data: Any):
    from pydantic import ValidationError

    from ..scenario.model import Scenario

    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise fail(None, f"invalid scenario: {where}: {first.get('msg')}") from None


def _genius_names(issues: list[Any]) -> list[str]:
    labels = [i.label for i in issues]
    return [i.label if labels.count(i.label) == 1 else i.id for i in issues]


def _linear(issue: Any, position: Any, issue_value: Callable) -> bool:
    """Whether the position's value function is one straight line over the issue's range."""
    import numpy as np

    lo, hi = issue.low, issue.high
    xs = {lo, hi, *np.linspace(lo, hi, 9).tolist()}
    if position.points is not None:
        xs |= {float(x) for x, _ in position.points if lo <= x <= hi}
    if position.ideal is not None and not isinstance(position.ideal, str):
        xs.add(float(position.ideal.nominal))
    grid = np.array(sorted(xs))
    v = issue_value(issue, position, grid)
    line = v[0] + (v[-1] - v[0]) * (grid - lo) / (hi - lo)
    scale = max(1.0, float(np.max(np.abs(v))))
    return bool(np.all(np.abs(v - line) <= 1e-13 * scale))


def _labels(values: list[float], integer: bool) -> list[str]:
    if integer:
        return [str(int(round(x))) for x in values]
    for digits in range(6, 18):
        labels = [f"{x:.{digits}g}" for x in values]
        if len(set(labels)) == len(labels):
            return labels
    return [repr(x) for x in values]


def _num(x: float | int) -> str:
    """A number as Genius reads it back exactly (Java's Double.valueOf parses Python's repr)."""
    if isinstance(x, int) and not isinstance(x, bool):
        return str(x)
    return repr(float(x))


def _issue_element(parent: ET.Element, index: int, col: _Column) -> ET.Element:
    attrs = {"index": str(index), "etype": col.form, "type": col.form, "vtype": col.form, "name": col.name}
    if col.form == "integer":
        attrs["lowerbound"] = str(int(col.issue.low))
        attrs["upperbound"] = str(int(col.issue.high))
    element = ET.SubElement(parent, "issue", attrs)
    if col.form == "real":
        ET.SubElement(element, "range", {"lowerbound": _num(col.issue.low),
                                         "upperbound": _num(col.issue.high)})
    return element


def _objective(parent: ET.Element, track: Any) -> ET.Element:
    return ET.SubElement(parent, "objective", {"index": "0", "etype": "objective", "type": "objective",
                                               "description": "", "name": track.id})


def _domain_xml(track: Any, columns: list[_Column]) -> ET.Element:
    root = ET.Element("negotiation_template")
    space = ET.SubElement(root, "utility_space", {"number_of_issues": str(len(columns))})
    objective = _objective(space, track)
    for i, col in enumerate(columns, start=1):
        element = _issue_element(objective, i, col)
        for k, label in enumerate(col.labels, start=1):
            ET.SubElement(element, "item", {"index": str(k), "value": label})
    return root


def _profile_xml(track: Any, columns: list[_Column], weights: list[float], evals: list[Any],
                 reservation: float, discount: float | None) -> ET.Element:
    root = ET.Element("utility_space")
    objective = _objective(root, track)
    lo: float  # an int on an integer issue
    hi: float
    for i, (col, e) in enumerate(zip(columns, evals, strict=True), start=1):
        element = _issue_element(objective, i, col)
        if col.form == "discrete":
            for k, label in enumerate(col.labels):
                value = 1.0 if e is None else float(e[k])
                ET.SubElement(element, "item", {"index": str(k + 1), "value": label,
                                                "evaluation": _num(value)})
        elif col.form == "integer":
            lo, hi = int(col.issue.low), int(col.issue.high)
            e_lo, e_hi = (0.0, 0.0) if e is None else (float(e[0]), float(e[1]))
            ET.SubElement(element, "evaluator", {"ftype": "linear", "slope": _num((e_hi - e_lo) / (hi - lo)),
                                                 "offset": _num(e_lo)})
        else:
            lo, hi = float(col.issue.low), float(col.issue.high)
            e_lo, e_hi = (0.0, 0.0) if e is None else (float(e[0]), float(e[1]))
            slope = (e_hi - e_lo) / (hi - lo)
            ET.SubElement(element, "evaluator", {"ftype": "linear", "parameter0": _num(e_lo - slope * lo),
                                                 "parameter1": _num(slope)})
    for i, w in enumerate(weights, start=1):
        ET.SubElement(objective, "weight", {"index": str(i), "value": _num(w)})
    if discount is not None:
        ET.SubElement(root, "discount_factor", {"value": _num(float(discount))})
    ET.SubElement(root, "reservation", {"value": _num(reservation)})
    return root


def _write(path: Path, root: ET.Element) -> None:
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode") + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(str(path), f"cannot write: {exc.strerror or exc}") from None
