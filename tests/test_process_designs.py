"""Process designs: hand-built scenarios where the answer is known, and the batch engine checked
against the exact agreement-space engine."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.process import (DrawValues, ProcessPlan, build_batch_space, compare_designs,
                                drivers, evaluate_chunk, proportion, solve_batch, uncertain_inputs)
from multitrack.process.batch_space import parties_of
from multitrack.process.designs import linked
from multitrack.scenario import load, loads
from multitrack.settlement import RunDraws, Settlement
from multitrack.space import analyze_track, build_track_space, count_space

HEAD = """
version: 1
id: {id}
title: test
actors:
  - {{id: X, name: X, kind: state}}
  - {{id: Y, name: Y, kind: state}}
  - {{id: Z, name: Z, kind: state}}
"""


def issue(iid, values, red=None, sal=None):
    """An ordinal issue [sq, deal] with each actor's value table."""
    lines = [f"      - id: {iid}", "        kind: ordinal", "        options: [sq, deal]",
             "        status_quo: sq", "        positions:"]
    for actor, (v_sq, v_deal) in values.items():
        lines.append(f"          {actor}:")
        lines.append(f"            salience: {(sal or {}).get(actor, 1)}")
        lines.append(f"            values: {{sq: {v_sq}, deal: {v_deal}}}")
        if red and actor in red:
            lines.append(f"            red_lines: [{red[actor]}]")
    return "\n".join(lines)


def track(tid, participants, vetoes, *issues):
    return "\n".join([f"  - id: {tid}", f"    title: {tid}", f"    participants: [{', '.join(participants)}]",
                      f"    veto_players: [{', '.join(vetoes)}]", "    issues:", *issues])


def run(text, draws=20):
    s = loads(text, "test.yaml")
    return compare_designs(s, settlement=Settlement.from_scenario(s, draws=draws, chunk_size=10))


# A alone fails (X loses on it); B alone agrees; the package trades X's gain on B for its loss
# on A, and Y gains on both: the package agrees on both tracks, the parallel design on one.
TRADE = HEAD.format(id="trade") + "tracks:\n" + "\n".join([
    track("a", ["X", "Y"], ["X", "Y"], issue("ia", {"X": (1, 0.5), "Y": (0, 1)})),
    track("b", ["X", "Y"], ["X", "Y"], issue("ib", {"X": (0, 1), "Y": (0, 1)}, sal={"X": 2})),
])

# Each track alone agrees, but Z, a veto player on b, sits without a veto on a and has a red
# line against a's only deal; X's red line rules out a's status quo. One package needs Z's
# consent on everything, so a has no value both allow and the package fails.
BLOCKED = HEAD.format(id="blocked") + "tracks:\n" + "\n".join([
    track("a", ["X", "Y", "Z"], ["X", "Y"],
          issue("ia", {"X": (0, 1), "Y": (0, 1), "Z": (1, 0)}, red={"X": "{below: deal}", "Z": "{above: sq}"})),
    track("b", ["Y", "Z"], ["Y", "Z"], issue("ib", {"Y": (0, 1), "Z": (0, 1)})),
])


def test_package_succeeds_through_a_cross_track_trade():
    r = run(TRADE)
    par, pkg = r.design("parallel"), r.design("package")
    assert par.p_track["a"].value == 0 and par.p_track["b"].value == 1
    assert pkg.p_track["a"].value == 1 and pkg.p_track["b"].value == 1
    assert r.comparison.p_package_only.value == 1 and r.comparison.more_tracks.value == -1
    # X gives up 0.5 on a for 2 on b; its range over both tracks is 0.5 + 2
    assert pkg.gain["X"].value == pytest.approx(1.5 / 2.5)
    assert par.gain["X"].value == pytest.approx(2 / 2.5)


def test_package_fails_although_every_track_agrees():
    r = run(BLOCKED)
    assert r.design("parallel").p_all.value == 1
    assert r.design("package").p_any.value == 0
    assert r.comparison.p_package_blocked.value == 1 and r.comparison.more_tracks.value == 2


