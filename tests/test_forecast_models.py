"""Forecast models: hand-computed three-actor cases, invariances, and the readers."""

from __future__ import annotations

import itertools
from random import Random

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from multitrack.errors import ScenarioError
from multitrack.forecast import (
    MODELS,
    ChallengeConfig,
    CondorcetConfig,
    challenge_round,
    expected_utility,
    forecast,
    probabilistic_condorcet,
    run_challenge,
    run_condorcet,
    weighted_mean,
    weighted_median,
)
from multitrack.forecast.readers import read_ktab, read_ktab_text

# One issue, three actors on a 0-100 scale.
X = [0.0, 50.0, 100.0]


def test_weighted_mean_by_hand():
    # weights c*s: 2*1 = 2, 1*0.5 = 0.5, 1*1 = 1 -> (0*2 + 50*0.5 + 100*1) / 3.5 = 125/3.5
    assert weighted_mean(X, [1, 0.5, 1], [2, 1, 1]) == pytest.approx(125 / 3.5)


def test_weighted_median_by_hand():
    # weights 2, 0.5, 1 (total 3.5, half 1.75): the cumulative weight reaches 1.75 at 0
    assert weighted_median(X, [1, 0.5, 1], [2, 1, 1]) == 0.0
    # weights 1, 1, 1: cumulative 1, 2 -> reaches 1.5 at 50
    assert weighted_median(X, [1, 1, 1], [1, 1, 1]) == 50.0
    # weights 1, 0, 1: exactly half at 0 -> midpoint of 0 and the next weighted position, 100
    assert weighted_median(X, [1, 0, 1], [1, 1, 1]) == 50.0


def test_compromise_skips_missing_positions_and_batches():
    pos = np.array([[0, 50, 100], [0, np.nan, 100]])
    out = weighted_mean(pos, [[1, 1, 1], [1, np.nan, 3]], [1, 1, 1])
    # row 2: (0*1 + 100*3) / 4 = 75
    assert out == pytest.approx([50.0, 75.0])
    assert np.isnan(weighted_mean([10.0, 20.0], [0, 0], [1, 1]))  # nobody carries weight


def test_challenge_round_by_hand():
    # A at 0 (c=1, s=1), B at 50 (c=1, s=1), C at 100 (c=2, s=0.5): every weight c*s is 1, range 100.
    cfg = ChallengeConfig(salience_scale=1.0, risk=False, q=1.0)
    r = challenge_round(X, [1, 1, 0.5], [1, 1, 2], config=cfg)
    # Votes for B (50) against A (0): A -0.5, B +0.5, C +0.5 -> +0.5.
    assert r.votes[0, 1, 0] == pytest.approx(0.5)
    assert r.votes[0, 0, 1] == pytest.approx(-0.5)
    # Median voter: total distance-weighted score 0: -1.5, 50: -1.0, 100: -1.5 -> 50.
    assert r.median[0] == pytest.approx(50.0)
    # P(A beats B): only A votes for 0 over 50 (+0.5); B and C against (0.5 each) -> 0.5 / 1.5.
    assert r.prob[0, 0, 1] == pytest.approx(1 / 3)
    assert r.prob[0, 1, 0] == pytest.approx(2 / 3)
    # P(A beats C): A for (+1), C against (1), B indifferent -> 1/2.
    assert r.prob[0, 0, 2] == pytest.approx(0.5)
    # EU of A challenging B, r = 1, Q = 1 (U_sq = 2 - 4*0.5 = 0): distance 0.5 ->
    # U_s = 2 - 4*0.25 = 1, U_f = 2 - 4*0.75 = -1; s_B = 1: 1/3*1 + 2/3*(-1) = -1/3.
    assert r.eu[0, 0, 1] == pytest.approx(-1 / 3)
    # EU of A challenging C: distance 1 -> U_s = 2, U_f = -2; s_C = 0.5:
    # 0.5*(0.5*2 + 0.5*(-2)) + 0.5*2 = 1.
    assert r.eu[0, 0, 2] == pytest.approx(1.0)
    # Offers. To A: B's EU against A is 2/3*1 + 1/3*(-1) = 1/3 > 0 and A's own against B is -1/3;
    # |-1/3| >= 1/3 -> A capitulates to 50 (C's EU against A is 0: no offer).
    # To C: A's EU against C is 1 > 0 while C's against A is 0 -> a compromise of fraction 0/1,
    # i.e. no move; B's against C is 0.5*(2/3 - 1/3) + 0.5*1 = 2/3 and C's against B is -1/3 ->
    # a compromise half way, to 75. C accepts the offer that moves it least: it stays at 100.
    # To B: A's and C's EUs against B are -1/3: no offer.
    assert r.new_positions[0] == pytest.approx([50.0, 50.0, 100.0])


