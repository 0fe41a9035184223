"""``multitrack validate`` imports no numpy (issue 20, start-up): the parts of validation that used
numpy now run in plain Python, and each is held here to the numpy code it replaced.

- ``Conflict.check`` (plain Python up to SMALL_OPTIONS options) against ``Conflict.build``: the
  same feasible states, or the same error message, on random conflicts (hypothesis: random
  feasibility rules, statements, rankings and payoff tables, many of them broken on purpose)
  and on every conflict of the built-in and example scenarios.
- The warnings' interpolation and closeness against ``numpy.interp`` and ``numpy.isclose``.
- ``Choice.nominal`` against ``argmax`` of the normalised weights, near-ties included.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.scenario import builtins, load
from multitrack.scenario.conflict_counts import conflict_counts
from multitrack.scenario.conflicts import _Checked, status_quo_state, to_core
from multitrack.scenario.estimates import Choice
from multitrack.scenario.option_form import (
    AtLeastOne,
    DecisionMaker,
    Infeasible,
    Irreversible,
    LabelPayoffs,
    MutuallyExclusive,
    OptionPrioritization,
    Requires,
    StateRanking,
)
from multitrack.scenario.warnings import _interp, _isclose


def outcome(run) -> tuple:
    """("ok", result) or (error class name, message): what a call gives."""
    try:
        return ("ok", run())
    except ValueError as exc:
        return (type(exc).__name__, str(exc))


def both(conflict) -> tuple[tuple, tuple]:
    return (outcome(conflict.check),
            outcome(lambda: [int(c) for c in conflict.build().codes]))


@st.composite
def statements(draw, names: list[str]) -> str:
    """A statement over the options (names or 1-based numbers), sometimes malformed."""
    def literal() -> str:
        k = draw(st.integers(0, len(names) - 1))
        word = draw(st.sampled_from([names[k], str(k + 1)]))
        return draw(st.sampled_from(["", "-", "not "])) + word
    parts = [literal() for _ in range(draw(st.integers(1, 4)))]
    text = parts[0]
    for p in parts[1:]:
        op = draw(st.sampled_from([" & ", " | ", " if ", " iff "]))
        text = f"({text}){op}{p}" if draw(st.booleans()) else f"{text}{op}{p}"
    return draw(st.sampled_from([text, text, text, text + " &", "zz | " + text, "(" + text]))


@st.composite
def conflicts(draw):
    n_dms = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(n_dms)]
    names = [f"o{k}" for k in range(sum(sizes))]
    n = len(names)
    labels = ["".join("Y" if c >> k & 1 else "N" for k in range(n)) for c in range(1 << n)]
    dms, start = [], 0
    for d, size in enumerate(sizes):
        kind = draw(st.sampled_from(["prioritization", "ranking", "payoffs"]))
        if kind == "prioritization":
            pref = OptionPrioritization(tuple(draw(st.lists(statements(names), max_size=3))))
        elif kind == "ranking":
            chosen = draw(st.lists(st.sampled_from(labels + ["YYYYYYYYYYY", "NX"]), max_size=len(labels) + 2))
            if draw(st.booleans()):
                chosen = labels + [x for x in chosen if x in labels][:1] if draw(st.booleans()) else labels
            pref = StateRanking(tuple((x,) for x in chosen))
        else:
            chosen = draw(st.lists(st.sampled_from(labels), unique=True))
            if draw(st.booleans()):
                chosen = labels
            pref = LabelPayoffs(tuple((x, float(draw(st.integers(0, 5)))) for x in chosen))
        dms.append(DecisionMaker(f"dm{d}", tuple(names[start:start + size]), pref,
                                 misperceived=tuple(draw(st.lists(statements(names), max_size=1)))))
        start += size
    rules = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["exclusive", "one", "requires", "statement"]))
        pick = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
        if kind == "exclusive":
            rules.append(MutuallyExclusive(tuple(pick)))
        elif kind == "one":
            rules.append(AtLeastOne(tuple(pick)))
        elif kind == "requires":
            rules.append(Requires(pick[0], draw(statements(names))))
        else:
            rules.append(Infeasible(draw(statements(names))))
    irreversible = tuple(Irreversible(draw(st.sampled_from(names + ["nope"])), "forward")
                         for _ in range(draw(st.integers(0, 1))))
    return _Checked(dms=tuple(dms), conditions=tuple(rules), irreversible=irreversible)


@settings(max_examples=400, deadline=None)
@given(conflicts())
def test_check_matches_build_on_random_conflicts(conflict) -> None:
    plain, built = both(conflict)
    assert plain == built


def scenario_conflicts() -> list:
    out = []
    for name in builtins.names():
        out += [(name, c) for c in load(name).conflicts]
    return out


@pytest.mark.parametrize(("name", "spec"), scenario_conflicts(),
                         ids=lambda x: x if isinstance(x, str) else getattr(x, "id", "?"))
def test_check_and_counts_match_build_on_builtin_conflicts(name: str, spec) -> None:
    core = to_core(spec)
    codes = core.check()
    model = core.build()
    assert codes == [int(c) for c in model.codes]
    assert conflict_counts(spec) == conflict_counts(spec, model)  # counted in plain Python and from arrays
    label = spec.status_quo_label()
    if label is not None:
        assert status_quo_state(label, codes, len(spec.option_ids)) == model.state(label)


def test_check_matches_build_on_example_conflicts() -> None:
    from multitrack.stability import examples

    for conflict in (examples.prisoners_dilemma(), examples.chicken(), examples.elmira()):
        plain, built = both(conflict)
        assert plain == built and plain[0] == "ok"


def test_a_missing_payoff_is_the_first_state_then_the_first_dm() -> None:
    """Both DMs leave states out; the message names the lowest state, and at a tie the first DM."""
    conflict = _Checked(dms=(
        DecisionMaker("a", ("x",), LabelPayoffs((("NN", 1.0), ("YN", 1.0), ("NY", 1.0)))),
        DecisionMaker("b", ("y",), LabelPayoffs((("NN", 1.0), ("NY", 1.0))))))
    plain, built = both(conflict)
    assert plain == built == ("ValueError", "payoffs of b miss the feasible state YN")


finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=400, deadline=None)
@given(st.lists(finite, min_size=2, max_size=6, unique=True), st.lists(finite, min_size=6, max_size=6),
       finite, st.integers(0, 5))
def test_interp_is_numpy_interp(xs: list[float], fs: list[float], x: float, on: int) -> None:
    xp = sorted(xs)
    fp = fs[:len(xp)]
    if on < len(xp):
        x = xp[on]  # exactly on a point, where numpy takes the point's own value
    assert _interp(x, xp, fp) == float(np.interp(x, xp, fp))


@given(finite, finite, st.floats(-1e-4, 1e-4))
def test_isclose_is_numpy_isclose(x: float, v: float, nudge: float) -> None:
    for a in (x, v + nudge, v * (1 + nudge), math.inf, -math.inf):
        for b in (v, math.inf):
            assert _isclose(a, b) == bool(np.isclose(a, b))


@given(st.lists(st.floats(0, 10), min_size=1, max_size=6).filter(lambda w: sum(w) > 0),
       st.integers(0, 5), st.sampled_from([0.0, 1e-17, 1e-15, 1e-10, 1e-8]))
def test_choice_nominal_is_the_argmax_of_probabilities(weights: list[float], k: int, nudge: float) -> None:
    """Near-ties included: a weight nudged just above or below another."""
    if k < len(weights):
        weights = [*weights, weights[k] * (1 + nudge)]
    choice = Choice(dist="choice", values=[float(i) for i in range(len(weights))], weights=weights)
    assert choice.nominal == float(np.argmax(np.asarray(weights, float) / np.asarray(weights, float).sum()))


@pytest.mark.parametrize("name", builtins.names())
def test_quick_reference_walk_misses_no_citation_or_loading(name: str) -> None:
    """Validation walks the scenario once without paths and runs the walks that build paths (which
    word the error) only when that walk finds an unknown source or factor: for every cited source
    and every named factor, leaving just that one out must be noticed."""
    from multitrack.scenario.model import _factor_loadings, _source_refs, _unknown_references

    scenario = load(name)
    cited = {ref.id for _, ref in _source_refs(scenario, ())}
    named = {est.factor.id for _, est in _factor_loadings(scenario, ())}
    assert _unknown_references(scenario, named, cited) == (False, False)
    for source in cited:
        assert _unknown_references(scenario, named, cited - {source}) == (False, True)
    for factor in named:
        assert _unknown_references(scenario, named - {factor}, cited) == (True, False)


def test_yaml_1_2_resolvers_are_ruamels() -> None:
    """The fast YAML reader resolves tags with a copy of ruamel's YAML 1.2 table (so a plain file
    is read without importing ruamel): entry for entry, the same patterns, flags and characters."""
    import re

    from ruamel.yaml.resolver import implicit_resolvers

    from multitrack.scenario.yaml_source import YAML12_RESOLVERS

    ours = [(tag, re.compile(p, flags).pattern, re.compile(p, flags).flags, first)
            for tag, p, flags, first in YAML12_RESOLVERS]
    theirs = [(tag, r.pattern, r.flags, first) for versions, tag, r, first in implicit_resolvers
              if (1, 2) in versions]
    assert ours == theirs


NUMBERS = st.one_of(st.integers(-10**30, 10**30).map(str),
                    st.floats(allow_nan=False, allow_infinity=False).map(repr),
                    st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{0,4})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
                    st.sampled_from(["0", "-0", "-0.0", "00", "007", "0.10", "1_000", "+1", "1.", ".5",
                                     "true", "False", "TRUE", "tRUE", "0x1F", "0o17", ".inf", "-.inf", ".nan",
                                     "1e3"]))


@settings(max_examples=500, deadline=None)
@given(NUMBERS, st.sampled_from([None, "tag:yaml.org,2002:float", "tag:yaml.org,2002:int",
                                 "tag:yaml.org,2002:bool"]))
def test_plain_scalars_read_as_ruamel_reads_them(text: str, tag: str | None) -> None:
    """A scalar the fast reader makes itself (a decimal number, true or false) has ruamel's value
    and type, sign of zero included; every other one it leaves to ruamel's constructor."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.tag import Tag

    from multitrack.scenario.yaml_source import _FastScalars, _resolve

    tag = tag or _resolve(text, True)
    if tag == "tag:yaml.org,2002:str":
        return
    constructor = YAML(typ="safe", pure=True).constructor
    try:
        node = ScalarNode(Tag(suffix=tag), text, None, None)
        expected = ("ok", constructor.construct_object(node, deep=True))
    except Exception as exc:  # noqa: BLE001 - the same failure is expected from the fast reader
        expected = ("error", type(exc).__name__)
    try:
        got = ("ok", _FastScalars().value(tag, text))
    except Exception as exc:  # noqa: BLE001
        got = ("error", type(exc).__name__)
    assert got[0] == expected[0]
    if got[0] == "ok":
        value, want = got[1], expected[1]
        assert type(value) is type(want)
        if isinstance(want, float) and math.isnan(want):
            assert math.isnan(value)
        else:
            assert value == want
            if isinstance(want, float):
                assert math.copysign(1, value) == math.copysign(1, want)
