"""Guarantees that take their terms from a track's outcome (issue 16, items 1a and 4): hand-worked
cases where the tripwire deters only in the draws where the track agrees on it, the alliance
clause that depends on whether allied troops are present, the no-deal terms, the validation of
the link, and the frontier of deterrence and acceptability against brute force."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

import multitrack
from multitrack.deterrence.analysis import crisis_game, deterrence_analysis, link_effects
from multitrack.deterrence.links import crisis_link, pareto
from multitrack.deterrence.solve import solve
from multitrack.errors import ScenarioError
from multitrack.montecarlo.perdraw import PerDraw
from multitrack.settlement.model import Settlement
from multitrack.settlement.preferences import track_preferences

# The tripwire, worked by hand (docs/deterrence.md): guarantor G is irresolute for sure
# (credibility 0) with fighting cost 6, stake 2, no audience cost, tau = 0.5 per unit of tripwire.
# It responds iff 6 <= 2 + 0.5 k, i.e. k >= 8 units. Its war cost 10 beats the prize 4, so the
# challenger is deterred exactly where k >= 8. The track agrees on thousands of troops, mapped
# linearly 0..20 thousand -> 0..10 units: 16 thousand troops give k = 8 (deters), 10 give 5 (no).
# The track's status quo is 0 troops, so no deal gives k = 0 (attack).
#
# The clause of guarantor H (second crisis) is credible (credibility 1, resolute at cost 0 < stake
# 2) only where allied troops are present (troops above 0), and not credible (0) otherwise;
# present, it responds for sure and its war cost 10 deters the prize 4.
TEXT = """\
version: 1
id: linked-deterrence
title: A tripwire the track must agree
sources:
  - {id: s, title: x, publisher: y, year: 2026}
actors:
  - {id: A, name: Aland, kind: state, capability: 1}
  - {id: B, name: Bland, kind: state, capability: 1}
  - {id: G, name: Guardia, kind: state, capability: 1}
tracks:
  - id: guarantees
    title: Guarantees
    participants: [A, B]
    issues:
      - id: troops
        title: Troops stationed
        kind: integer
        range: [0, 20]
        unit: thousand troops
        status_quo: 0
        positions:
          A: {salience: 1, ideal: 10, red_lines: [{above: ABOVE}], source: s}
          B: {salience: 1, monotone: increasing, red_lines: [{below: 6}], source: s}
      - id: clause
        title: Clause
        kind: ordinal
        options: [excluded, ambiguous]
        status_quo: excluded
        positions:
          B: {salience: 0.2, ideal: ambiguous, source: s}
deterrence:
  - id: offensive
    title: A renewed offensive
    challenger: A
    target: B
    track: guarantees
    challenger_value: 4
    guarantees:
      - id: force
        title: A force as a tripwire
        guarantor: G
        kind: tripwire
        terms: {credibility: 0, cost_resolute: 0, cost_irresolute: 6, stake: 2, tripwire: 3,
                tripwire_cost: 0.5, war_cost: 10}
        from_track:
          terms:
            tripwire: {issue: troops, linear: {from: [0, 20], to: [0, 10]}}
          source: s
  - id: clause-only
    title: The clause alone
    challenger: A
    target: B
    track: guarantees
    challenger_value: 4
    guarantees:
      - id: clause
        title: The alliance clause
        guarantor: G
        kind: clause
        terms: {credibility: 0.5, cost_resolute: 0, cost_irresolute: 6, stake: 2, war_cost: 10}
        from_track:
          presence: {issue: troops, above: 0}
          terms:
            credibility: {when_present: 1, otherwise: 0}
"""

DRAWS = 6
AGREED = np.array([True, True, False, True, False, True])
TROOPS = np.array([16.0, 20.0, np.nan, 10.0, np.nan, 18.0])


def scenario(above: str = "16", text: str = TEXT):
    return multitrack.loads(text.replace("ABOVE", above))


def fake_process(designs: dict[str, tuple[np.ndarray, np.ndarray]], seed: int = 7):
    """A process result as the process analysis leaves it: per design, the tracks agreed (D, T),
    each track's chosen value index per issue (D, I; -1 where not agreed) and each numeric
    issue's agreed value (NaN where not agreed)."""
    arrays = {}
    for name, (agreed, troops) in designs.items():
        choice = np.where(agreed, np.nan_to_num(troops), -1).astype(np.int64)
        arrays[f"{name}.agreed"] = agreed[:, None]
        arrays[f"{name}.choice.guarantees"] = np.column_stack([choice, np.where(agreed, 0, -1)])
        arrays[f"{name}.value.guarantees.troops"] = np.where(agreed, troops, np.nan)
    return SimpleNamespace(tracks=("guarantees",), per_draw=PerDraw.of(arrays, DRAWS, seed))


def analyse(s, process=None, draws: int = DRAWS, seed: int = 7):
    settlement = Settlement.from_scenario(s, draws=draws, seed=seed)
    upstream = {} if process is None else {"process": process}
    return deterrence_analysis(s, settlement=settlement, upstream=upstream)


