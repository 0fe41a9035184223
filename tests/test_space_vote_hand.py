"""The egalitarian solution under a vote, worked by hand: every passing outcome leaves one of the
three bargainers below its reservation value, so the solution must compare negative gains."""

import numpy as np
import pytest

import multitrack
from multitrack.process import DrawValues, build_batch_space, solve_batch, uncertain_inputs
from multitrack.process.batch_space import parties_of
from multitrack.space import AgreementConfig, analyze_track, build_track_space, choose

# Two of three must accept; nobody holds a veto, so all three are bargainers. Every actor's values
# run from 0 to 1, so its normalised utility is its raw one, and every reservation value is 0.5.
#
#   outcome   a     b     c     accepted by   passes   gain over 0.5 (a, b, c)   smallest   total
#   s (sq)    0     0     0.5   c             no
#   x         1     1     0     a b           yes      ( 0.5,  0.5, -0.5)        -0.5       2.0
#   y         0.9   0.3   0.6   a c           yes      ( 0.4, -0.2,  0.1)        -0.2       1.8
#   z         0.2   0.6   1     b c           yes      (-0.3,  0.1,  0.5)        -0.3       1.8
#
# Egalitarian (Kalai 1977: the largest smallest gain): y, at -0.2. Had the gains been clipped at 0,
# every passing outcome would have a smallest gain of 0 and the tie would go to the largest total,
# x, the utilitarian choice, which leaves c 0.5 below its reservation value.
VOTE = """
id: vote
title: vote
actors:
  - {id: a, name: A, kind: state}
  - {id: b, name: B, kind: state}
  - {id: c, name: C, kind: state}
tracks:
  - id: t
    title: T
    participants: [a, b, c]
    reservation_values: {a: 0.5, b: 0.5, c: 0.5}
    decision_rule: {kind: qualified, min_participants: 2}
    issues:
      - id: deal
        kind: categorical
        options: [s, x, y, z]
        status_quo: s
        positions:
          a: {salience: 1, values: {s: 0, x: 1, y: 0.9, z: 0.2}}
          b: {salience: 1, values: {s: 0, x: 1, y: 0.3, z: 0.6}}
          c: {salience: 1, values: {s: 0.5, x: 0, y: 0.6, z: 1}}
"""


@pytest.fixture
def vote():
    return multitrack.loads(VOTE, "vote.yaml")


def test_the_space_is_as_worked(vote):
    t = analyze_track(vote, vote.tracks[0])
    assert t.n_agreeable == 3 and t.bargainers == ("a", "b", "c")
    assert t.accepted_by == {"a": 2, "b": 2, "c": 3}
    assert t.reservation == pytest.approx({"a": 0.5, "b": 0.5, "c": 0.5})


def test_egalitarian_takes_the_least_negative_smallest_gain(vote):
    t = analyze_track(vote, vote.tracks[0])
    assert t.solution("egalitarian").outcome == {"deal": "y"}
    assert t.solution("egalitarian").utility == pytest.approx({"a": 0.9, "b": 0.3, "c": 0.6})
    assert t.solution("utilitarian").outcome == {"deal": "x"}


def test_choose_compares_gains_below_the_disagreement_point():
    u = np.array([[1, 1, 0], [0.9, 0.3, 0.6], [0.2, 0.6, 1]])  # x, y, z
    assert choose("egalitarian", u, np.full(3, 0.5)) == 1


def test_egalitarian_by_milp_above_the_enumeration_limit(vote):
    t = analyze_track(vote, vote.tracks[0], AgreementConfig(enumeration_limit=1))
    assert t.n_agreeable is None
    assert t.solution("egalitarian").outcome == {"deal": "y"}


def test_process_kernel_compromise_is_the_egalitarian_outcome(vote):
    t = vote.tracks[0]
    inputs = uncertain_inputs(vote)
    values = DrawValues(inputs, np.array([i.estimate.nominal for i in inputs], dtype=float).reshape(1, -1))
    result = solve_batch(build_batch_space(vote, t, values, parties_of(t, None, {})))
    space = build_track_space(vote, t)
    assert space.labels[0][result.choice[0, 0]] == "y"
    assert result.level[0] == pytest.approx(-0.2)
    assert result.n_pass[0] == 3
