"""Control characters in scenario text, refused when a scenario is validated (issue 23).

No name, title or note is meant to hold a control character: one gets there by an escape in a
double-quoted string (``"Two\\0 communities"``, ``"\\x1b[31m"``), by a JSON file or by Python code,
and then PostgreSQL refuses the run (a text column cannot hold NUL) and a terminal acts on ESC and
the C1 controls instead of showing them. So every text of a scenario, each string value and each
mapping key, is checked before its fields are: the C0 controls (U+0000-U+001F) but tab, line feed
and carriage return, DEL (U+007F) and the C1 controls (U+0080-U+009F) are refused. Tab, line feed
and carriage return are allowed in every text: descriptions and notes span lines (a YAML block
scalar ends its lines with line feeds, and an explicit ``\\r\\n`` is plain line-break text), every
store and report keeps them, and the terminal renderer already shows a carriage return by its
escape. Identifiers refuse them anyway by their own rule.

The check runs on the raw input of :meth:`Scenario.model_validate` (a file's plain data or a
mapping built in Python), so it holds for every way a scenario is made. A valid scenario costs
one pass that gathers its texts and one regular-expression search over them; only a scenario
that holds a control character is walked again to find where.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import LocatedValueError, Problem, format_path

if TYPE_CHECKING:  # the model needs no YAML reader to check its input
    from .yaml_source import SourceMap, YamlDocument

Path = tuple[str | int, ...]

#: The characters refused in scenario text (as a regular-expression character class).
FORBIDDEN = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_FORBIDDEN = re.compile(FORBIDDEN)
#: Types of plain values that hold no text.
_LEAVES = frozenset({int, float, bool, type(None)})
_RULE = "is not allowed in scenario text (tabs and line breaks are)"


@dataclass(frozen=True)
class ControlCharacter:
    """One text holding control characters: where it is (the key at ``path`` when ``key``, the
    value at ``path`` otherwise) and what is wrong, in words."""

    path: Path
    key: bool
    message: str


class ControlCharacterError(LocatedValueError):
    """Every text of a scenario that holds a control character; its own message and path are the
    first one's (for readers that take one problem), ``found`` lists them all in document order."""

    def __init__(self, found: list[ControlCharacter]) -> None:
        first, more = found[0], len(found) - 1
        tail = f" (and {more} more text{'s' if more > 1 else ''} with control characters)" if more else ""
        super().__init__(first.message + tail, first.path)
        self.args = (f"{format_path(first.path)}: {self.message}",)  # what pydantic's message shows
        self.found = tuple(found)


def check_text(data: Any) -> None:
    """Raise :class:`ControlCharacterError` if any string or mapping key in ``data`` (plain values,
    lists, tuples, mappings and already-made models, nested) holds a refused control character."""
    texts = _texts(data)
    try:
        joined = "\n".join(texts)
    except TypeError:  # a key that is not text (a number, say): the schema refuses it later
        joined = "\n".join(t for t in texts if isinstance(t, str))
    if _FORBIDDEN.search(joined):
        raise ControlCharacterError(list(_find(data, ())))


def located(found: tuple[ControlCharacter, ...], source_map: SourceMap, base: Path = ()) -> list[Problem]:
    """The problems ``found`` (below the field at ``base``) with the line and column of each text
    (the key's own position for a key)."""
    return [Problem(f.message, base + f.path, *source_map.locate(base + f.path, key=f.key)) for f in found]


def document_problems(doc: YamlDocument) -> list[Problem]:
    """The control-character problems of a whole YAML document, located; none when it has none
    (for files other than scenarios, such as proposal files, that hold free text too)."""
    try:
        check_text(doc.data)
    except ControlCharacterError as exc:
        return located(exc.found, doc.source_map)
    return []


def describe(text: str, *, key: bool = False) -> str:
    """What is wrong with ``text``, which holds at least one refused control character: the
    characters as U+XXXX (each once, in order) and where the first one is (counted from 1)."""
    codes = list(dict.fromkeys(f"U+{ord(c):04X}" for c in _FORBIDDEN.findall(text)))
    first = _FORBIDDEN.search(text)
    assert first is not None
    what = "key" if key else "text"
    if len(codes) == 1:
        return f"control character {codes[0]} (character {first.start() + 1} of the {what}) {_RULE}"
    return (f"control characters {', '.join(codes)} (the first is character {first.start() + 1} of "
            f"the {what}) {_RULE.replace('is not', 'are not')}")


def _texts(data: Any) -> list[Any]:
    """Every string and mapping key in ``data``, in no particular order (one pass, no paths)."""
    out: list[Any] = []
    stack = [data]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            out.extend(node)  # the keys
            values: Any = node.values()
        elif kind is list or kind is tuple:
            values = node
        elif isinstance(node, str):
            out.append(node)
            continue
        else:
            stack.extend(_other_children(node))
            continue
        for v in values:
            kind = type(v)
            if kind is str:
                out.append(v)
            elif kind not in _LEAVES:
                stack.append(v)
    return out


def _other_children(node: Any) -> list[Any]:
    """What is inside a value that is not plain data: a model's fields, or the items of a mapping
    or sequence of another type; nothing for a number, a date or the like."""
    if isinstance(node, BaseModel):
        return [dict(_model_fields(node))]
    if isinstance(node, dict):
        return [dict(node)]
    if isinstance(node, (list, tuple, set, frozenset)):
        return [list(node)]
    return []


def _model_fields(model: BaseModel) -> Iterator[tuple[str, Any]]:
    """A model's field values by the names a scenario file gives them (the alias where there is one)."""
    fields = type(model).model_fields
    for name, value in model.__dict__.items():
        info = fields.get(name)
        yield (info.alias or name) if info is not None else name, value


def _find(node: Any, path: Path) -> Iterator[ControlCharacter]:
    """Every text holding a refused character, with its field path, in document order."""
    if isinstance(node, str):
        if _FORBIDDEN.search(node):
            yield ControlCharacter(path, False, describe(node))
    elif isinstance(node, BaseModel):
        yield from _find(dict(_model_fields(node)), path)
    elif isinstance(node, dict):
        for k, v in node.items():
            if isinstance(k, str) and _FORBIDDEN.search(k):
                yield ControlCharacter(path + (k,), True, describe(k, key=True))
            yield from _find(v, path + (k if isinstance(k, (str, int)) else str(k),))
    elif isinstance(node, (list, tuple, set, frozenset)):
        for i, v in enumerate(node):
            yield from _find(v, path + (i,))
