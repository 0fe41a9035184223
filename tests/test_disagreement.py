"""Disagreement points that are not free: no-deal values, the reservation values they set, the
indivisible-security test and gains against them, a diagnosis that never calls the status quo a
deal, the warnings, and the validation of the format. Every expected number is worked by hand."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import multitrack
from multitrack.errors import ScenarioError
from multitrack.report.wording import Words
from multitrack.scenario import check
from multitrack.scenario.warnings import scenario_warnings
from multitrack.settlement.disagreement import disagreement_points, no_deal_normalised
from multitrack.settlement.draws import DrawValues, uncertain_inputs
from multitrack.space import analyze_track, build_track_space
from multitrack.space.acceptance import accepts, rule_met
from multitrack.space.agreement import AgreementConfig, _Engine
from multitrack.space.diagnosis import relaxed
from multitrack.space.track_space import RedLineRef, TrackSpace

# One issue x in 0..4 (status quo 0). p wants more (monotone increasing), q less (decreasing);
# both hold a veto and weigh the issue 1, so U_p = x/4 and U_q = 1 - x/4, each on its own 0-1
# scale over the track. The status quo x = 0 is q's ideal: with no deal costless, q accepts only
# x = 0, so the track can agree on the status quo and nothing else.
LINE = """
id: line
title: line
actors:
  - {id: p, name: P, kind: state}
  - {id: q, name: Q, kind: state}
tracks:
  - id: t
    title: T
    participants: [p, q]
EXTRA
    issues:
      - id: x
        kind: integer
        range: [0, 4]
        status_quo: 0
        positions:
          p: {salience: 1, monotone: increasing, source: s}
          q: {salience: 1, monotone: decreasing, source: s}
sources:
  - {id: s, title: s, publisher: s, year: 2024}
