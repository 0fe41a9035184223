"""Conflicts in the scenario file: loading, located errors, the stability analysis, report and CLI.

Prisoner's Dilemma oracle: Fang, Hipel & Kilgour (1993), Interactive Decision Making, Wiley,
ch. 5 (and Hipel et al. on the graph model): mutual defection is the only Nash equilibrium;
mutual cooperation and mutual defection are both GMR, SMR and SEQ equilibria.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

import multitrack
from multitrack.errors import ScenarioError
from multitrack.scenario import builtins
from multitrack.scenario.conflicts import to_core
from multitrack.stability import Conflict as CoreConflict
from multitrack.stability.analysis import StabilityConfig, StabilityResult, conflict_stability

PD = """\
version: 1
id: pd
title: "Prisoner's Dilemma"
sources:
  - {id: primer, title: "x", publisher: "y", year: 2026}
actors:
  - {id: north, name: Northland, kind: state, capability: 2}
  - {id: south, name: Southland, kind: state, capability: 1}
tracks:
  - id: border
    title: Border security
    participants: [north, south]
    issues:
      - id: inspections
        kind: ordinal
        options: [none, on-site]
        status_quo: none
        positions:
          north: {salience: 1, ideal: none, source: primer}
          south: {salience: 1, ideal: on-site, source: primer}
conflicts:
  - id: pd
    title: Arms race
    source: primer
    track: border
    decision_makers:
      - {id: north, options: [{id: north_arms, title: North arms}]}
      - {id: south, options: [{id: south_arms, title: South arms}]}
    preferences:
      north: {prioritization: ["not south_arms", "north_arms"]}
      south: {prioritization: ["not north_arms", "south_arms"]}
    status_quo: {north_arms: false, south_arms: false}