def test_challenge_final_forecasts_that_can_be_reasoned_out():
    cfg = ChallengeConfig(salience_scale=1.0, risk=False)
    # Mirror symmetry about 50: the forecast must be 50.
    assert expected_utility(X, [1, 1, 1], [1, 1, 1], config=cfg) == pytest.approx(50.0)
    # A holds more than half the weight (10 of 12) and nobody gains from challenging it:
    # B's EU against A is 1/6*1 + 5/6*(-1) < 0, C's is 1/11*2 + 10/11*(-2) < 0; A never moves,
    # so A's position stays the weighted median.
    assert expected_utility(X, [1, 1, 1], [10, 1, 1], config=cfg) == pytest.approx(0.0)


def test_challenge_bdm_1994_input_table():
    # Input of Bueno de Mesquita's (1994) emission-standards example as tabulated by Scholz et al.
    # (2011, Table 1): position = years until the standard applies. We did not find a published
    # round-by-round output to compare with, so this is NOT a reproduction of a published number:
    # it checks the hand-computable first step. Weights c*s: at 4: .064+.006+.128+.05 = .248,
    # at 7: .032+.005+.056 = .093, at 10: .096+.096+.144 = .336; half of .677 is .3385, reached at 7.
    x = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7.0])
    c = np.array([.08, .08, .03, .16, .16, .16, .16, .05, .05, .08])
    s = np.array([.8, .4, .2, .8, .6, .6, .9, .1, 1.0, .7])
    cfg = ChallengeConfig(salience_scale=1.0)
    assert challenge_round(x, s, c, config=cfg).median[0] == pytest.approx(7.0)
    res = run_challenge(x, s, c, config=cfg)
    assert 4.0 <= res.forecast[0] <= 10.0
    assert np.all((res.positions >= 4.0) & (res.positions <= 10.0))


def test_condorcet_by_hand():
    # Equal weights, options 0, 50, 100. Support for 50 over 0: B 0.5 + C 0.5 = 1, for 0 over 50: A 0.5
    # -> P(50 beats 0) = 2/3; 0 vs 100: 1 against 1 -> 1/2. A challenger is drawn from the two others.
    # Stationary distribution by symmetry (a, 2a, a) -> (1/4, 1/2, 1/4).
    r = run_condorcet(X, [1, 1, 1], [1, 1, 1])
    assert r.beats[0, 1, 0] == pytest.approx(2 / 3)
    assert r.probabilities[0] == pytest.approx([0.25, 0.5, 0.25])
    # A weighs 2: P(50 beats 0) = 1/2, P(0 beats 100) = 2/3, P(50 beats 100) = 3/4. Balance equations
    # 17c = 4a + 3b and 5a = 3b + 4c give (a, b, c) = (21, 23, 9)/53; forecast (23*50 + 9*100)/53.
    r = run_condorcet(X, [1, 1, 1], [2, 1, 1])
    assert r.probabilities[0] == pytest.approx(np.array([21, 23, 9]) / 53)
    assert probabilistic_condorcet(X, [1, 1, 1], [2, 1, 1]) == pytest.approx(2050 / 53)


def test_condorcet_status_quo_option():
    # the status quo as a fourth option can only pull the forecast towards itself
    plain = probabilistic_condorcet(X, [1, 1, 1], [2, 1, 1])
    with_sq = probabilistic_condorcet(X, [1, 1, 1], [2, 1, 1], status_quo=100.0,
                                      config=CondorcetConfig(include_status_quo=True))
    assert with_sq > plain


issue = st.integers(2, 8).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0, 100), min_size=n, max_size=n),
    st.lists(st.floats(0.05, 1), min_size=n, max_size=n),
    st.lists(st.floats(0.05, 10), min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None)
