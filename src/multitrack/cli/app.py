"""The ``multitrack`` command line: list, show, validate, start and analyse scenarios.

Start-up is kept short (``--help`` and ``validate`` in a fraction of a second): this module and the
command modules it registers import only typer, rich and light multitrack modules at the top;
each command imports the analyses, renderers and scenario models it needs in its body.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from .._version import __version__
from ..errors import MultitrackError, ScenarioError
from .runs_commands import DB_HELP as RUNS_DB_HELP
from .runs_commands import record_run, runs_app

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Analyse negotiated security settlements with many parties and parallel tracks.")
out = Console(emoji=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

DEFAULT_SCENARIO = "european-security"


def _fail(message: str, code: int = 2) -> None:
    err.print(message, markup=False)
    raise typer.Exit(code)


def _load(name: str):
    from ..scenario import load

    try:
        return _load_gmcr(name) if _is_gmcr_file(name) else load(name)
    except ScenarioError as exc:
        _fail(exc.one_line())


def _is_gmcr_file(name: str) -> bool:
    """Whether ``name`` is a GMCR+ save file; the GMCR code is imported only for a ``.gmcr`` or
    ``.json`` name, the only suffixes it recognises, so YAML files and built-in names skip it."""
    if Path(name).suffix.lower() not in (".gmcr", ".json"):
        return False
    from ..stability.gmcr_file import is_gmcr_file

    return is_gmcr_file(name)


def _load_gmcr(name: str):
    """The scenario of a GMCR+ file (a one-conflict scenario)."""
    from ..stability.gmcr_file import load_gmcr_scenario

    return load_gmcr_scenario(name)


def _print_version(value: bool) -> None:
    """Print the version and stop before any command is looked for (an eager option)."""
    if value:
        out.print(f"multitrack {__version__}", markup=False)
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Analyse negotiated security settlements with many parties and parallel tracks."""


@app.command()
def scenarios() -> None:
    """List the built-in scenarios with a one-line description each."""
    from rich.table import Table

    from ..scenario import builtins

    table = Table(title="Built-in scenarios", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("description")
    for name in builtins.names():
        table.add_row(name, builtins.describe(name))
    out.print(table)


@app.command()
def show(scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Built-in name, path to a YAML file, or a "
                                      "GMCR+ file (.gmcr or .json).")) -> None:
    """Summarise a scenario: per track who sits, who holds a veto, the issues and every stance;
    per conflict its decision makers, options, preferences, rules, misperceptions and coalitions."""
    from . import terminal

    terminal.show_scenario(out, _load(scenario))


