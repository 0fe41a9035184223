"""Designs that win or lose on the merits (issue 16): a partial package beside parallel tracks,
a sequence whose early agreements build trust, a forum whose deal must be ratified, and the
per-draw deals other analyses read. Every case is small enough to work out by hand."""

import numpy as np
import pytest

from multitrack.errors import ScenarioError
from multitrack.process import compare_designs
from multitrack.report.process_words import DESIGN_NAMES
from multitrack.scenario import loads
from multitrack.settlement import Settlement

HEAD = """
version: 1
id: {id}
title: test
actors:
  - {{id: X, name: X, kind: state}}
  - {{id: Y, name: Y, kind: state}}
  - {{id: Z, name: Z, kind: state}}
"""


def issue(iid, values, red=None, sal=None, options=("sq", "deal")):
    """An ordinal issue (status quo first) with each actor's value table."""
    lines = [f"      - id: {iid}", "        kind: ordinal", f"        options: [{', '.join(options)}]",
             "        status_quo: sq", "        positions:"]
    for actor, vals in values.items():
        table = ", ".join(f"{o}: {v}" for o, v in zip(options, vals, strict=True))
        lines += [f"          {actor}:", f"            salience: {(sal or {}).get(actor, 1)}",
                  f"            values: {{{table}}}"]
        if red and actor in red:
            lines.append(f"            red_lines: [{red[actor]}]")
    return "\n".join(lines)


def track(tid, participants, vetoes, *issues, extra=()):
    return "\n".join([f"  - id: {tid}", f"    title: {tid}", f"    participants: [{', '.join(participants)}]",
                      f"    veto_players: [{', '.join(vetoes)}]", *extra, "    issues:", *issues])


def run(text, draws=10):
    s = loads(text, "test.yaml")
    return compare_designs(s, settlement=Settlement.from_scenario(s, draws=draws, chunk_size=5))


# a alone fails: X loses 0.5 on it (and its red line rules out a's status quo, which costs it
# nothing in talks on a alone: its reservation value is the status quo's utility). b alone agrees,
# and X gains 2 there, so the package {a, b} pays X for a: both agree. c alone agrees; but Z, a
# veto player on c, sits on a without a veto and its red line forbids a's deal. The package of
# all three gives Z a veto over a, where X forbids the status quo and Z the deal: it fails.
# By hand: parallel 2 tracks (b, c); every track in one package 0; {a, b} beside c in parallel 3.
PARTIAL = HEAD.format(id="partial") + "tracks:\n" + "\n".join([
    track("a", ["X", "Y", "Z"], ["X", "Y"],
          issue("ia", {"X": (1, 0.5), "Y": (0, 1), "Z": (1, 0)},
                red={"X": "{below: deal}", "Z": "{above: sq}"})),
    track("b", ["X", "Y"], ["X", "Y"], issue("ib", {"X": (0, 1), "Y": (0, 1)}, sal={"X": 2})),
    track("c", ["X", "Z"], ["X", "Z"], issue("ic", {"X": (0, 1), "Z": (0, 1)})),
])


def test_partial_package_beats_parallel_while_the_full_package_fails():
    r = run(PARTIAL)
    par, full, best = r.design("parallel"), r.design("package"), r.design("partial-package")
    assert par.mean_agreed.value == 2 and full.mean_agreed.value == 0
    assert best.tracks == ("a", "b")
    assert best.mean_agreed.value == 3
    assert {t: p.value for t, p in best.p_track.items()} == {"a": 1, "b": 1, "c": 1}
    # the deal issue by issue: the package moves a and b to the deal, c agrees beside it
    assert best.deal == {"a": {"ia": "deal"}, "b": {"ib": "deal"}, "c": {"ic": "deal"}}
    assert full.deal == {"a": {"ia": None}, "b": {"ib": None}, "c": {"ic": None}}
    assert "in parallel beside it: c" in best.label
    claim = next(c for c in r.claims if c.claim == "partial-package-beats-parallel")
    assert claim.verdict == "yes" and claim.estimate.value == 1
    # every package tried on the pilot draws, best first; {a, b} is the only one with 3 tracks
    assert r.packages_tried[0].tracks == ("a", "b") and r.packages_tried[0].mean_agreed == 3
    assert all(t.mean_agreed < 3 for t in r.packages_tried[1:])


def test_per_draw_deals_by_design_track_and_issue():
    r = run(PARTIAL)
    pd = r.per_draw
    assert pd["parallel.choice.a"].shape == (10, 1)
    assert (pd["parallel.choice.a"] == -1).all() and (pd["parallel.choice.b"] == 1).all()
    assert np.isnan(pd["parallel.value.a.ia"]).all() and (pd["parallel.value.b.ib"] == 1.0).all()
    assert (pd["partial-package.choice.a"] == 1).all() and (pd["partial-package.value.a.ia"] == 1.0).all()
    assert (pd["package.choice.c"] == -1).all() and np.isnan(pd["package.value.c.ic"]).all()
    assert pd["linked.choice.b"].dtype.kind == "i"


