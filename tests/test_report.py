"""The report folder: self-contained HTML, JSON that round-trips, nothing of the user's overwritten."""

import json
import re

import pytest

import multitrack
from multitrack.report import OutputError, write_report


def test_report_is_self_contained(tmp_path, primer):
    paths = write_report(tmp_path / "out", primer, multitrack.analyze(primer))
    html = paths["html"].read_text()
    assert "<script>" in html and "<style>" in html
    # nothing is loaded from elsewhere: no external scripts, styles, images or fonts
    assert not re.search(r"<(script|img|iframe)[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "url(http" not in html and "@import" not in html
    assert "Border security" in html and 'id="src-primer"' in html


def test_results_json_holds_every_analysis(tmp_path, primer):
    paths = write_report(tmp_path / "out", primer, multitrack.analyze(primer))
    doc = json.loads(paths["json"].read_text())
    assert doc["scenario"]["id"] == "border-talks"
    assert doc["analyses"]["overview"]["tracks"][0]["n_open_outcomes"] == 78


def test_refuses_a_folder_it_did_not_write(tmp_path, primer):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("precious")
    with pytest.raises(OutputError):
        write_report(mine, primer, multitrack.analyze(primer))
    assert (mine / "notes.txt").read_text() == "precious"
    assert not (mine / "report.html").exists()


def test_rewrites_its_own_folder(tmp_path, primer):
    out = tmp_path / "out"
    write_report(out, primer, multitrack.analyze(primer))
    write_report(out, primer, multitrack.analyze(primer))
    assert sorted(p.name for p in out.iterdir()) == [".multitrack-report", "report.html", "results.json"]


def test_text_from_the_scenario_is_escaped(tmp_path, primer_text):
    text = primer_text.replace("title: Border security", "title: \"<script>alert(1)</script>\"")
    scenario = multitrack.loads(text)
    html = write_report(tmp_path / "o", scenario, multitrack.analyze(scenario))["html"].read_text()
    assert "<script>alert(1)</script>" not in html


def test_markdown_report_with_svg_figures(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "md"
    proc = subprocess.run([sys.executable, "-m", "multitrack", "analyze", "border-talks", "--format", "md",
                           "--draws", "200", "--out", str(out), "--quiet"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = (out / "report.md").read_text()
    assert text.startswith("# ") and "## Summary" in text and "## Sources" in text
    assert "| Border security | can agree |" in text and "[[1]](#source-1)" in text and '<a id="source-1"></a>' in text
    figures = sorted((out / "figures").glob("*.svg"))
    assert figures and all(f.read_bytes().lstrip().startswith(b"<?xml") for f in figures)
    for f in figures:
        assert f"figures/{f.name}" in text
    assert not (out / "report.html").exists() and (out / "results.json").exists()
