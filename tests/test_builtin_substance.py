"""New substance in the built-in european-security scenario (issue 19, item 1): the economic track,
the norm of territorial integrity as a live issue, the Kosovo/Crimea validation trade, the face-saving
formula and Russia's two stances on guarantees for Ukraine.

Figures are measured on the scenario as written, at the central estimates of the agreement analysis
(docs/agreement-space.md); the hand reasoning behind each is in the test's docstring.
"""

from __future__ import annotations

import pytest

from multitrack.analysis import run_all
from multitrack.consistency.disputes import accepted_levels, contradictions
from multitrack.scenario import load
from multitrack.scenario.setpath import load_with

KOSOVO = "tracks.self-determination.issues.kosovo-crimea-validation.positions.UKR"


def agreement(scenario, track_id: str):
    found = run_all(scenario, only=["agreement"])["agreement"].tracks
    (track,) = [t for t in found if t.track_id == track_id]
    return track


@pytest.fixture(scope="module")
def scenario():
    return load("european-security")


@pytest.fixture(scope="module")
def tracks(scenario):
    return {t.track_id: t for t in run_all(scenario, only=["agreement"])["agreement"].tracks}


def test_the_sanctions_track_has_russia_and_the_two_parties_that_lift_sanctions(scenario):
    track = scenario.track("sanctions")
    assert set(track.veto_players) == {"RUS", "USA", "EU"}
    assert "UKR" in track.participants and "UKR" not in track.veto_players
    assert track.costly_failure and set(track.no_deal) == {"RUS", "USA", "EU", "UKR"}
    assert [i.id for i in track.issues] == ["sanctions-relief", "technology-and-credit",
                                            "european-market-access"]


def test_the_sanctions_track_is_linked_to_ukraines_status_both_ways(scenario, tracks):
    """Washington and Brussels allow relief beyond a first stage only while a moratorium is agreed
    (conditional red lines read on ukraine-status), and staged relief lowers Russia's no-deal value
    on ukraine-status (a cross-track effect)."""
    relief = scenario.track("sanctions").issues[0]
    for actor in ("USA", "EU"):
        conditional = [line for line in relief.positions[actor].red_lines if line.when is not None]
        assert [line.when.issue for line in conditional] == ["accession-moratorium"]
    (effect,) = [e for e in scenario.cross_track if e.from_.track == "sanctions"]
    assert (effect.to.track, effect.to.actor, effect.to.kind) == ("ukraine-status", "RUS", "no_deal")
    # ukraine-status agrees on a 15-year moratorium at the centre, so the condition does not hold
    assert any("accession-moratorium = 15" in str(note) and "does not apply" in str(note)
               for note in tracks["sanctions"].notes)


def test_the_sanctions_track_agrees_on_staged_relief(tracks):
    """36 outcomes (4 x 3 x 3); 18 pass the three vetoes. The Nash compromise: staged relief with a
    snap-back, licences for civilian technology, partial access to European markets; Ukraine, who
    holds no veto, is left below its no-deal value there."""
    track = tracks["sanctions"]
    assert (track.n_outcomes, track.n_agreeable, track.can_agree) == (36, 18, True)
    nash = next(s for s in track.solutions if s.concept == "nash")
    assert nash.outcome == {"sanctions-relief": "staged-relief-with-snapback",
                            "technology-and-credit": "civilian-licences", "european-market-access": "partial"}
    assert nash.gain["UKR"] < 0 < min(nash.gain[a] for a in ("RUS", "USA", "EU"))


def test_the_norm_is_reaffirmed_while_borders_stay_deferred(scenario, tracks):
    """The borders track is still left open; the norm moved to the principles track, where a
    reaffirmation that leaves borders open beats the status quo for every veto player (Russia's red
    line rules out only a return to the 1991 borders)."""
    assert scenario.track("borders").deferred and tracks["borders"].deferred
    assert "territorial-integrity-norm" not in [i.id for i in scenario.track("borders").issues]
    track = tracks["principles"]
    assert (track.n_outcomes, track.n_agreeable, track.can_agree, track.improves) == (9, 3, True, True)
    nash = next(s for s in track.solutions if s.concept == "nash")
    assert nash.outcome == {"territorial-integrity-norm": "reaffirmed-borders-left-open",
                            "outcome-framing": "neutral-joint-statement"}


