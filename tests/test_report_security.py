"""The report's sections for deterrence, escalation and self-determination: HTML, Markdown and the
terminal say what the results say, in the scenario's names, and stay out of scenarios without them."""

import re

import pytest
from markupsafe import escape
from rich.console import Console

import multitrack
from multitrack.cli.terminal import show_result
from multitrack.deterrence.analysis import DeterrenceCurveResult
from multitrack.report.deterrence_section import crossing_sentence
from multitrack.report.html import render_html
from multitrack.report.markdown import render_markdown
from multitrack.report.sections import render_section
from multitrack.report.summary import security_findings
from multitrack.scenario import builtins

SECURITY = ["deterrence", "escalation", "self-determination"]
DRAWS = 600  # the run's draws, read by deterrence and escalation alike


@pytest.fixture(scope="module")
def scenario():
    return multitrack.load("european-security")


@pytest.fixture(scope="module")
def results(scenario):
    return multitrack.analyze(scenario, only=SECURITY, draws=DRAWS)


def _text(html: str) -> str:
    """The visible text of an HTML fragment, entities decoded, whitespace collapsed."""
    import html as html_lib

    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


# --------------------------------------------------------------------------- deterrence


def test_deterrence_sentences_tables_and_curves(scenario, results):
    result = results["deterrence"]
    html = str(render_section(result, scenario))
    text = _text(html)
    names = {a.id: a.name for a in scenario.actors}
    for c in result.crises:
        pct = round(100 * c.deterred.value)
        assert (f"Deterrence of {names[c.challenger]} against {names[c.target]} holds in {pct}% of draws"
                in text)
        assert f"credibility in {round(100 * c.fails_on_credibility)}% of draws" in text
        assert f"of capability in {round(100 * c.fails_on_capability)}%" in text
        assert f"id='guarantees-{c.id}'" in html
        for g in c.guarantees:
            assert f'id="deterrence-{c.id}-{g.id}"' in html  # one plotly chart per guarantee
            assert names[g.guarantor] in text
    assert html.count("class=\"plotly-graph-div\"") == sum(len(c.guarantees) for c in result.crises)
    # the tripwire curve's caption names its term and the scenario's central value
    force = result.crisis("renewed-offensive").guarantees[0]
    assert "size of the force stationed" in text and f"central value ({force.curve.nominal:.3g})" in text
    # the patron's curve crosses one half, and the caption says where
    patron = result.crisis("pressure-on-moscow").guarantees[0]
    assert patron.curve.crossing is not None
    assert f"one half when the stake reaches about {patron.curve.crossing:.3g}" in text
    assert "Russia" in text and ">RUS<" not in html  # names, not ids, in the sentences and tables


def test_crossing_sentence_says_which_way():
    falling = DeterrenceCurveResult(term="ambiguity", values=(0.0, 0.5, 1.0), probability=(0.8, 0.6, 0.4),
                                    low=(0.7, 0.5, 0.3), high=(0.9, 0.7, 0.5), nominal=0.5, crossing=1.0)
    assert crossing_sentence(falling) == ("The chance that deterrence holds falls below one half when the "
                                          "ambiguity of the clause reaches about 1.")
    flat = DeterrenceCurveResult(term="tripwire", values=(0.0, 6.0), probability=(0.2, 0.3), low=(0.1, 0.2),
                                 high=(0.3, 0.4), nominal=3.0, crossing=None)
    assert "stays below one half" in crossing_sentence(flat)


def test_names_from_the_scenario_are_escaped():
    text = builtins.text("european-security").replace("    name: Russia\n", "    name: \"<i>Russia</i>\"\n", 1)
    scenario = multitrack.loads(text)
    result = multitrack.analyze(scenario, only=["deterrence"], draws=50)["deterrence"]
    html = str(render_section(result, scenario))
    assert "<i>Russia</i>" not in html and "&lt;i&gt;Russia&lt;/i&gt;" in html


# --------------------------------------------------------------------------- escalation


