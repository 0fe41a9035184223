"""Import and export of GMCR+ (gmcr-py) conflict files, written from its documented JSON format.

A GMCR+ condition is a list of [option index (0-based), "Y"/"N"] pairs (a conjunction); a
compound condition {"compound": true, "members": [...]} is their disjunction. 'not' is an "N"
literal and 'A if B' has no syntax of its own, so statements travel in disjunctive normal form.

What a file holds and how it is read:

- options may share a name: each gets a unique name here ("x", "x (2)") and keeps its own as
  its title, which is written back;
- each decision maker's ``preferences`` (option prioritization, most important first) or,
  with ``useManualPreferenceRanking``, its ``preferenceRanking`` (GMCR+ state numbers, best
  first, a list for a tie, every feasible state once);
- each decision maker's ``misperceptions``: conditions for the states it does not perceive;
  it cannot move to or from them (GMCR+'s hypergame data);
- ``coalitions``: the coalition structure, every decision maker once, as an index or a list
  of indices; coalitions of two or more are analysed as players (see ``coalitions.py``);
- ``payoffs``, ``coalitionsFull`` and ``nodes`` are derived data GMCR+ writes beside them;
  they are recomputed, not read. Any other field is refused rather than dropped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from multitrack.errors import Problem, ScenarioError
from multitrack.scenario.option_form import (
    MAX_STATEMENTS,
    Conflict,
    ConflictModel,
    ConflictSizeError,
    DecisionMaker,
    Infeasible,
    Irreversible,
    OptionPrioritization,
    StatementTooComplex,
    StateRanking,
    dnf,
    parse_statement,
)

MAX_FILE_CHARS = 32 * 2**20   # a GMCR+ file is kilobytes; a ranking of 2**20 states is a few megabytes
MAX_COMPOUND_DEPTH = 16       # GMCR+ writes one level (a compound of simple conditions)
MAX_EXPORT_TERMS = 4096       # conditions one statement may become when written

_DIRECTIONS: dict[str, Literal["forward", "backward"]] = {"fwd": "forward", "back": "backward"}
_TOP_KEYS = {"decisionMakers", "options", "infeasibles", "coalitions", "coalitionsFull", "nodes",
             "useManualPreferenceRanking", "useManualPreferenceVectors", "program", "version"}
_DM_KEYS = {"name", "options", "preferences", "misperceptions", "payoffs", "preferenceRanking",
            "preferenceVector"}
_OPTION_KEYS = {"name", "permittedDirection"}
_COMPOUND_KEYS = {"compound", "members"}
Path = tuple[str | int, ...]


class _Bad(Exception):
    """One located problem found while reading; turned into a ScenarioError at the top."""

    def __init__(self, message: str, path: Path = (), line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.problem = Problem(message, path, line, col)


# --------------------------------------------------------------------------- writing


def _condition(term: dict[int, bool]) -> list:
    return [[k, "Y" if v else "N"] for k, v in sorted(term.items())]


def _gmcr_condition(terms: list[dict[int, bool]]) -> Any:
    """One GMCR+ condition (simple or compound) for a DNF with at least one term."""
    if len(terms) == 1:
        return _condition(terms[0])
    return {"compound": True, "members": [_condition(t) for t in terms]}


def _terms(text: str, names: Sequence[str], who: str) -> list[dict[int, bool]]:
    try:
        return dnf(parse_statement(text, names), MAX_EXPORT_TERMS)
    except StatementTooComplex:
        raise ConflictSizeError(f"{who}: the statement {text[:60]!r} cannot be written as GMCR+ conditions "
                                f"(more than {MAX_EXPORT_TERMS:,} of them)") from None


def _infeasible_terms(conflict: Conflict) -> list[dict[int, bool]]:
    """Every infeasibility rule as conjunctions {option: taken}."""
    names = conflict.option_names
    out: list[dict[int, bool]] = []
    for cond in conflict.conditions:
        pattern = cond.pattern(names)
        if isinstance(pattern, tuple):  # a statement whose normal form is long
            try:
                out += dnf(pattern, MAX_EXPORT_TERMS)
            except StatementTooComplex:
                raise ConflictSizeError(f"the infeasibility rule {cond!r} cannot be written as GMCR+ "
                                        f"conditions (more than {MAX_EXPORT_TERMS:,} of them)") from None
            continue
        for mask, value in pattern:
            out.append({k: bool(value >> k & 1) for k in range(len(names)) if mask >> k & 1})
    return out


def _ranking(values: np.ndarray) -> list:
    """GMCR+ preference ranking: 1-based feasible-state numbers, best first, ties as lists."""
    order = np.argsort(-values, kind="stable")
    cuts = np.flatnonzero(np.diff(values[order]) != 0) + 1
    out: list = []
    for tier in np.split(order + 1, cuts):
        out.append(tier.tolist() if len(tier) > 1 else int(tier[0]))
    return out


def _dm_rep(conflict: Conflict, i: int, payoff: np.ndarray, manual: bool) -> dict:
    """The JSON record of decision maker i."""
    dm, names = conflict.dms[i], conflict.option_names
    who = f"decision maker {dm.name!r}"
    prefs = []
    if isinstance(dm.preferences, OptionPrioritization):
        for text in dm.preferences.statements:
            terms = _terms(text, names, who)
            if terms:  # a statement no state satisfies changes no ranking
                prefs.append(_gmcr_condition(terms))
    misperceptions = []
    for text in dm.misperceived:
        terms = _terms(text, names, who)
        if terms:
            misperceptions.append(_gmcr_condition(terms))
    ranks = np.unique(payoff[:, i], return_inverse=True)[1].ravel() + 1
    rep = {"name": dm.name, "options": [names.index(o) for o in dm.options],
           "preferences": prefs, "payoffs": ranks.tolist(), "misperceptions": misperceptions}
    if manual:
        rep["preferenceRanking"] = _ranking(payoff[:, i])
    return rep


def write_gmcr_plus(conflict: Conflict) -> str:
    """Serialise a conflict as a GMCR+ save file (JSON text)."""
    model = conflict.build()
    manual = not all(isinstance(dm.preferences, OptionPrioritization) for dm in conflict.dms)
    direction = {irr.option: irr.direction for irr in conflict.irreversible}
    rev = {"forward": "fwd", "backward": "back"}
    doc = {
        "decisionMakers": [_dm_rep(conflict, i, model.payoff, manual) for i in range(len(conflict.dms))],
        "coalitions": [list(c) if len(c) > 1 else c[0] for c in model.coalitions],
        "options": [{"name": title, "permittedDirection": rev.get(direction.get(name, ""), "both")}
                    for name, title in zip(conflict.option_names, conflict.option_titles, strict=True)],
        "infeasibles": [_condition(t) for t in _infeasible_terms(conflict)],
        "useManualPreferenceRanking": manual,
        "program": "multitrack",
        "version": "1",
    }
    return json.dumps(doc, indent=1)


# --------------------------------------------------------------------------- reading


def _get(obj: Any, key: str, kind: type, path: Path) -> Any:
    """obj[key], checked to exist and be of `kind`."""
    if not isinstance(obj, dict):
        raise _Bad("expected an object", path)
    if key not in obj:
        raise _Bad(f"missing key {key!r}", path)
    if not isinstance(obj[key], kind):
        raise _Bad(f"expected {kind.__name__}, got {type(obj[key]).__name__}", path + (key,))
    return obj[key]


def _known_keys(obj: dict, allowed: set[str], path: Path) -> None:
    """Refuse a field this reader does not understand rather than drop it."""
    for key in obj:
        if key not in allowed:
            raise _Bad(f"unknown field {key!r} (not part of the GMCR+ format multitrack reads)",
                       path + (key,))


def _index(value: Any, n: int, what: str, path: Path) -> int:
    """A 0-based index into a list of n, checked."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise _Bad(f"{what} reference must be an integer, got {value!r}", path)
    if not 0 <= int(value) < n:
        raise _Bad(f"unknown {what} {int(value)} (the file has {what}s 0..{n - 1})", path)
    return int(value)