def test_links_follow_chains():
    agreed = np.array([[True, True, False], [True, True, True], [False, True, True]])
    out = linked(agreed, ("a", "b", "c"), [("a", "b"), ("b", "c")])
    assert out.tolist() == [[False, False, False], [True, True, True], [False, True, True]]


def test_linked_design_from_the_scenario():
    text = TRADE + "\nprocess:\n  links:\n    - {track: b, requires: a}\n"
    r = run(text)
    assert r.design("linked").p_track["b"].value == 0 and r.design("parallel").p_track["b"].value == 1


# Sequential: track a always fails first. On b the only deal X accepts gives Y 0.3 of its range
# of 1.3 (0.23); a failure penalty of 0.1 of the range leaves that acceptable, 0.5 does not.
SEQUENCE = HEAD.format(id="seq") + "tracks:\n" + "\n".join([
    track("a", ["X", "Y"], ["X", "Y"], issue("ia", {"X": (1, 0), "Y": (0, 1)})),
    track("b", ["X", "Y"], ["X", "Y"], issue("ib", {"X": (0, 1), "Y": (0, 0.3)}),
          issue("ib2", {"X": (2, 0), "Y": (0, 1)})),
])


@pytest.mark.parametrize("penalty, b_agrees", [(0.0, 1.0), (0.1, 1.0), (0.5, 0.0)])
def test_sequential_failure_penalty(penalty, b_agrees):
    text = SEQUENCE + f"\nprocess:\n  sequence: [a, b]\n  failure_penalty: {penalty}\n"
    r = run(text)
    assert r.design("sequential").p_track["b"].value == b_agrees
    assert r.design("parallel").p_track["b"].value == 1


def test_bilateral_forum_agrees_where_a_table_of_vetoes_stalls():
    text = HEAD.format(id="forums") + "tracks:\n" + track(
        "t", ["X", "Y", "Z"], ["X", "Y", "Z"], issue("i", {"X": (0, 1), "Y": (0, 1), "Z": (1, 0)})) + """
    forums:
      - {id: pair, title: X and Y alone, participants: [X, Y]}
      - id: wide
        title: X and Y with three copies of Z holding vetoes
        participants: [X, Y]
        member_groups: [{id: zs, like: Z, count: 3}]
"""
    r = run(text)
    (fc,) = r.forums
    by = {f.forum: f for f in fc.forums}
    assert by["pair"].bilateral and by["pair"].p_agree.value == 1 and by["pair"].where == {"i": "deal"}
    assert by["wide"].parties == 5 and by["wide"].p_agree.value == 0
    assert by["as-modelled"].p_agree.value == 0
    assert fc.bilateral_minus_multilateral["pair vs wide"].value == 1


def test_group_members_draw_their_own_values():
    text = HEAD.format(id="groups") + "tracks:\n" + track(
        "t", ["X", "Y"], ["X", "Y"], issue("i", {"X": (0, 1), "Y": (0, 1)})).replace(
        "values: {sq: 0, deal: 1}\n      - ", "values: {sq: 0, deal: 1}\n      - ") + """
    forums:
      - id: wide
        title: with copies of Y
        participants: [X, Y]
        member_groups: [{id: ys, like: Y, count: 2}]
"""
    text = text.replace("          Y:\n            salience: 1\n            values: {sq: 0, deal: 1}",
                        "          Y:\n            salience: 1\n            values: {sq: 0.5, deal: "
                        "{dist: uniform, low: 0, high: 1}}")
    plan = ProcessPlan(RunDraws(loads(text, "t.yaml"), 4000, 3, chunk_size=4000))
    out = evaluate_chunk(plan, plan.run.tasks()[0])
    own, wide = out["forum.t.as-modelled.agreed"].mean(), out["forum.t.wide.agreed"].mean()
    # Y accepts when its draw of 'deal' beats 0.5: p = 1/2 alone, 1/8 with two independent copies
    assert own == pytest.approx(0.5, abs=0.03) and wide == pytest.approx(0.125, abs=0.02)


