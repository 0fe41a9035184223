"""docs/tutorial.md stays true to the program: its scenario validates as shown, its YAML excerpts are
lines of the scenario file, every estimate in the file is marked as a judgement with a note, and every
figure the tutorial quotes comes out of a fresh run of ``multitrack analyze --draws 200`` (the run the
tutorial makes). Each check reads the figure from the run and looks for it, formatted as the tutorial
writes it, in the tutorial's text: a change to the analyses or to the scenario that moves a figure fails
here until the tutorial is brought up to date."""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from multitrack.cli import app

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.md"
SCENARIO = ROOT / "docs" / "tutorial" / "two-communities.yaml"
RELATIVE = "docs/tutorial/two-communities.yaml"  # as the tutorial types it, from the repository root
DRAWS = 200  # the tutorial's `multitrack analyze ... --draws 200`
SET_OSTARI_CEILING = "tracks.guarantees.issues.league-troops.positions.ostari.red_lines[0].above=3"

runner = CliRunner()


def prose() -> str:
    """The tutorial's text with every run of white space made one space (line breaks fall anywhere)."""
    return re.sub(r"\s+", " ", TUTORIAL.read_text(encoding="utf-8"))


def says(phrase: str) -> None:
    """Fail unless the tutorial contains the phrase (white space normalised)."""
    assert re.sub(r"\s+", " ", phrase) in prose(), f"docs/tutorial.md does not say: {phrase!r}"


def fenced(language: str) -> list[str]:
    """The bodies of the tutorial's fenced blocks in one language."""
    text = TUTORIAL.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.S | re.M)


def pct(share: float) -> str:
    return f"{round(100 * share)}%"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """results.json of the tutorial's run, made through the command line as the tutorial makes it."""
    out = tmp_path_factory.mktemp("tutorial-report")
    res = runner.invoke(app, ["analyze", str(SCENARIO), "--draws", str(DRAWS), "--out", str(out),
                              "--no-record", "-q"])
    assert res.exit_code == 0, res.output
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["analyses"]


def track(results: dict, analysis: str, track_id: str) -> dict:
    return next(t for t in results[analysis]["tracks"] if t["track_id"] == track_id)


# ---- the file ------------------------------------------------------------------------------------------

def test_validate_prints_what_the_tutorial_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    res = runner.invoke(app, ["validate", RELATIVE])
    assert res.exit_code == 0, res.output
    shown = next(block for block in fenced("text") if block.startswith(f"$ multitrack validate {RELATIVE}\n"))
    for line in shown.splitlines()[1:]:
        assert line in res.output.splitlines(), (line, res.output)
    assert "warning" not in res.output


def test_every_yaml_excerpt_is_lines_of_the_file() -> None:
    lines = SCENARIO.read_text(encoding="utf-8").splitlines()
    blocks = fenced("yaml")
    assert len(blocks) >= 8
    for block in blocks:
        excerpt = block.splitlines()
        assert any(lines[i:i + len(excerpt)] == excerpt for i in range(len(lines))), excerpt[0]


def test_every_estimate_is_a_judgement_with_a_note_and_a_source() -> None:
    import multitrack
    from multitrack.scenario.provenance import estimate_entries

    written = YAML(typ="safe").load(SCENARIO.read_text(encoding="utf-8"))
    assert "process" not in written  # the process section's estimates are defaults, not the tutorial's
    entries = [e for e in estimate_entries(multitrack.load(str(SCENARIO)))
               if not e.path.startswith("process.")]
    assert len(entries) == 56
    unmarked = [e.path for e in entries if not (e.estimated and e.note and e.source is not None)]
    assert unmarked == []
    assert "invented" in written["sources"][0]["note"].lower()


