"""GMCR+ (gmcr-py) save-file import/export: round trips on conflicts written here, and
one-line located errors on malformed files. No gmcr-py file or code is used."""

from __future__ import annotations

import json

import numpy as np
import pytest

from multitrack.errors import ScenarioError
from multitrack.stability import (
    AtLeastOne,
    Conflict,
    DecisionMaker,
    Infeasible,
    Irreversible,
    MutuallyExclusive,
    OptionPrioritization,
    Requires,
    analyse,
)
from multitrack.stability.examples import chicken, prisoners_dilemma
from multitrack.stability.gmcr_plus import read_gmcr_plus, write_gmcr_plus

CONCEPTS = ("nash", "gmr", "smr", "seq")


def _treaty() -> Conflict:
    """Three DMs, statements with not/and/or/if/iff, all condition kinds, irreversibility."""
    return Conflict(
        dms=(
            DecisionMaker("East", ("e_keep", "e_test"), OptionPrioritization(
                ("e_keep & w_keep", "-e_test if w_test", "g_sanction iff w_test", "e_keep | e_test"))),
            DecisionMaker("West", ("w_keep", "w_test"), OptionPrioritization(
                ("w_keep & e_keep", "-g_sanction", "not w_test", "w_keep if e_keep"))),
            DecisionMaker("Guarantor", ("g_sanction",), OptionPrioritization(
                ("e_keep & w_keep", "g_sanction if (e_test | w_test)", "-g_sanction"))),
        ),
        conditions=(
            MutuallyExclusive(("e_keep", "e_test")),
            AtLeastOne(("w_keep", "w_test", "g_sanction")),
            Requires("g_sanction", "e_test | w_test"),
            Infeasible("e_test & w_test & -g_sanction"),
        ),
        irreversible=(Irreversible("w_test", "forward"), Irreversible("e_keep", "backward")),
    )


def _same(a: Conflict, b: Conflict) -> None:
    """Same states, same payoff order for every DM, same equilibria under every concept."""
    ma, mb = a.build(), b.build()
    assert ma.option_names == mb.option_names and ma.dm_names == mb.dm_names
    assert np.array_equal(ma.codes, mb.codes)
    for i in range(ma.n_dms):
        pa, pb = ma.payoff[:, i], mb.payoff[:, i]
        assert np.array_equal(np.sign(pa[:, None] - pa[None, :]), np.sign(pb[:, None] - pb[None, :]))
    assert (ma.forward_only, ma.backward_only) == (mb.forward_only, mb.backward_only)
    sa, sb = analyse(ma, CONCEPTS), analyse(mb, CONCEPTS)
    for c in CONCEPTS:
        assert np.array_equal(sa.table[c], sb.table[c]), c


@pytest.mark.parametrize("make", [_treaty, prisoners_dilemma, chicken])
def test_round_trip(make) -> None:
    conflict = make()
    text = write_gmcr_plus(conflict)
    back = read_gmcr_plus(text, "x.gmcr")
    _same(conflict, back)
    _same(back, read_gmcr_plus(write_gmcr_plus(back), "y.gmcr"))


def test_written_file_uses_gmcr_plus_structure() -> None:
    doc = json.loads(write_gmcr_plus(_treaty()))
    assert [o["name"] for o in doc["options"]][:2] == ["e_keep", "e_test"]
    assert {o["permittedDirection"] for o in doc["options"]} == {"both", "fwd", "back"}
    assert doc["decisionMakers"][2]["options"] == [4]
    assert doc["decisionMakers"][0]["preferences"][0] == [[0, "Y"], [2, "Y"]]
    assert doc["decisionMakers"][0]["preferences"][1]["compound"] is True
    assert all(isinstance(c, list) for c in doc["infeasibles"])
    assert doc["useManualPreferenceRanking"] is False


def test_payoffs_travel_as_manual_ranking() -> None:
    doc = json.loads(write_gmcr_plus(prisoners_dilemma()))
    assert doc["useManualPreferenceRanking"] is True
    assert doc["decisionMakers"][0]["preferenceRanking"] == [2, 1, 4, 3]


