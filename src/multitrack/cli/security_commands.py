"""``multitrack calibrate``, ``capabilities`` and ``criteria``: the conflict data, national
capabilities and the self-determination checklist from the command line.

Every bad input ends in one line on stderr and exit status 2, never a traceback. Files are never
overwritten without ``--force``, are written atomically, and a scenario file is validated before
it is written.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console, JustifyMethod
from rich.table import Table

from ..errors import MultitrackError, ScenarioError

_out = Console(emoji=False, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False)

from ..datasets import CHECKOUT_DATA, DATA_ENV, PACKAGED_DATA  # noqa: E402

_DATA_HELP = (f"Folder with the data (holding conflict/), e.g. a newer release. Default: ${DATA_ENV}, else "
              "the copy shipped with multitrack (docs/data.md).")


def _refuse(message: str) -> NoReturn:
    _err.print(" ".join(str(message).split()), markup=False)
    raise typer.Exit(2)


def data_candidates() -> list[Path]:
    """Where the data folder is looked for when neither --data nor the environment names one.

    The packaged copy comes first: it is the one this version's numbers were checked against, and it
    gives the same result from any working directory. The shared folders of a checkout follow, for a
    package whose data were stripped; a newer release of the data is chosen with --data or
    $MULTITRACK_DATA, never picked up silently from wherever the command happens to be run.
    """
    return [PACKAGED_DATA, Path("shared") / "data", Path("..") / "shared" / "data", CHECKOUT_DATA]


def resolve_data_root(given: Path | None, extra_env: tuple[str, ...] = (),
                      needs: tuple[str, ...] = ()) -> Path:
    """``--data``, else $MULTITRACK_DATA (or ``extra_env``), else the first candidate holding ``needs``.

    A folder named by the user is taken as it is (a missing file is then reported by the reader); a
    default candidate counts only when every file in ``needs`` (paths below it) is there.
    """
    if given is not None:
        if not given.is_dir():
            _refuse(f"{given}: no such data folder (--data)")
        return given
    for name in (DATA_ENV, *extra_env):
        value = os.environ.get(name)
        if value:
            if not Path(value).is_dir():
                _refuse(f"{value}: no such data folder (from ${name})")
            return Path(value)
    tried = data_candidates()
    for path in tried:
        if path.is_dir() and all((path / need).is_file() for need in needs):
            return path
    _refuse(f"no data folder found; tried {', '.join(str(p) for p in tried)}; give --data DIR or set "
            f"${DATA_ENV}")
    raise AssertionError  # not reached


def _num(value: float, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    spec = "+" if signed else ""
    return f"{value:{spec}.2f}" if abs(value) >= 1 else f"{value:{spec}.3f}"


def _interval(low: float, high: float, signed: bool = False) -> str:
    return f"[{_num(low, signed)}, {_num(high, signed)}]"


def _check_output(path: Path, force: bool, what: str) -> None:
    if path.exists() and path.is_dir():
        _refuse(f"{path}: is a folder; give a file name for {what}")
    if path.exists() and not force:
        _refuse(f"{path}: already exists; nothing written (use --force to overwrite)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        _refuse(f"{path}: the folder {parent} does not exist; nothing written")


def _write(path: Path, text: str) -> None:
    from ..report.files import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError as exc:
        _refuse(f"{path}: cannot write: {exc.strerror or exc}")


# --------------------------------------------------------------------------- calibrate

_UNITS = {"cow": "disputes", "gml": "disputes", "icb": "crises with a violence code"}


def calibrate_command(
    data: Path | None = typer.Option(None, "--data", help=_DATA_HELP),
    level: float = typer.Option(0.9, "--level", help="Level of every interval, e.g. 0.9 for 90%."),
    seed: int = typer.Option(0, "--seed",
                             help="Seed of the bootstraps: the same seed gives the same intervals."),
    reps: int = typer.Option(2000, "--reps", help="Bootstrap replicates for the monthly transitions."),
    csv_out: Path | None = typer.Option(None, "--csv", help="Also write every estimate as a CSV row."),
    scenario: str | None = typer.Option(None, "--scenario", help="Built-in name or scenario file whose "
                                           "data-backed transitions are to be replaced (needs --output)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="The new scenario file to write "
                                          "(the original is never changed)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing --csv and --output files."),
) -> None:
    """Estimate escalation base rates and monthly ladder transitions from the MID and ICB data.

    Prints the base rates and the monthly transition probabilities of each data set with their
    intervals; --csv writes them as a table; --scenario with --output writes a copy of a scenario
    whose crisis and use-of-force transitions are the calibrated estimates (docs/escalation.md).
    """
    from ..calibration import SOURCES, calibrate
    from ..calibration.scenario_update import (
        JUDGEMENT_ONLY,
        ScenarioUpdateError,
        recommended_entries,
        update_scenario_text,
    )

    if not 0 < level < 1:
        _refuse(f"--level {level}: give a number between 0 and 1, e.g. 0.9")
    if seed < 0:
        _refuse(f"--seed {seed}: give a whole number of 0 or more")
    if reps < 100:
        _refuse(f"--reps {reps}: give at least 100 bootstrap replicates")
    if (scenario is None) != (output is None):
        _refuse("give --scenario and --output together: the calibrated copy of SCENARIO is written to "
                "--output")
    if csv_out is not None:
        _check_output(csv_out, force, "--csv")
    text = model = None
    if scenario is not None and output is not None:
        _check_output(output, force, "--output")
        model, text, origin = _scenario_text(scenario)
        if origin is not None and output.exists() and output.resolve() == origin.resolve():
            _refuse(f"{output}: is the scenario file itself; write the calibrated copy to another file")
        if csv_out is not None and csv_out.resolve() == output.resolve():
            _refuse(f"{output}: give --csv and --output different files")
        if model.escalation is None:
            _refuse(f"{scenario}: the scenario has no escalation section; nothing to calibrate")
    root = resolve_data_root(data, needs=tuple(path for path, _ in SOURCES.values()))
    try:
        result = calibrate(root, level=level, seed=seed, reps=reps)
    except MultitrackError as exc:
        _refuse(str(exc))
    except (ValueError, KeyError, UnicodeDecodeError, OSError) as exc:  # a corrupt CSV (pandas parser)
        _refuse(f"{root}: the conflict data cannot be read: "
                f"{str(exc).splitlines()[0] if str(exc) else exc!r}")
    _show_calibration(result, level, seed, root)

    if csv_out is not None:
        _write(csv_out, _csv_text(result.rows()))
        _out.print(f"wrote {csv_out} ({len(result.rows())} rows)", markup=False)
    if text is not None and output is not None:
        try:
            entries = recommended_entries(result, level=level, seed=seed)
            update = update_scenario_text(text, entries)
        except ScenarioUpdateError as exc:
            _refuse(f"{scenario}: {exc}")
        from ..scenario import loads

        try:
            loads(update.text, str(output))  # the file written must validate
        except ScenarioError as exc:
            _refuse(exc.one_line())
        _write(output, update.text)
        theatres = list(dict.fromkeys(t for t, _ in update.replaced))
        _out.print(f"wrote {output}: {len(update.replaced)} transitions in {len(theatres)} theatre"
                   f"{'' if len(theatres) == 1 else 's'} ({', '.join(theatres)}) replaced by the calibrated "
                   "estimates", markup=False, soft_wrap=True)
        for transition, spec in entries.items():
            _out.print(f"  {transition}: pert {spec['low']} / {spec['mode']} / {spec['high']} "
                       f"(source {spec['source']})", markup=False, soft_wrap=True)
        if update.sources_added:
            _out.print(f"  sources added: {', '.join(update.sources_added)}", markup=False)
        kept = sorted({k for _, k in update.kept})
        if kept:
            lower = [k for k in kept if k in JUDGEMENT_ONLY]
            _out.print(f"  kept as written: {', '.join(kept)}"
                       + (" (no data support the lower rungs: the files count no incidents that never "
                          "became disputes, so these stay analyst judgements)" if lower else ""),
                       markup=False, soft_wrap=True)
        if update.missing:
            _out.print("  not on the ladder of: " + ", ".join(f"{t} ({k})" for t, k in update.missing),
                       markup=False, soft_wrap=True)
        _out.print(f"check it with: multitrack validate {output}", markup=False)


def _scenario_text(name: str):
    """The validated scenario, its text and its file (None for a built-in)."""
    from ..scenario import builtins, load

    try:
        model = load(name)
    except ScenarioError as exc:
        _refuse(exc.one_line())
    if name in builtins.names() and not Path(name).exists():
        return model, builtins.text(name), None
    try:
        return model, Path(name).read_bytes().decode("utf-8-sig"), Path(name)
    except (OSError, UnicodeDecodeError) as exc:
        _refuse(f"{name}: cannot read: {exc}")
        raise AssertionError from exc  # not reached


def _show_calibration(result, level: float, seed: int, root: Path) -> None:
    from ..calibration import SOURCES
    from ..calibration.scenario_update import RECOMMENDED

    pct = f"{level:.0%} interval"
    _out.print(f"Calibration from {root} ({pct}s; seed {seed})", markup=False)
    just: JustifyMethod
    for dataset, estimates in result.estimates.items():
        source = SOURCES[dataset][1]
        n = estimates[0].n if estimates else 0
        table = Table(title=f"Base rates: {source}, {n:,} {_UNITS.get(dataset, 'episodes')}",
                      title_justify="left")
        for col, just in (("estimate", "left"), ("value", "right"), (pct, "right"), ("k / n", "right"),
                          ("note", "left")):
            table.add_column(col, justify=just)
        for e in estimates:
            signed = "difference" in e.name
            counts = f"{e.k:,} / {e.n:,}" if e.k is not None else f"{e.n:,}"
            table.add_row(e.name, _num(e.value, signed), _interval(e.low, e.high, signed), counts, e.note)
        _out.print(table)
    for dataset, transitions in result.transitions.items():
        source = SOURCES[dataset][1]
        table = Table(title=f"Monthly transition probabilities: {source}", title_justify="left")
        for col, just in (("transition", "left"), ("monthly probability", "right"), (pct, "right"),
                          ("into scenarios", "left"), ("note", "left")):
            table.add_column(col, justify=just)
        for t in transitions:
            use = RECOMMENDED.get(t.transition)
            mark = f"yes ({use[1]})" if use and use[0] == dataset else ""
            table.add_row(t.transition, _num(t.value), _interval(t.low, t.high), mark, t.note)
        _out.print(table)
    notes = [
        ("Each dispute or crisis is read as an episode that climbs the rungs in order; a rung's monthly "
        "up and down chances come from the share that went higher and from how long episodes lasted "
        "(docs/escalation.md)."),
        ("Where a sojourn was floored at one month ('capped at 1') the point estimate sits on the edge of "
        "its interval."),
        ("'into scenarios': crisis->use of force and crisis->incident from ICB, use of force->war and use "
        "of force->crisis from the revised MID data (GML); calibrate --scenario writes these."),
        ("The lower rungs (peacetime->incident, incident->crisis, incident->peacetime) are not supported "
        "by these data: they hold no count of incidents that never became disputes, so those stay "
        "analyst judgements."),
        ("These are base rates over all disputes since 1816 and crises since 1918, not of NATO-Russia "
        "encounters; differences by mediation or superpower activity are associations, not effects."),
    ]
    _out.print("Notes:", markup=False)
    for note in notes:
        _out.print(f"- {note}", markup=False, soft_wrap=True)


def _csv_text(rows: list[dict]) -> str:
    columns = ["dataset", "kind", "name", "value", "low", "high", "n", "k", "source", "note"]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (float(v) if k in ("value", "low", "high") else v) for k, v in row.items()})
    return buf.getvalue()


# --------------------------------------------------------------------------- capabilities

_COMPONENT_HEADS = {"milex": "milex", "milper": "milper", "irst": "irst", "pec": "pec", "tpop": "tpop",
                    "upop": "upop"}


def capabilities_command(
    scenario: str | None = typer.Argument(None, help="Built-in name or scenario file: its actors with a "
                                             "cow_code are compared with the data."),
    year: int | None = typer.Option(None, "--year", "-y", help="The year (1816 to the data's last)."),
    country: list[str] | None = typer.Option(None, "--country", "-c", help="A country: COW code, "
                                                "abbreviation or name (repeatable)."),
    data: Path | None = typer.Option(None, "--data", help=_DATA_HELP),
) -> None:
    """National capability (CINC) and its six components per country for a year, from the
    Correlates of War material capabilities data; with a scenario, beside each actor's capability."""
    from ..capability import (
        COMPONENTS,
        CapabilityError,
        capabilities_in,
        load_capability_data,
        scenario_capabilities_in,
    )

    if year is None:
        _refuse("give the year with --year, e.g. --year 2022")
    if scenario is None and not country:
        _refuse("give a scenario or at least one --country")
    model = None
    if scenario is not None:
        from ..scenario import load

        try:
            model = load(scenario)
        except ScenarioError as exc:
            _refuse(exc.one_line())
    from ..capability.io import NMC_FILE, STATES_FILE

    root = resolve_data_root(data, extra_env=("MULTITRACK_COW_DATA",),
                             needs=(f"conflict/{NMC_FILE}", f"conflict/{STATES_FILE}"))
    try:
        loaded = load_capability_data(root)
        mapped = {a.id: a.cow_code for a in model.actors if a.cow_code is not None} if model else {}
        if model is not None and not mapped and not country:
            _refuse(f"{scenario}: no actor has a cow_code; add cow_code to its states or give --country")
        result = capabilities_in(loaded, year, [*(country or []), *mapped.values()])
        scen = scenario_capabilities_in(loaded, mapped, year) if mapped else None
    except CapabilityError as exc:
        _refuse(str(exc))
    note = result.note
    table = Table(title=f"National capabilities in {result.year} (CINC recomputed from the COW NMC data)",
                  title_justify="left", caption="Components in the codebook's units (thousands); "
                  "in brackets each one's share of the world total.", caption_justify="left")
    for col in ("country", "COW", "CINC", "% of world", "share among these"):
        table.add_column(col, justify="left" if col == "country" else "right")
    for c in COMPONENTS:
        table.add_column(_COMPONENT_HEADS[c], justify="right")
    for row in result.rows:
        table.add_row(row.name, str(row.code), f"{row.cinc:.4f}", f"{100 * row.cinc:.2f}%",
                      f"{100 * row.share:.1f}%", *(_component(row, c) for c in COMPONENTS))
    _out.print(table)
    if scen is not None and model is not None:
        _show_scenario_capabilities(model, scen)
        missing = [a.id for a in model.actors if a.cow_code is None]
        if missing:
            _out.print(f"not computed (no cow_code): {', '.join(missing)}", markup=False, soft_wrap=True)
    elif model is not None:
        _out.print(f"{scenario}: no actor has a cow_code, so none is compared with the data", markup=False)
    if note:
        _out.print(f"note: {note}", markup=False, soft_wrap=True)
    _out.print("source: Correlates of War National Material Capabilities (Singer, Bremer & Stuckey 1972); "
               f"data read from {loaded.source}", markup=False, soft_wrap=True)


