"""A large conflict's stability result lists what a reader needs and counts the rest.

Above `stability.listed_states` feasible states the analysis lists the status quo, the states on
its paths and the equilibria under the most concepts (their stability rows, the improvements
between them and their paths), keeps every concept's equilibria complete, and says in
`left_out` how many states, improvements, reachable states and paths it does not list. Every
listed fact must be the fact of the full result; at or below the cap the result (and its
results.json data) must be what it always was. The status quo search on arrays (`reach_tree`)
must find the very paths of the queue-based search (`status_quo_analysis`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import multitrack
from multitrack.results import plain
from multitrack.stability import Conflict, DecisionMaker, Infeasible, Irreversible, Payoffs
from multitrack.stability.analysis import (
    ConflictStability,
    StabilityConfig,
    conflict_stability,
    listed_states,
    state_labels,
)
from multitrack.stability.statusquo import reach_tree, status_quo_analysis

HERE = Path(__file__).resolve().parent


def _large_scenario(per_side: int) -> str:
    """The Prisoner's Dilemma of test_stability_scenario with `per_side` arming options per side,
    nobody arming today."""
    sys.path.insert(0, str(HERE))
    try:
        from test_stability_scenario import _large_scenario as make
    except ImportError:  # importlib import mode: load the module by path
        import importlib.util

        spec = importlib.util.spec_from_file_location("_pd_scenario", HERE / "test_stability_scenario.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        make = module._large_scenario
    finally:
        sys.path.pop(0)
    options = [f"{me}_a{k}: false" for me in ("north", "south") for k in range(per_side)]
    return make(per_side) + f"    status_quo: {{{', '.join(options)}}}\n"


@st.composite
def conflicts(draw) -> Conflict:
    """2-4 DMs with 1-3 options each (at most 8), payoffs 0-3 (many ties), infeasible states,
    irreversible options and misperceived states."""
    n_dms = draw(st.integers(2, 4))
    sizes = [draw(st.integers(1, 3)) for _ in range(n_dms)]
    while sum(sizes) > 8:
        sizes[sizes.index(max(sizes))] -= 1
    n = sum(sizes)
    names = [f"o{k}" for k in range(n)]
    payoff = st.lists(st.integers(0, 3), min_size=2**n, max_size=2**n)
    literal = st.lists(st.sampled_from(names), min_size=1, max_size=2).map(" & ".join)
    dms, k = [], 0
    for d, size in enumerate(sizes):
        blind = tuple(draw(st.lists(literal, max_size=1)))
        dms.append(DecisionMaker(f"D{d}", tuple(names[k:k + size]), Payoffs(tuple(draw(payoff))),
                                 misperceived=blind))
        k += size
    bad = draw(st.lists(st.integers(1, 2**n - 1), max_size=2**n // 3, unique=True))
    conditions = tuple(Infeasible(" & ".join(o if c >> b & 1 else f"-{o}" for b, o in enumerate(names)))
                       for c in bad)
    pairs = st.tuples(st.sampled_from(names), st.sampled_from(["forward", "backward"]))
    irr = draw(st.lists(pairs, max_size=2, unique_by=lambda t: t[0]))
    return Conflict(dms=tuple(dms), conditions=conditions,
                    irreversible=tuple(Irreversible(o, d) for o, d in irr))


@settings(max_examples=60, deadline=None)
@given(conflicts(), st.data())
def test_reach_tree_finds_the_paths_of_the_queue_search(conflict, data):
    model = conflict.build()
    start = data.draw(st.integers(0, model.n_states - 1))
    queue, tree = status_quo_analysis(model, start), reach_tree(model, start)
    np.testing.assert_array_equal(tree.reachable, queue.reachable)
    for s in np.flatnonzero(queue.reachable).tolist():
        assert tree.path(s) == queue.paths[s]


def test_reach_tree_on_the_benchmark_conflict():
    sys.path.insert(0, str(HERE.parent / "benchmarks"))
    try:
        from bench_stability import synthetic
    finally:
        sys.path.pop(0)
    model = synthetic(12, 3).build()
    for start in (0, 1234, model.n_states - 1):
        queue, tree = status_quo_analysis(model, start), reach_tree(model, start)
        np.testing.assert_array_equal(tree.reachable, queue.reachable)
        assert all(tree.path(s) == p for s, p in queue.paths.items())


@settings(max_examples=30, deadline=None)
@given(conflicts())
def test_state_labels_are_the_model_labels(conflict):
    model = conflict.build()
    states = np.arange(model.n_states)[::-1]
    assert state_labels(model, states) == [model.label(int(s)) for s in states]


def test_listed_states_put_the_needed_first_and_stop_at_the_limit():
    ranked = np.array([9, 3, 7, 1])
    assert listed_states(12, 3, [5, 5, 6], ranked).tolist() == [5, 6, 9]
    assert listed_states(12, 7, [5], ranked).tolist() == [0, 1, 2, 3, 5, 7, 9]  # then by number
    assert listed_states(12, 2, [5, 6, 8], ranked).tolist() == [5, 6]
    assert listed_states(5, 3, [], np.array([], dtype=np.int64)).tolist() == [0, 1, 2]


def _pair(per_side: int, limit: int) -> tuple[ConflictStability, ConflictStability, object]:
    scenario = multitrack.loads(_large_scenario(per_side))
    full = conflict_stability(scenario, config=StabilityConfig(listed_states=4 ** per_side))
    capped = conflict_stability(scenario, config=StabilityConfig(listed_states=limit))
    return full.conflicts[0], capped.conflicts[0], capped


def test_at_the_cap_everything_is_listed_and_results_json_is_unchanged():
    scenario = multitrack.loads(_large_scenario(4))  # 256 states
    at_cap = conflict_stability(scenario, config=StabilityConfig(listed_states=256))
    c = at_cap.conflicts[0]
    assert len(c.states) == c.total_states == 256 and not c.left_out and not c.numbers
    data = at_cap.to_dict()
    assert set(data["conflicts"][0]) == {f for f in plain(c) if f not in ("n_states", "numbers", "left_out")}
    assert data == json.loads(json.dumps(plain(at_cap) | {"conflicts": [
        {k: v for k, v in plain(c).items() if k not in ("n_states", "numbers", "left_out")}]}))
    assert [c.number(k) for k in range(3)] == [1, 2, 3]


def test_above_the_cap_every_listed_fact_is_the_full_results():
    full, c, _ = _pair(4, 64)  # 256 states, 64 listed
    assert c.total_states == 256 and len(c.states) == 64 == len(c.numbers)
    assert full.states[c.numbers[0] - 1] == c.states[0]
    at = {label: k for k, label in enumerate(full.states)}
    assert [at[label] + 1 for label in c.states] == list(c.numbers)
    assert list(c.numbers) == sorted(c.numbers)
    for concept in full.stable:
        assert [full.stable[concept][at[label]] for label in c.states] == list(c.stable[concept])
    assert c.equilibria == full.equilibria  # complete, in state order
    assert c.reachable_equilibria == full.reachable_equilibria
    listed = set(c.states)
    assert c.status_quo == full.status_quo and c.status_quo in listed
    assert set(c.reachable) == set(full.reachable) & listed
    assert c.improvements == tuple(e for e in full.improvements if e[0] in listed and e[1] in listed)
    assert c.paths and all(full.paths[label] == steps for label, steps in c.paths.items())
    assert all(s.state in listed for steps in c.paths.values() for s in steps)
    most = max(sum(s in v for v in full.equilibria.values()) for s in full.states)
    assert all(s in listed for s in full.states if sum(s in v for v in full.equilibria.values()) == most)
    assert c.left_out[0].startswith("192 of 256 feasible states are not listed")
    dropped = len(full.improvements) - len(c.improvements)
    assert c.left_out[1].startswith(f"{dropped:,} of {len(full.improvements):,} unilateral improvements")
    missing = len(full.reachable) - len(c.reachable)
    assert any(n.startswith(f"{missing:,} of {len(full.reachable):,} states reachable") for n in c.left_out)


def test_above_the_cap_results_json_says_what_is_left_out():
    _, c, result = _pair(4, 64)
    data = result.to_dict()["conflicts"][0]
    assert data["n_states"] == 256 and len(data["numbers"]) == 64 and data["left_out"] == list(c.left_out)
    assert data == plain(c)
    json.dumps(data)  # plain JSON


def test_above_the_cap_the_report_numbers_states_by_gmcr_and_lists_what_is_left_out():
    from multitrack.report.html import render_section
    from multitrack.report.markdown import render_markdown
    from multitrack.report.stability_section import shown_states

    scenario = multitrack.loads(_large_scenario(4))
    result = conflict_stability(scenario, config=StabilityConfig(listed_states=64))
    c = result.conflicts[0]
    html = str(render_section(result, scenario))
    assert "192 of 256 feasible states are not listed" in html and "of 256 feasible states" in html
    shown = shown_states(c)
    last = shown[-1]
    number = c.numbers[c.states.index(last)]
    assert f"<td>{number}</td><td><b>{last}</b>" in html
    text, _ = render_markdown(scenario, {"stability": result})
    assert "192 of 256 feasible states are not listed" in text and f"| {number} " in text


def test_progress_arrives_per_decision_maker():
    events = []
    scenario = multitrack.loads(_large_scenario(3))
    conflict_stability(scenario, progress=events.append)
    mine = [(e.done, e.total) for e in events if e.task == "stability: pd"]
    assert mine == [(1, 4), (2, 4), (3, 4), (4, 4)]  # two decision makers, the status quo search, the end
    events.clear()
    large = multitrack.loads(_large_scenario(4))  # 256 states, 64 listed
    conflict_stability(large, config=StabilityConfig(listed_states=64), progress=events.append)
    assert [(e.done, e.total) for e in events if e.task == "stability: pd"] == mine


@pytest.mark.parametrize("listed", [64, 4096])
def test_cli_analyze_a_gmcr_file_on_both_sides_of_the_cap(tmp_path, listed):
    from multitrack.cli.app import app
    from multitrack.stability.gmcr_plus import write_gmcr_plus

    sys.path.insert(0, str(HERE.parent / "benchmarks"))
    try:
        from bench_stability import synthetic
    finally:
        sys.path.pop(0)
    path = tmp_path / "big.gmcr"
    path.write_text(write_gmcr_plus(synthetic(8, 2)))  # 256 states
    out = tmp_path / "out"
    run = CliRunner().invoke(app, ["analyze", str(path), "--only", "stability", "--no-record", "-q",
                                   "--out", str(out), "--set", f"stability.listed_states={listed}"])
    assert run.exit_code == 0, run.output
    c = json.loads((out / "results.json").read_text())["analyses"]["stability"]["conflicts"][0]
    assert ("left_out" in c) == (listed < 256)
    assert len(c["states"]) == min(listed, 256)


def test_a_report_whose_paths_pass_states_it_does_not_show_still_renders():
    """256 states with a status quo whose paths cover more than the 64 states shown: the state
    graph draws the paths it can show (the earlier code stopped with a KeyError)."""
    from multitrack.report.html import render_section
    from multitrack.report.stability_section import shown_states

    scenario = multitrack.loads(_large_scenario(4))
    result = conflict_stability(scenario)
    c = result.conflicts[0]
    shown = set(shown_states(c))
    drawn = [label for label, steps in c.paths.items() if steps and all(s.state in shown for s in steps)]
    assert len(c.paths) > len(drawn) > 0
    html = str(render_section(result, scenario))
    assert "From the status quo" in html
    assert html.count("path to ") == len(drawn)
