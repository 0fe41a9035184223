"""The documentation site builds from docs/ with `mkdocs build --strict` (mkdocs.yml), offline: every
warning (a broken link or anchor, a page left out of the navigation, a docstring griffe cannot read)
fails the build, and so would any attempt to reach the network, which this test points at a closed port.
The API reference pages are generated from the docstrings. Skipped where the docs extra is not installed
(`pip install -e '.[docs]'`; CI installs it)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NEEDED = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")
MISSING = [name for name in NEEDED if importlib.util.find_spec(name.split(".")[0]) is None
           or importlib.util.find_spec(name) is None]

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"the docs extra is not installed (no "
                                f"{', '.join(MISSING)}): pip install -e '.[docs]'")

# the main subpackages whose public names the API reference must document, with one name each (``load``
# shares its name with its module, so the page documents it under the module's path)
API = {"scenario": "scenario.load.load", "settlement": "settlement.settlement_of",
       "space": "space.agreement_space", "forecast": "forecast.forecast", "stability": "stability.analyse",
       "process": "process.compare_designs", "results": "results.results_document",
       "report": "report.write_report"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens, so any fetch fails at once
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HTTP_PROXY": closed, "HTTPS_PROXY": closed,
           "http_proxy": closed, "https_proxy": closed, "NO_PROXY": "", "no_proxy": ""}
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                            str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-4000:]
    assert "WARNING" not in build.stderr, build.stderr[-4000:]
    return out


def test_every_page_of_docs_is_built(site: Path) -> None:
    pages = sorted(p.stem for p in (ROOT / "docs").glob("*.md"))
    assert {"index", "tutorial", "scenario-format"} <= set(pages)
    for page in pages:
        built = site / "index.html" if page == "index" else site / page / "index.html"
        assert built.is_file(), page
    # the tutorial's scenario and the example travel with the site, for the links to them
    assert (site / "tutorial" / "two-communities.yaml").is_file()
    assert (site / "example-scenario.yaml").is_file()


def test_api_reference_comes_from_the_docstrings(site: Path) -> None:
    for package, name in API.items():
        page = (site / "api" / package / "index.html").read_text(encoding="utf-8")
        ids = set(re.findall(r'id="(multitrack\.[\w.]+)"', page))
        assert f"multitrack.{name}" in ids, (package, name)
    scenario = (site / "api" / "scenario" / "index.html").read_text(encoding="utf-8")
    # a docstring's own words, so the page is generated from the code and not written by hand
    assert "The validated scenario in a file, or the built-in scenario of that name." in scenario


def test_site_needs_nothing_from_outside(site: Path) -> None:
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page
        for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', text):
            pytest.fail(f"{page.relative_to(site)} loads {src}")
