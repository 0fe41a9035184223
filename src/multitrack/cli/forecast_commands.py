"""``multitrack backtest``: score the outcome-forecast models against real decisions.

Bad input raises :class:`~multitrack.errors.ScenarioError` (one line naming the file, line and
column), which the console entry point prints on stderr with exit status 2.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.table import Table

backtest_app = typer.Typer(no_args_is_help=True,
                           help="Score the outcome-forecast models against decisions whose outcome is known.")

_out = Console(emoji=False, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)


def _refuse(message: str) -> None:
    _err.print(" ".join(str(message).split()), markup=False)
    raise typer.Exit(2)


def _iv_cell(iv, signed: bool = False) -> str:
    """A value over its interval, on two lines (so that the table fits 80 columns)."""
    if iv is None:
        return "-"
    fmt = "{:+.2f}" if signed else "{:.2f}"
    return f"{fmt.format(iv.value)}\n[{fmt.format(iv.low)}, {fmt.format(iv.high)}]"


def _check_options(models: tuple[str, ...], known, folds: int, boot: int) -> None:
    for m in models:
        if m not in known:
            _refuse(f"--model {m}: unknown model (known: {', '.join(known)})")
    if folds < 2:
        _refuse(f"--folds {folds}: use at least 2")
    if boot < 1:
        _refuse(f"--boot {boot}: use at least 1")


def _read_scored(file: Path, folds: int | None):
    """The DEU file read; refused without an issue of known outcome, or (``folds`` given) with
    fewer proposals than folds."""
    from ..errors import Problem, ScenarioError
    from ..forecast.readers import read_deu

    data = read_deu(file)
    if len(data.issues) == 0:
        raise ScenarioError([Problem("no issue with a known outcome to score")], str(file))
    proposals = len(set(data.issues.groups))
    if folds is not None and folds > proposals:
        _refuse(f"--folds {folds}: {file} has only {proposals} proposals with a known outcome")
    return data


def _table(report, file: Path, train: Path | None, folds: int) -> Table:
    """The report as a table: test scores and training CV with --train, else the one file's."""
    if train is None:
        title = (f"Forecast backtest on {file.name}: mean absolute error (0-100 scale), bootstrap 95% "
                 "intervals by proposal")
        heads = ("MAE", "MAE - mean", f"{folds}-fold CV MAE", "CV - mean")
    else:
        title = (f"Fitted on {train.name}, scored on {file.name}: mean absolute error (0-100), bootstrap "
                 "95% intervals by proposal")
        heads = ("test MAE", "test - mean", f"train {folds}-fold CV MAE", "CV - mean")
    # the title is printed above the table, wrapped: a table title wider than the columns would
    # widen the table past 80 columns, and rich then cuts the last column
    table = Table(box=box.SIMPLE_HEAD, padding=0, pad_edge=False, show_edge=False)  # the box divides
    table.caption = title
    rows = []
    for r in report.rows:
        cv_mae = _iv_cell(r.cv_mae) if train is None or r.cv_mae is None else f"{r.cv_mae.value:.2f}"
        rows.append((r.model, _iv_cell(r.mae), _iv_cell(r.diff, True), cv_mae, _iv_cell(r.cv_diff, True)))
    for k, head in enumerate(("model", *heads)):
        # exact widths: rich otherwise pads the two-line cells and cuts the last column at 80
        width = max(len(line) for cells in rows for line in cells[k].split("\n"))
        table.add_column(head, justify="left" if k == 0 else "right", width=max(width, min(len(head), 9)),
                         overflow="fold")
    for cells in rows:
        table.add_row(*cells)
    return table


def _chosen(report, fitted_on: Path, folds: int) -> list[str]:
    """What each model with free parameters chose: in the fit behind the MAE, and in the folds."""
    from ..forecast.catalogue import TRAINABLE

    def spaced(text: str) -> str:  # "q=0.5,t=0.5" reads "q=0.5, t=0.5"; ", " stays as it is
        return re.sub(r",(?=\S)", ", ", text)

    return [f"{r.model}: the fit on {fitted_on.name} chose {spaced(r.chosen)}; the {folds} CV "
            f"folds chose {spaced(r.cv_chosen)}"
            for r in report.rows if TRAINABLE[r.model].free_parameters]


def _left_out(*counts) -> str:
    skipped: dict[str, int] = {}
    for c in counts:
        for key, n in c.items():
            skipped[key] = skipped.get(key, 0) + n
    return "; ".join(f"{v} {k}" for k, v in skipped.items()) or "none"


def _summary(report, data, train_data, seed: int, boot: int, folds: int) -> str:
    from ..forecast.readers import IMPUTED_SALIENCE

    used = (f"issues used: {report.issues} of {data.rows} rows ({report.proposals} proposals); "
            f"skipped: {_left_out(data.skipped_counts(), report.skipped)}")
    imputed = data.imputed_saliences
    if train_data is not None:
        used = (f"test {used}; training issues: {report.train_issues} of {train_data.rows} rows "
                f"({report.train_proposals} proposals); skipped: "
                f"{_left_out(train_data.skipped_counts(), report.train_skipped)}")
        imputed += train_data.imputed_saliences
    return (f"{used}; saliences imputed as {IMPUTED_SALIENCE:g}: {imputed}; seed {seed}, {boot} bootstrap "
            f"replicates, {folds} folds")


