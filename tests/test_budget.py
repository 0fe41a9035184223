"""The estimate of a run before it starts, and the refusal of one that cannot finish in time
(issue 20, target 2): command line and web app, one line with the size and what to change."""

from __future__ import annotations

import warnings

import pytest
from typer.testing import CliRunner

import multitrack
import multitrack.analysis as registry
from multitrack import budget
from multitrack.cli.app import app
from multitrack.scenario import load
from multitrack.space import build_track_space
from multitrack.web import WebSettings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


PERT = "{dist: pert, low: 0.2, mode: 0.5, high: 0.8}"


def big_track(issues: int, options: int, uncertain: bool = True, fixed_track: bool = False) -> str:
    """One track of two parties with ``issues`` ordinal issues of ``options`` options each (the
    first issue's salience uncertain unless ``uncertain`` is False); ``fixed_track`` adds a
    second, small track whose inputs are all stated numbers."""
    opts = ", ".join(f"o{j}" for j in range(options))
    lines = ["version: 1", "id: big", "title: A big synthetic track", "actors:",
             "  - {id: a, name: A, kind: state, capability: 1}",
             "  - {id: b, name: B, kind: state, capability: 1}",
             "tracks:", "  - id: big", "    title: Big", "    participants: [a, b]", "    issues:"]
    for i in range(issues):
        sal = PERT if uncertain and i == 0 else f"{0.3 + 0.1 * (i % 5)}"
        lines += [f"      - id: i{i}", "        kind: ordinal", f"        options: [{opts}]",
                  "        status_quo: o0", "        positions:",
                  f"          a: {{salience: {sal}, ideal: o0}}",
                  f"          b: {{salience: 0.5, ideal: o{options - 1}}}"]
    if fixed_track:
        lines += ["  - id: small", "    title: Small", "    participants: [a, b]", "    issues:",
                  "      - id: s0", "        kind: ordinal", "        options: [x, y, z]",
                  "        status_quo: x", "        positions:", "          a: {salience: 1, ideal: x}",
                  "          b: {salience: 1, ideal: z}"]
    return "\n".join(lines) + "\n"


def _process(est: budget.Estimate, where: str) -> float:
    return sum(t.seconds for t in est.terms if t.analysis == "process" and t.where == where)


@pytest.fixture
def no_run(monkeypatch):
    """Fail the test if any analysis starts: a refusal comes before the run."""
    def refuse(*args, **kwargs):
        raise AssertionError("the run started")
    monkeypatch.setattr(registry, "run_all", refuse)


# ---- sizes ----

@pytest.mark.parametrize("name", ["border-talks", "european-security"])
def test_a_tracks_outcomes_are_counted_as_the_built_space_has_them(name):
    scenario = load(name)
    for track in scenario.active_tracks:
        assert budget.track_outcomes(scenario, track) == build_track_space(scenario, track).size, track.id
        assert (budget.track_outcomes(scenario, track, grid_points=3)
                == build_track_space(scenario, track, grid_points=3).size), track.id


@pytest.mark.parametrize("name", ["border-talks", "european-security"])
def test_uncertain_inputs_are_counted_as_the_run_draws_them(name):
    from multitrack.settlement import uncertain_inputs

    scenario = load(name)
    assert budget.uncertain_count(scenario) == len(uncertain_inputs(scenario)) > 0


def test_the_hinges_budgets_are_the_hinges_own():
    from multitrack.hinges import analysis as hinges

    assert (budget.HINGES_CENTRAL_WORK, budget.HINGES_DRAWS_WORK) == (hinges.MAX_CENTRAL_WORK,
                                                                       hinges.MAX_OUTCOME_WORK)


def test_sizes_in_words():
    assert budget.big(58_731) == "58,731"
    assert budget.big(20 ** 12) == "4.1e15"


# ---- the estimate ----

def test_a_run_without_uncertain_input_costs_the_same_for_any_number_of_draws():
    fixed = multitrack.loads(big_track(4, 6, uncertain=False))
    planned = budget.plan(fixed)
    assert budget.estimate(fixed, 10, planned).seconds == budget.estimate(fixed, 100_000, planned).seconds
    uncertain = multitrack.loads(big_track(4, 6))
    planned = budget.plan(uncertain)
    many, few = (budget.estimate(uncertain, d, planned).seconds for d in (100_000, 10))
    assert many > few


def test_a_track_whose_inputs_are_all_fixed_is_counted_once():
    scenario = multitrack.loads(big_track(4, 6, fixed_track=True))
    planned = budget.plan(scenario, only=["process"])
    few, many = (budget.estimate(scenario, d, planned) for d in (10, 10_000))
    assert _process(few, "track 'small'") == _process(many, "track 'small'")
    assert _process(many, "track 'big'") > 100 * _process(few, "track 'big'") / 2
    assert budget.distinct_draws(scenario, 10_000, scenario.track("small")) == 1
    assert budget.distinct_draws(scenario, 10_000, scenario.track("big")) == 10_000