def test_per_draw_value_is_the_number_on_a_numeric_issue():
    text = HEAD.format(id="years") + "tracks:\n" + track("m", ["X", "Y"], ["X", "Y"], "\n".join([
        "      - id: years", "        kind: integer", "        range: [0, 4]", "        status_quo: 0",
        "        positions:",
        "          X: {salience: 1, monotone: increasing}",
        "          Y: {salience: 1, monotone: MONOTONE, red_lines: [{above: 2}]}"]))
    # both want more, Y no more than 2: the deal is 2 (value index 2 on the axis 0..4)
    r = run(text.replace("MONOTONE", "increasing"))
    assert (r.per_draw["parallel.choice.m"][:, 0] == 2).all()
    assert (r.per_draw["parallel.value.m.years"] == 2.0).all()
    assert r.design("parallel").deal == {"m": {"years": 2.0}}
    # Y wants less than the status quo's 0: nothing passes, no value
    r = run(text.replace("MONOTONE", "decreasing"))
    assert (r.per_draw["parallel.choice.m"] == -1).all()
    assert np.isnan(r.per_draw["parallel.value.m.years"]).all()


# a agrees alone. On b, X demands 0.7 (its reservation value) while the deal gives it 0.6 and
# the status quo 0.5 (Y's red line rules out the third option, X's best): b fails alone. X's
# range on b is 1 - 0.5 = 0.5; after a agrees, trust 0.3 lowers X's demand by 0.15, to 0.55 <= 0.6,
# and b agrees too (the status quo still fails X: trust stops at no deal's 0.5, here not reached).
TRUST = HEAD.format(id="trust") + "tracks:\n" + "\n".join([
    track("a", ["X", "Y"], ["X", "Y"], issue("ia", {"X": (0, 1), "Y": (0, 1)})),
    track("b", ["X", "Y"], ["X", "Y"], issue("ib", {"X": (0.5, 0.6, 1), "Y": (0, 1, 0)},
                                             red={"Y": "{above: deal}"}, options=("sq", "deal", "max")),
          extra=["    reservation_values: {X: 0.7}"]),
]) + "\nprocess:\n  sequence: [b, a]\n  trust_gain: {TRUST}\n"


def test_trust_from_an_early_agreement_lets_a_sequence_beat_parallel():
    r = run(TRUST.replace("{TRUST}", "0.3"))
    par, declared, easy = r.design("parallel"), r.design("sequential"), r.design("easy-first")
    assert par.mean_agreed.value == 1
    # declared order b first: nothing has been agreed yet, so no trust; b fails as in parallel
    assert declared.mean_agreed.value == 1 and declared.tracks == ("b", "a")
    # easy first (computed: a agrees in every draw, b in none): a, then b with trust
    assert easy.tracks == ("a", "b") and easy.mean_agreed.value == 2
    assert easy.deal["b"] == {"ib": "deal"}
    assert "easy first (computed" in easy.label and "declared" in declared.label
    claim = next(c for c in r.claims if c.claim == "easy-first-beats-parallel")
    assert claim.verdict == "yes"
    effect = {e.target: e for e in r.links if e.kind == "trust"}
    assert (effect["design:easy-first"].before, effect["design:easy-first"].after) == (1, 2)
    assert "from 1.00 to 2.00" in effect["design:easy-first"].sentence
    assert "changed no track" in effect["design:sequential"].sentence
    # too little trust: 0.1 x 0.5 = 0.05 leaves X's demand at 0.65 > 0.6
    r = run(TRUST.replace("{TRUST}", "0.1"))
    assert r.design("easy-first").mean_agreed.value == 1
    assert all(e.before == e.after for e in r.links) and "changed no track" in r.links[0].sentence


# Z, a veto player of the track, forbids the deal: the track as modelled fails. At the bilateral
# X-Y table the deal passes; ratification by the veto players it binds (Z) rejects it.
RATIFY = HEAD.format(id="ratify") + "tracks:\n" + track(
    "t", ["X", "Y", "Z"], ["X", "Y", "Z"],
    issue("it", {"X": (0, 1), "Y": (0, 1), "Z": (1, 0)}, red={"Z": "{above: sq}"}),
    extra=["    forums:", "      - {id: xy, title: X and Y alone, participants: [X, Y]}"])


