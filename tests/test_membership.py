"""Membership (issue 16, item 1e): a grouping and its member states never both weigh on one issue.

Hand-worked on one integer issue [0, 10], every salience 1: a (capability 2) wants 0, b
(capability 1) wants 10, and the grouping g of a and b wants 10. The members alone give the
capability-weighted mean (2 * 0 + 1 * 10) / 3 = 10/3. Counting g's whole capability on top of its
members' (the old behaviour) would give (0 + 10 + 3 * 10) / 6 = 20/3."""

from __future__ import annotations

import numpy as np
import pytest

import multitrack
from multitrack.errors import ScenarioError
from multitrack.settlement.membership import own_capability, present_members

ACTORS = """\
version: 1
id: members
title: Membership
actors:
  - {{id: a, name: A, kind: state, capability: 2}}
  - {{id: b, name: B, kind: state, capability: 1}}
  - {{id: g, name: G, kind: organisation, members: [a, b], capability: {cap}}}
tracks:
  - id: t
    title: T
    participants: [{who}]
    issues:
      - id: q
        kind: integer
        range: [0, 10]
        status_quo: 0
        positions:
"""
POSITIONS = {"a": "          a: {salience: 1, ideal: 0}\n", "b": "          b: {salience: 1, ideal: 10}\n",
             "g": "          g: {salience: 1, ideal: 10}\n"}


def scenario(cap: float, who: tuple[str, ...] = ("a", "b", "g")) -> multitrack.Scenario:
    return multitrack.loads(ACTORS.format(cap=cap, who=", ".join(who)) + "".join(POSITIONS[w] for w in who))


def mean_forecast(s: multitrack.Scenario) -> float:
    r = multitrack.analyze(s, only=["forecast"], draws=20, seed=1)["forecast"]
    return r.issue("q").model("mean").nominal


def test_a_grouping_with_its_members_weighs_as_its_members_alone():
    assert mean_forecast(scenario(3)) == pytest.approx(10 / 3)
    assert mean_forecast(scenario(3)) == pytest.approx(mean_forecast(scenario(3, ("a", "b"))))


def test_a_grouping_weighs_with_what_its_members_do_not_bring():
    # g's capability 5 less its members' 3 leaves 2: (2*0 + 1*10 + 2*10) / 5 = 6
    assert mean_forecast(scenario(5)) == pytest.approx(6.0)


def test_only_the_members_on_the_issue_are_deducted():
    # a and g: b is not on the issue, so g weighs 3 - 2 = 1 (it speaks for b): (2*0 + 1*10) / 3
    assert mean_forecast(scenario(3, ("a", "g"))) == pytest.approx(10 / 3)


def test_the_weights_and_the_link_sentence_say_so():
    r = multitrack.analyze(scenario(3), only=["forecast"], draws=20, seed=1)["forecast"]
    issue = r.issue("q")
    weights = dict(zip(issue.actors, issue.weights, strict=True))
    assert weights == pytest.approx({"a": 2 / 3, "b": 1 / 3, "g": 0.0})
    (link,) = r.links
    assert link.kind == "membership" and "g weighs 0 instead of 3 (less a, b)" in link.sentence
    assert link.before == pytest.approx(20 / 3) and link.after == pytest.approx(10 / 3)
    assert r.to_dict()["links"][0]["kind"] == "membership"


def test_own_capability_draw_by_draw_never_below_zero():
    s = scenario(3)
    cap = np.array([[2.0, 1.0, 4.0], [2.0, 1.0, 2.0]])
    assert own_capability(s, ("a", "b", "g"), cap).tolist() == [[2, 1, 1], [2, 1, 0]]
    assert present_members(s, ("g", "a")) == {"g": ("a",)}
    assert own_capability(s, ("g",), np.array([3.0])).tolist() == [3.0]  # alone: its whole capability


@pytest.mark.parametrize("members, phrase", [("[a, x]", "'x' is not an actor"),
                                             ("[a, h]", "must be a state")])
def test_members_are_known_states(members, phrase):
    text = ACTORS.format(cap=3, who="a, b, g").replace("members: [a, b]", f"members: {members}")
    text = text.replace("tracks:", "  - {id: h, name: H, kind: organisation, members: [b]}\ntracks:")
    with pytest.raises(ScenarioError, match=phrase):
        multitrack.loads(text + POSITIONS["a"])


