"""The consistency check (issue 16, item 3): each warning triggered by a minimal scenario (or a
minimal set of per-draw results), and absent when the inputs agree."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import multitrack
from multitrack.consistency.checks import deterrence_warnings, measure_warnings
from multitrack.errors import ScenarioError
from multitrack.montecarlo.perdraw import PerDraw

HEAD = """\
version: 1
id: small
title: Small case
actors:
  - {id: r, name: R, kind: state, capability: 1}
  - {id: u, name: U, kind: state, capability: 1}
  - {id: w, name: W, kind: state, capability: 3}
"""

# Forecast: w (capability 3) and u want 0, r (capability 1) wants 30 and will not go below
# {floor}. Mean forecast (3*0 + 1*0 + 1*30) / 5 = 6; median 0.
MORATORIUM = """\
tracks:
  - id: status
    title: Status
    participants: [r, u, w]
    issues:
      - id: moratorium
        kind: integer
        range: [0, 30]
        unit: years
        status_quo: 0
        positions:
          r: {{salience: 1, monotone: increasing, red_lines: [{{below: {floor}}}]}}
          u: {{salience: 1, ideal: 0}}
          w: {{salience: 1, ideal: 0}}
"""


def forecast_run(floor: float):
    s = multitrack.loads(HEAD + MORATORIUM.format(floor=floor))
    return multitrack.analyze(s, only=["forecast", "consistency"], draws=20, seed=1)


def test_a_forecast_beyond_a_veto_players_floor_is_marked_and_warned():
    r = forecast_run(15)
    issue = r["forecast"].issue("moratorium")
    mean = issue.breaches("mean")[0]
    assert (mean.actor, mean.relation, mean.threshold) == ("r", "below", 15)
    assert (mean.forecast, mean.share) == (6, 1.0)
    assert {b.model for b in issue.beyond_red_lines} == {"mean", "median", "challenge", "condorcet"}
    (w,) = r["consistency"].warnings
    assert (w.kind, w.actor, w.track, w.issue) == ("forecast-beyond-red-line", "r", "status", "moratorium")
    assert "mean 6" in w.sentence and "floor of 15 years" in w.sentence


def test_no_warning_when_the_forecasts_respect_the_red_lines():
    r = forecast_run(0)  # a floor at 0 forbids nothing
    assert r["forecast"].issue("moratorium").beyond_red_lines == ()
    assert r["consistency"].warnings == ()


# Two tracks model one dispute: r accepts a pause on the first and rules it out on the second.
DISPUTE = """\
tracks:
  - id: first
    title: First
    participants: [r, w]
    issues:
      - id: door
        kind: ordinal
        options: [promise, open-no-timetable, closed]
        status_quo: promise
        dispute: {{id: enlargement, levels: {{open: promise, pause: open-no-timetable, ban: closed}}{va}}}
        positions:
          r: {{salience: 1, values: {{promise: 0, open-no-timetable: 0.5, closed: 1}}, red_lines: [promise]}}
          w: {{salience: 1, values: {{promise: 1, open-no-timetable: 0.5, closed: 0}}, red_lines: [closed]}}
  - id: second
    title: Second
    participants: [r, w]
    issues:
      - id: enlarge
        kind: ordinal
        options: [open-door, de-facto-pause, formal-ban]
        status_quo: open-door
        dispute: {{id: enlargement, levels: {{open: open-door, pause: de-facto-pause, ban: formal-ban}}{vb}}}
        positions:
          r: {{salience: 1, values: {{open-door: 0, de-facto-pause: 0.4, formal-ban: 1}},
              red_lines: [{r_line}]}}
          w: {{salience: 1, values: {{open-door: 1, de-facto-pause: 0.5, formal-ban: 0}},
              red_lines: [formal-ban]}}
