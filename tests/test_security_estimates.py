"""Every number of the security sections as an estimate (issue 17, item 2): the schema takes a
distribution, a source and ``estimated`` on every term kind (guarantee terms, the challenger's
prize, the escalation rates and effects, the unit mappings of a link, the responses' shares); a
bad distribution on such a field gets one line naming file, line and field; the unit mapping's
and the responses' uncertain values are used draw by draw (hand-worked); and the built-in
scenario states no security number that is a plain, unflagged judgement."""

from __future__ import annotations

import re

import numpy as np
import pytest
from pydantic import BaseModel

import multitrack
from multitrack.deterrence.links import term_value
from multitrack.errors import ScenarioError
from multitrack.escalation.links import agreed_measures, response_share, share_draws
from multitrack.scenario import builtins
from multitrack.scenario.estimates import EstimateModel, Fixed
from multitrack.scenario.security import (
    GUARANTEE_TERMS,
    SHARE_TERMS,
    Crisis,
    Effect,
    Measure,
    TermFromTrack,
    Theatre,
)
from multitrack.settlement.draws import DrawValues, UncertainInput
from multitrack.settlement.model import Settlement

PERT_SHARE = {"dist": "pert", "low": 0.1, "mode": 0.3, "high": 0.6, "estimated": True,
              "source": {"id": "s", "locator": "p. 2"}, "note": "A judgement informed by s, p. 2."}
PERT_COST = {"dist": "pert", "low": 3, "mode": 5, "high": 8, "estimated": True,
             "source": {"id": "s", "locator": "p. 2"}, "note": "A judgement informed by s, p. 2."}


def _walk(node, path=()):
    if isinstance(node, EstimateModel):
        yield path, node
    elif isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield from _walk(getattr(node, name), path + (info.alias or name,))
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, path + (k,))
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _walk(v, path + (i,))


# --------------------------------------------------------------------------- the schema


def test_every_guarantee_term_and_the_prize_take_a_distribution_with_source_and_flag():
    terms = {name: PERT_SHARE if name in SHARE_TERMS else PERT_COST for name in GUARANTEE_TERMS}
    crisis = Crisis.model_validate({
        "id": "c", "title": "C", "challenger": "A", "target": "B", "challenger_value": PERT_COST,
        "guarantees": [{"id": "g", "title": "G", "guarantor": "G", "terms": terms}]})
    got = crisis.guarantees[0].terms
    assert set(got) == set(GUARANTEE_TERMS)
    for name, est in got.items():
        assert est.dist == "pert" and est.estimated is True and est.source is not None and est.note, name
        assert est.is_uncertain
    assert crisis.challenger_value.is_uncertain and crisis.challenger_value.estimated is True


def test_escalation_rates_and_effects_take_a_distribution_with_source_and_flag():
    theatre = Theatre.model_validate({"id": "t", "title": "T", "up": {"a->b": PERT_SHARE},
                                      "down": {"b->a": PERT_SHARE}})
    effect = Effect.model_validate({"transition": "a->b", "factor": PERT_COST})
    assert theatre.up["a->b"].is_uncertain and theatre.down["b->a"].estimated is True
    assert effect.factor.is_uncertain and effect.factor.source is not None


def test_a_unit_mapping_and_the_link_terms_take_distributions():
    term = TermFromTrack.model_validate({"issue": "troops",
                                         "linear": {"from": [0, 50], "to": [0, PERT_COST]}})
    assert term.linear is not None and term.linear.to[1].is_uncertain and term.linear.to[0].nominal == 0
    by_presence = TermFromTrack.model_validate({"when_present": PERT_SHARE, "otherwise": PERT_SHARE})
    assert by_presence.when_present is not None and by_presence.when_present.is_uncertain
    by_option = TermFromTrack.model_validate({"issue": "clause", "map": {"a": PERT_COST, "b": 1}})
    assert by_option.map is not None and by_option.map["a"].is_uncertain


MEASURE = {"id": "m", "title": "M", "track": "t", "issue": "i",
           "effects": [{"transition": "a->b", "factor": 0.5}]}


def test_a_response_takes_distributions_for_its_shares():
    measure = Measure.model_validate({**MEASURE, "response": {"anchors": [[0, 0], [10, PERT_SHARE]]}})
    assert measure.response is not None and measure.response.anchors is not None
    assert measure.response.anchors[1][1].is_uncertain and measure.response.anchors[0][1].nominal == 0
    by_option = Measure.model_validate({**MEASURE, "response": {"values": {"x": 0, "y": PERT_SHARE}}})
    assert by_option.response is not None and by_option.response.values is not None
    assert by_option.response.values["y"].is_uncertain


