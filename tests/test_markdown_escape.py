"""The Markdown report renders scenario text as text: no script, event handler or javascript: link
gets through a standard renderer (markdown-it-py, CommonMark with and without GFM tables), and
scenario text cannot add headings, emphasis, code or table cells (issue 22, item 3)."""

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
import yaml
from markdown_it import MarkdownIt

import multitrack
from multitrack.report.markdown import render_markdown
from multitrack.report.md_table import table
from multitrack.report.md_text import Markdown, md_code_cell, md_text
from multitrack.scenario import builtins

ATTACK = "<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))"
#: Appended to every free-text field: the attack, plus Markdown that would change the layout.
TAIL = f" {ATTACK} | a `b` # c\n# d"
TEXT_FIELDS = {"title", "description", "name", "author", "publisher", "note", "locator", "unit", "label",
               "deferred_reason"}


def poisoned(name: str) -> multitrack.Scenario:
    """A built-in scenario with the attack in every free-text field and every option label (the
    labels are renamed wherever positions name them, as keys or values)."""
    doc = yaml.safe_load(builtins.text(name))
    labels: dict[str, str] = {}

    def collect(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                collect(v, k)
        elif isinstance(node, list):
            for v in node:
                collect(v, key)
        elif key == "options" and isinstance(node, str):
            labels.setdefault(node, f"{node} {ATTACK} *{len(labels)}* `<script>x</script>` | y")

    def rewrite(node, key=None):
        if isinstance(node, dict):
            return {labels.get(k, k) if isinstance(k, str) else k: rewrite(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v, key) for v in node]
        if isinstance(node, str) and key in TEXT_FIELDS:
            return node + TAIL
        if isinstance(node, str) and key != "id":
            return labels.get(node, node)
        return node

    collect(doc)
    return multitrack.loads(yaml.safe_dump(rewrite(doc), allow_unicode=True))


class _Html(HTMLParser):
    """The tags, attributes and text of rendered HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)


def renderers() -> list[MarkdownIt]:
    """CommonMark as is, and with GFM tables; both let every link through (as Python-Markdown and
    many others do), so that the report itself must keep javascript: links out."""
    out = [MarkdownIt("commonmark"), MarkdownIt("commonmark").enable("table")]
    for md in out:
        md.validateLink = lambda url: True
    return out


def assert_inert(markdown: str, title: str) -> None:
    for md in renderers():
        page = _Html(md.render(markdown))
        tags = [t for t, _ in page.tags]
        assert "script" not in tags and "iframe" not in tags
        images = [dict(a).get("src") or "" for t, a in page.tags if t == "img"]
        assert all(src.startswith("figures/") for src in images), images  # only the report's own figures
        attrs = [(k, v or "") for _, a in page.tags for k, v in a]
        assert not [k for k, _ in attrs if k.lower().startswith("on")]
        assert not [v for _, v in attrs if v.strip().lower().startswith("javascript:")]
        assert tags.count("h1") == 1  # the title's "# d" did not start a heading of its own
        text = "".join(page.text)
        assert title in text and ATTACK in text  # shown as text, not dropped


def assert_tables_keep_their_columns(markdown: str) -> None:
    """Every row of every table has as many cells as its header: no pipe from the scenario splits one."""
    cells = 0
    for line in markdown.splitlines():
        if not line.startswith("|"):
            cells = 0
            continue
        n = len(re.findall(r"(?<!\\)\|", line))
        cells = cells or n
        assert n == cells, line


@pytest.fixture(scope="module")
def border_talks_markdown():
    scenario = poisoned("border-talks")
    text, _ = render_markdown(scenario, multitrack.analyze(scenario, draws=100))
    return scenario, text


def test_every_analysis_of_border_talks_renders_scenario_text_as_text(border_talks_markdown):
    scenario, text = border_talks_markdown
    assert scenario.title.endswith(TAIL)
    assert_inert(text, scenario.title.split(" <")[0])
    assert_tables_keep_their_columns(text)


def test_security_analyses_of_european_security_render_scenario_text_as_text():
    scenario = poisoned("european-security")
    only = ["stability", "deterrence", "escalation", "self-determination", "factors", "questions",
            "consistency"]
    text, _ = render_markdown(scenario, multitrack.analyze(scenario, only=only, draws=100))
    assert_inert(text, scenario.title.split(" <")[0])
    assert_tables_keep_their_columns(text)


def test_analyze_format_md_escapes_a_title_with_html(tmp_path, primer_text):
    source = tmp_path / "x.yaml"
    title = "Border <script>alert(1)</script> [x](javascript:alert(1))"
    source.write_text(primer_text.replace("title: Border security", f'title: "{title}"'))
    out = tmp_path / "md"
    proc = subprocess.run([sys.executable, "-m", "multitrack", "analyze", str(source), "--format", "md",
                           "--only", "overview", "--out", str(out), "--quiet", "--no-record"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = (out / "report.md").read_text()
    assert "Border &lt;script>alert(1)&lt;/script> \\[x\\](javascript:alert(1))" in text
    for md in renderers():
        html = md.render(text)
        assert "<script>" not in html and 'href="javascript:' not in html
        assert "Border &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))" in html


@pytest.mark.parametrize(("raw", "escaped"), [
    ("<b>bold</b> & co", "&lt;b>bold&lt;/b> & co"),
    ("<!-- x --> <javascript:alert(1)> p < 0.05", "&lt;!-- x --> &lt;javascript:alert(1)> p < 0.05"),
    ("&amp; &#x41; SEQ&SIM", "&amp;amp; &amp;#x41; SEQ&SIM"),
    ("challenger_value _x_", "challenger_value \\_x\\_"),
    ("# heading #", "\\# heading \\#"),
    ("> quote", "\\> quote"),
    ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
    ("*a* _b_ `c` | e ~f~ \\", "\\*a\\* \\_b\\_ \\`c\\` \\| e \\~f\\~ \\\\"),
    ("two\nlines\r\nhere", "two lines here"),
    ("- item", "\\- item"),
    ("1. item", "1\\. item"),
    ("Border security (draft)", "Border security (draft)"),
])
def test_md_text(raw, escaped):
    assert md_text(raw) == escaped
    as_html = " ".join(raw.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for md in renderers():  # one paragraph holding exactly the text
        assert md.render(md_text(raw)) == f"<p>{as_html}</p>\n"


def test_table_cells_are_escaped_unless_they_are_markdown_already():
    text = table([{"Name <i>": "a|b\nc", "Link": Markdown("[[1]](#source-1)"), "Neg": "-0.5"}])
    assert table([{"#": "# 1", "Value": "x_y"}]).splitlines()[::2] == ["| # | Value |", "| # 1 | x_y |"]
    assert text.splitlines() == ["| Name &lt;i> | Link | Neg |", "|---|---|---|",
                                 "| a\\|b c | [[1]](#source-1) | -0.5 |"]


def test_code_cell_outlasts_backticks_and_pipes():
    assert md_code_cell("a.b") == "`a.b`"
    assert md_code_cell('x["a `b` | c"]') == '``x["a `b` \\| c"]``'
    assert md_code_cell("`x") == "`` `x ``"
