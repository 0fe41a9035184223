"""Cross-track effects (issue 16, item 1c): an outcome on one track moving an actor's no-deal
value, reservation value or salience on another, in the agreement space and draw by draw in the
process analysis; validated with one located line; circles refused."""

from __future__ import annotations

import numpy as np
import pytest

import multitrack
from multitrack.errors import ScenarioError
from multitrack.process import compare_designs
from multitrack.process.kernel import solve_batch
from multitrack.scenario.effects import track_order
from multitrack.scenario.load import load
from multitrack.settlement import Settlement
from multitrack.settlement.cross_track import holds, shifted
from multitrack.settlement.draws import DrawValues
from multitrack.settlement.preferences import track_preferences
from multitrack.space import analyze_track

# Two tracks. On `signal` the patron c and the west w choose c's stance; c's value of pressing
# (PRESS) decides: where it reaches c's reservation value 0.5 the Nash compromise is `press`,
# else `cover` (both gain nothing less than their reservation values either way, so the track
# agrees in every draw). On `deal` r holds a no-deal value of 1 (its best: failure suits it), so
# it accepts only x = 0, the status quo, and the track cannot agree. The effect: where `signal`
# agrees on `press`, r's no-deal value falls by SHIFT of its range on `deal`; at -0.6 its
# reservation value becomes 0.4 and x = 1 (worth 0.5 to r) opens the deal.
TOY = """
id: toy
title: toy
actors:
  - {id: c, name: Patron, kind: state, capability: 1}
  - {id: r, name: Rival, kind: state, capability: 1}
  - {id: w, name: West, kind: state, capability: 1}
tracks:
  - id: signal
    title: Signal
    participants: [c, w]
    reservation_values: {c: 0.5, w: 0}
    issues:
      - id: stance
        kind: categorical
        options: [cover, press]
        positions:
          c: {salience: 1, values: {cover: 1, press: PRESS}}
          w: {salience: 1, values: {cover: 0, press: 1}}
  - id: deal
    title: Deal
    participants: [r, w]
    no_deal:
      r: {value: 1}
    issues:
      - id: x
        kind: integer
        range: [0, 2]
        status_quo: 0
        positions:
          r: {salience: 1, monotone: decreasing}
          w: {salience: 1, monotone: increasing}
cross_track:
  - id: patron-presses
    title: The patron pressing the rival
    from: {track: signal, issue: stance, values: [press]}
    to: {track: deal, actor: r, no_deal: SHIFT}
    estimated: true
"""

UNCERTAIN = "{dist: uniform, low: 0, high: 1}"


def _toy(press: str = "0.8", shift: str = "-0.6", extra: str = "") -> multitrack.Scenario:
    return multitrack.loads(TOY.replace("PRESS", press).replace("SHIFT", shift) + extra)


# ---- agreement space: the from-track's central compromise decides ---------------------------

@pytest.mark.parametrize("press, shift, agreeable", [
    ("0.8", "-0.6", 2),   # signal settles on press: r's reservation falls to 0.4, x = 1 opens
    ("0.3", "-0.6", 1),   # signal settles on cover: nothing moves, only the status quo passes
    ("0.8", "-0.2", 1),   # press, but a shift too small: reservation 0.8 still above x = 1 (0.5)
    ("0.8", "-1.0", 3),   # press and a large shift: reservation 0, x = 1 and x = 2 both open
])
def test_the_to_track_opens_only_where_the_from_track_agrees_on_the_value(press, shift, agreeable):
    s = _toy(press, shift)
    a = analyze_track(s, s.track("deal"))
    assert a.n_agreeable == agreeable   # the status quo x = 0 passes in every case
    assert (a.diagnosis is None) == (agreeable > 1)   # a deal beyond the status quo, or a diagnosis
    (link,) = a.links
    assert link.kind == "cross-track" and link.source == "track:signal/issue:stance"
    assert link.target == "track:deal/actor:r/no_deal"
    assert ("compromise has it" in link.sentence) == (press == "0.8")


def test_no_deal_shift_moves_disagreement_and_reservation_in_raw_points():
    s = _toy()
    track = s.track("deal")
    base = track_preferences(s, track)
    effect = s.cross_track[0]
    out = shifted(s, track, base, DrawValues.central(s), [(effect, np.array([True]))],
                  lambda v: track_preferences(s, track, v))
    r = 0  # r's span on deal is 1 (salience 1, values 0..1), so -0.6 of its range is -0.6 points
    assert base.disagreement[0, r] == pytest.approx(1.0) and base.reservation[0, r] == pytest.approx(1.0)
    assert out.disagreement[0, r] == pytest.approx(0.4) and out.reservation[0, r] == pytest.approx(0.4)
    assert out.reservation[0, 1] == base.reservation[0, 1]  # w untouched
    kept = shifted(s, track, base, DrawValues.central(s), [(effect, np.array([False]))],
                   lambda v: track_preferences(s, track, v))
    assert kept.reservation[0, r] == pytest.approx(1.0)


