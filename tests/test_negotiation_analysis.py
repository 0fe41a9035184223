"""The negotiation analysis on scenarios, and the negotiate/tournament commands."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest

import multitrack
from multitrack.datasets import shared_data_dir

GENIUS = (shared_data_dir() or multitrack.datasets.CHECKOUT_DATA) / "genius"


def cli(*args, cwd=None):
    env = {"COLUMNS": "200", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=300, check=False)


@pytest.fixture(scope="module")
def border():
    s = multitrack.load("border-talks")
    return multitrack.analyze(s, only=["agreement", "negotiation"],
                              options={"negotiation": {"max_draws": 5}})


def test_runs_and_tournament_on_a_bilateral_track(border):
    r = border["negotiation"]
    t = r.track("border")
    assert t.protocol == "alternating offers" and t.parties == ("north", "south")
    assert {run.strategies[0] for run in t.runs} == {"boulware", "linear", "conceder", "hardliner"}
    assert not t.run("hardliner").agreed  # two hard-liners never meet unless their best outcome is shared
    assert t.run("conceder").agreed and t.run("conceder").round <= t.run("boulware").round
    for run in t.runs:  # offer traces are recorded for the report
        assert run.offers and all(len(o.utility) == 2 for o in run.offers)
        if run.agreed:
            assert min(run.gain) >= -1e-9  # nobody agrees to less than its no-deal utility
    assert {s.strategy for s in t.strategies} == {"boulware", "linear", "conceder", "hardliner"}
    assert all(0 <= s.agreement.value <= 1 for s in t.strategies)
    assert len(t.assignments) == 16  # 4 strategies for 2 seats


def test_seed_repeats_the_tournament():
    s = multitrack.load("border-talks")
    opts = {"negotiation": {"max_draws": 4, "strategies": "boulware,random"}}
    a = multitrack.analyze(s, only=["negotiation"], options=opts, seed=3)["negotiation"].track("border")
    b = multitrack.analyze(s, only=["negotiation"], options=opts, seed=3)["negotiation"].track("border")
    assert a.strategies == b.strategies and a.assignments == b.assignments


def test_unknown_strategy_setting_is_refused():
    from multitrack.analysis import AnalysisOptionError

    with pytest.raises(AnalysisOptionError, match="unknown strategy"):
        multitrack.analyze(multitrack.load("border-talks"), only=["negotiation"],
                           options={"negotiation": {"strategies": "boulware,psychic"}})


def test_negotiate_command(tmp_path):
    out = cli("negotiate", "border-talks", "-s", "boulware,conceder", "--offers", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "border: agreed in round" in out.stdout and "round    1" in out.stdout
    bad = cli("negotiate", "border-talks", "-s", "boulware,psychic", cwd=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "psychic" in bad.stderr
    wrong = cli("negotiate", "border-talks", "-s", "boulware,conceder,linear", cwd=tmp_path)
    assert wrong.returncode == 2 and "3 given for 2 parties" in wrong.stderr


def test_tournament_command_writes_csv(tmp_path):
    out = cli("tournament", "border-talks", "--draws", "3", "--csv", "t.csv", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(open(tmp_path / "t.csv")))
    assert len(rows) == 16 and {"assignment", "agreement", "distance_nash"} <= set(rows[0])
    again = cli("tournament", "border-talks", "--draws", "3", "--csv", "t.csv", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr


@pytest.mark.skipif(not (GENIUS / "Laptop").is_dir(), reason="Genius domains not on this machine")
def test_negotiate_on_a_genius_domain(tmp_path):
    out = cli("negotiate", "--genius", str(GENIUS / "Laptop"), "-s", "boulware,conceder", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "agreed in round" in out.stdout and "buyer" in out.stdout and "seller" in out.stdout
