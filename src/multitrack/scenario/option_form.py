"""Conflicts in option form (Fang, Hipel & Kilgour 1993) as frozen dataclasses.

Options are numbered globally in decision-maker order (1-based in statements, as in
GMCR II/GMCR+); option k of the global list is bit k-1 of a state's integer code. Feasible
states are kept in increasing code order, so feasible state s is GMCR+'s state number s + 1.

Building a conflict enumerates all 2**n option combinations, so its size is checked first:
at most MAX_OPTIONS options, MAX_STATES feasible states, and about MAX_WORK state tests for
the infeasibility rules, the preference statements and the misperceptions together.

The option form belongs to the scenario layer: validating a scenario's conflicts (statements,
sizes, a feasible status quo) builds it, and the stability analyses (:mod:`multitrack.stability`)
read it from here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..errors import MultitrackError

if TYPE_CHECKING:  # imported where arrays are made, so validating a small conflict needs no numpy
    import numpy as np

MAX_OPTIONS = 24            # 2**24 = 16,777,216 option combinations (16 MiB of flags, 64 MiB of index)
MAX_STATES = 1_048_576      # feasible states a conflict may have (the analysis's largest max_states)
MAX_WORK = 2**30            # state tests the build may spend on rules, preferences and misperceptions
MAX_STATEMENTS = 4096       # preference statements of one decision maker
MAX_NESTING = 64            # brackets and negations inside one another in a statement
_BLOCK = 1 << 20            # option combinations tested at a time
SMALL_OPTIONS = 12          # up to this many options, Conflict.check runs in plain Python (no numpy)


class ConflictSizeError(MultitrackError, ValueError):
    """A conflict too large to enumerate or evaluate within the bounds, refused before the work."""


def _quote(text: str, limit: int = 60) -> str:
    """A statement for an error message, shortened so that the message stays one line."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


# --------------------------------------------------------------------------- statements

_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_.]*)|(.))")
_KEYWORDS = {"not": "-", "and": "&", "or": "|", "if": "if", "iff": "iff"}


def _tokens(text: str) -> list[str]:
    """Split a preference statement into tokens; numbers, names, operators, brackets."""
    out: list[str] = []
    for number, name, other in _TOKEN.findall(text.strip()):
        if number:
            out.append(number)
        elif name:
            out.append(_KEYWORDS.get(name.lower(), name))
        elif other in "-!~":
            out.append("-")
        elif other in "&|()":
            out.append(other)
        elif other.strip():
            raise ValueError(f"unexpected character {other!r} in statement {_quote(text)}")
    return out


class _Parser:
    """Recursive-descent parser: stmt := or ['if'|'iff' or]; or := and {'|' and};
    and := unary {'&' unary}; unary := '-' unary | '(' or ')' | option.

    Chains of '&' or '|' become one n-ary node, so a long chain costs no recursion; brackets
    and negations may nest MAX_NESTING deep."""

    def __init__(self, text: str, names: Sequence[str]):
        self.text, self.toks, self.pos, self.depth = text, _tokens(text), 0, 0
        self.names = {n: i for i, n in enumerate(names)}
        self.n = len(names)

    def peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError(f"statement {_quote(self.text)} ends too early")
        self.pos += 1
        return tok

    def statement(self) -> tuple:
        node = self.disjunction()
        if self.peek() in ("if", "iff"):
            op = self.take()
            node = (op, node, self.disjunction())
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r} in statement {_quote(self.text)}")
        return node

    def disjunction(self) -> tuple:
        parts = [self.conjunction()]
        while self.peek() == "|":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else ("|", *parts)

    def conjunction(self) -> tuple:
        parts = [self.unary()]
        while self.peek() == "&":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else ("&", *parts)

    def unary(self) -> tuple:
        tok = self.take()
        if tok not in ("-", "("):
            return ("opt", self.option(tok))
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ValueError(f"statement {_quote(self.text)} nests brackets or negations more than "
                             f"{MAX_NESTING} deep")
        if tok == "-":
            node: tuple = ("-", self.unary())
        else:
            node = self.disjunction()
            if self.take() != ")":
                raise ValueError(f"missing ')' in statement {_quote(self.text)}")
        self.depth -= 1
        return node

    def option(self, tok: str) -> int:
        if tok.isdigit():
            k = int(tok)
            if not 1 <= k <= self.n:
                raise ValueError(f"option {k} out of range 1..{self.n} in {_quote(self.text)}")
            return k - 1
        if tok in self.names:
            return self.names[tok]
        raise ValueError(f"unknown option {tok!r} in statement {_quote(self.text)}")


