"""The block kernel (multitrack.process.kernel_blocks) against the general walk of the process
kernel (kernel._solve) on random spaces: identical counts, verdicts and choices, the same
utilities and levels. The spaces are built to hit its shortcuts' edges: tables with few distinct
values (ties everywhere, sums that round differently in another order), reservation values set
exactly at an outcome's utility (also summed in the other order, a last bit above it, where only
the tolerance lets the outcome pass), red lines, no veto players or only some; every rule code and
joint red lines go through solve_batch too, which must then keep to the general walk."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multitrack.process.kernel import TrackDraws, solve_batch
from multitrack.settlement.preferences import DecisionRuleArrays, Party, Preferences, RedLine

#: Table entries: few distinct values, some of which do not add exactly (0.1 + 0.2 != 0.3).
LEVELS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.0 / 3.0)


def _same(fast: TrackDraws, slow: TrackDraws) -> None:
    np.testing.assert_array_equal(fast.agreed, slow.agreed)
    np.testing.assert_array_equal(fast.n_pass, slow.n_pass)
    np.testing.assert_array_equal(fast.choice, slow.choice)
    np.testing.assert_allclose(fast.utility, slow.utility, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.level, slow.level, rtol=0, atol=1e-12)


@st.composite
def spaces(draw, rules: bool = False) -> Preferences:
    d_n = draw(st.integers(1, 4))
    a_n = draw(st.integers(2, 4))
    i_n = draw(st.integers(1, 5))
    sizes = [draw(st.integers(1, 5)) for _ in range(i_n)]
    v_n = max(sizes)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    style = draw(st.sampled_from(["levels", "integers", "random", "opposed"]))
    if style == "levels":
        tables = rng.choice(LEVELS, size=(d_n, a_n, i_n, v_n))
    elif style == "integers":
        tables = rng.integers(0, 4, size=(d_n, a_n, i_n, v_n)).astype(float)
    elif style == "opposed":
        x = rng.random((d_n, 1, i_n, v_n))
        tables = np.concatenate([x, 1.0 - x, rng.random((d_n, a_n - 2, i_n, v_n))], axis=1)
        tables *= rng.choice([0.1, 0.3, 1.0], size=(d_n, a_n, i_n, 1))
    else:
        tables = rng.random((d_n, a_n, i_n, v_n))
    allowed = rng.random((d_n, a_n, i_n, v_n)) > draw(st.sampled_from([0.0, 0.1, 0.3]))
    for i, n in enumerate(sizes):
        tables[:, :, i, n:] = 0.0
        allowed[:, :, i, n:] = False
    # reservation values: the worst outcome, a share of the range, or exactly some outcome's utility
    index = np.stack([rng.integers(0, n, size=(d_n, a_n)) for n in sizes], axis=-1)  # (D, A, I)
    at_outcome = np.zeros((d_n, a_n))
    for i in range(i_n):  # summed issue by issue, in the kernel's order
        at_outcome = at_outcome + np.take_along_axis(tables[:, :, i, :], index[:, :, i, None], axis=2)[..., 0]
    reversed_sum = np.zeros((d_n, a_n))  # the same outcome summed the other way: may differ in the last bit
    for i in reversed(range(i_n)):
        picked = np.take_along_axis(tables[:, :, i, :], index[:, :, i, None], axis=2)[..., 0]
        reversed_sum = reversed_sum + picked
    lo = sum(tables[:, :, i, :n].min(axis=2) for i, n in enumerate(sizes))
    hi = sum(tables[:, :, i, :n].max(axis=2) for i, n in enumerate(sizes))
    kind = draw(st.sampled_from(["edge", "reversed", "share", "low", "mixed"]))
    share = lo + rng.choice([0.2, 0.5, 0.8], size=(d_n, a_n)) * (hi - lo)
    reservation = {"edge": at_outcome, "reversed": reversed_sum, "share": share, "low": lo}.get(
        kind, np.where(rng.random((d_n, a_n)) < 0.5, np.maximum(at_outcome, reversed_sum), share))
    vetoes = draw(st.sets(st.integers(0, a_n - 1), max_size=a_n))
    parties = tuple(Party(f"a{j}", f"a{j}", 0, j in vetoes) for j in range(a_n))
    rule = DecisionRuleArrays("unanimity", tuple(sorted(vetoes)))
    if rules:
        code = draw(st.sampled_from(["unanimity", "qualified", "weighted"]))
        if code == "qualified":
            rule = DecisionRuleArrays("qualified", rule.vetoes, min_participants=draw(st.integers(1, a_n)))
        elif code == "weighted":
            rule = DecisionRuleArrays("weighted", rule.vetoes, weights=rng.integers(1, 4, a_n).astype(float),
                                      threshold=float(draw(st.integers(1, 6))))
    space = Preferences.from_arrays(tables, allowed, sizes, reservation, parties=parties, rule=rule)
    if rules and i_n >= 2 and draw(st.booleans()):  # a red line on issue 0 that holds where issue 1 is 0
        holds = np.zeros(sizes[1], dtype=bool)
        holds[0] = True
        line = RedLine(0, int(rng.integers(0, a_n)), 0, "above", 0.0, np.zeros(d_n), when_issue=1,
                       when_holds=holds)
        space = replace(space, red_lines=(line,))
    return space


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spaces())
def test_block_kernel_equals_the_general_walk_under_unanimity(space):
    _same(solve_batch(space, blocks=True), solve_batch(space, blocks=False))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spaces(rules=True))
def test_every_rule_and_joint_red_lines_give_the_general_answer(space):
    _same(solve_batch(space, blocks=True), solve_batch(space, blocks=False))


def test_a_large_opposed_space_skips_work_and_keeps_every_answer():
    """8 issues of 5 values, two veto players with opposed tables: most subtrees pass whole or
    cannot move the compromise, which is where the block kernel leaves the general walk."""
    rng = np.random.default_rng(3)
    x = np.linspace(0.0, 1.0, 5)
    w = rng.random((6, 2, 8, 1))
    tables = np.concatenate([w[:, :1] * x, w[:, 1:] * (1.0 - x)], axis=1)
    lo, hi = tables.min(axis=3).sum(axis=2), tables.max(axis=3).sum(axis=2)
    reservation = lo + np.array([[0.2], [0.3], [0.4], [0.5], [0.45], [0.35]]) * (hi - lo)
    space = Preferences.from_arrays(tables, reservation=reservation)
    fast, slow = solve_batch(space, blocks=True), solve_batch(space, blocks=False)
    _same(fast, slow)
    assert fast.agreed.any() and (fast.n_pass > 0).all() and (fast.n_pass < 5**8).all()


def test_progress_hears_every_block_of_draws(monkeypatch):
    import multitrack.process.kernel as kernel

    monkeypatch.setattr(kernel, "PROGRESS_BLOCK", 2 * 25)  # two draws of 25 outcomes per event
    rng = np.random.default_rng(0)
    space = Preferences.from_arrays(rng.random((5, 2, 2, 5)), track_id="big")
    events = []
    kernel.solve_batch(space, progress=events.append)
    assert [(e.task, e.done, e.total) for e in events] == [("track big", 2, 5), ("track big", 4, 5),
                                                           ("track big", 5, 5)]
