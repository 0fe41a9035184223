"""Genius / GeniusWeb import and Genius export: every sample domain, utilities checked against
independent evaluators of the Genius files, round trips, bad inputs and the command line."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import multitrack
from multitrack.errors import ScenarioError
from multitrack.interop import (export_genius, import_genius, import_genius_text, read_genius,
                                read_genius_text, scenario_yaml)
from multitrack.scenario import loads
from multitrack.scenario.model import Scenario
from multitrack.space.values import issue_values

DATA = Path("/work/shared/data/genius")
XML_DOMAINS = ["Laptop", "Travel", "ItexvsCypress", "EnglandZimbabwe", "group2-politics"]
ALL_DOMAINS = XML_DOMAINS + ["geniusweb_Party"]
ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="sample Genius domains not available")


# ---- utility from the scenario, by the rule the agreement-space engine uses ------------------------------

def value(issue, pos, x) -> float:
    """v_i(x): option name or number ``x``."""
    shape = pos.shape
    if shape == "values":
        return pos.values[x].nominal
    if shape == "points":
        xs = [p[0] for p in pos.points]
        ys = [p[1].nominal for p in pos.points]
        if x <= xs[0]:
            return ys[0]
        if x >= xs[-1]:
            return ys[-1]
        for (xa, ya), (xb, yb) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
            if xa <= x <= xb:
                return ya + (yb - ya) * (x - xa) / (xb - xa)
    if issue.kind in ("categorical", "ordinal"):
        lo, hi, at = 0.0, len(issue.options) - 1.0, float(issue.options.index(x))
    else:
        lo, hi, at = issue.low, issue.high, float(x)
    if shape == "monotone":
        t = (at - lo) / (hi - lo)
        return t if pos.monotone.value == "increasing" else 1 - t
    ideal = pos.ideal
    centre = float(issue.options.index(ideal)) if isinstance(ideal, str) else ideal.nominal
    reach = max(centre - lo, hi - centre)
    d = abs(at - centre) / reach if reach > 0 else 0.0
    return 1 - d if pos.loss.value == "linear" else 1 - d * d


def utility(track, actor: str, outcome: dict) -> float:
    """U(x) = sum over issues the actor has a position on of salience * v(x)."""
    return sum(pos.salience.nominal * value(issue, pos, outcome[issue.id])
               for issue in track.issues for a, pos in issue.positions.items() if a == actor)


def outcome_values(scenario, issue) -> list:
    return issue_values(issue, scenario.settings)


def load_import(folder) -> Scenario:
    return Scenario.model_validate(import_genius(folder))


# ---- independent evaluators of the Genius files -----------------------------------------------------------

class GeniusProfile:
    """Genius's own reading of a linear-additive XML profile (written from the format)."""

    def __init__(self, path: Path) -> None:
        root = ET.parse(path).getroot()
        objective = root.find("objective")
        self.weights = {int(w.get("index")): float(w.get("value")) for w in objective.findall("weight")}
        self.issues = {}
        for issue in objective.findall("issue"):
            index, kind = int(issue.get("index")), issue.get("etype") or issue.get("type")
            if kind == "discrete":
                evals = {i.get("value"): float(i.get("evaluation")) for i in issue.findall("item")}
                top = max(evals.values())
                self.issues[issue.get("name")] = (index, lambda v, e=evals, t=top: e[v] / t)
            elif kind == "integer":
                ev, lb = issue.find("evaluator"), int(issue.get("lowerbound"))
                slope, offset = float(ev.get("slope")), float(ev.get("offset"))
                self.issues[issue.get("name")] = (index, lambda v, s=slope, o=offset, b=lb:
                                                  min(1.0, max(0.0, o + s * (v - b))))
            else:
                ev = issue.find("evaluator")
                ftype = ev.get("ftype")
                p = [float(ev.get(f"parameter{k}")) if ev.get(f"parameter{k}") else None for k in range(3)]
                if ftype == "linear":
                    fn = (lambda v, p=p: min(1.0, max(0.0, p[1] * v + p[0])))
                elif ftype == "constant":
                    fn = (lambda v, p=p: p[0])
                else:
                    fn = (lambda v, p=p: 0.0 if v < p[0] or v >= p[1] else
                          (v - p[0]) / (p[2] - p[0]) if v < p[2] else 1 - (v - p[2]) / (p[1] - p[2]))
                self.issues[issue.get("name")] = (index, fn)
        res = root.find(".//reservation")
        self.reservation = float(res.get("value")) if res is not None else 0.0
        df = root.find(".//discount_factor")
        self.discount = float(df.get("value")) if df is not None else None

    def utility(self, bid: dict) -> float:
        """``bid``: issue name -> value. Genius caps the total at 1."""
        total = sum(self.weights[index] * fn(bid[name]) for name, (index, fn) in self.issues.items())
        return min(total, 1.0)