def _write(path: Path, text: str) -> None:
    from ..errors import Problem, ScenarioError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot write: {exc.strerror or exc}")], str(path)) from None
    _out.print(f"wrote {path}", markup=False)


def _run(data, train_data, settings, file: Path, train: Path | None):
    """The backtest with progress bars on stderr; a refused pair of files in one line."""
    from ..forecast.backtest import run_backtest
    from .progress_view import progress_bars

    with progress_bars(_err) as progress:
        try:
            fit_on = None if train_data is None else train_data.issues
            return run_backtest(data.issues, settings, train=fit_on, progress=progress)
        except ValueError as exc:
            where = str(file) if train is None else f"--train {train} and {file}"
            _refuse(f"{where}: {exc}")


@backtest_app.command("deu")
def backtest_deu(
    file: Path = typer.Argument(..., help="A DEU III issue file (tab- or comma-separated, one row per "
                                          "issue): the issues scored."),
    train: Path | None = typer.Option(None, "--train", help="A DEU III file to fit the models on; FILE is "
                                      "then a test set they never see (no proposal in both)."),
    model: list[str] | None = typer.Option(None, "--model", "-m",
                                           help="Model to score (repeat for more; default: every "
                                           "registered model)."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Also write the table as CSV (every column)."),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the whole report as JSON."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap, the folds and the fits."),
    folds: int = typer.Option(5, "--folds", help="Folds of the cross-validation grouped by proposal."),
    boot: int = typer.Option(2000, "--boot", help="Bootstrap replicates (proposals resampled)."),
) -> None:
    """Mean absolute error of each model on the issues with a known outcome, with bootstrap 95%
    intervals clustered by proposal and the paired difference to the compromise model (mean).
    Without --train: models with free parameters are also cross-validated on FILE (folds of
    whole proposals). With --train: every model is fitted once on TRAIN and scored on FILE, and
    cross-validated on TRAIN."""
    from ..forecast.backtest import BacktestSettings
    from ..forecast.catalogue import TRAINABLE

    models = tuple(dict.fromkeys(model or TRAINABLE))
    _check_options(models, tuple(TRAINABLE), folds, boot)
    train_data = None if train is None else _read_scored(train, folds)
    data = _read_scored(file, folds if train is None else None)
    settings = BacktestSettings(models=models, n_boot=boot, folds=folds, seed=seed)
    report = _run(data, train_data, settings, file, train)
    table = _table(report, file, train, folds)
    _out.print(str(table.caption), markup=False)
    table.caption = None
    _out.print(table)
    for line in _chosen(report, train or file, folds):
        _out.print(line, markup=False)
    _out.print(_summary(report, data, train_data, seed, boot, folds), markup=False)
    if csv_out is not None:
        _write(csv_out, report.to_csv())
    if json_out is not None:
        import json

        _write(json_out, json.dumps(report.to_dict(), indent=2, default=str) + "\n")


def forecast_ktab(
    file: Path = typer.Argument(..., help="A KTAB spatial-model actor file (CSV: actors with power, and a "
                                "position and salience per dimension)."),
    model: list[str] | None = typer.Option(None, "--model", "-m",
                                              help="Model to run (repeat for more; default: every model)."),
    scale: float = typer.Option(100.0, "--scale", help="The scale of the file's positions and saliences "
                                "(KTAB's is 0-100); a salience divided by it is the share of attention."),
) -> None:
    """Forecast every dimension of a KTAB actor file with the spatial bargaining models, each
    dimension as an issue of its own."""
    import numpy as np

    from ..forecast import MODELS, ChallengeConfig, forecast
    from ..forecast.readers import read_ktab

    names = list(model or MODELS)
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        _refuse(f"--model: unknown model {', '.join(unknown)}; models: {', '.join(MODELS)}")
    if not (np.isfinite(scale) and scale > 0):
        _refuse(f"--scale {scale:g}: use a positive number (KTAB files use 100)")
    scenario = read_ktab(file, scale=scale)
    n_dims = len(scenario.dimensions)
    _out.print(f"{scenario.name}: {len(scenario.actors)} actors, {n_dims} "
               f"dimension{'' if n_dims == 1 else 's'}, positions and saliences on 0-{scenario.scale:g}; "
               "each dimension forecast as an issue of its own",
               markup=False, soft_wrap=True)
    table = Table()
    table.add_column("dimension")
    for m in names:
        table.add_column(m, justify="right")
    cap = np.broadcast_to(scenario.power, scenario.positions.shape)
    configs = {"challenge": ChallengeConfig(salience_scale=scenario.scale)}
    values = {m: np.atleast_1d(forecast(m, scenario.positions, scenario.saliences, cap,
                                        config=configs.get(m)))
              for m in names}
    for d, dim in enumerate(scenario.dimensions):
        table.add_row(dim, *[f"{values[m][d]:.2f}" for m in names])
    _out.print(table)
