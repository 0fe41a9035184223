"""Where each estimate of the report comes from: its value or distribution, its source (title,
author, publisher, date, and the locator in it), whether it is the analyst's judgement, and the
analyst's note, beside the id path that ``--set PATH=VALUE`` takes to change it.

Two uses: the report's provenance appendix (every estimate, grouped by part of the scenario,
track or crisis, and actor; in HTML each group is a collapsed ``<details>``), and the compact
inputs table of each security section (the estimates a crisis or the escalation ladder reads).
An estimate's own note and source are shown on its row; what it inherits from the element that
encloses it (most often the actor's position) is shown once for the group.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from markupsafe import escape

from ..scenario.describe import estimate_text
from ..scenario.model import Scenario
from ..scenario.provenance import EstimateEntry, estimate_entries, path_text
from ..scenario.sources import SourceReference
from .md_table import table
from .md_text import Markdown, md_code_cell, md_text

#: Parts of the scenario in the order the appendix lists them, with their headings.
PART_TITLES = {"tracks": "Tracks", "deterrence": "Deterrence", "escalation": "Escalation",
               "actors": "Actors", "cross_track": "Effects across tracks", "process": "Process",
               "self_determination": "Self-determination", "factors": "Common factors",
               "variants": "Model variants"}

#: Keys of the scenario's structure that a group's label leaves out (the ids say enough).
_STRUCTURE = {"tracks", "issues", "positions", "theatres", "measures", "deterrence", "escalation",
              "actors", "cross_track", "variants", "process"}


@dataclass(frozen=True)
class ProvenanceGroup:
    """The estimates of one part of the scenario (an actor's position on an issue, a crisis, a
    theatre ...), with the note and source they share, shown once."""

    part: str
    key: str                      # the id path of the group (a prefix of each estimate's path)
    label: str                    # the same in words
    entries: tuple[EstimateEntry, ...]
    note: str | None              # the inherited note every entry without its own shares
    source: SourceReference | None  # the source most of its entries cite

    def own_note(self, e: EstimateEntry) -> str | None:
        """The entry's note where it is not the group's shared one."""
        return e.note if e.note and (e.note_own or e.note != self.note) else None

    def own_source(self, e: EstimateEntry) -> SourceReference | None:
        """The entry's source where it differs from the group's."""
        return e.source if e.source != self.source else None


def _prefix(e: EstimateEntry) -> tuple[str | int, ...]:
    segs = e.segments
    if e.actor is not None and e.actor in segs and e.part == "tracks":
        return segs[:segs.index(e.actor) + 1]
    if e.part == "escalation" and len(segs) > 3:
        return segs[:3]
    return segs[:2] if len(segs) > 2 else segs[:1]


def _names(scenario: Scenario) -> dict[str, str]:
    names: dict[str, str] = {a.id: a.name for a in scenario.actors}
    for track in scenario.tracks:
        names[track.id] = track.title
        names.update({issue.id: issue.label for issue in track.issues})
    names.update({c.id: c.title for c in scenario.deterrence})
    if scenario.escalation is not None:
        names.update({t.id: t.title for t in scenario.escalation.theatres})
        names.update({m.id: m.title for m in scenario.escalation.measures})
    return names


def _label(prefix: tuple[str | int, ...], names: dict[str, str]) -> str:
    words = [names.get(s, s.replace("_", " ")) for s in prefix if isinstance(s, str) and s not in _STRUCTURE]
    return " \u203a ".join(words) or PART_TITLES.get(str(prefix[0]), str(prefix[0]))


def _group(part: str, prefix: tuple[str | int, ...], entries: list[EstimateEntry],
           names: dict[str, str]) -> ProvenanceGroup:
    inherited = {e.note for e in entries if e.note and not e.note_own}
    sources = Counter(e.source for e in entries if e.source is not None)
    return ProvenanceGroup(part, path_text(prefix), _label(prefix, names), tuple(entries),
                           inherited.pop() if len(inherited) == 1 else None,
                           sources.most_common(1)[0][0] if sources else None)


def provenance_groups(scenario: Scenario, entries: list[EstimateEntry] | None = None
                      ) -> list[ProvenanceGroup]:
    """The scenario's estimates (or ``entries``) grouped by part, track or crisis, and actor, in
    file order."""
    names = _names(scenario)
    grouped: dict[tuple[str | int, ...], list[EstimateEntry]] = {}
    for e in estimate_entries(scenario) if entries is None else entries:
        grouped.setdefault(_prefix(e), []).append(e)
    return [_group(str(prefix[0]), prefix, items, names) for prefix, items in grouped.items()]


def crisis_inputs(scenario: Scenario, crisis: str) -> list[EstimateEntry]:
    """The estimates one crisis of the deterrence analysis reads (its prize, its guarantees' terms)."""
    return [e for e in estimate_entries(scenario) if e.part == "deterrence" and e.group == crisis]


def escalation_inputs(scenario: Scenario) -> list[EstimateEntry]:
    """The estimates the escalation analysis reads (transition rates, measures' responses and effects)."""
    return [e for e in estimate_entries(scenario) if e.part == "escalation"]


def source_words(ref: SourceReference | None, scenario: Scenario) -> tuple[str, str]:
    """``[n] citation`` (author, date, title, publisher; flagged when written before the full-scale
    invasion) and the locator (the citation's own, else the source's default place) with how far
    the source carries the value (states it, informs a judgement, only raises the issue);
    ``("", "")`` without a source."""
    if ref is None:
        return "", ""
    numbers = {s.id: i + 1 for i, s in enumerate(scenario.sources)}
    cited = next((s for s in scenario.sources if s.id == ref.id), None)
    if cited is None:
        return ref.id, ref.locator or ""
    place = ref.locator or cited.locator
    basis = ref.basis_words + ("; written before 24 February 2022" if cited.pre_invasion else "")
    return f"[{numbers[ref.id]}] {cited.citation()}", f"{place} ({basis})" if place else basis


def _flag(e: EstimateEntry) -> str:
    return "estimated" if e.estimated else "from source"


def input_rows(entries: list[EstimateEntry], scenario: Scenario) -> list[dict[str, str]]:
    """The compact inputs table of a security section: one row per estimate, with everything."""
    rows = []
    for e in entries:
        cited, locator = source_words(e.source, scenario)
        rows.append({"Input": e.field, "Value": estimate_text(e.estimate), "Estimated": _flag(e),
                     "Source": cited + (f", {locator}" if locator else ""), "Note": e.note or "",
                     "Path": e.path})
    return rows


def _anchor(key: str) -> str:
    """An HTML id from a group's path (no spaces or quotes)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", key).strip("-")


# --- HTML -------------------------------------------------------------------------------------

def _source_html(ref: SourceReference | None, scenario: Scenario) -> str:
    if ref is None:
        return "<span class='est'>no source</span>"
    cited, locator = source_words(ref, scenario)
    loc = f" <span class='locator'>({escape(locator)})</span>" if locator else ""
    return f"<a href='#src-{escape(ref.id)}'>{escape(cited)}</a>{loc}"


def inputs_html(entries: list[EstimateEntry], scenario: Scenario, title: str) -> str:
    """A collapsed table of a security section's inputs: value or distribution, flag, source with
    its locator, and note, each with its id path."""
    if not entries:
        return ""
    rows = "".join(
        f"<tr><td>{escape(e.field)}<br><code class='path'>{escape(e.path)}</code></td>"
        f"<td>{escape(estimate_text(e.estimate))}</td><td>{_flag(e)}</td>"
        f"<td>{_source_html(e.source, scenario)}</td><td>{escape(e.note or '')}</td></tr>" for e in entries)
    return (f"<details class='inputs'><summary>{escape(title)} ({len(entries)})</summary>"
            "<div class='scroll'><table class='data inputs'><thead><tr><th>Input and its path</th>"
            "<th>Value</th><th>Estimated</th><th>Source</th><th>Note</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div></details>")


def _group_html(g: ProvenanceGroup, scenario: Scenario) -> str:
    rows = []
    for e in g.entries:
        own_src = g.own_source(e)
        note = g.own_note(e)
        extra = ((f"<br>{_source_html(own_src, scenario)}" if own_src is not None else "")
                 + (f"<br><i>{escape(note)}</i>" if note else ""))
        rows.append(f"<tr><td><code>{escape(e.path)}</code></td><td>{escape(estimate_text(e.estimate))}"
                    f"</td><td>{_flag(e)}{extra}</td></tr>")
    note = f"<p class='note'>{escape(g.note)}</p>" if g.note else ""
    return (f"<details class='provenance' id='prov-{escape(_anchor(g.key))}'><summary>{escape(g.label)} "
            f"<span class='meta'>({len(g.entries)})</span></summary>"
            f"<p>{_source_html(g.source, scenario)}</p>{note}"
            "<table class='data'><thead><tr><th>Path (for --set)</th><th>Value</th><th>Flag, own source "
            f"and note</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>")


def provenance_html(scenario: Scenario) -> str:
    """The report's provenance appendix: per part of the scenario, a collapsed group per position,
    crisis or theatre, with the source and locator, the note, and each estimate's path and value."""
    groups = provenance_groups(scenario)
    out = ["<p class='caption'>Every estimate of the scenario: its value or distribution, whether it is "
           "the analyst's judgement, its source with the place in it, and the analyst's note. What a group "
           "of estimates shares (most often the actor's position's source and note) is shown at its head; "
           "an estimate's own source or note on its row. Each path can be given to "
           "<code>--set PATH=VALUE</code> to change the estimate.</p>"]
    part = None
    for g in groups:
        if g.part != part:
            part = g.part
            out.append(f"<h3>{escape(PART_TITLES.get(part, part))}</h3>")
        out.append(_group_html(g, scenario))
    return "".join(out)


# --- Markdown ---------------------------------------------------------------------------------

def inputs_markdown(entries: list[EstimateEntry], scenario: Scenario) -> list[str]:
    """A security section's inputs as a compact Markdown table."""
    if not entries:
        return []
    numbers = {s.id: i + 1 for i, s in enumerate(scenario.sources)}
    rows = []
    for e in entries:
        _, locator = source_words(e.source, scenario)
        ref = "" if e.source is None else (f"[{numbers[e.source.id]}](#source-{numbers[e.source.id]})"
                                           if e.source.id in numbers else md_text(e.source.id))
        where = f", {md_text(locator, line_start=False)}" if locator else ""
        rows.append({"Input": e.field, "Value": estimate_text(e.estimate), "Estimated": _flag(e),
                     "Source": Markdown(ref + where), "Note": e.note or ""})
    return [table(rows), ""]


def provenance_markdown(scenario: Scenario) -> str:
    """The provenance appendix in Markdown: a heading per part, a table per group."""
    out = ["## Provenance of the estimates", "",
           "Every estimate: its value or distribution, whether it is the analyst's judgement, its source "
           "with the place in it, and the analyst's note; the path changes it with `--set PATH=VALUE`.", ""]
    part = None
    for g in provenance_groups(scenario):
        if g.part != part:
            part = g.part
            out += [f"### {md_text(PART_TITLES.get(part, part))}", ""]
        cited, locator = source_words(g.source, scenario)
        out.append(f"**{md_text(g.label)}**" + (f" \u2014 {md_text(cited)}" if cited else "")
                   + (f" ({md_text(locator)})" if locator else ""))
        if g.note:
            out += ["", f"> {md_text(g.note)}"]
        rows = []
        for e in g.entries:
            own_src = g.own_source(e)
            src, loc = source_words(own_src, scenario)
            rows.append({"Path": md_code_cell(e.path), "Value": estimate_text(e.estimate),
                         "Estimated": _flag(e),
                         "Own source": src + (f", {loc}" if loc else ""), "Note": g.own_note(e) or ""})
        out += ["", table(rows), ""]
    return "\n".join(out)
