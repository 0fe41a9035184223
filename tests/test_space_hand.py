"""The agreement-space engine on small cases worked out by hand."""

import math

import pytest

import multitrack
from multitrack.space import AgreementConfig, analyze_track, build_track_space, count_space

# p and q split issue A (their values sum to 2) and pull issue B (0..4) in opposite directions,
# so U_p + U_q = 3 everywhere. Reservation values 1 and 1 leave U_p in [1, 2]:
#   a_p = 0: b = 4; a_p = 1: b = 0..4; a_p = 2: b = 0  -> 7 acceptable outcomes,
#   distinct U_p: 1, 1.25, 1.5, 1.75, 2 -> 5 frontier points.
# Normalised over [0, 3]: u = U / 3, disagreement d = (1/3, 1/3).
#   Nash: u_p = 1/2 -> U_p = 1.5 -> (y, 2).
#   Weighted Nash with power 2:1 maximises (2/3) ln(x - 1/3) + (1/3) ln(2/3 - x): among the
#   frontier x = 7/12 beats 1/2 (-1.7525 > -1.7918) -> U_p = 1.75 -> (y, 3).
SPLIT = """
id: split
title: split
actors:
  - {id: p, name: P, kind: state, capability: 2}
  - {id: q, name: Q, kind: state, capability: 1}
tracks:
  - id: t
    title: T
    participants: [p, q]
    reservation_values: {p: 1, q: 1}
    issues:
      - id: a
        kind: categorical
        options: [x, y, z]
        status_quo: x
        positions:
          p: {salience: 1, values: {x: 0, y: 1, z: 2}}
          q: {salience: 1, values: {x: 2, y: 1, z: 0}}
      - id: b
        kind: integer
        range: [0, 4]
        status_quo: 0
        positions:
          p: {salience: 1, monotone: increasing}
          q: {salience: 1, monotone: decreasing}
"""


@pytest.fixture
def split():
    s = multitrack.loads(SPLIT)
    return analyze_track(s, s.tracks[0])


def test_counts_and_frontier(split):
    assert split.n_outcomes == 15
    assert split.n_agreeable == 7
    assert split.can_agree and split.improves_on_status_quo
    assert sorted(round(u[0] * 3, 9) for u in split.frontier) == [1, 1.25, 1.5, 1.75, 2]
    assert split.reservation == pytest.approx({"p": 1 / 3, "q": 1 / 3})


@pytest.mark.parametrize("concept, outcome", [
    ("nash", {"a": "y", "b": 2.0}),
    ("kalai_smorodinsky", {"a": "y", "b": 2.0}),
    ("egalitarian", {"a": "y", "b": 2.0}),
    ("weighted_nash", {"a": "y", "b": 3.0}),
])
def test_solutions(split, concept, outcome):
    assert split.solution(concept).outcome == outcome


def test_utilitarian_breaks_the_tie_by_the_worst_gain(split):
    # every outcome sums to 3, so the tie goes to the largest minimum gain: the Nash point
    assert split.solution("utilitarian").outcome == {"a": "y", "b": 2.0}


def test_indivisible_security(split):
    # q has 3 at the status quo (x, 0) and at most 2 in any acceptable outcome
    nash = split.solution("nash")
    assert nash.below_status_quo == ("q",) and not nash.indivisible
    assert nash.gain["q"] == pytest.approx(1.5 / 3 - 1)
    assert split.n_indivisible == 0
    assert all(s.concept != "nash_indivisible" for s in split.solutions)


BLOCKED = """
id: blocked
title: blocked
actors:
  - {id: p, name: P, kind: state}
  - {id: q, name: Q, kind: state}
tracks:
  - id: t
    title: T
    participants: [p, q]
    reservation_values: {p: 0, q: 0}
    issues:
      - id: years
        kind: integer
        range: [0, 10]
        status_quo: 5
        unit: years
        positions:
          p: {salience: 1, monotone: increasing, red_lines: [{below: 6}]}
          q: {salience: 1, monotone: decreasing, red_lines: [{above: 4}]}
"""


def test_red_lines_that_cannot_both_hold():
    s = multitrack.loads(BLOCKED)
    t = analyze_track(s, s.tracks[0])
    assert not t.can_agree and t.n_agreeable == 0
    sets = {tuple((c.actor, c.kind) for c in st) for st in t.diagnosis.minimal_sets}
    assert sets == {(("p", "red_line"),), (("q", "red_line"),)}
    moves = {r.constraint.actor: r for r in t.diagnosis.relaxations if r.constraint.kind == "red_line"}
    assert moves["p"].opens and moves["p"].new_threshold == 4.0 and moves["p"].move == 2.0
    assert moves["q"].opens and moves["q"].new_threshold == 6.0 and moves["q"].opens_outcomes == 1
    assert t.diagnosis.complete


def test_reservation_values_that_cannot_both_hold():
    text = BLOCKED.replace("reservation_values: {p: 0, q: 0}", "reservation_values: {p: 0.8, q: 0.5}")
    text = text.replace(", red_lines: [{below: 6}]", "").replace(", red_lines: [{above: 4}]", "")
    s = multitrack.loads(text)
    t = analyze_track(s, s.tracks[0])
    assert not t.can_agree
    cuts = {r.constraint.actor: r for r in t.diagnosis.relaxations}
    # p needs x >= 8, q needs x <= 5: while q is satisfied p could get 0.5, but only at x = 5, the
    # status quo itself, which is no deal; the best deal for p is x = 4 (q gains 0.1 over the status
    # quo), so p must give up 0.4. q can get at most 0.2 (x = 8): it gives up 0.3.
    assert cuts["p"].reduction == pytest.approx(0.4) and cuts["q"].reduction == pytest.approx(0.3)
    assert cuts["p"].opens_outcomes == 1  # x = 4 once p accepts 0.4
    [x4] = cuts["p"].opened
    assert x4.outcome == {"years": 4.0} and x4.gain == pytest.approx({"p": -0.1, "q": 0.1})
    assert x4.gainers == ("q",) and x4.losers == ("p",)