def test_escalation_headline_tables_and_charts(scenario, results):
    result = results["escalation"]
    html = str(render_section(result, scenario))
    text = _text(html)
    h = max(result.horizons)
    assert h == 120 and f"Within {h} months (10 years)" in text
    for rung in ("use of force", "war"):
        for s in ("none", "package"):
            cell = result.risk(s, "combined", h, rung)
            assert f"{100 * cell.mean:.1f}% ({100 * cell.low:.1f}–{100 * cell.high:.1f}%)" in text
    assert "id='escalation-risk'" in html and "id='escalation-effects'" in html
    assert 'id="escalation-curves"' in html and 'id="escalation-effects-chart"' in html
    # every theatre, and rows for the rungs from crisis up only
    for title in result.theatres.values():
        assert title in text
    head = re.search(r"id='escalation-risk'>(.*?)</thead>", html).group(1)
    assert "crisis" in head and "war" in head and "incident" not in head
    # each measure's reduction, in points
    e = result.effect("package", "combined", h, "war")
    assert f"{100 * e.reduction:.1f} ({100 * e.low:.1f}–{100 * e.high:.1f}) points" in text
    # the caption: the interval's level, the independence assumption, data vs judgement
    assert "central 95% of the risk's spread over the uncertain inputs, not Monte Carlo error" in text
    assert "assuming they escalate independently" in text and "see the scenario's sources" in text


# --------------------------------------------------------------------------- self-determination


def test_self_determination_criteria_cases_and_sources(scenario, results):
    result = results["self-determination"]
    html = str(render_section(result, scenario))
    text = _text(html)
    for c in result.criteria:
        assert f"<b>{escape(c.label)}</b>: {escape(c.description)}" in html and c.origin in text
    assert "No foreign armed control" in text  # the scenario's own criterion
    assert "id='self-determination-cases'" in html
    scotland = re.search(r"<tr id='case-scotland-2014'>(.*?)</tr>", html).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", scotland)
    by_id = dict(zip([c.id for c in result.criteria], cells[1:]))
    assert by_id["popular_vote"] == "✓" and by_id["supervised_vote"] == "½*"
    assert by_id["free_and_fair"] == "✗*" and by_id["displaced_included"] == "–"
    assert by_id["no-armed-control"] == "?"
    assert cells[-1] == f"{result.case('scotland-2014').met} of {result.case('scotland-2014').assessed}"
    assert "<details>" in html and "Edinburgh Agreement" in text


# --------------------------------------------------------------------------- the whole report


def test_full_report_has_the_sections_and_stays_offline(scenario, results):
    html = render_html(scenario, results)
    for name in SECURITY:
        assert f'id="analysis-{name}"' in html
    assert "Plotly.newPlot" in html
    assert not re.search(r"<(script|img|iframe)[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)


def test_markdown_has_the_tables_and_svg_figures(scenario, results):
    text, figures = render_markdown(scenario, results)
    assert "| Guarantee | Guarantor | Kind | Chance of responding |" in text
    assert "| Theatre | Within (months) | crisis: no measures | crisis: all measures |" in text
    assert "| Measure | use of force: reduction | war: reduction |" in text
    # the asterisk of an uncertain finding is escaped: it could pair up with another into emphasis
    assert "| Case | Vote of the local population |" in text and "| ½\\* |" in text
    c = results["deterrence"].crisis("renewed-offensive")
    assert f"holds in {round(100 * c.deterred.value)}% of draws" in text
    for name in ("figures/escalation-curves.svg", "figures/escalation-effects.svg",
                 "figures/deterrence-renewed-offensive-european-force.svg"):
        assert name in figures and f"]({name})" in text
        assert figures[name].lstrip().startswith(b"<?xml")
    assert "What the security analyses find" in text


def test_terminal_prints_the_headlines(scenario, results):
    from multitrack.report.escalation_section import headline

    console = Console(record=True, width=100)
    for name, result in results.items():
        show_result(console, name, result, scenario)
    out = re.sub(r"\s+", " ", console.export_text())
    c = results["deterrence"].crisis("renewed-offensive")
    assert f"Deterrence of Russia against Ukraine holds in {round(100 * c.deterred.value)}% of draws" in out
    assert re.sub(r"\s+", " ", headline(results["escalation"])) in out
    assert "European Union" in out and "½*" in out and "Vote of the local population" in out


def test_summary_findings_per_crisis_and_for_escalation(scenario, results):
    found = security_findings(results, scenario)
    assert len(found) == len(results["deterrence"].crises) + 1
    assert found[-1][1].startswith("Within 120 months")


def test_a_scenario_without_these_analyses_has_no_such_sections(primer):
    results = multitrack.analyze(primer)
    assert not set(SECURITY) & set(results)
    html = render_html(primer, results)
    for marker in ("guarantees-", "escalation-risk", "self-determination-cases", "analysis-deterrence"):
        assert marker not in html
    text, _ = render_markdown(primer, results)
    assert "security analyses" not in text and "| Guarantee |" not in text
    assert security_findings(results, primer) == []
