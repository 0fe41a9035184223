import pytest

import multitrack
from multitrack.scenario import builtins


@pytest.fixture
def primer_text() -> str:
    return builtins.text("border-talks")


@pytest.fixture
def primer():
    return multitrack.load("border-talks")


@pytest.fixture(autouse=True)
def _run_database(tmp_path_factory, monkeypatch):
    """Record the runs a test makes (``analyze`` records each) in its own file, never in the
    user's run database; subprocesses inherit the variable."""
    monkeypatch.setenv("MULTITRACK_DB", str(tmp_path_factory.mktemp("run-db") / "runs.sqlite"))
