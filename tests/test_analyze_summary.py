"""``multitrack analyze`` prints one screen by default (issue 22, item 1): each track's verdict and
deal, each analysis's one-line summary and where the report is, at most 40 lines of at most 80
columns; ``--verbose`` prints the tables."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import multitrack
from multitrack.cli.app import app
from multitrack.cli.summary_view import NO_SUMMARY, _item, _wrap, summary_lines
from multitrack.overview import WORDS

#: The most lines the default summary of the built-in scenario may take (it takes 38 at 80 columns).
MAX_LINES = 40
RUN = ["analyze", "european-security", "--draws", "30", "--no-record"]


def _analyze(tmp_path, *extra: str) -> tuple[list[str], dict]:
    folder = tmp_path / "report"
    result = CliRunner().invoke(app, [*RUN, "-o", str(folder), *extra], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines(), json.loads((folder / "results.json").read_text())


def _item_text(lines: list[str], name: str) -> str:
    """An analysis's line with its continuation lines, joined."""
    start = next(k for k, line in enumerate(lines) if line.startswith(f"  {name}: "))
    rest = [line.strip() for line in lines[start + 1:]]
    more = next((k for k, line in enumerate(lines[start + 1:]) if not line.startswith("      ")), len(rest))
    return " ".join([lines[start].strip(), *rest[:more]])


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> tuple[list[str], dict]:
    return _analyze(tmp_path_factory.mktemp("summary"))


def test_one_screen_at_80_columns(default_run):
    lines, _ = default_run
    assert len(lines) <= MAX_LINES, "\n".join(lines)
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide, too_wide


def test_every_track_with_its_verdict_and_deal(default_run):
    lines, results = default_run
    text = "\n".join(lines)
    tracks = results["analyses"]["overview"]["tracks"]
    assert len(tracks) == 11
    for t in tracks:
        line = next((x for x in lines if x.startswith(f"  {t['track_id']}: ")), None)
        assert line is not None, t["track_id"]
        assert line.startswith(f"  {t['track_id']}: {t['verdict']['word']}"), line
    # a track that can agree names its deal's values (the Nash compromise), whole
    space = {t["track_id"]: t for t in results["analyses"]["agreement"]["tracks"]}
    nash = next(s for s in space["intermediate-missiles"]["solutions"] if s["concept"] == "nash")
    assert all(str(v) in text for v in nash["outcome"].values())
    # a blocked track names whose red lines block it
    assert "guarantees: blocked by red lines or reservation values of UKR, RUS" in text


def test_every_analysis_headline_and_where_the_report_is(default_run, tmp_path):
    lines, results = default_run
    for name in results["analyses"]:
        if name != "overview":  # the overview's summary heads the tracks
            assert any(line.startswith(f"  {name}: ") for line in lines), name
    assert not any("no one-line summary" in line for line in lines)
    # the headlines are the results' own numbers: each crisis's share deterred, as results.json has it
    deterrence = _item_text(lines, "deterrence")
    for c in results["analyses"]["deterrence"]["crises"]:
        assert f"{c['id']} " in deterrence and f"{c['deterred']['value']:.0%}" in deterrence, deterrence
    assert any(line.startswith("Tracks: 7 of 11 tracks can agree") for line in lines)
    assert any(line.startswith("wrote ") and line.endswith("report.html") for line in lines)
    assert any(line.startswith("wrote ") and line.endswith("results.json") for line in lines)


def test_verbose_prints_the_tables(tmp_path):
    lines, _ = _analyze(tmp_path, "--verbose")
    text = "\n".join(lines)
    assert "Tracks at a glance" in text and "Agreement space per track" in text
    assert len(lines) > 3 * MAX_LINES
    assert "Analyses (multitrack analyze --verbose" not in text


def test_long_ids_wrap_between_words_and_are_never_cut():
    long_id = "a-track-id-that-is-far-longer-than-the-terminal-is-wide-" * 2
    words = ["value-one", "another-hyphenated-value", "42 days", long_id, "last"]
    lines = [t.plain for t in _item(f"{long_id}: ", WORDS[0], "on " + ", ".join(words), 40, "green")]
    assert lines[0].startswith(f"  {long_id}:")  # kept whole although wider than the line
    joined = " ".join(line.strip() for line in lines)
    for w in words:
        assert w in joined
    assert all(len(line) <= 40 for line in lines if long_id not in line)


def test_a_result_without_a_summary_says_so_in_one_line():
    class Plain:  # a plug-in's result: to_dict and to_frame, no summary
        def summary_table(self):
            return None

    scenario = multitrack.load("border-talks")
    lines = [t.plain for t in summary_lines({"stakes": Plain()}, scenario, 80)]
    assert lines[-1] == f"  stakes: {NO_SUMMARY}"
    assert not any(line.startswith("Tracks:") for line in lines)  # no overview ran


def test_brackets_stay_and_escape_sequences_never_reach_the_terminal():
    (line,) = _wrap("Border security [draft] \x1b[31mred\x1b[0m [/]", 80)
    assert line == "Border security [draft] \\x1b[31mred\\x1b[0m [/]"