@given(issue, st.floats(0.01, 1000))
def test_compromise_is_invariant_to_scaling_capabilities(data, k):
    x, s, c = data
    c2 = [k * v for v in c]
    assert weighted_mean(x, s, c2) == pytest.approx(weighted_mean(x, s, c), abs=1e-9)
    assert weighted_median(x, s, c2) == pytest.approx(weighted_median(x, s, c), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(issue, st.randoms(use_true_random=False))
@example(([1e-157, 20.0, 0.0, 100.0], [0.5, 0.75, 1.0, 0.25], [3.0, 3.0, 3.0, 3.0]), Random(4))
def test_forecasts_lie_in_range_and_ignore_actor_order(data, rnd):
    x, s, c = data
    perm = list(range(len(x)))
    rnd.shuffle(perm)
    for name in MODELS:
        cfg = {"salience_scale": 1.0} if name == "challenge" else None
        f = forecast(name, x, s, c, config=cfg)
        assert min(x) - 1e-9 <= f <= max(x) + 1e-9, name
        g = forecast(name, [x[i] for i in perm], [s[i] for i in perm], [c[i] for i in perm], config=cfg)
        assert g == pytest.approx(f, abs=1e-6), name


# Positions, saliences and capabilities from a few round values, so that expected utilities tie
# exactly and positions coincide or differ by 1e-157 (rounding then depends on the actors' order).
tied_issue = st.integers(3, 5).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from([0.0, 1e-157, 20.0, 50.0, 100.0]), min_size=n, max_size=n),
    st.lists(st.sampled_from([0.25, 0.5, 0.75, 1.0]), min_size=n, max_size=n),
    st.lists(st.sampled_from([1.0, 2.0, 3.0]), min_size=n, max_size=n)))


def _every_order(x, s, c, cfg):
    """The challenge forecasts of the issue with its actors in every order (one row per order)."""
    perms = np.array(list(itertools.permutations(range(len(x)))))
    out = expected_utility(np.asarray(x)[perms], np.asarray(s)[perms], np.asarray(c)[perms], config=cfg)
    return set(np.round(out, 6).tolist())


@settings(max_examples=60, deadline=None)
@given(tied_issue)
def test_challenge_ignores_actor_order_when_utilities_tie(data):
    x, s, c = data
    for cfg in (ChallengeConfig(salience_scale=1.0), ChallengeConfig(salience_scale=1.0, offer_choice="strongest"),
                ChallengeConfig(salience_scale=1.0, q=0.5, t=0.5)):
        assert len(_every_order(x, s, c, cfg)) == 1


@pytest.mark.parametrize("x, s, c", [
    # two actors 1e-157 apart: one position, not a contest decided by rounding
    ([1e-157, 20.0, 0.0, 100.0], [0.5, 0.75, 1.0, 0.25], [3.0, 3.0, 3.0, 3.0]),
    # the actors at 20 and 50 expect exactly as much from challenging each other (EU 0.239 with
    # risk exponents): whether 20 loses that conflict must not turn on rounding
    ([0.0, 20.0, 50.0], [0.5, 0.5, 1.0], [1.0, 3.0, 1.0]),
])
def test_challenge_forecast_is_the_same_in_every_actor_order(x, s, c):
    cfg = ChallengeConfig(salience_scale=1.0)
    forecasts = _every_order(x, s, c, cfg)
    assert len(forecasts) == 1
    # positions 1e-157 apart are one position: the same forecast as with both at exactly 0
    same = [0.0 if v == 1e-157 else v for v in x]
    assert forecasts == _every_order(same, s, c, cfg)


def test_batch_equals_one_issue_at_a_time():
    rng = np.random.default_rng(3)
    pos = rng.uniform(0, 100, (6, 5))
    pos[rng.random((6, 5)) < 0.3] = np.nan
    pos[:, 0] = rng.uniform(0, 100, 6)
    sal = rng.uniform(10, 100, (6, 5))
    cap = rng.uniform(1, 5, 5)
    for name in MODELS:
        batch = forecast(name, pos, sal, cap)
        for row in range(6):
            keep = ~np.isnan(pos[row])
            one = forecast(name, pos[row][keep], sal[row][keep], cap[keep])
            assert batch[row] == pytest.approx(one, abs=1e-9), name


def test_bad_model_inputs_raise():
    with pytest.raises(ValueError):
        forecast("nope", X, [1, 1, 1], [1, 1, 1])
    with pytest.raises(ValueError):
        weighted_mean(X, [1, 1], [1, 1, 1])
    with pytest.raises(ValueError):
        weighted_mean(X, [1, -1, 1], [1, 1, 1])
    with pytest.raises(ValueError):  # saliences above the scale are not probabilities
        expected_utility(X, [1, 1, 150], [1, 1, 1])


