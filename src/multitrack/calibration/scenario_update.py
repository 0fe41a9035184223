"""Putting calibrated transition rates into a scenario file (used by ``multitrack calibrate``).

Which data set backs which rung follows docs/escalation.md: the crisis rung from ICB crises
(Brecher & Wilkenfeld 2000), the use-of-force rung from the revised MID disputes (Gibler, Miller &
Little 2016). The lower rungs (peacetime and incident) have no support in these data, so they are
left as the analyst wrote them.

The file is edited with ruamel.yaml's round-trip mode so that comments and layout survive; lines
that the edit does not touch are copied from the original text byte for byte.
"""

from __future__ import annotations

import difflib
import io
import math
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from multitrack.errors import MultitrackError

#: transition -> (calibration data set, scenario source id)
RECOMMENDED: dict[str, tuple[str, str]] = {
    "crisis->use of force": ("icb", "icb-v14"),
    "crisis->incident": ("icb", "icb-v14"),
    "use of force->war": ("gml", "gml-mid"),
    "use of force->crisis": ("gml", "gml-mid"),
}

_LABELS = {"icb": "ICB v14", "gml": "GML MID", "cow": "COW MID v5"}

#: Transitions of the default ladder that the data cannot estimate (no count of non-events).
JUDGEMENT_ONLY: tuple[str, ...] = ("peacetime->incident", "incident->crisis", "incident->peacetime")

#: Source entries added to a scenario's ``sources:`` list when it lacks them.
SOURCE_ENTRIES: dict[str, dict[str, Any]] = {
    "icb-v14": {
        "id": "icb-v14",
        "title": "International Crisis Behavior data, version 14 (crisis level)",
        "author": "Michael Brecher, Jonathan Wilkenfeld et al.",
        "publisher": "International Crisis Behavior Project",
        "year": 2021,
        "kind": "data set",
        "note": "Monthly crisis-rung rates from multitrack calibrate (see docs/escalation.md).",
    },
    "gml-mid": {
        "id": "gml-mid",
        "title": "An Analysis of the Militarized Interstate Dispute (MID) Dataset, 1816-2001",
        "author": "Douglas M. Gibler, Steven V. Miller and Erin K. Little",
        "publisher": "International Studies Quarterly 60(4)",
        "year": 2016,
        "kind": "data set",
        "note": "Revised dispute-level MID data; monthly use-of-force rates from multitrack calibrate "
                "(see docs/escalation.md).",
    },
}


class ScenarioUpdateError(MultitrackError):
    """The scenario cannot take the calibrated rates (no escalation section, odd structure)."""


