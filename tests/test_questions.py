"""What the documents ask, and what the model says (issue 19, item 3): the seven questions the seed
documents raise, each answered from the run's results, with the figures traced to the results they
come from; a hand scenario whose answers to the first two are worked out below; a missing
upstream result answered "cannot be answered here".

The hand scenario: Pland (p) and Qland (q) on two tracks, nothing uncertain.

- "Troop ceiling": Troops in 0..20; Pland never above 4, Qland never below 6. No value satisfies
  both, so the track is blocked, each red line alone (two minimal sets of one); Pland moving its
  ceiling to 6, or Qland its floor to 4, opens a deal.
- "Talks format": observers or a joint panel are better than none for both: it agrees.
In parallel one track is agreed (the format); one package of both needs the troop ceiling too and
fails: parallel 1, package 0.
"""

from __future__ import annotations

import re

import pytest

import multitrack
from multitrack.analysis import available, run_all, run_settlement
from multitrack.brief import build_brief
from multitrack.brief.sections import MAX_WORDS, QUESTIONS
from multitrack.escalation.analysis import EscalationResult
from multitrack.process.result import ProcessResult
from multitrack.questions import CANNOT, QuestionsResult, answer_all, raises_them
from multitrack.questions import QUESTIONS as ASKED
from multitrack.report.html import render_html
from multitrack.report.markdown import render_markdown
from multitrack.scenario import load

SMALL = """\
version: 1
id: small
title: Two small tracks
sources:
  - {id: s, title: s, publisher: s, year: 2024}
actors:
  - {id: p, name: Pland, kind: state}
  - {id: q, name: Qland, kind: state}
tracks:
  - id: t
    title: Troop ceiling
    participants: [p, q]
    veto_players: [p, q]
    no_deal:
      p: {value: 0, source: s}
      q: {value: 0, source: s}
    issues:
      - id: x
        title: Troops
        kind: integer
        range: [0, 20]
        status_quo: 0
        positions:
          p: {salience: 1, monotone: decreasing, red_lines: [{above: 4}], source: s}
          q: {salience: 1, monotone: increasing, red_lines: [{below: 6}], source: s}
  - id: u
    title: Talks format
    participants: [p, q]
    veto_players: [p, q]
    issues:
      - id: y
        title: Format
        kind: categorical
        options: [none, observers, joint-panel]
        status_quo: none
        positions:
          p: {salience: 1, values: {none: 0, observers: 1, joint-panel: 0.5}, source: s}
          q: {salience: 1, values: {none: 0, observers: 0.6, joint-panel: 1}, source: s}
"""


#: The analyses the answers read (the others are left out to keep the run short).
READ = ["overview", "agreement", "process", "stability", "deterrence", "escalation", "hinges", "questions"]


@pytest.fixture(scope="module")
def european():
    scenario = load("european-security")
    results = run_all(scenario, only=READ, settlement=run_settlement(scenario, 200, 7, None))
    return scenario, results


@pytest.fixture(scope="module")
def small():
    scenario = multitrack.loads(SMALL)
    return scenario, run_all(scenario, only=["agreement", "process", "hinges"])


def test_the_analysis_is_registered_after_what_it_reads():
    spec = next(s for s in available() if s.name == "questions")
    assert {"process", "agreement", "deterrence", "escalation", "hinges"} <= set(spec.uses)


def test_every_question_is_raised_by_a_source_of_the_built_in_scenario():
    sources = {s.id for s in load("european-security").sources}
    for q in ASKED:
        assert q.raised_by and set(q.raised_by) <= sources, q.id


def test_all_seven_are_answered_on_the_built_in_scenario(european):
    _, results = european
    found = results["questions"]
    assert isinstance(found, QuestionsResult) and len(found.answers) == 7
    for a in found.answers:
        assert a.answered, a.answer
        assert a.answer and a.short and a.hinges_on and a.robustness and a.figures, a.id
        # each answer cites at least one of its figures, as a percentage or a number
        cited = [v for v in a.figures.values()
                 if f"{100 * v:.0f}%" in a.answer or f"{100 * v:.1f}%" in a.answer or f"{v:.2f}" in a.answer
                 or f"{v:.3g}" in a.answer]
        assert cited, a.id


def test_the_figures_are_the_upstream_results(european):
    _, results = european
    found = results["questions"]
    esc: EscalationResult = results["escalation"]
    cells = {c.scenario: c.mean for c in esc.cells
             if c.theatre == "combined" and c.horizon == max(esc.horizons) and c.rung == esc.rungs[-1]}
    war = found.answer("cbms-and-war").figures
    assert war["war_risk_none"] == cells["none"] and war["war_risk_agreed"] == cells["package"]
    assert f"{100 * cells['none']:.1f}%" in found.answer("cbms-and-war").answer
    process: ProcessResult = results["process"]
    design = found.answer("parallel-or-package").figures
    assert design["parallel_mean_agreed"] == process.design("parallel").mean_agreed.value
    assert design["package_mean_agreed"] == process.design("package").mean_agreed.value
    crisis = results["deterrence"].crisis("renewed-offensive")
    assert found.answer("guarantee").figures["deterred"] == crisis.deterred.value
    table = found.answer("us-russia-table").figures
    for comp in process.forums:
        bilateral = next((f for f in comp.forums if f.bilateral), None)
        if bilateral is not None and f"{comp.track}.bilateral" in table:
            assert table[f"{comp.track}.bilateral"] == bilateral.p_agree.value


