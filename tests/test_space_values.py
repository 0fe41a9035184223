"""One format for an issue's values in every output: ``guns=4``, never ``4.0`` in one command and
``4`` in another."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from multitrack.report.wording import fmt
from multitrack.scenario.issues import value_text
from multitrack.space import value_text as from_space


@pytest.mark.parametrize("value, text", [
    (4.0, "4"), (4, "4"), (np.float64(10.0), "10"), (np.int64(7), "7"), (-2.0, "-2"), (0.1 * 3, "0.3"),
    (12.5, "12.5"), (1234567.0, "1234567"), (2.0 / 3, "0.666667"), ("observers", "observers"),
])
def test_value_text(value, text):
    assert value_text(value) == fmt(value) == from_space(value) == text


def _run(*args: str) -> str:
    env = {**os.environ, "COLUMNS": "250"}
    proc = subprocess.run([sys.executable, "-m", "multitrack", *args], capture_output=True, text=True,
                          check=False, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_negotiate_and_analyze_write_an_outcome_alike(tmp_path):
    # border-talks: zone-depth is a number of kilometres on a grid, inspections an option
    negotiated = re.search(r"outcome: (.*)", _run("negotiate", "border-talks")).group(1)
    analyzed = _run("analyze", "border-talks", "--only", "agreement", "--no-record", "--verbose",
                    "--out", str(tmp_path / "r"))
    values = re.findall(r"zone-depth=([^;\s]+)", negotiated + " " + analyzed)
    assert len(values) == 2 and all(re.fullmatch(r"-?\d+(\.\d*[1-9])?", v) for v in values), values
    assert "zone-depth=" in negotiated and not re.search(r"=\d+\.0\b", negotiated + analyzed)