def parse_statement(text: str, option_names: Sequence[str]) -> tuple:
    """Parse a statement such as "1 & -3", "2 | 4", "1 if 2" into a small AST (never eval).

    "A if B" means B implies A; "A iff B" means A and B agree; '-', '!', '~', 'not' negate.
    Nodes: ("opt", k), ("-", x), ("&", x, y, ...), ("|", x, y, ...), ("if", a, b), ("iff", a, b).
    """
    return _Parser(text, option_names).statement()


def evaluate(node: tuple, bits: np.ndarray) -> np.ndarray:
    """Truth of a parsed statement in every row (state) of a boolean option matrix."""
    op = node[0]
    if op == "opt":
        return bits[:, node[1]].astype(bool)
    if op == "-":
        return ~evaluate(node[1], bits)
    if op in ("&", "|"):
        out = evaluate(node[1], bits)
        for child in node[2:]:
            if op == "&":
                out &= evaluate(child, bits)
            else:
                out |= evaluate(child, bits)
        return out
    a, b = evaluate(node[1], bits), evaluate(node[2], bits)
    if op == "if":
        return a | ~b
    return a == b  # iff


def node_count(node: tuple) -> int:
    """Number of nodes of a parsed statement: the array operations one evaluation costs."""
    if node[0] == "opt":
        return 1
    return 1 + sum(node_count(child) for child in node[1:])


class StatementTooComplex(ValueError):
    """A statement whose disjunctive normal form has more terms than allowed."""


def dnf(node: tuple, limit: int) -> list[dict[int, bool]]:
    """Disjunctive normal form of a parsed statement, as conjunctions {option index: taken};
    contradictory and repeated terms dropped. Raises StatementTooComplex past `limit` terms."""
    terms = _dnf(node, False, limit)
    unique = {tuple(sorted(t.items())): t for t in terms}
    return list(unique.values())


def _dnf(node: tuple, negate: bool, limit: int) -> list[dict[int, bool]]:
    op = node[0]
    if op == "opt":
        return [{node[1]: not negate}]
    if op == "-":
        return _dnf(node[1], not negate, limit)
    if op == "if":  # a if b == a | -b
        return _dnf(("|", node[1], ("-", node[2])), negate, limit)
    if op == "iff":
        a, b = node[1], node[2]
        return _dnf(("|", ("&", a, b), ("&", ("-", a), ("-", b))), negate, limit)
    parts = [_dnf(child, negate, limit) for child in node[1:]]
    if (op == "&") != negate:  # a conjunction (or a negated disjunction)
        out = parts[0]
        for part in parts[1:]:
            out = _and(out, part, limit)
    else:
        out = [t for part in parts for t in part]
    if len(out) > limit:
        raise StatementTooComplex(f"more than {limit:,} terms")
    return out


def _and(left: list[dict[int, bool]], right: list[dict[int, bool]], limit: int) -> list[dict[int, bool]]:
    """Distribute a conjunction over two DNFs, dropping contradictory terms."""
    out = []
    for x in left:
        for y in right:
            if all(x[k] == y[k] for k in x.keys() & y.keys()):
                out.append({**x, **y})
                if len(out) > limit:
                    raise StatementTooComplex(f"more than {limit:,} terms")
    return out


def _term_code(term: dict[int, bool]) -> tuple[int, int]:
    """A conjunction as (mask, value): a state matches when code & mask == value."""
    mask = sum(1 << k for k in term)
    return mask, sum(1 << k for k, taken in term.items() if taken)


# --------------------------------------------------------------------------- conditions

