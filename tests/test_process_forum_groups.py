"""Member groups of an alternative forum under a vote: each member of a group carries the group's
weight under a weighted rule and counts as one party under a qualified rule, in the validator
and in the process kernel alike; a weighted forum that gives a group no weight is refused."""

import itertools
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

import multitrack
from multitrack.errors import ScenarioError
from multitrack.process import (
    DrawValues,
    ProcessPlan,
    build_batch_space,
    compare_designs,
    solve_batch,
)
from multitrack.process.batch_space import parties_of
from multitrack.settlement import RunDraws, Settlement

# The three-actor track of tests/test_process_rules.py (issue v: integers 0..4; issue w: no, yes),
# at its nominal values, where every reservation value is reached exactly somewhere:
#   a: U = v/4 + (w = yes), r = 1
#   b: U = 1 - v/4 + (1 if no, 0.5 if yes), r = 1, red line v above 3
#   c: U = 1 - |v - 2|/2 + (0.5 if no, 0 if yes), r = 0.5, red line v below 1
# Who accepts each outcome (v, w):
#            v=0    v=1    v=2    v=3    v=4
#   w=no     b      b c    b c    b c    a c
#   w=yes    a b    a b c  a b c  a c    a
# The forum seats a, b and c, and a group "allies" of 2 members who take c's position (no
# uncertain estimates here, so each member accepts exactly where c does) and hold no veto.
ACCEPTED_BY = {
    (0, "no"): "b", (1, "no"): "bc", (2, "no"): "bc", (3, "no"): "bc", (4, "no"): "ac",
    (0, "yes"): "ab", (1, "yes"): "abc", (2, "yes"): "abc", (3, "yes"): "ac", (4, "yes"): "a",
}

TEXT = """\
version: 1
id: groups
title: groups
actors:
  - {id: a, name: A, kind: state}
  - {id: b, name: B, kind: state}
  - {id: c, name: C, kind: state}
tracks:
  - id: t
    title: T
    participants: [a, b, c]
    reservation_values: {a: 1, b: 1, c: 0.5}
    forums:
      - id: alliance
        title: a, b and c with two allies who side with c
        participants: [a, b, c]
        decision_rule: RULE
        member_groups: [{id: allies, like: c, count: 2, veto: false}]
    issues:
      - id: v
        kind: integer
        range: [0, 4]
        status_quo: 0
        positions:
          a: {salience: 1, monotone: increasing}
          b: {salience: 1, monotone: decreasing, red_lines: [{above: 3}]}
          c: {salience: 1, ideal: 2, red_lines: [{below: 1}]}
      - id: w
        kind: ordinal
        options: ["no", "yes"]
        status_quo: "no"
        positions:
          a: {salience: 1, values: {"no": 0, "yes": 1}}
          b: {salience: 1, values: {"no": 1, "yes": 0.5}}
          c: {salience: 1, values: {"no": 0.5, "yes": 0}}
"""
RULE_LINE = 17  # the line of `decision_rule: RULE` above (line 1 is `version: 1`)


def _where(test) -> set[tuple]:
    return {o for o, who in ACCEPTED_BY.items() if test(set(who))}


# (rule, the passing outcomes worked by hand). With c accepting, c and its two allies accept.
CASES = {
    # weights a 2, b 1, c 1, allies 1 (each of 2 members): total 2 + 1 + 1 + 2 = 6, threshold 4.
    #   b alone 1: fails;  a alone 2: fails;  a and b 3: fails, so (0, yes) does not pass
    #   b, c and allies 1 + 1 + 2 = 4: passes  (1, no) (2, no) (3, no)
    #   a, c and allies 2 + 1 + 2 = 5: passes  (4, no) (3, yes)
    #   everybody 6: passes                    (1, yes) (2, yes)
    # The allies decide all five outcomes where c's side is needed: had their weight counted 0,
    # b and c (2) and a and c (3) would fail, and only (1, yes) and (2, yes) would pass.
    "weighted-allies-decide": ("{kind: weighted, weights: {a: 2, b: 1, c: 1, allies: 1}, threshold: 4}",
                               _where(lambda s: len(s) >= 2 and "c" in s)),
    # threshold 6, the whole weight when each member counts (2 + 1 + 1 + 2 * 1): everybody must
    # accept; counting the group's weight once (total 5) would call this threshold unreachable
    "weighted-everybody": ("{kind: weighted, weights: {a: 2, b: 1, c: 1, allies: 1}, threshold: 6}",
                           _where(lambda s: s == {"a", "b", "c"})),
    # 4 of the 5 parties (a, b, c and two allies): c's side brings 3, so one more is needed;
    # a and b alone bring 2 and fail
    "qualified-4-of-5": ("{kind: qualified, min_participants: 4}",
                         _where(lambda s: len(s) >= 2 and "c" in s)),
    # 5 of 5: everybody
    "qualified-5-of-5": ("{kind: qualified, min_participants: 5}", _where(lambda s: s == {"a", "b", "c"})),
}


