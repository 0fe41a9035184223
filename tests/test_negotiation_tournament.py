"""Issue 14, tournaments: intervals only over the inputs' uncertainty, said as what they are;
identical draws played once; no ranking by utility where no strategy reaches a deal."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from markupsafe import escape

import multitrack
from multitrack.negotiation import (NegotiationDomain, ProtocolConfig, Strategy, TournamentConfig,
                                    assignments_of, negotiate_many, run_tournament)
from multitrack.report.negotiation_section import NO_DEAL, negotiation_section, strategy_table, track_notes
from multitrack.scenario import builtins

STRATEGIES = [Strategy.boulware(), Strategy.conceder(), Strategy.hardliner()]


def certain_primer(extra: str = "") -> str:
    """The primer with its one uncertain estimate (south's salience on the zone) made certain."""
    text = builtins.text("border-talks")
    text = text.replace("salience: {dist: pert, low: 0.5, mode: 0.7, high: 0.9}   # an uncertain estimate",
                        "salience: 0.7")
    assert "dist:" not in text
    return text.replace("red_lines: [{below: 5}]", extra) if extra else text


def cli(*args, cwd=None):
    env = {"COLUMNS": "250", "PATH": "/usr/bin:/bin"}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=300, check=False)


def random_domain(seed: int = 9, n: int = 60) -> NegotiationDomain:
    rng = np.random.default_rng(seed)
    return NegotiationDomain.from_utilities(rng.uniform(size=(n, 2)),
                                            reservation=rng.uniform(0.2, 0.5, size=2), shape=(n // 6, 6))


# ---- item 11 -----------------------------------------------------------------------------------------
def test_identical_draws_are_played_once_and_carry_no_interval():
    base = random_domain()
    one = run_tournament(base.utility[None], STRATEGIES, domain=base, seed=4)
    many = run_tournament(np.repeat(base.utility[None], 200, axis=0), STRATEGIES, domain=base, seed=4)
    assert many.draws == 1
    for a, b in zip(one.strategies, many.strategies):
        assert a == b  # 200 copies of the same negotiations tell nothing more than one
        for s in (b.agreement, b.utility, b.gain):
            assert s.low is None and s.high is None and s.mc_error is None
    assert (many.draws_given, many.uncertain) == (200, False)


def test_the_interval_is_the_spread_of_the_per_draw_share():
    base = random_domain()
    rng = np.random.default_rng(1)
    draws = base.utility[None] * rng.uniform(0.6, 1.4, size=(30, 1, 2))
    cfg = TournamentConfig(protocol=ProtocolConfig(deadline=30))
    res = run_tournament(draws, STRATEGIES, domain=base, config=cfg, seed=4)
    assert res.draws == 30
    pool = assignments_of(STRATEGIES, 2, cfg)
    per_draw = {s.label: [] for s in STRATEGIES}
    for u in draws:  # the deterministic strategies by hand, draw by draw
        out = negotiate_many(base.with_utilities(u), pool, config=cfg.protocol)
        for s in STRATEGIES:
            seats = [(i, p) for i, a in enumerate(pool) for p in range(2) if a[p].label == s.label]
            per_draw[s.label].append(np.mean([out["agreed"][i] for i, _ in seats]))
    for s in res.strategies:
        x = np.asarray(per_draw[s.strategy])
        low, high = np.percentile(x, [2.5, 97.5])
        assert (s.agreement.value, s.agreement.low, s.agreement.high) == pytest.approx((x.mean(), low, high))
        assert s.agreement.mc_error == pytest.approx(x.std(ddof=1) / np.sqrt(x.size))


def test_tournament_command_on_certain_inputs(tmp_path):
    (tmp_path / "certain.yaml").write_text(certain_primer())
    out = cli("tournament", "certain.yaml", "--draws", "200", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "certain inputs, played once (not 200 times)" in text
    assert "No uncertain input: exact shares over the 16 assignments, so no interval." in text
    assert "%-" not in text and "%)" not in text


def test_tournament_command_on_uncertain_inputs_says_what_its_interval_is(tmp_path):
    out = cli("tournament", "border-talks", "--draws", "20", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "the spread over 20 draws of the uncertain inputs" in text and "not a confidence interval" in text
    assert "95% CI" not in text


def test_analysis_on_certain_inputs_gives_exact_shares():
    scenario = multitrack.loads(certain_primer())
    res = multitrack.analyze(scenario, only=["negotiation"], options={"negotiation": {"max_draws": 50}})
    t = res["negotiation"].track("border")
    assert (t.uncertain, t.draws) == (False, 1)
    assert all(s.agreement.low is None for s in t.strategies)
    assert track_notes(t) == ["No uncertain input: exact shares over the 16 assignments, so no interval."]
    html = negotiation_section(res["negotiation"], scenario)
    assert "No uncertain input" in html and "95%" not in html


def test_analysis_on_one_draw_of_uncertain_inputs_gives_no_spread():
    scenario = multitrack.load("border-talks")
    res = multitrack.analyze(scenario, only=["negotiation"], options={"negotiation": {"max_draws": 1}})
    t = res["negotiation"].track("border")
    assert (t.uncertain, t.draws) == (True, 1)
    assert track_notes(t)[-1] == "One draw of the uncertain inputs: no spread can be given."


# ---- item 12 -----------------------------------------------------------------------------------------
# South's red line moved to "at least 35 km" while north's stays "at most 30 km": no outcome is
# acceptable to both, so no strategy can reach a deal.
NO_DEAL_TRACK = "red_lines: [{below: 35}]"


def test_no_strategy_is_ranked_where_none_reaches_a_deal(tmp_path):
    (tmp_path / "blocked.yaml").write_text(certain_primer(NO_DEAL_TRACK))
    out = cli("tournament", "blocked.yaml", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert NO_DEAL in text
    assert "own utility" not in text and "gain" not in text


def test_the_analysis_ranks_no_strategy_without_deals():
    scenario = multitrack.loads(certain_primer(NO_DEAL_TRACK))
    res = multitrack.analyze(scenario, only=["negotiation"], options={"negotiation": {"max_draws": 3}})
    t = res["negotiation"].track("border")
    assert not t.any_deal
    cols, rows = strategy_table(t.strategies, t.any_deal)
    assert cols == ["strategy", "talks", "deals"] and all(r[2] == "0%" for r in rows)
    assert track_notes(t)[0] == NO_DEAL
    html = negotiation_section(res["negotiation"], scenario)
    assert str(escape(NO_DEAL)) in html and "Own utility" not in html


def test_with_deals_the_table_keeps_its_utility_column():
    base = random_domain()
    res = run_tournament(base, STRATEGIES, seed=1)
    assert res.any_deal
    cols, rows = strategy_table(res.strategies, res.any_deal)
    assert cols[3] == "own utility (0-1)" and len(rows) == 3


def test_a_figure_no_draw_changes_says_so():
    from multitrack.negotiation.tournament import Spread
    from multitrack.report.negotiation_section import figure_text, interval_note

    assert figure_text(Spread(0.88, 0.88, 0.88, 0.0, 10), percent=True) == "88% (every draw)"
    assert figure_text(Spread(0.5, 0.4, 0.6, 0.03, 10), percent=True) == "50% (40%-60%)"
    note = interval_note(True, 10, 32, deal_error=0.0)
    assert "No deal share changes from draw to draw" in note and "standard error" not in note
    assert "standard error of a deal share is at most 2.0%" in interval_note(True, 10, 32, deal_error=0.02)
