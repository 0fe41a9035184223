"""Backtest of the forecast models: the DEU reader, grouped folds, bootstrap and the CLI command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from multitrack.errors import MultitrackError, ScenarioError
from multitrack.forecast import weighted_mean
from multitrack.forecast.backtest import BacktestSettings, clustered_mae, grouped_folds, run_backtest
from multitrack.forecast.council import ACTORS, capabilities, member_shares
from multitrack.forecast.readers import parse_deu_date, read_deu

DEU = Path("/work/shared/data/deu3/deu3_train.tsv")
HEAD = ["prnr", "isnr", "intro", "proc", "counvte"] + [f"p{a}" for a in ACTORS] + \
    [f"s{a}" for a in ACTORS] + ["rp", "out"]


def _row(prnr, isnr, pos: dict, sal: dict, out, rp="", intro="07-02-96", proc="COD") -> str:
    cells = {"prnr": prnr, "isnr": isnr, "intro": intro, "proc": proc, "counvte": "QMV", "rp": rp,
             "out": out}
    for a in ACTORS:
        cells[f"p{a}"] = str(pos.get(a, ""))
        cells[f"s{a}"] = str(sal.get(a, ""))
    return "\t".join(str(cells[h]) for h in HEAD)


def _synthetic(tmp_path: Path, n_props: int = 8) -> Path:
    """Issues whose outcome is exactly the weighted mean under the capability scheme of 1996."""
    rng = np.random.default_rng(5)
    cap = capabilities(dt.date(1996, 2, 7), "COD")
    lines = ["\t".join(HEAD)]
    actors = ["com", "ep", "de", "fr", "uk", "nl", "lu", "dk"]
    for p in range(n_props):
        for i in range(2):
            pos = {a: int(rng.integers(0, 11)) * 10 for a in actors}
            sal = {a: int(rng.integers(1, 11)) * 10 for a in actors}
            idx = [ACTORS.index(a) for a in actors]
            mean = weighted_mean([pos[a] for a in actors], [sal[a] for a in actors], cap[idx])
            lines.append(_row(f"p{p}", f"p{p}i{i}", pos, sal, repr(float(mean))))
    lines.append(_row("px", "pxi1", {"com": 10}, {"com": 50}, "999"))  # outcome unknown
    path = tmp_path / "deu.tsv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_backtest_is_exact_where_the_outcome_is_the_weighted_mean(tmp_path):
    data = read_deu(_synthetic(tmp_path))
    assert len(data.issues) == 16 and data.skipped_counts() == {"outcome unknown": 1}
    report = run_backtest(data.issues, BacktestSettings(models=("mean", "median", "condorcet"), n_boot=200,
                                                        folds=4, seed=1))
    rows = {r.model: r for r in report.rows}
    assert rows["mean"].mae.value == pytest.approx(0.0, abs=1e-9)
    assert rows["mean"].mae.high == pytest.approx(0.0, abs=1e-9)
    assert rows["median"].mae.value > 0 and rows["median"].diff.value == pytest.approx(rows["median"].mae.value)
    assert rows["condorcet"].cv_mae is not None and rows["condorcet"].chosen
    assert report.proposals == 8
    assert report.to_csv().splitlines()[0].startswith("model,issues,mae,mae_low,mae_high")


def test_grouped_folds_never_split_a_proposal():
    rng = np.random.default_rng(0)
    groups = rng.choice([f"g{k}" for k in range(23)], size=120)
    folds = grouped_folds(groups, 5, seed=3)
    seen = np.concatenate(folds)
    assert sorted(seen.tolist()) == list(range(120))  # every issue tested exactly once
    for test in folds:
        train = np.setdiff1d(np.arange(120), test)
        assert not set(groups[test]) & set(groups[train])
    assert [f.tolist() for f in grouped_folds(groups, 5, seed=3)] == [f.tolist() for f in folds]
    with pytest.raises(ValueError):
        grouped_folds(["a", "a", "b"], 3)


def test_bootstrap_resamples_whole_proposals():
    # two proposals: one with errors 0, 0, 0, one with a single error 10. Drawing whole proposals,
    # a replicate's MAE is 0 (both draws the first), 10 (both the second) or 10/4 (one of each).
    errors = np.array([0.0, 0.0, 0.0, 10.0])
    codes = np.array([0, 0, 0, 1])
    draws = np.random.default_rng(1).integers(0, 2, size=(500, 2))
    iv = clustered_mae(errors, codes, draws)
    assert iv.value == pytest.approx(2.5) and iv.low == 0.0 and iv.high == 10.0


def test_dates_and_capabilities():
    assert parse_deu_date("26-01-00") == dt.date(2000, 1, 26)
    assert parse_deu_date("07-02-96") == dt.date(1996, 2, 7)
    assert parse_deu_date("13-09-2017") == dt.date(2017, 9, 13)
    assert parse_deu_date("2014-07-04") == dt.date(2004, 7, 14)  # a spreadsheet's yyyy-mm-dd
    assert parse_deu_date("1930-11-05") == dt.date(2005, 11, 30)
    for date in (dt.date(1999, 1, 1), dt.date(2005, 1, 1), dt.date(2010, 1, 1), dt.date(2016, 1, 1)):
        assert sum(member_shares(date).values()) == pytest.approx(1.0)
    old = member_shares(dt.date(1999, 1, 1))
    assert len(old) == 15 and old["de"] == pytest.approx(10 / 87)
    assert member_shares(dt.date(2008, 1, 1))["de"] == pytest.approx(29 / 345)
    cap = capabilities(dt.date(2008, 1, 1), "CNS")
    assert cap[ACTORS.index("com")] == pytest.approx(29 / 345) and cap[ACTORS.index("ep")] == pytest.approx(3 / 345)


@pytest.mark.skipif(not DEU.exists(), reason="DEU III file not in the shared data")
def test_deu_reader_on_the_real_file():
    data = read_deu(DEU)
    assert data.rows == 261
    assert len(data.issues) == 250  # outcomes known
    assert data.skipped_counts() == {"outcome unknown": 11}
    assert len(set(data.issues.groups)) == 99
    i = data.issues
    assert np.all(np.isnan(i.positions) == np.isnan(i.saliences))
    assert np.nanmin(i.positions) >= 0 and np.nanmax(i.positions) <= 100
    assert np.all((i.outcome >= 0) & (i.outcome <= 100))
    # every actor with a position carries a capability (new members only after they joined)
    assert np.all(i.capabilities[~np.isnan(i.positions)] > 0)


@pytest.mark.parametrize("mutate, where", [
    (lambda lines: [lines[0].replace("\tout", "\tresult")] + lines[1:], ":1:"),
    (lambda lines: lines[:1] + [lines[1].replace("\t40\t", "\tforty\t", 1)] + lines[2:], ":2:"),
    (lambda lines: lines[:1] + [lines[1].replace("07-02-96", "Feb 96")] + lines[2:], ":2:"),
    (lambda lines: lines[:1] + [lines[1] + "\textra"] + lines[2:], ":2:"),
])
def test_deu_reader_locates_problems(tmp_path, mutate, where):
    head = "\t".join(HEAD)
    lines = [head, _row("p1", "p1i1", {"com": 40, "de": 60}, {"com": 50, "de": 50}, "50")]
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join(mutate(lines)) + "\n")
    with pytest.raises(ScenarioError) as err:
        read_deu(path)
    message = str(err.value)
    assert message.startswith(str(path) + where) and "\n" not in message


def _app() -> typer.Typer:
    from multitrack.cli.forecast_commands import backtest_app

    app = typer.Typer()
    app.add_typer(backtest_app, name="backtest")
    return app


def test_cli_backtest_prints_the_table_and_writes_csv(tmp_path):
    out = tmp_path / "table.csv"
    result = CliRunner().invoke(_app(), ["backtest", "deu", str(_synthetic(tmp_path)), "--model", "mean",
                                         "--model", "condorcet", "--csv", str(out), "--seed", "2",
                                         "--folds", "3", "--boot", "100"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "condorcet" in result.output and "issues used: 16 of 17 rows" in result.output
    assert "1 outcome unknown" in result.output
    lines = out.read_text().splitlines()
    assert len(lines) == 3 and lines[1].startswith("mean,16,")
    assert float(lines[1].split(",")[2]) == pytest.approx(0.0, abs=1e-9)


def test_cli_backtest_refuses_bad_input_in_one_line(tmp_path):
    runner = CliRunner()
    res = runner.invoke(_app(), ["backtest", "deu", str(_synthetic(tmp_path)), "--model", "oracle"])
    assert res.exit_code == 2 and "unknown model" in res.output
    res = runner.invoke(_app(), ["backtest", "deu", str(tmp_path / "missing.tsv")])
    assert isinstance(res.exception, MultitrackError) and "no such file" in str(res.exception)
    assert "\n" not in str(res.exception)


@pytest.mark.skipif(not DEU.exists(), reason="DEU III file not in the shared data")
def test_backtest_on_the_real_file_is_seeded():
    data = read_deu(DEU)
    st = BacktestSettings(models=("mean", "median"), n_boot=300, folds=5, seed=7)
    a = run_backtest(data.issues, st)
    b = run_backtest(data.issues, st)
    assert a.to_csv() == b.to_csv()
    mean = a.rows[0]
    assert mean.mae.low < mean.mae.value < mean.mae.high


def _as_quoted_csv(tsv: Path, out: Path, delimiter: str = ",", missing: str = "NA") -> Path:
    """The TSV as R's write.csv writes it: every field in double quotes, a first column of row
    names under an empty header, NA for an empty cell."""
    import csv

    rows = [line.split("\t") for line in tsv.read_text().splitlines() if line.strip()]
    with out.open("w", newline="") as f:
        w = csv.writer(f, delimiter=delimiter, quoting=csv.QUOTE_ALL)
        w.writerow([""] + rows[0])
        for k, row in enumerate(rows[1:], start=1):
            w.writerow([str(k)] + [cell if cell.strip() else missing for cell in row])
    return out


def _same_issues(a, b) -> None:
    assert a.rows == b.rows and a.skipped == b.skipped and a.imputed_saliences == b.imputed_saliences
    x, y = a.issues, b.issues
    assert x.issue_ids == y.issue_ids and x.groups == y.groups
    for name in ("positions", "saliences", "capabilities", "status_quo", "outcome"):
        np.testing.assert_array_equal(getattr(x, name), getattr(y, name))


def test_deu_reader_reads_quoted_comma_and_semicolon_files(tmp_path):
    tsv = _synthetic(tmp_path)
    plain = read_deu(tsv)
    _same_issues(read_deu(_as_quoted_csv(tsv, tmp_path / "deu.csv")), plain)
    _same_issues(read_deu(_as_quoted_csv(tsv, tmp_path / "deu2.csv", ";", "")), plain)
    # column names in capitals, a quoted tab-separated file
    quoted = tmp_path / "quoted.tsv"
    head, *body = tsv.read_text().splitlines()
    quoted.write_text("\n".join("\t".join(f'"{c}"' for c in line.split("\t"))
                                for line in [head.upper(), *body]) + "\n")
    _same_issues(read_deu(quoted), plain)


@pytest.mark.skipif(not DEU.exists(), reason="DEU III file not in the shared data")
def test_deu_reader_reads_the_real_file_written_as_quoted_csv(tmp_path):
    _same_issues(read_deu(_as_quoted_csv(DEU, tmp_path / "deu3.csv")), read_deu(DEU))


KTAB_FILE = "Harbour fees,two dimensions,1,1,\nActor,Description,Power,Fee,Fee salience,\nCITY,City,60,30,80,\n"


@pytest.mark.parametrize("content, message", [
    (KTAB_FILE, (":1: not a DEU III issue file: its first line should name the columns (prnr, isnr, intro, "
                 "proc, p<actor> and s<actor> for each actor, rp, out), separated by tabs or commas")),
    (b"PK\x03\x04\x14\x00\x06\x00", (":1: an Excel workbook or other zip archive, not a text file: save it as "
                                     "tab-separated or comma-separated text")),
    (b"$FL2@(#) SPSS DATA FILE", (":1: an SPSS data file (.sav), not a text file: save it as tab-separated or "
                                  "comma-separated text")),
])
def test_deu_reader_says_what_a_file_in_another_format_is(tmp_path, content, message):
    path = tmp_path / "data.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ScenarioError) as err:
        read_deu(path)
    assert str(err.value) == str(path) + message


def test_deu_reader_names_only_the_columns_really_missing(tmp_path):
    lines = _as_quoted_csv(_synthetic(tmp_path), tmp_path / "deu.csv").read_text().splitlines()
    path = tmp_path / "no_out.csv"
    path.write_text("\n".join([lines[0].replace('"out"', '"result"')] + lines[1:]) + "\n")
    with pytest.raises(ScenarioError) as err:
        read_deu(path)
    assert str(err.value).startswith(f"{path}:1:") and str(err.value).endswith(": missing column out")
    bad = tmp_path / "bad_cell.csv"
    bad.write_text("\n".join(lines[:2] + [lines[2].replace('"07-02-96"', '"Feb 96"', 1)]) + "\n")
    with pytest.raises(ScenarioError) as err:
        read_deu(bad)
    column = lines[2].index('"07-02-96"') + 1  # where the quoted field starts
    assert str(err.value) == f"{bad}:3:{column}: intro: date 'Feb 96' is not dd-mm-yy"


def test_cli_backtest_on_a_quoted_csv_and_on_a_file_in_another_format(tmp_path):
    import subprocess
    import sys

    csv_path = _as_quoted_csv(_synthetic(tmp_path), tmp_path / "deu.csv")
    ok = subprocess.run([sys.executable, "-m", "multitrack", "backtest", "deu", str(csv_path), "-m", "mean",
                         "--boot", "50", "--folds", "2"], capture_output=True, text=True, env={"COLUMNS": "200"},
                        check=False)
    assert ok.returncode == 0, ok.stderr
    assert "issues used: 16 of 17 rows" in ok.stdout
    (tmp_path / "k.csv").write_text(KTAB_FILE)
    bad = subprocess.run([sys.executable, "-m", "multitrack", "backtest", "deu", str(tmp_path / "k.csv")],
                         capture_output=True, text=True, env={"COLUMNS": "200"}, check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == [(f"{tmp_path / 'k.csv'}:1: not a DEU III issue file: its first line "
                                                "should name the columns (prnr, isnr, intro, proc, p<actor> and "
                                                "s<actor> for each actor, rp, out), separated by tabs or commas")]
