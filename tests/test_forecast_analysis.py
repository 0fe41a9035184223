"""The "forecast" analysis on scenario files: hand-computed compromise forecasts, the spread over
uncertain inputs, and the bargaining solutions placed beside the forecasts."""

from __future__ import annotations

import pytest

import multitrack
from multitrack.analysis import AnalysisOptionError

# Three actors on one continuous issue 0..100 (ideal points 10, 50, 90), capabilities 1, 2, 1
# and saliences 0.5, 0.5, 1: weights c*s = 0.5, 1, 1 (sum 2.5). Weighted mean
# = (0.5*10 + 1*50 + 1*90) / 2.5 = 145 / 2.5 = 58. Weighted median: sorted positions 10, 50,
# 90 with cumulative weights 0.5, 1.5, 2.5; half the total is 1.25, first reached at 50.
TEXT = """\
version: 1
id: tiny
title: Tiny forecast case
sources:
  - {{id: s, title: x, publisher: y, year: 2026}}
actors:
  - {{id: a, name: Aland, kind: state, capability: 1}}
  - {{id: b, name: Bland, kind: state, capability: {cap_b}}}
  - {{id: c, name: Cland, kind: state, capability: 1}}
tracks:
  - id: t
    title: Quota talks
    participants: [a, b, c]
    issues:
      - id: quota
        title: Quota
        kind: continuous
        range: [0, 100]
        status_quo: 0
        positions:
          a: {{salience: 0.5, ideal: 10, source: s}}
          b: {{salience: 0.5, ideal: 50, source: s}}
          c: {{salience: 1, ideal: 90, source: s}}
"""


def run(cap_b="2", seed=None, **options):
    s = multitrack.loads(TEXT.format(cap_b=cap_b))
    return multitrack.analyze(s, only=["agreement", "forecast"], draws=50, seed=seed,
                              options={"forecast": options})


def test_compromise_models_by_hand():
    f = run()["forecast"].issue("quota")
    assert f.model("mean").nominal == pytest.approx(58.0)
    assert f.model("median").nominal == pytest.approx(50.0)
    mean = f.model("mean")
    assert (mean.mean, mean.low, mean.high) == pytest.approx((58.0, 58.0, 58.0))
    assert f.weights == pytest.approx((0.2, 0.4, 0.4))
    for m in f.forecasts:  # every model stays within the actors' positions
        assert 10 - 1e-9 <= m.nominal <= 90 + 1e-9


def test_scaling_capabilities_leaves_the_compromise_unchanged():
    def mean_of(text):
        r = multitrack.analyze(multitrack.loads(text), only=["forecast"], draws=5)
        return r["forecast"].issue("quota").model("mean").nominal

    base = mean_of(TEXT.format(cap_b="2"))
    scaled = mean_of(TEXT.format(cap_b="20").replace("capability: 1}", "capability: 10}"))  # all x10
    skewed = mean_of(TEXT.format(cap_b="2").replace("capability: 1}", "capability: 10}"))  # a, c only
    assert scaled == pytest.approx(base) and skewed != pytest.approx(base)


def test_uncertain_capability_gives_an_interval_and_the_seed_repeats_it():
    a = run(cap_b="{dist: uniform, low: 1, high: 3}", seed=7)["forecast"].issue("quota").model("mean")
    b = run(cap_b="{dist: uniform, low: 1, high: 3}", seed=7)["forecast"].issue("quota").model("mean")
    # mean forecast with b's capability x in [1, 3]: (5 + 25x + 90) / (1.5 + 0.5x) runs from 60 to 56
    assert 56 - 1e-6 <= a.low < a.mean < a.high <= 60 + 1e-6
    assert a == b


def test_bargaining_solutions_sit_beside_the_forecasts():
    results = run()
    f = results["forecast"].issue("quota")
    nash = results["agreement"].track("t").solution("nash").outcome["quota"]
    assert f.solutions["nash"] == pytest.approx(nash)
    alone = multitrack.analyze(multitrack.loads(TEXT.format(cap_b="2")), only=["forecast"],
                               draws=5)["forecast"].issue("quota")
    assert alone.solutions == {}  # without the agreement analysis there is nothing to place


def test_models_setting_is_checked():
    f = run(models="mean,median")["forecast"]
    assert f.models == ("mean", "median")
    assert [m.model for m in f.issue("quota").forecasts] == ["mean", "median"]
    with pytest.raises(AnalysisOptionError, match="unknown model"):
        run(models="mean,oracle")


def test_builtin_scenario_forecasts_its_numeric_issues():
    s = multitrack.load("european-security")
    r = multitrack.analyze(s, only=["agreement", "forecast"])["forecast"]
    ids = {i.issue for i in r.issues}
    assert {"exercise-notice", "frontier-zone-depth", "accession-moratorium", "tripwire-force"} <= ids
    notice = r.issue("exercise-notice")
    assert notice.solutions["nash"] == 42.0
    assert notice.model("mean").low <= notice.model("mean").mean <= notice.model("mean").high