# --- KTAB actor CSV ----------------------------------------------------------------------------

SAMPLE = """Harbour fees,"Port fee negotiation, two dimensions",3,2,
Actor,Description,Power,Fee level,Fee salience,Timing,Timing salience,
CITY,City council,60,30,80,20,20,
PORT,Port authority,40,70,60,90,40,
SHIP,"Shipping lines, as a group",25,100,90,50,10,
"""


def test_ktab_reader_reads_my_sample(tmp_path):
    path = tmp_path / "harbour.csv"
    path.write_text(SAMPLE)
    k = read_ktab(path)
    assert k.name == "Harbour fees" and k.actors == ("CITY", "PORT", "SHIP")
    assert k.dimensions == ("Fee level", "Timing")
    assert k.descriptions[2] == "Shipping lines, as a group"
    assert k.power.tolist() == [60, 40, 25]
    assert k.positions[0].tolist() == [30, 70, 100] and k.saliences[1].tolist() == [20, 40, 10]
    # weights 60*80, 40*60, 25*90 = 4800, 2400, 2250 -> mean (144000 + 168000 + 225000) / 9450
    assert weighted_mean(k.positions[0], k.saliences[0], k.power) == pytest.approx(537000 / 9450)


@pytest.mark.parametrize("text, where", [
    ("", "<input>:1"),
    ("S,d,x,1\nActor,Description,Power,P,S\n", "<input>:1:5"),
    ("S,d,2,1\nActor,Description,Power,P,S\nA,a,1,2,3\n", "<input>:4"),
    ("S,d,1,1\nActor,Description,Power,P\nA,a,1,2\n", "<input>:2"),
    ("S,d,1,1\nActor,Description,Power,P,S\nA,a,1,zz,3\n", "<input>:3:7"),
    ("S,d,1,1\nActor,Description,Power,P,S\nA,a,-1,2,3\n", "<input>:3:5"),
])
def test_ktab_reader_locates_problems(text, where):
    with pytest.raises(ScenarioError) as err:
        read_ktab_text(text)
    message = str(err.value)
    assert message.startswith(where + ":") and "\n" not in message