def test_a_mistake_and_a_warning_read_as_the_tutorial_shows(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = SCENARIO.read_text(encoding="utf-8")
    bad = tmp_path / "bad" / RELATIVE
    bad.parent.mkdir(parents=True)
    bad.write_text(text.replace("red_lines: [{below: 28}]", "red_lines: [{below: 18}]", 1), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "bad")
    res = runner.invoke(app, ["validate", RELATIVE])
    assert res.exit_code == 2
    [message] = [line for line in res.output.splitlines() if line.startswith(RELATIVE)]
    assert any(block.strip() == message for block in fenced("text")), message

    # without the guarantees track's no_deal, validate warns about the Ostari's red line on the troops
    start = text.index("    no_deal:\n")
    quiet = tmp_path / "quiet" / RELATIVE
    quiet.parent.mkdir(parents=True)
    quiet.write_text(text[:start] + text[text.index("    issues:\n", start):], encoding="utf-8")
    monkeypatch.chdir(tmp_path / "quiet")
    res = runner.invoke(app, ["validate", RELATIVE])
    assert res.exit_code == 0
    assert "the status quo breaks a red line of veto player 'ostari' on 'league-troops'" in res.output
    says("the status quo breaks a red line of veto player `ostari` on `league-troops`")


# ---- the results ---------------------------------------------------------------------------------------

def test_verdicts_and_outcomes_passing(results: dict) -> None:
    verdicts = {t["track_id"]: t["verdict"]["word"] for t in results["overview"]["tracks"]}
    assert verdicts == {"territory": "can agree", "governance": "can agree", "guarantees": "blocked"}
    for t in results["overview"]["tracks"]:
        space = track(results, "agreement", t["track_id"])
        says(f"| {t['title']} | {t['verdict']['word']} | {space['n_agreeable']} of {space['n_outcomes']} |")


def nash(results: dict, track_id: str) -> dict:
    return next(s for s in track(results, "agreement", track_id)["solutions"] if s["concept"] == "nash")


def test_nash_solutions(results: dict) -> None:
    territory = nash(results, "territory")
    assert territory["outcome"] == {"velani-share": 34.0, "capital": "shared-municipality"}
    gains = {round(g, 2) for g in territory["gain"].values()}
    assert len(gains) == 1  # the same gain for both communities, as the hand calculation finds
    says(f"the Velani state at {territory['outcome']['velani-share']:g}% of the island and a shared "
         f"municipality for the capital, a gain of +{gains.pop():.2f} for each community")
    governance = nash(results, "governance")
    assert governance["outcome"] == {"velani-seats": 20.0, "executive": "rotating-presidency",
                                     "community-veto": "listed-laws"}
    says(f"{governance['outcome']['velani-seats']:g} seats for the Velani, a rotating presidency and a "
         "community veto on listed laws")


def test_what_blocks_the_guarantees_track(results: dict) -> None:
    diagnosis = track(results, "agreement", "guarantees")["diagnosis"]
    blockers = sorted((c["actor"], c["relation"], c["threshold"]) for [c] in diagnosis["minimal_sets"])
    assert blockers == [("ostari", "above", 2.0), ("velani", "below", 3.0)]
    says("the Ostari accept at most 2 thousand troops and the Velani at least 3 thousand")
    opening = {(r["constraint"]["actor"], r["constraint"]["issue"]): r for r in diagnosis["relaxations"]}
    ostari = opening[("ostari", "league-troops")]
    [opened] = ostari["opened"]
    assert opened["outcome"] == {"league-troops": 3.0, "intervention": "collective-consultation"}
    gain = opened["gain"]
    says(f"moving the Ostari ceiling to {ostari['new_threshold']:g} thousand opens "
         f"{opened['outcome']['league-troops']:g} thousand troops with collective consultation before "
         f"any intervention, a gain of +{gain['ostari']:.2f} for the Ostari, +{gain['velani']:.2f} for the "
         f"Velani and +{gain['league']:.2f} for the League")
    velani = opening[("velani", "league-troops")]
    assert velani["opened"][0]["outcome"] == {"league-troops": 2.0, "intervention": "collective-consultation"}
    says(f"moving the Velani floor to {velani['new_threshold']:g} thousand opens "
         f"{velani['opened'][0]['outcome']['league-troops']:g} thousand troops with collective consultation")
    # the red lines on the right to intervene open nothing on their own
    assert not any(opening[(actor, "intervention")]["opens"] for actor in ("ostari", "velani"))


def test_set_moves_the_ostari_ceiling(tmp_path: Path) -> None:
    says(f"--set '{SET_OSTARI_CEILING}'")
    res = runner.invoke(app, ["analyze", str(SCENARIO), "--only", "agreement", "--set", SET_OSTARI_CEILING,
                              "--out", str(tmp_path), "--no-record", "-q"])
    assert res.exit_code == 0, res.output
    space = track(json.loads((tmp_path / "results.json").read_text())["analyses"], "agreement", "guarantees")
    assert space["can_agree"]
    says(f"The guarantees track then passes {space['n_agreeable']} of {space['n_outcomes']} outcomes.")


def test_how_often_each_track_agrees(results: dict) -> None:
    process = results["process"]
    assert process["draws"] == DRAWS
    designs = {d["design"]: d for d in process["designs"]}
    parallel = designs["parallel"]["p_track"]
    assert parallel["territory"]["value"] == parallel["governance"]["value"] == 1.0
    guarantees = parallel["guarantees"]
    # by hand: P(ceiling >= 3) = 1/6 for triangular(1, 2, 4), P(floor <= 3) = 1/3 for triangular(2, 3, 5)
    assert guarantees["low"] <= 1 / 18 <= guarantees["high"]
    says(f"the guarantees track in {pct(guarantees['value'])} of the {DRAWS} draws (95% interval "
         f"{pct(guarantees['low'])} to {pct(guarantees['high'])})")
    says(f"in parallel agrees {designs['parallel']['mean_agreed']['value']:.2f} of the 3 tracks on average; "
         f"one package of all three agrees {designs['package']['mean_agreed']['value']:.2f}")

    hinge = next(h for h in results["hinges"]["hinges"] if h["id"] == "track:guarantees/central")
    [switch] = hinge["switches"]
    assert switch["label"] == "ostari red line (above), league-troops" and switch["direction"] == "above"
    says(f"the Ostari ceiling on troops exceeds {round(switch['value']):g} thousand, the "
         f"{round(100 * switch['percentile'])}rd percentile of its estimate")


def test_stability(results: dict) -> None:
    [conflict] = results["stability"]["conflicts"]
    equilibria = conflict["equilibria"]
    assert equilibria["gmr"] == equilibria["smr"] == equilibria["seq"]
    says(f"| Nash | {', '.join(equilibria['nash'])} |")
    says(f"| GMR, SMR, SEQ | {', '.join(equilibria['seq'])} |")
    says(f"| SIM | {', '.join(equilibria['sim'])} |")
    assert conflict["status_quo"] == "NNN" and "NNN" not in equilibria["nash"]
    path = [(step["mover"], step["state"]) for step in conflict["paths"]["YYY"]]
    assert path == [("ostari", "YNN"), ("velani", "YYN"), ("league", "YYY")]
    says("from NNN the Ostari override the veto (YNN), the Velani secede (YYN) and the League intervenes "
         "(YYY)")
    assert all("YYY" in states for states in equilibria.values())  # "stable under every concept"


def test_python_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the session loads the scenario by its path from the repository root
    failures, tried = doctest.testfile(str(TUTORIAL), module_relative=False, verbose=False,
                                       optionflags=doctest.NORMALIZE_WHITESPACE)
    assert tried >= 5 and failures == 0
