"""Read YAML safely into plain Python values while remembering where every value sits.

The document is composed into a node graph and converted by hand, so no tag can construct an
object, duplicate keys are caught, alias expansion is bounded, and every field path maps back
to a line and column for error messages.

Two readers do this. The reference reader, :func:`read_yaml_reference`, is the one multitrack
has always used: ruamel.yaml's pure-Python composer (YAML 1.2), about 0.35 s for the 179 kB
built-in scenario. The fast reader reads libyaml's parse events (PyYAML's C parser) in one pass,
in about a tenth of that. It resolves tags with a copy of ruamel's YAML 1.2 table
(:data:`YAML12_RESOLVERS`), reads plain decimal numbers and ``true``/``false`` itself and every
other number or boolean with ruamel's constructor, so values follow YAML 1.2 as before: ``on``
and ``yes`` stay text, ``017`` is 17, ``1_000`` is 1000, dates stay text. A plain file is thus
read without importing ruamel at all (start-up of ``multitrack validate``, issue 20).
:func:`read_yaml` tries the fast reader and hands the text to the reference reader whenever the
fast one cannot vouch for it: any error (syntax, a tag, a duplicate key, a value that does not
read), anchors, empty values, deep nesting, a ``%`` directive, characters the two parsers read
differently, or no libyaml.
So every error message is the reference reader's, word for word, and a document the fast
reader accepts gives the same values, types, key order and positions
(``tests/test_yaml_fast_reader.py`` compares the two on the project's files, tricky scalars and
generated documents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import Problem, ScenarioError

if TYPE_CHECKING:  # ruamel is imported where it is used: the fast reader of a plain file needs none
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.nodes import MappingNode, Node

try:  # PyYAML built with libyaml; without it every text is read by ruamel.yaml alone
    import yaml as _pyyaml
    from yaml import _yaml as _libyaml
except ImportError:  # pragma: no cover - PyYAML is a dependency, its C part is optional
    _libyaml = None

#: Most values (after alias expansion) one document may hold: larger inputs are refused.
MAX_NODES = 200_000
#: Largest scenario file accepted, in bytes.
MAX_BYTES = 10_000_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR, _NULL = "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"
#: Tags the fast reader reads itself: none, the non-specific ``!``, and the standard ones.
_PLAIN_TAGS = {None, "!"} | _STANDARD_TAGS
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_INT, _FLOAT, _BOOL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"
_MERGE = "tag:yaml.org,2002:merge"
#: Texts left to the reference reader at once: a ``%YAML`` or ``%TAG`` directive changes how a
#: document reads (``%YAML 1.1`` switches ruamel to YAML 1.1 scalars); ruamel reads a tab, a byte
#: order mark, a CR without LF, the line breaks NEL, LS and PS, and a comment right after a block
#: scalar's ``|`` or ``>`` differently from libyaml.
_REFER_CHARS = ("\t", "\x85", "\u2028", "\u2029", "\ufeff")
_REFER_PATTERNS = (("\r", re.compile("\r(?!\n)")), ("%", re.compile("^%", re.MULTILINE)),
                   ("#", re.compile("[|>][-+0-9]*#")))


def _left_to_reference(text: str) -> bool:
    """Whether ``text`` holds one of the things above (a plain scan per character; a pattern only
    where its first character occurs)."""
    return any(c in text for c in _REFER_CHARS) or any(
        c in text and pattern.search(text) for c, pattern in _REFER_PATTERNS)

Path = tuple[str | int, ...]
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Deepest nesting the fast reader reads; deeper documents go to the reference reader, whose
#: recursion limit decides (it reads this depth with room to spare).
_MAX_FAST_DEPTH = 100


@dataclass(frozen=True)
class SourceMap:
    """Line and column (1-based) of every value, and of every mapping key, by field path."""

    values: dict[Path, tuple[int, int]]
    keys: dict[Path, tuple[int, int]]

    def locate(self, path: Path, *, key: bool = False) -> tuple[int | None, int | None]:
        """Position of the deepest known prefix of ``path`` (keys first when asked)."""
        for cut in range(len(path), -1, -1):
            prefix = tuple(path[:cut])
            if key and prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return None, None


@dataclass(frozen=True)
class YamlDocument:
    data: Any
    source_map: SourceMap
    file: str | None


def _fail(file: str | None, message: str, node: Node | None = None, path: Path = ()) -> ScenarioError:
    line = col = None
    if node is not None and node.start_mark is not None:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
    return ScenarioError([Problem(message, path, line, col)], file)


class _Builder:
    def __init__(self, file: str | None, constructor: SafeConstructor) -> None:
        self.file = file
        self.count = 0
        self.values: dict[Path, tuple[int, int]] = {}
        self.keys: dict[Path, tuple[int, int]] = {}
        self.constructor = constructor

    def build(self, node: Node, path: Path) -> Any:
        from ruamel.yaml.constructor import ConstructorError
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.count += 1
        if self.count > MAX_NODES:
            raise _fail(self.file, f"document too large: more than {MAX_NODES} values "
                        "(after expanding aliases)", node, path)
        self.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        tag = _tag(node)
        if tag not in _STANDARD_TAGS:
            raise _fail(self.file, f"YAML tag {tag!r} is not allowed in a scenario file", node, path)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if tag == _TIMESTAMP:
            return str(node.value)  # dates stay text: the schema decides what they mean
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError) as exc:
            raise _fail(self.file, f"cannot read value {node.value!r}: {exc}", node, path) from None
        except (IndexError, KeyError):  # ruamel's own slips: ``!!int ''``, ``!!bool maybe``
            raise _fail(self.file, f"cannot read value {node.value!r} as {tag}", node, path) from None
        if isinstance(value, str) and _SURROGATE.search(value):
            raise _fail(self.file, "text holds a \\u escape of a lone surrogate, which is not a "
                        "character; write the character itself or a \\U escape", node, path)
        return value

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        from ruamel.yaml.nodes import ScalarNode

        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if getattr(key_node, "tag", None) is not None and _tag(key_node) == _MERGE:
                raise _fail(self.file, "merge keys (<<) are not supported", key_node, path)
            if not isinstance(key_node, ScalarNode):
                raise _fail(self.file, "mapping keys must be plain names", key_node, path)
            key = key_node.value
            if _SURROGATE.search(key):
                raise _fail(self.file, "a key holds a \\u escape of a lone surrogate", key_node, path)
            if key in out:
                raise _fail(self.file, f"duplicate key {key!r}", key_node, path + (key,))
            self.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, path + (key,))
        return out


def _tag(node: Node) -> str | None:
    tag: Any = node.tag  # typed str | None; a Tag object holding it in .value is read too, as before
    return tag.value if hasattr(tag, "value") else tag


def read_yaml(text: str, file: str | None = None) -> YamlDocument:
    """Parse one YAML document into plain values with a :class:`SourceMap`.

    Raises :class:`ScenarioError` for syntax errors, several documents, tags, duplicate keys
    and oversized input. The fast reader reads the text when it can; otherwise, and for every
    error, the reference reader does (see the module's docstring).
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ScenarioError([Problem(f"file too large (over {MAX_BYTES // 1_000_000} MB)")], file)
    if _libyaml is not None:
        try:
            return _read_fast(text, file)
        except Exception:  # noqa: BLE001 - anything the fast reader cannot vouch for: the reference decides
            pass
    return read_yaml_reference(text, file)


def read_yaml_reference(text: str, file: str | None = None) -> YamlDocument:
    """:func:`read_yaml` by ruamel.yaml's pure-Python reader alone: the reference that decides
    every error and every text the fast reader leaves (the size limit is checked by the caller)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    yaml = YAML(typ="safe", pure=True)
    try:
        nodes = list(yaml.compose_all(text))
    except ReaderError as exc:  # a character YAML does not allow anywhere: say which, and where
        raise ScenarioError([_unacceptable(text, exc)], file) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = " ".join(str(exc.problem or exc.context or "syntax error").split())
        if exc.problem and exc.context and exc.context_mark and exc.context_mark is not mark:
            what += f" ({' '.join(str(exc.context).split())} at line {exc.context_mark.line + 1})"
        raise ScenarioError([Problem(f"YAML syntax error: {what}", (), line, col)], file) from None
    except (YAMLError, RecursionError) as exc:
        raise ScenarioError([Problem(f"YAML syntax error: {' '.join(str(exc).split())}")], file) from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise ScenarioError([Problem("the file is empty", (), 1, 1)], file)
    if len(nodes) > 1:
        second = nodes[1]
        raise _fail(file, "a scenario file holds one YAML document, found several", second)
    builder = _Builder(file, yaml.constructor)
    try:
        data = builder.build(nodes[0], ())
    except RecursionError:
        raise ScenarioError([Problem("YAML nested too deeply")], file) from None
    return YamlDocument(data, SourceMap(builder.values, builder.keys), file)


#: Line breaks as ruamel.yaml's reader counts lines (CR LF is one break).
_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _unacceptable(text: str, exc: Any) -> Problem:
    """The problem of a character the YAML reader refuses (a raw NUL or ESC, DEL, a C1 control,
    U+FFFE): the character as U+XXXX at its line and column, counted as the reader counts them."""
    code = exc.character if isinstance(exc.character, int) else None
    at = exc.position if isinstance(exc.position, int) else -1
    if code is not None and not (0 <= at < len(text) and ord(text[at]) == code):
        at = text.find(chr(code))  # where the reader's own count is off, the first such character
    if code is None or at < 0:
        return Problem(f"YAML syntax error: {' '.join(str(exc).split())}")
    breaks = list(_BREAK.finditer(text, 0, at))
    start = breaks[-1].end() if breaks else 0
    column = at - start - text.count("\ufeff", start, at) + 1  # the reader does not count a BOM
    kind = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
    return Problem(f"{kind} U+{code:04X} is not allowed in a scenario file", (), len(breaks) + 1, column)


class _Refer(Exception):
    """The fast reader leaves this text to the reference reader."""


def _read_fast(text: str, file: str | None) -> YamlDocument:
    """:func:`read_yaml` in one pass over libyaml's parse events, without building nodes.

    It gives what the reference gives (values, types, key order, the position of every value
    and key) for a document it accepts, and raises on anything else: errors of every kind, and
    what libyaml and ruamel read differently or place elsewhere. Tags are resolved by ruamel's
    YAML 1.2 rules. Anchors and aliases are left to the reference (they are rare in scenario
    files; ruamel allows more characters in an anchor's name and places a tagged anchor's node
    elsewhere). So are empty values (``key:`` with nothing after it, placed elsewhere by ruamel)
    and nesting deeper than :data:`_MAX_FAST_DEPTH` (where the reference's recursion decides).
    No text it returns holds a lone surrogate, which the reference refuses: the text goes to
    libyaml as UTF-8, which cannot encode one, libyaml refuses a ``\\u`` escape of one, and its
    output is decoded as strict UTF-8 (``tests/test_yaml_fast_reader.py`` tries both).
    """
    if _left_to_reference(text):
        raise _Refer("a directive, a tab, a byte order mark or an unusual line break")
    events = _pyyaml.events
    scalar_event, sequence_start, mapping_start = events.ScalarEvent, events.SequenceStartEvent, \
        events.MappingStartEvent
    collection_end = (events.SequenceEndEvent, events.MappingEndEvent)
    node_events = (scalar_event, sequence_start, mapping_start, events.AliasEvent)
    scalars = _FastScalars()
    values: dict[Path, tuple[int, int]] = {}
    keys: dict[Path, tuple[int, int]] = {}
    stack: list[list[Any]] = []  # per open collection: [list or dict, its path, pending key or None]
    roots: list[Any] = []
    count = 0
    parser = _libyaml.CParser(text)
    try:
        while (event := parser.get_event()) is not None:
            kind = type(event)
            if kind in collection_end:
                if stack.pop()[2] is not None:
                    raise _Refer("a key without a value")  # not produced by libyaml; kept as a guard
                continue
            if kind not in node_events:  # the start and end of the stream and of each document
                continue
            if kind is events.AliasEvent or event.anchor is not None:
                raise _Refer("an anchor or an alias")
            if event.tag not in _PLAIN_TAGS:  # libyaml scans odd tags ruamel refuses
                raise _Refer(f"the tag {event.tag!r}")
            if kind is scalar_event and event.value == "" and event.style == "":
                raise _Refer("an empty value")
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1)
            if not stack:
                roots.append(None)
                if len(roots) > 1:
                    raise _Refer("several documents")
                path: Path = ()
            else:
                frame = stack[-1]
                if type(frame[0]) is list:
                    path = frame[1] + (len(frame[0]),)
                elif frame[2] is None:  # a key: plain text, not ``<<``, new
                    key = event.value
                    if kind is not scalar_event or key in frame[0] or (
                            event.tag in (None, "!") and _resolve(key, event.implicit[0]) == _MERGE):
                        raise _Refer("a key that is not a new plain name")
                    frame[2] = key
                    keys[frame[1] + (key,)] = where
                    continue
                else:
                    path = frame[1] + (frame[2],)
            count += 1
            if count > MAX_NODES:
                raise _Refer("too many values")
            values.setdefault(path, where)
            if kind is scalar_event:
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _resolve(event.value, event.implicit[0])
                value = scalars.value(tag, event.value)
            else:
                value = [] if kind is sequence_start else {}
            if not stack:
                roots[0] = value
            elif type(stack[-1][0]) is list:
                stack[-1][0].append(value)
            else:
                stack[-1][0][stack[-1][2]] = value
                stack[-1][2] = None
            if kind is not scalar_event:
                if len(stack) >= _MAX_FAST_DEPTH:
                    raise _Refer("nested deeply")
                stack.append([value, path, None])
    finally:
        parser.dispose()
    if not roots:
        raise _Refer("no document")
    return YamlDocument(roots[0], SourceMap(values, keys), file)


#: ruamel.yaml's implicit resolvers for YAML 1.2 (``ruamel.yaml.resolver.implicit_resolvers``, the
#: entries for version (1, 2)), copied so that reading a plain file needs no ruamel: (tag, pattern,
#: first characters, None for any). ``tests/test_validate_without_numpy.py`` checks that they still
#: equal ruamel's own, entry for entry.
YAML12_RESOLVERS: list[tuple[str, str, int, list[str] | None]] = [
    ("tag:yaml.org,2002:bool", "^(?:true|True|TRUE|false|False|FALSE)$", re.X, list("tTfF")),
    ("tag:yaml.org,2002:float", """^(?:
         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\\.(?:inf|Inf|INF)
        |\\.(?:nan|NaN|NAN))$""", re.X, list("-+0123456789.")),
    ("tag:yaml.org,2002:int", """^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", re.X, list("-+0123456789")),
    ("tag:yaml.org,2002:merge", "^(?:<<)$", 0, ["<"]),
    ("tag:yaml.org,2002:null", """^(?: ~
        |null|Null|NULL
        | )$""", re.X, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:timestamp", """^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \\t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?
        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X, list("0123456789")),
    ("tag:yaml.org,2002:value", "^(?:=)$", 0, ["="]),
    ("tag:yaml.org,2002:yaml", "^(?:!|&|\\*)$", 0, ["!", "&", "*"]),
]


def _resolution_table() -> tuple[dict[str, list[tuple[str, Any]]], list[tuple[str, Any]]]:
    """The YAML 1.2 resolvers by first character ("" for the empty scalar), each list followed by
    the resolvers for any first character; and those alone."""
    table: dict[str | None, list[tuple[str, Any]]] = {}
    for tag, pattern, flags, first in YAML12_RESOLVERS:
        for ch in first if first is not None else [None]:
            table.setdefault(ch, []).append((tag, re.compile(pattern, flags)))
    anywhere = table.pop(None, [])
    return {ch: rules + anywhere for ch, rules in table.items() if ch is not None}, anywhere


_RESOLVERS, _ANYWHERE = _resolution_table()


def _resolve(value: str, plain: bool) -> str:
    """The tag of an untagged scalar as ruamel's YAML 1.2 resolver gives it: a plain scalar by the
    first rule that matches (bool, int, float, null, timestamp, merge ``<<``, value ``=``), text
    otherwise."""
    if plain:
        for tag, regexp in _RESOLVERS.get(value[:1], _ANYWHERE):
            if regexp.match(value):
                return tag
    return _STR


class _FastScalars:
    """Scalar values for the fast reader, as the reference reader makes them: text and null
    directly, dates as their text, every other tag by ruamel's safe constructor (each distinct
    text once: numbers and booleans repeat)."""

    def __init__(self) -> None:
        self.constructor: SafeConstructor | None = None  # ruamel's, made on the first unusual scalar
        self.made: dict[tuple[str, str], Any] = {}

    def value(self, tag: str, text: str) -> Any:
        if tag == _STR or tag == _TIMESTAMP:  # dates stay text: the schema decides what they mean
            return text
        if tag == _NULL:
            return None
        if tag == _SEQ or tag == _MAP:  # a collection tag on a scalar: the reference reader's error
            raise _Refer(tag)
        key = (tag, text)
        if key not in self.made:
            made = _plain_scalar(tag, text) if _PLAIN_SCALAR.fullmatch(text) else _NOT_PLAIN
            self.made[key] = self._ruamel(tag, text) if made is _NOT_PLAIN else made
        return self.made[key]

    def _ruamel(self, tag: str, text: str) -> Any:
        from ruamel.yaml import YAML
        from ruamel.yaml.nodes import ScalarNode
        from ruamel.yaml.tag import Tag

        if self.constructor is None:
            self.constructor = YAML(typ="safe", pure=True).constructor
        return self.constructor.construct_object(ScalarNode(Tag(suffix=tag), text, None, None), deep=True)


#: Scalars whose value Python reads as ruamel's constructor does: a decimal integer without leading
#: zeros, such a number with a decimal part, and the six spellings of true and false.
_PLAIN_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|true|True|TRUE|false|False|FALSE")


_NOT_PLAIN = object()


def _plain_scalar(tag: str, text: str) -> Any:
    """The value of a scalar :data:`_PLAIN_SCALAR` matches, under the tag it resolved to, or
    ``_NOT_PLAIN`` when the tag is another (``!!float 1``): ruamel's constructor then reads it."""
    if tag == _INT and text[-1:].isdigit() and "." not in text:
        return int(text)
    if tag == _FLOAT and "." in text:
        return float(text)
    if tag == _BOOL and text[:1] in "tTfF":
        return text[:1] in "tT"
    return _NOT_PLAIN