def test_ktab_missing_file_is_one_line(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        read_ktab(tmp_path / "none.csv")


def test_forecast_command_on_a_ktab_file(tmp_path):
    """Weighted means by hand: fee level (4800*30 + 2400*70 + 2250*100) / 9450 = 56.83; timing
    (1200*20 + 1600*90 + 250*50) / 3050 = 59.18 (weights power x salience)."""
    import subprocess
    import sys

    (tmp_path / "harbour.csv").write_text(SAMPLE)
    out = subprocess.run([sys.executable, "-m", "multitrack", "forecast", "harbour.csv", "-m", "mean", "-m", "median"],
                         cwd=tmp_path, capture_output=True, text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert "56.83" in out.stdout and "59.18" in out.stdout and "Harbour fees" in out.stdout
    (tmp_path / "bad.csv").write_text(SAMPLE.replace("60,30,80", "60,thirty,80"))
    bad = subprocess.run([sys.executable, "-m", "multitrack", "forecast", "bad.csv"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "bad.csv" in bad.stderr


ZONE_TWO = """Border zone,Two dimensions,4,2,
Actor,Description,Power,Zone,Zone salience,Fees,Fees salience,
A,a,40,0,10,20,90,
B,b,30,90,30,60,70,
C,c,10,40,30,80,70,
D,d,20,50,20,10,80,
"""
ZONE_ONE = """Border zone,Zone alone,4,1,
Actor,Description,Power,Zone,Zone salience,
A,a,40,0,10,
B,b,30,90,30,
C,c,10,40,30,
D,d,20,50,20,
"""


def _forecast_cli(tmp_path, text, *args):
    import subprocess
    import sys

    (tmp_path / "k.csv").write_text(text)
    return subprocess.run([sys.executable, "-m", "multitrack", "forecast", "k.csv", *args], cwd=tmp_path,
                          capture_output=True, text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
                          check=False)


def _row(stdout: str, dimension: str) -> list[str]:
    line = next(ln for ln in stdout.splitlines() if ln.strip("│ ").startswith(dimension))
    return [cell.strip() for cell in line.strip("│").split("│")][1:]


def test_ktab_dimension_is_forecast_alone_on_the_file_scale(tmp_path):
    """The Zone dimension's forecasts do not depend on the Fees dimension beside it. Saliences
    are read on KTAB's 0-100 scale, not on the largest salience of the file (90 with Fees, 30
    alone), which made the challenge model give 40 with Fees and 90 alone. The weighted mean by
    hand: weights 40*10, 30*30, 10*30, 20*20 = 400, 900, 300, 400; (90*900 + 40*300 + 50*400) / 2000
    = 56.5."""
    both = _forecast_cli(tmp_path, ZONE_TWO)
    alone = _forecast_cli(tmp_path, ZONE_ONE)
    assert both.returncode == 0 and alone.returncode == 0, both.stderr + alone.stderr
    assert _row(both.stdout, "Zone") == _row(alone.stdout, "Zone")
    mean, _, challenge, _ = _row(alone.stdout, "Zone")
    assert mean == "56.50"
    k = read_ktab_text(ZONE_ONE)
    assert k.scale == 100
    assert float(challenge) == pytest.approx(
        expected_utility(k.positions[0], k.saliences[0], k.power, config=ChallengeConfig(salience_scale=100)),
        abs=0.005)
    assert "each dimension forecast as an issue of its own" in alone.stdout


#: ZONE_ONE with every position and salience divided by 10: a file on a 0-10 scale.
ZONE_TEN = """Border zone,Zone alone on 0-10,4,1,
Actor,Description,Power,Zone,Zone salience,
A,a,40,0,1,
B,b,30,9,3,
C,c,10,4,3,
D,d,20,5,2,
"""


@pytest.mark.parametrize("text, old, new, scale, message", [
    (ZONE_TWO, "A,a,40,0,10,20,90,", "A,a,40,120,10,20,90,", 100,
     "<input>:3:8: Zone: position 120 lies outside the scale 0-100 of positions and saliences"),
    (ZONE_TWO, "A,a,40,0,10,20,90,", "A,a,40,-1,10,20,90,", 100,
     "<input>:3:8: Zone: position -1 lies outside the scale 0-100 of positions and saliences"),
    (ZONE_TWO, "A,a,40,0,10,20,90,", "A,a,40,0,-10,20,90,", 100,
     "<input>:3:10: Zone salience: salience -10 lies outside the scale 0-100 of positions and saliences"),
    (ZONE_TWO, "A,a,40,0,10,20,90,", "A,a,40,0,101,20,0,", 100,
     "<input>:3:10: Zone salience: salience 101 lies outside the scale 0-100 of positions and saliences"),
    # KTAB's rule: a salience is a share of the actor's attention, which adds up to at most the scale
    (ZONE_TWO, "A,a,40,0,10,20,90,", "A,a,40,0,30,20,90,", 100,
     "<input>:3:16: Fees salience: A's saliences add up to 120, more than the 100 of its whole attention"),
    (ZONE_TEN, "B,b,30,9,3,", "B,b,30,20,3,", 10,
     "<input>:4:8: Zone: position 20 lies outside the scale 0-10 of positions and saliences"),
])
def test_ktab_values_outside_the_scale_are_refused_where_they_stand(text, old, new, scale, message):
    assert read_ktab_text(text, scale=scale).scale == scale  # the file as it is reads
    with pytest.raises(ScenarioError) as err:
        read_ktab_text(text.replace(old, new), scale=scale)
    assert str(err.value) == message


def test_ktab_scale_option_and_out_of_scale_on_the_command_line(tmp_path):
    bad = _forecast_cli(tmp_path, ZONE_TEN.replace("B,b,30,9,3,", "B,b,30,9,30,"), "--scale", "10")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip() == "k.csv:4:10: Zone salience: salience 30 lies outside the scale 0-10 of " \
        "positions and saliences"
    good = _forecast_cli(tmp_path, ZONE_TEN, "--scale", "10", "-m", "mean")
    assert good.returncode == 0, good.stderr
    assert _row(good.stdout, "Zone") == ["5.65"]  # the 0-100 mean 56.5 on a tenth of the scale
    assert _forecast_cli(tmp_path, ZONE_ONE, "--scale", "0").returncode == 2
