"""The forecast models as model variants (issue 17, item 5): each issue's forecast carries the range
across the models run (a model range, not an interval) with the model at each end, led by the
backtest-best model; one model run gives no range and says the model choice is structural.

Hand-worked: two actors on one issue from -20 to 20, Aland at -20 (capability 1) and Bland at
20 (capability 3), saliences 1: weights 1 and 3. The weighted mean is (-20 + 3 * 20) / 4 = 10;
the weighted median is 20 (Bland holds 3 of the 4 units of weight). So the mean and the median
give 10 and 20: the model range is 10 (mean) - 20 (median), led by the mean (best in the
backtest of docs/forecasting.md)."""

from __future__ import annotations

import html

import pytest
from rich.console import Console

import multitrack
from multitrack.analysis import AnalysisOptionError
from multitrack.cli.terminal import show_result
from multitrack.forecast.backtest import BacktestReport, BacktestRow, BacktestSettings, Interval
from multitrack.forecast.variants import best_in_backtest, headline_model, model_range
from multitrack.report.html import render_html
from multitrack.report.markdown import render_markdown

TEXT = """\
version: 1
id: two
title: Two models, two answers
sources:
  - {id: s, title: x, publisher: y, year: 2026}
actors:
  - {id: a, name: Aland, kind: state, capability: 1}
  - {id: b, name: Bland, kind: state, capability: 3}
tracks:
  - id: t
    title: Quota talks
    participants: [a, b]
    issues:
      - id: quota
        title: Quota
        kind: continuous
        range: [-20, 20]
        status_quo: 0
        positions:
          a: {salience: 1, ideal: -20, source: s}
          b: {salience: 1, ideal: 20, source: s}
"""


def run(**options):
    scenario = multitrack.loads(TEXT)
    return scenario, multitrack.analyze(scenario, only=["forecast"], draws=20, seed=1,
                                        options={"forecast": options})


def test_model_range_by_hand():
    r = model_range({"mean": 10.0, "median": 20.0, "condorcet": 10.0}, "median")
    assert (r.low, r.high, r.width) == (10.0, 20.0, 10.0)
    assert r.low_models == ("mean", "condorcet") and r.high_models == ("median",)
    assert (r.headline_model, r.headline, r.models, r.kind) == ("median", 20.0, 3, "model range")
    assert model_range({"mean": 10.0}, "mean") is None  # one model: no range


def test_two_models_giving_10_and_20_give_the_range_10_to_20_with_the_models_named():
    scenario, results = run(models=["median", "mean"])
    result = results["forecast"]
    issue = result.issue("quota")
    assert issue.model("mean").nominal == pytest.approx(10.0)
    assert issue.model("median").nominal == pytest.approx(20.0)
    r = issue.model_range
    assert r is not None and (r.low, r.high) == (pytest.approx(10.0), pytest.approx(20.0))
    assert r.low_models == ("mean",) and r.high_models == ("median",)
    # the mean leads although listed second: it is the backtest-best
    assert result.lead == "mean" and r.headline == pytest.approx(10.0) and "backtest" in result.headline_reason
    assert "quota (mean forecast)" in result.headlines()
    rows = {row["model"]: row for row in result.rows()}
    assert rows["mean"]["headline"] and rows["median"]["model_range_high_models"] == "median"
    assert result.to_dict()["issues"][0]["model_range"]["low_models"] == ["mean"]
    # every renderer shows the range with the models named, and says it is not an interval
    md, _ = render_markdown(scenario, results)
    page = html.unescape(render_html(scenario, results))
    console = Console(record=True, width=220)
    show_result(console, "forecast", result, scenario)
    for text in (md, page, console.export_text()):
        assert "10.0 (compromise) – 20.0 (weighted median)" in text
        assert "not an interval" in text
    assert "from 10.0 (compromise) to 20.0 (weighted median)" in md


def test_one_forecast_model_gives_no_range_and_states_the_structural_choice():
    scenario, results = run(models=["median"])
    result = results["forecast"]
    assert result.issue("quota").model_range is None and result.lead == "median"
    assert "the first model run" in result.headline_reason  # the backtest-best (mean) did not run
    assert any("structural" in n and "no model range" in n for n in result.notes)
    md, _ = render_markdown(scenario, results)
    assert "Model range" not in md and "structural assumption" in md


def test_the_headline_follows_the_settings_or_a_given_backtest():
    _, results = run(models=["mean", "median"], headline="median")
    assert results["forecast"].lead == "median"
    assert results["forecast"].issue("quota").model_range.headline == pytest.approx(20.0)
    with pytest.raises(AnalysisOptionError):
        run(models=["mean"], headline="median")
    iv = Interval
    report = BacktestReport(rows=(BacktestRow("mean", 10, iv(25.0, 24, 26), None),
                                  BacktestRow("condorcet", 10, iv(26.0, 24, 28), None, cv_mae=iv(24.0, 22, 26)),
                                  BacktestRow("median", 10, iv(23.0, 21, 25), None)),
                            issues=10, proposals=3, skipped={}, settings=BacktestSettings())
    assert best_in_backtest(report, ("mean", "condorcet")) == "condorcet"  # out of sample: 24 < 25
    assert best_in_backtest(report, ("mean", "condorcet", "median")) == "median"
    assert headline_model(("mean", "challenge"), best=best_in_backtest(report, ("mean",))).model == "mean"
    assert headline_model(("challenge",), best=None).reason.startswith("the first model run")


def test_the_built_in_scenario_reports_a_model_range_on_every_issue():
    scenario = multitrack.load("european-security")
    result = multitrack.analyze(scenario, only=["forecast"], draws=200, seed=7)["forecast"]
    assert result.lead == "mean" and len(result.models) == 4
    for issue in result.issues:
        r = issue.model_range
        centrals = [f.nominal for f in issue.forecasts]
        assert r is not None and r.low == min(centrals) and r.high == max(centrals)
        assert issue.model(r.low_models[0]).nominal == r.low and issue.model(r.high_models[0]).nominal == r.high