"""


def dispute_run(r_line: str, va: str = "", vb: str = ""):
    s = multitrack.loads(HEAD + DISPUTE.format(r_line=r_line, va=va, vb=vb))
    return multitrack.analyze(s, only=["consistency"])["consistency"]


def test_contradictory_red_lines_on_one_dispute_across_tracks():
    c = dispute_run("{below: formal-ban}")
    (w,) = c.warnings
    assert (w.kind, w.actor) == ("contradictory-red-lines", "r")
    assert (w.track, w.issue) == ("first,second", "door,enlarge")
    assert "pause is accepted on first/door (open-no-timetable) but ruled out on second/enlarge" in w.sentence
    assert c.variants == ()


def test_the_same_red_lines_on_both_tracks_raise_nothing():
    assert dispute_run("open-door").warnings == ()  # r rules out only the open door on both


def test_declared_variants_are_reported_not_warned():
    c = dispute_run("{below: formal-ban}", va=", variant: 2022 proposals", vb=", variant: 2021 demands")
    assert c.warnings == ()
    (v,) = c.variants
    assert v.kind == "declared-variant"
    assert "'2022 proposals'" in v.sentence and "'2021 demands'" in v.sentence


def test_a_dispute_level_must_name_an_option_of_its_issue():
    text = HEAD + DISPUTE.format(r_line="open-door", va="", vb="")
    text = text.replace("pause: de-facto-pause", "pause: pause")
    with pytest.raises(ScenarioError, match="'pause' is not an option of the issue"):
        multitrack.loads(text)


# Deterrence: an unlinked tripwire force whose guarantor negotiates on a track.
CRISIS = """\
deterrence:
  - id: c
    title: Will r attack u?
    challenger: r
    target: u
    challenger_value: 4
    guarantees:
      - id: force
        title: W's force in U
        guarantor: w
        kind: tripwire
        terms: {{credibility: 0.3, cost_resolute: 1, cost_irresolute: 6, stake: 2, tripwire: {k},
                tripwire_cost: 0.5, war_cost: 10}}
