"""The conflict and capability data that travel inside the package (docs/data.md).

``calibrate`` and ``capabilities`` must work after a regular install on a machine with no checkout
beside it: the files they read ship as package data, the lookup finds them, and a wheel built from
this tree carries them. The last test builds that wheel, installs it into a throw-away virtual
environment and runs both commands there.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import site
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from multitrack.calibration import SOURCES
from multitrack.capability.io import NMC_FILE, STATES_FILE
from multitrack.datasets import CHECKOUT_DATA, DATA_ENV, PACKAGED_DATA

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "multitrack"
SHARED = Path(os.environ.get(DATA_ENV) or CHECKOUT_DATA)
NEEDED = {*(path for path, _ in SOURCES.values()), f"conflict/{NMC_FILE}", f"conflict/{STATES_FILE}"}


def packaged_files() -> set[str]:
    return {p.relative_to(PACKAGED_DATA).as_posix() for p in PACKAGED_DATA.rglob("*") if p.is_file()}


# --------------------------------------------------------------------------- what ships


def test_the_package_holds_exactly_the_files_the_commands_read():
    assert PACKAGED_DATA == PACKAGE / "data"
    assert packaged_files() == NEEDED | {"README.md"}  # nothing else: icb2v14, deu3, genius stay out
    assert sum((PACKAGED_DATA / name).stat().st_size for name in NEEDED) == 1_445_203


@pytest.mark.skipif(not (SHARED / "conflict").is_dir(), reason="no shared data folder on this machine")
def test_the_packaged_files_equal_the_shared_ones():
    for name in sorted(NEEDED):
        assert (PACKAGED_DATA / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_the_package_data_globs_cover_every_packaged_file():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["multitrack"]
    for name in packaged_files():
        relative = f"data/{name}"
        assert any(fnmatch.fnmatch(relative, g) and relative.count("/") == g.count("/") for g in globs), name


def test_every_packaged_file_is_cited_in_the_docs():
    docs = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    shipped_readme = (PACKAGED_DATA / "README.md").read_text(encoding="utf-8")
    for name in NEEDED:
        file = name.rsplit("/", 1)[1]
        assert f"`{file}`" in docs and file in shipped_readme, name
    for citation in ("Palmer", "Gibler", "Brecher", "Singer", "State System Membership", "peacesciencer"):
        assert citation in docs and citation in shipped_readme, citation


# --------------------------------------------------------------------------- where the commands look


@pytest.fixture
def lookup(monkeypatch, tmp_path):
    """resolve_data_root with no environment, run from an empty folder."""
    from multitrack.cli import security_commands

    for name in (DATA_ENV, "MULTITRACK_COW_DATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return security_commands


def make_root(path: Path, names=NEEDED) -> Path:
    for name in names:
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text("x\n", encoding="utf-8")
    return path


def test_without_data_or_environment_the_packaged_copy_is_read(lookup, tmp_path):
    make_root(tmp_path / "shared" / "data")  # a complete ./shared/data does not take precedence
    assert lookup.resolve_data_root(None, needs=tuple(NEEDED)) == PACKAGED_DATA


def test_data_and_environment_come_before_the_packaged_copy(lookup, tmp_path, monkeypatch):
    given, env = make_root(tmp_path / "given"), make_root(tmp_path / "env")
    monkeypatch.setenv(DATA_ENV, str(env))
    assert lookup.resolve_data_root(given, needs=tuple(NEEDED)) == given
    assert lookup.resolve_data_root(None, needs=tuple(NEEDED)) == env


def test_a_checkout_folder_is_the_fallback_only_when_it_holds_the_files(lookup, tmp_path, monkeypatch):
    monkeypatch.setattr(lookup, "PACKAGED_DATA", tmp_path / "stripped")
    monkeypatch.setattr(lookup, "CHECKOUT_DATA", tmp_path / "checkout")
    (tmp_path / "shared" / "data" / "conflict").mkdir(parents=True)  # exists, but without the files
    checkout = make_root(tmp_path / "checkout")
    assert lookup.resolve_data_root(None, needs=tuple(NEEDED)) == checkout


def test_the_library_defaults_read_the_packaged_copy(monkeypatch):
    from multitrack.capability.io import default_data_dir
    from multitrack.datasets import conflict_data_root

    for name in (DATA_ENV, "MULTITRACK_COW_DATA"):
        monkeypatch.delenv(name, raising=False)
    assert conflict_data_root() == PACKAGED_DATA
    assert default_data_dir() == PACKAGED_DATA / "conflict"
    monkeypatch.setenv(DATA_ENV, "/elsewhere")
    assert conflict_data_root() == Path("/elsewhere")


# --------------------------------------------------------------------------- a fresh install


def _setuptools_is_recent() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    return int(setuptools.__version__.split(".")[0]) >= 77  # what pyproject's build-system requires


def build_wheel(tmp: Path) -> Path:
    """A wheel of this tree, built from a copy of it (the checkout gets no build/ or egg-info)."""
    tree = tmp / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "src", tree / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, tree / name)
    command = [sys.executable, "-m", "pip", "wheel", str(tree), "-w", str(tmp / "wheels"), "--no-deps",
               "--disable-pip-version-check"]
    if _setuptools_is_recent():  # build with what is installed: no index needed at all
        command.append("--no-build-isolation")
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        text = proc.stdout + proc.stderr
        if not _setuptools_is_recent() and any(sign in text for sign in (
                "No matching distribution", "Could not find a version", "Failed to establish",
                "Network is unreachable", "Temporary failure in name resolution")):
            pytest.skip("cannot build a wheel here: the build backend (setuptools>=77) is neither installed "
                        "nor obtainable from a package index")
        pytest.fail(f"building the wheel failed:\n{text[-3000:]}")
    (wheel,) = (tmp / "wheels").glob("multitrack-*.whl")
    return wheel


def test_a_wheel_installed_on_a_fresh_machine_runs_both_commands(tmp_path):
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        prefix = "multitrack/data/"
        shipped = {n.removeprefix(prefix) for n in zf.namelist() if n.startswith(prefix)}
    assert shipped == NEEDED | {"README.md"}

    # a throw-away environment: multitrack from the wheel alone, its dependencies (installed offline)
    # reused from this interpreter's site-packages, appended after the new environment's own
    env_dir = tmp_path / "venv"
    try:
        venv.EnvBuilder(with_pip=True).create(env_dir)
    except (subprocess.CalledProcessError, OSError) as exc:  # e.g. a Python without ensurepip
        pytest.skip(f"cannot create a virtual environment with pip here: {exc}")
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index",
                              "--disable-pip-version-check", str(wheel)],
                             capture_output=True, text=True, timeout=600, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    target = Path(subprocess.run([str(python), "-c", where], capture_output=True, text=True,
                                 check=True).stdout.strip())
    user_site = site.getusersitepackages()
    reused = "\n".join([*site.getsitepackages(), *([user_site] if Path(user_site).is_dir() else [])]) + "\n"
    (target / "_reused_dependencies.pth").write_text(reused, encoding="utf-8")

    work = tmp_path / "empty"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in (DATA_ENV, "MULTITRACK_COW_DATA", "PYTHONPATH", "VIRTUAL_ENV")}
    env["COLUMNS"] = "250"

    def command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(env_dir / "bin" / "multitrack"), *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300, check=False)

    shipped_dir = (target / "multitrack" / "data").resolve()
    calibrated = command("calibrate", "--reps", "200")
    assert calibrated.returncode == 0, calibrated.stderr
    assert f"Calibration from {shipped_dir} " in calibrated.stdout  # the installed copy, not the checkout's
    assert "2,436 disputes" in calibrated.stdout and "2,174 disputes" in calibrated.stdout
    assert "486 crises" in calibrated.stdout

    capabilities = command("capabilities", "--year", "2022", "--country", "Russia", "--country", "USA")
    assert capabilities.returncode == 0, capabilities.stderr
    assert f"data read from {shipped_dir / 'conflict'}" in capabilities.stdout
    assert "Russia" in capabilities.stdout and "United States of America" in capabilities.stdout
    assert os.listdir(work) == []  # nothing written where it ran
