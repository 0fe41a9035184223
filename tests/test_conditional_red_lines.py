"""Conditional red lines (issue 16, item 1d): a red line that applies only while another issue
takes given values, on the same track (a joint constraint on two issues) or on another track (read
at that track's compromise). Hand-worked cases, and brute force over small outcome spaces against
every engine that decides acceptance: the agreement space (counts, frontier, MILP, diagnosis),
the compiled process kernel and the package."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import multitrack
from multitrack.errors import ScenarioError
from multitrack.process import compare_designs
from multitrack.process.kernel import solve_batch
from multitrack.process.package import solve_package
from multitrack.scenario.load import load
from multitrack.settlement import Settlement
from multitrack.settlement.preferences import track_preferences
from multitrack.space import agreement_space, analyze_track, build_track_space
from multitrack.space.frontier import agreement_frontier, enumerated_frontier
from multitrack.space.milp import milp_solve

# Moscow (r) wants a long moratorium and a closed door; the West (w) wants neither. w never
# closes the door and never accepts a moratorium above 2. r's red line "moratorium of 3 or more"
# applies only while the door takes the value(s) WHEN.
#   WHEN = open:   w forces the door open, so r needs >= 3 where w allows <= 2: no deal.
#   WHEN = closed: the door is never closed, so r's red line never applies: with reservation
#                  values 0 every outcome w allows passes: door open, moratorium 0, 1 or 2.
DOOR = """
id: door
title: door
actors:
  - {id: r, name: R, kind: state, capability: 1}
  - {id: w, name: W, kind: state, capability: 1}
tracks:
  - id: t
    title: T
    participants: [r, w]
    reservation_values: {r: 0, w: 0}
    issues:
      - id: door
        kind: categorical
        options: [open, closed]
        status_quo: open
        positions:
          r: {salience: 1, values: {open: 0, closed: 1}}
          w: {salience: 1, values: {open: 1, closed: 0}, red_lines: [closed]}
      - id: moratorium
        kind: integer
        range: [0, 4]
        status_quo: 0
        positions:
          r: {salience: 1, monotone: increasing, red_lines: [{below: 3, when: {issue: door, in: [WHEN]}}]}
          w: {salience: 1, monotone: decreasing, red_lines: [{above: 2}]}
"""


def _door(when: str) -> multitrack.Scenario:
    return multitrack.loads(DOOR.replace("WHEN", when))


@pytest.mark.parametrize("when, deals", [("open", 0), ("closed", 3)])
def test_the_condition_closes_or_opens_the_deal_in_every_engine(when, deals):
    s = _door(when)
    track = s.tracks[0]
    a = analyze_track(s, track)
    assert a.n_agreeable == deals and a.can_agree is (deals > 0)
    assert a.accepted_by["w"] == 3  # w's own red lines leave (open, 0..2)
    space = build_track_space(s, track)
    assert (milp_solve(space) is not None) is (deals > 0)
    assert agreement_frontier(space).size == deals  # (open, 0..2): each more years for r, fewer for w
    run = solve_batch(track_preferences(s, track))
    assert int(run.n_pass[0]) == deals and bool(run.agreed[0]) is (deals > 0)
    if deals:
        assert list(run.choice[0]) != [-1, -1] and run.choice[0][0] == 0  # the door stays open


def test_the_diagnosis_treats_the_conditional_red_line_as_one_constraint():
    a = analyze_track(_door("open"), _door("open").tracks[0])
    assert a.diagnosis is not None
    singles = {(c.actor, c.issue, c.condition) for (c,) in
               (m for m in a.diagnosis.minimal_sets if len(m) == 1)}
    assert ("r", "moratorium", "while door is open") in singles
    moved = [r for r in a.diagnosis.relaxations
             if r.constraint.actor == "r" and r.constraint.issue == "moratorium"]
    assert moved[0].opens and moved[0].new_threshold == 2.0


# Here the door is free for both: r's red line binds on an open door only, w never goes above 2,
# so only a closed door carries a deal: (closed, 0), (closed, 1), (closed, 2). The same red line
# without its condition blocks every outcome.
FREE_DOOR = DOOR.replace("values: {open: 1, closed: 0}, red_lines: [closed]", "values: {open: 1, closed: 0}")


def test_a_joint_red_line_keeps_only_the_outcomes_whose_other_issue_lifts_it():
    s = multitrack.loads(FREE_DOOR.replace("WHEN", "open"))
    a = analyze_track(s, s.tracks[0])
    assert a.n_agreeable == 3
    assert {o["door"] for o in a.frontier_outcomes} == {"closed"}
    run = solve_batch(track_preferences(s, s.tracks[0]))
    assert int(run.n_pass[0]) == 3 and run.choice[0][0] == 1
    plain = multitrack.loads(FREE_DOOR.replace(", when: {issue: door, in: [WHEN]}", ""))
    assert analyze_track(plain, plain.tracks[0]).n_agreeable == 0


def test_a_package_carries_the_joint_red_line():
    # as its track: with the door forced open the package is blocked; with the door free, r's line
    # on an open door leaves only a closed door, in compiled enumeration and in HiGHS alike
    for text, agreed in ((DOOR, False), (FREE_DOOR, True)):
        s = multitrack.loads(text.replace("WHEN", "open"))
        prefs = track_preferences(s, s.tracks[0])
        for limit in (0, 200_000):  # 0: HiGHS draw by draw; else every outcome, compiled
            out = solve_package([prefs], ("r", "w"), enumeration_limit=limit)
            assert bool(out.agreed[0]) is agreed
            if agreed:
                assert out.choice[0][0] == 1


# ---- another track ---------------------------------------------------------------------------

# The door is negotiated on its own track (status quo: open). Where its compromise keeps the door
# open, r's conditional red line on the moratorium applies and blocks the deal; where r's door
# track settles on a closed door, the red line lifts.
TWO_TRACKS = """
id: two
title: two
actors:
  - {id: r, name: R, kind: state, capability: 1}
  - {id: w, name: W, kind: state, capability: 1}
