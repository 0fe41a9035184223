"""Start-up stays light: ``multitrack --help``, ``multitrack validate FILE`` and ``import multitrack``
load none of the heavy libraries (numba, scipy, pandas, plotly, dask, fastapi, sqlalchemy,
matplotlib). Each case runs in a fresh interpreter under ``python -X importtime``, which lists every
module the process imported; the test reads that list, not a clock (the timings are in
``benchmarks/bench_startup.py``). On the code before issue 20 every import check here failed:
``import multitrack`` loaded the analyses, and with them numba and scipy. The last test guards
the lazy public API that fixed it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

HEAVY = ("numba", "scipy", "pandas", "plotly", "dask", "fastapi", "sqlalchemy", "matplotlib")


def imported(args: list[str], cwd: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The top-level packages a fresh ``python -X importtime ARGS`` imports, and the finished run."""
    run = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True,
                         cwd=cwd, timeout=120)
    names = set()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line
                names.add(name.split(".")[0])
    assert "multitrack" in names or "-c" in args, run.stderr[-2000:]
    return names, run


def user_file(tmp_path: Path) -> Path:
    """A scenario file of the user's own, outside the package: a copy of a built-in scenario."""
    source = resources.files("multitrack.scenario.builtin") / "european-security.yaml"
    with resources.as_file(source) as path:
        return Path(shutil.copy(path, tmp_path / "my-scenario.yaml"))


@pytest.mark.parametrize("args", [
    ["-c", "import multitrack.cli.app"],
    ["-c", "import multitrack"],
    ["-m", "multitrack", "--help"],
    ["-m", "multitrack", "validate", "--help"],
    ["-m", "multitrack", "--version"],
], ids=["import-cli", "import-multitrack", "help", "validate-help", "version"])
def test_start_up_imports_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    names, run = imported(args, tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert not names & set(HEAVY), sorted(names & set(HEAVY))


@pytest.mark.parametrize("which", ["built-in", "user file"])
def test_validate_imports_no_heavy_library(which: str, tmp_path: Path) -> None:
    """``validate`` on a scenario with a conflict (european-security has one, so the conflict's
    counts are printed too) needs none of the heavy libraries either, and not even numpy: the
    conflict's states are counted, its estimates read and its warnings found in plain Python
    (``tests/test_validate_without_numpy.py`` holds each to the numpy code it replaced). Before,
    numpy came in with the estimates, the conflicts and the warnings (0.07 s of 0.4 s)."""
    target = "european-security" if which == "built-in" else str(user_file(tmp_path))
    names, run = imported(["-m", "multitrack", "validate", target], tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines()[1] == ("  conflict keeping-the-settlement: 3 decision makers, 4 options, "
                                          "16 of 16 states feasible, status quo NNNN (state 1)")
    assert "ok (10 actors, 11 tracks" in run.stdout
    assert not names & {*HEAVY, "numpy", "ruamel"}, sorted(names & {*HEAVY, "numpy", "ruamel"})


def test_invalid_file_still_reports_one_line_without_heavy_imports(tmp_path: Path) -> None:
    """A broken file is read again by the reference reader for its message: still one line, exit
    status 2, and still no heavy import."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    names, run = imported(["-m", "multitrack", "validate", str(bad)], tmp_path)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith(f"{bad}:3:1: YAML syntax error")
    assert not names & set(HEAVY), sorted(names & set(HEAVY))


def test_public_names_load_on_first_use() -> None:
    """Every name ``multitrack`` exported before it became lazy is still there, is listed by
    ``dir()``, and is the object its defining module holds."""
    code = ("import multitrack, sys\n"
            "names = multitrack.__all__\n"
            "assert set(names) <= set(dir(multitrack)), set(names) - set(dir(multitrack))\n"
            "from multitrack import AnalysisSpec, Scenario, load, loads, register, run_all, available\n"
            "from multitrack.analysis import run_all as r\n"
            "from multitrack.scenario import Scenario as S\n"
            "assert r is run_all and S is Scenario\n"
            "assert all(getattr(multitrack, n) is not None for n in names)\n"
            "try:\n    multitrack.no_such_name\nexcept AttributeError:\n    pass\n"
            "else:\n    raise SystemExit('no AttributeError')\n"
            "print(sorted(names))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "'analyze'" in run.stdout and "'Scenario'" in run.stdout
