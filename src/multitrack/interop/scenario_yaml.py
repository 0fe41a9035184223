"""Plain scenario data as commented YAML text (ruamel.yaml's round-trip dumper).

Short mappings and lists of plain values are written on one line (``{id: north, ...}``,
``[a, b]``, ``[[0, 0.0], [9, 1.0]]``); everything else in block style. Comments are given by
field path: a header above the document and end-of-line comments on single fields, e.g.
``{("sources", 0, "year"): "file date"}``. Floats are written so that they read back as
the same numbers, and text that YAML would read as something else is quoted.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

#: Longest one-line (flow style) mapping or list, in characters.
FLOW_WIDTH = 88

Path = tuple[str | int, ...]


def scenario_yaml(data: Mapping[str, Any], *, header: str | None = None,
                  comments: Mapping[Path, str] | None = None) -> str:
    """``data`` (plain dicts, lists and scalars) as YAML text with the given comments."""
    comments = dict(comments or {})
    commented_parents = {path[:-1] for path in comments}
    document = _convert(data, (), comments, commented_parents)
    if header and isinstance(document, CommentedMap):
        document.yaml_set_start_comment(header)
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.default_flow_style = False
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _convert(node: Any, path: Path, comments: dict[Path, str], commented: set[Path]) -> Any:
    if isinstance(node, Mapping):
        out = CommentedMap()
        for key, value in node.items():
            out[key] = _convert(value, path + (key,), comments, commented)
        if path not in commented and _flat(node):
            out.fa.set_flow_style()
        else:
            out.fa.set_block_style()
            for key in node:
                note = comments.get(path + (key,))
                if note:
                    out.yaml_add_eol_comment(" ".join(note.split()), key)
        return out
    if isinstance(node, (list, tuple)):
        seq = CommentedSeq(_convert(v, path + (i,), comments, commented) for i, v in enumerate(node))
        if path not in commented and _flat(node):
            seq.fa.set_flow_style()
        else:
            seq.fa.set_block_style()
            for i in range(len(node)):
                note = comments.get(path + (i,))
                if note:
                    seq.yaml_add_eol_comment(" ".join(note.split()), i)
        return seq
    return node


def _scalar(x: Any) -> bool:
    return x is None or isinstance(x, (str, int, float, bool))


def _flat(node: Any) -> bool:
    """Whether ``node`` holds only plain values (or short lists of them) and fits on one line."""
    items = list(node.values()) if isinstance(node, Mapping) else list(node)
    for item in items:
        if _scalar(item):
            if isinstance(item, str) and ("\n" in item or len(item) > 60):
                return False
            continue
        if isinstance(item, (list, tuple)) and len(item) <= 4 and all(_scalar(x) for x in item):
            continue
        return False
    return _width(node) <= FLOW_WIDTH


def _width(node: Any) -> int:
    if isinstance(node, Mapping):
        return 2 + sum(len(str(k)) + 2 + _width(v) + 2 for k, v in node.items())
    if isinstance(node, (list, tuple)):
        return 2 + sum(_width(v) + 2 for v in node)
    return len(repr(node)) if isinstance(node, float) else len(str(node)) + 2