"""


def _errors(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        multitrack.loads(text)
    return str(info.value)


def test_builtin_conflict_loads_and_converts():
    s = multitrack.load("european-security")
    assert [c.id for c in s.conflicts] == ["keeping-the-settlement"]
    core = to_core(s.conflicts[0])
    assert isinstance(core, CoreConflict)
    model = core.build()
    assert model.dm_names == ("RUS", "USA", "FRA")
    assert model.option_names == ("ru_deploy", "ru_break_rules", "us_deploy", "fr_reinforce")
    assert model.n_states == 16


def test_prisoners_dilemma_equilibria():
    r = conflict_stability(multitrack.loads(PD))
    c = r.conflicts[0]
    assert c.states == ("NN", "YN", "NY", "YY")
    assert c.equilibria["nash"] == ("YY",)
    for concept in ("gmr", "smr", "seq"):
        assert set(c.equilibria[concept]) == {"NN", "YY"}
    assert c.status_quo == "NN"
    assert [s.mover for s in c.paths["YY"]] == ["north", "south"] or [s.mover for s in c.paths["YY"]] == ["south", "north"]
    assert c.paths["NN"] == ()
    d = r.to_dict()
    assert d["conflicts"][0]["equilibria"]["nash"] == ["YY"]
    assert len(r.to_frame()) == 4


def test_ranking_and_payoffs_give_the_same_equilibria():
    ranking = PD.replace('north: {prioritization: ["not south_arms", "north_arms"]}',
                         'north: {ranking: [[YN], [NN], [YY], [NY]]}')
    payoffs = PD.replace('south: {prioritization: ["not north_arms", "south_arms"]}',
                         'south: {payoffs: {NY: 4, NN: 3, YY: 2, YN: 1}}')
    for text in (ranking, payoffs):
        c = conflict_stability(multitrack.loads(text)).conflicts[0]
        assert c.equilibria["nash"] == ("YY",)
        assert set(c.equilibria["gmr"]) == {"NN", "YY"}


@pytest.mark.parametrize("old,new,where", [
    ("{id: south, options:", "{id: nobody, options:", "conflicts[0].decision_makers[1].id"),
    ('["not south_arms", "north_arms"]', '["not south_arms and", "north_arms"]',
     "conflicts[0].preferences.north.prioritization[0]"),
    ('["not south_arms", "north_arms"]', '["not east_arms", "north_arms"]',
     "conflicts[0].preferences.north.prioritization[0]"),
    ("{id: south_arms, title: South arms}", "{id: north_arms, title: South arms}",
     "conflicts[0].decision_makers[1].options[0].id"),
    ("status_quo: {north_arms: false, south_arms: false}", "status_quo: YNY", "conflicts[0].status_quo"),
    ("    track: border\n", "    track: nowhere\n", "conflicts[0].track"),
])
def test_bad_conflicts_give_located_errors(old, new, where):
    assert old in PD
    message = _errors(PD.replace(old, new))
    assert where in message
    assert "\n" not in message.strip()


def test_infeasible_status_quo_is_refused():
    text = PD.replace("    preferences:", "    infeasible:\n      - {at_least_one: [north_arms, south_arms]}\n"
                      "    preferences:")
    assert "infeasible" in _errors(text)


def test_validate_exits_2_on_bad_conflict(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(PD.replace('"north_arms"]', '"north_arms or"]'))
    run = subprocess.run([sys.executable, "-m", "multitrack", "validate", str(path)], capture_output=True, text=True)
    assert run.returncode == 2
    assert "conflicts[0].preferences.north.prioritization[1]" in run.stdout + run.stderr


def test_too_large_conflict_is_refused():
    from multitrack.errors import MultitrackError

    with pytest.raises(MultitrackError, match="more than the limit"):
        conflict_stability(multitrack.loads(PD), config=StabilityConfig(max_states=3))


def test_european_security_conflict_is_fast_and_sensible():
    s = multitrack.load("european-security")
    start = time.perf_counter()
    r = conflict_stability(s)
    assert time.perf_counter() - start < 0.5
    c = r.conflicts[0]
    assert c.status_quo == "NNNN"
    assert "NNNN" in c.equilibria["seq"] and "NNNN" not in c.equilibria["nash"]
    assert set(c.equilibria["nash"]) == {"NYNY", "YYYY"}
    assert "NYNY" in c.paths


def test_report_html_and_markdown_show_the_conflict():
    from multitrack.report.html import render_section
    from multitrack.report.markdown import _section

    s = multitrack.load("european-security")
    r = conflict_stability(s)
    html = str(render_section(r, s))
    assert "states-keeping-the-settlement" in html and "stability-keeping-the-settlement" in html
    assert "plotly" in html.lower() and "<figcaption>" in html
    assert "From NNNN" in html and "✓" in html
    md = _section(r, s, {})
    assert "| State" in md and "From NNNN" in md


def test_no_conflicts_gives_a_note():
    r = conflict_stability(multitrack.load("border-talks"))
    assert isinstance(r, StabilityResult) and r.conflicts == () and r.notes


def test_cli_analyze_european_security_shows_the_conflict(tmp_path):
    run = subprocess.run([sys.executable, "-m", "multitrack", "analyze", "european-security", "--only", "stability",
                          "--verbose", "--out", str(tmp_path / "r")], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Keeping the settlement" in run.stdout
    html = (tmp_path / "r" / "report.html").read_text()
    assert "states-keeping-the-settlement" in html


def test_docs_describe_conflicts():
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "scenario-format.md").read_text()
    assert "### 2.10 Conflicts" in text
    assert text.index("### 2.10 Conflicts") < text.index("## 3. What the parts mean")
    assert builtins.text("european-security").count("conflicts:") >= 1


def test_infeasible_rules_and_irreversible_options_convert():
    text = PD.replace("    preferences:", """    infeasible:
      - {requires: {option: south_arms, condition: "north_arms"}}
    irreversible:
      - {option: north_arms, direction: forward}
    preferences:""")
    s = multitrack.loads(text)
    model = to_core(s.conflicts[0]).build()
    assert sorted(model.label(i) for i in range(model.n_states)) == ["NN", "YN", "YY"]
    assert model.forward_only == 1
    c = conflict_stability(s).conflicts[0]
    assert c.states == ("NN", "YN", "YY")
    assert ("YN", "NN", "north") not in c.improvements


def _large_scenario(per_side: int) -> str:
    """PD with `per_side` arming options per side (4**per_side states)."""
    def side(me: str) -> str:
        opts = ", ".join(f"{{id: {me}_a{k}, title: {me} arms {k}}}" for k in range(per_side))
        return f"      - {{id: {me}, options: [{opts}]}}\n"
    def statements(me: str, them: str) -> str:
        items = [f'"not {them}_a{k}"' for k in range(per_side)] + [f'"{me}_a{k}"' for k in range(per_side)]
        return f"      {me}: {{prioritization: [{', '.join(items)}]}}\n"
    prefs = statements("north", "south") + statements("south", "north")
    head = PD.split("    decision_makers:")[0]
    return head + "    decision_makers:\n" + side("north") + side("south") + "    preferences:\n" + prefs


def test_large_conflict_report_shows_what_matters():
    """256 states: the table, graph and sentences stay readable (at most 64 states shown,
    always the status quo and the equilibria under most concepts)."""
    from multitrack.report.html import render_section
    from multitrack.report.stability_section import SHOWN_STATES, shown_states

    s = multitrack.loads(_large_scenario(4))
    r = conflict_stability(s)
    c = r.conflicts[0]
    assert len(c.states) == 256
    shown = shown_states(c)
    assert len(shown) <= SHOWN_STATES
    assert "YYYYYYYY" in shown  # everyone arms: the Nash equilibrium
    html = str(render_section(r, s))
    assert html.count("<tr") <= SHOWN_STATES + 2 and "too many to read" in html
    assert "of 256 feasible states" in html