def _literal(item: Any, n: int, number: list[int], path: Path) -> tuple[int, str]:
    """One [option, "Y"/"N"] pair as (file option, statement text over our 1-based numbers)."""
    if not isinstance(item, list) or len(item) != 2:
        raise _Bad('expected [option, "Y" or "N"]', path)
    k = _index(item[0], n, "option", path + (0,))
    if item[1] not in ("Y", "N"):
        raise _Bad(f'expected "Y" or "N", got {item[1]!r}', path + (1,))
    return k, str(number[k]) if item[1] == "Y" else f"-{number[k]}"


def _statement(cond: Any, n: int, number: list[int], path: Path, depth: int = 0) -> str | None:
    """A GMCR+ condition as statement text; None for an empty (always true) condition.
    Compound conditions inside compound ones are read as one disjunction, to a depth."""
    if isinstance(cond, dict):
        if depth >= MAX_COMPOUND_DEPTH:
            raise _Bad(f"compound conditions nested more than {MAX_COMPOUND_DEPTH} deep", path)
        _known_keys(cond, _COMPOUND_KEYS, path)
        members = _get(cond, "members", list, path)
        parts = [_statement(m, n, number, path + ("members", j), depth + 1) for j, m in enumerate(members)]
        if not parts or None in parts:
            return None if parts else "1 & -1"
        return " | ".join(f"({p})" for p in parts)
    if not isinstance(cond, list):
        raise _Bad("expected a condition (list of pairs) or a compound condition", path)
    seen: set[int] = set()
    lits = []
    for j, item in enumerate(cond):
        k, text = _literal(item, n, number, path + (j,))
        if k in seen:
            raise _Bad(f"option {k} appears twice in one condition", path + (j, 0))
        seen.add(k)
        lits.append(text)
    return " & ".join(lits) if lits else None