class GeniusWebProfile:
    def __init__(self, path: Path) -> None:
        space = json.loads(path.read_text(), parse_float=Decimal)["LinearAdditiveUtilitySpace"]
        self.weights = {k: Decimal(v) for k, v in space["issueWeights"].items()}
        self.utils = space["issueUtilities"]
        bid = space.get("reservationBid")
        self.reservation = self.utility(bid["issuevalues"]) if bid else Decimal(0)

    def value(self, issue: str, v) -> Decimal:
        spec = self.utils[issue]
        if "discreteutils" in spec:
            return Decimal(spec["discreteutils"]["valueUtilities"].get(v, 0))
        n = spec["numberutils"]
        keys = ("lowValue", "lowUtility", "highValue", "highUtility")
        lo_v, lo_u, hi_v, hi_u = (Decimal(n[k]) for k in keys)
        x = Decimal(v)
        if x < lo_v or x > hi_v:
            return Decimal(0)
        exact = lo_u + (hi_u - lo_u) * (x - lo_v) / (hi_v - lo_v)
        return exact.quantize(Decimal("1.00000000"), ROUND_HALF_UP)

    def utility(self, bid: dict) -> Decimal:
        return sum((self.weights[i] * self.value(i, v) for i, v in bid.items()), Decimal(0))


def genius_domain_values(path: Path) -> dict[str, list]:
    root = ET.parse(path).getroot()
    out = {}
    for issue in root.iter("issue"):
        kind = issue.get("etype") or issue.get("type")
        if kind == "discrete":
            out[issue.get("name")] = [i.get("value") for i in issue.findall("item")]
        elif kind == "integer":
            lo, hi = int(issue.get("lowerbound")), int(issue.get("upperbound"))
            out[issue.get("name")] = list(range(lo, hi + 1))
        else:
            rng = issue.find("range")
            lo, hi = float(rng.get("lowerbound")), float(rng.get("upperbound"))
            out[issue.get("name")] = list(np.linspace(lo, hi, 41))
    return out


def xml_files(folder: Path) -> tuple[Path, list[Path]]:
    domain, profiles = None, []
    for p in sorted(folder.glob("*.xml")):
        head = p.read_bytes().lstrip()[:1]
        if head != b"<":
            continue
        tag = ET.parse(p).getroot().tag
        if tag == "negotiation_template":
            domain = p
        elif tag == "utility_space":
            profiles.append(p)
    return domain, profiles


def check_xml_utilities(folder: Path, scenario: Scenario, *, samples: int = 300, seed: int = 0) -> int:
    """Random bids: the scenario's utility equals Genius's own (below its cap at 1) within 1e-12."""
    domain, profiles = xml_files(folder)
    values = genius_domain_values(domain)
    track = scenario.tracks[0]
    by_title = {i.title: i for i in track.issues}
    actor_of = {a.description.removeprefix("Genius profile "): a.id for a in scenario.actors}
    rng = np.random.default_rng(seed)
    checked = 0
    for path in profiles:
        genius, actor = GeniusProfile(path), actor_of[path.name]
        assert track.reservation_values[actor].nominal == genius.reservation
        assert track.discount_factors.get(actor) == (genius.discount if genius.discount not in (None, 1.0)
                                                     else None)
        for _ in range(samples):
            bid = {name: vals[rng.integers(len(vals))] for name, vals in values.items()}
            ours = utility(track, actor, {by_title[n].id: v for n, v in bid.items()})
            assert abs(min(ours, 1.0) - genius.utility(bid)) <= 1e-12
            checked += 1
    return checked


# ---- import: every sample domain ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_DOMAINS)
def test_every_sample_domain_imports_and_validates_as_yaml(name):
    result = read_genius(DATA / name)
    scenario = Scenario.model_validate(result.data)
    assert loads(result.yaml(), f"{name}.yaml") == scenario
    assert len(scenario.tracks) == 1
    track = scenario.tracks[0]
    assert track.participants == track.veto_players == [a.id for a in scenario.actors]
    assert all(a.kind.value == "state" and a.capability.nominal == 1 for a in scenario.actors)
    for obj in [scenario, *scenario.actors, *scenario.tracks, *track.issues, *scenario.sources]:
        assert ID.match(obj.id)
    src = scenario.sources[0]
    assert src.publisher == "Genius negotiation platform (domain file)" and 1000 <= src.year <= 2100
    assert "# " in result.yaml().split("sources:")[1].split("actors:")[0]  # the year's comment
    for issue in track.issues:
        assert issue.title and set(issue.positions) == set(track.participants)


@pytest.mark.parametrize("name", XML_DOMAINS)
def test_xml_utilities_equal_genius_utilities(name):
    assert check_xml_utilities(DATA / name, load_import(DATA / name)) >= 600


def test_laptop_ids_names_discounts_and_the_cap_at_one():
    scenario = load_import(DATA / "Laptop")
    assert [a.id for a in scenario.actors] == ["buyer", "seller"]
    track = scenario.tracks[0]
    assert [i.id for i in track.issues] == ["Laptop", "Harddisk", "External_Monitor"]  # the names, as ids
    assert [i.title for i in track.issues] == ["Laptop", "Harddisk", "External Monitor"]
    assert track.discount_factors == {"buyer": 0.42441038, "seller": 0.42441038}
    # hand-computed: Macintosh (20/30), 80 Gb (20/30), 23'' LCD (20/30) for the buyer
    bid = {"Laptop": "Macintosh", "Harddisk": "80 Gb", "External_Monitor": "23'' LCD"}
    w = [0.4452125771655631, 0.37808251708013424, 0.1767567099260568]
    assert utility(track, "buyer", bid) == pytest.approx(sum(w) * 20 / 30, abs=1e-15)
    # the Laptop weights sum to 1.00005: Genius caps the best bid at 1, the import does not
    best = {"Laptop": "HP", "Harddisk": "60 Gb", "External_Monitor": "19'' LCD"}
    assert utility(track, "buyer", best) == pytest.approx(1.000051804171754, abs=1e-15)
    assert "caps a utility at 1" in read_genius(DATA / "Laptop").yaml()