@pytest.mark.parametrize("track_id", [t.id for t in load("european-security").active_tracks])
def test_batch_space_matches_the_exact_engine_at_nominal_values(track_id):
    s = load("european-security")
    t = s.track(track_id)
    inputs = uncertain_inputs(s)
    values = DrawValues(inputs, np.tile([i.estimate.nominal for i in inputs], (2, 1)))
    batch = build_batch_space(s, t, values, parties_of(t, None, {}))
    exact = build_track_space(s, t)
    for i, (table, allowed) in enumerate(zip(exact.tables, exact.allowed)):
        n = table.shape[1]
        np.testing.assert_allclose(batch.tables[0, :, i, :n], table, atol=1e-12)
        assert (batch.allowed[0, :, i, :n] == allowed).all()
    np.testing.assert_allclose(batch.reservation[0], exact.reservation, atol=1e-12)
    result = solve_batch(batch)
    counts = count_space(exact)
    agreement = analyze_track(s, t)
    assert result.n_pass[0] == counts.n_agreeable
    assert bool(result.agreed[0]) == bool(agreement.can_agree and agreement.improves_on_status_quo)


def _brute(space, d=0):
    """Every outcome of a batch space by itself: passing count and egalitarian best."""
    import itertools
    sizes = space.sizes
    t, ok, r = space.tables[d], space.allowed[d], space.reservation[d]
    lo, hi = space.u_min[d], space.u_max[d]
    span = np.where(hi > lo, hi - lo, 1.0)
    best, n = None, 0
    for idx in itertools.product(*(range(k) for k in sizes)):
        u = sum(t[:, i, v] for i, v in enumerate(idx))
        allow = np.all([ok[:, i, v] for i, v in enumerate(idx)], axis=0)
        if not np.all((allow & (u >= r - 1e-9))[space.veto]):
            continue
        n += 1
        g = (u - r) / span
        key = (round(g[space.veto].min(), 9), round(g[space.veto].sum(), 9))
        best = key if best is None or key > best else best
    return n, best


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_kernel_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_issues, n_actors = rng.integers(1, 4), rng.integers(2, 4)
    sizes = rng.integers(2, 5, n_issues)
    from multitrack.process.batch_space import BatchSpace
    v = int(sizes.max())
    tables = rng.random((1, n_actors, n_issues, v))
    allowed = rng.random((1, n_actors, n_issues, v)) > 0.2
    for i, k in enumerate(sizes):
        tables[:, :, i, k:] = 0
        allowed[:, :, i, k:] = False
    space = BatchSpace.from_arrays(tables, allowed, sizes, rng.random((1, n_actors)) * n_issues * 0.6,
                                   disagreement=np.zeros((1, n_actors)))
    res = solve_batch(space)
    n, best = _brute(space)
    assert res.n_pass[0] == n
    if n:
        u = sum(tables[0, :, i, res.choice[0, i]] for i in range(n_issues))
        lo, hi = space.u_min[0], space.u_max[0]
        g = (u - space.reservation[0]) / np.where(hi > lo, hi - lo, 1.0)
        assert round(g.min(), 9) == pytest.approx(best[0], abs=1e-8)


def test_drivers_rank_the_input_that_decides():
    rng = np.random.default_rng(0)
    x = rng.random((3000, 3))
    y = x[:, 1] > 0.5
    (top, *_) = drivers(x, y, ("a", "b", "c"))
    assert top.input == "b" and top.rank_correlation > 0.8
    assert top.low_third == 0 and top.high_third == 1
    assert drivers(x, np.ones(3000), ("a", "b", "c")) == ()


@pytest.mark.parametrize("hits, value, low, high", [
    ([True] * 10, 1.0, 1.0, 1.0), ([False] * 10, 0.0, 0.0, 0.0), ([True, False] * 50, 0.5, 0.4038, 0.5962)])
def test_wilson_interval(hits, value, low, high):
    """Wilson's interval where draws differ; a share the same in every draw is structural (issue 17)."""
    p = proportion(np.array(hits))
    assert (p.value, round(p.low, 4), round(p.high, 4)) == (value, low, high)
    assert p.structural == (low == high)