def _direction(opt: dict, k: int) -> str:
    """An option's permittedDirection: "both", "fwd" or "back" ("both" when absent)."""
    value = opt.get("permittedDirection", "both")
    if value not in ("both", "fwd", "back"):
        raise _Bad(f'expected "both", "fwd" or "back", got {value!r}', ("options", k, "permittedDirection"))
    return value


def _options(doc: dict) -> list[dict]:
    options = _get(doc, "options", list, ())
    for j, opt in enumerate(options):
        _get(opt, "name", str, ("options", j))
        _known_keys(opt, _OPTION_KEYS, ("options", j))
    return options


def _unique_names(titles: list[str]) -> list[str]:
    """Names unique within the conflict: a repeated title becomes "x (2)", "x (3)" ..."""
    titled = set(titles)
    used: set[str] = set()
    out = []
    for title in titles:
        name, k = title, 2
        while name in used or (name != title and name in titled):
            name, k = f"{title} ({k})", k + 1
        used.add(name)
        out.append(name)
    return out


def _numbering(doc: dict, n: int) -> tuple[list[int], list[list[int]]]:
    """Our 1-based number of each file option (DM order) and each DM's file indices."""
    owned: list[list[int]] = []
    seen: dict[int, Path] = {}
    for i, dm in enumerate(_get(doc, "decisionMakers", list, ())):
        refs = _get(dm, "options", list, ("decisionMakers", i))
        _known_keys(dm, _DM_KEYS, ("decisionMakers", i))
        path = ("decisionMakers", i, "options")
        ks = [_index(r, n, "option", path + (j,)) for j, r in enumerate(refs)]
        for j, k in enumerate(ks):
            if k in seen:
                raise _Bad(f"option {k} is controlled by two decision makers", path + (j,))
            seen[k] = path + (j,)
        owned.append(ks)
    missing = sorted(set(range(n)) - set(seen))
    if missing:
        raise _Bad(f"option {missing[0]} is controlled by no decision maker", ("options", missing[0]))
    number = [0] * n
    for pos, k in enumerate(k for ks in owned for k in ks):
        number[k] = pos + 1
    return number, owned