def test_group2_politics_has_three_actors_and_others_two():
    scenario = load_import(DATA / "group2-politics")
    assert [a.id for a in scenario.actors] == ["util1", "util2", "util3"]
    assert len(scenario.tracks[0].issues) == 8
    assert not scenario.tracks[0].discount_factors  # discount 1.0 is left out
    assert [a.id for a in load_import(DATA / "ItexvsCypress").actors] == ["Cypress", "Itex"]
    england = load_import(DATA / "EnglandZimbabwe")
    assert [a.name for a in england.actors] == ["England", "Zimbabwe"]


def test_geniusweb_party_utilities_equal_the_json_on_every_outcome():
    scenario = load_import(DATA / "geniusweb_Party")
    track = scenario.tracks[0]
    domain = json.loads((DATA / "geniusweb_Party" / "party.json").read_text())["issuesValues"]
    names = list(domain)
    ids = {i.title: i.id for i in track.issues}
    for actor in ("party1", "party2"):
        profile = GeniusWebProfile(DATA / "geniusweb_Party" / f"{actor}.json")
        assert track.reservation_values[actor].nominal == pytest.approx(float(profile.reservation), abs=1e-15)
        n = 0
        for combo in itertools.product(*(domain[i]["values"] for i in names)):
            bid = dict(zip(names, combo))
            ours = utility(track, actor, {ids[k]: v for k, v in bid.items()})
            assert abs(ours - float(profile.utility(bid))) <= 1e-12
            n += 1
        assert n == 4 ** 5 * 3
    # hand-computed reservation of party1: its reservation bid's weighted utilities
    hand = 0.19 * 0.51 + 0.28 * 0.672 + 0.19 * 0.52 + 0.05 * 0.48 + 0.19 * 0.35 + 0.10 * 0.32
    assert track.reservation_values["party1"].nominal == pytest.approx(hand, abs=1e-12)


def test_10issues_nonlinear_profiles_are_refused_and_pareto_xml_is_consistent():
    with pytest.raises(ScenarioError) as caught:
        import_genius(DATA / "10issues")
    message = str(caught.value)
    assert "\n" not in message and "profile-1.xml:" in message and "nonlinear" in message
    # pareto.xml lists utility pairs (no bids) on the nonlinear utilities: sums of
    # hyper-rectangle utilities divided by maxutility (662 and 885); an offline brute force
    # over 25.4 million equivalence classes of bids reproduces exactly these 10 points.
    pairs = [tuple(float(x) for x in line.split(",")) for line in
             (DATA / "10issues" / "pareto.xml").read_text().split("\n") if line.strip()]
    assert len(pairs) == 10
    for a in pairs:
        assert not any(b != a and b[0] >= a[0] and b[1] >= a[1] for b in pairs)
        assert abs(a[0] * 662 - round(a[0] * 662)) < 1e-4 and abs(a[1] * 885 - round(a[1] * 885)) < 1e-4


def discrete_files(issues: dict[str, list[str]], profiles: dict[str, list[float]]) -> tuple[str, dict]:
    """A discrete Genius domain and profiles (evaluation k+1 for the k-th value; the given weights)."""
    def body(evaluate: bool) -> str:
        out = ""
        for n, (name, values) in enumerate(issues.items(), start=1):
            items = "".join(f'<item index="{k + 1}" value="{v}"' + (f' evaluation="{k + 1}"' * evaluate)
                            + "/>" for k, v in enumerate(values))
            out += f'<issue index="{n}" etype="discrete" name="{name}">{items}</issue>\n'
        return out
    domain = f'<negotiation_template><utility_space><objective index="0">\n{body(False)}' \
             '</objective></utility_space></negotiation_template>'
    files = {}
    for file, weights in profiles.items():
        w = "".join(f'<weight index="{n}" value="{x}"/>' for n, x in enumerate(weights, start=1))
        files[file] = f'<utility_space><objective index="0">\n{body(True)}{w}</objective></utility_space>'
    return domain, files


def test_ids_keep_the_names_as_far_as_the_id_rules_allow():
    issues = {"2nd round": ["a", "b"], "Size of Fund": ["x", "y"], "size-of fund": ["p", "q"],
              "Ünïcode ☃": ["1", "2"]}
    domain, files = discrete_files(issues,
                                   {"1.xml": [0.25] * 4, "2.xml": [0.1, 0.2, 0.3, 0.4]})
    data = import_genius_text(domain, files, domain_file="9 lives.xml")
    scenario = Scenario.model_validate(data)
    track = scenario.tracks[0]
    # case, digits, "_" and "-" stay; any other run of characters becomes one "_"; a name that does
    # not start with a letter gets a prefix; the name itself stays the title
    assert scenario.id == "genius_9_lives"
    assert [i.id for i in track.issues] == ["issue_2nd_round", "Size_of_Fund", "size-of_fund", "Unicode"]
    assert [i.title for i in track.issues] == ["2nd round", "Size of Fund", "size-of fund", "Ünïcode ☃"]
    assert [(a.id, a.name) for a in scenario.actors] == [("actor_1", "1"), ("actor_2", "2")]
    assert all(v.nominal == 0 for v in track.reservation_values.values())  # none stated: Genius's 0
    bid = {"issue_2nd_round": "b", "Size_of_Fund": "x", "size-of_fund": "q", "Unicode": "1"}
    assert utility(track, "actor_2", bid) == pytest.approx(0.1 + 0.2 / 2 + 0.3 + 0.4 / 2, abs=1e-15)
    # names that only an id's rules make equal still get unique ids
    clash, files = discrete_files({"a b": ["x", "y"], "a.b": ["x", "y"]},
                                  {"1.xml": [0.5, 0.5], "2.xml": [1, 0]})
    assert [i["id"] for i in import_genius_text(clash, files)["tracks"][0]["issues"]] == ["a_b", "a_b-2"]


