"""``multitrack calibrate``, ``capabilities`` and ``criteria``, run as a user runs them."""

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import multitrack
from multitrack.calibration import calibrate
from multitrack.scenario import builtins

CHECKOUT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DATA = Path(os.environ.get("MULTITRACK_DATA") or CHECKOUT_DATA)
needs_data = pytest.mark.skipif(not (DATA / "conflict" / "icb1v14.csv").is_file(),
                                reason="the shared conflict data are not on this machine")


def run(*args, cwd=None, env=None):
    base = {k: v for k, v in os.environ.items() if k not in ("MULTITRACK_DATA", "MULTITRACK_COW_DATA")}
    if env is None and DATA.is_dir():  # the shared data, wherever this machine keeps them
        env = {"MULTITRACK_DATA": str(DATA)}
    env = {**base, "COLUMNS": "250", **(env or {})}  # rich wraps tables at 80 columns otherwise
    return subprocess.run([sys.executable, "-m", "multitrack", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=180, check=False, env=env)


def one_line_error(proc):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def calibration():
    return calibrate(DATA)


# --------------------------------------------------------------------------- calibrate


@needs_data
def test_calibrate_prints_base_rates_and_transitions(tmp_path):
    proc = run("calibrate", "--data", str(DATA), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "2,436 disputes" in out and "2,174 disputes" in out and "486 crises" in out
    assert "Monthly transition probabilities" in out and "90% interval" in out
    # a known share with its Wilson interval (docs/escalation.md): reach war in COW MID v5
    assert re.search(r"reach war \(hostlev>=5\)\s*│\s*0\.044\s*│\s*\[0\.037, 0\.051\]", out)
    assert "not supported" in out and "peacetime->incident" in out  # the lower rungs are judgements
    assert "yes (icb-v14)" in out and "yes (gml-mid)" in out


def test_calibrate_reads_the_packaged_copy_unless_told(tmp_path):
    from multitrack.datasets import PACKAGED_DATA

    (tmp_path / "shared" / "data").mkdir(parents=True)  # an empty ./shared/data is not taken
    proc = run("calibrate", "--level", "0.8", cwd=tmp_path, env={})  # no --data, no environment variable
    assert proc.returncode == 0, proc.stderr
    assert "80% interval" in proc.stdout
    assert f"Calibration from {PACKAGED_DATA} " in proc.stdout


@needs_data
def test_calibrate_csv_has_every_row(tmp_path, calibration):
    proc = run("calibrate", "--data", str(DATA), "--csv", "rates.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "rates.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(calibration.rows())
    kinds = {r["kind"] for r in rows}
    assert kinds == {"base rate", "monthly transition"}
    icb = next(r for r in rows if r["dataset"] == "icb" and r["name"] == "crisis->use of force")
    assert float(icb["low"]) < float(icb["value"]) < float(icb["high"])
    again = run("calibrate", "--data", str(DATA), "--csv", "rates.csv", cwd=tmp_path)
    assert "already exists" in one_line_error(again)


@needs_data
def test_calibrate_writes_a_calibrated_scenario(tmp_path, calibration):
    proc = run("calibrate", "--data", str(DATA), "--scenario", "european-security", "--output", "x.yaml",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "wrote x.yaml" in proc.stdout and "no data support the lower rungs" in proc.stdout
    text = (tmp_path / "x.yaml").read_text(encoding="utf-8")
    model = multitrack.load(str(tmp_path / "x.yaml"))  # it validates
    baltic = next(t for t in model.escalation.theatres if t.id == "baltic")
    est = baltic.up["crisis->use of force"]
    icb = calibration.transition_entries("icb")["crisis->use of force"]
    assert est.dist == "pert" and est.source.id == "icb-v14"
    assert est.low == pytest.approx(icb["low"], rel=1e-3) and est.high == pytest.approx(icb["high"], rel=1e-3)
    assert est.mode == pytest.approx(icb["value"], rel=1e-3)
    war = baltic.up["use of force->war"]
    gml = calibration.transition_entries("gml")["use of force->war"]
    assert war.source.id == "gml-mid" and war.high == pytest.approx(gml["high"], rel=1e-3)
    assert "multitrack calibrate" in (war.note or "")
    # the lower rungs stay as the analyst wrote them
    original = multitrack.load("european-security")
    old = next(t for t in original.escalation.theatres if t.id == "baltic")
    assert baltic.up["incident->crisis"] == old.up["incident->crisis"]
    # sources reused, not duplicated
    ids = [s.id for s in model.sources]
    assert ids.count("icb-v14") == 1 and ids.count("gml-mid") == 1
    # comments and layout survive: only the 12 calibrated lines differ
    assert "# rungs are calibrated from conflict data" in text and text.startswith("# The built-in default")
    before, after = builtins.text("european-security").splitlines(), text.splitlines()
    assert len(before) == len(after)
    changed = [a for a, b in zip(before, after) if a != b]
    assert len(changed) == 12 and all("pert" in line for line in changed)


@needs_data
def test_calibrate_never_overwrites_without_force(tmp_path):
    target = tmp_path / "x.yaml"
    target.write_text("mine", encoding="utf-8")
    proc = run("calibrate", "--data", str(DATA), "--scenario", "european-security", "-o", "x.yaml", cwd=tmp_path)
    assert "already exists" in one_line_error(proc)
    assert target.read_text(encoding="utf-8") == "mine"
    forced = run("calibrate", "--data", str(DATA), "--scenario", "european-security", "-o", "x.yaml", "--force",
                 cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert "escalation:" in target.read_text(encoding="utf-8")


@needs_data
def test_calibrate_never_touches_the_original(tmp_path):
    source = tmp_path / "mine.yaml"
    source.write_text(builtins.text("european-security"), encoding="utf-8")
    proc = run("calibrate", "--data", str(DATA), "--scenario", "mine.yaml", "-o", "mine.yaml", "--force",
               cwd=tmp_path)
    assert "scenario file itself" in one_line_error(proc)
    assert source.read_text(encoding="utf-8") == builtins.text("european-security")


@needs_data
def test_calibrate_adds_missing_sources(tmp_path):
    text = builtins.text("european-security")
    # drop the two data-set sources and every reference to them (the model variants, last in the
    # file, cite them too: drop those)
    text = text.split("\nvariants:\n", 1)[0] + "\n"
    text = re.sub(r"  - id: (icb-v14|gml-mid)\n(    .*\n)+", "", text)
    text = text.replace(", source: icb-v14}", "}").replace(", source: gml-mid}", "}")
    (tmp_path / "bare.yaml").write_text(text, encoding="utf-8")
    assert multitrack.load(str(tmp_path / "bare.yaml"))  # the input is valid
    proc = run("calibrate", "--data", str(DATA), "--scenario", "bare.yaml", "-o", "out.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "sources added: icb-v14, gml-mid" in proc.stdout
    model = multitrack.load(str(tmp_path / "out.yaml"))
    assert {"icb-v14", "gml-mid"} <= {s.id for s in model.sources}


@pytest.mark.parametrize("args", [("--data", "/no/such/folder"), ("--output", "x.yaml"),
                                  ("--scenario", "border-talks", "--output", "x.yaml"),
                                  ("--scenario", "no-such-scenario", "--output", "x.yaml"),
                                  ("--level", "1.5")])
def test_calibrate_bad_input_is_one_line(args, tmp_path):
    one_line_error(run("calibrate", *args, cwd=tmp_path))
    assert not (tmp_path / "x.yaml").exists()


def test_calibrate_bad_environment_folder_is_one_line(tmp_path):
    line = one_line_error(run("calibrate", cwd=tmp_path, env={"MULTITRACK_DATA": str(tmp_path / "none")}))
    assert "MULTITRACK_DATA" in line


def test_calibrate_without_any_data_folder_names_what_was_tried(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from multitrack.cli import app, security_commands

    monkeypatch.delenv("MULTITRACK_DATA", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(security_commands, "CHECKOUT_DATA", tmp_path / "nowhere" / "shared" / "data")
    monkeypatch.setattr(security_commands, "PACKAGED_DATA", tmp_path / "stripped" / "data")
    result = CliRunner().invoke(app, ["calibrate"])
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "no data folder found" in lines[0] and "shared" in lines[0]


@needs_data
def test_calibrate_corrupt_data_is_one_line(tmp_path):
    bad = tmp_path / "data" / "conflict"
    bad.mkdir(parents=True)
    for name in ("cow_mid_disps.csv", "gml_mid_disps.csv", "icb1v14.csv"):
        (bad / name).write_text("dispnum,hostlev\n1,9\n", encoding="utf-8")
    one_line_error(run("calibrate", "--data", str(tmp_path / "data"), cwd=tmp_path))


# --------------------------------------------------------------------------- capabilities


@needs_data
def test_capabilities_with_the_scenario_compares_with_its_values(tmp_path):
    proc = run("capabilities", "--year", "2022", "european-security", "--data", str(DATA), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    rus = next(ln for ln in out.splitlines() if ln.startswith("│ RUS"))
    ukr = next(ln for ln in out.splitlines() if ln.startswith("│ UKR"))
    assert "3.82%" in rus and "│              3.8 │" in rus and "3.2–4.8" in rus
    assert "0.86%" in ukr and "0.6–1.4" in ukr
    assert "milex" in out  # the components
    assert "not computed (no cow_code): NATO, EU" in out


@needs_data
def test_capabilities_for_countries_and_a_year_past_the_data(tmp_path):
    proc = run("capabilities", "--year", "2030", "-c", "Russia", "-c", "UKR", "-c", "2", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Russia" in proc.stdout and "Ukraine" in proc.stdout and "United States" in proc.stdout
    assert "capability data end in 2022" in proc.stdout


@pytest.mark.parametrize("args", [("--year", "2022", "-c", "Atlantis"), ("--year", "1800", "-c", "Russia"),
                                  ("--year", "1990", "-c", "Ukraine"), ("-c", "Russia"), ("--year", "2022"),
                                  ("--year", "2022", "no-such-scenario")])
def test_capabilities_bad_input_is_one_line(args, tmp_path):
    if not (DATA / "conflict" / "cow_nmc.csv").is_file() and "-c" in args and "--year" in args:
        pytest.skip("the shared capability data are not on this machine")
    one_line_error(run("capabilities", *args, "--data", str(DATA), cwd=tmp_path))


def test_capabilities_missing_or_corrupt_file_is_one_line(tmp_path):
    one_line_error(run("capabilities", "--year", "2022", "-c", "Russia", "--data", str(tmp_path), cwd=tmp_path))
    (tmp_path / "cow_nmc.csv").write_text("ccode,year\n365,abc\n", encoding="utf-8")
    (tmp_path / "cow_states.csv").write_text("stateabb,ccode,statenme\nRUS,365,Russia\n", encoding="utf-8")
    one_line_error(run("capabilities", "--year", "2022", "-c", "Russia", "--data", str(tmp_path), cwd=tmp_path))


# --------------------------------------------------------------------------- criteria


def test_criteria_prints_the_cases_and_the_scenarios_column(tmp_path):
    proc = run("criteria", "european-security", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    scotland = next(ln for ln in out.splitlines() if "scotland-2014" in ln)
    crimea = next(ln for ln in out.splitlines() if "crimea-2014" in ln)
    assert "Scottish independence referendum" in scotland and "½*" in scotland and "✓" in scotland
    assert "Crimean status referendum" in crimea and "✗" in crimea
    header = next(ln for ln in out.splitlines() if "popular_vote" in ln and "agreement_with_state" in ln)
    assert "no-armed-control" in header
    assert "?" in scotland  # the shipped cases do not assess the scenario's criterion
    assert "✓ met, ½ partly, ✗ not met, – not applicable, ? unknown" in out


def test_criteria_without_a_scenario_has_the_built_in_columns_only(tmp_path):
    proc = run("criteria", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "no-armed-control" not in proc.stdout and "kosovo-2008" in proc.stdout
    plain = run("criteria", "border-talks", cwd=tmp_path)
    assert plain.returncode == 0 and "no self_determination section" in plain.stdout
    one_line_error(run("criteria", "no-such.yaml", cwd=tmp_path))


def test_the_commands_are_listed():
    proc = run("--help")
    assert proc.returncode == 0
    for name in ("calibrate", "capabilities", "criteria"):
        assert name in proc.stdout

