"""Read YAML safely into plain Python values while remembering where every value sits.

The document is composed into ruamel.yaml's node graph and converted by hand, so no
tag can construct an object, duplicate keys are caught, alias expansion is bounded,
and every field path maps back to a line and column for error messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError, SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, ScenarioError

#: Most values (after alias expansion) one document may hold: larger inputs are refused.
MAX_NODES = 200_000
#: Largest scenario file accepted, in bytes.
MAX_BYTES = 10_000_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

Path = tuple[str | int, ...]
_SURROGATE = re.compile("[\ud800-\udfff]")


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
        if isinstance(value, str) and _SURROGATE.search(value):
            raise _fail(self.file, "text holds a \\u escape of a lone surrogate, which is not a "
                        "character; write the character itself or a \\U escape", node, path)
        return value

    def _mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if getattr(key_node, "tag", None) is not None and _tag(key_node) == "tag:yaml.org,2002:merge":
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
    and oversized input.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ScenarioError([Problem(f"file too large (over {MAX_BYTES // 1_000_000} MB)")], file)
    yaml = YAML(typ="safe", pure=True)
    try:
        nodes = list(yaml.compose_all(text))
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