def test_answers_use_names_not_ids(european):
    scenario, results = european
    prose = " ".join(a.answer + " " + a.short for a in results["questions"].answers)
    names = [a.name for a in scenario.actors] + [t.title for t in scenario.tracks] + \
        [i.label for _, i in scenario.issues()] + [s.title for s in scenario.sources] + \
        [f.title for c in results["process"].forums for f in c.forums] + \
        [c.title for c in results["deterrence"].crises] + [e.title or "" for e in scenario.cross_track]
    for name in sorted(names, key=len, reverse=True):
        prose = prose.replace(name, " ")
    for actor in scenario.actors:
        assert not re.search(rf"(?<![\w-]){re.escape(actor.id)}(?![\w-])", prose), actor.id


def test_china_pressure_says_why_it_never_fires(european):
    _, results = european
    a = results["questions"].answer("china-pressure")
    if a.figures["fires"] == 0:
        assert "0% of draws" in a.answer and "never" in a.answer


def test_the_report_places_the_questions_after_the_brief(european):
    scenario, results = european
    page = render_html(scenario, results)
    assert page.index('id="brief"') < page.index('id="analysis-questions"') < page.index('id="summary"')
    text, _ = render_markdown(scenario, results)
    assert text.index("## What the documents ask, and what the model says") < text.index("## Summary") \
        if "## Summary" in text else "What the documents ask, and what the model says" in text
    assert text.count("What the documents ask, and what the model says") == 1


def test_the_brief_keeps_its_page_budget_with_the_questions(european):
    scenario, results = european
    brief = build_brief(scenario, results)
    section = brief.section(QUESTIONS)
    assert section.lines and brief.n_words <= MAX_WORDS
    assert len(section.lines) + section.more == 7


def test_hand_scenario_parallel_beats_the_package(small):
    scenario, results = small
    a = answer_all(scenario, results)[0]
    assert a.id == "parallel-or-package" and a.answered
    assert a.figures["parallel_mean_agreed"] == 1.0 and a.figures["package_mean_agreed"] == 0.0
    assert a.answer.startswith("Parallel tracks beat one grand bargain: 1.00 tracks agreed on average "
                               "against 0.00")


def test_hand_scenario_names_the_binding_red_lines(small):
    scenario, results = small
    a = next(x for x in answer_all(scenario, results) if x.id == "binding-red-line")
    assert a.answered and a.figures == {"t.minimal_sets": 2.0}
    assert "Troop ceiling: Pland will not accept above 4 on Troops" in a.answer
    assert "Qland will not accept below 6" in a.answer or "Qland" in a.answer
    assert "Pland moving its line on Troops to 6" in a.answer
    assert "Qland moving its line on Troops to 4" in a.answer
    assert "Talks format" not in a.answer  # it agrees


def test_hand_scenario_questions_about_missing_parts_cannot_be_answered(small):
    scenario, results = small
    by_id = {a.id: a for a in answer_all(scenario, results)}
    assert not by_id["moratorium"].answered and CANNOT in by_id["moratorium"].answer
    assert not by_id["china-pressure"].answered and CANNOT in by_id["china-pressure"].answer
    # the brief shows no question the scenario's own documents do not raise
    assert all(s.heading != QUESTIONS for s in build_brief(scenario, results).sections)


def test_a_missing_upstream_result_cannot_be_answered_but_does_not_crash(small):
    scenario, _ = small
    answers = answer_all(scenario, {})
    assert len(answers) == 7
    for a in answers:
        assert not a.answered and CANNOT in a.answer and not a.figures
    assert "process" in answers[0].answer


def test_the_analysis_applies_only_where_the_documents_are_cited(small):
    scenario, _ = small
    assert not raises_them(scenario) and raises_them(load("european-security"))


def test_to_dict_is_plain_data(small):
    scenario, results = small
    d = QuestionsResult(answer_all(scenario, results)).to_dict()
    assert [a["id"] for a in d["answers"]] == [q.id for q in ASKED]


def test_the_smallest_deterring_force_is_read_back_in_the_tracks_units():
    """The deterrence model counts brigades; the guarantees track negotiates thousands of troops,
    mapped 0 -> 0 and 50 -> 12.5 (central). 7.2 brigades is 7.2 * 50 / 12.5 = 28.8 thousand troops."""
    import multitrack
    from multitrack.questions.answers import _on_track

    scenario = multitrack.load("european-security")
    words = _on_track(scenario, "renewed-offensive", "european-force", "tripwire", 7.2)
    assert "about 28.8 thousand troops" in words
    umbrella = _on_track(scenario, "renewed-offensive", "french-deterrent", "umbrella", 0.2)
    assert umbrella == " in the model's units"