def _component(row, name: str) -> str:
    value, share = row.components.get(name), row.component_shares.get(name)
    if value is None:
        return "–"
    return f"{value:,.0f} ({100 * share:.1f}%)" if share is not None else f"{value:,.0f}"


def _show_scenario_capabilities(model, scen) -> None:
    table = Table(title=f"{model.id}: actors with a COW code in {scen.year}", title_justify="left",
                  caption="The scenario's capability is read as CINC in percent of the world total (the "
                  "convention of european-security); a scenario on another scale differs everywhere.",
                  caption_justify="left")
    for col in ("actor", "country (COW)", "CINC", "CINC %", "share among actors", "scenario central",
                "scenario range", "CINC % - central", "in range"):
        table.add_column(col, justify="left" if col in ("actor", "country (COW)", "in range") else "right")
    for item in scen.actors:
        actor, row = model.actor(item.actor), item.capability
        est = actor.capability
        central = float(est.nominal)
        low, high = est.support
        pct = 100 * row.cinc
        rng = f"{_g(low)}–{_g(high)}" if high > low else "fixed"
        inside = ("yes" if low <= pct <= high else ("no, below" if pct < low else "no, above")) \
            if high > low else ("yes" if math.isclose(pct, central, rel_tol=0.05) else "no")
        table.add_row(f"{actor.id} ({actor.name})", f"{row.name} ({row.code})", f"{row.cinc:.4f}",
                      f"{pct:.2f}%", f"{100 * row.share:.1f}%", _g(central), rng,
                      f"{round(pct - central, 2) + 0.0:+.2f}", inside)
    _out.print(table)


