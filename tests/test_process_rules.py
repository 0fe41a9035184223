"""The process kernel under qualified-majority and weighted rules, checked outcome by outcome
against a hand count and against the exact agreement-space engine on a three-actor track."""

import itertools
from dataclasses import replace

import numpy as np
import pytest

import multitrack
from multitrack.process import DrawValues, build_batch_space, solve_batch, uncertain_inputs
from multitrack.process.batch_space import parties_of
from multitrack.space import analyze_track, build_track_space, count_space
from multitrack.space.acceptance import accepts, rule_met

# Three actors, issue v (integers 0..4) and issue w (no, yes); every reservation value is reached
# exactly somewhere, so a strict comparison in place of >= changes the answer.
#   a: U = v/4 + (w = yes), reservation 1         -> accepts w = yes, or v = 4
#   b: U = 1 - v/4 + (1 if no, 0.5 if yes), r = 1 -> w = no: any v; w = yes: v <= 2;
#      red line v above 3 (no v = 4)
#   c: U = 1 - |v - 2|/2 + (0.5 if no, 0 if yes), r = 0.5 -> w = no: any v; w = yes: v in 1..3;
#      red line v below 1 (no v = 0)
# Who accepts each outcome (v, w):
#            v=0    v=1    v=2    v=3    v=4
#   w=no     b      b c    b c    b c    a c
#   w=yes    a b    a b c  a b c  a c    a
RULES_TRACK = """
id: rules
title: rules
actors:
  - {id: a, name: A, kind: state}
  - {id: b, name: B, kind: state}
  - {id: c, name: C, kind: state}
tracks:
  - id: t
    title: T
    participants: [a, b, c]
VETOES    reservation_values: {a: 1, b: 1, c: 0.5}
    decision_rule: RULE
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

ACCEPTED_BY = {
    (0, "no"): "b", (1, "no"): "bc", (2, "no"): "bc", (3, "no"): "bc", (4, "no"): "ac",
    (0, "yes"): "ab", (1, "yes"): "abc", (2, "yes"): "abc", (3, "yes"): "ac", (4, "yes"): "a",
}

# A second track where some parties cannot reach their reservation value once the first issue is
# set, so the kernel's walk would skip those subtrees if it pruned for anyone but a veto player:
#   a: p {lo 0, hi 1} + q {lo 0, hi 1}, r = 2 -> only (hi, hi)
#   b: p {lo 1, hi 0} + q {lo 0, hi 1}, r = 1 -> all but (hi, lo)
#   c: p {lo 1, hi 0} + q {lo 1, hi 0}, r = 1 -> all but (hi, hi)
PRUNE_TRACK = """
id: prune
title: prune
actors:
  - {id: a, name: A, kind: state}
  - {id: b, name: B, kind: state}
  - {id: c, name: C, kind: state}
tracks:
  - id: t
    title: T
    participants: [a, b, c]
VETOES    reservation_values: {a: 2, b: 1, c: 1}
    decision_rule: RULE
    issues:
      - id: p
        kind: ordinal
        options: [lo, hi]
        status_quo: lo
        positions:
          a: {salience: 1, values: {lo: 0, hi: 1}}
          b: {salience: 1, values: {lo: 1, hi: 0}}
          c: {salience: 1, values: {lo: 1, hi: 0}}
      - id: q
        kind: ordinal
        options: [lo, hi]
        status_quo: lo
        positions:
          a: {salience: 1, values: {lo: 0, hi: 1}}
          b: {salience: 1, values: {lo: 0, hi: 1}}
          c: {salience: 1, values: {lo: 1, hi: 0}}
