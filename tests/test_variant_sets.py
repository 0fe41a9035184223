"""Named scenario variants with ``set:`` (issue 18, item 3): ``analyze --variant NAME`` runs the
scenario with the variant's values changed by path and its model changes made the main model.

Hand-worked on the toy ladder of test_model_variants, copied here (two rungs, war absorbing): the
chance of war within h months is 1 - (1 - p_sea)^h (1 - p_land)^h. Run as the main model, a variant
that doubles the sea rate gives exactly the risk that the same variant has beside the scenario as
written."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from multitrack.analysis import run_all
from multitrack.cli.app import app
from multitrack.errors import ScenarioError
from multitrack.escalation.analysis import escalation_analysis
from multitrack.escalation.variants import escalation_variants
from multitrack.scenario import builtins, loads
from multitrack.scenario.setpath import SetPathError, load_with, loads_with
from multitrack.settlement import Settlement

HEAD = """\
version: 1
id: variant-toy
title: Variants on a toy ladder
sources:
  - {{id: s, title: x, publisher: y, year: 2026}}
actors:
  - {{id: north, name: Northland, kind: state, capability: 1}}
  - {{id: south, name: Southland, kind: state, capability: 1}}
escalation:
  rungs: [peacetime, war]
  horizons: [12]
  theatres:
    - id: sea
      title: Sea
      up: {{peacetime->war: {sea}}}
      down: {{}}
    - id: land
      title: Land
      up: {{peacetime->war: {land}}}
      down: {{}}
"""
VARIANTS = """\
variants:
  - id: doubled
    title: War twice as likely at sea
    escalation:
      transitions:
        peacetime->war: {factor: 2, theatres: [sea]}
  - id: other-data
    title: Another data set
    escalation:
      transitions:
        peacetime->war: {value: 0.05}
"""
FLOOR = "tracks.ukraine-status.issues.accession-moratorium.positions.RUS.red_lines[0].below"
HARDLINE = f"""\
  - id: floor-20
    title: A harder Russian floor on the moratorium
    estimated: true
    note: "Moscow reads fifteen years as a timetable for entry."
    source: {{id: graham-menon-2022, locator: "paragraph on a declared moratorium of two decades or more"}}
    set:
      {FLOOR}: 20
"""
runner = CliRunner()


@pytest.fixture(scope="module")
def hardline_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("variants") / "es.yaml"
    path.write_text(builtins.text("european-security") + HARDLINE, encoding="utf-8")
    return path


def war(*monthly: float, months: int = 12) -> float:
    """P(war within ``months`` in any theatre), theatres independent, by hand."""
    return 1 - float(np.prod([(1 - p) ** months for p in monthly]))


def toy(variants: str) -> str:
    return HEAD.format(sea=0.01, land=0.02) + variants


def risk(scenario) -> float:
    result = escalation_analysis(scenario, settlement=Settlement.from_scenario(scenario, draws=4))
    return result.risk("none", "combined", 12, "war").mean


def test_a_variant_runs_its_model_changes_as_the_main_model():
    text = toy(VARIANTS)
    assert risk(loads_with(text, variant="doubled")) == pytest.approx(war(0.02, 0.02), abs=1e-6)
    assert risk(loads_with(text, variant="other-data")) == pytest.approx(war(0.05, 0.05), abs=1e-6)
    assert risk(loads_with(text)) == pytest.approx(war(0.01, 0.02), abs=1e-6)
    # the chosen variant is the scenario now; the others are still compared beside it
    assert [v.id for v in loads_with(text, variant="doubled").variants] == ["other-data"]


def test_a_variant_with_set_changes_values_and_stays_out_of_the_model_ranges():
    text = toy(VARIANTS + """\
  - id: calmer-land
    title: Land calmer
    set: {'escalation.theatres.land.up["peacetime->war"]': 0.005}
  - id: both
    title: Calmer land and doubled sea
    set: {'escalation.theatres.land.up["peacetime->war"]': 0.005}
    escalation: {transitions: {peacetime->war: {factor: 2, theatres: [sea]}}}
""")
    scenario = loads(text)
    assert [v.id for v in escalation_variants(scenario.variants)] == ["doubled", "other-data"]
    settlement = Settlement.from_scenario(scenario, draws=4)
    (headline,) = escalation_analysis(scenario, settlement=settlement).variants
    assert [f.variant for f in headline.figures] == ["base", "doubled", "other-data"]
    assert risk(loads_with(text, variant="calmer-land")) == pytest.approx(war(0.01, 0.005), abs=1e-6)
    assert risk(loads_with(text, variant="both")) == pytest.approx(war(0.02, 0.005), abs=1e-6)
    # the command line's changes apply after the variant's
    changed = loads_with(text, sets=['escalation.theatres.sea.up["peacetime->war"]=0.03'], variant="both")
    assert risk(changed) == pytest.approx(war(0.03, 0.005), abs=1e-6)


def test_the_hardline_variant_is_the_same_as_its_set_on_the_command_line(hardline_file):
    by_variant = load_with(hardline_file, variant="floor-20")
    by_set = load_with(hardline_file, [f"{FLOOR}=20", "variants=[]"])
    assert by_variant.track("ukraine-status") == by_set.track("ukraine-status")
    (track,) = [t for t in run_all(by_variant, only=["agreement"])["agreement"].tracks
                if t.track_id == "ukraine-status"]
    assert track.n_agreeable == 2  # 12 as written (see test_setpath)


@pytest.mark.parametrize(("entry", "expected"), [
    ("tracks.ukraine-status.issues.accesion-moratorium.positions: 1", "nearest: accession-moratorium"),
    (f"{FLOOR}: abc", "red_lines[0].below"),
])
def test_a_bad_set_in_a_variant_is_located_at_the_variant(entry, expected):
    text = builtins.text("european-security") + f"""\
  - id: bad
    title: Bad
    set:
      {entry}
"""
    at = text.count("\n", 0, text.index(entry)) + 1
    with pytest.raises((SetPathError, ScenarioError)) as bad:
        loads_with(text, "es.yaml", variant="bad")
    assert f"es.yaml:{at}:" in str(bad.value) and expected in str(bad.value)


@pytest.mark.parametrize(("body", "message"), [
    ("set: {variants.x: 1}", "a variant cannot change the variants"),
    ("set: {'tracks..x': 1}", "cannot read the path"),
    ("note: nothing changed", "changes at least one section"),
])
def test_a_variant_that_cannot_apply_is_refused_when_the_file_is_read(body, message):
    with pytest.raises(ScenarioError, match=message):
        loads(toy(f"variants:\n  - id: odd\n    title: Odd\n    {body}\n"))


def test_analyze_runs_a_named_variant(hardline_file, tmp_path):
    args = ["analyze", str(hardline_file), "--only", "agreement", "--draws", "20", "--no-record", "--verbose",
            "-o", str(tmp_path)]
    result = runner.invoke(app, args + ["--variant", "floor-20"])
    assert result.exit_code == 0, result.output
    assert "2 of 930" in result.output and "12 of 930" not in result.output


def test_an_unknown_variant_is_one_line_listing_the_names(hardline_file, tmp_path):
    result = runner.invoke(app, ["analyze", str(hardline_file), "--only", "agreement", "--no-record",
                                 "-o", str(tmp_path), "--variant", "hardline"])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "--variant hardline: no variant of that name" in line
    assert "mid-crisis-rates" in line and "floor-20" in line