def _conditions(dm: dict, key: str, i: int, n: int, number: list[int]) -> tuple[str, ...]:
    """A DM's list of conditions (preferences or misperceptions) as statement texts."""
    items = _get(dm, key, list, ("decisionMakers", i)) if key in dm or key == "preferences" else []
    path = ("decisionMakers", i, key)
    if key == "preferences" and len(items) > MAX_STATEMENTS:
        raise _Bad(f"{len(items):,} preference statements, more than the limit of {MAX_STATEMENTS:,}", path)
    texts = [_statement(p, n, number, path + (j,)) for j, p in enumerate(items)]
    return tuple(t if t is not None else "1 | -1" for t in texts)


def _coalitions(doc: dict, n_dms: int) -> tuple[tuple[int, ...], ...]:
    """The file's coalition structure: each DM exactly once, as GMCR+ requires; the
    coalitions of two or more are returned (a DM alone is the default)."""
    if "coalitions" not in doc:
        return ()
    items = _get(doc, "coalitions", list, ())
    where: dict[int, int] = {}
    groups = []
    for c, item in enumerate(items):
        members = item if isinstance(item, list) else [item]
        path: Path = ("coalitions", c)
        if not members:
            raise _Bad("a coalition with no members", path)
        for j, ref in enumerate(members):
            d = _index(ref, n_dms, "decision maker", path + ((j,) if isinstance(item, list) else ()))
            if d in where:
                raise _Bad(f"decision maker {d} is in two coalitions", path)
            where[d] = c
        groups.append(tuple(int(m) for m in members))
    missing = sorted(set(range(n_dms)) - set(where))
    if missing:
        raise _Bad(f"decision maker {missing[0]} is in no coalition (GMCR+ lists every decision maker once)",
                   ("coalitions",))
    return tuple(g for g in groups if len(g) > 1)


def _conflict(doc: Any) -> Conflict:
    """Build the conflict from a parsed GMCR+ document, raising _Bad on the first problem."""
    if not isinstance(doc, dict):
        raise _Bad("expected a JSON object at the top level")
    _known_keys(doc, _TOP_KEYS, ())
    options = _options(doc)
    n = len(options)
    number, owned = _numbering(doc, n)
    titles = [""] * n
    for k, opt in enumerate(options):
        titles[number[k] - 1] = opt["name"]
    names = _unique_names(titles)
    name_of = {k: names[number[k] - 1] for k in range(n)}
    dms_doc = doc["decisionMakers"]
    dm_names = [_get(dm, "name", str, ("decisionMakers", i)) for i, dm in enumerate(dms_doc)]
    infeas = _get(doc, "infeasibles", list, ())
    texts = [_statement(c, n, number, ("infeasibles", j)) for j, c in enumerate(infeas)]
    conditions = tuple(Infeasible(t if t is not None else "1 | -1") for t in texts)
    irreversible = tuple(
        Irreversible(name_of[k], _DIRECTIONS[_direction(opt, k)]) for k, opt in enumerate(options)
        if _direction(opt, k) in _DIRECTIONS
    )
    dms = tuple(
        DecisionMaker(name, tuple(name_of[k] for k in ks),
                      OptionPrioritization(_conditions(dm, "preferences", i, n, number)),
                      titles=tuple(options[k]["name"] for k in ks),
                      misperceived=_conditions(dm, "misperceptions", i, n, number))
        for i, (name, ks, dm) in enumerate(zip(dm_names, owned, dms_doc, strict=True))
    )
    conflict = Conflict(dms, conditions, irreversible, _coalitions(doc, len(dms)))
    manual = doc.get("useManualPreferenceRanking", doc.get("useManualPreferenceVectors", False))
    if not isinstance(manual, bool):
        raise _Bad(f"expected true or false, got {manual!r}", ("useManualPreferenceRanking",))
    if manual:
        conflict = _with_manual_ranking(conflict, dms_doc)
    return conflict