"""


def line(extra: str = ""):
    return multitrack.loads(LINE.replace("EXTRA", extra))


# ---- the track opens only when no deal is costly ----------------------------------------------

def test_without_a_no_deal_value_only_the_status_quo_passes():
    s = line()
    t = analyze_track(s, s.tracks[0])
    assert t.can_agree and t.n_agreeable == 1 and not t.improves
    assert t.baseline == "status quo" and t.no_deal_stated == ()
    assert t.diagnosis is not None  # no deal to offer: the diagnosis says what blocks one


def test_a_costly_no_deal_opens_the_track():
    # q's failure is worth 0.4 on its scale, less 0.05 for each of 4 months of talks: 0.2. So q
    # accepts 1 - x/4 >= 0.2, x <= 3; p's no-deal value 0 accepts everything. Four outcomes pass
    # (x = 0..3). Nash with d = (0, 0.2): x=1 0.25*0.55 = 0.1375, x=2 0.5*0.3 = 0.15,
    # x=3 0.75*0.05 = 0.0375, so x = 2, with gains +0.5 (p) and 0.5 - 0.2 = +0.3 (q).
    s = line("    talks_months: 4\n    no_deal:\n      p: {value: 0}\n"
             "      q: {value: 0.4, cost_per_month: 0.05}")
    t = analyze_track(s, s.tracks[0])
    assert t.can_agree and t.improves and t.n_agreeable == 4 and t.diagnosis is None
    assert t.baseline == "disagreement point" and t.no_deal_stated == ("p", "q")
    assert t.disagreement == pytest.approx({"p": 0.0, "q": 0.2})
    assert t.reservation == pytest.approx({"p": 0.0, "q": 0.2})     # reservation values default to it
    assert t.status_quo_utility == pytest.approx({"p": 0.0, "q": 1.0})  # the status quo is still reported
    nash = t.solution("nash")
    assert nash.outcome == {"x": 2.0}
    assert nash.gain == pytest.approx({"p": 0.5, "q": 0.3})
    # the indivisible-security test compares each party with its disagreement point: the
    # compromise gives both more than no deal, so it passes (against the status quo q would lose 0.5)
    assert nash.indivisible and nash.below_baseline == ()
    assert t.n_indivisible == 4
    assert "below_disagreement_point" in t.to_dict()["solutions"][0]
    assert "improves_on_disagreement_point" in t.to_dict() and t.to_dict()["status_quo"] == {"x": 0.0}


def test_the_months_of_talks_lower_the_no_deal_value():
    # without the months q's failure is worth 0.4: it accepts x <= 2.4, so x <= 2; Nash with
    # d = (0, 0.4): x=1 0.25*0.35 = 0.0875 beats x=2 0.5*0.1 = 0.05
    s = line("    no_deal:\n      p: {value: 0}\n      q: {value: 0.4, cost_per_month: 0.05}")
    t = analyze_track(s, s.tracks[0])
    assert t.n_agreeable == 3 and t.solution("nash").outcome == {"x": 1.0}
    assert t.disagreement == pytest.approx({"p": 0.0, "q": 0.4})


def test_an_explicit_reservation_value_still_wins():
    # q states a reservation of 0.75 points (x <= 1) although failure is worth only 0.2 to it: it
    # walks away from worse deals, and gains are still measured from the disagreement point
    s = line("    reservation_values: {q: 0.75}\n    no_deal:\n      p: {value: 0}\n      q: {value: 0.2}")
    t = analyze_track(s, s.tracks[0])
    assert t.reservation["q"] == pytest.approx(0.75) and t.disagreement["q"] == pytest.approx(0.2)
    assert t.n_agreeable == 2 and t.solution("nash").outcome == {"x": 1.0}
    assert t.solution("nash").gain["q"] == pytest.approx(0.75 - 0.2)


def test_a_no_deal_worse_than_every_outcome_makes_the_party_accept_all():
    # below 0: failure is worse than q's worst outcome on the table
    s = line("    no_deal:\n      q: {value: -0.5}")
    t = analyze_track(s, s.tracks[0])
    assert t.n_agreeable == 5 and t.disagreement["q"] == pytest.approx(-0.5)
    space = build_track_space(s, s.tracks[0])
    assert space.reservation[1] == pytest.approx(-0.5)  # raw: 0 + (-0.5) * (1 - 0)
    assert space.baseline[0] == pytest.approx(0.0)       # p states none: its status quo


# ---- the function the preference model calls --------------------------------------------------

def test_disagreement_points_map_the_normalised_value_with_each_partys_own_range():
    s = line("    talks_months: 2\n    no_deal:\n      q: {value: 0.5, cost_per_month: 0.1}")
    track = s.tracks[0]
    u_min = np.array([[1.0, -2.0], [0.0, 0.0]])
    u_max = np.array([[3.0, 2.0], [1.0, 10.0]])
    d = disagreement_points(track, ["p", "q"], DrawValues((), np.zeros((2, 0))), u_min, u_max)
    # q: v = 0.5 - 0.1 * 2 = 0.3; draw 0: -2 + 0.3 * 4 = -0.8; draw 1: 0 + 0.3 * 10 = 3
    assert np.isnan(d[:, 0]).all()
    assert d[:, 1] == pytest.approx([-0.8, 3.0])


def test_disagreement_points_read_each_draw_and_a_members_own_block():
    s = line("    no_deal:\n      q: {value: {dist: uniform, low: 0, high: 1}, estimated: true}")
    inputs = uncertain_inputs(s)
    assert [i.field for i in inputs] == ["tracks[0].no_deal.q.value"]
    values = DrawValues(inputs, np.array([[0.1, 0.9], [0.6, 0.3]]))  # two draws, two blocks
    track = s.tracks[0]
    assert no_deal_normalised(track, "q", values) == pytest.approx([0.1, 0.6])
    assert no_deal_normalised(track, "q", values, block=1) == pytest.approx([0.9, 0.3])
    assert no_deal_normalised(track, "p", values) is None
    d = disagreement_points(track, ["q", "q"], values, np.zeros(2), np.full(2, 10.0), blocks=[0, 1])
    assert d == pytest.approx(np.array([[1.0, 9.0], [6.0, 3.0]]))


# ---- the diagnosis never presents a status-quo-only opening as a deal -------------------------

# p never accepts x below 2 (its red line); q never accepts x above 0. Nothing passes. Dropping
# p's red line lets only x = 0 pass, the status quo itself, worth exactly what no deal is worth to
# both: no deal at all. The only minimal set is q's red line with q's reservation value: then p
# needs x >= 2 and x = 2, 3, 4 pass; the Pareto-optimal ones among p and q are all three, best
# (largest product of gains) first: p gains 0.5, 0.75, 1 and q loses 0.5, 0.75, 1, so the product
# of the clipped gains is 0 everywhere and the sum of gains (0 everywhere) ties: the order follows
# the frontier.
BLOCKED = "    veto_players: [p, q]"


def _blocked():
    text = LINE.replace("EXTRA", BLOCKED)
    for shape, line_ in (("increasing", "{below: 2}"), ("decreasing", "{above: 0}")):
        old = f"monotone: {shape}, source: s}}"
        text = text.replace(old, f"monotone: {shape}, source: s, red_lines: [{line_}]}}")
    return multitrack.loads(text)


def test_an_opening_that_holds_only_the_status_quo_is_no_deal():
    s = _blocked()
    t = analyze_track(s, s.tracks[0])
    assert not t.can_agree
    d = t.diagnosis
    sets = {tuple((c.actor, c.kind) for c in st) for st in d.minimal_sets}
    assert (("p", "red_line"),) not in sets  # before: "p's red line alone blocks a deal" (x = 0)
    assert sets == {(("q", "red_line"), ("q", "reservation"))}
    [opening] = d.openings
    assert opening.n_outcomes == 3
    assert {o.outcome["x"] for o in opening.outcomes} == {2.0, 3.0, 4.0}
    for o in opening.outcomes:
        x = o.outcome["x"]
        assert o.gain["p"] == pytest.approx(x / 4) and o.gain["q"] == pytest.approx(-x / 4)
        assert o.gainers == ("p",) and o.losers == ("q",)
    moves = {(r.constraint.actor, r.constraint.kind): r for r in d.relaxations}
    assert not moves[("p", "red_line")].opens  # moving it to 0 opens only the status quo
    for r in d.relaxations:
        assert all(o.outcome != {"x": 0.0} for o in r.opened)


def test_a_status_quo_only_track_is_diagnosed_with_what_a_relaxation_opens():
    # the costless line: only x = 0 passes. q's reservation (1, its status quo) is the one
    # constraint; the best deal for q gives p a gain: x = 1, so q must accept 0.25 less, and x = 1
    # is the one deal that opens (p +0.25, q -0.25 against no deal)
    s = line()
    t = analyze_track(s, s.tracks[0])
    [r] = [r for r in t.diagnosis.relaxations if r.opens]
    assert (r.constraint.actor, r.constraint.kind) == ("q", "reservation")
    assert r.reduction == pytest.approx(0.25) and r.opens_outcomes == 1
    [x1] = r.opened
    assert x1.outcome == {"x": 1.0} and x1.gain == pytest.approx({"p": 0.25, "q": -0.25})
    words = Words(s)
    sentences = words.diagnosis(t)
    assert sentences[0].startswith("Only the status quo, or outcomes nobody prefers to no deal, pass")
    assert any("gains over no deal: P +0.25; worse off than without a deal: Q -0.25" in x for x in sentences)


# ---- warnings -----------------------------------------------------------------------------------

def _messages(scenario):
    return [p.message for p in scenario_warnings(scenario)]


def test_warns_when_the_status_quo_is_a_veto_players_ideal_on_every_issue():
    msgs = _messages(line())
    assert any("best value of veto player 'q' on every issue" in m for m in msgs)
    assert not any("'p'" in m for m in msgs)  # the status quo is p's worst
    assert not any("best value" in m for m in _messages(line("    no_deal:\n      q: {value: 0.3}")))
    assert not any("best value" in m for m in _messages(line("    reservation_values: {q: 0.5}")))


def test_warns_when_the_status_quo_breaks_a_veto_players_red_line():
    s = _blocked()
    [w] = [p for p in scenario_warnings(s) if "breaks a red line" in p.message]
    assert "veto player 'p'" in w.message and "no deal cannot mean" in w.message
    assert w.path == ("tracks", 0, "issues", 0, "positions", "p", "red_lines")
    quiet = multitrack.loads(LINE.replace("EXTRA", "    no_deal:\n      p: {value: 0}").replace(
        "monotone: increasing, source: s}", "monotone: increasing, source: s, red_lines: [{below: 2}]}"))
    assert not any("breaks a red line" in m for m in _messages(quiet))


def test_warns_when_a_costly_track_states_no_no_deal_value(tmp_path):
    path = tmp_path / "costly.yaml"
    path.write_text(LINE.replace("EXTRA", "    costly_failure: true"))
    _, warnings = check(path)
    [w] = [p for p in warnings if "costly_failure" in p.message]
    assert w.path == ("tracks", 0, "costly_failure") and w.line == 11
    assert not any("costly_failure" in m for m in _messages(line("    costly_failure: true\n    no_deal:\n"
                                                                 "      q: {value: 0.3}")))


# ---- validation: one located line each ----------------------------------------------------------

@pytest.mark.parametrize("extra, where, says", [
    ("    no_deal:\n      z: {value: 0.2}", "12:7: tracks[0].no_deal.z",
     "'z' is not a participant of the track"),
    ("    no_deal:\n      p: {value: x}", "12:18: tracks[0].no_deal.p.value",
     "expected a number or a distribution"),
    ("    no_deal:\n      p: {value: 0.2, cost_per_month: -1}", "12:39: tracks[0].no_deal.p.cost_per_month",
     "cost per month -1 lies outside [0, inf]"),
    ("    no_deal:\n      p: {cost_per_month: 0.1}", "12:10: tracks[0].no_deal.p.value",
     "required field is missing"),
    ("    no_deal:\n      p: {value: 0.2, sauce: s}", "12:23: tracks[0].no_deal.p.sauce", "unknown field"),
    ("    no_deal:\n      p: {value: 0.2, source: nowhere}", "12:31: tracks[0].no_deal.p.source",
     "source 'nowhere' is not in the sources list"),
    ("    talks_months: -2", "11:19: tracks[0].talks_months", "talks_months -2 lies outside [0, inf]"),
    ("    costly_failure: 3", "11:21: tracks[0].costly_failure", "boolean"),
])
def test_bad_no_deal_input_is_one_located_line(extra, where, says):
    with pytest.raises(ScenarioError) as err:
        multitrack.loads(LINE.replace("EXTRA", extra))
    text = str(err.value)
    assert "\n" not in text and where in text and says in text


# ---- the built-in settlement --------------------------------------------------------------------

@pytest.fixture(scope="module")
def settlement():
    return multitrack.load("european-security")


def test_european_security_states_what_failure_costs(settlement):
    for tid in ("ukraine-status", "guarantees", "russian-demands-2021"):
        track = settlement.track(tid)
        assert track.costly_failure and track.no_deal
        assert set(track.vetoes) <= set(track.no_deal)
        for nd in track.no_deal.values():
            assert nd.estimated and nd.source is not None and nd.note
    # Menon and Graham wrote in Politico, on 10 January 2022 (not in the New York Times)
    src = settlement.source("graham-menon-2022")
    assert src.publisher.startswith("Politico") and src.date == "2022-01-10"


def test_ukraine_status_opens_on_the_moratorium_compromise(settlement):
    t = analyze_track(settlement, settlement.track("ukraine-status"))
    assert t.can_agree and t.improves and t.n_agreeable == 12 and t.diagnosis is None
    nash = t.solution("nash")
    assert nash.outcome == {"accession-moratorium": 15.0, "cooperation-limits": "no-permanent-nato-bases",
                            "nato-open-door": "door-formally-open-no-timetable",
                            "eu-relations": "free-to-integrate"}
    # every party gains over no deal, so the compromise passes the indivisible-security test
    assert nash.indivisible and min(nash.gain.values()) > 0
    assert t.n_indivisible == t.n_agreeable


def test_the_guarantee_track_is_never_offered_the_status_quo(settlement):
    track = settlement.track("guarantees")
    t = analyze_track(settlement, track)
    assert not t.can_agree
    sq = {i.id: (i.status_quo if isinstance(i.status_quo, str) else float(i.status_quo.nominal))
          for i in track.issues}
    d = t.diagnosis
    opened = [o for op in d.openings for o in op.outcomes] + [o for r in d.relaxations for o in r.opened]
    assert opened and all(o.outcome != sq for o in opened)
    assert all(o.gainers for o in opened)


# ---- property: against brute force on random spaces with a status quo ---------------------------

@st.composite
def spaces_with_status_quo(draw):
    """A random space: 2-3 parties who all hold a veto, 1-3 issues of 1-4 values, small integer
    utilities (so ties happen), some values forbidden by red lines, a status quo outcome, and for
    some parties a no-deal value anywhere from a little below their worst outcome to their best
    (the others keep the status quo's utility as reservation value and disagreement point)."""
    k = draw(st.integers(2, 3))
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    space = TrackSpace.from_tables([rng.integers(0, 4, size=(k, n)).astype(float) for n in shape])
    refs, masks = [], []
    for i, n in enumerate(shape):
        for a in range(k):
            for v in range(n):
                if rng.random() < 0.15:
                    refs.append(RedLineRef(i, a, len(refs), "equals", v, float(v)))
                    masks.append(np.arange(n) != v)
    allowed = [np.ones((k, n), bool) for n in shape]
    for ref, m in zip(refs, masks):
        allowed[ref.issue][ref.actor] &= m
    sq = tuple(int(rng.integers(n)) for n in shape)
    sq_u = space.utilities_of(np.array([sq]))[:, 0]
    lo, hi = space.u_min, space.u_max
    stated = rng.random(k) < 0.5
    no_deal = np.where(stated, lo + rng.uniform(-0.2, 1.0, k) * (hi - lo), np.nan)
    return replace(space, allowed=tuple(allowed), red_lines=tuple(refs), line_masks=tuple(masks),
                   status_quo_index=sq, status_quo_utility=sq_u, reservation=np.where(stated, no_deal, sq_u),
                   disagreement=no_deal if stated.any() else None, has_status_quo=True)


def brute(space):
    """Every outcome's number, utilities and whether it passes the rule, one outcome at a time."""
    outs = list(itertools.product(*[range(n) for n in space.shape]))
    util = space.utilities_of(np.array(outs))
    allowed = np.array([[all(space.allowed[i][a][o[i]] for i in range(len(o))) for o in outs]
                        for a in range(space.n_actors)])
    return np.arange(len(outs)), util, rule_met(space, accepts(space, util, allowed))


def brute_deals(space):
    """Outcome numbers of the deals: pass the rule, not the status quo, someone strictly gains."""
    flat, util, ok = brute(space)
    sq = np.ravel_multi_index(space.status_quo_index, space.shape)
    gains = (util > space.baseline[:, None] + 1e-9).any(axis=0)
    return set(flat[ok & gains & (flat != sq)].tolist())


@settings(max_examples=120, deadline=None)
@given(spaces_with_status_quo())
def test_the_diagnosis_offers_only_deals_and_every_minimal_set_opens_one(space):
    engine = _Engine(space, AgreementConfig())
    deals = brute_deals(space)
    assert engine.exists() == bool(deals)
    if deals:
        return
    d = engine.diagnose()
    sq = space.outcome(space.status_quo_index)
    for s, opening in zip(d.minimal_sets, d.openings):
        removed = tuple(("reservation", space.actors.index(c.actor)) if c.kind == "reservation" else
                        ("red_line", next(k for k, r in enumerate(space.red_lines)
                                          if space.actors[r.actor] == c.actor and r.axis_value == c.threshold
                                          and space.issue_ids[r.issue] == c.issue)) for c in s)
        opened = brute_deals(relaxed(space, removed))
        assert opened and opening.n_outcomes == len(opened)
    for o in [o for op in d.openings for o in op.outcomes] + [o for r in d.relaxations for o in r.opened]:
        assert o.outcome != sq and o.gainers
