"""The brief's words: actors, tracks, issues and options by their names in the scenario, never by
their ids; red lines as what a party will not accept; inputs of the hinges analysis by name."""

from __future__ import annotations

import re
from typing import Any

from ..scenario.issues import value_text
from ..scenario.model import Scenario


def option_words(option: str) -> str:
    """An option as a reader says it: ``door-formally-open-no-timetable`` -> ``door formally open
    no timetable`` (options have no titles of their own)."""
    return option.replace("-", " ").replace("_", " ")


def pct(share: float) -> str:
    """A share of draws as a whole percentage (``96%``)."""
    return f"{100 * share:.0f}%"


def number(x: float) -> str:
    """A number to three significant digits, whole numbers without decimals."""
    return "0" if abs(x) < 1e-5 else value_text(float(f"{x:.3g}"))


class Names:
    """The names of one scenario's actors, tracks and issues, for sentences."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.actors = {a.id: a.name for a in scenario.actors}
        self.tracks = {t.id: t.title for t in scenario.tracks}
        self.issues = {i.id: i.label for _, i in scenario.issues()}
        self.units = {i.id: getattr(i, "unit", None) for _, i in scenario.issues()}
        options = {o for _, i in scenario.issues() for o in getattr(i, "options", ())}
        # longest first, so that "ukraine-status" is replaced before "ukraine"
        self._ids = sorted([(k, v) for k, v in {**{o: option_words(o) for o in options}, **self.issues,
                                                **self.tracks, **self.actors}.items()],
                           key=lambda kv: -len(kv[0]))

    def actor(self, actor_id: str) -> str:
        return self.actors.get(actor_id, actor_id)

    def possessive(self, actor_id: str) -> str:
        name = self.actor(actor_id)
        return f"{name}'" if name.endswith("s") else f"{name}'s"

    def value(self, issue_id: str, v: Any) -> str:
        """A value of an issue with its unit: ``15 years``, ``no permanent nato bases``."""
        if isinstance(v, str):
            return option_words(v)
        unit = self.units.get(issue_id)
        return f"{number(float(getattr(v, 'nominal', v)))}{f' {unit}' if unit else ''}"

    def terms(self, outcome: dict[str, Any]) -> str:
        """An outcome as the deal's terms: ``Accession moratorium: 15 years; ...``."""
        return "; ".join(f"{self.issues.get(k, k)}: {self.value(k, v)}" for k, v in outcome.items())

    def plain(self, text: str) -> str:
        """``text`` with every id of an actor, track, issue or option replaced by its name (for
        sentences that other analyses wrote with ids)."""
        for key, name in self._ids:
            text = re.sub(rf"(?<![\w-]){re.escape(key)}(?![\w-])", name, text)
        return text


def will_not_accept(names: Names, actor: str, issue: str, relation: str, threshold: Any,
                    *, again: bool = False) -> str:
    """A red line as what the party will not accept: "Russia will not accept a European force
    stationed in Ukraine over 0 thousand troops"; ``again``: the same issue as the sentence before
    ("Ukraine none under 5 thousand troops")."""
    who = names.actor(actor)
    what = names.issues.get(issue, issue)
    if relation == "equals":
        return f"{who} will not accept {names.value(issue, threshold)} on {what}" if not again else \
            f"{who} not {names.value(issue, threshold)}"
    if isinstance(threshold, str):  # an ordered option: short of it, or beyond it
        side = "short of" if relation == "below" else "beyond"
    else:
        side = "under" if relation == "below" else "over"
    head = f"{who} none" if again else f"{who} will not accept {what}"
    return f"{head} {side} {names.value(issue, threshold)}"


def input_name(names: Names, key: str, fallback: str) -> str:
    """An input of the hinges analysis by name, from its path in the scenario
    (``tracks.4.no_deal.UKR.cost_per_month`` -> "Ukraine's no-deal cost per month on Ukraine's
    status"); an input outside the tracks by its label with ids replaced by names."""
    parts = key.split(".")
    if parts[0] != "tracks" or len(parts) < 4 or not parts[1].isdigit():
        return names.plain(fallback)
    track = names.scenario.tracks[int(parts[1])]
    where = f"'{track.title}'"
    if parts[2] == "issues" and len(parts) > 5 and parts[3].isdigit() and parts[4] == "positions":
        issue = track.issues[int(parts[3])]
        who, rest = names.possessive(parts[5]), parts[6:]
        if rest[:1] == ["red_lines"]:
            return f"{who} red line on {issue.label}"
        if rest[:1] == ["values"] and len(rest) > 1:
            return f"{who} value of {option_words(rest[1])} on {issue.label}"
        return f"{who} {' '.join(rest).replace('_', ' ')} on {issue.label}"
    if parts[2] == "no_deal":
        return f"{names.possessive(parts[3])} no-deal {' '.join(parts[4:]).replace('_', ' ')} on {where}"
    if parts[2] == "reservation_values":
        return f"{names.possessive(parts[3])} reservation value on {where}"
    return names.plain(fallback)