Pattern = list[tuple[int, int]] | tuple  # (mask, value) terms, or a parsed statement


def _pattern(node: tuple) -> Pattern:
    """The terms of a statement when its normal form is no larger than the statement itself
    (or 64 terms), else the statement, tested node by node."""
    try:
        return [_term_code(t) for t in dnf(node, max(64, node_count(node)))]
    except StatementTooComplex:
        return node


_LITERAL = re.compile(r"\s*(-|!|~|not\s+)?\s*([A-Za-z_][A-Za-z0-9_.]*|\d+)\s*")


def _flat_terms(text: str, names: Sequence[str]) -> list[tuple[int, int]] | None:
    """The (mask, value) terms of a statement written as a disjunction of conjunctions of
    literals, "(1 & -2) | (3)" as a GMCR+ file's conditions become, read without the parser;
    None for any other statement (which the parser then reads, or refuses)."""
    index = {name: k for k, name in enumerate(names)}
    out = []
    for part in text.split("|"):
        part = part.strip()
        if part.startswith("(") and part.endswith(")"):
            part = part[1:-1]
        if "(" in part or ")" in part:
            return None
        mask = value = 0
        contradiction = False
        for literal in part.split("&"):
            match = _LITERAL.fullmatch(literal)
            if match is None or match.group(2).lower() in _KEYWORDS:
                return None
            token = match.group(2)
            k = int(token) - 1 if token.isdigit() else index.get(token, -1)  # as the parser reads it
            if not 0 <= k < len(names):
                return None
            taken = 0 if match.group(1) else 1 << k
            if mask >> k & 1 and (value >> k & 1) != taken >> k:
                contradiction = True
            mask, value = mask | 1 << k, value | taken
        if not contradiction:
            out.append((mask, value))
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class MutuallyExclusive:
    """At most one of these options may be taken."""

    options: tuple[str, ...]

    def pattern(self, names: Sequence[str]) -> Pattern:
        ks = [_option_index(names, o) for o in self.options]
        return [_term_code({a: True, b: True}) for i, a in enumerate(ks) for b in ks[i + 1:] if a != b]


@dataclass(frozen=True)
class AtLeastOne:
    """At least one of these options must be taken."""

    options: tuple[str, ...]

    def pattern(self, names: Sequence[str]) -> Pattern:
        return [_term_code({_option_index(names, o): False for o in self.options})]


@dataclass(frozen=True)
class Requires:
    """Option `option` may only be taken if statement `requires` holds (e.g. "2 | 4")."""

    option: str
    requires: str

    def pattern(self, names: Sequence[str]) -> Pattern:
        node = ("&", ("opt", _option_index(names, self.option)), ("-", parse_statement(self.requires, names)))
        return _pattern(node)


@dataclass(frozen=True)
class Infeasible:
    """Every state where the statement holds is infeasible (GMCR+ style pattern)."""

    statement: str

    def pattern(self, names: Sequence[str]) -> Pattern:
        flat = _flat_terms(self.statement, names)
        return flat if flat is not None else _pattern(parse_statement(self.statement, names))


Condition = MutuallyExclusive | AtLeastOne | Requires | Infeasible


@dataclass(frozen=True)
class Irreversible:
    """An option that can only be taken ("forward") or only be withdrawn ("backward")."""

    option: str
    direction: Literal["forward", "backward"] = "forward"


def _option_index(names: Sequence[str], ref: str | int) -> int:
    """Index of an option given by name or 1-based number."""
    text = str(ref)
    if text in names:
        return list(names).index(text)
    if text.isdigit() and 1 <= int(text) <= len(names):
        return int(text) - 1
    raise ValueError(f"unknown option {ref!r}")


def subsets(mask: int) -> np.ndarray:
    """Every sub-mask of an integer bit mask, as int64 (2**popcount entries)."""
    import numpy as np

    subs = np.zeros(1, dtype=np.int64)
    for k in range(mask.bit_length()):
        if mask >> k & 1:
            subs = np.concatenate([subs, subs | (1 << k)])
    return subs