"""

PRUNE_ACCEPTED_BY = {("lo", "lo"): "bc", ("lo", "hi"): "bc", ("hi", "lo"): "c", ("hi", "hi"): "ab"}


def _where(test, table=ACCEPTED_BY) -> set[tuple]:
    return {o for o, who in table.items() if test(set(who))}


# (track, rule, veto players, the passing outcomes by hand from the tables above)
CASES = {
    # two of three: every outcome but the two only one actor accepts
    "qualified-2": (RULES_TRACK, "{kind: qualified, min_participants: 2}", None, _where(lambda s: len(s) >= 2)),
    # the same with a holding a veto: (4, yes) has a but nobody else, the w = no row lacks a
    "qualified-2-veto-a": (RULES_TRACK, "{kind: qualified, min_participants: 2}", "[a]",
                           _where(lambda s: len(s) >= 2 and "a" in s)),
    # b's veto removes the outcomes with two votes but not b's: (4, no) and (3, yes)
    "qualified-2-veto-b": (RULES_TRACK, "{kind: qualified, min_participants: 2}", "[b]",
                           _where(lambda s: len(s) >= 2 and "b" in s)),
    # all three, with nobody holding a veto: only (1, yes) and (2, yes)
    "qualified-3": (RULES_TRACK, "{kind: qualified, min_participants: 3}", None, _where(lambda s: len(s) == 3)),
    # weights 2, 1, 1 and threshold 3: a with anyone else (exactly 3) or all three; b and c (2) fail
    "weighted-integer": (RULES_TRACK, "{kind: weighted, weights: {a: 2, b: 1, c: 1}, threshold: 3}", None,
                         _where(lambda s: "a" in s and len(s) >= 2)),
    # weights 0.1, 0.2, 0.7, threshold 0.8: c with a or b. In floating point 0.1 + 0.7 is
    # 0.7999999999999999, just under 0.8: the comparison must allow for rounding
    "weighted-decimal": (RULES_TRACK, "{kind: weighted, weights: {a: 0.1, b: 0.2, c: 0.7}, threshold: 0.8}",
                         None, _where(lambda s: "c" in s and len(s) >= 2)),
    # weights 1, 1, 2, threshold 3, b holds a veto: b with c (exactly 3) or all three; a with c
    # also reaches 3 but lacks b; a with b reaches only 2
    "weighted-veto-b": (RULES_TRACK, "{kind: weighted, weights: {a: 1, b: 1, c: 2}, threshold: 3}", "[b]",
                        _where(lambda s: "b" in s and "c" in s)),
    # two of three: (lo, lo), (lo, hi) by b and c although a cannot be satisfied once p = lo
    "prune-qualified-2": (PRUNE_TRACK, "{kind: qualified, min_participants: 2}", None,
                          _where(lambda s: len(s) >= 2, PRUNE_ACCEPTED_BY)),
    # a's veto: only (hi, hi); the walk skips p = lo, but not p = hi, where a still reaches 2
    "prune-qualified-2-veto-a": (PRUNE_TRACK, "{kind: qualified, min_participants: 2}", "[a]",
                                 _where(lambda s: len(s) >= 2 and "a" in s, PRUNE_ACCEPTED_BY)),
    # b's veto: b reaches 1 at p = hi only through q = hi, so that subtree must be walked
    "prune-qualified-2-veto-b": (PRUNE_TRACK, "{kind: qualified, min_participants: 2}", "[b]",
                                 _where(lambda s: len(s) >= 2 and "b" in s, PRUNE_ACCEPTED_BY)),
}


def scenario(case: str):
    text, rule, vetoes, _ = CASES[case]
    veto_line = f"    veto_players: {vetoes}\n" if vetoes else ""
    return multitrack.loads(text.replace("RULE", rule).replace("VETOES", veto_line), "rules.yaml")


def labelled(space, index) -> tuple:
    """An outcome as its labels (whole numbers as int)."""
    out = []
    for labels, k in zip(space.labels, index):
        x = labels[int(k)]
        out.append(x if isinstance(x, str) else int(x))
    return tuple(out)


def kernel_space(s):
    """The batch space of the track at its nominal values (one draw)."""
    t = s.tracks[0]
    inputs = uncertain_inputs(s)
    values = DrawValues(inputs, np.array([i.estimate.nominal for i in inputs], dtype=float).reshape(1, -1))
    return build_batch_space(s, t, values, parties_of(t, None, {}))


def kernel_passing(batch) -> set[tuple]:
    """The outcomes the kernel passes, one outcome per draw: draw k holds only outcome k (one
    value per issue), so its pass count is 1 exactly when the kernel's rule passes that outcome."""
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
    return {labelled(batch, o) for o, n in zip(outs, n_pass) if n == 1}


def exact_passing(space) -> set[tuple]:
    """The outcomes the exact engine passes (every outcome, by its acceptance and rule tests)."""
    idx = np.array(list(itertools.product(*(range(n) for n in space.shape))))
    allowed = np.all([space.allowed[i][:, idx[:, i]] for i in range(len(space.shape))], axis=0)
    ok = rule_met(space, accepts(space, space.utilities_of(idx), allowed))
    return {labelled(space, o) for o in idx[ok]}


@pytest.mark.parametrize("case, table", [("qualified-2", ACCEPTED_BY), ("prune-qualified-2", PRUNE_ACCEPTED_BY)])
def test_the_hand_tables_are_who_accepts(case, table):
    """The acceptance tables above, checked on the exact engine's space (no rule involved)."""
    s = scenario(case)
    space = build_track_space(s, s.tracks[0])
    idx = np.array(list(itertools.product(*(range(n) for n in space.shape))))
    allowed = np.all([space.allowed[i][:, idx[:, i]] for i in range(len(space.shape))], axis=0)
    acc = accepts(space, space.utilities_of(idx), allowed)
    got = {labelled(space, o): "".join(a for a, yes in zip("abc", acc[:, k]) if yes) for k, o in enumerate(idx)}
    assert got == table


@pytest.mark.parametrize("case", list(CASES))
def test_kernel_passes_the_same_outcomes_as_the_exact_engine(case):
    s = scenario(case)
    expected = CASES[case][3]
    exact = build_track_space(s, s.tracks[0])
    assert exact_passing(exact) == expected
    batch = kernel_space(s)
    assert kernel_passing(batch) == expected
    # the whole space walked at once (with the veto players' pruning) counts the same
    result = solve_batch(batch)
    counts = count_space(exact)
    assert result.n_pass[0] == len(expected) == counts.n_agreeable
    # agreed: some passing outcome gives a bargainer more than its reservation value
    assert bool(result.agreed[0]) == (counts.n_improving > 0)


@pytest.mark.parametrize("case", list(CASES))
def test_kernel_compromise_is_the_exact_engines_egalitarian_level(case):
    """The kernel's compromise passes the rule and reaches the exact engine's egalitarian level
    (smallest normalised gain over reservation among the bargainers)."""
    s = scenario(case)
    exact = build_track_space(s, s.tracks[0])
    result = solve_batch(kernel_space(s))
    choice = labelled(exact, result.choice[0])
    assert choice in CASES[case][3]
    egal = analyze_track(s, s.tracks[0]).solution("egalitarian").outcome
    b = list(exact.bargainers)
    index = np.array([[list(labels).index(egal[iid]) for iid, labels in zip(exact.issue_ids, exact.labels)]])
    span = (exact.u_max - exact.u_min)[b]
    level = ((exact.utilities_of(index)[b, 0] - exact.reservation[b]) / span).min()
    assert result.level[0] == pytest.approx(level, abs=1e-12)
