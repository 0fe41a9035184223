"""GMCR+ files as GMCR+ writes them (issue 14, item 2): repeated option names, misperceptions
and coalitions, --status-quo, size guards, exact option-prioritization rankings, and what
show/validate/analyze print. Every file here is written by hand in the test (tmp_path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.errors import ScenarioError
from multitrack.scenario.option_form import MAX_OPTIONS, parse_statement
from multitrack.stability import (
    Conflict,
    DecisionMaker,
    Infeasible,
    OptionPrioritization,
    analyse,
    gmcr_state,
    read_gmcr_plus,
    write_gmcr_plus,
)
from multitrack.stability import gmcr_plus as gp


def _cli(*args, cwd):
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=env, check=False)


def _one_line_refusal(proc) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def _pd(**extra) -> dict:
    """Prisoner's Dilemma as a GMCR+ file with manual rankings (state numbers: 1 NN, 2 YN,
    3 NY, 4 YY): each prefers defecting alone > both cooperate > both defect > sucker."""
    doc = {
        "decisionMakers": [
            {"name": "Alpha Republic", "options": [0], "preferences": [], "preferenceRanking": [2, 1, 4, 3]},
            {"name": "Beta Federation", "options": [1], "preferences": [], "preferenceRanking": [3, 1, 4, 2]},
        ],
        "options": [{"name": "defect", "permittedDirection": "both"},
                    {"name": "defect", "permittedDirection": "both"}],
        "infeasibles": [],
        "useManualPreferenceRanking": True,
    }
    doc.update(extra)
    return doc


def _labels(model, states) -> set[str]:
    return {model.label(int(s)) for s in states}


# --------------------------------------------------------------------------- (a) repeated option names


def test_repeated_option_names_are_imported_with_unique_names_and_their_titles():
    conflict = read_gmcr_plus(json.dumps(_pd()), "pd.gmcr")
    assert conflict.option_names == ("defect", "defect (2)")
    assert conflict.option_titles == ("defect", "defect")
    model = conflict.build()
    assert _labels(model, analyse(model, ("nash",)).equilibria("nash")) == {"YY"}
    back = json.loads(write_gmcr_plus(conflict))
    assert [o["name"] for o in back["options"]] == ["defect", "defect"]  # titles written back


def test_a_repeated_name_in_a_core_conflict_is_named_in_the_error():
    dms = (DecisionMaker("A", ("x",), OptionPrioritization(())), DecisionMaker("B", ("x",), OptionPrioritization(())))
    with pytest.raises(ValueError, match="option name 'x' is used twice"):
        Conflict(dms).build()


def test_cli_import_keeps_titles_and_gives_unique_ids(tmp_path):
    doc = _pd()
    doc["decisionMakers"][1]["name"] = "Alpha Republic"  # decision makers may share a name too
    (tmp_path / "pd.gmcr").write_text(json.dumps(doc))
    proc = _cli("import", "gmcr", "pd.gmcr", "-o", "pd.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import multitrack

    scenario = multitrack.load(str(tmp_path / "pd.yaml"))
    spec = scenario.conflicts[0]
    assert [(o.id, o.title) for dm in spec.decision_makers for o in dm.options] == [
        ("defect", "defect"), ("defect_2", "defect")]
    assert [(a.id, a.name) for a in scenario.actors] == [("alpha-republic", "Alpha Republic"),
                                                         ("alpha-republic-2", "Alpha Republic")]


# --------------------------------------------------------------------------- (b) misperceptions


def test_misperceived_states_take_no_moves_to_or_from_them():
    """Alpha does not perceive YN (it defecting alone), Beta not NY: from NN neither can
    defect, so mutual cooperation becomes a Nash equilibrium beside mutual defection."""
    doc = _pd()
    doc["decisionMakers"][0]["misperceptions"] = [[[0, "Y"], [1, "N"]]]
    doc["decisionMakers"][1]["misperceptions"] = [{"compound": True, "members": [[[0, "N"], [1, "Y"]]]}]
    conflict = read_gmcr_plus(json.dumps(doc), "m.gmcr")
    assert conflict.dms[0].misperceived == ("1 & -2",)
    model = conflict.build()
    result = analyse(model, ("nash", "gmr", "seq"))
    for concept in ("nash", "gmr", "seq"):
        assert _labels(model, result.equilibria(concept)) == {"NN", "YY"}, concept
    from multitrack.stability import move_graphs, status_quo_analysis

    moves, _ = move_graphs(model)
    yn = model.state("YN")
    assert moves[0][yn].nnz == 0 and moves[0][:, yn].nnz == 0  # Alpha: nothing from or to YN
    assert moves[1][yn].nnz == 1  # Beta still moves there (YN -> YY)
    sq = status_quo_analysis(model, "NN")
    assert _labels(model, np.flatnonzero(sq.reachable)) == {"NN"}  # nobody can leave NN


def test_misperceptions_and_coalitions_round_trip():
    doc = _pd(coalitions=[[1, 0]])
    doc["decisionMakers"][0]["misperceptions"] = [[[0, "Y"], [1, "N"]]]
    conflict = read_gmcr_plus(json.dumps(doc), "m.gmcr")
    assert conflict.coalitions == ((1, 0),)
    written = json.loads(write_gmcr_plus(conflict))
    assert written["coalitions"] == [[0, 1]]
    assert written["decisionMakers"][0]["misperceptions"] == [[[0, "Y"], [1, "N"]]]
    again = read_gmcr_plus(json.dumps(written), "n.gmcr")
    assert again.dms[0].misperceived == conflict.dms[0].misperceived
    assert again.build().coalitions == conflict.build().coalitions == ((0, 1),)


def test_individual_coalitions_are_the_default_structure():
    conflict = read_gmcr_plus(json.dumps(_pd(coalitions=[0, 1])), "c.gmcr")
    assert conflict.coalitions == () and not conflict.build().has_coalitions
    assert json.loads(write_gmcr_plus(conflict))["coalitions"] == [0, 1]


@pytest.mark.parametrize("edit, expected", [
    (lambda d: d.__setitem__("coalitions", [[0, 1], 1]), "coalitions[1]: decision maker 1 is in two coalitions"),
    (lambda d: d.__setitem__("coalitions", [0]), "coalitions: decision maker 1 is in no coalition"),
    (lambda d: d.__setitem__("coalitions", [[0, 5]]), "coalitions[0][1]: unknown decision maker 5"),
    (lambda d: d["decisionMakers"][0].__setitem__("misperceptions", [[[4, "Y"]]]),
     "decisionMakers[0].misperceptions[0][0][0]: unknown option 4"),
    (lambda d: d.__setitem__("hypergame", {}), "hypergame: unknown field 'hypergame'"),
    (lambda d: d["decisionMakers"][1].__setitem__("beliefs", []),
     "decisionMakers[1].beliefs: unknown field 'beliefs'"),
    (lambda d: d["decisionMakers"][0].__setitem__("preferenceRanking", [2, 1, 4]),
     "decisionMakers[0].preferenceRanking: state 3 is missing"),
    (lambda d: d["decisionMakers"][0].__setitem__("preferenceRanking", [2, 1, [4, 2], 3]),
     "decisionMakers[0].preferenceRanking[2]: state 2 appears twice"),
    (lambda d: d.__setitem__("infeasibles", [[[0, "Y"], [0, "N"]]]),
     "infeasibles[0][1][0]: option 0 appears twice in one condition"),
])
def test_what_cannot_be_read_is_refused_in_one_line_naming_the_field(edit, expected):
    doc = _pd()
    edit(doc)
    with pytest.raises(ScenarioError) as info:
        read_gmcr_plus(json.dumps(doc), "bad.gmcr")
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"bad.gmcr: {expected}"), message


def test_scenario_coalitions_and_misperceptions_are_checked():
    import multitrack

    doc = _pd(coalitions=[[0, 1]])
    doc["decisionMakers"][0]["misperceptions"] = [[[0, "Y"], [1, "N"]]]
    from multitrack.interop import scenario_yaml
    from multitrack.stability.to_scenario import conflict_scenario

    data = conflict_scenario(read_gmcr_plus(json.dumps(doc), "x"), scenario_id="x", title="x",
                             source={"id": "s", "title": "t", "publisher": "p", "year": 2020})
    text = scenario_yaml(data)
    spec = multitrack.scenario.loads(text).conflicts[0]
    assert spec.coalitions == [["alpha-republic", "beta-federation"]]
    assert spec.misperceptions == {"alpha-republic": ["1 & -2"]}
    with pytest.raises(ScenarioError, match=r"conflicts\[0\]\.coalitions\[0\]\[1\]: 'nobody' is not a decision"):
        multitrack.scenario.loads(text.replace("[alpha-republic, beta-federation]", "[alpha-republic, nobody]"))
    with pytest.raises(ScenarioError, match=r"misperceptions\.alpha-republic\[0\]: unknown option 'zz'"):
        multitrack.scenario.loads(text.replace("1 & -2", "zz"))


# --------------------------------------------------------------------------- (c) --status-quo


def test_status_quo_by_number_label_or_options():
    conflict = read_gmcr_plus(json.dumps(_pd()), "pd.gmcr")
    model = conflict.build()
    assert model.label(gmcr_state(model, "3", conflict.option_titles)) == "NY"
    assert model.label(gmcr_state(model, "yn", conflict.option_titles)) == "YN"
    assert model.label(gmcr_state(model, "defect (2)", conflict.option_titles)) == "NY"
    assert model.label(gmcr_state(model, "", conflict.option_titles)) == "NN"
    for bad, why in [("5", "feasible states are 1..4"), ("defect", "names 2 options"), ("surrender", "neither")]:
        with pytest.raises(ValueError, match=why):
            gmcr_state(model, bad, conflict.option_titles)


def test_cli_import_with_status_quo(tmp_path):
    import multitrack

    (tmp_path / "pd.gmcr").write_text(json.dumps(_pd()))
    proc = _cli("import", "gmcr", "pd.gmcr", "-o", "pd.yaml", "--status-quo", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "status quo NN" in proc.stdout
    assert multitrack.load(str(tmp_path / "pd.yaml")).conflicts[0].status_quo_label() == "NN"
    line = _one_line_refusal(_cli("import", "gmcr", "pd.gmcr", "-o", "q.yaml", "--status-quo", "9", cwd=tmp_path))
    assert line == "pd.gmcr: --status-quo '9': 9 is not a GMCR+ state number (the feasible states are 1..4)"
    assert not (tmp_path / "q.yaml").exists()


# --------------------------------------------------------------------------- (d) guards and exact rankings


def test_rankings_from_many_statements_are_exact():
    """59 statements every state satisfies, then "a is taken": a lexicographic ranking prefers
    a; a sum of floating-point powers of two (2**59 + ... + 1) cannot tell the states apart."""
    dm = DecisionMaker("A", ("a",), OptionPrioritization(("1 | -1",) * 59 + ("1",)))
    other = DecisionMaker("B", ("b",), OptionPrioritization(()))
    model = Conflict((dm, other)).build()
    pay = model.payoff[:, 0]
    assert pay[model.state("YN")] > pay[model.state("NN")]


def _exact_scores(statements: list[str], names, bits) -> list[int]:
    k = len(statements)
    from multitrack.scenario.option_form import evaluate

    truth = [evaluate(parse_statement(t, names), bits) for t in statements]
    return [sum(2 ** (k - 1 - j) for j in range(k) if truth[j][s]) for s in range(len(bits))]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=3),
                min_size=1, max_size=40), st.sampled_from([0, 60]))
def test_prioritization_order_equals_exact_integer_scores(raw, padding):
    """Property: the ranking orders states exactly as GMCR+'s integer weights 2**(k-j) do,
    also behind 60 statements every state satisfies (where floats lose the low weights)."""
    names = ("p", "q", "r", "s")
    statements = ["1 | -1"] * padding + [" & ".join(f"{'' if y else '-'}{k + 1}" for k, y in term) for term in raw]
    bits = ((np.arange(16)[:, None] >> np.arange(4)) & 1).astype(bool)
    values = OptionPrioritization(tuple(statements)).values(bits, names)
    exact = _exact_scores(statements, names, bits)
    for a in range(16):
        for b in range(16):
            assert (values[a] > values[b]) == (exact[a] > exact[b])


def test_eleven_hundred_statements_rank_exactly(tmp_path):
    doc = _pd(useManualPreferenceRanking=False)
    doc["decisionMakers"][0]["preferences"] = [[]] * 1099 + [[[0, "Y"]]]
    doc["decisionMakers"][1]["preferences"] = [[[1, "Y"]]]
    model = read_gmcr_plus(json.dumps(doc), "many.gmcr").build()
    assert model.payoff[model.state("YN"), 0] > model.payoff[model.state("NN"), 0]
    doc["decisionMakers"][0]["preferences"] = [[]] * 5000
    with pytest.raises(ScenarioError, match=r"decisionMakers\[0\]\.preferences: 5,000 preference statements"):
        read_gmcr_plus(json.dumps(doc), "many.gmcr")


def _options_file(n: int) -> dict:
    return {"decisionMakers": [{"name": "A", "options": list(range(n // 2)), "preferences": []},
                               {"name": "B", "options": list(range(n // 2, n)), "preferences": []}],
            "options": [{"name": f"o{k}"} for k in range(n)], "infeasibles": []}


@pytest.mark.parametrize("n", [26, 40])
def test_too_many_options_are_refused_up_front_with_the_size(n):
    with pytest.raises(ScenarioError) as info:
        read_gmcr_plus(json.dumps(_options_file(n)), "big.gmcr")
    assert str(info.value) == (f"big.gmcr: {n} options make 2**{n} = {2**n:,} option combinations to enumerate; "
                               f"at most {MAX_OPTIONS} options ({2**MAX_OPTIONS:,} combinations) are supported")


def test_infeasibility_work_is_estimated_before_it_is_done():
    """24 options and every pair of them ruled out in four ways: about 4.6e9 state tests."""
    doc = _options_file(24)
    doc["infeasibles"] = [[[i, a], [j, b]] for i in range(24) for j in range(i + 1, 24)
                          for a in "YN" for b in "YN"][:1100]
    with pytest.raises(ScenarioError, match=r"big.gmcr: the infeasibility rules need about [\d,]+ state tests"):
        read_gmcr_plus(json.dumps(doc), "big.gmcr")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 7), st.sampled_from("YN")), min_size=0, max_size=4),
                min_size=1, max_size=40))
def test_vectorised_infeasibility_equals_a_direct_test(raw):
    """Property: the feasible states equal those no infeasibility condition matches, tested
    state by state."""
    conds = [list({k: [k, v] for k, v in cond}.values()) for cond in raw]
    doc = _options_file(8)
    doc["infeasibles"] = conds
    try:
        model = read_gmcr_plus(json.dumps(doc), "f.gmcr").build()
    except ScenarioError as exc:
        assert "no feasible state" in str(exc)
        model = None
    feasible = [code for code in range(256)
                if not any(all((code >> k & 1) == (v == "Y") for k, v in cond) for cond in conds)]
    assert feasible == ([] if model is None else model.codes.tolist())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["", "-", "not ", "!"]), st.sampled_from(["1", "2", "3", "p", "q"])),
                         min_size=1, max_size=4), min_size=1, max_size=4), st.booleans())
def test_conditions_read_without_the_parser_mean_what_the_parser_reads(raw, brackets):
    """Property: a disjunction of conjunctions of literals, read by the fast path, rules out
    exactly the states where the parsed statement holds."""
    from multitrack.scenario.option_form import _bits_of, _flat_terms, evaluate

    names = ("p", "q", "r")
    parts = [" & ".join(f"{neg}{tok}" for neg, tok in term) for term in raw]
    text = " | ".join(f"({p})" if brackets else p for p in parts)
    terms = _flat_terms(text, names)
    assert terms is not None
    bits = _bits_of(np.arange(8, dtype=np.int64), 3)
    fast = [any(code & m == v for m, v in terms) for code in range(8)]
    assert fast == evaluate(parse_statement(text, names), bits).tolist()


def test_nesting_and_file_size_guards(monkeypatch):
    doc = _pd()
    cond: object = [[0, "Y"]]
    for _ in range(17):
        cond = {"compound": True, "members": [cond]}
    doc["infeasibles"] = [cond]
    with pytest.raises(ScenarioError, match="compound conditions nested more than 16 deep"):
        read_gmcr_plus(json.dumps(doc), "n.gmcr")
    deep = '{"options": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ScenarioError, match="n.gmcr: JSON nested too deeply"):
        read_gmcr_plus(deep, "n.gmcr")
    wide = _pd(useManualPreferenceRanking=False)  # a compound of 3,000 members: one disjunction, no recursion per member
    wide["infeasibles"] = [{"compound": True, "members": [[[0, "Y"], [1, "Y"]]] * 3000}]
    model = read_gmcr_plus(json.dumps(wide), "w.gmcr").build()
    assert [model.label(s) for s in range(model.n_states)] == ["NN", "YN", "NY"]
    monkeypatch.setattr(gp, "MAX_FILE_CHARS", 100)
    with pytest.raises(ScenarioError, match="the file has [0-9,]+ characters, more than the limit of 100"):
        read_gmcr_plus(json.dumps(_pd()), "s.gmcr")


def test_statement_nesting_is_refused_not_a_recursion_error():
    names = ("a", "b")
    with pytest.raises(ValueError, match="nests brackets or negations more than 64 deep"):
        parse_statement("(" * 500 + "1" + ")" * 500, names)
    with pytest.raises(ValueError, match="more than 64 deep"):
        parse_statement("- " * 5000 + "1", names)
    chain = " | ".join(["1 & -2"] * 5000)  # long chains are n-ary, no recursion per term
    assert Infeasible(chain).pattern(names) == [(3, 1)]


def test_cli_guards_give_one_line(tmp_path):
    (tmp_path / "big.gmcr").write_text(json.dumps(_options_file(40)))
    line = _one_line_refusal(_cli("import", "gmcr", "big.gmcr", cwd=tmp_path))
    assert line.startswith("big.gmcr: 40 options make 2**40 = 1,099,511,627,776 option combinations")
    with open(tmp_path / "huge.gmcr", "wb") as handle:  # 40 MiB, sparse: refused by its size, never read
        handle.truncate(40 * 2**20)
    line = _one_line_refusal(_cli("import", "gmcr", "huge.gmcr", cwd=tmp_path))
    assert line == "huge.gmcr: the file has 41,943,040 bytes, more than the limit of 33,554,432 for a GMCR+ file"
    doc = json.dumps(_pd(infeasibles=["DEEP"]))
    deep = '{"compound": true, "members": [' * 2000 + '[[0, "Y"]]' + "]}" * 2000
    (tmp_path / "deep.gmcr").write_text(doc.replace('"DEEP"', deep))
    assert "nested" in _one_line_refusal(_cli("validate", "deep.gmcr", cwd=tmp_path))


def test_moves_of_a_decision_maker_with_many_options_are_bounded(monkeypatch):
    from multitrack.scenario.option_form import ConflictSizeError
    from multitrack.stability import graph

    model = read_gmcr_plus(json.dumps(_options_file(12)), "m.gmcr").build()
    monkeypatch.setattr(graph, "MAX_MOVE_CANDIDATES", 1000)
    with pytest.raises(ConflictSizeError, match=r"decision maker 'A' controls 6 options: 4,096 states x 64 option "
                       r"combinations = 262,144 candidate moves, more than the limit of 1,000"):
        graph.move_graphs(model)


# --------------------------------------------------------------------------- (e) show, validate, analyze


def _coalition_file(tmp_path: Path) -> Path:
    doc = _pd(coalitions=[[0, 1]])
    doc["decisionMakers"][0]["misperceptions"] = [[[0, "Y"], [1, "N"]]]
    doc["decisionMakers"][0]["name"] = "Alpha Republic of the Very Long Official Name"
    path = tmp_path / "alliance.gmcr"
    path.write_text(json.dumps(doc))
    return path


def test_show_and_validate_describe_a_gmcr_file(tmp_path):
    _coalition_file(tmp_path)
    proc = _cli("validate", "alliance.gmcr", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "alliance.gmcr: ok (2 actors, 0 tracks, 0 issues, 1 conflict)",
        ("  conflict alliance: 2 decision makers, 2 options, 4 of 4 states feasible, misperceptions of 1 "
         "decision maker, 1 coalition")]
    proc = _cli("show", "alliance.gmcr", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert "1 defect: defect" in text and "2 defect_2: defect" in text
    assert "misperceives the states where 1 & -2: YN (2); it cannot move to or from them" in text
    assert "Coalition: Alpha Republic of the Very Long Official Name + Beta Federation" in text


def test_show_describes_a_scenario_conflict(tmp_path):
    proc = _cli("show", "european-security", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert "Conflict: Keeping the settlement" in proc.stdout
    assert "16 of 16 states feasible, status quo NNNN (state 1)" in text
    proc = _cli("validate", "european-security", cwd=tmp_path)
    assert "conflict keeping-the-settlement: 3 decision makers, 4 options" in proc.stdout


def test_analyze_prints_state_numbers_whole_labels_and_coalitions(tmp_path):
    _coalition_file(tmp_path)
    proc = _cli("analyze", "alliance.gmcr", "--only", "stability", "--no-record", "--verbose", "--out", "o",
                cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "…" not in proc.stdout
    rows = [line for line in proc.stdout.splitlines() if line.startswith("│")]
    assert any(row.split("│")[1].strip() == "4" and row.split("│")[2].strip() == "YY" for row in rows)
    assert "Coalition stability" in proc.stdout
    assert "alpha-republic-of-the-very-long-official-name" in proc.stdout
    result = json.loads((tmp_path / "o" / "results.json").read_text())["analyses"]["stability"]
    conflict = result["conflicts"][0]
    assert conflict["misperceived"] == {"alpha-republic-of-the-very-long-official-name": ["YN"]}
    assert conflict["coalitions"] == ["alpha-republic-of-the-very-long-official-name + beta-federation"]
    # together they leave mutual defection (YY -> NY -> NN); Alpha cannot go to or from YN
    assert set(conflict["coalition_equilibria"]["nash"]) == {"NN", "YN", "NY"}


def test_stability_table_of_a_scenario_cuts_nothing_short_in_80_columns(tmp_path):
    """Before: "RUS,USA…" in every equilibrium cell and no state numbers."""
    proc = _cli("analyze", "european-security", "--only", "stability", "--no-record", "--verbose",
                "--out", "o", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout.split("#: GMCR+ state number")[0]
    assert "…" not in table
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in table.splitlines() if line.startswith("│ ")]
    numbered = [row for row in rows if row[0]]
    assert [row[:2] for row in numbered[:2]] == [["1", "NNNN (sq)"], ["2", "YNNN"]]
    assert len(numbered) == 16