def _bits_of(codes: np.ndarray, n: int) -> np.ndarray:
    """Boolean option matrix (one row per code, option k in column k)."""
    import numpy as np

    return ((codes[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)


def _mark_terms(bad: np.ndarray, n: int, terms: list[tuple[int, int]]) -> None:
    """Set bad[code] for every code matching one of the (mask, value) terms: the codes of a
    term are enumerated when there are fewer of them than combinations, else every
    combination is looked up; one array operation per mask, never one per state."""
    import numpy as np

    groups: dict[int, list[int]] = {}
    for mask, value in terms:
        groups.setdefault(mask, []).append(value)
    full = (1 << n) - 1
    for mask, values in groups.items():
        vals = np.unique(np.asarray(values, dtype=np.int64))
        free = subsets(full & ~mask)
        if len(vals) * len(free) < (1 << n):
            step = max(1, (1 << 22) // len(free))
            for start in range(0, len(vals), step):
                bad[(vals[start:start + step, None] | free[None, :]).ravel()] = True
        else:
            hit = np.zeros(1 << n, dtype=bool)
            hit[vals] = True
            for start in range(0, 1 << n, _BLOCK):
                codes = np.arange(start, min(start + _BLOCK, 1 << n), dtype=np.int64)
                bad[start:start + len(codes)] |= hit[codes & mask]


def _terms_work(n: int, terms: list[tuple[int, int]]) -> int:
    """State tests _mark_terms spends on these terms."""
    groups: dict[int, set[int]] = {}
    for mask, value in terms:
        groups.setdefault(mask, set()).add(value)
    return sum(min(len(v) << (n - m.bit_count()), 1 << n) for m, v in groups.items())


# --------------------------------------------------------------------------- preferences


@dataclass(frozen=True)
class OptionPrioritization:
    """Ordered preference statements, most important first (Fang, Hipel, Kilgour & Peng 2003,
    IEEE SMC-C 33(1); as in GMCR II and GMCR+).

    A state scores sum of 2**(k-j) over the satisfied statements j = 1..k, so one state is
    preferred to another when it satisfies the first statement on which they differ: the
    states are ranked lexicographically by their vectors of satisfied statements, which is
    computed exactly for any k (no sum of floating-point powers of two). Equal vectors tie.
    """

    statements: tuple[str, ...]

    def values(self, model_bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """Dense lexicographic rank of every state (0 = satisfies the fewest, in order)."""
        import numpy as np

        rank = np.zeros(len(model_bits), dtype=np.int64)
        used = 0  # bits of `rank` in use
        for text in self.statements:
            if used >= 62:  # renumber 0..u-1 before the integer would overflow
                rank = np.unique(rank, return_inverse=True)[1].astype(np.int64).ravel()
                used = int(rank.max(initial=0)).bit_length()
            rank = (rank << 1) | evaluate(parse_statement(text, names), model_bits)
            used += 1
        dense = np.unique(rank, return_inverse=True)[1].ravel()
        return dense.astype(np.float64)


@dataclass(frozen=True)
class StateRanking:
    """Explicit ranking: tiers of states (most preferred first), each state a Y/N string
    over all options in global order; states in one tier tie. Every feasible state must appear.
    """

    tiers: tuple[tuple[str, ...], ...]

    def values(self, model_bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        codes = _codes_of(model_bits)
        labels = [(label, len(self.tiers) - rank) for rank, tier in enumerate(self.tiers) for label in tier]
        return _lookup(codes, [(_code_of_label(lab, len(names)), v) for lab, v in labels], "state ranking",
                       len(names))


@dataclass(frozen=True)
class Payoffs:
    """Cardinal or ordinal payoffs indexed by a state's integer code over all 2**n options
    vectors (option k is bit k); entries of infeasible states are ignored."""

    by_code: tuple[float, ...]

    def values(self, model_bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        import numpy as np

        table = np.asarray(self.by_code, dtype=np.float64)
        if len(table) != 2 ** len(names):
            raise ValueError("payoffs need one entry per option vector (2**n_options)")
        return table[_codes_of(model_bits)]


@dataclass(frozen=True)
class LabelPayoffs:
    """Payoffs given per Y/N state label (what a scenario file holds); states without one
    get NaN, which the caller reports."""

    payoffs: tuple[tuple[str, float], ...]

    def values(self, model_bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        pairs = [(_code_of_label(lab, len(names)), float(v)) for lab, v in self.payoffs]
        return _lookup(_codes_of(model_bits), pairs, None, len(names))


Preferences = OptionPrioritization | StateRanking | Payoffs | LabelPayoffs


def _lookup(codes: np.ndarray, pairs: list[tuple[int, float]], what: str | None, n: int) -> np.ndarray:
    """Value of each state from (code, value) pairs, by sorted search (linear in the pairs).
    With `what`, a state given twice or a feasible state left out is an error."""
    import numpy as np

    value = np.full(len(codes), np.nan)
    if pairs:
        keys = np.asarray([c for c, _ in pairs], dtype=np.int64)
        vals = np.asarray([v for _, v in pairs], dtype=np.float64)
        order = np.argsort(codes, kind="stable")
        pos = np.clip(np.searchsorted(codes[order], keys), 0, len(codes) - 1)
        found = codes[order][pos] == keys
        value[order[pos[found]]] = vals[found]
        if what is not None:
            uniq, counts = np.unique(keys, return_counts=True)
            if (counts > 1).any():
                twice = _label_of_code(int(uniq[counts > 1][0]), n)
                raise ValueError(f"{what} lists the state {twice} twice")
    if what is not None and np.isnan(value).any():
        missing = _label_of_code(int(codes[np.flatnonzero(np.isnan(value))[0]]), n)
        raise ValueError(f"{what} does not cover every feasible state (missing {missing})")
    return value


def _codes_of(bits: np.ndarray) -> np.ndarray:
    import numpy as np

    weights = np.left_shift(np.int64(1), np.arange(bits.shape[1], dtype=np.int64))
    return bits.astype(np.int64) @ weights


def _code_of_label(label: str, n: int) -> int:
    """Integer code of a Y/N label such as "YNN" (first character = option 1)."""
    text = label.strip().upper()
    if len(text) != n or set(text) - {"Y", "N"}:
        raise ValueError(f"state label {_quote(label)} must be {n} characters of Y/N")
    return sum(1 << k for k, c in enumerate(text) if c == "Y")


def _label_of_code(code: int, n: int) -> str:
    return "".join("Y" if code >> k & 1 else "N" for k in range(n))


# --------------------------------------------------------------------------- conflict


@dataclass(frozen=True)
class DecisionMaker:
    """A decision maker (DM): a name, the options it controls, and its preferences.

    `titles` are the options' display names where they differ from the names (a GMCR+ file
    may give two options the same name); `misperceived` are statements: a state where one
    holds is one the DM does not perceive (misperception in the sense of hypergame analysis:
    Bennett 1980, Futures 12(6); Wang, Hipel & Fraser 1988, Behavioral Science 33(3)), and,
    as GMCR+ models it, the DM cannot move to or from such a state."""

    name: str
    options: tuple[str, ...]
    preferences: Preferences
    titles: tuple[str, ...] = ()
    misperceived: tuple[str, ...] = ()

    def option_titles(self) -> tuple[str, ...]:
        return self.titles if self.titles else self.options


@dataclass(frozen=True)
class Conflict:
    """A conflict in option form: DMs, feasibility conditions and irreversible options, and
    optionally coalitions of DMs (indices into `dms`) that act together as one player."""

    dms: tuple[DecisionMaker, ...]
    conditions: tuple[Condition, ...] = ()
    irreversible: tuple[Irreversible, ...] = ()
    coalitions: tuple[tuple[int, ...], ...] = ()

    @property
    def option_names(self) -> tuple[str, ...]:
        return tuple(o for dm in self.dms for o in dm.options)

    @property
    def option_titles(self) -> tuple[str, ...]:
        return tuple(t for dm in self.dms for t in dm.option_titles())

    def build(self) -> ConflictModel:
        """Enumerate feasible states and evaluate every DM's preferences as arrays."""
        import numpy as np

        names = self.option_names
        _check_dms(self.dms, names)
        n = len(names)
        if n > MAX_OPTIONS:
            raise ConflictSizeError(f"{n} options make 2**{n} = {2**n:,} option combinations to enumerate; "
                                    f"at most {MAX_OPTIONS} options ({2**MAX_OPTIONS:,} combinations) are "
                                    "supported")
        players = _players(self.coalitions, len(self.dms))
        codes = _feasible_codes(n, [c.pattern(names) for c in self.conditions])
        index = np.full(2**n, -1, dtype=np.int32)
        index[codes] = np.arange(len(codes), dtype=np.int32)
        bits = _bits_of(codes, n)
        _check_statement_work(self.dms, names, len(codes))
        owner = np.repeat(np.arange(len(self.dms)), [len(dm.options) for dm in self.dms])
        payoff = np.stack([dm.preferences.values(bits, names) for dm in self.dms], axis=1)
        forward, backward = self._irreversible_masks(names)
        return ConflictModel(
            dm_names=tuple(dm.name for dm in self.dms),
            option_names=names,
            owner=owner,
            codes=codes,
            bits=bits,
            index_of_code=index,
            payoff=payoff,
            forward_only=forward,
            backward_only=backward,
            misperceived=_misperceived(self.dms, names, bits),
            coalitions=players,
        )

    def check(self) -> list[int]:
        """The codes of the feasible states in increasing order (feasible state s has code
        codes[s]), after every check :meth:`build` makes, in its order and with its messages.

        Up to SMALL_OPTIONS options the states are enumerated in plain Python, so validating a
        scenario's small conflicts (and ``multitrack validate``) imports no numpy; a larger
        conflict, or one with a full payoff vector, is built. :meth:`_check_payoffs` gets the
        first state each DM's preferences leave without a value (as build's NaN), for subclasses
        that refuse them."""
        names = self.option_names
        n = len(names)
        if n > SMALL_OPTIONS or any(isinstance(dm.preferences, Payoffs) for dm in self.dms) or any(
                isinstance(dm.preferences, LabelPayoffs) and not all(
                    math.isfinite(float(v)) for _, v in dm.preferences.payoffs) for dm in self.dms):
            return [int(c) for c in self.build().codes]
        _check_dms(self.dms, names)
        _players(self.coalitions, len(self.dms))
        codes = _feasible_codes_plain(n, [c.pattern(names) for c in self.conditions])
        _check_statement_work(self.dms, names, len(codes))
        gaps = [_first_gap(dm.preferences, codes, n) for dm in self.dms]
        self._irreversible_masks(names)
        self._check_payoffs(codes, gaps)
        return codes

    def _check_payoffs(self, codes: list[int], gaps: list[int | None]) -> None:
        """Hook: ``gaps[d]`` is the first feasible state (an index into ``codes``) that DM d's
        preferences give no value, or None; :meth:`build` leaves such values NaN."""

    def _irreversible_masks(self, names: Sequence[str]) -> tuple[int, int]:
        forward = backward = 0
        for irr in self.irreversible:
            bit = 1 << _option_index(names, irr.option)
            if irr.direction == "forward":
                forward |= bit
            elif irr.direction == "backward":
                backward |= bit
            else:
                raise ValueError(f"irreversible direction {irr.direction!r}")
        return forward, backward


def _check_dms(dms: Sequence[DecisionMaker], names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"option name {name!r} is used twice (option names must be unique)")
        seen.add(name)
    for dm in dms:
        if dm.titles and len(dm.titles) != len(dm.options):
            raise ValueError(f"decision maker {dm.name!r} has {len(dm.titles)} option titles for "
                             f"{len(dm.options)} options")
        statements = dm.preferences.statements if isinstance(dm.preferences, OptionPrioritization) else ()
        if len(statements) > MAX_STATEMENTS:
            raise ConflictSizeError(f"decision maker {dm.name!r} has {len(statements):,} "
                                    f"preference statements, more than the limit of {MAX_STATEMENTS:,}")


def _players(coalitions: Sequence[Sequence[int]], n_dms: int) -> tuple[tuple[int, ...], ...]:
    """The coalition structure: the listed coalitions and every other DM alone, ordered by
    their first member; each DM in exactly one player."""
    where: dict[int, int] = {}
    for c, group in enumerate(coalitions):
        if not group:
            raise ValueError(f"coalition {c + 1} has no members")
        for d in group:
            if not 0 <= d < n_dms:
                raise ValueError(f"coalition {c + 1} names decision maker {d + 1}; there are {n_dms}")
            if d in where:
                raise ValueError(f"decision maker {d + 1} is in two coalitions")
            where[d] = c
    groups = [tuple(sorted(g)) for g in coalitions] + [(d,) for d in range(n_dms) if d not in where]
    return tuple(sorted(groups))


def _feasible_codes(n: int, patterns: list[Pattern]) -> np.ndarray:
    """Codes of the feasible option combinations, after a size check of the work."""
    import numpy as np

    terms = [t for p in patterns if isinstance(p, list) for t in p]
    nodes = [p for p in patterns if isinstance(p, tuple)]
    work = _terms_work(n, terms) + (1 << n) * sum(node_count(p) for p in nodes)
    if work > MAX_WORK:
        raise ConflictSizeError(f"the infeasibility rules need about {work:,} state tests over the {2**n:,} "
                                f"combinations of {n} options, more than the limit of {MAX_WORK:,}")
    bad = np.zeros(1 << n, dtype=bool)
    _mark_terms(bad, n, terms)
    for start in range(0, 1 << n, _BLOCK) if nodes else ():
        block = np.arange(start, min(start + _BLOCK, 1 << n), dtype=np.int64)
        bits = _bits_of(block, n)
        for node in nodes:
            bad[start:start + len(block)] |= evaluate(node, bits)
    n_feasible = (1 << n) - int(np.count_nonzero(bad))
    if n_feasible == 0:
        raise ValueError("no feasible state")
    if n_feasible > MAX_STATES:
        raise ConflictSizeError(f"{n_feasible:,} feasible states, more than the limit of {MAX_STATES:,}")
    return np.flatnonzero(~bad).astype(np.int64)


def _check_statement_work(dms: Sequence[DecisionMaker], names: Sequence[str], n_states: int) -> None:
    """Refuse preference statements and misperceptions that would take too long to test."""
    texts = [t for dm in dms for t in dm.misperceived]
    texts += [t for dm in dms if isinstance(dm.preferences, OptionPrioritization)
              for t in dm.preferences.statements]
    work = n_states * sum(node_count(parse_statement(t, names)) for t in texts)
    if work > MAX_WORK:
        raise ConflictSizeError(f"the preference statements and misperceptions need about {work:,} state "
                                f"tests over {n_states:,} feasible states, more than the limit of "
                                f"{MAX_WORK:,}")


def _misperceived(dms: Sequence[DecisionMaker], names: Sequence[str], bits: np.ndarray) -> np.ndarray | None:
    """Boolean (states x DMs): the DM misperceives the state; None when no DM misperceives."""
    import numpy as np

    if not any(dm.misperceived for dm in dms):
        return None
    out = np.zeros((len(bits), len(dms)), dtype=bool)
    for d, dm in enumerate(dms):
        for text in dm.misperceived:
            out[:, d] |= evaluate(parse_statement(text, names), bits)
    return out


def _holds(node: tuple, code: int) -> bool:
    """Truth of a parsed statement in one state (its integer code): :func:`evaluate` for one row."""
    op = node[0]
    if op == "opt":
        return bool(code >> node[1] & 1)
    if op == "-":
        return not _holds(node[1], code)
    if op == "&":
        return all(_holds(child, code) for child in node[1:])
    if op == "|":
        return any(_holds(child, code) for child in node[1:])
    a, b = _holds(node[1], code), _holds(node[2], code)
    return (a or not b) if op == "if" else a == b


def _feasible_codes_plain(n: int, patterns: list[Pattern]) -> list[int]:
    """:func:`_feasible_codes` in plain Python, for a few options: the same size check and errors,
    and the feasible codes in increasing order."""
    terms = [t for p in patterns if isinstance(p, list) for t in p]
    nodes = [p for p in patterns if isinstance(p, tuple)]
    work = _terms_work(n, terms) + (1 << n) * sum(node_count(p) for p in nodes)
    if work > MAX_WORK:
        raise ConflictSizeError(f"the infeasibility rules need about {work:,} state tests over the {2**n:,} "
                                f"combinations of {n} options, more than the limit of {MAX_WORK:,}")
    codes = [c for c in range(1 << n) if not any(c & mask == value for mask, value in terms)
             and not any(_holds(node, c) for node in nodes)]
    if not codes:
        raise ValueError("no feasible state")
    if len(codes) > MAX_STATES:
        raise ConflictSizeError(f"{len(codes):,} feasible states, more than the limit of {MAX_STATES:,}")
    return codes


def _first_gap(pref: Preferences, codes: list[int], n: int) -> int | None:
    """What ``pref.values`` checks, in plain Python: the same errors for a state ranking (a label
    that is no state, a state listed twice, a feasible state left out), and the first feasible
    state (an index into ``codes``) that a payoff table leaves without a value, or None."""
    if isinstance(pref, OptionPrioritization):
        return None  # its statements were read by _check_statement_work; every state gets a rank
    if isinstance(pref, StateRanking):
        keys = [_code_of_label(label, n) for tier in pref.tiers for label in tier]
        seen: set[int] = set()
        repeated: set[int] = set()
        for k in keys:
            (repeated if k in seen else seen).add(k)
        twice = sorted(repeated)
        if twice:
            raise ValueError(f"state ranking lists the state {_label_of_code(twice[0], n)} twice")
        given = set(keys)
        missing = next((c for c in codes if c not in given), None)
        if missing is not None:
            raise ValueError(f"state ranking does not cover every feasible state (missing "
                             f"{_label_of_code(missing, n)})")
        return None
    assert isinstance(pref, LabelPayoffs)
    given = {_code_of_label(label, n) for label, _ in pref.payoffs}
    return next((s for s, c in enumerate(codes) if c not in given), None)


@dataclass(frozen=True, eq=False)
class ConflictModel:
    """Array form of a conflict: feasible state s has integer code codes[s], option bits
    bits[s], and payoff[s, i] for DM i (higher is preferred; equal values tie).
    misperceived[s, i] (None: nobody misperceives) marks states DM i cannot move to or from;
    coalitions is the coalition structure (every DM in one player; singletons without one)."""

    dm_names: tuple[str, ...]
    option_names: tuple[str, ...]
    owner: np.ndarray
    codes: np.ndarray
    bits: np.ndarray
    index_of_code: np.ndarray
    payoff: np.ndarray
    forward_only: int = 0
    backward_only: int = 0
    misperceived: np.ndarray | None = None
    coalitions: tuple[tuple[int, ...], ...] = ()
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_states(self) -> int:
        return len(self.codes)

    @property
    def n_dms(self) -> int:
        return len(self.dm_names)

    @property
    def has_coalitions(self) -> bool:
        """Whether some listed coalition has two or more members."""
        return any(len(c) > 1 for c in self.coalitions)

    def dm_mask(self, dm: int) -> int:
        """Integer bit mask of the options DM `dm` controls."""
        import numpy as np

        return int(sum(1 << int(k) for k in np.flatnonzero(self.owner == dm)))

    def label(self, state: int) -> str:
        """Y/N label of a feasible state (first character = option 1)."""
        return "".join("Y" if b else "N" for b in self.bits[state])

    def state(self, label: str) -> int:
        """Index of the feasible state with this Y/N label."""
        idx = int(self.index_of_code[_code_of_label(label, len(self.option_names))])
        if idx < 0:
            raise ValueError(f"state {label!r} is infeasible")
        return idx

    def state_number(self, state: int) -> int:
        """GMCR+'s number of a feasible state: its 1-based place in increasing code order."""
        return int(state) + 1