@pytest.mark.parametrize("text", [TRADE, BLOCKED, SEQUENCE], ids=["trade", "blocked", "sequence"])
def test_package_by_milp_matches_enumeration(text):
    from multitrack.process.package import solve_package
    plan = ProcessPlan(RunDraws(loads(text, "t.yaml"), 10, chunk_size=10))
    values = DrawValues(plan.inputs, np.zeros((3, 0)))
    spaces = [build_batch_space(plan.scenario, t, values, parties_of(t, None, {})) for t in plan.tracks]
    exact = solve_package(spaces, plan.actors)
    milp = solve_package(spaces, plan.actors, enumeration_limit=0)
    assert (exact.agreed == milp.agreed).all() and (exact.moved == milp.moved).all()
    np.testing.assert_allclose(exact.gain, milp.gain, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_package_milp_and_enumeration_agree_on_random_packages(seed):
    from multitrack.process.batch_space import BatchSpace, Party
    from multitrack.process.package import solve_package
    rng = np.random.default_rng(seed)
    actors = ("a", "b", "c")
    spaces = []
    for t in range(2):
        members = tuple(sorted(rng.choice(3, size=int(rng.integers(2, 4)), replace=False)))
        n_issues = int(rng.integers(1, 3))
        sizes = rng.integers(2, 4, n_issues)
        v = int(sizes.max())
        tables = rng.random((2, len(members), n_issues, v))
        allowed = rng.random((2, len(members), n_issues, v)) > 0.15
        for i, k in enumerate(sizes):
            tables[:, :, i, k:] = 0
            allowed[:, :, i, k:] = False
        sq = tables[:, :, :, 0].sum(axis=2)
        spaces.append(BatchSpace.from_arrays(tables, allowed, sizes, sq.copy(), disagreement=sq, track_id=f"t{t}",
                                             parties=tuple(Party(actors[m], actors[m], 0, True) for m in members)))
    present = tuple(a for a in actors if any(a in [p.name for p in s.parties] for s in spaces))
    exact = solve_package(spaces, present)
    milp = solve_package(spaces, present, enumeration_limit=0)
    assert (exact.agreed == milp.agreed).all()
    # both pick an egalitarian optimum: the smallest normalised gain among the veto players is equal
    for d in np.flatnonzero(exact.agreed):
        g_exact = exact.gain[d].sum(axis=0) / np.where(exact.span[d] > 0, exact.span[d], 1)
        g_milp = milp.gain[d].sum(axis=0) / np.where(milp.span[d] > 0, milp.span[d], 1)
        assert g_exact.min() == pytest.approx(g_milp.min(), abs=1e-7)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.01, 0.6))
def test_raised_bar_shortcut_matches_walking_the_space_again(seed, c):
    from multitrack.process.batch_space import BatchSpace, Party
    from multitrack.process.designs import _raised_bar, _uniform_shift
    rng = np.random.default_rng(seed)
    n_actors, n_issues = 3, 2
    sizes = np.array([3, 4])
    tables = rng.random((4, n_actors, n_issues, 4))
    tables[:, :, 0, 3:] = 0
    allowed = rng.random((4, n_actors, n_issues, 4)) > 0.1
    allowed[:, :, 0, 3:] = False
    space = BatchSpace.from_arrays(tables, allowed, sizes, rng.random((4, n_actors)) * 0.8,
                                   disagreement=np.zeros((4, n_actors)),
                                   parties=tuple(Party(f"a{j}", f"a{j}", 0, j < 2) for j in range(n_actors)))
    assert _uniform_shift(space)
    shift = np.full(4, c)
    fast = _raised_bar(solve_batch(space), space, shift)
    slow = solve_batch(space.raised(shift[:, None] * (space.u_max - space.u_min)))
    assert (fast.agreed == slow.agreed).all()
    np.testing.assert_allclose(fast.utility[fast.agreed], slow.utility[slow.agreed], atol=1e-9)