tracks:
  - id: doors
    title: Doors
    participants: [r, w]
    reservation_values: {r: 0, w: 0}
    issues:
      - id: door
        kind: categorical
        options: [open, closed]
        status_quo: open
        positions:
          r: {salience: 1, values: {open: 0, closed: 1}}
          w: {salience: 1, values: {open: 1, closed: 0}, red_lines: [DOOR_LINE]}
  - id: limits
    title: Limits
    participants: [r, w]
    reservation_values: {r: 0, w: 0}
    issues:
      - id: moratorium
        kind: integer
        range: [0, 4]
        status_quo: 0
        positions:
          r:
            salience: 1
            monotone: increasing
            red_lines: [{below: 3, when: {issue: door, in: [open], note: "only if the door stays open"}}]
          w: {salience: 1, monotone: decreasing, red_lines: [{above: 2}]}
"""


@pytest.mark.parametrize("door_line, deals, applies", [("closed", 0, True), ("open", 3, False)])
def test_a_condition_on_another_track_is_read_at_its_compromise(door_line, deals, applies):
    s = multitrack.loads(TWO_TRACKS.replace("DOOR_LINE", door_line))
    a = analyze_track(s, s.track("limits"))
    assert a.n_agreeable == deals
    assert any("depends on track doors" in n and ("so it applies" if applies else "does not apply") in n
               for n in a.notes)
    # the process kernel without the other track's draws reads the door at its status quo (open)
    run = solve_batch(track_preferences(s, s.track("limits")))
    assert int(run.n_pass[0]) == 0
    door = s.track("doors").issues[0]
    closed = track_preferences(s, s.track("limits"), elsewhere={"door": (door, np.array([1.0]))})
    assert int(solve_batch(closed).n_pass[0]) == 3


@pytest.mark.parametrize("door_line, limits_agreed", [("closed", False), ("open", True)])
def test_the_process_reads_the_other_track_in_every_draw(door_line, limits_agreed):
    s = multitrack.loads(TWO_TRACKS.replace("DOOR_LINE", door_line))
    result = compare_designs(s, settlement=Settlement.from_scenario(s, draws=12, chunk_size=6))
    agreed = result.per_draw["parallel.agreed"]  # (draws, tracks): doors, limits
    assert agreed[:, 0].all()
    assert (agreed[:, 1] == limits_agreed).all()


def test_each_conditional_red_line_is_reported_as_a_link():
    s = multitrack.loads(FREE_DOOR.replace("WHEN", "open"))
    (link,) = agreement_space(s).links
    assert link.kind == "conditional-red-line" and link.source == "track:t/issue:door"
    assert (link.before, link.after) == (0.0, 3.0)  # always applying, it would block every outcome
    assert "while door is open" in link.sentence
    two = multitrack.loads(TWO_TRACKS.replace("DOOR_LINE", "closed"))
    (cross,) = agreement_space(two).links
    assert cross.source == "track:doors/issue:door" and "so it applies" in cross.sentence


# ---- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize("edit, field, phrase", [
    ("issue: door, in: [WHEN]", "when.in[0]", "'ajar' names no option of 'door'"),
    ("issue: gate, in: [open]", "when.issue", "'gate' is not an issue of the scenario"),
    ("issue: moratorium, in: [open]", "when.issue", "own issue"),
    ("issue: door, below: open", "when.below", "categorical"),
    ("issue: door, in: []", "when.in", "lists no value"),
])
def test_a_bad_condition_is_one_located_line(tmp_path, edit, field, phrase):
    text = DOOR.replace("issue: door, in: [WHEN]", edit).replace("WHEN", "ajar")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as info:
        load(str(path))
    message = str(info.value)
    assert "\n" not in message and phrase in message
    assert f"{path}:25:" in message and f"positions.r.red_lines[0].{field}" in message


def test_a_condition_on_a_numeric_issue_checks_the_range(tmp_path):
    text = FREE_DOOR.replace("red_lines: [{below: 3, when: {issue: door, in: [WHEN]}}]", "")
    text = text.replace("values: {open: 0, closed: 1}}",
                        "values: {open: 0, closed: 1}, red_lines: [{equals: open, when: {issue: moratorium, "
                        "above: 9}}]}")
    path = tmp_path / "range.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=r"9 lies outside the range of 'moratorium'"):
        load(str(path))


def test_a_conditional_red_line_may_forbid_every_value_of_its_issue():
    # "never any moratorium while the door is closed" is legitimate: the door must stay open
    s = multitrack.loads(FREE_DOOR.replace("{below: 3, when: {issue: door, in: [WHEN]}}",
                                           "{above: 0, when: {issue: door, in: [closed]}}, "
                                           "{below: 1, when: {issue: door, in: [closed]}}"))
    a = analyze_track(s, s.tracks[0])
    assert a.n_agreeable == 3 and {o["door"] for o in a.frontier_outcomes} == {"open"}


# ---- brute force -----------------------------------------------------------------------------

ISSUES = [("c", "categorical", ["x", "y", "z"]), ("n", "integer", [0, 1, 2, 3]),
          ("o", "ordinal", ["lo", "mid", "hi"])]


def _random_case(seed: int) -> tuple[str, dict]:
    """A three-actor, three-issue track with random value tables and conditional red lines; the
    YAML and the same facts as plain Python for the brute force."""
    rng = np.random.default_rng(seed)
    actors = ["a0", "a1", "a2"]
    qualified = bool(rng.integers(2))
    vetoes = actors[:1] if qualified else actors
    table = {(a, i): [int(v) for v in rng.integers(0, 5, 3 if k != "integer" else 4)]
             for a in actors for i, k, _ in ISSUES}
    lines: dict[str, list] = {a: [] for a in actors}
    for a in actors:
        for _ in range(int(rng.integers(1, 3))):
            t, c = rng.choice(3, 2, replace=False)
            target, cond = ISSUES[t], ISSUES[c]
            if target[1] == "categorical":
                rel, th = "equals", int(rng.integers(3))
            else:
                rel, th = ("below", "above")[int(rng.integers(2))], int(rng.integers(1, len(target[2]) - 1))
            if cond[1] == "categorical" or rng.integers(2):
                picked = rng.choice(len(cond[2]), int(rng.integers(1, 3)), replace=False)
                crel, cv = "in", sorted(int(x) for x in picked)
            else:
                crel, cv = ("below", "above")[int(rng.integers(2))], int(rng.integers(len(cond[2])))
            lines[a].append((target[0], rel, th, cond[0], crel, cv))
    reservation = {a: float(rng.uniform(0.2, 0.6)) * sum(max(table[a, i]) for i, _, _ in ISSUES)
                   for a in actors}

    def lit(issue, k):
        return issue[2][k] if issue[1] != "integer" else k

    def yaml_line(line):
        t, rel, th, c, crel, cv = line
        ti, ci = next(x for x in ISSUES if x[0] == t), next(x for x in ISSUES if x[0] == c)
        when = f"in: [{', '.join(str(lit(ci, v)) for v in cv)}]" if crel == "in" else f"{crel}: {lit(ci, cv)}"
        return f"{{{rel}: {lit(ti, th)}, when: {{issue: {c}, {when}}}}}"

    out = ["id: rnd", "title: rnd", "actors:"]
    out += [f"  - {{id: {a}, name: {a}, kind: state, capability: 1}}" for a in actors]
    out += ["tracks:", "  - id: t", "    title: T", f"    participants: [{', '.join(actors)}]"]
    if qualified:
        out += ["    decision_rule: {kind: qualified, min_participants: 2}", "    veto_players: [a0]"]
    out += ["    reservation_values: {" + ", ".join(f"{a}: {reservation[a]!r}" for a in actors) + "}",
            "    issues:"]
    for iid, kind, opts in ISSUES:
        out += [f"      - id: {iid}", f"        kind: {kind}"]
        out += [f"        range: [0, {len(opts) - 1}]" if kind == "integer" else
                f"        options: [{', '.join(opts)}]"]
        out += ["        positions:"]
        for a in actors:
            vals = table[a, iid]
            if kind == "integer":
                shape = "points: [" + ", ".join(f"[{x}, {v}]" for x, v in enumerate(vals)) + "]"
            else:
                shape = "values: {" + ", ".join(f"{o}: {v}" for o, v in zip(opts, vals, strict=True)) + "}"
            mine = [yaml_line(x) for x in lines[a] if x[0] == iid]
            out += [f"          {a}: {{salience: 1, {shape}, red_lines: [{', '.join(mine)}]}}"]
    facts = dict(actors=actors, vetoes=vetoes, qualified=qualified, table=table, lines=lines,
                 reservation=reservation)
    return "\n".join(out) + "\n", facts


def _brute(facts: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per outcome (value indices, in row-major order): utilities, who accepts, whether it passes."""
    names = [i for i, _, _ in ISSUES]
    outcomes = np.array(list(itertools.product(*[range(len(o)) for _, _, o in ISSUES])))
    util, acc = [], []
    for a in facts["actors"]:
        u = sum(np.array(facts["table"][a, i])[outcomes[:, k]] for k, i in enumerate(names))
        ok = u >= facts["reservation"][a] - 1e-9
        for t, rel, th, c, crel, cv in facts["lines"][a]:
            x, y = outcomes[:, names.index(t)], outcomes[:, names.index(c)]
            broken = {"equals": x == th, "below": x < th, "above": x > th}[rel]
            holds = np.isin(y, cv) if crel == "in" else (y < cv if crel == "below" else y > cv)
            ok &= ~(holds & broken)
        util.append(u)
        acc.append(ok)
    util, acc = np.array(util, dtype=float), np.array(acc)
    veto = [facts["actors"].index(v) for v in facts["vetoes"]]
    passes = acc[veto].all(axis=0) & ((acc.sum(axis=0) >= 2) if facts["qualified"] else True)
    return util, acc, passes