THREE = """
id: three
title: three
actors:
  - {id: a, name: A, kind: state}
  - {id: b, name: B, kind: state}
  - {id: c, name: C, kind: state}
tracks:
  - id: t
    title: T
    participants: [a, b, c]
    reservation_values: {c: 0}
    decision_rule: RULE
    issues:
      - id: v
        kind: integer
        range: [0, 3]
        status_quo: 0
        positions:
          a: {salience: 1, monotone: increasing, red_lines: [{below: 1}]}
          b: {salience: 1, monotone: increasing, red_lines: [{below: 2}]}
          c: {salience: 1, monotone: decreasing, red_lines: [{above: 1}]}
"""


@pytest.mark.parametrize("rule, vetoes, agreeable", [
    # red lines: a accepts 1-3, b 2-3, c 0-1 (reservation values are all at the bottom)
    ("{kind: unanimity}", "", 0),
    ("{kind: qualified, min_participants: 2}", "", 3),                # 1 (a, c), 2 and 3 (a, b)
    ("{kind: qualified, min_participants: 2}", "veto_players: [c]", 1),  # c must accept: 0 or 1; 1 has a too
    ("{kind: weighted, weights: {a: 1, b: 1, c: 3}, threshold: 3}", "", 2),  # c alone: 0, 1
    ("{kind: weighted, weights: {a: 1, b: 1, c: 1}, threshold: 2}", "veto_players: [b]", 2),  # 2, 3
])
def test_decision_rules(rule, vetoes, agreeable):
    text = THREE.replace("RULE", rule)
    if vetoes:
        text = text.replace("    participants: [a, b, c]\n", f"    participants: [a, b, c]\n    {vetoes}\n")
    s = multitrack.loads(text)
    t = analyze_track(s, s.tracks[0])
    assert t.n_agreeable == agreeable
    assert t.can_agree == (agreeable > 0)


def test_milp_agrees_with_enumeration_above_the_limit():
    s = multitrack.loads(SPLIT)
    small = analyze_track(s, s.tracks[0])
    big = analyze_track(s, s.tracks[0], AgreementConfig(enumeration_limit=10, merge_cap=1000))
    assert big.n_agreeable is None and any("enumeration limit" in u for u in big.unavailable)
    assert big.can_agree
    # unanimity: the decomposition still gives the exact frontier and every solution
    assert big.frontier == small.frontier
    assert big.solution("nash").outcome == small.solution("nash").outcome


def test_continuous_grid_and_status_quo_off_grid():
    text = SPLIT.replace("""        kind: integer
        range: [0, 4]
        status_quo: 0""", """        kind: continuous
        range: [0, 4]
        grid: 5
        status_quo: 0.3""")
    s = multitrack.loads(text)
    space = build_track_space(s, s.tracks[0])
    assert space.shape == (3, 5) and space.status_quo_index == (0, None)
    assert space.status_quo_utility == pytest.approx([0.3 / 4, 2 + 1 - 0.3 / 4])
    assert count_space(space).n_agreeable == 7
    finer = build_track_space(s, s.tracks[0], grid_points=9)
    assert finer.shape == (3, 9)


def test_european_security_every_track_is_judged():
    s = multitrack.load("european-security")
    result = multitrack.analyze(s, only=["agreement"])["agreement"]
    for t in result.tracks:
        if t.deferred:
            continue
        assert t.can_agree is not None
        # a diagnosis wherever no deal exists: no outcome passes, or only the status quo does
        assert (t.diagnosis is None) == bool(t.can_agree and t.improves)
        if t.can_agree:
            assert {x.concept for x in t.solutions} >= {"nash", "weighted_nash", "kalai_smorodinsky",
                                                          "egalitarian", "utilitarian"}
    # the blocked guarantee track: Ukraine's minimum tripwire force against Russia's "no force"
    g = result.track("guarantees")
    assert not g.can_agree
    assert any(len(st) == 1 and st[0].actor == "UKR" for st in g.diagnosis.minimal_sets)
    assert math.isclose(sum(1 for _ in result.rows()), len(s.tracks))


def test_qualified_rule_above_the_enumeration_limit_uses_milp():
    text = THREE.replace("RULE", "{kind: qualified, min_participants: 2}")
    s = multitrack.loads(text)
    t = analyze_track(s, s.tracks[0], AgreementConfig(enumeration_limit=2))
    assert t.can_agree and t.n_agreeable is None and t.frontier == ()
    assert {x.concept for x in t.solutions} == {"egalitarian", "utilitarian"}
    assert any("Pareto frontier" in u for u in t.unavailable)
    # the MILP's utilitarian choice is a passing outcome: 2 or 3 (a and b accept), or 1 (a and c)
    assert t.solution("utilitarian").outcome["v"] in (1.0, 2.0, 3.0)


def test_the_report_says_what_was_not_computed_in_html_not_escaped_text():
    from multitrack.report.agreement_section import agreement_section
    from multitrack.space import agreement_space

    s = multitrack.loads(SPLIT)
    html = str(agreement_section(agreement_space(s, config=AgreementConfig(enumeration_limit=1)), s))
    assert "<p class='meta'>Not computed at this size: counts of acceptable outcomes" in html