def test_bargaining_power_counts_a_grouping_once():
    """The agreement space's weighted Nash solution takes bargaining power from capability: g
    (capability 3, members a and b at the table with 2 and 1) weighs 0, not 3 on top of them."""
    from multitrack.settlement.preferences import track_preferences

    s = scenario(3)
    prefs = track_preferences(s, s.tracks[0])
    assert prefs.capability is not None
    np.testing.assert_allclose(prefs.capability[0], [2.0, 1.0, 0.0])
    alone = scenario(5, ("a", "g"))  # b is not at the table: g keeps 5 - 2 = 3 of its weight
    np.testing.assert_allclose(track_preferences(alone, alone.tracks[0]).capability[0], [2.0, 3.0])


# Two groupings listing one member: a (capability 2) and b (1); g lists a and b (capability 3), h
# lists a (capability 2). On an issue where g wants 0 and h wants 10 (salience 1) and a sits out,
# a's capability is inside both: each gives up half of it, g weighs 3 - 1 = 2 and h 2 - 1 = 1, so
# the mean is (2*0 + 1*10) / 3 = 10/3 (counted twice it was (3*0 + 2*10) / 5 = 4).
TWO = """\
version: 1
id: two
title: Two groupings
actors:
  - {{id: a, name: A, kind: state, capability: 2}}
  - {{id: b, name: B, kind: state, capability: 1}}
  - {{id: g, name: G, kind: organisation, members: [a, b], capability: 3}}
  - {{id: h, name: H, kind: alliance, members: [a], capability: 2}}
tracks:
  - id: t
    title: T
    participants: [{who}]
    issues:
      - id: q
        kind: continuous
        range: [0, 10]
        status_quo: 0
        positions:
{positions}"""


def two(*who: str, a_at: float = 5.0) -> multitrack.Scenario:
    ideal = {"a": a_at, "b": 5.0, "g": 0.0, "h": 10.0}
    return multitrack.loads(TWO.format(who=", ".join(who), positions="".join(
        f"          {w}: {{salience: 1, ideal: {ideal[w]}}}\n" for w in who)))


def test_a_member_of_two_groupings_that_sits_out_is_counted_once():
    s = two("g", "h")
    assert mean_forecast(s) == pytest.approx(10 / 3)
    np.testing.assert_allclose(own_capability(s, ("g", "h"), np.array([3.0, 2.0])), [2.0, 1.0])
    r = multitrack.analyze(s, only=["forecast"], draws=20, seed=1)["forecast"]
    assert [link.sentence for link in r.links] == [
        "Membership counts capability once on q: g weighs 2 instead of 3 (less half of a (also in h)); "
        "h weighs 1 instead of 2 (less half of a (also in g)); the mean forecast moves from 4 to 3.33."]
    assert r.notes == ("g and h both hold positions on q and list members in common; members that neither "
                       "lists (and that hold no position there) may weigh in both their capabilities.",)


def test_a_member_of_two_groupings_at_the_table_is_deducted_from_both():
    # a at 10 beside g (0) and h (10): g weighs 3 - 2 = 1, h 2 - 2 = 0: (2*10 + 1*0) / 3
    s = two("a", "g", "h", a_at=10.0)
    np.testing.assert_allclose(own_capability(s, ("a", "g", "h"), np.array([2.0, 3.0, 2.0])), [2.0, 1.0, 0.0])
    assert mean_forecast(s) == pytest.approx(20 / 3)


def test_a_copy_of_a_member_does_not_stand_in_for_the_member():
    # a forum's member group copies a's position with draws of its own: the grouping is cut by
    # a's own capability (its first place), and every copy of a grouping is cut alike
    s = scenario(3)
    np.testing.assert_allclose(own_capability(s, ("a", "g", "a"), np.array([2.0, 3.0, 5.0])), [2.0, 1.0, 5.0])
    np.testing.assert_allclose(own_capability(s, ("g", "a", "g"), np.array([3.0, 2.0, 3.0])), [1.0, 2.0, 1.0])