def test_ratification_rejects_a_bilateral_deal():
    text = RATIFY + "\nprocess:\n  ratification:\n    - {track: t, forum: xy}\n"
    r = run(text)
    (fc,) = r.forums
    xy = next(f for f in fc.forums if f.forum == "xy")
    assert xy.p_agree.value == 1 and xy.p_ratified is not None and xy.p_ratified.value == 0
    assert xy.ratified_by == ("Z",)
    assert not r.per_draw["forum.t.xy.ratified"].any() and r.per_draw["forum.t.xy.agreed"].all()
    # after ratification the bilateral table agrees no more often than the full one
    assert fc.bilateral_minus_multilateral["xy vs as-modelled"].value == 0
    (effect,) = [e for e in r.links if e.kind == "ratification"]
    assert (effect.before, effect.after) == (1, 0) and "Z" in effect.sentence
    # without the stage, the bilateral deal stands
    plain = run(RATIFY)
    xy = next(f for f in plain.forums[0].forums if f.forum == "xy")
    assert xy.p_agree.value == 1 and xy.p_ratified is None
    assert plain.forums[0].bilateral_minus_multilateral["xy vs as-modelled"].value == 1


def test_ratification_by_someone_who_accepts_passes():
    r = run(RATIFY + "\nprocess:\n  ratification:\n    - {track: t, forum: xy, by: [X]}\n")
    xy = next(f for f in r.forums[0].forums if f.forum == "xy")
    assert xy.p_ratified is not None and xy.p_ratified.value == 1
    assert not [e for e in r.links if e.kind == "ratification"]


@pytest.mark.parametrize("process, field", [
    ("  ratification:\n    - {track: t, forum: nope}\n", "forum"),
    ("  ratification:\n    - {track: nope, forum: xy}\n", "track"),
    ("  ratification:\n    - {track: t, forum: xy, by: [W]}\n", "by"),
    ("  packages:\n    - {id: p, tracks: [t, nope]}\n", "tracks"),
    ("  trust_gain: 1.5\n", "trust_gain"),
])
def test_bad_process_references_name_the_field(process, field):
    with pytest.raises(ScenarioError) as err:
        loads(RATIFY + "\nprocess:\n" + process, "test.yaml")
    assert "test.yaml:" in str(err.value) and field in str(err.value) and "process" in str(err.value)


def test_a_declared_package_is_evaluated_beside_the_rest():
    r = run(PARTIAL + "\nprocess:\n  packages:\n    - {id: ac, tracks: [a, c]}\n")
    ac = r.design("package:ac")
    # Z's veto over a inside {a, c}: a has no allowed value, the package fails; b agrees alone
    assert ac.tracks == ("a", "c") and ac.mean_agreed.value == 1
    assert ac.p_track["b"].value == 1


# PARTIAL with a fourth track d that X and Y agree alone: X's gain on d pays for its loss on a
# as b's does, so {a, b}, {a, d} and {a, b, d} each agree every track but c in the package and c
# beside it: 4 tracks, a three-way tie. Fewest tracks, then the order of tracks: {a, b}.
TIE = PARTIAL.replace("id: partial", "id: tie") + "\n" + track(
    "d", ["X", "Y"], ["X", "Y"], issue("id", {"X": (0, 1), "Y": (0, 1)}, sal={"X": 3}))


def test_ties_go_to_the_fewest_tracks_then_the_order_of_tracks_and_are_counted():
    r = run(TIE)
    assert r.design("parallel").mean_agreed.value == 3
    best = r.design("partial-package")
    assert best.tracks == ("a", "b") and best.mean_agreed.value == 4
    assert [p.tracks for p in r.packages_tried[:3]] == [("a", "b"), ("a", "d"), ("a", "b", "d")]
    assert all(p.mean_agreed == 4 for p in r.packages_tried[:3])
    assert all(p.mean_agreed < 4 for p in r.packages_tried[3:])
    assert (r.packages_tied, r.packages_may_tie) == (3, 0)
    assert any("3 packages agree as many tracks there (4.00)" in n and "fewest tracks" in n for n in r.notes)


def test_a_lone_best_package_is_said_to_have_no_tie():
    r = run(PARTIAL)
    assert (r.packages_tied, r.packages_may_tie) == (1, 0)
    assert any("no other package agrees as many tracks there (3.00)" in n for n in r.notes)


def test_the_markdown_report_shows_each_designs_deal_issue_by_issue():
    from multitrack.report.markdown import render_markdown

    s = loads(PARTIAL, "test.yaml")
    r = compare_designs(s, settlement=Settlement.from_scenario(s, draws=10, chunk_size=5))
    text, _ = render_markdown(s, {"process": r})
    part = text.split("### What each design agrees, issue by issue", 1)[1]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in part.splitlines()
            if line.startswith("|")]
    head, body = rows[0], {row[0]: row for row in rows[2:]}
    best, full = head.index(DESIGN_NAMES["partial-package"]), head.index(DESIGN_NAMES["package"])
    first = next(k for k in body if k.endswith("ia"))
    assert body[first][best] == "deal" and body[first][full] == "-"