def _g(x: float) -> str:
    return "∞" if math.isinf(x) else f"{x:g}"


# --------------------------------------------------------------------------- criteria

_SYMBOLS = {"met": "✓", "partly": "½", "not_met": "✗", "not_applicable": "–", "unknown": "?"}


def criteria_command(
    scenario: str | None = typer.Argument(None, help="Built-in name or scenario file; its "
                                             "self_determination criteria are added as columns."),
) -> None:
    """The criteria for a legitimate act of self-determination and how past cases fare on them."""
    from ..selfdetermination import Criterion, SelfDeterminationError, criteria_table, load_cases

    extra: list = []
    section_note = None
    if scenario is not None:
        from ..scenario import load

        try:
            model = load(scenario)
        except ScenarioError as exc:
            _refuse(exc.one_line())
        sd = model.self_determination
        if sd is None:
            section_note = f"{scenario}: no self_determination section; the built-in criteria only"
        else:
            for own in sd.criteria:
                origin = f"scenario {model.id}"
                if own.source is not None:
                    src = model.source(own.source.id)
                    origin = (f"{src.author + ', ' if src.author else ''}{src.title} "
                              f"({src.publisher}, {src.year})")
                extra.append(Criterion(own.id, own.label, own.description, own.needs_vote, origin))
            section_note = (f"{scenario}: {len(extra)} criteri{'on' if len(extra) == 1 else 'a'} added"
                            + (f"; negotiated on track {sd.track}" if sd.track else ""))
    try:
        cases = load_cases()
        table = criteria_table(extra, cases)
    except (SelfDeterminationError, MultitrackError) as exc:
        _refuse(str(exc))
    crit = Table(title="Criteria for a legitimate act of self-determination", title_justify="left")
    for col in ("id", "criterion", "what it asks", "moot without a vote", "from"):
        crit.add_column(col)
    for c in table.criteria:
        crit.add_row(c.id, c.label, c.description, "yes" if c.needs_vote else "no", c.origin)
    _out.print(crit)

    by_id = {c.id: c for c in cases}
    grid = Table(title="Past cases against the criteria", title_justify="left",
                 caption="✓ met, ½ partly, ✗ not met, – not applicable, ? unknown (not assessed), "
                 "* uncertain (the cases file says what could not be checked)", caption_justify="left")
    grid.add_column("case")
    grid.add_column("name")
    grid.add_column("date")
    for c in table.criteria:
        grid.add_column(c.id, justify="center")
    grid.add_column("met", justify="right")
    for row in table.rows:
        case = by_id[row.case]
        cells = []
        for c in table.criteria:
            finding = case.findings.get(c.id)
            mark = "*" if finding is not None and finding.uncertain else ""
            cells.append(_SYMBOLS.get(row.cells[c.id], row.cells[c.id]) + mark)
        grid.add_row(row.case, row.name, case.date.isoformat(), *cells, f"{row.met} of {row.assessed}")
    _out.print(grid)
    if section_note:
        _out.print(section_note, markup=False, soft_wrap=True)
    _out.print("Criteria after Menon and Graham (2022), in our words; cases and sources in "
               "multitrack/selfdetermination/cases.yaml (docs/self-determination.md).", markup=False,
               soft_wrap=True)