"""


@pytest.mark.parametrize("k, warned", [(8, True), (0, False)])
def test_a_tripwire_no_agreement_places(k, warned):
    s = multitrack.loads(HEAD + MORATORIUM.format(floor=0) + CRISIS.format(k=k))
    c = multitrack.analyze(s, only=["deterrence", "consistency"], draws=20, seed=1)["consistency"]
    kinds = [w.kind for w in c.warnings]
    assert kinds == (["deterrence-without-agreement"] if warned else [])
    if warned:
        assert "force's tripwire of 8 in every draw" in c.warnings[0].sentence


def test_linked_deterrence_must_use_the_no_deal_terms_where_the_track_fails():
    # 4 draws; the track agrees in draws 0 and 1. No-deal deterrence: never. Under parallel the
    # result deters in draws 0, 1 (agreed: fine) and 2 (failed: wrong) -> one draw, 25%.
    crisis = SimpleNamespace(id="c", track="g", guarantees=())
    scenario = SimpleNamespace(deterrence=[crisis])
    arrays = {"c/no-deal/deterred": np.array([0, 0, 0, 0], bool),
              "c/design/parallel/agreed": np.array([1, 1, 0, 0], bool),
              "c/design/parallel/deterred": np.array([1, 1, 1, 0], bool)}
    bad = SimpleNamespace(per_draw=PerDraw.of(arrays, 4, 0))
    (w,) = deterrence_warnings(scenario, bad)  # type: ignore[arg-type]
    assert w.kind == "deterrence-without-agreement" and w.share == 0.25 and "in 1 draws (25%)" in w.sentence
    arrays["c/design/parallel/deterred"] = np.array([1, 1, 0, 0], bool)
    assert deterrence_warnings(scenario, SimpleNamespace(per_draw=PerDraw.of(arrays, 4, 0))) == ()  # type: ignore[arg-type]


def _escalation_inputs(strength: np.ndarray | None):
    measure = SimpleNamespace(id="m", track="cbm", issue="notice")
    scenario = SimpleNamespace(escalation=SimpleNamespace(measures=[measure]))
    process = SimpleNamespace(tracks=("other", "cbm"), per_draw=PerDraw.of(
        {"parallel.agreed": np.array([[1, 1], [1, 0], [0, 1], [1, 0]], bool)}, 4, 0))
    held = {} if strength is None else {"strength.parallel": strength}
    escalation = SimpleNamespace(per_draw=PerDraw.of(held, 4, 0) if held else None)
    return scenario, escalation, process


def test_a_measure_counted_in_every_draw_though_its_track_fails_in_half():
    (w,) = measure_warnings(*_escalation_inputs(None))  # type: ignore[arg-type]
    assert (w.kind, w.track, w.issue, w.share) == ("measure-without-agreement", "cbm", "notice", 0.5)


def test_a_measure_in_force_only_where_its_track_agrees_raises_nothing():
    ok = np.array([[1.0], [0.0], [0.4], [0.0]])
    assert measure_warnings(*_escalation_inputs(ok)) == ()  # type: ignore[arg-type]
    wrong = np.array([[1.0], [0.3], [0.4], [0.0]])  # in force in draw 1, where cbm failed
    (w,) = measure_warnings(*_escalation_inputs(wrong))  # type: ignore[arg-type]
    assert w.share == 0.25


def test_every_renderer_shows_the_check_and_the_link_sentences():
    import io

    from rich.console import Console

    from multitrack.cli import terminal
    from multitrack.report.html import render_html
    from multitrack.report.markdown import render_markdown
    from multitrack.results import results_document

    # a grouping beside its members gives a membership link; r's floor gives a warning
    text = HEAD.replace("capability: 3}", "capability: 3}\n  - {id: g, name: G, kind: organisation, "
                        "members: [u, w], capability: 4}")
    text += MORATORIUM.format(floor=15).replace("[r, u, w]", "[r, u, w, g]") + \
        "          g: {salience: 1, ideal: 30}\n"
    s = multitrack.loads(text)
    r = multitrack.analyze(s, only=["forecast", "consistency"], draws=20, seed=1)
    link = "Membership counts capability once on moratorium: g weighs 0 instead of 4 (less u, w)"
    warning = "lie beyond veto player r's floor of 15 years"
    md = render_markdown(s, r)[0]
    html = render_html(s, r)
    console = Console(width=300, file=io.StringIO())
    terminal.show_result(console, "consistency", r["consistency"], s)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    for out in (md, html.replace("&#39;", "'"), shown):
        assert link in out and warning in out and "1 contradiction found" in out.lower()
    data = results_document(s, r)["analyses"]["consistency"]
    assert data["warnings"][0]["kind"] == "forecast-beyond-red-line"
    assert data["link_effects"][0]["sentence"].startswith(link)


CONDITIONAL = """\
tracks:
  - id: status
    title: Status
    participants: [r, u, w]
    issues:
      - id: moratorium
        kind: integer
        range: [0, 30]
        status_quo: 0
        positions:
          r: {{salience: 1, monotone: increasing,
              red_lines: [{{below: 15, when: {{issue: door, in: [open]}}}}]}}
          u: {{salience: 1, ideal: 0}}
          w: {{salience: 1, ideal: 0}}
      - id: door
        kind: categorical
        options: [open, closed]
        status_quo: open
        positions:
          u: {{salience: 1, values: {{open: 1, closed: 0}}{u_line}}}
"""


@pytest.mark.parametrize("u_line, flagged", [(", red_lines: [closed]", True), ("", False)])
def test_a_conditional_floor_counts_when_no_agreement_escapes_its_condition(u_line, flagged):
    # r's floor of 15 binds while the door stays open; if veto player u rules out closing it,
    # every agreement keeps the door open, so the mean forecast 6 lies beyond the floor
    s = multitrack.loads(HEAD + CONDITIONAL.format(u_line=u_line))
    r = multitrack.analyze(s, only=["forecast", "consistency"], draws=20, seed=1)
    assert bool(r["forecast"].issue("moratorium").breaches("mean")) == flagged
    assert [w.kind for w in r["consistency"].warnings] == (["forecast-beyond-red-line"] if flagged else [])