def test_the_estimate_names_its_largest_term_and_sums_its_analyses():
    scenario = multitrack.loads(big_track(8, 5))
    est = budget.estimate(scenario, 1000, budget.plan(scenario))
    assert est.dominant == budget.Term("process", "track 'big'", "390,625 outcomes x 1,000 draws",
                                       est.dominant.seconds)
    assert est.seconds == pytest.approx(sum(est.per_analysis().values()))
    assert set(est.analyses) == {"overview", "agreement", "process", "hinges", "consistency"}


def test_a_390625_outcome_track_with_1000_draws_is_not_refused():
    scenario = multitrack.loads(big_track(8, 5))  # 5^8 = 390,625 outcomes, one uncertain input
    est = budget.check_run(scenario, 1000)  # raises if refused
    assert est.seconds < budget.DEFAULT_TIME_LIMIT
    million = multitrack.loads(big_track(6, 10))
    assert budget.check_run(million, 1000).seconds < budget.DEFAULT_TIME_LIMIT


@pytest.mark.parametrize("name", ["border-talks", "european-security"])
def test_the_built_in_scenarios_run_at_the_default_draws_within_the_default_limit(name):
    scenario = load(name)
    assert budget.check_run(scenario, 1000).seconds < budget.DEFAULT_TIME_LIMIT / 4


def test_a_cost_hook_given_at_registration_is_counted(monkeypatch):
    scenario = load("border-talks")

    def heavy(scenario, *, progress=None):
        """A plug-in that walks a lot."""

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.register("heavy", "Heavy", cost=lambda scenario, draws, config: draws * 1e9)(heavy)
    est = budget.estimate(scenario, 1000, budget.plan(scenario, only=["heavy"]))
    assert est.seconds == pytest.approx(1000 * 1e9 / budget.KERNEL_RATE + budget.OVERHEAD)
    with pytest.raises(budget.RunTooLarge, match="most of it heavy"):
        budget.check_run(scenario, 1000, only=["heavy"])


# ---- the refusal ----

def test_the_refusal_proposes_the_most_draws_that_fit():
    scenario = multitrack.loads(big_track(6, 10))  # 10^6 outcomes
    planned = budget.plan(scenario)
    limit = 60.0
    n = budget.fitting_draws(scenario, 100_000, planned, limit)
    assert n is not None
    fits, over = (budget.estimate(scenario, d, planned).seconds for d in (n, n + 1))
    assert fits <= limit < over
    with pytest.raises(budget.RunTooLarge) as refused:
        budget.check_run(scenario, 100_000, limit=limit)
    message = str(refused.value)
    assert "\n" not in message
    assert f"--draws {n}" in message and "1,000,000 outcomes x 100,000 draws" in message


def test_a_twelve_issue_track_of_twenty_options_is_refused_at_once_with_its_size(tmp_path, no_run):
    path = tmp_path / "big.yaml"
    path.write_text(big_track(12, 20), encoding="utf-8")
    for command in (["analyze", str(path), "--no-record", "-o", str(tmp_path / "r")],
                    ["compare-designs", str(path)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert "Traceback" not in result.output
        assert lines[0].startswith("run too large: about ")
        assert "4.1e15 outcomes x 1,000 draws" in lines[0]
        assert "most of it process on track 'big'" in lines[0]
        assert "over the time limit of 600 s" in lines[0]
        assert "fewer options on the issues of track 'big'" in lines[0] and "--force" in lines[0]
    assert "--only overview" in CliRunner().invoke(app, ["analyze", str(path), "--no-record"]).output


def test_force_or_a_larger_time_limit_runs_what_the_limit_refuses(tmp_path):
    command = ["compare-designs", "border-talks", "--draws", "20"]
    refused = CliRunner().invoke(app, [*command, "--time-limit", "0.001"])
    assert refused.exit_code == 2
    assert "over the time limit of 0.001 s" in refused.output and "--draws" not in refused.output
    for limits in (["--time-limit", "0.001", "--force"], ["--time-limit", "600"]):
        ran = CliRunner().invoke(app, [*command, *limits])
        assert ran.exit_code == 0, ran.output


def test_the_web_app_shows_a_run_over_its_time_limit_refused_in_the_page():
    c = TestClient(create_app(WebSettings(max_run_seconds=0.01, record_runs=False)), base_url="http://127.0.0.1")
    assert c.post("/scenario/builtin", data={"name": "border-talks"}).status_code == 200
    page = c.post("/run", data={"draws": "1000", "seed": "1"}).text
    assert "not run: run too large: about " in page
    assert "over the time limit of 0.01 s" in page and "fewer draws" not in page and "--force" not in page
    assert c.get("/progress").json()["state"] == "idle"


def test_the_web_refusal_names_the_draws_that_fit():
    scenario = multitrack.loads(big_track(6, 10))
    with pytest.raises(ValueError, match=r"fewer draws \(at most [\d,]+\), fewer options on the issues"):
        from multitrack.web.limits import check_time

        check_time(scenario, 50_000, WebSettings())