@app.command()
def validate(files: list[str] = typer.Argument(..., help="Scenario files, built-in names or GMCR+ files."),
             all_problems: bool = typer.Option(False, "--all",
                                               help="List every problem, not only the first."),
             strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors.")) -> None:
    """Check scenario files; exit status 2 if any is invalid."""
    from ..scenario import check

    failed = False
    for name in files:
        try:
            scenario, warnings = (_load_gmcr(name), []) if _is_gmcr_file(name) else check(name)
        except ScenarioError as exc:
            failed = True
            for line in (exc.lines() if all_problems else [exc.one_line()]):
                err.print(line, markup=False)
            continue
        n_issues = sum(len(t.issues) for t in scenario.tracks)
        counts = ", ".join(_count(n, what) for n, what in [(len(scenario.actors), "actor"), (
            len(scenario.tracks), "track"), (n_issues, "issue"), (len(scenario.conflicts), "conflict"), (
            len(warnings), "warning")] if n or what not in ("warning", "conflict"))
        out.print(f"{name}: ok ({counts})", markup=False, soft_wrap=True)
        for c in scenario.conflicts:  # what each conflict holds, as GMCR+ users read it
            from ..scenario.conflict_counts import conflict_counts

            out.print(f"  conflict {c.id}: {conflict_counts(c)}", markup=False, soft_wrap=True)
        for w in warnings:
            (err if strict else out).print(f"warning: {w.render(name)}", markup=False, soft_wrap=True)
        failed |= strict and bool(warnings)
    if failed:
        raise typer.Exit(2)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


@app.command()
def init(name: str = typer.Argument(..., help="Scenario id; the file NAME.yaml is written."),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")) -> None:
    """Write a commented starter scenario file to edit."""
    from .starter import starter_text

    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    scenario_id = path.stem
    try:
        text = starter_text(scenario_id)
    except ValueError as exc:
        _fail(f"{path}: {exc}")
    if path.exists() and not force:
        _fail(f"{path}: already exists; nothing written (use --force to overwrite)")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{path}: cannot write: {exc.strerror}")
    out.print(f"wrote {path}; edit it, then run: multitrack validate {path}", markup=False)


@app.command()
def analyses() -> None:
    """List the analyses that ``analyze`` runs, what each does and its settings."""
    from rich.markup import escape

    from ..analysis import available

    for spec in available():
        out.print(f"[bold]{spec.name}[/bold]: {escape(spec.title)}", soft_wrap=True)
        out.print(f"  {_summary(spec)}", markup=False, soft_wrap=True)
        fields = getattr(spec.config, "model_fields", {})
        if fields:
            out.print(f"  settings (--set {spec.name}.SETTING=VALUE):", markup=False, soft_wrap=True)
        for name, field_ in fields.items():
            out.print(f"    {_setting_text(name, field_)}", markup=False, soft_wrap=True)
        if "settlement" in spec.reads:
            out.print("  reads the run's draws (--draws N --seed S, shared by every analysis that samples)",
                      markup=False, soft_wrap=True)


def _summary(spec) -> str:
    """What an analysis does in whole sentences: the first sentence(s) of its docstring's first
    paragraph, up to where the docstring turns to its arguments (the registry keeps one line)."""
    import inspect
    import re

    doc = inspect.getdoc(spec.run) or ""
    paragraph = " ".join(doc.split("\n\n")[0].split())
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z`])", paragraph)
    text = sentences[0] if sentences and sentences[0] else spec.title
    return text if text.endswith((".", "!", "?")) else text + "."


def _setting_text(name: str, field_) -> str:
    """``draws = 500: Monte Carlo draws of the uncertain inputs.``: a setting, its default (as
    ``--set`` takes it) and what it means."""
    default = field_.default
    if isinstance(default, (tuple, list)):
        default = ",".join(str(v) for v in default)
    head = name if default is None or isinstance(default, dict) else f"{name} = {default}"
    words = (field_.description or _KINDS.get(field_.annotation, "a value")).strip()
    return f"{head}: {words if words.endswith('.') else words + '.'}"


#: How a setting without a description reads, by its type.
_KINDS = {int: "a whole number", float: "a number", bool: "true or false", str: "a text"}


_SET_HELP = ("A scenario value by path, e.g. --set tracks.ukraine-status.issues.accession-moratorium."
             "positions.RUS.red_lines[0].below=20, or an analysis setting, e.g. --set "
             "agreement.grid_points=21 (repeatable; see multitrack analyses).")
_DRAWS = typer.Option(None, "--draws", help="Draws of every uncertain estimate, one set for the whole run "
                      "(every analysis that samples reads the same draws; default 1000).")
_SEED = typer.Option(None, "--seed", help="Root seed of the run's draws: the same seed gives the same "
                     "results (default 20240601).")
_CHUNK = typer.Option(None, "--chunk-size", min=1, help="Draws per chunk of work (default 1000); the same "
                      "seed and chunk size give the same draws however many workers run them.")
_WORKERS = typer.Option(1, "--workers", min=1, help="Local worker processes (Dask); 1 runs in this process.")
_SCHEDULER = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler, e.g. tcp://host:8786.")
_CHECKPOINT = typer.Option(None, "--checkpoint", help="Keep finished draws in this file; rerun to resume.")
_TIME_LIMIT = typer.Option(600.0, "--time-limit", min=0, help="Refuse, before starting, a run estimated to "
                           "take longer than this many seconds (its size and what to change in one line).")
_FORCE = typer.Option(False, "--force", help="Run even when the estimate is over --time-limit.")


@app.command()
def analyze(scenario: str = typer.Argument(DEFAULT_SCENARIO, help="Built-in name or path to a YAML file."),
            out_dir: Path | None = typer.Option(None, "--out", "-o",
                                                   help="Report folder (default: report-<scenario id>)."),
            only: list[str] | None = typer.Option(None, "--only", help="Run only these analyses."),
            setting: list[str] | None = typer.Option(None, "--set", help=_SET_HELP),
            variant: str | None = typer.Option(None, "--variant", help="Run the scenario as the named "
                                               "variant of its file has it (its set: values changed, its "
                                               "model changes made the main model)."),
            draws: int | None = _DRAWS, seed: int | None = _SEED, chunk_size: int | None = _CHUNK,
            workers: int = _WORKERS, scheduler: str | None = _SCHEDULER,
            checkpoint: Path | None = _CHECKPOINT, time_limit: float = _TIME_LIMIT, force: bool = _FORCE,
            report_format: str = typer.Option("html", "--format", help="Report format: html (one "
                                              "self-contained file) or md (Markdown with SVG figures)."),
            quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the paths written."),
            verbose: bool = typer.Option(False, "--verbose", "-v", help="Print every analysis's tables "
                                         "(by default: one screen, each track's verdict and deal and each "
                                         "analysis's headline)."),
            pdf: Path | None = typer.Option(None, "--pdf", help="Also print the HTML report (brief first) to "
                                            "this PDF file with headless Chromium (/usr/bin/chromium)."),
            db: str | None = typer.Option(None, "--db", metavar="URL", help=RUNS_DB_HELP),
            no_record: bool = typer.Option(False, "--no-record", help="Do not record this run in the "
                                           "run database.")) -> None:
    """Run every analysis and write report.html (or report.md) and results.json; record the run."""
    from ..report import write_report
    from . import terminal

    if report_format not in ("html", "md"):
        _fail(f"--format {report_format}: use html or md")
    if pdf is not None:
        _check_pdf()
    scenario_sets, analysis_sets = _split_sets(setting or [])
    model = _load_changed(scenario, scenario_sets, variant)
    folder = out_dir or Path(f"report-{model.id}")
    options = _settings(analysis_sets)
    results = _run(model, only, options, (draws, seed, chunk_size), workers, scheduler, checkpoint, quiet,
                   time_limit=None if force else time_limit)
    if verbose and not quiet:
        for name, result in results.items():
            terminal.show_result(out, name, result, model)
    elif not quiet:
        _show_summary(results, model)
    try:
        paths = write_report(folder, model, results, format=report_format)
    except MultitrackError as exc:
        _fail(str(exc))
    for path in paths.values():
        out.print(f"wrote {path}", markup=False)
    if pdf is not None:
        _report_pdf(model, results, pdf)
    if not no_record:  # after the report, so that a database problem never loses it
        changed: dict[str, object] = {"set": scenario_sets} if scenario_sets else {}
        changed.update({"variant": variant} if variant else {})
        record_run(db, scenario, model, results, {"only": only, "options": options, "workers": workers,
                                                  **changed, **_run_draws(draws, seed, chunk_size)},
                   quiet=quiet)


@app.command("compare-designs")
def compare_designs(scenario: str = typer.Argument(DEFAULT_SCENARIO,
                                                   help="Built-in name or path to a YAML file."),
                    setting: list[str] | None = typer.Option(
                        None, "--set", help="A setting of the process analysis, e.g. --set "
                        "process.grid_points=21, or a scenario value by path (as for analyze)."),
                    variant: str | None = typer.Option(None, "--variant",
                                                       help="Run the named variant of the scenario."),
                    draws: int | None = _DRAWS, seed: int | None = _SEED,
                    chunk_size: int | None = _CHUNK,
                    workers: int = _WORKERS, scheduler: str | None = _SCHEDULER,
                    checkpoint: Path | None = _CHECKPOINT,
                    time_limit: float = _TIME_LIMIT, force: bool = _FORCE,
                    json_out: Path | None = typer.Option(None, "--json",
                                                            help="Also write the result as JSON.")) -> None:
    """Compare parallel tracks, linked tracks, a sequence and one package, and each track's forums,
    on the same draws of the scenario's uncertain estimates."""
    import json

    from ..report.files import atomic_write_text
    from . import terminal

    scenario_sets, analysis_sets = _split_sets(setting or [])
    model = _load_changed(scenario, scenario_sets, variant)
    results = _run(model, ["process"], _settings(analysis_sets), (draws, seed, chunk_size), workers,
                   scheduler, checkpoint, quiet=False, time_limit=None if force else time_limit)
    terminal.show_result(out, "process", results["process"], model)
    if json_out is not None:
        try:
            atomic_write_text(Path(json_out), json.dumps(results["process"].to_dict(), indent=1))
        except OSError as exc:
            _fail(f"{json_out}: cannot write: {exc.strerror or exc}")
        out.print(f"wrote {json_out}", markup=False)


def _show_summary(results, model) -> None:
    """The one screen ``analyze`` prints by default (see :mod:`multitrack.cli.summary_view`)."""
    from .summary_view import summary_lines

    for line in summary_lines(results, model, out.width):
        out.print(line, soft_wrap=True)


def _check_pdf() -> None:
    """Before a run: --pdf without Chromium is refused at once, in one line."""
    from ..report.pdf import chromium_path

    try:
        chromium_path()
    except MultitrackError as exc:
        _fail(str(exc))


def _report_pdf(model, results, path: Path) -> None:
    """The HTML report printed to ``path`` by headless Chromium."""
    from ..report.html import render_html
    from ..report.pdf import html_to_pdf

    try:
        out.print(f"wrote {html_to_pdf(render_html(model, results), path)}", markup=False)
    except MultitrackError as exc:
        _fail(str(exc))


def _run_draws(draws: int | None, seed: int | None, chunk_size: int | None) -> dict[str, int]:
    """The run's draws and seed as recorded (the defaults filled in; the chunk size when given)."""
    from ..settlement import DEFAULT_DRAWS, DEFAULT_SEED

    out = {"draws": DEFAULT_DRAWS if draws is None else draws, "seed": DEFAULT_SEED if seed is None else seed}
    return out if chunk_size is None else {**out, "chunk_size": chunk_size}


def _run(model, only, options, run_draws, workers, scheduler, checkpoint, quiet, time_limit=None):
    """Run the analyses with a progress bar, on the chosen executor, with an optional checkpoint;
    every analysis reads the run's one set of draws (``run_draws``: draws, seed, chunk size); a
    run estimated over ``time_limit`` seconds is refused before it starts (None: no limit)."""
    from ..analysis import run_all, run_settlement
    from ..montecarlo import CheckpointFile, RunInterrupted, make_executor

    draws, seed, chunk_size = run_draws
    try:
        settlement = run_settlement(model, draws, seed, chunk_size)
    except MultitrackError as exc:
        _fail(str(exc))
    if settlement.evaluated_once and not quiet:
        err.print("No uncertain input in the scenario: evaluated once; every result is structural "
                  "(the same in every draw), so no result has an interval.", markup=False)
    if time_limit is not None:
        from ..budget import check_run

        try:
            check_run(model, settlement.draws, only=only, options=options, limit=time_limit)
        except MultitrackError as exc:
            _fail(str(exc))

    if scheduler and workers > 1:
        _fail("give --workers or --scheduler, not both")
    store = None if checkpoint is None else (lambda fingerprint: CheckpointFile(checkpoint, fingerprint))
    from .progress_view import progress_bars

    with progress_bars(err, quiet) as progress:
        try:
            with make_executor(workers, scheduler) as executor:
                return run_all(model, only=only, options=options, progress=progress, executor=executor,
                               checkpoint=store, precompile=True, settlement=settlement)
        except RunInterrupted as exc:
            _fail(str(exc), code=130)
        except MultitrackError as exc:
            _fail(str(exc))


from .brief_command import RunHelpers, make_brief_command  # noqa: E402
from .compare_commands import compare_command  # noqa: E402
from .forecast_commands import backtest_app, forecast_ktab  # noqa: E402
from .interop_commands import export_app, import_app  # noqa: E402
from .negotiation_commands import negotiate_command, tournament_command  # noqa: E402
from .proposal_commands import evaluate_command  # noqa: E402
from .security_commands import calibrate_command, capabilities_command, criteria_command  # noqa: E402
from .serve_command import serve  # noqa: E402

app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(runs_app, name="runs")
app.add_typer(backtest_app, name="backtest")
app.command("forecast")(forecast_ktab)
app.command("negotiate")(negotiate_command)
app.command("tournament")(tournament_command)
app.command("serve")(serve)
app.command("calibrate")(calibrate_command)
app.command("capabilities")(capabilities_command)
app.command("criteria")(criteria_command)
app.command("evaluate")(evaluate_command)
app.command("compare")(compare_command)


def _split_sets(items: list[str]) -> tuple[list[str], list[str]]:
    """(scenario paths, analysis settings) among ``--set`` items.

    A scenario path starts with a top-level field of the scenario (tracks., actors., deterrence.,
    ...); an analysis setting with an analysis's name. Where a name is both (deterrence, escalation,
    process, factors), a known setting of that analysis is the setting and anything else the path."""
    from ..analysis import available
    from ..scenario import Scenario

    top = {info.alias or name for name, info in Scenario.model_fields.items()}
    configs = {spec.name: set(getattr(spec.config, "model_fields", {})) for spec in available()}
    scenario_sets: list[str] = []
    analysis_sets: list[str] = []
    for item in items:
        key = item.partition("=")[0].strip()
        head = key.split(".")[0].split("[")[0]
        rest = key[len(head) + 1:]
        is_setting = head in configs and (head not in top or rest in configs[head] | {"draws", "seed"})
        (scenario_sets if head in top and not is_setting else analysis_sets).append(item)
    return scenario_sets, analysis_sets


def _load_changed(name: str, sets: list[str], variant: str | None):
    """The scenario with the variant's and the ``--set`` changes applied (as loaded when none)."""
    from ..scenario.setpath import load_with

    if not sets and variant is None:
        return _load(name)
    if _is_gmcr_file(name):
        _fail(f"{name}: --set PATH and --variant change scenario files, not GMCR+ files")
    try:
        return load_with(name, sets, variant)
    except MultitrackError as exc:
        _fail(str(exc))


def _settings(items: list[str]) -> dict[str, dict[str, object]]:
    """``analysis.key=value`` strings to options per analysis (values read as YAML scalars)."""
    from ruamel.yaml import YAML

    out: dict[str, dict[str, object]] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        name, dot, field_ = key.partition(".")
        if not sep or not dot or not name or not field_:
            _fail(f"--set {item}: expected ANALYSIS.SETTING=VALUE, e.g. agreement.grid_points=21")
        try:
            value = YAML(typ="safe", pure=True).load(raw)
        except Exception:  # noqa: BLE001 - any YAML problem is a bad value
            value = raw
        out.setdefault(name.strip(), {})[field_.strip()] = value
    return out


app.command("brief")(make_brief_command(RunHelpers(_split_sets, _load_changed, _settings, _run, _run_draws,
                                                   _fail, out)))


def main() -> None:
    """Console entry point: errors of the user's input exit with status 2 and one line."""
    try:
        app()
    except MultitrackError as exc:
        err.print(str(exc), markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)
