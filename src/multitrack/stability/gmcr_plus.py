"""Import and export of GMCR+ (gmcr-py) conflict files, written from its documented JSON format.

A GMCR+ condition is a list of [option index (0-based), "Y"/"N"] pairs (a conjunction); a
compound condition {"compound": true, "members": [...]} is their disjunction. 'not' is an "N"
literal and 'A if B' has no syntax of its own, so statements travel in disjunctive normal form.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from multitrack.errors import Problem, ScenarioError
from multitrack.stability.conflict import (
    AtLeastOne,
    Conflict,
    DecisionMaker,
    Infeasible,
    Irreversible,
    MutuallyExclusive,
    OptionPrioritization,
    Requires,
    StateRanking,
    parse_statement,
)

_DIRECTIONS = {"fwd": "forward", "back": "backward"}
Path = tuple[str | int, ...]


class _Bad(Exception):
    """One located problem found while reading; turned into a ScenarioError at the top."""

    def __init__(self, message: str, path: Path = (), line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.problem = Problem(message, path, line, col)


# --------------------------------------------------------------------------- DNF


def _dnf(node: tuple, negate: bool = False) -> list[dict[int, bool]]:
    """Disjunctive normal form of a parsed statement: conjunctions as {option: taken}."""
    op = node[0]
    if op == "opt":
        return [{node[1]: not negate}]
    if op == "-":
        return _dnf(node[1], not negate)
    a, b = node[1], node[2]
    if op == "if":  # a if b == a | -b
        return _dnf(("|", a, ("-", b)), negate)
    if op == "iff":
        return _dnf(("|", ("&", a, b), ("&", ("-", a), ("-", b))), negate)
    if (op == "&") != negate:  # conjunction (or negated disjunction)
        return _and(_dnf(a, negate), _dnf(b, negate))
    return _dnf(a, negate) + _dnf(b, negate)


def _and(left: list[dict[int, bool]], right: list[dict[int, bool]]) -> list[dict[int, bool]]:
    """Distribute a conjunction over two DNFs, dropping contradictory terms."""
    out = []
    for x in left:
        for y in right:
            if all(x[k] == y[k] for k in x.keys() & y.keys()):
                out.append({**x, **y})
    return out


def _condition(term: dict[int, bool]) -> list:
    return [[k, "Y" if v else "N"] for k, v in sorted(term.items())]


def _gmcr_condition(terms: list[dict[int, bool]]) -> Any:
    """One GMCR+ condition (simple or compound) for a DNF with at least one term."""
    if len(terms) == 1:
        return _condition(terms[0])
    return {"compound": True, "members": [_condition(t) for t in terms]}


# --------------------------------------------------------------------------- writing


def _infeasible_terms(cond: Any, names: tuple[str, ...]) -> list[dict[int, bool]]:
    """The infeasible states of one condition as DNF terms."""
    index = {n: i for i, n in enumerate(names)}
    if isinstance(cond, MutuallyExclusive):
        ks = [index[o] for o in cond.options]
        return [{a: True, b: True} for i, a in enumerate(ks) for b in ks[i + 1 :]]
    if isinstance(cond, AtLeastOne):
        return [{index[o]: False for o in cond.options}]
    if isinstance(cond, Requires):
        node = ("&", ("opt", index[cond.option]), ("-", parse_statement(cond.requires, names)))
        return _dnf(node)
    if isinstance(cond, Infeasible):
        return _dnf(parse_statement(cond.statement, names))
    raise ValueError(f"cannot export condition {cond!r} to GMCR+")


def _ranking(values: np.ndarray) -> list:
    """GMCR+ preference ranking: 1-based feasible-state numbers, best first, ties as lists."""
    out: list = []
    for v in sorted(set(values.tolist()), reverse=True):
        tier = [int(s) + 1 for s in np.flatnonzero(values == v)]
        out.append(tier if len(tier) > 1 else tier[0])
    return out


def _dm_rep(conflict: Conflict, i: int, payoff: np.ndarray, manual: bool) -> dict:
    """The JSON record of decision maker i."""
    dm, names = conflict.dms[i], conflict.option_names
    prefs = []
    if isinstance(dm.preferences, OptionPrioritization):
        for text in dm.preferences.statements:
            terms = _dnf(parse_statement(text, names))
            if terms:
                prefs.append(_gmcr_condition(terms))
    ranks = np.unique(payoff[:, i], return_inverse=True)[1] + 1
    rep = {"name": dm.name, "options": [names.index(o) for o in dm.options],
           "preferences": prefs, "payoffs": ranks.tolist(), "misperceptions": []}
    if manual:
        rep["preferenceRanking"] = _ranking(payoff[:, i])
    return rep


def write_gmcr_plus(conflict: Conflict) -> str:
    """Serialise a conflict as a GMCR+ save file (JSON text)."""
    names = conflict.option_names
    model = conflict.build()
    manual = not all(isinstance(dm.preferences, OptionPrioritization) for dm in conflict.dms)
    direction = {irr.option: irr.direction for irr in conflict.irreversible}
    rev = {"forward": "fwd", "backward": "back"}
    infeasibles = [_condition(t) for c in conflict.conditions for t in _infeasible_terms(c, names)]
    doc = {
        "decisionMakers": [_dm_rep(conflict, i, model.payoff, manual) for i in range(len(conflict.dms))],
        "options": [{"name": n, "permittedDirection": rev.get(direction.get(n, ""), "both")} for n in names],
        "infeasibles": infeasibles,
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


def _option_ref(value: Any, n: int, path: Path) -> int:
    """A 0-based option index, checked against the file's n options."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise _Bad(f"option reference must be an integer, got {value!r}", path)
    if not 0 <= int(value) < n:
        raise _Bad(f"unknown option {int(value)} (the file has options 0..{n - 1})", path)
    return int(value)