# ---- integer and real issues (no sample has them): synthetic Genius files ----------------------------

SYN_DOMAIN = """<negotiation_template><utility_space number_of_issues="4">
<objective index="0" etype="objective" type="objective" name="root">
  <issue index="1" etype="integer" type="integer" vtype="integer" name="Price"
         lowerbound="10" upperbound="30"/>
  <issue index="2" etype="real" type="real" vtype="real" name="Delivery days">
    <range lowerbound="0" upperbound="8"/></issue>
  <issue index="3" etype="discrete" type="discrete" vtype="discrete" name="Colour">
    <item index="1" value="red"/><item index="2" value="blue"/><item index="3" value="1"/></issue>
  <issue index="4" etype="real" type="real" vtype="real" name="Quality">
    <range lowerbound="-2" upperbound="2"/></issue>
</objective></utility_space></negotiation_template>"""

SYN_PROFILE = """<utility_space><objective index="0" etype="objective" type="objective" name="root">
  <issue index="1" etype="integer" type="integer" vtype="integer" name="Price"
         lowerbound="10" upperbound="30">
    <evaluator ftype="linear" slope="{slope}" offset="{offset}"/></issue>
  <issue index="2" etype="real" type="real" vtype="real" name="Delivery days">
    <range lowerbound="0" upperbound="8"/>
    <evaluator ftype="linear" parameter0="{p0}" parameter1="{p1}"/></issue>
  <issue index="3" etype="discrete" type="discrete" vtype="discrete" name="Colour">
    <item index="1" value="red" evaluation="{red}"/><item index="2" value="blue" evaluation="7"/>
    <item index="3" value="1" evaluation="0"/></issue>
  <issue index="4" etype="real" type="real" vtype="real" name="Quality">
    <range lowerbound="-2" upperbound="2"/>
    {quality}</issue>
  <weight index="1" value="0.3"/><weight index="2" value="0.25"/><weight index="3" value="0.2"/>
  <weight index="4" value="0.25"/>
</objective><discount_factor value="{df}"/><reservation value="0.35"/></utility_space>"""


def synthetic_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "syn"
    folder.mkdir()
    (folder / "shop_domain.xml").write_text(SYN_DOMAIN)
    (folder / "shop_buyer.xml").write_text(SYN_PROFILE.format(
        slope=-0.08, offset=1.3, p0=0.1, p1=0.1, red=3, df=0.9,
        quality='<evaluator ftype="triangular" parameter0="-1" parameter1="1.5" parameter2="0.25"/>'))
    (folder / "shop_seller.xml").write_text(SYN_PROFILE.format(
        slope=0.05, offset=0.0, p0=1.0, p1=-0.125, red=14, df=1,
        quality='<evaluator ftype="constant" parameter0="0.4"/>'))
    return folder


def test_integer_and_real_evaluators_map_exactly_with_clamping(tmp_path):
    folder = synthetic_folder(tmp_path)
    scenario = load_import(folder)
    track = scenario.tracks[0]
    kinds = {i.title: i.kind for i in track.issues}
    assert kinds == {"Price": "integer", "Delivery days": "continuous", "Colour": "categorical",
                     "Quality": "continuous"}
    price = track.issues[0]
    # buyer: offset 1.3 - 0.08 (x - 10) is clamped at 1 until x = 13.75 and reaches 0 at 26.25
    assert [list(p[:1]) + [p[1].nominal] for p in price.positions["buyer"].points] == \
        [[10, 1.0], [13.75, 1.0], [26.25, 0.0], [30, 0.0]]
    assert track.discount_factors == {"buyer": 0.9}
    assert check_xml_utilities(folder, scenario, samples=400) == 800
    # every integer exactly, not only samples
    genius = GeniusProfile(folder / "shop_buyer.xml")
    _, fn = genius.issues["Price"]
    for x in range(10, 31):
        assert abs(value(price, price.positions["buyer"], x) - fn(x)) <= 1e-15


