"""``multitrack backtest``: score the outcome-forecast models against real decisions.

Bad input raises :class:`~multitrack.errors.ScenarioError` (one line naming the file, line and
column), which the console entry point prints on stderr with exit status 2.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console, JustifyMethod
from rich.table import Table

backtest_app = typer.Typer(no_args_is_help=True,
                           help="Score the outcome-forecast models against decisions whose outcome is known.")

_out = Console(emoji=False, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)


def _refuse(message: str) -> None:
    _err.print(" ".join(str(message).split()), markup=False)
    raise typer.Exit(2)


def _iv(iv, signed: bool = False) -> str:
    if iv is None:
        return "-"
    fmt = "{:+.2f}" if signed else "{:.2f}"
    return f"{fmt.format(iv.value)} [{fmt.format(iv.low)}, {fmt.format(iv.high)}]"


@backtest_app.command("deu")
def backtest_deu(
    file: Path = typer.Argument(..., help="A DEU III issue file (tab- or comma-separated, one row per "
                                          "issue)."),
    model: list[str] | None = typer.Option(None, "--model", "-m",
                                              help="Model to score (repeat for more; default: all of "
                                              "mean, median, challenge, condorcet)."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Also write the table as CSV."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap and of the folds."),
    folds: int = typer.Option(5, "--folds", help="Folds of the cross-validation grouped by proposal."),
    boot: int = typer.Option(2000, "--boot", help="Bootstrap replicates (proposals resampled)."),
) -> None:
    """Mean absolute error of each model on the issues with a known outcome, with bootstrap 95%
    intervals clustered by proposal, the paired difference to the weighted mean, and the
    cross-validated error of models whose settings are tuned."""
    from ..errors import Problem, ScenarioError
    from ..forecast import MODELS
    from ..forecast.backtest import BacktestSettings, run_backtest
    from ..forecast.readers import IMPUTED_SALIENCE, read_deu

    models = tuple(dict.fromkeys(model or MODELS))
    for m in models:
        if m not in MODELS:
            _refuse(f"--model {m}: unknown model (known: {', '.join(MODELS)})")
    if folds < 2:
        _refuse(f"--folds {folds}: use at least 2")
    if boot < 1:
        _refuse(f"--boot {boot}: use at least 1")
    data = read_deu(file)
    proposals = len(set(data.issues.groups))
    if len(data.issues) == 0:
        raise ScenarioError([Problem("no issue with a known outcome to score")], str(file))
    if folds > proposals:
        _refuse(f"--folds {folds}: {file} has only {proposals} proposals with a known outcome")
    report = run_backtest(data.issues, BacktestSettings(models=models, n_boot=boot, folds=folds, seed=seed))
    table = Table(title=f"Forecast backtest on {file.name}: mean absolute error (0-100 scale), "
                  "bootstrap 95% intervals by proposal")
    justify: JustifyMethod
    for name, justify in (("model", "left"), ("issues", "right"), ("MAE [95% CI]", "right"),
                          ("MAE - mean [95% CI]", "right"), (f"{folds}-fold CV MAE [95% CI]", "right"),
                          ("CV MAE - mean [95% CI]", "right"), ("settings CV chose (folds)", "left")):
        table.add_column(name, justify=justify)
    for r in report.rows:
        table.add_row(r.model, str(r.issues), _iv(r.mae), _iv(r.diff, True), _iv(r.cv_mae),
                      _iv(r.cv_diff, True), r.chosen or "-")
    _out.print(table)
    skipped = dict(data.skipped_counts())
    for key, count in report.skipped.items():
        skipped[key] = skipped.get(key, 0) + count
    left_out = "; ".join(f"{v} {k}" for k, v in skipped.items()) or "none"
    _out.print(f"issues used: {report.issues} of {data.rows} rows ({report.proposals} proposals); "
               f"skipped: {left_out}; saliences imputed as {IMPUTED_SALIENCE:g}: {data.imputed_saliences}; "
               f"seed {seed}, {boot} bootstrap replicates, {folds} folds", markup=False)
    if csv_out is not None:
        try:
            csv_out.write_text(report.to_csv(), encoding="utf-8")
        except OSError as exc:
            raise ScenarioError([Problem(f"cannot write: {exc.strerror or exc}")], str(csv_out)) from None
        _out.print(f"wrote {csv_out}", markup=False)


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