def _literal(item: Any, n: int, number: list[int], path: Path) -> str:
    """One [option, "Y"/"N"] pair as statement text over our 1-based option numbers."""
    if not isinstance(item, list) or len(item) != 2:
        raise _Bad('expected [option, "Y" or "N"]', path)
    k = number[_option_ref(item[0], n, path + (0,))]
    if item[1] not in ("Y", "N"):
        raise _Bad(f'expected "Y" or "N", got {item[1]!r}', path + (1,))
    return str(k) if item[1] == "Y" else f"-{k}"


def _statement(cond: Any, n: int, number: list[int], path: Path) -> str | None:
    """A GMCR+ condition as statement text; None for an empty (always true) condition."""
    if isinstance(cond, dict):
        members = _get(cond, "members", list, path)
        parts = [_statement(m, n, number, path + ("members", j)) for j, m in enumerate(members)]
        if not parts or None in parts:
            return None if parts else "1 & -1"
        return " | ".join(f"({p})" for p in parts)
    if not isinstance(cond, list):
        raise _Bad("expected a condition (list of pairs) or a compound condition", path)
    lits = [_literal(item, n, number, path + (j,)) for j, item in enumerate(cond)]
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
    return options


def _numbering(doc: dict, n: int) -> tuple[list[int], list[list[int]]]:
    """Our 1-based number of each file option (DM order) and each DM's file indices."""
    owned: list[list[int]] = []
    seen: dict[int, Path] = {}
    for i, dm in enumerate(_get(doc, "decisionMakers", list, ())):
        refs = _get(dm, "options", list, ("decisionMakers", i))
        path = ("decisionMakers", i, "options")
        ks = [_option_ref(r, n, path + (j,)) for j, r in enumerate(refs)]
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