def test_geniusweb_number_issues_with_rounding_and_zero_outside(tmp_path):
    domain = {"name": "shop", "issuesValues": {
        "units": {"range": {"low": 1, "high": 12, "step": 1}},
        "price": {"range": {"low": 12.2, "high": 13.6, "step": 0.3}},
        "brand": {"values": ["a", "b"]}}}
    profile = {"LinearAdditiveUtilitySpace": {
        "name": "p", "domain": {"name": "shop"},
        "issueUtilities": {
            "units": {"numberutils": {"lowValue": 2, "lowUtility": 0.1, "highValue": 11, "highUtility": 0.9}},
            "price": {"numberutils": {"lowValue": 12.2, "lowUtility": 1, "highValue": 13.4,
                                      "highUtility": 0}},
            "brand": {"discreteutils": {"valueUtilities": {"a": 0.3, "b": 1}}}},
        "issueWeights": {"units": 0.5, "price": 0.3, "brand": 0.2},
        "reservationBid": {"issuevalues": {"units": 5, "price": 12.8}}}}
    other = json.loads(json.dumps(profile))
    other["LinearAdditiveUtilitySpace"]["issueWeights"] = {"units": 0.2, "price": 0.2, "brand": 0.6}
    folder = tmp_path / "gw"
    folder.mkdir()
    (folder / "shop.json").write_text(json.dumps(domain))
    (folder / "one.json").write_text(json.dumps(profile))
    (folder / "two.json").write_text(json.dumps(other))
    scenario = load_import(folder)
    track = scenario.tracks[0]
    units, price, brand = track.issues
    assert units.kind == "integer" and (units.low, units.high) == (1, 12)
    assert price.kind == "continuous" and price.grid_points == 5 and (price.low, price.high) == (12.2, 13.4)
    grid = outcome_values(scenario, price)
    assert grid == pytest.approx([12.2, 12.5, 12.8, 13.1, 13.4], abs=1e-12)
    ids = {"units": units.id, "price": price.id, "brand": brand.id}
    for actor, path in (("one", folder / "one.json"), ("two", folder / "two.json")):
        gw = GeniusWebProfile(path)
        assert track.reservation_values[actor].nominal == pytest.approx(float(gw.reservation), abs=1e-15)
        for u, p, b in itertools.product(range(1, 13), ["12.2", "12.5", "12.8", "13.1", "13.4"], "ab"):
            ours = utility(track, actor, {ids["units"]: u, ids["price"]: float(p), ids["brand"]: b})
            theirs = gw.utility({"units": u, "price": Decimal(p), "brand": b})
            assert abs(ours - float(theirs)) <= 1e-12
    # 1 and 12 lie outside [lowValue, highValue]: utility 0 there
    assert value(units, units.positions["one"], 1) == 0 and value(units, units.positions["one"], 12) == 0


# ---- files Genius reads that look odd: all-zero issues, issues without a type, repeated values -------

ODD_DOMAIN = """<negotiation_template><utility_space><objective index="0" name="root">
  <issue index="1" type="discrete" name="Zero"><item index="1" value="a"/><item index="2" value="b"/></issue>
  <issue index="2" name="Untyped"><item index="1" value="p"/><item index="2" value="q"/>
    <item index="3" value="q"/><item index="4" value="r"/></issue>
  <issue index="3" etype="integer" vtype="integer" type="discrete" name="Typed">
    <item index="1" value="x"/><item index="2" value="y"/></issue>
</objective></utility_space></negotiation_template>"""

ODD_PROFILE = """<utility_space><objective index="0" name="root">
  <issue index="1" type="discrete" name="Zero">
    <item index="1" value="a" evaluation="{a}"/><item index="2" value="b" evaluation="0"/></issue>
  <issue index="2" name="Untyped"><item index="1" value="p" evaluation="2"/>
    <item index="2" value="q" evaluation="5"/><item index="3" value="q" evaluation="{q}"/>
    <item index="4" value="r" evaluation="4"/></issue>
  <issue index="3" type="discrete" name="Typed">
    <item index="1" value="x" evaluation="1"/><item index="2" value="y" evaluation="3"/></issue>
  <weight index="1" value="0.2"/><weight index="2" value="0.5"/><weight index="3" value="0.3"/>
</objective><reservation value="0.1"/></utility_space>"""


def odd_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "odd"
    folder.mkdir(parents=True)
    (folder / "odd_domain.xml").write_text(ODD_DOMAIN)
    (folder / "odd_one.xml").write_text(ODD_PROFILE.format(a=0, q=1))          # Zero: every evaluation 0
    (folder / "odd_two.xml").write_text(ODD_PROFILE.format(a="0.000009", q=5))  # below Genius's 0.00001
    return folder


def test_all_zero_issues_evaluate_to_zero_as_in_genius(tmp_path):
    result = read_genius(odd_folder(tmp_path))
    track = Scenario.model_validate(result.data).tracks[0]
    zero = next(i for i in track.issues if i.title == "Zero")
    for actor in ("one", "two"):
        assert {o: v.nominal for o, v in zero.positions[actor].values.items()} == {"a": 0.0, "b": 0.0}
    assert "Genius evaluates every value as 0" in " ".join(result.yaml().replace("#", " ").split())
    # hand-computed: U_one(b, q, y) = 0.2 * 0 + 0.5 * (1 / 4) + 0.3 * (3 / 3)
    bid = {i.title: v for i, v in zip(track.issues, ("b", "q", "y"))}
    ours = utility(track, "one", {i.id: bid[i.title] for i in track.issues})
    assert ours == pytest.approx(0.425, abs=1e-15)


def test_issues_without_a_type_and_repeated_values_read_as_genius_reads_them(tmp_path):
    track = Scenario.model_validate(import_genius(odd_folder(tmp_path))).tracks[0]
    untyped = next(i for i in track.issues if i.title == "Untyped")
    typed = next(i for i in track.issues if i.title == "Typed")
    # no type: discrete; q listed twice in the domain is one value
    assert untyped.kind == typed.kind == "categorical" and untyped.options == ["p", "q", "r"]
    # "one" evaluates q as 5, then 1: the last counts, and the largest evaluation left is r's 4
    def table(actor):
        return {o: v.nominal for o, v in untyped.positions[actor].values.items()}

    assert table("one") == {"p": 0.5, "q": 0.25, "r": 1.0} and table("two") == {"p": 0.4, "q": 1.0, "r": 0.8}
    # the type attribute wins over etype and vtype, as in Genius
    assert typed.options == ["x", "y"]


