"""The proposal form: a value per issue of each track (or left open) for a few proposals, turned into
a proposal file's data and read by the proposals API (:func:`multitrack.proposals.proposals_from_text`),
which checks every value against the scenario exactly as it checks a file. Nothing typed is evaluated:
a field's value is matched against the values the form offered (an option name or a grid value).

Fields: ``P{k}:["track","issue"]`` holds proposal k's value for that issue ('' leaves it open),
``T{k}`` its title; a pasted proposal file may come instead as ``proposal_file``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..proposals import Proposal, proposals_from_text
from ..scenario import Scenario
from ..scenario.issues import OptionIssue
from ..settlement.preferences import issue_values
from .editing import EditError, field_key, parse_key, parse_number

#: Proposals the form offers side by side (a pasted proposal file may hold more).
SLOTS = 3
#: Characters a pasted proposal file may have.
MAX_PASTED = 50_000
FORM_FILE = "proposal form"
PASTED_FILE = "pasted proposals"


@dataclass(frozen=True)
class IssueChoice:
    key: str                      # the field's path ["track","issue"] as JSON
    id: str
    title: str
    values: tuple[str, ...]       # as the form offers them: option names or grid values


@dataclass(frozen=True)
class TrackChoice:
    id: str
    title: str
    issues: tuple[IssueChoice, ...]


def choices(scenario: Scenario) -> list[TrackChoice]:
    """Each track's issues with the values a proposal may give them (the analysis grid)."""
    return [TrackChoice(t.id, t.title or t.id,
                        tuple(IssueChoice(field_key((t.id, i.id)), i.id, i.title or i.id,
                                          tuple(_shown(v) for v in issue_values(i, scenario.settings)))
                              for i in t.issues))
            for t in scenario.tracks]


def _shown(value) -> str:
    if isinstance(value, str):
        return value
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def from_form(fields: Iterable[tuple[str, str]], scenario: Scenario) -> tuple[Proposal, ...]:
    """The proposals the form fixes (slots that fix nothing are skipped), checked by the proposals
    API; raises ScenarioError (one line) or EditError (a field that does not fit the scenario)."""
    offered = {(t.id, i.id): (i.values, _issue(scenario, t.id, i.id)) for t in choices(scenario)
               for i in t.issues}
    slots: dict[int, dict] = {}
    titles: dict[int, str] = {}
    for name, value in fields:
        kind, sep, rest = name.partition(":")
        if kind.startswith("T") and not sep and kind[1:].isdigit():
            titles[int(kind[1:])] = value.strip()[:200]
        if not sep or not kind.startswith("P") or not kind[1:].isdigit() or not value:
            continue
        path = parse_key(rest)
        if len(path) != 2 or tuple(path) not in offered:
            raise EditError(f"no issue {rest[:80]} in this scenario")
        values, issue = offered[(str(path[0]), str(path[1]))]
        if value not in values:
            raise EditError(f"{value[:40]!r} is not a value of issue '{path[1]}'")
        slot = slots.setdefault(int(kind[1:]), {})
        slot.setdefault(str(path[0]), {})[str(path[1])] = (value if isinstance(issue, OptionIssue)
                                                            else parse_number(value))
    items = [{"id": f"proposal-{k}", "title": titles.get(k) or f"Proposal {k}", "tracks": tracks}
             for k, tracks in sorted(slots.items())]
    if not items:
        raise EditError("the proposal fixes no issue: choose a value for at least one")
    return proposals_from_text(json.dumps({"proposals": items}, indent=1), scenario, FORM_FILE)


def from_pasted(text: str, scenario: Scenario) -> tuple[Proposal, ...]:
    """The proposals of a pasted proposal file (docs/proposals.md), checked like a file."""
    if len(text) > MAX_PASTED:
        raise EditError(f"the pasted proposals are {len(text):,} characters; at most {MAX_PASTED:,}")
    return proposals_from_text(text, scenario, PASTED_FILE)


def _issue(scenario: Scenario, track_id: str, issue_id: str):
    track = next(t for t in scenario.tracks if t.id == track_id)
    return next(i for i in track.issues if i.id == issue_id)