def _prioritization(dm: dict, i: int, n: int, number: list[int]) -> OptionPrioritization:
    prefs = _get(dm, "preferences", list, ("decisionMakers", i))
    path = ("decisionMakers", i, "preferences")
    texts = [_statement(p, n, number, path + (j,)) for j, p in enumerate(prefs)]
    return OptionPrioritization(tuple(t if t is not None else "1 | -1" for t in texts))


def _ranking_of(dm: dict, i: int, labels: list[str]) -> StateRanking:
    """A manual GMCR+ preference ranking (1-based feasible-state numbers) as Y/N tiers."""
    path = ("decisionMakers", i, "preferenceRanking")
    ranking = dm.get("preferenceRanking", dm.get("preferenceVector"))
    if not isinstance(ranking, list):
        raise _Bad("missing key 'preferenceRanking' (useManualPreferenceRanking is true)", path[:2])
    tiers = []
    for j, entry in enumerate(ranking):
        states = entry if isinstance(entry, list) else [entry]
        for s in states:
            if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= len(labels):
                raise _Bad(f"unknown state {s!r} (feasible states are 1..{len(labels)})", path + (j,))
        tiers.append(tuple(labels[s - 1] for s in states))
    return StateRanking(tuple(tiers))


def _conflict(doc: Any) -> Conflict:
    """Build the conflict from a parsed GMCR+ document, raising _Bad on the first problem."""
    if not isinstance(doc, dict):
        raise _Bad("expected a JSON object at the top level")
    options = _options(doc)
    n = len(options)
    number, owned = _numbering(doc, n)
    names = [""] * n
    for k, opt in enumerate(options):
        names[number[k] - 1] = opt["name"]
    dms_doc = doc["decisionMakers"]
    dm_names = [_get(dm, "name", str, ("decisionMakers", i)) for i, dm in enumerate(dms_doc)]
    infeas = _get(doc, "infeasibles", list, ())
    texts = [_statement(c, n, number, ("infeasibles", j)) for j, c in enumerate(infeas)]
    conditions = tuple(Infeasible(t if t is not None else "1 | -1") for t in texts)
    irreversible = tuple(
        Irreversible(opt["name"], _DIRECTIONS[_direction(opt, k)]) for k, opt in enumerate(options)
        if _direction(opt, k) in _DIRECTIONS
    )
    prefs = [_prioritization(dm, i, n, number) for i, dm in enumerate(dms_doc)]
    dms = [
        DecisionMaker(name, tuple(options[k]["name"] for k in ks), p)
        for name, ks, p in zip(dm_names, owned, prefs)
    ]
    conflict = Conflict(tuple(dms), conditions, irreversible)
    if doc.get("useManualPreferenceRanking", doc.get("useManualPreferenceVectors")) is True:
        conflict = _with_manual_ranking(conflict, dms_doc)
    return conflict


def _with_manual_ranking(conflict: Conflict, dms_doc: list) -> Conflict:
    """Replace every DM's preferences by the file's manual state ranking."""
    model = Conflict(conflict.dms, conflict.conditions, conflict.irreversible).build()
    labels = [model.label(s) for s in range(model.n_states)]
    dms = tuple(
        DecisionMaker(dm.name, dm.options, _ranking_of(doc, i, labels))
        for i, (dm, doc) in enumerate(zip(conflict.dms, dms_doc))
    )
    return Conflict(dms, conflict.conditions, conflict.irreversible)


def _check_builds(conflict: Conflict) -> None:
    """Surface model-level problems (no feasible state, duplicate names) as located errors."""
    try:
        conflict.build()
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def read_gmcr_plus(text: str, file: str) -> Conflict:
    """Read a GMCR+ save file; malformed input raises a one-line located ScenarioError."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem(f"not JSON: {exc.msg}", (), exc.lineno, exc.colno)], file) from None
    try:
        conflict = _conflict(doc)
        _check_builds(conflict)
    except _Bad as bad:
        raise ScenarioError([bad.problem], file) from None
    except ValueError as exc:
        raise ScenarioError([Problem(str(exc))], file) from None
    return conflict