def _pareto(points: np.ndarray) -> set[tuple]:
    keep = set()
    for p in points:
        if not any(np.all(q >= p) and np.any(q > p) for q in points):
            keep.add(tuple(np.round(p, 9)))
    return keep


@pytest.mark.parametrize("seed", range(24))
def test_every_engine_agrees_with_brute_force(seed):
    text, facts = _random_case(seed)
    s = multitrack.loads(text)
    track = s.tracks[0]
    util, acc, passes = _brute(facts)
    a = analyze_track(s, track)
    assert a.n_agreeable == int(passes.sum())
    assert [a.accepted_by[x] for x in facts["actors"]] == [int(k) for k in acc.sum(axis=1)]
    space = build_track_space(s, track)
    run = solve_batch(track_preferences(s, track))
    assert int(run.n_pass[0]) == int(passes.sum())
    if run.choice[0][0] >= 0:
        flat = int(np.ravel_multi_index(tuple(run.choice[0]), space.shape))
        assert passes[flat]
    x = milp_solve(space)
    assert (x is None) == (not passes.any())
    if x is not None:
        assert passes[int(np.ravel_multi_index(tuple(x), space.shape))]
    b = list(space.bargainers)
    if passes.any():
        span = np.where(space.u_max > space.u_min, space.u_max - space.u_min, 1.0)
        gains = (util[b][:, passes] - space.reservation[b, None]) / span[b, None]
        best = gains.min(axis=0).max()
        e = milp_solve(space, "egalitarian")
        ge = (space.utilities_of(e[None, :])[b, 0] - space.reservation[b]) / span[b]
        assert ge.min() == pytest.approx(best, abs=1e-6)
    truth = _pareto(util[b][:, passes].T) if passes.any() else set()
    f = agreement_frontier(space)  # decomposition by cases under unanimity, enumeration otherwise
    assert {tuple(np.round(u, 9)) for u in f.utility[b].T} == truth

    def by_rule(chunk):
        from multitrack.space.acceptance import accepts, rule_met
        return rule_met(space, accepts(space, chunk.utility, chunk.allowed))

    g = enumerated_frontier(space, by_rule, space.bargainers)
    assert {tuple(np.round(u, 9)) for u in g.utility[b].T} == truth