def scenario(rule: str):
    return multitrack.loads(TEXT.replace("RULE", rule), "groups.yaml")


def forum_space(s):
    """The batch space of the forum (one draw at the nominal values), parties as the process
    analysis seats them, each member of the group with its own block of draws."""
    track = s.tracks[0]
    forum = track.forums[0]
    plan = ProcessPlan(RunDraws(s, 10, chunk_size=10))
    values = DrawValues((), np.zeros((1, 0)))
    return build_batch_space(s, track, values, parties_of(track, forum, plan.blocks), forum=forum)


def kernel_passing(batch) -> set[tuple]:
    """The outcomes the kernel passes: draw k holds only outcome k, so its pass count is 1
    exactly when the forum's rule passes that outcome."""
    outs = list(itertools.product(*(range(int(n)) for n in batch.sizes)))
    issues = range(len(batch.sizes))
    tables = np.stack([batch.tables[0][:, issues, o] for o in outs])[..., None]
    allowed = np.stack([batch.allowed[0][:, issues, o] for o in outs])[..., None]
    k = len(outs)
    one = replace(batch, tables=tables, allowed=allowed, sizes=np.ones(len(batch.sizes), dtype=np.int64),
                  reservation=np.repeat(batch.reservation, k, axis=0),
                  disagreement=np.repeat(batch.disagreement, k, axis=0))
    n_pass = solve_batch(one).n_pass
    assert set(n_pass.tolist()) <= {0, 1}
    labels = [[x if isinstance(x, str) else int(x) for x in axis] for axis in batch.labels]
    return {tuple(lab[j] for lab, j in zip(labels, o)) for o, n in zip(outs, n_pass) if n == 1}


def test_the_forum_seats_each_member_of_the_group_with_the_groups_weight():
    batch = forum_space(scenario(CASES["weighted-allies-decide"][0]))
    assert [p.name for p in batch.parties] == ["a", "b", "c", "allies-1", "allies-2"]
    assert batch.rule.weights.tolist() == [2, 1, 1, 1, 1] and batch.rule.threshold == 4
    assert not batch.veto.any()


@pytest.mark.parametrize("case", list(CASES))
def test_forum_kernel_passes_the_hand_worked_outcomes(case):
    rule, expected = CASES[case]
    batch = forum_space(scenario(rule))
    assert kernel_passing(batch) == expected
    assert solve_batch(batch).n_pass[0] == len(expected)


@pytest.mark.parametrize("case", list(CASES))
def test_process_comparison_gives_the_forums_win_set(case):
    """The forum's row in the process comparison: its win-set is the share of the 10 outcomes
    that pass. With nobody holding a veto every party bargains; the egalitarian compromise is
    (2, yes) in every case: a gains 0.25/2, b 0, c and the allies 0.5/1.5 each over their
    reservation values, and no passing outcome leaves everybody a positive gain, so (1, yes)
    (smallest gain 0, c's) and (4, no) (0 for a, b and c's side) lose on the total gain."""
    rule, expected = CASES[case]
    s = scenario(rule)
    r = compare_designs(s, settlement=Settlement.from_scenario(s, draws=20, chunk_size=10))
    (fc,) = r.forums
    row = {f.forum: f for f in fc.forums}["alliance"]
    assert row.parties == 5
    assert row.winset.value == pytest.approx(len(expected) / 10)
    assert row.p_agree.value == 1 and row.where == {"v": 2.0, "w": "yes"}


def test_a_threshold_above_the_members_total_weight_is_refused():
    with pytest.raises(ScenarioError) as info:
        scenario("{kind: weighted, weights: {a: 2, b: 1, c: 1, allies: 1}, threshold: 6.5}")
    message = str(info.value)
    assert "tracks[0].forums[0].decision_rule.threshold: threshold 6.5 exceeds the total weight 6" in message