# A bad distribution on each kind of field: one line naming the file, the line and the field.
BAD = [
    ('cost_irresolute: {dist: pert, low: 4, mode: 6, high: 9,',
     'cost_irresolute: {dist: pert, low: 9, mode: 6, high: 4,', "cost_irresolute", "low <= mode <= high"),
    ('war_cost: {dist: pert, low: 0, mode: 0, high: 2,',
     'war_cost: {dist: pert, low: -1, mode: 0, high: 2,', "war_cost", "war_cost"),
    ('- {dist: pert, low: 10, mode: 12.5, high: 16.7,',
     '- {dist: pert, low: 10, mode: 12.5, high: 16.7, lamb: -1,', "linear", "lamb"),
    ('- {dist: pert, low: 10, mode: 12.5, high: 16.7,', '- {dist: pert, low: -10, mode: 12.5, high: 16.7,',
     "linear", "tripwire"),
    ('baltic-agreement: {dist: pert, low: 0.35, mode: 0.5, high: 0.65,',
     'baltic-agreement: {dist: pert, low: 0.35, mode: 0.5, high: 1.65,',
     "baltic-agreement", "outside [0, 1]"),
    ('- [42, {value: 1,', '- [42, {dist: gamma, value: 1,', "anchors", "unknown distribution"),
    ('{transition: incident->peacetime, factor: {dist: pert, low: 1.0, mode: 1.1, high: 1.25,',
     '{transition: incident->peacetime, factor: {dist: pert, low: -1.0, mode: 1.1, high: 1.25,',
     "factor", "factor"),
]


@pytest.mark.parametrize("old, new, field, message", BAD)
def test_a_bad_distribution_on_a_security_number_gets_one_line_naming_file_line_and_field(old, new, field,
                                                                                          message):
    text = builtins.text("european-security")
    assert text.count(old) == 1, old
    with pytest.raises(ScenarioError) as err:
        multitrack.loads(text.replace(old, new), file="european-security.yaml")
    shown = str(err.value).strip()
    assert len(shown.splitlines()) == 1, shown
    line = text[:text.index(old)].count("\n") + 1
    got = re.match(r"european-security\.yaml:(\d+):\d+: (\S+)", shown)
    assert got is not None, shown
    assert int(got.group(1)) == line, shown                 # the line of the bad estimate
    assert got.group(2).startswith(("deterrence", "escalation")) and field in shown, shown
    assert message in shown, shown


# --------------------------------------------------------------------------- used draw by draw


def _values(pairs):
    """DrawValues over hand-picked draws: (estimate, its values by draw)."""
    inputs = tuple(UncertainInput((k,), f"x{k}", est) for k, (est, _) in enumerate(pairs))
    return DrawValues(inputs, np.column_stack([np.asarray(v, dtype=float) for _, v in pairs]))


def test_an_uncertain_unit_mapping_changes_its_slope_draw_by_draw():
    # 0..50 thousand troops -> 0..B brigades with B drawn 10, 12.5 and 16 in three draws: 20 thousand
    # troops give 20/50 * B = 4, 5 and 6.4 brigades; 60 thousand are held at the anchor, B itself.
    term = TermFromTrack.model_validate({"issue": "troops", "linear": {"from": [0, 50], "to": [
        0, {"dist": "uniform", "low": 8, "high": 18}]}})
    assert term.linear is not None
    values = _values([(term.linear.to[1], [10, 12.5, 16])])
    got = term_value(term, None, np.array([[20.0], [60.0], [-5.0]]), None, values)
    assert got.shape == (3, 3)
    np.testing.assert_allclose(got[0], [4.0, 5.0, 6.4])
    np.testing.assert_allclose(got[1], [10.0, 12.5, 16.0])
    np.testing.assert_allclose(got[2], [0.0, 0.0, 0.0])


def test_a_reversed_unit_mapping_holds_at_the_nearer_anchor():
    term = TermFromTrack.model_validate({"issue": "troops", "linear": {"from": [50, 0], "to": [10, 0]}})
    got = term_value(term, None, np.array([[60.0], [25.0], [-1.0]]), None, DrawValues.central())
    np.testing.assert_allclose(got[:, 0], [10.0, 5.0, 0.0])


def test_an_uncertain_response_share_is_read_in_each_draw():
    s = multitrack.load("european-security")
    assert s.escalation is not None
    notice = next(m for m in s.escalation.measures if m.id == "exercise-notice")
    measure = notice.model_copy(update={"response": notice.response.model_copy(update={"anchors": [
        (14.0, notice.response.anchors[0][1]),
        (42.0, Fixed.model_validate({"value": 1.0}))]})})
    full = measure.response.anchors[1][1]
    draws = {id(full): np.array([0.6, 0.8, 1.0])}

    def lookup(est):
        return draws.get(id(est), np.full(3, float(est.nominal)))

    # 28 days lie halfway between 14 and 42: half of each draw's share at 42 days
    got = response_share(s, measure, np.array([28.0, 28.0, 50.0]), np.array([True, True, False]), lookup)
    np.testing.assert_allclose(got, [0.3, 0.4, 0.0])
    # an option issue: a Baltic-only agreement buys the share drawn for it
    incidents = next(m for m in s.escalation.measures if m.id == "incidents-agreement")
    share = incidents.response.values["baltic-agreement"]
    draws[id(share)] = np.array([0.4, 0.5, 0.6])
    got = response_share(s, incidents, np.array([1.0, 1.0, 2.0]), np.array([True, True, True]), lookup)
    np.testing.assert_allclose(got, [0.4, 0.5, 1.0])
    # without draws the central share serves
    got = response_share(s, incidents, np.array([1.0]), np.array([True]))
    np.testing.assert_allclose(got, [0.5])