def test_a_genius_domain_has_no_status_quo(tmp_path):
    for folder in (odd_folder(tmp_path), DATA / "Laptop", DATA / "geniusweb_Party"):
        result = read_genius(folder)
        assert all("status_quo" not in issue for issue in result.data["tracks"][0]["issues"])
        track = Scenario.model_validate(result.data).tracks[0]
        assert not track.has_status_quo and all(i.status_quo is None for i in track.issues)
        assert "status_quo" not in result.yaml()


def test_the_year_cited_is_the_files_not_the_import_date(tmp_path):
    stated = odd_folder(tmp_path / "a")
    domain = stated / "odd_domain.xml"
    domain.write_text("<!-- ANAC domain, created 2011-04-02 -->\n" + domain.read_text())
    result = read_genius(stated)
    assert result.data["sources"][0]["year"] == 2011 and "stated in odd_domain.xml" in result.yaml()
    # the ANAC collections keep each year's domains in a folder named by the year
    assert import_genius(odd_folder(tmp_path / "y2013"))["sources"][0]["year"] == 2013
    # else the files' modification date, the oldest of them
    dated = odd_folder(tmp_path / "b")
    for k, path in enumerate(sorted(dated.iterdir())):
        stamp = datetime.datetime(2012 + k, 6, 1, tzinfo=datetime.UTC).timestamp()
        os.utime(path, (stamp, stamp))
    assert import_genius(dated)["sources"][0]["year"] == 2012
    # texts: a year they state, else the placeholder
    texts = {"odd_one.xml": ODD_PROFILE.format(a=0, q=1), "odd_two.xml": ODD_PROFILE.format(a=0, q=1)}
    assert import_genius_text(domain.read_text(), texts)["sources"][0]["year"] == 2011
    assert import_genius_text(ODD_DOMAIN, texts)["sources"][0]["year"] == 2010


# ---- export and re-import ------------------------------------------------------------------------------

def enumerate_track(scenario, track, limit=200_000, seed=1):
    axes = [outcome_values(scenario, i) for i in track.issues]
    size = int(np.prod([len(a) for a in axes]))
    if size <= limit:
        return [list(c) for c in itertools.product(*[range(len(a)) for a in axes])], axes
    rng = np.random.default_rng(seed)
    return [[int(rng.integers(len(a))) for a in axes] for _ in range(2000)], axes


def utilities_by_index(scenario, track, actor, combos, axes) -> np.ndarray:
    """Additive utility on outcomes given as value indices (vectorised by issue)."""
    combos = np.asarray(combos)
    total = np.zeros(len(combos))
    for j, (issue, axis) in enumerate(zip(track.issues, axes)):
        pos = issue.positions.get(actor)
        if pos is None:
            continue
        table = np.array([pos.salience.nominal * value(issue, pos, x) for x in axis])
        total += table[combos[:, j]]
    return total


def profile_actors(scenario) -> dict[str, str]:
    """Exported profile file stem (the original actor id) -> re-imported actor id."""
    return {a.description.removeprefix("Genius profile ").removesuffix(".xml"): a.id for a in scenario.actors}


def round_trip(scenario, track_id, tmp_path):
    report = export_genius(scenario, track_id, tmp_path / f"out-{track_id}")
    again = load_import(report.folder)
    return report, again


@pytest.mark.parametrize("name", ALL_DOMAINS)
def test_export_then_import_gives_identical_utilities(name, tmp_path):
    scenario = load_import(DATA / name)
    track = scenario.tracks[0]
    report, again = round_trip(scenario, track.id, tmp_path)
    assert report.domain_file.name == f"{track.id}_domain.xml"
    assert all(s == (0.0, 1.0) for s in report.scaling.values())
    back = again.tracks[0]
    assert [i.title for i in back.issues] == [i.title for i in track.issues]
    assert [i.options for i in back.issues] == [i.options for i in track.issues]
    actor_of = profile_actors(again)
    combos, axes = enumerate_track(scenario, track)
    for actor in track.participants:
        mine = utilities_by_index(scenario, track, actor, combos, axes)
        theirs = utilities_by_index(again, back, actor_of[actor], combos, axes)
        assert np.max(np.abs(mine - theirs)) <= 1e-12
        assert back.reservation_values[actor_of[actor]].nominal == pytest.approx(
            track.reservation_values[actor].nominal, abs=1e-15)
        assert back.discount_factors.get(actor_of[actor]) == track.discount_factors.get(actor)


def test_export_of_synthetic_numeric_issues_keeps_them_numeric(tmp_path):
    scenario = load_import(synthetic_folder(tmp_path))
    track = scenario.tracks[0]
    report, again = round_trip(scenario, track.id, tmp_path)
    back = again.tracks[0]
    # Price (clamped for the buyer) is not linear over its range: a discrete issue of 21 values
    assert report.discretised == [track.issues[0].id, track.issues[3].id]
    assert [i.kind for i in back.issues] == ["categorical", "continuous", "categorical", "categorical"]
    assert back.issues[0].options == [str(x) for x in range(10, 31)]
    actor_of = profile_actors(again)
    combos, axes = enumerate_track(scenario, track)
    back_axes = [outcome_values(again, i) if i.kind != "continuous" else a
                 for i, a in zip(back.issues, axes)]
    for actor in track.participants:
        mine = utilities_by_index(scenario, track, actor, combos, axes)
        theirs = utilities_by_index(again, back, actor_of[actor], combos, back_axes)
        assert np.max(np.abs(mine - theirs)) <= 1e-12