@pytest.mark.parametrize("groups, field, phrase", [
    ("[{id: c, like: c, count: 2}]", "member_groups[0].id", "member group id 'c' is already a participant"),
    ("[{id: g, like: c, count: 1}, {id: g, like: b, count: 1}]", "member_groups[1].id",
     "member group id 'g' is already another member group"),
])
def test_a_group_id_that_would_name_two_things_is_refused(groups, field, phrase):
    text = TEXT.replace("RULE", "{kind: qualified, min_participants: 2}").replace(
        "[{id: allies, like: c, count: 2, veto: false}]", groups)
    with pytest.raises(ScenarioError) as info:
        multitrack.loads(text, "groups.yaml")
    assert f"tracks[0].forums[0].{field}: {phrase}" in str(info.value)


def test_a_weight_key_naming_neither_a_participant_nor_a_group_is_refused():
    with pytest.raises(ScenarioError) as info:
        scenario("{kind: weighted, weights: {a: 2, allies: 1, allies-1: 1}, threshold: 2}")
    assert "decision_rule.weights.allies-1: 'allies-1' is neither a participant nor a member group" in str(
        info.value)


# ---- a weighted forum that leaves out a group's weight -----------------------------------------

MISSING = "{kind: weighted, weights: {a: 2, b: 1, c: 1}, threshold: 3}"
MISSING_FIELD = "tracks[0].forums[0].decision_rule.weights"
MISSING_MESSAGE = "member group allies has no weight under the weighted rule; give weights.allies"


def test_a_group_left_out_of_the_weights_is_refused_on_load():
    with pytest.raises(ScenarioError) as info:
        scenario(MISSING)
    message = str(info.value)
    assert "\n" not in message and len(info.value.problems) == 1
    assert message.startswith(f"groups.yaml:{RULE_LINE}:")
    assert f": {MISSING_FIELD}: {MISSING_MESSAGE}" in message


def test_cli_validate_refuses_a_group_left_out_of_the_weights(tmp_path):
    path = tmp_path / "groups.yaml"
    path.write_text(TEXT.replace("RULE", MISSING))
    run = subprocess.run([sys.executable, "-m", "multitrack", "validate", str(path)], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2, run
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"{path}:{RULE_LINE}:")
    assert f": {MISSING_FIELD}: {MISSING_MESSAGE}" in lines[0]


# ---- forums of the same id on two tracks ---------------------------------------------------------

def _two_track_text() -> str:
    """Two tracks, each with a forum `wide` holding a group `ys` of 2 copies of Y (forum ids are
    unique only within a track). Y accepts the deal when its draw of it beats 0.5."""
    def track(tid: str, iid: str) -> str:
        return f"""  - id: {tid}
    title: {tid}
    participants: [X, Y]
    forums:
      - {{id: wide, title: wide, participants: [X, Y], member_groups: [{{id: ys, like: Y, count: 2}}]}}
    issues:
      - id: {iid}
        kind: ordinal
        options: [sq, deal]
        status_quo: sq
        positions:
          X: {{salience: 1, values: {{sq: 0, deal: 1}}}}
          Y: {{salience: 1, values: {{sq: 0.5, deal: {{dist: uniform, low: 0, high: 1}}}}}}
"""
    head = "version: 1\nid: two\ntitle: two\nactors:\n  - {id: X, name: X, kind: state}\n" \
           "  - {id: Y, name: Y, kind: state}\ntracks:\n"
    return head + track("t1", "i1") + track("t2", "i2")


def test_groups_of_forums_with_the_same_id_on_two_tracks_draw_their_own_values():
    """Each member of each track's group has its own block of draws (before, the second track's
    members were numbered past the blocks drawn, and the run ended in an IndexError); the
    members of a forum are numbered 1, 2, ... in every forum, so the run holds as many blocks as
    its largest forum needs."""
    s = multitrack.loads(_two_track_text(), "two.yaml")
    plan = ProcessPlan(RunDraws(s, 4000, chunk_size=4000))
    assert sorted(plan.blocks.values()) == [1, 1, 2, 2] and plan.run.n_blocks == 3
    r = compare_designs(s, settlement=Settlement.from_scenario(s, draws=4000, chunk_size=4000))
    # Y and its two copies accept independently, each with probability 1/2: 1/8 at the wide table
    for fc in r.forums:
        by = {f.forum: f.p_agree.value for f in fc.forums}
        assert by["as-modelled"] == pytest.approx(0.5, abs=0.03)
        assert by["wide"] == pytest.approx(0.125, abs=0.02)
