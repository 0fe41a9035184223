"""The report's forecast section: HTML, Markdown and the terminal show each numeric issue's model
forecasts beside the bargaining solutions, in the scenario's names, with a chart per track."""

import html as html_lib
import re

import pytest
from rich.console import Console

import multitrack
from multitrack.cli.terminal import show_result
from multitrack.forecast.analysis import ForecastResult, forecast_analysis
from multitrack.report.forecast_section import model_range_text
from multitrack.report.html import render_html
from multitrack.report.markdown import render_markdown
from multitrack.report.sections import render_section
from multitrack.scenario import builtins

ONLY = ["agreement", "forecast"]
DRAWS = 200


@pytest.fixture(scope="module")
def scenario():
    return multitrack.load("european-security")


@pytest.fixture(scope="module")
def result(scenario):
    return multitrack.analyze(scenario, only=ONLY, draws=DRAWS)["forecast"]


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def _row(fragment: str, row_id: str) -> list[str]:
    """The cells of the table row with this id, as text."""
    row = re.search(rf"<tr id='{re.escape(row_id)}'>(.*?)</tr>", fragment).group(1)
    return [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_html_table_has_the_exercise_notice_numbers_and_nash(scenario, result):
    html = str(render_section(result, scenario))
    assert "id='forecast-confidence-building'" in html  # a table per track
    issue = result.issue("exercise-notice")
    assert issue.solutions  # the confidence-building track can agree, so the solutions are there
    cells = _row(html, "forecast-confidence-building-exercise-notice")
    assert cells[0] == "Advance notice of large military exercises near the frontier (days)"
    assert cells[1] == "0–90" and cells[2] == "0"
    # range 0-90: one decimal
    expected = [f"{f.nominal:.1f} ({f.low:.1f}–{f.high:.1f})" for f in issue.forecasts]
    assert cells[3:3 + len(expected)] == expected
    assert [f.model for f in issue.forecasts] == ["mean", "median", "challenge", "condorcet"]
    # the model range across the models, with the model at each end (issue 17, item 5)
    assert cells[3 + len(expected)] == model_range_text(issue) and " – " in cells[3 + len(expected)]
    solutions = cells[4 + len(expected):]
    assert solutions == [f"{issue.solutions[c]:g}" for c in ("nash", "kalai_smorodinsky", "egalitarian",
                                                               "utilitarian")]
    # the sentence compares the compromise model with the Nash solution
    mean = issue.model("mean")
    text = _text(html)
    assert (f"the compromise model puts the outcome at {mean.nominal:.1f} days "
            f"({mean.low:.1f}–{mean.high:.1f})" in text)
    assert f"The Nash bargaining solution is at {issue.solutions['nash']:g}" in text


def test_html_marks_tracks_without_solutions_and_uses_track_titles(scenario, result):
    html = str(render_section(result, scenario))
    text = _text(html)
    # the guarantee track cannot agree (Ukraine's and Russia's red lines on the tripwire force)
    tripwire = result.issue("tripwire-force")
    assert tripwire.solutions == {}
    cells = _row(html, "forecast-guarantees-tripwire-force")
    assert cells[-4:] == ["—"] * 4
    assert "there is no bargaining solution to compare" in text
    titles = {t.id: t.title for t in scenario.tracks}
    for track in {i.track for i in result.issues}:
        assert f"id='forecast-{track}'" in html
        assert titles[track] in text


def test_html_has_one_plotly_chart_per_track_with_names_not_ids(scenario, result):
    html = str(render_section(result, scenario))
    tracks = {i.track for i in result.issues}
    assert html.count('class="plotly-graph-div"') == len(tracks)
    for track in tracks:
        assert f'id="forecast-chart-{track}"' in html
    # the chart's hover text names the actors; ids never appear as names
    assert "North Atlantic Treaty Organization" in html and "Russia" in html
    for a in scenario.actors:
        assert f">{a.id}<" not in html and f"{a.id} (" not in html  # hover lines read 'name (weight)'
    assert "Russia (" in html and "Poland (" in html


def test_full_report_includes_the_section_and_plotly(scenario, result):
    page = render_html(scenario, {"forecast": result})
    assert "id='forecast-confidence-building'" in page
    assert "Plotly.newPlot" in page and "<script src=" not in page  # plotly.js inlined, nothing fetched


def test_names_from_the_scenario_are_escaped():
    text = builtins.text("european-security")
    text = text.replace("    name: Russia\n", "    name: \"<i>Russia</i>\"\n", 1)
    text = text.replace("title: Advance notice of large military exercises near the frontier",
                        "title: \"<b>Advance notice</b>\"", 1)
    scenario = multitrack.loads(text)
    result = multitrack.analyze(scenario, only=ONLY, draws=50)["forecast"]
    html = str(render_section(result, scenario))
    assert "<b>Advance notice</b>" not in html and "&lt;b&gt;Advance notice&lt;/b&gt;" in html
    assert "<i>Russia</i>" not in html and "&lt;i&gt;Russia" in html  # escaped in the chart's hover text too


def test_markdown_has_the_table_sentences_and_figures(scenario, result):
    md, figures = render_markdown(scenario, {"forecast": result})
    issue = result.issue("exercise-notice")
    mean = issue.model("mean")
    assert ("| Issue | Range | Status quo | compromise | weighted median | challenge | Condorcet | "
            "Model range | Nash |") in md
    row = next(line for line in md.splitlines() if line.startswith("| Advance notice of large military"))
    assert f"| {mean.nominal:.1f} ({mean.low:.1f}–{mean.high:.1f}) |" in row
    assert f"| {issue.solutions['nash']:g} |" in row
    assert "### Confidence-building and incident prevention" in md
    assert "- On 'Advance notice of large military exercises near the frontier'" in md
    tracks = {i.track for i in result.issues}
    assert {f"figures/forecast-{t}.svg" for t in tracks} <= set(figures)
    assert figures["figures/forecast-confidence-building.svg"].lstrip().startswith(b"<?xml")
    assert "](figures/forecast-confidence-building.svg)" in md


def test_terminal_prints_a_row_per_issue(scenario, result):
    console = Console(record=True, width=200)
    show_result(console, "forecast", result, scenario)
    out = console.export_text()
    issue = result.issue("exercise-notice")
    line = next(x for x in out.splitlines() if "Advance notice of large military exercises" in x)
    cells = re.split(r"\s{2,}", line.strip())  # columns apart by two spaces or more (issue 22)
    models = [f"{f.nominal:.1f}" for f in issue.forecasts]
    assert cells[1:2 + len(models)] == ["0", *models] and cells[-1] == f"{issue.solutions['nash']:g}"
    flat = " ".join(out.split())  # the model range, models named, an issue a line under the table
    assert f"{issue.title} (days): {' '.join(model_range_text(issue).split())}" in flat
    assert "Depth of reciprocal limitation zones" in out
    assert "Ukraine's security status" in out and "Moratorium on NATO accession" in out


def test_border_talks_zone_depth_renders_everywhere():
    scenario = multitrack.load("border-talks")
    result = multitrack.analyze(scenario, only=ONLY, draws=100)["forecast"]
    issue = result.issue("zone-depth")
    html = str(render_section(result, scenario))
    assert "id='forecast-border'" in html and 'id="forecast-chart-border"' in html
    mean = issue.model("mean")
    assert f"{mean.nominal:.1f} ({mean.low:.1f}–{mean.high:.1f})" in _text(html)
    assert "Northland" in html and "Southland" in html
    md, figures = render_markdown(scenario, {"forecast": result})
    assert "Depth of the demilitarised zone (km)" in md and "figures/forecast-border.svg" in figures
    console = Console(record=True, width=200)
    show_result(console, "forecast", result, scenario)
    assert "Depth of the demilitarised zone" in console.export_text()


def _ordinal_only() -> str:
    """The primer without its numeric issue: only the ordinal inspections issue is left."""
    text = builtins.text("border-talks")
    start = text.index("      - id: zone-depth")
    end = text.index("      - id: inspections")
    return text[:start] + text[end:]


def test_scenario_without_numeric_issues_renders_an_empty_result():
    scenario = multitrack.loads(_ordinal_only())
    spec = next(s for s in multitrack.available() if s.name == "forecast")
    assert not spec.applies(scenario)  # the analysis does not run here; its empty result still renders
    result = forecast_analysis(scenario)
    assert isinstance(result, ForecastResult) and result.issues == ()
    html = str(render_section(result, scenario))
    assert "no numeric issue" in html and "plotly" not in html
    md, figures = render_markdown(scenario, {"forecast": result})
    assert "no numeric issue" in md and not any(k.startswith("figures/forecast") for k in figures)
    console = Console(record=True, width=120)
    show_result(console, "forecast", result, scenario)
    assert "No numeric issue" in console.export_text()


def test_a_flagged_headline_says_whose_red_line_and_what_agreement_gives(scenario, result):
    """The tripwire force: every model's forecast lies beyond Russia's ceiling of none, and
    Ukraine's floor lies above it, so no agreement gives any value (issue 21, item 3)."""
    issue = result.issue("tripwire-force")
    html = str(render_section(result, scenario))
    text = _text(html)
    mean = issue.model("mean")
    assert (f"puts the outcome at {mean.nominal:.1f} thousand troops ({mean.low:.1f}–{mean.high:.1f}), "
            "beyond Russia's ceiling of 0 thousand troops (in 100% of draws), where no agreement can land"
            ) in text
    assert ("no value satisfies every veto player (Ukraine's floor of 5 thousand troops lies above Russia's "
            "ceiling of 0 thousand troops), nor in any draw, so there is no forecast conditional on agreement"
            ) in text
    cells = _row(html, "forecast-guarantees-tripwire-force")
    assert all(c.endswith(" †") for c in cells[3:7])  # every model's forecast is marked
    agreed = _row(html, "forecast-guarantees-tripwire-force-agreed")
    assert agreed[:2] == ["↳ conditional on agreement", "none"] and agreed[3:7] == ["—"] * 4
    notice = _row(html, "forecast-confidence-building-exercise-notice-agreed")  # Russia's ceiling of 60
    lead = result.issue("exercise-notice").on_agreement("mean")
    assert notice[1] == "0–60" and notice[3] == f"{lead.nominal:.1f} ({lead.low:.1f}–{lead.high:.1f})"
    console = Console(record=True, width=200)
    show_result(console, "forecast", result, scenario)
    out = console.export_text()
    assert ("European force stationed in Ukraine as a tripwire: the compromise model's forecast lies beyond "
            "Russia's ceiling of 0 thousand troops") in out