def test_the_face_saving_formula_is_on_the_table_and_moves_russia_on_ukraines_status(scenario, tracks):
    """The formula that lets Moscow claim success is the Kalai-Smorodinsky compromise, not the Nash
    one (which is a neutral statement); where agreed it lowers Russia's no-deal value on Ukraine's
    status."""
    ks = next(s for s in tracks["principles"].solutions if s.concept == "kalai_smorodinsky")
    assert ks.outcome["outcome-framing"] == "room-for-each-to-claim-success"
    (effect,) = [e for e in scenario.cross_track if e.from_.track == "principles"]
    assert effect.from_.values == ["room-for-each-to-claim-success"]
    assert (effect.to.track, effect.to.actor) == ("ukraine-status", "RUS")
    assert effect.to.no_deal.nominal < 0


def test_the_kosovo_crimea_trade_does_not_open_self_determination_unless_kyiv_accepts_it(scenario, tracks):
    """As written: 72 outcomes, only the status quo passes (Kyiv's red line on validating Crimea,
    and its values, rule the trade out). Dropping the red line alone changes nothing (Kyiv still
    values not applying the criteria above validation); with Kyiv also indifferent, the trade opens
    the track: 4 outcomes pass and the Nash compromise validates both, with displaced residents
    voting and technical agreements required."""
    issue = next(i for i in scenario.track("self-determination").issues if i.id == "kosovo-crimea-validation")
    assert issue.options == ["not-applied", "kosovo-and-crimea-validated"]
    assert issue.positions["UKR"].red_lines[0].threshold == "kosovo-and-crimea-validated"
    track = tracks["self-determination"]
    assert (track.n_outcomes, track.n_agreeable, track.improves) == (72, 1, False)
    no_red_line = agreement(load_with("european-security", [f"{KOSOVO}.red_lines=[]"]), "self-determination")
    assert (no_red_line.n_agreeable, no_red_line.improves) == (1, False)
    indifferent = agreement(load_with("european-security", [
        f"{KOSOVO}.red_lines=[]", f"{KOSOVO}.values={{not-applied: 0.5, kosovo-and-crimea-validated: 0.5}}"]),
        "self-determination")
    assert (indifferent.n_agreeable, indifferent.improves) == (4, True)
    nash = next(s for s in indifferent.solutions if s.concept == "nash")
    assert nash.outcome == {"vote-supervision": "no-agreed-standard",
                            "displaced-voters": "displaced-residents-included",
                            "technical-agreements": "required",
                            "kosovo-crimea-validation": "kosovo-and-crimea-validated"}


def test_russias_two_stances_on_guarantees_are_a_contradiction_the_check_reports(scenario):
    """The opening signal (guarantees legitimate) and the tripwire force (Russia's ceiling of 0) are
    tagged as one dispute without declared variants: the check warns for Russia, and for nobody
    else (Ukraine's floor of 5 thousand troops accepts the level the dispute names)."""
    warnings, declared = contradictions(scenario)
    about = [w for w in warnings if "guarantees-for-ukraine" in w.sentence]
    assert [w.actor for w in about] == ["RUS"]
    assert "opening/russia-signal" in about[0].sentence and "guarantees/tripwire-force" in about[0].sentence
    assert "5 thousand troops" in about[0].sentence
    assert not [w for w in declared if "guarantees-for-ukraine" in w.sentence]


def test_a_numeric_level_of_a_dispute_is_read_as_a_number(scenario):
    """Regression: a dispute level on an integer issue (5 thousand troops) is a plain number, not an
    estimate; reading it used to fail."""
    tripwire = next(i for i in scenario.track("guarantees").issues if i.id == "tripwire-force")
    assert accepted_levels(tripwire, "RUS") == {"guarantee-accepted": False}
    assert accepted_levels(tripwire, "UKR") == {"guarantee-accepted": True}


def test_negotiation_reads_a_cross_track_condition_where_the_agreement_space_does(scenario, tracks):
    """Regression: the negotiation domain read the sanctions track's conditional red lines with
    ukraine-status at its status quo (no moratorium), so relief stopped at a first stage and its
    Nash point differed from the agreement space's; both now read ukraine-status's compromise."""
    from multitrack.negotiation.domain import NegotiationDomain

    domain = NegotiationDomain.from_scenario(scenario, "sanctions")
    assert domain.outcome(domain.reference.nash_index)["sanctions-relief"] == "staged-relief-with-snapback"
