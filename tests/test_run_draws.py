"""One set of draws per run: every analysis that samples reads the same draws of the same
estimates, correlated estimates move together through a common factor, and the run is
reproducible from its seed (issue 15, item 3)."""

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import spearmanr

import multitrack
from multitrack.settlement import DrawValues, RunDraws, Settlement

# One salience read by two analyses. Track t has two issues. On "swap" a loses what b gains;
# on "quota" (0 or 1) a gains s_a (its uncertain salience) at 1 and b loses 0.5 there. Against
# the status quo (sq, 0) -- a: 1, b: 0.5 -- the only other outcome both accept is (deal, 1)
# (a: s_a, b: 1), and a accepts it exactly when s_a >= 1: the process analysis agrees on t in
# the draws where s_a > 1. The forecast's compromise mean on quota, with a at 1 and b at 0 and
# equal capabilities, is s_a / (s_a + 0.5), so s_a = 0.5 F / (1 - F) from the forecast F.
SHARED = """\
version: 1
id: shared
title: One salience read by two analyses
{factors}
actors:
  - {{id: a, name: A, kind: state}}
  - {{id: b, name: B, kind: state}}
tracks:
  - id: t
    title: T
    participants: [a, b]
    issues:
      - id: swap
        kind: ordinal
        options: [sq, deal]
        status_quo: sq
        positions:
          a: {{salience: 1, values: {{sq: 1, deal: 0}}}}
          b: {{salience: 1, values: {{sq: 0, deal: 1}}}}
      - id: quota
        kind: integer
        range: [0, 1]
        status_quo: 0
        positions:
          a: {{salience: {{dist: uniform, low: 0.5, high: 1.5{loading}}}, monotone: increasing}}
          b: {{salience: 0.5, monotone: decreasing}}
"""


def shared(loading=None):
    factors = "factors:\n  - {id: hard, title: A hard line}" if loading is not None else ""
    extra = f", factor: {{id: hard, loading: {loading}}}" if loading is not None else ""
    return multitrack.loads(SHARED.format(factors=factors, loading=extra), "shared.yaml")


def test_two_analyses_see_the_same_draw_of_a_shared_estimate():
    scenario = shared()
    results = multitrack.analyze(scenario, only=["forecast", "process"], draws=300, seed=5)
    salience = scenario.tracks[0].issues[1].positions["a"].salience
    drawn = Settlement.from_scenario(scenario, draws=300, seed=5).run.values()(salience)
    forecast = results["forecast"].per_draw["quota/mean"]
    np.testing.assert_allclose(0.5 * forecast / (1 - forecast), drawn, rtol=0, atol=1e-12)
    agreed = results["process"].per_draw["parallel.agreed"][:, 0]
    assert 0.3 < agreed.mean() < 0.7  # both cases occur
    assert np.array_equal(agreed, drawn > 1)  # draw by draw, the same s_a as the forecast's


def test_a_built_in_estimate_is_the_same_number_in_every_analysis_that_reads_it():
    """The european-security scenario: the forecast's compromise mean of every numeric issue is
    recomputed by hand from the run's draws of capabilities, ideal points and saliences (the
    ones the process analysis reads for the same positions)."""
    scenario = multitrack.load("european-security")
    results = multitrack.analyze(scenario, only=["forecast"], draws=50, seed=9)
    values = Settlement.from_scenario(scenario, draws=50, seed=9).run.values()
    from multitrack.forecast.analysis import numeric_issues
    from multitrack.settlement.membership import own_capability

    checked = 0
    for item in numeric_issues(scenario):
        positions = [item.issue.positions[a] for a in item.actors]
        if not any(p.salience.is_uncertain for p in positions) or any(p.ideal is None for p in positions):
            continue  # checked where every actor states an ideal point
        cap = own_capability(scenario, item.actors,  # a grouping counts only what its members here do not
                             np.column_stack([values(scenario.actor(a).capability) for a in item.actors]))
        sal = np.column_stack([values(p.salience) for p in positions])
        pos = np.column_stack([values(p.ideal) for p in positions])
        w = cap * sal
        by_hand = (w * pos).sum(axis=1) / w.sum(axis=1)
        np.testing.assert_allclose(results["forecast"].per_draw[f"{item.issue.id}/mean"], by_hand, rtol=1e-12)
        checked += 1
    assert checked >= 1