def test_the_tripwire_deters_only_in_draws_where_the_track_agrees_on_it():
    none = (np.zeros(DRAWS, bool), np.full(DRAWS, np.nan))
    result = analyse(scenario(), fake_process({"parallel": (AGREED, TROOPS), "package": none}))
    deterred = result.per_draw["offensive/deterred"]
    # draws: 16 -> k 8 deters; 20 -> 10 deters; no deal -> 0; 10 -> 5 does not; no deal; 18 -> 9 deters
    assert deterred.tolist() == [True, True, False, False, False, True]
    assert result.per_draw["offensive/design/package/deterred"].tolist() == [False] * DRAWS
    crisis = result.crisis("offensive")
    link = crisis.link
    assert link is not None and link.source == "process" and link.headline_design == "parallel"
    assert crisis.deterred.value == pytest.approx(3 / 6)
    assert link.design("parallel").agreed == pytest.approx(4 / 6)
    assert link.design("parallel").deterred_with_deal == pytest.approx(3 / 4)
    assert link.design("package").deterred.value == 0
    assert link.no_deal.value == 0          # status quo: no troops, k = 0
    assert link.fixed_terms.value == 0      # the stated tripwire of 3 units would not deter either


def test_the_clause_deters_where_allied_troops_are_present_and_not_otherwise():
    result = analyse(scenario(), fake_process({"parallel": (AGREED, TROOPS)}))
    assert result.per_draw["clause-only/deterred"].tolist() == AGREED.tolist()
    link = result.crisis("clause-only").link
    assert link.no_deal.value == 0
    # the stated credibility 0.5: P = 0.5, expected cost 5 >= 4, so the fixed terms deter everywhere
    assert link.fixed_terms.value == 1


def test_no_deal_terms_stated_in_the_file_replace_the_status_quo():
    text = TEXT.replace("            tripwire: {issue: troops, linear: {from: [0, 20], to: [0, 10]}}\n",
                        "            tripwire: {issue: troops, linear: {from: [0, 20], to: [0, 10]}}\n"
                        "          no_deal: {tripwire: 9}\n")
    result = analyse(scenario(text=text), fake_process({"parallel": (AGREED, TROOPS)}))
    assert result.per_draw["offensive/deterred"].tolist() == [True, True, True, False, True, True]
    assert result.crisis("offensive").link.no_deal.value == 1


def test_without_the_process_analysis_the_central_compromise_is_used_and_said():
    result = analyse(scenario())
    link = result.crisis("offensive").link
    assert link.source == "central compromise"
    assert any("process analysis did not run" in n for n in result.notes)
    # A (ideal 10, red line above 16) and B (more is better, red line below 6) both veto; the
    # egalitarian compromise lies inside [6, 16] and is the same in every draw
    assert link.design("central compromise").agreed == 1


def test_a_link_effect_sentence_per_linked_guarantee():
    result = analyse(scenario(), fake_process({"parallel": (AGREED, TROOPS)}))
    effects = {e.target: e for e in result.links}
    force = effects["crisis:offensive/guarantee:force"]
    assert force.kind == "deterrence-terms" and force.source == "track:guarantees"
    assert force.before == 0 and force.after == pytest.approx(0.5)
    assert "sets the tripwire" in force.sentence and "50% of draws under parallel talks" in force.sentence
    assert "no deal: 0%" in force.sentence
    assert link_effects(result.crisis("clause-only"))[0].after == pytest.approx(4 / 6)


# --------------------------------------------------------------------------- the frontier


def test_frontier_on_a_tiny_track_worked_by_hand():
    # Deters iff troops >= 16 thousand; passes iff 6 <= troops <= 16 (B's and A's red lines; A
    # prefers 16 to the status quo 0 as it is nearer its ideal 10). Only 16 does both, always.
    result = analyse(scenario("16"))
    link = result.crisis("offensive").link
    assert link.candidates == 21 * 1  # the troops issue; the clause is not linked
    assert [p.outcome for p in link.frontier] == [{"troops": 16}]
    best = link.frontier[0]
    assert (best.deterred, best.acceptable, best.both.value) == (1, 1, 1)


def test_frontier_matches_brute_force_over_outcomes_and_draws():
    s = scenario("{dist: uniform, low: 12, high: 19}")
    draws, seed = 300, 11
    result = analyse(s, draws=draws, seed=seed)
    link = result.crisis("offensive").link
    # brute force: every outcome, every draw, one at a time
    settlement = Settlement.from_scenario(s, draws=draws, seed=seed)
    values = settlement.run.values()
    prefs = track_preferences(s, s.tracks[0], values)
    game = crisis_game(s.deterrence[0])
    rest = link.rest["clause"]
    clause_index = ["excluded", "ambiguous"].index(rest)
    shares = []
    for troops in range(21):
        ok = prefs.passes(np.array([[troops, clause_index]]))[:, 0]
        det = np.array([bool(solve(game, {"force.tripwire": troops / 2}).deterred) for _ in range(draws)])
        shares.append((det.mean(), ok.mean(), (det & ok).mean()))
    shares_arr = np.array(shares)
    frontier = [j for j in range(21) if not any(
        np.all(shares_arr[i, :2] >= shares_arr[j, :2]) and np.any(shares_arr[i, :2] > shares_arr[j, :2])
        for i in range(21))]
    distinct = {}
    for j in frontier:
        distinct.setdefault(tuple(shares_arr[j, :2]), j)
    assert sorted(p.outcome["troops"] for p in link.frontier) == sorted(distinct.values())
    for p in link.frontier:
        j = p.outcome["troops"]
        assert (p.deterred, p.acceptable) == pytest.approx(tuple(shares_arr[j, :2]))
        assert p.both.value == pytest.approx(shares_arr[j, 2])
    # the red line moves between 12 and 19: 16 deters and passes where A allows 16
    assert 0 < link.frontier[0].both.value < 1