def test_a_salience_factor_rescales_the_actor_and_its_status_quo():
    extra = """
  - id: west-cares-less
    from: {track: signal}
    to: {track: deal, actor: w, salience: 0.5, issue: x}
"""
    s = _toy(extra=extra)
    track = s.track("deal")
    base = track_preferences(s, track)
    effect = s.cross_track[1]
    out = shifted(s, track, base, DrawValues.central(s), [(effect, np.array([True]))],
                  lambda v: track_preferences(s, track, v))
    np.testing.assert_allclose(out.tables[0, 1, 0, :3], [0.0, 0.25, 0.5])
    np.testing.assert_allclose(out.tables[0, 0], base.tables[0, 0])  # r untouched


# ---- process: draw by draw, against brute force -----------------------------------------------

def _brute_deal(press_agreed: np.ndarray, shift: float) -> np.ndarray:
    """Whether `deal` agrees in each draw, enumerated by hand: r accepts x where 1 - x/2 is at
    least its reservation (1, or 1 + shift where the effect holds), w where x/2 >= 0; the track
    agrees where an accepted outcome gives someone a gain over the disagreement point."""
    out = []
    for held in press_agreed:
        res_r = 1.0 + (shift if held else 0.0)
        ok = [x for x in range(3) if 1 - x / 2 >= res_r - 1e-9]
        out.append(any((1 - x / 2) - res_r > 1e-9 or x / 2 > 1e-9 for x in ok))
    return np.array(out)


@pytest.mark.parametrize("shift", [-0.6, -0.2, -1.0])
def test_the_process_shifts_the_to_track_in_the_draws_where_the_effect_holds(shift):
    s = _toy(UNCERTAIN, str(shift))
    result = compare_designs(s, settlement=Settlement.from_scenario(s, draws=40, chunk_size=20))
    pd = result.per_draw
    agreed = pd["parallel.agreed"]                  # (draws, tracks): signal, deal
    press = (pd["parallel.choice.signal"][:, 0] == 1) & agreed[:, 0]
    assert 0 < press.sum() < len(press)             # the uncertain stance splits the draws
    np.testing.assert_array_equal(agreed[:, 1], _brute_deal(press, shift))
    (link,) = [x for x in result.links if x.kind == "cross-track"]
    assert link.before == pytest.approx(0.0)
    assert link.after == pytest.approx(agreed[:, 1].mean())
    assert f"in {press.mean():.0%} of draws" in link.sentence
    assert "lowers Rival's no-deal value on Deal" in link.sentence


def test_holds_reads_agreement_and_the_named_value():
    s = _toy()
    sig = s.track("signal")
    axes = [np.array([0.0, 1.0])]
    got = holds(s.cross_track[0], sig, axes, np.array([True, True, False]), np.array([[1], [0], [1]]))
    np.testing.assert_array_equal(got, [True, False, False])


def test_from_tracks_are_solved_first():
    extra = """
  - id: back
    from: {track: deal}
    to: {track: signal, actor: w, reservation: 0.1}
"""
    s = multitrack.loads(TOY.replace("PRESS", "0.8").replace("SHIFT", "-0.6")
                         .replace("from: {track: signal, issue: stance, values: [press]}",
                                  "from: {track: third}")
                         .replace("cross_track:", THIRD + "cross_track:") + extra)
    assert track_order(["signal", "deal", "third"], list(s.cross_track)) == ["third", "deal", "signal"]


THIRD = """  - id: third
    title: Third
    participants: [c, w]
    issues:
      - id: y
        kind: categorical
        options: [a, b]
        positions:
          c: {salience: 1, values: {a: 1, b: 0}}
"""


# ---- validation ------------------------------------------------------------------------------

def test_a_circle_of_effects_is_refused(tmp_path):
    extra = """
  - id: back
    from: {track: deal}
    to: {track: signal, actor: w, reservation: 0.1}
"""
    path = tmp_path / "circle.yaml"
    path.write_text(TOY.replace("PRESS", "0.8").replace("SHIFT", "-0.6") + extra)
    with pytest.raises(ScenarioError) as info:
        load(str(path))
    message = str(info.value)
    assert "\n" not in message and "run in a circle (signal -> deal -> signal)" in message
    assert "cross_track[1].to.track" in message and f"{path}:" in message


@pytest.mark.parametrize("old, new, field, phrase", [
    ("from: {track: signal,", "from: {track: signals,", "cross_track[0].from.track",
     "'signals' is not a track"),
    ("issue: stance, values", "issue: stances, values", "cross_track[0].from.issue",
     "'stances' is not an issue of track 'signal'"),
    ("values: [press]", "values: [shout]", "cross_track[0].from.values[0]", "'shout' names no option"),
    ("actor: r,", "actor: c,", "cross_track[0].to.actor", "'c' does not sit at 'deal'"),
    ("no_deal: -0.6", "no_deal: -0.6, reservation: 0.1", "cross_track[0].to", "give exactly one of"),
    ("to: {track: deal,", "to: {track: signal,", "cross_track[0].to.track", "names 'signal' twice"),
])
def test_a_bad_effect_is_one_located_line(tmp_path, old, new, field, phrase):
    text = TOY.replace("PRESS", "0.8").replace("SHIFT", "-0.6")
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new))
    with pytest.raises(ScenarioError) as info:
        load(str(path))
    message = str(info.value)
    assert "\n" not in message and phrase in message and field in message
    assert message.startswith(f"{path}:")
    line = int(message[len(str(path)) + 1:].split(":")[0])
    bad = text.replace(old, new).splitlines()
    assert new in bad[line - 1] or bad[line - 1].strip().startswith(("from:", "to:"))  # the effect's line
