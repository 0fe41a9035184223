"""``multitrack evaluate``: proposals evaluated with the one preference model over the run's draws.

The small scenario, worked by hand. Track t, both parties hold a veto (unanimity), no status quo,
reservation values A 0 and B 1.3.
  years (integer 0..10): A monotone increasing, red line "not below T", T ~ uniform(4, 8);
                         B monotone decreasing, red line "not above 8".
  door (ordinal open, closed): A values open 0, closed 1; B values open 1, closed 0.
B's utility is (1 - years / 10) + door value, its range on the track 0 .. 2.
  years 6, door open:  A accepts where T <= 6; B 0.4 + 1 = 1.4 >= 1.3 accepts.
  years 9, door open:  A always accepts; B breaks its red line and 0.1 + 1 = 1.1 is 0.2 short
                       of 1.3, 0.1 of its range: B rejects in every draw, for both reasons.
  years 3, door closed: A's red line always broken (3 < 4); B 0.7 is 0.6 short (0.3 of its range).
Ranking: 6/open (joint = P(T <= 6)), then 9/open (joint 0, mean acceptance 0.5), then 3/closed.
Nearest passing from 9/open: door open needs years <= 7 for B and years >= T for A, so years 7
passes where T <= 7 (about 75%): one issue changed, 0.2 of its span.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from multitrack.cli.app import app
from multitrack.errors import ScenarioError
from multitrack.proposals import evaluate_proposals, proposals_from_text
from multitrack.proposals.pinned import pinned_outcome
from multitrack.scenario import loads
from multitrack.settlement import Settlement

SMALL = """
id: small
title: Small
actors:
  - {id: A, name: A, kind: state}
  - {id: B, name: B, kind: state}
tracks:
  - id: t
    title: T
    participants: [A, B]
    veto_players: [A, B]
    reservation_values: {A: 0, B: 1.3}
    issues:
      - id: years
        kind: integer
        range: [0, 10]
        positions:
          A: {salience: 1, monotone: increasing, red_lines: [{below: {dist: uniform, low: 4, high: 8}}]}
          B: {salience: 1, monotone: decreasing, red_lines: [{above: 8}]}
      - id: door
        kind: ordinal
        options: [open, closed]
        positions:
          A: {salience: 1, values: {open: 0, closed: 1}}
          B: {salience: 1, values: {open: 1, closed: 0}}
"""

PROPOSALS = """proposals:
  - id: p
    title: Package
    tracks:
      t: {years: [6, 9], door: open}
  - id: hard
    tracks:
      t: {years: 3, door: closed}
