"""Model variants (issue 17, item 5): named alternative calibrations run on the run's own draws,
with each headline's range across them.

The toy ladders have two rungs (peacetime -> war, war absorbing), so the chance of war within h
months is 1 - (1 - p)^h by hand, and for two independent theatres 1 - (1 - p_a)^h (1 - p_b)^h."""

from __future__ import annotations

import numpy as np
import pytest

import multitrack
from multitrack.errors import ScenarioError
from multitrack.escalation.analysis import escalation_analysis
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
    estimated: true
    source: s
    escalation:
      transitions:
        peacetime->war: {factor: 2, theatres: [sea]}
  - id: other-data
    title: Another data set
    source: {id: s, locator: table 2}
    escalation:
      transitions:
        peacetime->war: {value: 0.05}
"""


def war(*monthly: float, months: int = 12) -> float:
    """P(war within ``months`` in any theatre), theatres independent, by hand."""
    return 1 - float(np.prod([(1 - p) ** months for p in monthly]))


def analyse(text: str, draws: int = 8):
    scenario = multitrack.loads(text)
    return escalation_analysis(scenario, settlement=Settlement.from_scenario(scenario, draws=draws))


def test_the_reported_range_equals_the_hand_worked_risks():
    result = analyse(HEAD.format(sea=0.01, land=0.02) + VARIANTS)
    (headline,) = result.variants
    by = {f.variant: f.mean for f in headline.figures}
    assert by["base"] == pytest.approx(war(0.01, 0.02), abs=1e-6)
    assert by["doubled"] == pytest.approx(war(0.02, 0.02), abs=1e-6)
    assert by["other-data"] == pytest.approx(war(0.05, 0.05), abs=1e-6)
    assert headline.low == pytest.approx(war(0.01, 0.02), abs=1e-6) and headline.lowest == "base"
    assert headline.high == pytest.approx(war(0.05, 0.05), abs=1e-6) and headline.highest == "other-data"
    assert headline.headline == "P(war within 12 months), no measures"
    assert [f.title for f in headline.figures][1:] == ["War twice as likely at sea", "Another data set"]


def test_a_replacement_is_drawn_at_the_quantile_of_the_input_it_replaces():
    # uniform(0.01, 0.02) replaced by uniform(0.02, 0.04) is exactly twice the input in every draw, so the
    # replacement gives the same risk as a factor of 2, draw for draw (common random numbers)
    drawn = "{dist: uniform, low: 0.01, high: 0.02}"
    base = HEAD.format(sea=drawn, land=drawn)
    text = base + """\
variants:
  - id: twice
    title: Twice
    escalation: {transitions: {peacetime->war: {factor: 2}}}
  - id: replaced
    title: Replaced
    escalation: {transitions: {peacetime->war: {value: {dist: uniform, low: 0.02, high: 0.04}}}}
"""
    (headline,) = analyse(text, draws=200).variants
    twice, replaced = headline.figures[1], headline.figures[2]
    assert replaced.mean == pytest.approx(twice.mean, abs=1e-6)
    assert (replaced.low, replaced.high) == pytest.approx((twice.low, twice.high), abs=1e-6)
    assert twice.mean > headline.figures[0].mean + 0.05


def test_variants_do_not_change_the_run_draws():
    base = HEAD.format(sea="{dist: pert, low: 0.01, mode: 0.02, high: 0.04}", land=0.01)
    plain, varied = analyse(base, draws=50), analyse(base + VARIANTS, draws=50)
    assert plain.variants == ()
    np.testing.assert_array_equal(plain.per_draw["reach"], varied.per_draw["reach"])
    as_written = plain.risk("none", "combined", 12, "war").mean
    assert varied.variants[0].base.mean == pytest.approx(as_written, abs=1e-6)


@pytest.mark.parametrize(("change", "message"), [
    ("peacetime->crisis: {factor: 2}", "'peacetime->crisis' is not a transition of any theatre"),
    ("peacetime->war: {factor: 2, theatres: [air]}", "'air' is not a theatre"),
    ("peacetime->war: {factor: 200}", "a monthly probability lies in [0, 1]"),
    ("peacetime->war: {factor: 2, value: 0.1}", "give either value"),
])
def test_a_bad_variant_is_one_line_naming_the_field(change, message):
    text = HEAD.format(sea=0.01, land=0.01) + f"""\
variants:
  - id: bad
    title: Bad
    escalation:
      transitions:
        {change}
"""
    with pytest.raises(ScenarioError) as err:
        multitrack.loads(text)
    assert message in str(err.value) and "variants" in str(err.value) and "\n" not in str(err.value)


def test_up_and_down_must_still_leave_a_distribution_under_a_variant():
    text = """\