def test_the_run_is_reproducible_from_its_seed_and_a_fewer_draws_run_is_its_beginning():
    scenario = multitrack.load("european-security")
    a = RunDraws(scenario, 2500, 11).values().block(0)
    b = RunDraws(scenario, 2500, 11).values().block(0)
    assert np.array_equal(a, b) and a.shape == (2500, len(RunDraws(scenario, 1, 0).inputs))
    assert not np.array_equal(a, RunDraws(scenario, 2500, 12).values().block(0))
    first = RunDraws(scenario, 2500, 11).first(1234).values().block(0)
    assert np.array_equal(first, a[:1234])  # the negotiation tournament's draws are the run's first


def test_every_draw_lies_in_its_estimates_support_and_central_values_are_nominal():
    scenario = multitrack.load("european-security")
    run = RunDraws(scenario, 400, 3)
    values = run.values()
    for inp in run.inputs:
        lo, hi = inp.estimate.support
        x = values(inp.estimate)
        assert np.all((x >= lo) & (x <= hi)), inp.field
    central = DrawValues.central(scenario)
    cap = scenario.actors[0].capability
    assert central.size == 1 and central(cap)[0] == cap.nominal


def test_member_blocks_are_a_property_of_the_scenario():
    scenario = multitrack.load("european-security")
    run = RunDraws(scenario, 10, 1)
    assert run.n_blocks == 4  # the largest forum seats three members of a group
    values = run.values()
    est = run.inputs[0].estimate
    own, member = values(est, 0), values(est, 1)
    assert not np.array_equal(own, member)  # a member draws its own values
    assert np.array_equal(values(est, 0), RunDraws(scenario, 10, 1).values()(est))


FACTOR = """\
version: 1
id: factor
title: Three estimates and a common factor
factors:
  - {id: hard, title: Moscow's hard line, note: how far Moscow holds out}
actors:
  - {id: a, name: A, kind: state,
     capability: {dist: normal, mean: 5, sd: 1, low: 0, factor: {id: hard, loading: 0.8}}}
  - {id: b, name: B, kind: state,
     capability: {dist: normal, mean: 2, sd: 0.4, low: 0, factor: {id: hard, loading: 0.6}}}
  - {id: c, name: C, kind: state,
     capability: {dist: normal, mean: 10, sd: 2, low: 0, factor: {id: hard, loading: -0.7}}}
  - {id: d, name: D, kind: state,
     capability: {dist: uniform, low: 0, high: 1, factor: {id: hard, loading: 0.9}}}
  - {id: e, name: E, kind: state, capability: {dist: pert, low: 0, mode: 1, high: 4}}
tracks:
  - id: t
    title: T
    participants: [a, b]
    issues:
      - id: x
        kind: integer
        range: [0, 2]
        status_quo: 0
        positions:
          a: {salience: 1, ideal: 2}
          b: {salience: 1, ideal: 0}
"""


def test_a_factor_moves_its_estimates_together():
    """Gaussian copula: normal scores z = l F + sqrt(1 - l^2) e, so two estimates with loadings
    l1, l2 have correlation l1 * l2 when both are normal (a linear map of z), a negative loading
    moves against the others, the factor's own draws correlate l with each, and an estimate
    without a factor moves on its own. Rank correlations survive any distribution: Spearman's
    rho of a normal pair with correlation r is (6 / pi) arcsin(r / 2). (The normals are cut at 0,
    five standard deviations below their means: no draw falls there.)"""
    scenario = multitrack.loads(FACTOR, "factor.yaml")
    run = RunDraws(scenario, 20_000, 7)
    values = run.values()
    cap = {a.id: values(a.capability) for a in scenario.actors}
    r = np.corrcoef([cap["a"], cap["b"], cap["c"], cap["e"]])
    se = 0.02  # about 2.5 standard errors at 20,000 draws
    assert r[0, 1] == pytest.approx(0.8 * 0.6, abs=se)
    assert r[0, 2] == pytest.approx(0.8 * -0.7, abs=se) and r[1, 2] == pytest.approx(0.6 * -0.7, abs=se)
    assert abs(r[0, 3]) < se  # e loads on no factor
    f = run.factor_draws()[:, 0]
    assert np.corrcoef(f, cap["a"])[0, 1] == pytest.approx(0.8, abs=se)
    assert np.corrcoef(f, cap["c"])[0, 1] == pytest.approx(-0.7, abs=se)
    rho = spearmanr(cap["a"], cap["d"])[0]  # normal with uniform: ranks only
    assert rho == pytest.approx(6 / math.pi * math.asin(0.8 * 0.9 / 2), abs=se)
    again = RunDraws(scenario, 20_000, 7).values()
    assert all(np.array_equal(again(a.capability), cap[a.id]) for a in scenario.actors)


