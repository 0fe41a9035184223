"""Conflicts in option form (Fang, Hipel & Kilgour 1993) as frozen dataclasses.

Options are numbered globally in decision-maker order (1-based in statements, as in
GMCR II/GMCR+); option k of the global list is bit k-1 of a state's integer code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Union

import numpy as np

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
            raise ValueError(f"unexpected character {other!r} in statement {text!r}")
    return out


class _Parser:
    """Recursive-descent parser: stmt := or ['if'|'iff' or]; or := and {'|' and};
    and := unary {'&' unary}; unary := '-' unary | '(' or ')' | option."""

    def __init__(self, text: str, names: Sequence[str]):
        self.text, self.toks, self.pos = text, _tokens(text), 0
        self.names = {n: i for i, n in enumerate(names)}
        self.n = len(names)

    def peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise ValueError(f"statement {self.text!r} ends too early")
        self.pos += 1
        return tok

    def statement(self) -> tuple:
        node = self.disjunction()
        if self.peek() in ("if", "iff"):
            op = self.take()
            node = (op, node, self.disjunction())
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r} in statement {self.text!r}")
        return node

    def disjunction(self) -> tuple:
        node = self.conjunction()
        while self.peek() == "|":
            self.take()
            node = ("|", node, self.conjunction())
        return node

    def conjunction(self) -> tuple:
        node = self.unary()
        while self.peek() == "&":
            self.take()
            node = ("&", node, self.unary())
        return node

    def unary(self) -> tuple:
        tok = self.take()
        if tok == "-":
            return ("-", self.unary())
        if tok == "(":
            node = self.disjunction()
            if self.take() != ")":
                raise ValueError(f"missing ')' in statement {self.text!r}")
            return node
        return ("opt", self.option(tok))

    def option(self, tok: str) -> int:
        if tok.isdigit():
            k = int(tok)
            if not 1 <= k <= self.n:
                raise ValueError(f"option {k} out of range 1..{self.n} in {self.text!r}")
            return k - 1
        if tok in self.names:
            return self.names[tok]
        raise ValueError(f"unknown option {tok!r} in statement {self.text!r}")


def parse_statement(text: str, option_names: Sequence[str]) -> tuple:
    """Parse a statement such as "1 & -3", "2 | 4", "1 if 2" into a small AST (never eval).

    "A if B" means B implies A; "A iff B" means A and B agree; '-', '!', '~', 'not' negate.
    """
    return _Parser(text, option_names).statement()


def evaluate(node: tuple, bits: np.ndarray) -> np.ndarray:
    """Truth of a parsed statement in every row (state) of a boolean option matrix."""
    op = node[0]
    if op == "opt":
        return bits[:, node[1]].astype(bool)
    if op == "-":
        return ~evaluate(node[1], bits)
    a, b = evaluate(node[1], bits), evaluate(node[2], bits)
    if op == "&":
        return a & b
    if op == "|":
        return a | b
    if op == "if":
        return a | ~b
    return a == b  # iff


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class MutuallyExclusive:
    """At most one of these options may be taken."""

    options: tuple[str, ...]

    def infeasible(self, bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        return _columns(bits, names, self.options).sum(axis=1) > 1


@dataclass(frozen=True)
class AtLeastOne:
    """At least one of these options must be taken."""

    options: tuple[str, ...]

    def infeasible(self, bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        return _columns(bits, names, self.options).sum(axis=1) == 0


@dataclass(frozen=True)
class Requires:
    """Option `option` may only be taken if statement `requires` holds (e.g. "2 | 4")."""

    option: str
    requires: str

    def infeasible(self, bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        taken = _columns(bits, names, (self.option,))[:, 0]
        return taken & ~evaluate(parse_statement(self.requires, names), bits)


@dataclass(frozen=True)
class Infeasible:
    """Every state where the statement holds is infeasible (GMCR+ style pattern)."""

    statement: str

    def infeasible(self, bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        return evaluate(parse_statement(self.statement, names), bits)


Condition = Union[MutuallyExclusive, AtLeastOne, Requires, Infeasible]


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


def _columns(bits: np.ndarray, names: Sequence[str], refs: Sequence[str]) -> np.ndarray:
    return bits[:, [_option_index(names, r) for r in refs]].astype(bool)


# --------------------------------------------------------------------------- preferences


@dataclass(frozen=True)
class OptionPrioritization:
    """Ordered preference statements, most important first (Fang et al. 2003 scoring).

    A state's score is sum of 2**(k-j) over satisfied statements j = 1..k; equal scores tie.
    """

    statements: tuple[str, ...]

    def values(self, model_bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        k = len(self.statements)
        score = np.zeros(len(model_bits), dtype=np.float64)
        for j, text in enumerate(self.statements):
            score += evaluate(parse_statement(text, names), model_bits) * float(2 ** (k - 1 - j))
        return score


@dataclass(frozen=True)
class StateRanking:
    """Explicit ranking: tiers of states (most preferred first), each state a Y/N string
    over all options in global order; states in one tier tie. Every feasible state must appear.
    """

    tiers: tuple[tuple[str, ...], ...]

    def values(self, model_bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        codes = _codes_of(model_bits)
        value = np.full(len(codes), np.nan)
        for rank, tier in enumerate(self.tiers):
            for label in tier:
                value[codes == _code_of_label(label, len(names))] = len(self.tiers) - rank
        if np.isnan(value).any():
            raise ValueError("state ranking does not cover every feasible state")
        return value


@dataclass(frozen=True)
class Payoffs:
    """Cardinal or ordinal payoffs indexed by a state's integer code over all 2**n options
    vectors (option k is bit k); entries of infeasible states are ignored."""

    by_code: tuple[float, ...]

    def values(self, model_bits: np.ndarray, names: Sequence[str]) -> np.ndarray:
        table = np.asarray(self.by_code, dtype=np.float64)
        if len(table) != 2 ** len(names):
            raise ValueError("payoffs need one entry per option vector (2**n_options)")
        return table[_codes_of(model_bits)]


Preferences = Union[OptionPrioritization, StateRanking, Payoffs]


def _codes_of(bits: np.ndarray) -> np.ndarray:
    weights = np.left_shift(np.int64(1), np.arange(bits.shape[1], dtype=np.int64))
    return bits.astype(np.int64) @ weights


def _code_of_label(label: str, n: int) -> int:
    """Integer code of a Y/N label such as "YNN" (first character = option 1)."""
    text = label.strip().upper()
    if len(text) != n or set(text) - {"Y", "N"}:
        raise ValueError(f"state label {label!r} must be {n} characters of Y/N")
    return sum(1 << k for k, c in enumerate(text) if c == "Y")


# --------------------------------------------------------------------------- conflict


@dataclass(frozen=True)
class DecisionMaker:
    """A decision maker (DM): a name, the options it controls, and its preferences."""

    name: str
    options: tuple[str, ...]
    preferences: Preferences


@dataclass(frozen=True)
class Conflict:
    """A conflict in option form: DMs, feasibility conditions and irreversible options."""

    dms: tuple[DecisionMaker, ...]
    conditions: tuple[Condition, ...] = ()
    irreversible: tuple[Irreversible, ...] = ()

    @property
    def option_names(self) -> tuple[str, ...]:
        return tuple(o for dm in self.dms for o in dm.options)

    def build(self) -> ConflictModel:
        """Enumerate feasible states and evaluate every DM's preferences as arrays."""
        names = self.option_names
        if len(set(names)) != len(names):
            raise ValueError("option names must be unique")
        n = len(names)
        all_codes = np.arange(2**n, dtype=np.int64)
        all_bits = ((all_codes[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)
        bad = np.zeros(2**n, dtype=bool)
        for cond in self.conditions:
            bad |= cond.infeasible(all_bits, names)
        codes, bits = all_codes[~bad], all_bits[~bad]
        if len(codes) == 0:
            raise ValueError("no feasible state")
        index = np.full(2**n, -1, dtype=np.int64)
        index[codes] = np.arange(len(codes))
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
        )

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


@dataclass(frozen=True, eq=False)
class ConflictModel:
    """Array form of a conflict: feasible state s has integer code codes[s], option bits
    bits[s], and payoff[s, i] for DM i (higher is preferred; equal values tie)."""

    dm_names: tuple[str, ...]
    option_names: tuple[str, ...]
    owner: np.ndarray
    codes: np.ndarray
    bits: np.ndarray
    index_of_code: np.ndarray
    payoff: np.ndarray
    forward_only: int = 0
    backward_only: int = 0
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_states(self) -> int:
        return len(self.codes)

    @property
    def n_dms(self) -> int:
        return len(self.dm_names)

    def dm_mask(self, dm: int) -> int:
        """Integer bit mask of the options DM `dm` controls."""
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
