"""The documentation's example and every built-in scenario load cleanly."""

import re
from pathlib import Path

import pytest

import multitrack
from multitrack.scenario import builtins, check

ROOT = Path(__file__).resolve().parents[1]


def test_the_documented_example_is_the_file_and_loads():
    doc = (ROOT / "docs" / "scenario-format.md").read_text()
    example = (ROOT / "docs" / "example-scenario.yaml").read_text()
    assert example in re.findall(r"```yaml\n(.*?)```", doc, re.S)
    scenario, warnings = check(ROOT / "docs" / "example-scenario.yaml")
    assert warnings == []
    kinds = {issue.kind for _, issue in scenario.issues()}
    assert kinds == {"categorical", "ordinal", "integer", "continuous"}


@pytest.mark.parametrize("name", builtins.names())
def test_built_ins_load_without_warnings(name):
    scenario, warnings = check(name)
    assert warnings == []
    assert builtins.describe(name) == scenario.title


def test_european_security_is_the_settlement_of_the_brief():
    s = multitrack.load("european-security")
    assert len(s.actors) >= 7 and len(s.active_tracks) >= 6
    assert {"RUS", "UKR", "USA", "NATO", "EU", "FRA", "DEU", "CHN"} <= {a.id for a in s.actors}
    assert any(t.deferred for t in s.tracks)  # borders are deferred on purpose
    # every issue has a status quo and every position a salience and a source
    for track, issue in s.issues():
        assert issue.status_quo is not None
        for pos in issue.positions.values():
            assert multitrack.scenario.citations(pos, issue, track)
    # uncertainty is shown as distributions, not hidden in point values
    from multitrack.scenario.provenance import estimates_in
    uncertain = [e for e in estimates_in(s) if e.is_uncertain]
    assert len(uncertain) >= 20
    # sources are references: title, publisher and year, never quoted text
    for src in s.sources:
        assert src.title and src.publisher and src.year


def test_primer_fits_on_one_screen():
    s = multitrack.load("border-talks")
    assert len(s.actors) == 2 and len(s.tracks) == 1 and len(s.tracks[0].issues) == 2
    assert len(builtins.text("border-talks").splitlines()) <= 60
