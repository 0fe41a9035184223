"""Report section of the self-determination analysis: the criteria with their origin, past cases
checked against them (symbols, uncertain findings starred, criteria met) and the sources."""

from __future__ import annotations

from markupsafe import escape

from ..scenario.model import Scenario
from ..selfdetermination.analysis import CaseRow, SelfDeterminationResult
from .sections import section_renderer
from .wording import Words

SYMBOLS = {"met": "✓", "partly": "½", "not_met": "✗", "not_applicable": "–", "unknown": "?"}
CELL_WORDS = {"met": "met", "partly": "partly met", "not_met": "not met", "not_applicable": "not applicable",
              "unknown": "not assessed"}
LEGEND = ("✓ met, ½ partly met, ✗ not met, – not applicable (no vote, or nobody displaced), ? not assessed; "
          "* the finding is uncertain (the cases file notes what could not be checked).")


def symbol(case: CaseRow, criterion: str) -> str:
    value = case.cells.get(criterion, "unknown")
    return SYMBOLS.get(value, "?") + ("*" if criterion in case.uncertain else "")


def cell_words(case: CaseRow, criterion: str) -> str:
    value = case.cells.get(criterion, "unknown")
    return CELL_WORDS.get(value, value) + (" (uncertain)" if criterion in case.uncertain else "")


def case_label(case: CaseRow) -> str:
    return f"{case.name} ({case.date[:4]})" if case.date else case.name


def intro(result: SelfDeterminationResult, scenario: Scenario) -> str:
    track = ""
    if result.track:
        title = Words(scenario).tracks.get(result.track, result.track)
        track = f" They bear on the track '{title}'."
    return (f"{len(result.criteria)} criteria for a legitimate act of self-determination, applied to "
            f"{len(result.cases)} past cases (the project's bundled cases file, built from public "
            f"sources).{track} A count of criteria met is a reading aid, not a verdict: the criteria are not "
            "weighted.")


@section_renderer(SelfDeterminationResult)
def selfdetermination_section(result: SelfDeterminationResult, scenario: Scenario) -> str:
    parts = [f"<p>{escape(intro(result, scenario))}</p>", "<h3>Criteria</h3><ul class='criteria'>"]
    parts += [f"<li id='criterion-{escape(c.id)}'><b>{escape(c.label)}</b>: {escape(c.description)} "
              f"<span class='meta'>({escape(c.origin)})</span></li>" for c in result.criteria]
    parts.append("</ul>")
    parts += [_table(result), _sources(result)]
    return "".join(parts)


def _table(r: SelfDeterminationResult) -> str:
    head = "".join(f"<th title='{escape(c.description)}'>{escape(c.label)}</th>" for c in r.criteria)
    rows = []
    for case in r.cases:
        cells = "".join(f"<td style='text-align:center' title='{escape(cell_words(case, c.id))}'>"
                        f"{escape(symbol(case, c.id))}</td>"
                        for c in r.criteria)
        rows.append(f"<tr id='case-{escape(case.case)}'><td>{escape(case_label(case))}</td>{cells}"
                    f"<td style='white-space:nowrap'>{case.met} of {case.assessed}</td></tr>")
    return ("<h3>Past cases</h3>"
            "<div class='scroll'><table class='data' id='self-determination-cases'><thead><tr>"
            f"<th>Case</th>{head}<th>Met</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            f"<p class='caption'>{escape(LEGEND)} Met: criteria met of those assessed.</p>")


def _sources(r: SelfDeterminationResult) -> str:
    items = []
    for case in r.cases:
        refs = "".join(f"<li>{escape(s)}</li>" for s in case.sources)
        items.append(f"<li><b>{escape(case_label(case))}</b><ul>{refs}</ul></li>")
    return (f"<details><summary>Sources behind the findings, by case</summary><ul class='sources'>"
            f"{''.join(items)}</ul></details>")


__all__ = ["LEGEND", "SYMBOLS", "case_label", "cell_words", "intro", "selfdetermination_section", "symbol"]