def test_the_runs_draws_of_the_shares_are_those_of_the_run():
    s = multitrack.load("european-security")
    assert s.escalation is not None
    settlement = Settlement.from_scenario(s, draws=40)
    lookup = share_draws(s.escalation, settlement)
    assert lookup is not None
    share = next(m for m in s.escalation.measures if m.id == "dialogue-channels").response.values[
        "bilateral-ministers"]
    got = lookup(share)
    np.testing.assert_array_equal(got, settlement.run.values()(share))
    assert got.shape == (40,) and got.std() > 0 and 0.3 <= got.min() and got.max() <= 0.7


# --------------------------------------------------------------------------- the built-in scenario


def _kind(est) -> str:
    if est.estimated is True:
        return "judgement" if (est.note or "").strip() else "judgement without a note"
    if est.estimated is False and not est.is_uncertain and (est.note or "").startswith("A model choice"):
        return "model choice"
    if est.source is not None and est.estimated is not True:
        return "sourced data"
    return "plain number"


def test_the_builtin_scenario_has_no_security_number_that_is_a_plain_unflagged_judgement():
    s = multitrack.load("european-security")
    found = [(".".join(map(str, path)), est) for section in ("deterrence", "escalation")
             for path, est in _walk(getattr(s, section), (section,))]
    assert len(found) > 60
    bad = [f"{path}: {_kind(est)}" for path, est in found
           if _kind(est) not in ("judgement", "model choice", "sourced data")]
    assert bad == []
    kinds = {_kind(est) for _, est in found}
    assert kinds == {"judgement", "model choice", "sourced data"}


def test_the_builtin_judgements_that_were_stated_numbers_are_now_distributions():
    s = multitrack.load("european-security")
    terms = {(c.id, g.id): g.terms for c in s.deterrence for g in c.guarantees}
    for key, judged in [(("renewed-offensive", "european-force"), 6),
                        (("renewed-offensive", "french-deterrent"), 5),
                        (("renewed-offensive", "defence-clause"), 8),
                        (("pressure-on-moscow", "china-patron"), 5)]:
        est = terms[key]["cost_irresolute"]
        assert est.is_uncertain and est.nominal == judged and est.estimated is True
        lo, hi = est.support
        assert lo <= 0.7 * judged and hi >= 1.25 * judged          # about +-30-50% around the stated value
    war = terms[("renewed-offensive", "french-deterrent")]["war_cost"]
    assert war.is_uncertain and war.support[0] == 0 and war.nominal == 0 and war.support[1] <= 3
    for key in [("renewed-offensive", "european-force"), ("renewed-offensive", "french-deterrent"),
                ("pressure-on-moscow", "china-patron")]:
        unit = terms[key]["cost_resolute"]
        assert not unit.is_uncertain and unit.nominal == 1 and unit.estimated is False
        assert "model choice" in (unit.note or "")
    force = next(g for g in s.deterrence[0].guarantees if g.id == "european-force")
    assert force.from_track is not None
    brigades = force.from_track.terms["tripwire"].linear.to[1]
    assert brigades.is_uncertain and brigades.nominal == 12.5                  # 4,000 troops a brigade
    assert brigades.support == pytest.approx((50 / 5, 50 / 3), abs=0.05)        # 3,000 to 5,000


def test_the_escalation_analysis_reads_each_draws_share_of_a_partial_agreement():
    # Without the process analysis the central compromise decides: a Baltic-only incidents
    # agreement, whose share of the effect is drawn (0.35 to 0.65) rather than fixed at 0.5.
    s = multitrack.load("european-security")
    assert s.escalation is not None
    settlement = Settlement.from_scenario(s, draws=30)
    got = agreed_measures(s, s.escalation, settlement, 30, None, ())
    k = [m.id for m in s.escalation.measures].index("incidents-agreement")
    strength = got.strengths()[0, k]
    share = s.escalation.measures[k].response.values["baltic-agreement"]
    np.testing.assert_allclose(strength, settlement.run.values()(share))
    assert strength.std() > 0 and 0.35 <= strength.min() and strength.max() <= 0.65