def _ranking_of(dm: dict, i: int, labels: list[str]) -> StateRanking:
    """A manual GMCR+ preference ranking (1-based feasible-state numbers) as Y/N tiers; every
    feasible state must appear exactly once, as GMCR+ checks."""
    key = "preferenceRanking" if "preferenceRanking" in dm else "preferenceVector"
    path: Path = ("decisionMakers", i, key)
    ranking = dm.get(key)
    if not isinstance(ranking, list):
        raise _Bad("missing key 'preferenceRanking' (useManualPreferenceRanking is true)", path[:2])
    tiers, seen = [], set()
    for j, entry in enumerate(ranking):
        states = entry if isinstance(entry, list) else [entry]
        for s in states:
            if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= len(labels):
                raise _Bad(f"unknown state {s!r} (feasible states are 1..{len(labels)})", path + (j,))
            if s in seen:
                raise _Bad(f"state {s} appears twice in the ranking", path + (j,))
            seen.add(s)
        tiers.append(tuple(labels[s - 1] for s in states))
    if len(seen) < len(labels):
        first = min(set(range(1, len(labels) + 1)) - seen)
        raise _Bad(f"state {first} is missing from the ranking (every feasible state appears once)", path)
    return StateRanking(tuple(tiers))


def _with_manual_ranking(conflict: Conflict, dms_doc: list) -> Conflict:
    """Replace every DM's preferences by the file's manual state ranking."""
    blank = tuple(DecisionMaker(dm.name, dm.options, OptionPrioritization(()), dm.titles)
                  for dm in conflict.dms)
    model = Conflict(blank, conflict.conditions, conflict.irreversible).build()
    labels = [model.label(s) for s in range(model.n_states)]
    dms = tuple(
        DecisionMaker(dm.name, dm.options, _ranking_of(doc, i, labels), dm.titles, dm.misperceived)
        for i, (dm, doc) in enumerate(zip(conflict.dms, dms_doc, strict=True))
    )
    return Conflict(dms, conflict.conditions, conflict.irreversible, conflict.coalitions)


def read_gmcr_plus(text: str, file: str) -> Conflict:
    """Read a GMCR+ save file; malformed or oversized input raises a one-line located ScenarioError."""
    if len(text) > MAX_FILE_CHARS:
        raise ScenarioError([Problem(f"the file has {len(text):,} characters, more than the limit of "
                                     f"{MAX_FILE_CHARS:,} for a GMCR+ file")], file)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem(f"not JSON: {exc.msg}", (), exc.lineno, exc.colno)], file) from None
    except RecursionError:
        raise ScenarioError([Problem("JSON nested too deeply")], file) from None
    try:
        conflict = _conflict(doc)
        conflict.build()  # surface model-level problems (no feasible state, sizes) here
    except _Bad as bad:
        raise ScenarioError([bad.problem], file) from None
    except ValueError as exc:
        raise ScenarioError([Problem(str(exc))], file) from None
    return conflict


# --------------------------------------------------------------------------- states


def gmcr_state(model: ConflictModel, text: str, titles: Sequence[str] = ()) -> int:
    """The feasible state a user names: a GMCR+ state number ("3"), a Y/N label over the
    options in decision-maker order ("YNNY"), or the options taken, comma-separated, by
    name or title ("modify, accept"; an empty text is the state where none is taken).
    Raises ValueError with a one-line reason."""
    raw = text.strip()
    n = len(model.option_names)
    if raw.isdigit():
        k = int(raw)
        if not 1 <= k <= model.n_states:
            raise ValueError(f"{raw} is not a GMCR+ state number (the feasible states are "
                             f"1..{model.n_states})")
        return k - 1
    if len(raw) == n and raw and set(raw.upper()) <= {"Y", "N"}:
        return model.state(raw.upper())
    taken = 0
    titles = tuple(titles) or model.option_names
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        matches = [k for k in range(n) if part in (model.option_names[k], titles[k])]
        if not matches:
            raise ValueError(f"{part!r} is neither a GMCR+ state number, a Y/N label of {n} letters, nor an "
                             f"option (options: {', '.join(model.option_names)})")
        if len(matches) > 1:
            raise ValueError(f"{part!r} names {len(matches)} options; use a state number or a Y/N label")
        taken |= 1 << matches[0]
    label = "".join("Y" if taken >> k & 1 else "N" for k in range(n))
    return model.state(label)