"""


@pytest.fixture(scope="module")
def scenario():
    return loads(SMALL, "small.yaml")


@pytest.fixture(scope="module")
def settlement(scenario):
    return Settlement.from_scenario(scenario, draws=400, seed=7)


@pytest.fixture(scope="module")
def threshold(scenario, settlement):
    """A's red-line threshold on years in each of the run's draws."""
    est = scenario.tracks[0].issues[0].positions["A"].red_lines[0].threshold
    return settlement.run.values()(est)


@pytest.fixture(scope="module")
def result(scenario, settlement):
    props = proposals_from_text(PROPOSALS, scenario, "p.yaml")
    return evaluate_proposals(scenario, props, settlement=settlement)


def test_list_of_values_names_one_proposal_per_value(scenario):
    ids = [p.id for p in proposals_from_text(PROPOSALS, scenario, "p.yaml")]
    assert ids == ["p/years=6", "p/years=9", "hard"]


def test_acceptance_shares_are_those_of_the_draws(result, threshold):
    six = result.proposal("p/years=6").track("t")
    assert six.party("A").accepts == pytest.approx(np.mean(threshold <= 6))
    assert six.party("B").accepts == 1.0
    assert six.passes == pytest.approx(np.mean(threshold <= 6))
    (reason,) = six.party("A").reasons
    assert reason.kind == "red-line" and reason.issue == "years"
    assert reason.share == pytest.approx(np.mean(threshold > 6))
    assert 0.3 < reason.share < 0.7


def test_reasons_red_line_and_reservation_with_shortfall(result):
    nine = result.proposal("p/years=9").track("t")
    assert nine.party("A").accepts == 1.0 and nine.party("B").accepts == 0.0
    kinds = {r.kind: r for r in nine.party("B").reasons}
    assert set(kinds) == {"red-line", "reservation"}
    assert kinds["red-line"].share == 1.0 and "above 8" in kinds["red-line"].detail
    assert kinds["reservation"].share == 1.0
    assert kinds["reservation"].shortfall == pytest.approx(0.1)
    (veto,) = nine.blocked_by
    assert (veto.kind, veto.party, veto.share) == ("veto", "B", 1.0)
    hard = result.proposal("hard").track("t")
    assert hard.party("A").accepts == 0.0
    assert {r.kind for r in hard.party("A").reasons} == {"red-line"}
    assert hard.party("B").reasons[0].shortfall == pytest.approx(0.3)


def test_ranking_by_joint_then_mean_acceptance(result):
    assert [p.id for p in result.proposals] == ["p/years=6", "p/years=9", "hard"]
    assert [p.rank for p in result.proposals] == [1, 2, 3]
    assert result.proposal("p/years=9").joint == 0.0
    assert result.proposal("p/years=9").mean_acceptance == 0.5
    assert result.proposal("hard").mean_acceptance == 0.0


def test_nearest_passing_outcome(result, threshold):
    near = result.proposal("p/years=9").track("t").nearest[0]
    assert near.changes == {"years": [9, 7]}
    assert near.issues_changed == 1 and near.distance == pytest.approx(0.2)
    assert near.passes == pytest.approx(np.mean(threshold <= 7))


def test_nearest_must_pass_more_often_than_the_proposal(result, threshold):
    near = result.proposal("p/years=6").track("t").nearest
    assert near[0].changes == {"years": [6, 7]}        # 5 passes less often than 6 (T <= 5)
    assert all(n.passes > np.mean(threshold <= 6) for n in near)


def test_escalation_reads_the_pinned_outcome():
    """The confidence-building track agrees the exercise notice the proposal fixes, in every draw
    in which the track passes: the measure's strength is its declared response at that value."""
    from multitrack.escalation.links import response_share
    from multitrack.scenario import load

    scen = load("european-security")
    text = "proposals: [{id: n, tracks: {confidence-building: {exercise-notice: [0, 42]}}}]"
    got = evaluate_proposals(scen, proposals_from_text(text, scen, "n.yaml"),
                             settlement=Settlement.from_scenario(scen, draws=100, seed=3), nearest=False)
    measure = next(m for m in scen.escalation.measures if m.id == "exercise-notice")
    for days in (0, 42):
        p = got.proposal(f"n/exercise-notice={days}")
        share = p.track("confidence-building").passes
        strength = next(e for e in p.effects if e.target == "measure:exercise-notice").with_proposal
        expected = float(response_share(scen, measure, np.array([float(days)]), np.array([True]))[0])
        assert strength == pytest.approx(share * expected)
    assert got.proposal("n/exercise-notice=42").effects != got.proposal("n/exercise-notice=0").effects


def test_open_issue_takes_the_completion_that_passes_most(scenario, settlement, threshold):
    props = proposals_from_text("proposals: [{id: q, tracks: {t: {years: 6}}}]", scenario, "q.yaml")
    got = evaluate_proposals(scenario, props, settlement=settlement).proposal("q").track("t")
    assert got.open_issues == ("door",)
    assert got.outcome == {"years": 6, "door": "open"}   # closed: B gets 0.4 < 1.3 in every draw
    assert got.passes == pytest.approx(np.mean(threshold <= 6))


def test_pinned_record_is_the_process_interface(scenario, settlement):
    passes = np.array([True, False] * 200)
    prefs = settlement.preferences("t")
    pinned = pinned_outcome(settlement, {"t": (passes, np.array([6, 0]), prefs)})
    assert pinned.tracks == ("t",)
    assert pinned.per_draw["parallel.agreed"][:, 0].tolist() == passes.tolist()
    assert pinned.per_draw["parallel.choice.t"][1].tolist() == [-1, -1]
    assert pinned.per_draw["parallel.value.t.years"][0] == 6.0


@pytest.mark.parametrize("text, where, words", [
    ("proposals: [{id: x, tracks: {nope: {years: 6}}}]", "q.yaml:1", "unknown track 'nope'"),
    ("proposals:\n  - id: x\n    tracks:\n      t: {years: 6, colour: red}\n", "q.yaml:4",
     "unknown issue 'colour'"),
    ("proposals:\n  - id: x\n    tracks:\n      t:\n        door: ajar\n", "q.yaml:5",
     "'ajar' is not an option of issue 'door' (options: open, closed)"),
    ("proposals:\n  - id: x\n    tracks:\n      t: {years: 11}\n", "q.yaml:4",
     "outside the range of issue 'years' (0 to 10)"),
    ("proposals:\n  - id: x\n    tracks:\n      t: {years: 6.5}\n", "q.yaml:4", "nearest: 6"),
    ("proposals:\n  - {id: x, tracks: {t: {years: 6}}}\n  - {id: x, tracks: {t: {years: 7}}}\n", "q.yaml:3",
     "used twice"),
    ("nothing: 1\n", "q.yaml", "a proposal file is a mapping"),
])
def test_bad_proposal_is_one_located_line(scenario, text, where, words):
    with pytest.raises(ScenarioError) as err:
        proposals_from_text(text, scenario, "q.yaml")
    line = err.value.one_line()
    assert line.startswith(where) and words in line and "\n" not in line