def test_options_out_of_dm_order_are_renumbered() -> None:
    doc = json.loads(write_gmcr_plus(_treaty()))
    doc["options"].reverse()
    n = len(doc["options"])
    def flip(k: int) -> int:
        return n - 1 - k

    for dm in doc["decisionMakers"]:
        dm["options"] = [flip(k) for k in dm["options"]]
        for p in dm["preferences"]:
            for term in p["members"] if isinstance(p, dict) else [p]:
                for lit in term:
                    lit[0] = flip(lit[0])
    for term in doc["infeasibles"]:
        for lit in term:
            lit[0] = flip(lit[0])
    _same(_treaty(), read_gmcr_plus(json.dumps(doc), "r.gmcr"))


def _broken(edit) -> str:
    doc = json.loads(write_gmcr_plus(_treaty()))
    edit(doc)
    return json.dumps(doc)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("{not json", "bad.gmcr:1:2: not JSON"),
        ("[1, 2]", "bad.gmcr: expected a JSON object at the top level"),
        (_broken(lambda d: d.pop("options")), "bad.gmcr: missing key 'options'"),
        (_broken(lambda d: d["decisionMakers"][1].pop("name")),
         "bad.gmcr: decisionMakers[1]: missing key 'name'"),
        (_broken(lambda d: d["decisionMakers"][0]["options"].append(9)),
         "bad.gmcr: decisionMakers[0].options[2]: unknown option 9"),
        (_broken(lambda d: d["infeasibles"][0].append([7, "Y"])),
         "bad.gmcr: infeasibles[0][2][0]: unknown option 7"),
        (_broken(lambda d: d["decisionMakers"][0]["preferences"][1]["members"][0][0].__setitem__(1, "Q")),
         'bad.gmcr: decisionMakers[0].preferences[1].members[0][0][1]: expected "Y" or "N"'),
        (_broken(lambda d: d["decisionMakers"][2]["options"].append(0)),
         "bad.gmcr: decisionMakers[2].options[1]: option 0 is controlled by two decision makers"),
        (_broken(lambda d: d.__setitem__("infeasibles", [[]])), "bad.gmcr: no feasible state"),
        (_broken(lambda d: d["options"][0].__setitem__("permittedDirection", ["x"])),
         "bad.gmcr: options[0].permittedDirection: expected"),
    ],
)
def test_malformed_inputs_give_one_line_errors(text: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as info:
        read_gmcr_plus(text, "bad.gmcr")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(expected), message


# --------------------------------------------------------------------------- CLI round trip


def _cli(*args, cwd):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def test_cli_export_then_import_keeps_the_equilibria(tmp_path):
    """european-security's conflict -> GMCR+ JSON -> a conflict-only scenario: same equilibria."""
    import multitrack
    from multitrack.stability.analysis import conflict_stability

    out = _cli("export", "gmcr", "european-security", "-o", "k.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "k.json").read_text())
    assert [dm["name"] for dm in doc["decisionMakers"]] == ["Russia", "United States", "France"]
    out = _cli("import", "gmcr", "k.json", "-o", "k.yaml", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    before = conflict_stability(multitrack.load("european-security")).conflicts[0]
    after = conflict_stability(multitrack.load(str(tmp_path / "k.yaml"))).conflicts[0]
    assert before.states == after.states
    for concept, eq in before.equilibria.items():
        assert after.equilibria[concept] == eq, concept
    # a scenario of one conflict and no tracks runs end to end (process designs are skipped)
    ran = _cli("analyze", "k.yaml", "--out", "o", "--no-record", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    ran_analyses = set(json.loads((tmp_path / "o" / "results.json").read_text())["analyses"])
    assert "stability" in ran_analyses and "process" not in ran_analyses
    again = _cli("import", "gmcr", "k.json", "-o", "k.yaml", cwd=tmp_path)  # never overwrites
    assert again.returncode == 2 and "already exists" in again.stderr


def test_cli_import_of_a_bad_file_is_one_line(tmp_path):
    (tmp_path / "bad.json").write_text('{"decisionMakers": [], "options": 3}')
    out = _cli("import", "gmcr", "bad.json", cwd=tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("bad.json")
    assert not list(tmp_path.glob("*.yaml"))
