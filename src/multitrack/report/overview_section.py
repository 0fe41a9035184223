"""Report section for the track overview."""

from __future__ import annotations

from markupsafe import escape

from ..overview import OverviewResult, TrackOverview
from ..scenario.issues import value_text
from ..scenario.model import Scenario
from .sections import section_renderer


def _fmt(v) -> str:
    return value_text(v)


def _values(values: tuple, limit: int = 8) -> str:
    shown = ", ".join(_fmt(v) for v in values[:limit])
    return shown + (f", … ({len(values)} in all)" if len(values) > limit else "")


def _track(t: TrackOverview, scenario: Scenario) -> str:
    names = {a.id: a.name for a in scenario.actors}
    rows = []
    with_sq = any(i.has_status_quo for i in t.issues)
    for i in t.issues:
        blockers = "; ".join(f"{names[a]} vs {names[b]}" for a, b in i.blocking_pairs)
        sq = f"<td>{escape(_fmt(i.status_quo))}</td>" if with_sq else ""
        rejected = ", ".join(names[a] for a in i.status_quo_rejected_by)
        rejected = f"<td>{escape(rejected)}</td>" if with_sq else ""
        rows.append(
            f"<tr><td>{escape(i.title)}</td><td>{escape(i.kind)}</td>{sq}"
            f"<td>{escape(_values(i.open_values)) or '<em>none</em>'}</td>"
            f"<td>{escape(blockers)}</td>{rejected}</tr>")
    sitting = ", ".join(f"<b>{escape(names[a])}</b>" if a in t.veto_players else escape(names[a])
                        for a in t.participants)
    forum = f" · forum: {escape(t.forum)}" if t.forum else ""
    return (
        f'<article class="track {t.verdict.slug}" id="track-{escape(t.track_id)}">'
        f'<h3>{escape(t.title)} <span class="badge {t.verdict.slug}" data-verdict="{escape(t.verdict.word)}">'
        f'{escape(t.verdict.word)}</span></h3>'
        f'<p class="meta">Participants (veto players in bold): {sitting}{forum}. '
        f'Decision rule: {escape(t.decision_rule)}.</p>'
        f'<p class="verdict"><b>{escape(t.verdict.word.capitalize())}</b>: {escape(t.verdict.reason)}.</p>'
        '<table class="data"><thead><tr><th>Issue</th><th>Kind</th>'
        + ('<th>Status quo</th>' if with_sq else '') +
        '<th>Values every veto player\'s red lines allow</th><th>Red lines that clash</th>' +
        ('<th>Status quo breaks a red line of</th>' if with_sq else '') + '</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></article>')


@section_renderer(OverviewResult)
def overview_section(result: OverviewResult, scenario: Scenario) -> str:
    """One card per track with its red-line room, issue by issue."""
    caption = ("<p class='caption'>For each track: its verdict with the reason (from the agreement space "
               "where that analysis ran, else from the red lines alone), who sits and who must consent, "
               "and, issue by issue, the values that break no veto player's red line. "
               f"{escape(verdict_words(scenario))}</p>")
    return caption + "".join(_track(t, scenario) for t in result.tracks)


def verdict_words(scenario: Scenario) -> str:
    """What each verdict means, in one sentence (status quo only where a track has a status quo)."""
    sq = ("status quo only: only outcomes worth no more than the status quo pass; "
          if any(t.has_status_quo for t in scenario.tracks) else "")
    return ("Can agree: some outcome passes the decision rule and gives a veto player more than no deal; "
            f"{sq}blocked: no outcome passes, or none that passes improves on no deal; not known: not "
            "analysed, deferred, or too large to tell.")