@pytest.mark.parametrize("builtin", ["border-talks", "european-security"])
def test_builtin_tracks_round_trip_exactly_or_by_the_reported_rescaling(builtin, tmp_path):
    scenario = multitrack.load(builtin)
    for track in scenario.tracks:
        report, again = round_trip(scenario, track.id, tmp_path)
        back = again.tracks[0]
        actor_of = profile_actors(again)
        assert set(actor_of) == set(track.participants)
        combos, axes = enumerate_track(scenario, track, limit=50_000)
        back_axes = []
        for issue, new, axis in zip(track.issues, back.issues, axes):
            if new.kind == "continuous" or issue.id not in report.discretised and new.kind == "integer":
                back_axes.append(axis)  # linear numeric issue: evaluate at the original grid
            else:
                assert len(new.options) == len(axis)
                back_axes.append(new.options)
        for actor in track.participants:
            offset, factor = report.scaling[actor]
            mine = (utilities_by_index(scenario, track, actor, combos, axes) - offset) * factor
            theirs = utilities_by_index(again, back, actor_of[actor], combos, back_axes)
            assert np.max(np.abs(mine - theirs)) <= 1e-12, (track.id, actor)
            assert np.min(theirs) >= -1e-12 and np.max(theirs) <= 1.001
    if builtin == "border-talks":
        assert report.scaling == {"north": (0.0, 1.0), "south": (0.0, 1.0)}
        assert report.discretised == ["zone-depth"]  # north's ideal point is not linear


def test_export_rejects_an_unknown_track(tmp_path):
    with pytest.raises(ScenarioError, match="no track 'nope'"):
        export_genius(multitrack.load("border-talks"), "nope", tmp_path)


# ---- bad inputs: always ScenarioError with one line -------------------------------------------------------

def copy_folder(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for p in src.iterdir():
        (dst / p.name).write_bytes(p.read_bytes())
    return dst


def one_line_error(folder) -> str:
    with pytest.raises(ScenarioError) as caught:
        import_genius(folder)
    message = str(caught.value)
    assert "\n" not in message and message.strip()
    return message


def test_truncated_xml_names_file_and_line(tmp_path):
    folder = copy_folder(DATA / "Laptop", tmp_path / "t")
    text = (folder / "laptop_seller_utility.xml").read_text()
    (folder / "laptop_seller_utility.xml").write_text(text[: len(text) // 2])
    message = one_line_error(folder)
    assert re.search(r"laptop_seller_utility\.xml:\d+:\d+: malformed XML", message)


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n',
    '<!DOCTYPE utility_space SYSTEM "file:///etc/passwd">\n',
    '<!doctype x>\n'])
def test_doctype_and_entities_are_refused(tmp_path, prolog):
    folder = copy_folder(DATA / "Laptop", tmp_path / "d")
    path = folder / "laptop_domain.xml"
    path.write_text(prolog + path.read_text())
    assert "refused" in one_line_error(folder)


def test_json_with_a_missing_key(tmp_path):
    folder = copy_folder(DATA / "geniusweb_Party", tmp_path / "j")
    data = json.loads((folder / "party1.json").read_text())
    del data["LinearAdditiveUtilitySpace"]["issueWeights"]
    (folder / "party1.json").write_text(json.dumps(data))
    message = one_line_error(folder)
    assert "party1.json" in message and "issueWeights" in message


def test_folder_without_profiles(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "laptop_domain.xml").write_bytes((DATA / "Laptop" / "laptop_domain.xml").read_bytes())
    assert "no Genius profiles" in one_line_error(folder)
    one = copy_folder(DATA / "geniusweb_Party", tmp_path / "one")
    (one / "party2.json").unlink()
    assert "at least two profiles" in one_line_error(one)


def test_more_bad_inputs(tmp_path):
    assert "no such folder" in one_line_error(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no Genius domain" in one_line_error(empty)

    def laptop_with(name: str, old: str, new: str, count: int = 1) -> Path:
        folder = copy_folder(DATA / "Laptop", tmp_path / name)
        path = folder / "laptop_buyer_utility.xml"
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, count))
        return folder

    assert "unknown type 'fuzzy'" in one_line_error(laptop_with(  # Genius reads the type attribute
        "u", 'etype="discrete" type="discrete" vtype="discrete" name="Laptop"',
        'etype="discrete" type="fuzzy" name="Laptop"'))
    assert "no weight for issue 'Harddisk'" in one_line_error(laptop_with(
        "w", '<weight index="2" value="0.37808251708013424">\n</weight>', ''))
    no_eval = laptop_with("e", 'value="80 Gb"  cost="0" evaluation="20"', 'value="80 Gb"')
    assert re.search(r":\d+: value '80 Gb' of issue 'Harddisk' has no evaluation", one_line_error(no_eval))
    nan = laptop_with("n", 'value="0.1767567099260568"', 'value="NaN"')
    assert "not a finite number" in one_line_error(nan)
    assert "not a finite number" in one_line_error(laptop_with("i", 'evaluation="12"', 'evaluation="inf"'))
    assert "not a number" in one_line_error(laptop_with("x", 'evaluation="12"', 'evaluation="twelve"'))
    assert "negative" in one_line_error(laptop_with("g", 'value="0.4452125771655631"', 'value="-0.4"'))

    gw = copy_folder(DATA / "geniusweb_Party", tmp_path / "gw")
    (gw / "party2.json").write_text('{"LinearAdditiveUtilitySpace": {\n  "name": NaN}}')
    assert "party2.json" in one_line_error(gw)
    (gw / "party2.json").write_text('{"LinearAdditiveUtilitySpace": {\n  "name": "x",,}}')
    assert re.search(r"party2\.json:2:\d+: malformed JSON", one_line_error(gw))