def test_pareto_keeps_undominated_points_best_first():
    pts = np.array([[1.0, 0.0], [0.5, 0.5], [0.4, 0.4], [0.0, 1.0], [0.5, 0.5]])
    assert pareto(pts).tolist() == [0, 1, 3]  # equal sums: more deterrence first


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("old, new, message", [
    ("{issue: troops, linear", "{issue: soldiers, linear",
     "'soldiers' is not an issue of track 'guarantees'"),
    ("    track: guarantees\n    challenger_value: 4\n    guarantees:\n      - id: force",
     "    challenger_value: 4\n    guarantees:\n      - id: force", "from_track needs the crisis's track"),
    ("presence: {issue: troops, above: 0}", "presence: {issue: clause, values: [explicit]}",
     "'explicit' is not an option of issue 'clause'"),
    ("tripwire: {issue: troops, linear: {from: [0, 20], to: [0, 10]}}",
     "tripwire: {issue: clause, map: {excluded: 0, ambiguous: 2, explicit: 4}}",
     "'explicit' is not an option of issue 'clause'"),
    ("tripwire: {issue: troops, linear: {from: [0, 20], to: [0, 10]}}",
     "tripwire: {issue: clause, map: {excluded: 0}}", "map misses options of issue 'clause': ambiguous"),
    ("tripwire: {issue: troops, linear: {from: [0, 20], to: [0, 10]}}",
     "tripwire: {issue: troops, map: {'0': 1}}", "is numeric: map a numeric issue with linear"),
    ("credibility: {when_present: 1, otherwise: 0}", "credibility: {when_present: 1.5, otherwise: 0}",
     "credibility"),
    ("credibility: {when_present: 1, otherwise: 0}", "resolve: {when_present: 1, otherwise: 0}",
     "unknown term 'resolve'"),
    ("    track: guarantees\n    challenger_value: 4\n    guarantees:\n      - id: clause",
     "    track: talks\n    challenger_value: 4\n    guarantees:\n      - id: clause",
     "'talks' is not a track of the scenario"),
])
def test_a_bad_link_gets_one_line_naming_the_field(old, new, message):
    assert TEXT.count(old) == 1
    with pytest.raises(ScenarioError) as err:
        scenario(text=TEXT.replace(old, new))
    text = str(err.value)
    assert message in text
    assert len(text.strip().splitlines()) == 1
    assert re.match(r"<input>:\d+:\d+: deterrence\[\d\]", text)  # file, line, column, field


def test_the_link_reads_the_issues_it_names():
    link = crisis_link(scenario(), scenario().deterrence[0])
    assert link is not None and link.issue_ids == ("troops",) and link.keys() == ("force.tripwire",)


# --------------------------------------------------------------------------- the built-in scenario


def test_european_security_ties_the_renewed_offensive_to_the_guarantees_track():
    s = multitrack.load("european-security")
    crisis = next(c for c in s.deterrence if c.id == "renewed-offensive")
    assert crisis.track == "guarantees"
    link = crisis_link(s, crisis)
    assert link is not None
    assert set(link.keys()) >= {"european-force.tripwire", "defence-clause.ambiguity"}
    assert link.issue_ids == ("tripwire-force",)


def test_report_words_say_under_which_design_and_what_the_fixed_terms_would_give():
    from multitrack.report.deterrence_section import crisis_sentence, frontier_rows, link_sentences

    none = (np.zeros(DRAWS, bool), np.full(DRAWS, np.nan))
    s = scenario()
    result = analyse(s, fake_process({"parallel": (AGREED, TROOPS), "package": none}))
    crisis = result.crisis("offensive")
    names = {a.id: a.name for a in s.actors}
    sentence = crisis_sentence(crisis, names)
    assert sentence.startswith("Deterrence of Aland against Bland holds in 50% of draws")
    assert "under parallel talks, with the terms the guarantees track agrees in each draw" in \
        crisis_sentence(crisis, names)
    words = " ".join(link_sentences(crisis))
    assert "By design: parallel 50% (the track agrees in 67% of draws); package 0%" in words
    assert "it would hold in 0%; that figure is not the result" in words
    assert "highest at troops 16: 100%" in words
    assert frontier_rows(crisis)[0]["Outcome"] == "troops 16"