@pytest.fixture()
def files(tmp_path):
    scen = tmp_path / "small.yaml"
    scen.write_text(SMALL)
    prop = tmp_path / "p.yaml"
    prop.write_text(PROPOSALS)
    return scen, prop


def test_cli_json_and_terminal(files):
    scen, prop = files
    runner = CliRunner()
    got = runner.invoke(app, ["evaluate", str(scen), "--proposal", str(prop), "--draws", "200", "--json"])
    assert got.exit_code == 0, got.output
    data = json.loads(got.output)
    assert [p["id"] for p in data["proposals"]] == ["p/years=6", "p/years=9", "hard"]
    shown = runner.invoke(app, ["evaluate", str(scen), "--proposal", str(prop), "--draws", "200"])
    assert shown.exit_code == 0 and "B holds a veto and rejects" in shown.output


def test_cli_bad_proposal_exits_2_with_one_line(files, tmp_path):
    scen, _ = files
    bad = tmp_path / "bad.yaml"
    bad.write_text("proposals:\n  - id: x\n    tracks:\n      t: {door: ajar}\n")
    got = CliRunner().invoke(app, ["evaluate", str(scen), "--proposal", str(bad)])
    assert got.exit_code == 2
    lines = got.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:4") and "options: open, closed" in lines[0]
    missing = CliRunner().invoke(app, ["evaluate", str(scen), "--proposal", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "no such proposal file" in missing.output


TWO = SMALL.replace("red_lines: [{above: 8}]}",
                    "red_lines: [{above: 8}, {above: 2, when: {issue: z, in: [yes]}}]}") + """
  - id: u
    title: U
    participants: [A, B]
    veto_players: [A, B]
    issues:
      - id: z
        kind: ordinal
        options: ["no", "yes"]
        positions:
          A: {salience: 1, values: {"no": 0, "yes": 1}}
          B: {salience: 1, values: {"no": 0, "yes": 1}}
"""


def test_red_line_on_another_track_reads_the_proposal_value():
    """B refuses more than 2 years while track u agrees z = yes: fixing z = yes beside years 6
    makes B reject track t in every draw; leaving track u out, the condition does not hold."""
    scen = loads(TWO, "two.yaml")
    text = ("proposals: [{id: both, tracks: {t: {years: 6, door: open}, u: {z: 'yes'}}},"
            " {id: alone, tracks: {t: {years: 6, door: open}}}]")
    got = evaluate_proposals(scen, proposals_from_text(text, scen, "two-p.yaml"),
                             settlement=Settlement.from_scenario(scen, draws=200, seed=1))
    both = got.proposal("both")
    assert both.track("t").party("B").accepts == 0.0
    (why,) = both.track("t").party("B").reasons
    assert why.kind == "red-line" and "while z is yes" in why.detail
    assert both.track("u").passes == 1.0 and both.joint == 0.0
    assert got.proposal("alone").track("t").party("B").accepts == 1.0
    assert [p.id for p in got.proposals] == ["alone", "both"]


def test_a_track_whose_red_lines_read_the_proposal_reports_its_deal_space():
    """Settling only track u at z = yes switches on B's red line on track t (nothing above 2 years)
    against A's floor (uniform 4-8 years): t can agree in no draw. With no deal on u, t agrees where
    B's reservation value 1.3 (years 7 or less with the door open: (10 - 7)/10 + 1) meets A's floor,
    i.e. when the floor is 7 or less: P(U(4, 8) <= 7) = 0.75."""
    scen = loads(TWO, "two.yaml")
    got = evaluate_proposals(scen, proposals_from_text("proposals: [{id: z, tracks: {u: {z: 'yes'}}}]",
                                                       scen, "z.yaml"),
                             settlement=Settlement.from_scenario(scen, draws=400, seed=3))
    effects = {e.target: e for e in got.proposal("z").effects}
    agree, space = effects["track:t"], effects["track:t/space"]
    assert agree.with_proposal == 0.0 and 0.68 < agree.baseline < 0.82
    assert space.with_proposal == 0.0 and space.baseline > 0.0
    assert "its red lines read z" in agree.headline