version: 1
id: three
title: Three rungs
actors:
  - {id: north, name: Northland, kind: state, capability: 1}
  - {id: south, name: Southland, kind: state, capability: 1}
escalation:
  rungs: [peacetime, crisis, war]
  theatres:
    - id: sea
      title: Sea
      up: {peacetime->crisis: 0.1, crisis->war: 0.4}
      down: {crisis->peacetime: 0.5}
variants:
  - id: hot
    title: Hot
    escalation: {transitions: {crisis->war: {value: 0.6}}}
"""
    with pytest.raises(ScenarioError, match="add up to 1.1 under this variant"):
        multitrack.loads(text)
    assert multitrack.loads(text.replace("value: 0.6", "value: 0.5")).variants[0].id == "hot"


def test_variant_ids_are_unique_and_base_is_reserved():
    text = HEAD.format(sea=0.01, land=0.01) + VARIANTS.replace("id: other-data", "id: base")
    with pytest.raises(ScenarioError, match="reserved"):
        multitrack.loads(text)


def test_the_report_and_the_terminal_show_the_range():
    from rich.console import Console

    from multitrack.cli.terminal import _show_variants
    from multitrack.report.variant_words import variants_html

    scenario = multitrack.loads(HEAD.format(sea=0.01, land=0.02) + VARIANTS)
    result = escalation_analysis(scenario, settlement=Settlement.from_scenario(scenario, draws=8))
    low, high = f"{100 * war(0.01, 0.02):.1f}%", f"{100 * war(0.05, 0.05):.1f}%"
    html = variants_html(result.variants, "escalation-variants")
    assert "escalation-variants-0" in html and f"{low}-{high}" in html and "Another data set" in html
    console = Console(record=True, width=200)
    _show_variants(console, result.variants)
    assert f"across 3 model variants {low}-{high}" in console.export_text()


# A tripwire crisis with fixed terms, solved by hand (as in test_security_analyses): with a tripwire of
# 8 >= k* = 6 both types of the guarantor respond, so attacking costs the war cost 10 for sure. A prize
# of 4 is deterred in every draw; tripled to 12 it exceeds 10 and the challenger attacks in every draw;
# replaced by 9 it stays below 10 and is deterred.
CRISIS = """\
version: 1
id: small
title: Small security case
sources:
  - {id: s, title: x, publisher: y, year: 2026}
actors:
  - {id: north, name: Northland, kind: state, capability: 2}
  - {id: south, name: Southland, kind: state, capability: 1}
  - {id: guard, name: Guardland, kind: state, capability: 3}
deterrence:
  - id: c
    title: Will north attack south?
    challenger: north
    target: south
    challenger_value: 4
    guarantees:
      - id: force
        title: Guardland's force in Southland
        guarantor: guard
        kind: tripwire
        terms: {credibility: 0.3, cost_resolute: 1, cost_irresolute: 6, stake: 2, audience_cost: 1,
                tripwire: 8, tripwire_cost: 0.5, war_cost: 10}
variants:
  - id: tripled
    title: The prize tripled
    estimated: true
    source: s
    deterrence: {challenger_value: {factor: 3}}
  - id: nine
    title: A prize of nine
    deterrence: {challenger_value: {value: 9}, crises: [c]}
"""


def test_the_deterrence_range_equals_the_hand_worked_shares():
    from rich.console import Console

    from multitrack.cli.terminal import _show_variants
    from multitrack.deterrence.analysis import deterrence_analysis
    from multitrack.report.variant_words import variants_html

    scenario = multitrack.loads(CRISIS)
    result = deterrence_analysis(scenario, settlement=Settlement.from_scenario(scenario, draws=20))
    (headline,) = result.variants
    assert {f.variant: f.mean for f in headline.figures} == {"base": 1.0, "tripled": 0.0, "nine": 1.0}
    assert (headline.low, headline.lowest, headline.high) == (0.0, "tripled", 1.0)
    assert headline.headline == "P(deterred), Will north attack south?"
    assert result.crisis("c").deterred.value == 1.0  # the variants change no number of the run
    html = variants_html(result.variants, "deterrence-variants")
    assert "deterrence-variants-0" in html and "The prize tripled" in html
    console = Console(record=True, width=200)
    _show_variants(console, result.variants)
    assert "across 3 model variants 0.0%-100.0%" in console.export_text()


def test_a_deterrence_variant_names_crises_of_the_scenario():
    text = CRISIS.replace("{challenger_value: {factor: 3}}", "{challenger_value: {factor: 3}, crises: [nope]}")
    with pytest.raises(ScenarioError, match="'nope' is not a crisis"):
        multitrack.loads(text)
