"""The comparison of two runs: the findings of each, the changes ranked, the noise counted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .changes import Change, compare_findings
from .findings import Finding, extract
from .words import sentence, summary_line

#: Input differences named in each sentence's brackets at most (more: listed once, below).
BECAUSE_MAX = 2


@dataclass(frozen=True)
class CompareResult:
    """Run ``a`` against run ``b`` (``a_name``/``b_name`` say what each is: a variant, file or run)."""

    a_name: str
    b_name: str
    a: tuple[Finding, ...]
    b: tuple[Finding, ...]
    changes: tuple[Change, ...]  # real changes biggest first, then those within the noise
    inputs: tuple[str, ...]  # the scenario fields that differ, "path: old -> new"

    @property
    def real(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if not c.noise)

    @property
    def suppressed(self) -> int:
        return sum(c.noise for c in self.changes)

    def because(self) -> str | None:
        """The differing inputs, when few enough to name in each sentence."""
        return "; ".join(self.inputs) if 0 < len(self.inputs) <= BECAUSE_MAX else None

    def sentences(self) -> list[str]:
        """One sentence per real change, the biggest first; the first names the differing inputs
        when they are few (the rest follow from the same inputs)."""
        because = self.because()
        return [sentence(c, because if k == 0 else None) for k, c in enumerate(self.real)]

    def summary(self) -> str:
        return summary_line(len(self.real), self.suppressed)

    def lines(self) -> list[str]:
        """The comparison as plain lines: the changed headlines first, then what differs, the count."""
        out = self.sentences() or ["no change beyond noise"]
        out.append(f"{self.a_name} -> {self.b_name}: {self.summary()}")
        if self.inputs and self.because() is None:
            out.append(f"inputs that differ ({len(self.inputs)}): " + "; ".join(self.inputs))
        return out

    def side_by_side(self) -> list[tuple[str, str, str, bool]]:
        """Every headline finding: (label, text in a, text in b, changed beyond noise)."""
        a = {f.id: f for f in self.a}
        b = {f.id: f for f in self.b}
        real = {c.id for c in self.real}
        rows = []
        for key in list(a) + [k for k in b if k not in a]:
            fa, fb = a.get(key), b.get(key)
            rows.append(((fb or fa).label, fa.text if fa else "-", fb.text if fb else "-",  # type: ignore
                         key in real))
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a_name, "b": self.b_name, "summary": self.summary(),
                "sentences": self.sentences(), "inputs": list(self.inputs),
                "suppressed": self.suppressed,
                "changes": [c.to_dict() for c in self.changes],
                "findings": {"a": [f.to_dict() for f in self.a], "b": [f.to_dict() for f in self.b]}}

    def markdown(self) -> str:
        """The comparison as a Markdown page: the changes, then the findings side by side."""
        out = [f"# {self.a_name} compared with {self.b_name}", ""]
        out += [f"- {line}" for line in self.sentences()] or ["- no change beyond noise"]
        out += ["", self.summary()[0].upper() + self.summary()[1:] + ".", ""]
        if self.inputs:
            out += ["## Inputs that differ", ""] + [f"- `{line}`" for line in self.inputs] + [""]
        out += ["## Headline findings", "", f"| finding | {_cell(self.a_name)} | {_cell(self.b_name)} |",
                "|---|---|---|"]
        for label, ta, tb, changed in self.side_by_side():
            mark = "**" if changed else ""
            out.append(f"| {mark}{_cell(label)}{mark} | {_cell(ta)} | {mark}{_cell(tb)}{mark} |")
        return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def compare_documents(a: Mapping[str, Any], b: Mapping[str, Any], a_name: str = "A", b_name: str = "B",
                      a_scenario: Any = None, b_scenario: Any = None) -> CompareResult:
    """Compare two results documents' ``analyses`` (plain dicts, as ``to_dict()`` or a recorded
    run gives them); the scenarios' JSON, when given, name the inputs that differ."""
    from ..store.diff import diff_tree

    fa, fb = extract(a), extract(b)
    inputs: tuple[str, ...] = ()
    if a_scenario is not None and b_scenario is not None:
        inputs = tuple(f"{id_path(c.path, a_scenario, b_scenario)}: {c.old or '(none)'} -> "
                       f"{c.new or '(none)'}" for c in diff_tree(a_scenario, b_scenario)
                       if not c.path.startswith("variants"))  # a variant run leaves its own entry out
    return CompareResult(a_name, b_name, tuple(fa.values()), tuple(fb.values()),
                         tuple(compare_findings(fa, fb)), inputs)


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def id_path(path: str, *scenarios: Any) -> str:
    """``tracks.ukraine-status.issues.accession-moratorium...`` for ``tracks[4].issues[0]...``:
    list positions named by their items' ids (as ``--set`` takes them), read from the first
    scenario that has the path; the path as given where none has it."""
    for scenario in scenarios:
        node, out = scenario, []
        try:
            for name, index in _STEP.findall(path):
                if name:
                    node = node[name]
                    out.append(name)
                    continue
                node = node[int(index)]
                has_id = isinstance(node, dict) and isinstance(node.get("id"), str)
                out.append(node["id"] if has_id else f"[{index}]")
        except (KeyError, IndexError, TypeError):
            continue
        return ".".join(out).replace(".[", "[")
    return path