def test_texts_import_like_folders():
    laptop = DATA / "Laptop"
    data = import_genius_text((laptop / "laptop_domain.xml").read_text(),
                              {p.name: p.read_text() for p in sorted(laptop.glob("*_utility.xml"))},
                              domain_file="laptop_domain.xml")
    folder = import_genius(laptop, year=2010)
    assert data == folder
    party = DATA / "geniusweb_Party"
    gw = read_genius_text((party / "party.json").read_bytes(),
                          {n: (party / n).read_bytes() for n in ("party1.json", "party2.json")})
    assert gw.data["tracks"][0]["issues"] == import_genius(party)["tracks"][0]["issues"]
    with pytest.raises(ScenarioError):
        import_genius_text("hello", {})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mangled_xml_raises_only_scenario_errors(data):
    raw = bytearray((DATA / "Laptop" / "laptop_buyer_utility.xml").read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["cut", "flip", "insert"]))
        if op == "cut":
            del raw[at:at + data.draw(st.integers(1, 40))]
        elif op == "flip":
            raw[at] = data.draw(st.sampled_from(b'<>"=/&x0-9 \n\x00\xff'))
        else:
            raw[at:at] = data.draw(st.sampled_from([b"<", b"&amp;", b'"', b"<!ENTITY", b"</issue>", b"\xc3"]))
    profiles = {"laptop_buyer_utility.xml": bytes(raw),
                "laptop_seller_utility.xml": (DATA / "Laptop" / "laptop_seller_utility.xml").read_bytes()}
    try:
        result = read_genius_text((DATA / "Laptop" / "laptop_domain.xml").read_bytes(), profiles,
                                  domain_file="laptop_domain.xml")
    except ScenarioError as exc:
        assert "\n" not in str(exc)
    else:
        Scenario.model_validate(result.data)


# ---- the YAML writer -------------------------------------------------------------------------------------

def test_yaml_writer_keeps_tricky_text_and_floats_exact():
    options = ["yes", "no", "1", "true", "null", "~", "- x", "a: b", "#x", " lead", "É", "0x1F", "1e3",
               "[a]"]
    data = {"version": 1, "id": "tricky", "title": "tricky: values",
            "sources": [{"id": "s", "title": "t", "publisher": "p", "year": 2010}],
            "actors": [{"id": "a", "name": "A", "kind": "state"}, {"id": "b", "name": "B", "kind": "state"}],
            "tracks": [{"id": "t", "title": "T", "participants": ["a", "b"], "source": "s",
                        "reservation_values": {"a": 1e-05, "b": 0.1 + 0.2},
                        "issues": [{"id": "i", "kind": "categorical", "options": options, "status_quo": "no",
                                    "positions": {"a": {"salience": 1e20, "values": {
                                        o: k / 7 for k, o in enumerate(options)}}}}]}]}
    text = scenario_yaml(data, header="a header", comments={("tracks", 0, "reservation_values", "a"): "tiny"})
    assert text.startswith("# a header") and "# tiny" in text
    assert loads(text) == Scenario.model_validate(data)


# ---- the command line ------------------------------------------------------------------------------------

def run(*args, cwd=None):
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=env)


def test_cli_import_validate_refuse_overwrite_and_export(tmp_path):
    proc = run("import", "genius", str(DATA / "Laptop"), "-o", "laptop.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "discount factors" in proc.stdout and "0.42441038" in proc.stdout
    assert run("validate", "laptop.yaml", cwd=tmp_path).returncode == 0
    written = (tmp_path / "laptop.yaml").read_text()

    again = run("import", "genius", str(DATA / "Travel"), "-o", "laptop.yaml", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1 and "Traceback" not in again.stderr
    assert (tmp_path / "laptop.yaml").read_text() == written
    forced = run("import", "genius", str(DATA / "geniusweb_Party"), "-o", "laptop.yaml", "--force",
                 cwd=tmp_path)
    assert forced.returncode == 0 and "party1" in (tmp_path / "laptop.yaml").read_text()

    bad = run("import", "genius", str(DATA / "10issues"), "-o", "ten.yaml", cwd=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr
    assert not (tmp_path / "ten.yaml").exists()

    out = run("export", "genius", "laptop.yaml", "--track", "party", "-o", "xml", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in (tmp_path / "xml").iterdir())
    assert names == ["party1.xml", "party2.xml", "party_domain.xml"]
    refused = run("export", "genius", "laptop.yaml", "--track", "party", "-o", "xml", cwd=tmp_path)
    assert refused.returncode == 2 and "not empty" in refused.stderr and "Traceback" not in refused.stderr
    assert refused.stdout == "" and len(refused.stderr.strip().splitlines()) == 1
