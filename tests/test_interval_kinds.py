"""Issue 17, item 1: every interval says what it is (spread over the inputs, Monte Carlo
precision), a result no draw changes is structural, and a run with no uncertain input
evaluates once."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

import multitrack
from multitrack.analysis import run_settlement
from multitrack.montecarlo.stats import MC, SPREAD, STRUCTURAL, Estimate95, mean, proportion, share_difference
from multitrack.report.process_words import num, pct
from multitrack.results import Result
from multitrack.scenario import builtins, loads
from multitrack.settlement import Settlement
from multitrack.settlement.draws import uncertain_inputs


def test_a_share_is_a_point_value_with_its_mc_error():
    hits = np.array([True] * 68 + [False] * 32)
    e = proportion(hits)
    assert e.kind == MC and e.value == 0.68 and e.draws == 100
    assert e.mc_error == pytest.approx(np.sqrt(0.68 * 0.32 / 100))
    assert e.low < 0.68 < e.high


def test_a_share_the_same_in_every_draw_is_structural():
    for hits in (np.ones(50, bool), np.zeros(50, bool)):
        e = proportion(hits)
        assert e.kind == STRUCTURAL and e.interval is None and e.low == e.high == e.value
        d = e.to_dict()
        assert d["kind"] == STRUCTURAL and d["low"] == d["high"] == d["value"] and d["mc_error"] == 0


def test_a_per_draw_quantity_gets_the_spread_of_its_values():
    x = np.arange(100, dtype=float)[::-1]  # 0..99: the 2.5% point is the 3rd value, 97.5% the 98th
    e = mean(x)
    assert e.kind == SPREAD and e.value == pytest.approx(49.5)
    assert (e.low, e.high) == (2.0, 97.0)
    assert e.mc_error == pytest.approx(x.std(ddof=1) / np.sqrt(100))


def test_a_constant_per_draw_quantity_is_structural():
    e = mean(np.full(300, 4.0))
    assert e.kind == STRUCTURAL and e.value == 4.0 and e.interval is None


@pytest.mark.parametrize("seed", range(5))
def test_spread_does_not_shrink_when_identical_draws_are_added(seed):
    x = np.random.default_rng(seed).gamma(2.0, size=401)
    once, twice, ten = mean(x), mean(np.tile(x, 2)), mean(np.tile(x, 10))
    assert (twice.low, twice.high) == (once.low, once.high) == (ten.low, ten.high)
    assert twice.value == pytest.approx(once.value)
    # the Monte Carlo error of the mean does shrink (as 1/sqrt(n) for copies of the same sample)
    assert ten.mc_error < twice.mc_error < once.mc_error
    assert ten.mc_error == pytest.approx(once.mc_error * np.sqrt(400 / 4009), rel=1e-9)


def test_mc_precision_of_a_share_shrinks_with_copies():
    hits = np.random.default_rng(3).random(500) < 0.3
    a, b = proportion(hits), proportion(np.tile(hits, 4))
    assert a.value == b.value and b.mc_error == pytest.approx(a.mc_error / 2)
    assert b.high - b.low < a.high - a.low


def test_share_difference_is_mc_kind_and_structural_when_equal():
    a = np.array([1, 0, 1, 1, 0], bool)
    assert share_difference(a, a).kind == STRUCTURAL
    d = share_difference(a, np.array([0, 0, 1, 1, 0], bool))
    assert d.kind == MC and d.value == pytest.approx(0.2)


def test_the_words_say_which_kind():
    assert pct(proportion(np.ones(10, bool))) == "100% (structural)"
    mc = proportion(np.array([True] * 68 + [False] * 32))
    assert "MC error" in pct(mc) and "95%" not in pct(mc)
    assert pct(proportion(np.array([True] * 680_000 + [False] * 320_000))) == "68%"  # error too small to show
    assert "spread over inputs" in num(mean(np.arange(10.0)))
    assert num(mean(np.full(5, 4.0))) == "4.00 (structural)"


def test_kind_is_checked():
    with pytest.raises(ValueError):
        Estimate95(1.0, 0.0, 2.0, kind="95% interval")


def _certain(name: str) -> str:
    """The built-in scenario with every distribution replaced by its central value."""
    text = builtins.text(name)
    scenario = loads(text, f"{name}.yaml")
    data = yaml.safe_load(text)
    for inp in uncertain_inputs(scenario):
        node = data
        for key in inp.path[:-1]:
            node = node[key]
        old = node[inp.path[-1]]
        keep = {k: old[k] for k in ("source", "estimated", "note") if k in old}
        node[inp.path[-1]] = {"dist": "fixed", "value": float(inp.estimate.nominal)} | keep
    return yaml.safe_dump(data, sort_keys=False)


def _estimates(value, path=()):
    """Every Estimate95 inside a result (dataclasses, dicts, tuples)."""
    if isinstance(value, Estimate95):
        yield path, value
    elif isinstance(value, Result) or hasattr(value, "__dataclass_fields__"):
        for f in value.__dataclass_fields__:
            yield from _estimates(getattr(value, f), path + (f,))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _estimates(v, path + (k,))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _estimates(v, path + (i,))


def test_a_scenario_without_uncertain_inputs_is_structural_everywhere():
    scenario = loads(_certain("european-security"), "certain.yaml")
    assert not uncertain_inputs(scenario)
    settlement = run_settlement(scenario, draws=500)
    assert settlement.draws == 1 and settlement.evaluated_once
    assert Settlement.from_scenario(scenario, draws=500).draws == 500  # asked for explicitly
    results = multitrack.analyze(scenario, draws=500, only=["process", "deterrence", "escalation"])
    found = [(name, path, e) for name, r in results.items() for path, e in _estimates(r)]
    assert found  # the analyses report estimates
    assert all(e.kind == STRUCTURAL and e.interval is None for _, _, e in found), \
        [(n, p, e.kind) for n, p, e in found if e.kind != STRUCTURAL][:5]
    esc = results["escalation"]
    assert all(c.low == c.mean == c.high for c in esc.cells)


# Issue 17, item 2: every number of the security sections is an estimate, and the built-in
# scenario marks its judgements (estimated: true) or names the source that states them.

@pytest.mark.parametrize("section", ["deterrence", "escalation"])
def test_built_in_security_numbers_are_marked_estimates(section):
    from multitrack.errors import format_path
    from multitrack.settlement.draws import _estimates as every_estimate
    scenario = loads(builtins.text("european-security"), "european-security.yaml")
    found = [(p, e) for p, e, _ in every_estimate(scenario, (), None) if p[0] == section]
    assert len(found) > 20
    # a judgement (estimated), a source's figure, or a model choice (a fixed unit, said so in its note)
    unmarked = [format_path(p) for p, e in found if not (e.estimated or e.source is not None or (
        e.estimated is False and not e.is_uncertain and "model choice" in (e.note or "")))]
    assert unmarked == []


def test_a_guarantee_cost_can_carry_a_distribution():
    text = builtins.text("european-security")
    assert "cost_irresolute: {dist: pert, low: 4, mode: 6, high: 9," in text   # the built-in's own
    scenario = loads(text, "european-security.yaml")
    fields = [i.field for i in uncertain_inputs(scenario)]
    assert any(f.endswith("cost_irresolute") for f in fields)
    from multitrack.deterrence.analysis import uncertain_terms
    crisis = scenario.deterrence[0]
    assert uncertain_terms(crisis)["european-force.cost_irresolute"].is_uncertain
