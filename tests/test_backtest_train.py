"""The backtest's train/test protocol and its scoring of every model through the one fit/predict
interface: fits see only training issues, forecasts never see outcomes, a test set sharing a
proposal with the training set is refused, and the paired figures add up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from multitrack.errors import MultitrackError
from multitrack.forecast.backtest import BacktestSettings, grouped_folds, run_backtest
from multitrack.forecast.readers import IssueSet, read_deu
from multitrack.forecast.trainable import TRAINABLE, FittedForecast, TrainableModel
from multitrack.progress import ProgressEvent

DEU = Path("/work/shared/data/deu3/deu3_train.tsv")
ACTORS = ("com", "ep", "de")


def _issues(groups: list[str], outcomes: list[float], seed: int = 0, actors=ACTORS) -> IssueSet:
    """Issues with positions on 0, 10, ..., 100 and equal weights: the compromise model's forecast
    is the plain mean of the positions."""
    n, a = len(groups), len(actors)
    rng = np.random.default_rng(seed)
    return IssueSet(tuple(actors), tuple(f"{g}/{k}" for k, g in enumerate(groups)), tuple(groups),
                    rng.integers(0, 11, size=(n, a)) * 10.0, np.full((n, a), 50.0), np.full((n, a), 1.0 / a),
                    np.full(n, np.nan), np.asarray(outcomes, dtype=float))


def _memo(calls: list[tuple[str, ...]]) -> TrainableModel:
    """A model that memorises the mean training outcome and forecasts it for every issue; each fit
    records the issue ids it was given."""

    def fit(train: IssueSet, seed: int) -> FittedForecast:
        calls.append(train.issue_ids)
        level = float(np.mean(train.outcome))
        return FittedForecast("memo", f"level={level:.4f}", lambda issues: np.full(len(issues), level),
                              {"level": level})

    return TrainableModel("memo", "a test double", fit)


def _peek() -> TrainableModel:
    """A model that forecasts the outcome of the issue where it is shown, else 50."""

    def fit(train: IssueSet, seed: int) -> FittedForecast:
        return FittedForecast("peek", "peeks", lambda issues: np.nan_to_num(issues.outcome, nan=50.0))

    return TrainableModel("peek", "a test double", fit)


@pytest.fixture
def memo_calls(monkeypatch) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    monkeypatch.setitem(TRAINABLE, "memo", _memo(calls))
    monkeypatch.setitem(TRAINABLE, "peek", _peek())
    return calls


TRAIN_GROUPS = ["a", "a", "b", "c", "c", "c", "d", "e", "e", "f"]
TRAIN_Y = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
TEST_GROUPS = ["g", "g", "h", "i", "i"]
TEST_Y = [0.0, 25.0, 50.0, 75.0, np.nan]  # the last outcome unknown: skipped and counted


def _settings(models=("mean", "memo"), **kw) -> BacktestSettings:
    return BacktestSettings(models=models, **{"n_boot": 300, "folds": 3, "seed": 4, **kw})


def test_every_model_is_fitted_on_the_training_issues_only(memo_calls):
    train, test = _issues(TRAIN_GROUPS, TRAIN_Y), _issues(TEST_GROUPS, TEST_Y, seed=1)
    report = run_backtest(test, _settings(), train=train)
    assert report.protocol == "train/test" and report.skipped == {"outcome unknown": 1}
    assert (report.issues, report.proposals, report.train_issues, report.train_proposals) == (4, 3, 10, 6)
    # one fit on all of TRAIN, then one per fold on the other folds; none sees a test issue
    assert memo_calls[0] == train.issue_ids and len(memo_calls) == 4
    assert not set().union(*memo_calls) & set(test.issue_ids)
    folds = grouped_folds(train.groups, 3, 4)
    for call, held_out in zip(memo_calls[1:], folds, strict=True):
        assert set(call) == set(train.issue_ids) - {train.issue_ids[i] for i in held_out}
    memo = {r.model: r for r in report.rows}["memo"]
    assert memo.chosen == "level=55.0000" and memo.parameters == {"level": 55.0}
    # scored on the test issues with a known outcome: |55 - y| over 0, 25, 50, 75
    assert memo.mae.value == pytest.approx((55 + 30 + 5 + 20) / 4)
    # cross-validated on TRAIN by hand: each fold forecast by the mean outcome of the others
    y = np.asarray(TRAIN_Y)
    oof = np.empty(len(y))
    for held_out in folds:
        oof[held_out] = np.delete(y, held_out).mean()
    assert memo.cv_mae.value == pytest.approx(np.abs(oof - y).mean())
    levels = [f"level={np.delete(y, held_out).mean():.4f}" for held_out in folds]
    assert len(set(levels)) == 3 and memo.cv_chosen == "; ".join(f"{v} (1/3)" for v in levels)


def test_the_fit_does_not_change_when_test_outcomes_do(memo_calls):
    train = _issues(TRAIN_GROUPS, TRAIN_Y)
    first = run_backtest(_issues(TEST_GROUPS, TEST_Y, seed=1), _settings(), train=train)
    altered = run_backtest(_issues(TEST_GROUPS, [100.0, 5.0, 60.0, 0.0, 40.0], seed=1), _settings(),
                           train=train)
    for a, b in zip(first.rows, altered.rows, strict=True):
        assert (a.chosen, a.cv_chosen, a.parameters, a.cv_mae, a.cv_diff) == \
               (b.chosen, b.cv_chosen, b.parameters, b.cv_mae, b.cv_diff)
    assert first.rows[1].mae.value != altered.rows[1].mae.value  # the scores do move


def test_forecasts_never_see_the_outcomes(memo_calls):
    train, test = _issues(TRAIN_GROUPS, TRAIN_Y), _issues(TEST_GROUPS, TEST_Y, seed=1)
    peek = run_backtest(test, _settings(("mean", "peek")), train=train).rows[1]
    assert peek.mae.value == pytest.approx(np.mean(np.abs(50.0 - np.array(TEST_Y[:4]))))
    assert peek.cv_mae.value == pytest.approx(np.mean(np.abs(50.0 - np.array(TRAIN_Y))))
    one_file = run_backtest(train, _settings(("mean", "peek"))).rows[1]  # in-sample and by folds
    hidden = np.mean(np.abs(50.0 - np.array(TRAIN_Y)))
    assert one_file.mae.value == one_file.cv_mae.value == pytest.approx(hidden)


def test_a_test_set_must_be_unseen():
    train = _issues(TRAIN_GROUPS, TRAIN_Y)
    with pytest.raises(ValueError, match=r"share 2 proposals \(e\.g\. a\)"):
        run_backtest(_issues(["a", "zz", "b"], [1.0, 2.0, 3.0]), _settings(("mean",)), train=train)
    with pytest.raises(ValueError, match="share 1 proposal "):
        run_backtest(_issues(["f"], [1.0]), _settings(("mean",)), train=train)
    with pytest.raises(ValueError, match="different actors"):
        run_backtest(_issues(["x"], [1.0], actors=("com", "ep", "fr")), _settings(("mean",)), train=train)


def test_paired_differences_intervals_and_seed(memo_calls):
    train, test = _issues(TRAIN_GROUPS, TRAIN_Y), _issues(TEST_GROUPS, TEST_Y, seed=1)
    st = _settings(("mean", "median", "memo"))
    report = run_backtest(test, st, train=train)
    rows = {r.model: r for r in report.rows}
    assert rows["mean"].diff is None and rows["mean"].cv_diff is None and rows["mean"].cv_mae is not None
    for r in report.rows:
        for iv in (r.mae, r.diff, r.cv_mae, r.cv_diff):
            assert iv is None or iv.low <= iv.value <= iv.high
        if r.model != "mean":
            assert r.diff.value == pytest.approx(r.mae.value - rows["mean"].mae.value)
            assert r.cv_diff.value == pytest.approx(r.cv_mae.value - rows["mean"].cv_mae.value)
    # the compromise model's forecast is the mean position: its error by hand
    hand = np.abs(test.positions.mean(axis=1) - test.outcome)[:4].mean()
    assert rows["mean"].mae.value == pytest.approx(hand)
    assert run_backtest(test, st, train=train).to_dict() == report.to_dict()
    other = run_backtest(test, _settings(("mean", "median", "memo"), seed=5), train=train)
    assert [r.mae.value for r in other.rows] == pytest.approx([r.mae.value for r in report.rows])
    # another seed: other bootstrap draws (seen on the 6 training proposals), the same point values
    a, b = report.rows[0].cv_mae, other.rows[0].cv_mae
    assert a.value == b.value and (a.low, a.high) != (b.low, b.high)
    assert json.loads(json.dumps(report.to_dict()))["rows"][2]["parameters"] == {"level": 55.0}


def test_one_file_cross_validates_models_with_free_parameters(memo_calls):
    data = _issues(TRAIN_GROUPS, TRAIN_Y)
    events: list[ProgressEvent] = []
    report = run_backtest(data, _settings(("mean", "memo")), progress=events.append)
    mean, memo = report.rows
    assert report.protocol == "cross-validation" and mean.cv_mae is None and memo.cv_mae is not None
    assert memo.mae.value == pytest.approx(np.abs(55.0 - np.asarray(TRAIN_Y)).mean())  # in sample
    assert memo.cv_mae.value > memo.mae.value
    last = {e.task: e for e in events}
    assert (last["fitting mean"].done, last["fitting mean"].total) == (1, 1)
    assert (last["fitting memo"].done, last["fitting memo"].total) == (4, 4)


def test_models_default_to_every_registered_one(memo_calls):
    assert BacktestSettings().models == tuple(TRAINABLE) and "memo" in BacktestSettings().models
    with pytest.raises(ValueError, match="unknown model 'oracle'"):
        BacktestSettings(models=("oracle",))


@pytest.mark.skipif(not DEU.exists(), reason="DEU III file not in the shared data")
def test_condorcet_cross_validation_on_the_training_file_as_documented():
    report = run_backtest(read_deu(DEU).issues, BacktestSettings(models=("mean", "condorcet"), n_boot=200))
    condorcet = report.rows[1]
    assert report.rows[0].mae.value == pytest.approx(23.578, abs=1e-3)
    assert condorcet.cv_mae.value == pytest.approx(24.3925, abs=1e-4)  # docs/forecasting.md
    assert condorcet.cv_chosen == ("contest_power=0.5,include_status_quo=True (2/5); contest_power=0.5 (3/5)")


# --- the command line -----------------------------------------------------------------------------


def _split(tmp_path: Path, every: int = 3) -> tuple[Path, Path]:
    """Rows of the DEU training file split by proposal: every ``every``-th proposal to a test file."""
    head, *rows = [line for line in DEU.read_text().splitlines() if line.strip()]
    col = head.split("\t").index("prnr")
    proposals = sorted({r.split("\t")[col] for r in rows})[:30]
    test = set(proposals[::every])
    pick = {p: [r for r in rows if r.split("\t")[col] == p] for p in proposals}
    train_path, test_path = tmp_path / "train.tsv", tmp_path / "test.tsv"
    train_path.write_text("\n".join([head] + [r for p in proposals if p not in test for r in pick[p]]) + "\n")
    test_path.write_text("\n".join([head] + [r for p in sorted(test) for r in pick[p]]) + "\n")
    return train_path, test_path


def _app() -> typer.Typer:
    from multitrack.cli.forecast_commands import backtest_app

    app = typer.Typer()
    app.add_typer(backtest_app, name="backtest")
    return app


needs_deu = pytest.mark.skipif(not DEU.exists(), reason="DEU III file not in the shared data")


@needs_deu
def test_cli_train_test_prints_writes_csv_and_json(tmp_path):
    train, test = _split(tmp_path)
    csv_out, json_out = tmp_path / "t.csv", tmp_path / "t.json"
    args = ["backtest", "deu", str(test), "--train", str(train), "-m", "median", "-m", "condorcet",
            "--folds", "3", "--boot", "100", "--csv", str(csv_out), "--json", str(json_out)]
    res = CliRunner().invoke(_app(), args, env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "Fitted on train.tsv, scored on test.tsv" in res.output
    assert "condorcet: the fit on train.tsv chose " in res.output and "the 3 CV folds chose " in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 80
    doc = json.loads(json_out.read_text())
    assert doc["protocol"] == "train/test" and [r["model"] for r in doc["rows"]] == ["median", "condorcet"]
    known = read_deu(train).issues  # two training proposals have no known outcome
    assert (doc["train_proposals"], doc["train_issues"]) == (len(set(known.groups)), len(known)) == (18, 49)
    assert (doc["proposals"], doc["issues"]) == (10, 33)
    header, *lines = csv_out.read_text().splitlines()
    assert header.split(",")[-2:] == ["chosen", "cv_chosen"] and len(lines) == 2
    median = dict(zip(header.split(","), lines[0].split(","), strict=False))
    assert float(median["mae"]) == pytest.approx(doc["rows"][0]["mae"]["value"], rel=1e-5)
    assert float(median["cv_mae"]) == pytest.approx(doc["rows"][0]["cv_mae"]["value"], rel=1e-5)


@needs_deu
def test_cli_refuses_a_test_file_that_shares_proposals(tmp_path):
    train, test = _split(tmp_path)
    res = CliRunner().invoke(_app(), ["backtest", "deu", str(train), "--train", str(train), "-m", "mean"])
    assert res.exit_code == 2
    assert res.output.startswith(f"--train {train} and {train}: the training and test issues share "
                                 "18 proposals (e.g. ")
    assert len(res.output.strip().splitlines()) == 1


@needs_deu
def test_cli_names_a_missing_training_file(tmp_path):
    _, test = _split(tmp_path)
    missing = tmp_path / "nowhere.tsv"
    res = CliRunner().invoke(_app(), ["backtest", "deu", str(test), "--train", str(missing)])
    assert isinstance(res.exception, MultitrackError) and str(res.exception) == f"{missing}: no such file"
    command = [sys.executable, "-m", "multitrack", "backtest", "deu", str(test), "--train", str(missing)]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    assert run.returncode == 2 and run.stderr.strip() == f"{missing}: no such file"


@needs_deu
def test_cli_table_at_80_columns_cuts_no_cell(tmp_path):
    """Every interval of every model is printed whole at 80 columns, the last column included
    (a table title wider than the columns used to widen the table and rich cut its last column)."""
    res = CliRunner().invoke(_app(), ["backtest", "deu", str(DEU), "-m", "mean", "-m", "procedural",
                                      "-m", "choice-exchange", "--folds", "3", "--boot", "200"],
                             env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any(line.rstrip().endswith("CV - mean") for line in lines)
    intervals = [line for line in lines if line.strip().startswith("[")]
    assert len(intervals) == 3 and all(line.rstrip().endswith("]") for line in intervals)
    assert lines[-1].count("[") == 0  # the summary line, not a cut table row