def _round(x: float, digits: int) -> float:
    """``x`` to ``digits`` significant digits, as a plain float."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def recommended_entries(result, *, level: float = 0.9, seed: int = 0, digits: int = 4) -> dict[str, dict]:
    """Transition -> ``{dist: pert, low, mode, high, source, note}`` for the data-backed rungs.

    ``result`` is a :class:`~multitrack.calibration.CalibrationResult`; the interval becomes the
    PERT's low and high and the point estimate its mode (kept inside the interval: where a sojourn
    was floored at one month the point estimate sits on the interval's edge).
    """
    out: dict[str, dict] = {}
    for transition, (dataset, source_id) in RECOMMENDED.items():
        entries = result.transition_entries(dataset)
        if transition not in entries:
            raise ScenarioUpdateError(f"the calibration has no {transition!r} estimate for {dataset}")
        e = entries[transition]
        low, high = _round(e["low"], digits), _round(e["high"], digits)
        mode = min(max(_round(e["value"], digits), low), high)
        if not low < high:
            raise ScenarioUpdateError(f"{transition} ({dataset}): the interval is empty")
        note = (f"multitrack calibrate ({_LABELS[dataset]}, {level:.0%} bootstrap interval, seed {seed}): "
                f"{e['note']}")
        out[transition] = {"dist": "pert", "low": low, "mode": mode, "high": high, "source": source_id,
                           "note": note}
    return out


@dataclass
class ScenarioUpdate:
    """The new file text and what changed: (theatre, transition) pairs, sources added."""

    text: str
    replaced: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # recommended but not on the ladder
    sources_added: list[str] = field(default_factory=list)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap long lines
    y.brace_single_entry_mapping_in_flow_sequence = True  # keep [{above: 30}] as written
    return y


def _indent_of(text: str) -> tuple[int, int, int]:
    """The (mapping, sequence, offset) indentation that reproduces ``text`` best when dumped."""
    best, best_score = (2, 4, 2), -1
    lines = text.splitlines()
    for ind in ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 4, 0)):
        y = _yaml()
        y.indent(mapping=ind[0], sequence=ind[1], offset=ind[2])
        dumped = _dump(y, y.load(text)).splitlines()
        # the texts may differ in length: lines past the shorter one simply do not count
        score = sum(a == b for a, b in zip(lines, dumped, strict=False))
        if score > best_score:
            best, best_score = ind, score
        if dumped == lines:
            break
    return best


def _dump(y: YAML, doc: Any) -> str:
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def _set_in_place(parent: CommentedMap, key: str, entry: dict) -> None:
    """Replace ``parent[key]`` by ``entry``, keeping the old mapping object (and so its flow style
    and comments) where there is one."""
    old = parent[key]
    if isinstance(old, CommentedMap):
        for k in list(old):
            del old[k]
        for k, v in entry.items():
            old[k] = v
        return
    new = CommentedMap(entry)
    new.fa.set_flow_style()
    parent[key] = new


def _add_sources(doc: CommentedMap, needed: list[str]) -> list[str]:
    sources = doc.get("sources")
    if sources is None:
        sources = CommentedSeq()
        keys = list(doc)
        pos = keys.index("actors") if "actors" in keys else len(keys)
        doc.insert(pos, "sources", sources)
    if not isinstance(sources, list):
        raise ScenarioUpdateError("sources: expected a list")
    have = {s.get("id") for s in sources if isinstance(s, dict)}
    added = []
    for sid in needed:
        if sid not in have:
            sources.append(CommentedMap(SOURCE_ENTRIES[sid]))
            added.append(sid)
    return added


def update_scenario_text(text: str, entries: dict[str, dict]) -> ScenarioUpdate:
    """Put ``entries`` (from :func:`recommended_entries`) into every theatre of ``text``'s
    escalation section; add the cited sources that are missing. The result is not validated here."""
    y = _yaml()
    ind = _indent_of(text)
    y.indent(mapping=ind[0], sequence=ind[1], offset=ind[2])
    doc = y.load(text)
    if not isinstance(doc, CommentedMap):
        raise ScenarioUpdateError("the file is not a YAML mapping")
    esc = doc.get("escalation")
    if not isinstance(esc, CommentedMap) or not isinstance(esc.get("theatres"), list) or not esc["theatres"]:
        raise ScenarioUpdateError("the scenario has no escalation section with theatres; nothing to "
                                  "calibrate")
    update = ScenarioUpdate(text="")
    used: list[str] = []
    for t, theatre in enumerate(esc["theatres"]):
        if not isinstance(theatre, CommentedMap):
            raise ScenarioUpdateError(f"escalation.theatres[{t}]: expected a mapping")
        name = str(theatre.get("id", t))
        found = set()
        for side in ("up", "down"):
            rates = theatre.get(side)
            if not isinstance(rates, CommentedMap):
                continue
            for key in list(rates):
                if key in entries:
                    _set_in_place(rates, key, entries[key])
                    update.replaced.append((name, key))
                    found.add(key)
                    if entries[key]["source"] not in used:
                        used.append(entries[key]["source"])
                else:
                    update.kept.append((name, str(key)))
        update.missing += [(name, k) for k in entries if k not in found]
    if not update.replaced:
        raise ScenarioUpdateError("no theatre has a crisis or use-of-force transition to calibrate "
                                  "(the ladder needs the rungs incident, crisis, use of force, war)")
    update.sources_added = _add_sources(doc, [s for s in SOURCE_ENTRIES if s in used])
    edited = _dump(y, doc)
    update.text = _keep_untouched_lines(text, _dump(y, y.load(text)), edited)
    return update


def _keep_untouched_lines(original: str, baseline: str, edited: str) -> str:
    """``edited`` with every line the edit did not change taken from ``original``.

    ``baseline`` is ruamel's dump of the unchanged file; it may differ from ``original`` in
    cosmetic ways (a flow list joined onto one line). The changes from ``baseline`` to ``edited``
    are applied to ``original`` where each lies in a stretch that both share; if any does not, or
    the result does not hold the same data as ``edited``, ``edited`` is returned as it is.
    """
    o, b, e = (original.splitlines(keepends=True), baseline.splitlines(keepends=True),
               edited.splitlines(keepends=True))
    b_to_o: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, o, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            b_to_o[block.b + k] = block.a + k
    b_to_o[len(b)] = len(o)
    out, pos = [], 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, b, e, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        start = b_to_o.get(i1)
        if start is None and i1 > 0 and b_to_o.get(i1 - 1) is not None:
            start = b_to_o[i1 - 1] + 1  # an insertion right after a shared line
        # every replaced line must be one the original has, in the same order
        if start is None or start < pos or any(b_to_o.get(i) != start + (i - i1) for i in range(i1, i2)):
            return edited
        out += o[pos:start]
        out += e[j1:j2]
        pos = start + (i2 - i1)
    out += o[pos:]
    merged = "".join(out)
    safe = YAML(typ="safe", pure=True)
    try:
        same = safe.load(merged) == safe.load(edited)
    except Exception:  # noqa: BLE001 - any doubt: use ruamel's own output
        same = False
    return merged if same else edited