@pytest.mark.parametrize("loading, sign", [(0.9, 1), (-0.9, -1)])
def test_factors_analysis_lists_the_estimates_and_their_effect_on_the_headlines(loading, sign):
    scenario = shared(loading)
    results = multitrack.analyze(scenario, only=["forecast", "process", "factors"], draws=400, seed=2)
    (factor,) = results["factors"].factors
    assert factor.id == "hard" and [(e.field, e.loading) for e in factor.estimates] == [
        ("tracks[0].issues[1].positions.a.salience", loading)]
    by = {(e.analysis, e.headline): e for e in factor.effects}
    agreed = by[("process", "t agreed (parallel)")]
    forecast = by[("forecast", "quota (mean forecast)")]
    # a's salience is a monotone function of the factor plus noise (loading 0.9): the track agrees,
    # and the forecast rises, more often when the factor is high (low, for a negative loading)
    assert sign * agreed.rank_correlation > 0.5 and sign * (agreed.high_third - agreed.low_third) > 0.5
    assert sign * forecast.rank_correlation > 0.8
    data = results["factors"].to_dict()
    assert data["factors"][0]["estimates"][0]["loading"] == loading
    assert results["factors"].rows()[0]["moves"].startswith("a salience")


def test_per_draw_results_stay_out_of_results_json_but_on_the_result():
    scenario = shared()
    results = multitrack.analyze(scenario, only=["process", "forecast"], draws=200, seed=1)
    data = results["process"].to_dict()["per_draw"]
    assert data == {"draws": 200, "seed": 1, "shapes": data["shapes"]}
    assert data["shapes"]["parallel.agreed"] == [200, 1]
    assert len(json.dumps(results["process"].to_dict())) < 20_000
    frame = results["forecast"].per_draw.to_frame()
    assert frame.shape[0] == 200 and frame.index.name == "draw"


def test_the_run_draws_and_seed_reach_every_sampling_analysis():
    scenario = multitrack.load("european-security")
    results = multitrack.analyze("european-security", draws=30, seed=4,
                                 only=["forecast", "process", "deterrence", "escalation", "negotiation"],
                                 options={"negotiation": {"max_draws": 3}})
    assert {n: (r.draws, r.seed) for n, r in results.items()} == {
        "forecast": (30, 4), "process": (30, 4), "deterrence": (30, 4), "escalation": (30, 4),
        "negotiation": (3, 4)}
    assert scenario.id == "european-security"


def test_per_analysis_draws_are_refused_with_one_line():
    from multitrack.analysis import AnalysisOptionError

    with pytest.raises(AnalysisOptionError, match=r"^process.seed: draws and seed belong to the whole"):
        multitrack.analyze("border-talks", only=["process"], options={"process": {"seed": 5}})
    with pytest.raises(AnalysisOptionError, match="draws must be from 1"):
        multitrack.analyze("border-talks", only=["process"], draws=0)


def _cli(*args, cwd):
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def test_an_unknown_factor_is_one_located_line_and_exit_2(tmp_path):
    text = FACTOR.replace("factor: {id: hard, loading: -0.7}", "factor: {id: soft, loading: -0.7}")
    (tmp_path / "bad.yaml").write_text(text)
    for command in (("validate", "bad.yaml"), ("analyze", "bad.yaml", "--no-record")):
        proc = _cli(*command, cwd=tmp_path)
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert lines[0].startswith("bad.yaml:12:") and "actors[2].capability.factor.id" in lines[0]
        assert "factor 'soft' is not in the factors list (hard)" in lines[0]


def test_a_fixed_value_cannot_load_on_a_factor():
    text = FACTOR.replace("{dist: pert, low: 0, mode: 1, high: 4}",
                          "{value: 2, factor: {id: hard, loading: 1}}")
    with pytest.raises(multitrack.ScenarioError, match="fixed value does not vary"):
        multitrack.loads(text, "fixed.yaml")


def test_analyze_records_the_runs_draws_and_seed(tmp_path):
    db = tmp_path / "runs.sqlite"
    proc = _cli("analyze", "border-talks", "--draws", "60", "--seed", "8", "--out", str(tmp_path / "r"),
                "--db", str(db), "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    from multitrack.store import RunRegistry

    (run,) = RunRegistry(str(db)).list()
    assert (run.parameters["draws"], run.parameters["seed"]) == (60, 8)
    doc = json.loads((tmp_path / "r" / "results.json").read_text())
    process = doc["analyses"]["process"] if "analyses" in doc else doc["process"]
    assert (process["draws"], process["seed"]) == (60, 8)
