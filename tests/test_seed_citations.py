"""Citations of the seed documents (issue 19, item 2): every reference of the built-in scenario to
one of the documents it was built from names a paragraph that exists and a few single words that
all occur in it, checked against the texts in ``../shared/seeds/`` (skipped where absent); how
far each source carries a value (``basis``); full dates and the flag on texts written before the
full-scale invasion of 24 February 2022.

Paragraphs are counted here as the format says (docs/scenario-format.md, "Citations"), by a
split written apart from the library: blocks separated by blank lines, or each non-empty line
in a file without a blank line. The project quotes none of the seeds: only single words."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import multitrack
from multitrack.brief.basis import pre_invasion_line, pre_invasion_sources
from multitrack.errors import ScenarioError, format_path
from multitrack.report.provenance_section import provenance_groups, source_words
from multitrack.scenario import Source, SourceReference
from multitrack.scenario.load import loads
from multitrack.scenario.model import _source_refs

#: The seed texts beside the checkout, or where $MULTITRACK_SEEDS says (.ci/run sets it from a fresh
#: clone elsewhere, so that these checks run in CI too).
SEEDS = Path(os.environ.get("MULTITRACK_SEEDS")
             or Path(__file__).resolve().parents[1].parent / "shared" / "seeds")
DOCUMENTS = {"paikin-2024", "paikin-2024-short", "silaev-2024", "aljazeera-2023", "talks-2022",
             "graham-menon-2022"}
#: How each actor the documents may name is named in them; no seed names Hungary or Poland.
NAMES = {"HUN": r"hungar|budapest", "POL": r"poland|polish|warsaw", "DEU": r"germany|german\b|berlin"}


@pytest.fixture(scope="module")
def scenario():
    return multitrack.load("european-security")


def _refs(node: object) -> list[tuple[str, SourceReference]]:
    """Every citation inside ``node`` with its field path, by the scenario model's own walk."""
    return [(format_path(path), ref) for path, ref in _source_refs(node, ())]


def _paragraphs(text: str) -> list[str]:
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    return blocks if len(blocks) > 1 else [line for line in text.splitlines() if line.strip()]


def _seed_text(seed: str) -> str:
    files = sorted(SEEDS.glob(f"{seed}_*.txt"))
    assert len(files) == 1, f"seed {seed}: {files}"
    return files[0].read_text(encoding="utf-8")


def _problems(ref: SourceReference, source: Source) -> list[str]:
    """What is wrong with one seed citation against the seed text (empty when it holds)."""
    assert source.seed is not None
    paragraphs = _paragraphs(_seed_text(source.seed))
    if ref.paragraph is None or not 1 <= ref.paragraph <= len(paragraphs):
        return [f"{ref.id}: paragraph {ref.paragraph} not in 1..{len(paragraphs)}"]
    text = paragraphs[ref.paragraph - 1]
    return [f"{ref.id} paragraph {ref.paragraph}: no {word!r}" for word in ref.keywords
            if not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)]


def _seed_refs(scenario) -> list[tuple[str, SourceReference, Source]]:
    by_id = {s.id: s for s in scenario.sources}
    return [(p, r, by_id[r.id]) for p, r in _refs(scenario) if by_id[r.id].seed is not None]


# ---- without the seed texts ----------------------------------------------------------------------

def test_every_document_the_scenario_was_built_from_is_a_seed_source(scenario):
    seeds = {s.id: s.seed for s in scenario.sources if s.seed is not None}
    assert set(seeds) == DOCUMENTS
    assert seeds["graham-menon-2022"] == "004" and seeds["silaev-2024"] == seeds["paikin-2024"] == "000"


def test_every_seed_citation_names_a_paragraph_and_keywords(scenario):
    refs = _seed_refs(scenario)
    assert len(refs) > 150
    missing = [p for p, r, _ in refs if r.paragraph is None or len(r.keywords) < 2]
    assert missing == []


def test_menon_and_graham_is_politico_of_10_january_2022(scenario):
    source = scenario.source("graham-menon-2022")
    assert source.publisher.startswith("Politico") and source.date == "2022-01-10"
    assert "New York Times" not in source.publisher


def test_no_citation_of_a_section_on_reciprocal_restraint(scenario):
    assert all("restraint" not in (r.locator or "") for _, r in _refs(scenario))


def test_actors_no_document_names_only_raise_the_issue(scenario):
    """Hungary and Poland appear in no seed: their positions cite the issue's passage with basis
    raises, never as support."""
    for track in scenario.tracks:
        for issue in track.issues:
            for actor in ("HUN", "POL"):
                position = issue.positions.get(actor)
                for path, ref in _refs(position):
                    if scenario.source(ref.id).seed is not None:
                        assert ref.basis == "raises", f"{track.id}.{issue.id}.{actor}{path}"


def test_pre_invasion_sources_are_the_two_january_2022_documents(scenario):
    flagged = {s.id for s in scenario.sources if s.pre_invasion and s.seed is not None}
    assert flagged == {"graham-menon-2022", "talks-2022"}


# ---- against the seed texts ----------------------------------------------------------------------

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"no seed texts at {SEEDS}")


@needs_seeds
def test_every_seed_citation_names_a_passage_that_exists(scenario):
    problems = [f"{p}: {m}" for p, r, s in _seed_refs(scenario) for m in _problems(r, s)]
    assert problems == []


@needs_seeds
def test_a_wrong_passage_is_caught(scenario):
    """The check can fail: the old restraint locator has no paragraph on it in Paikin's paper,
    and an out-of-range paragraph is reported."""
    paikin = scenario.source("paikin-2024")
    assert _problems(SourceReference(id="paikin-2024", paragraph=9, keywords=("restraint",)), paikin)
    assert _problems(SourceReference(id="paikin-2024", paragraph=99, keywords=("Russia",)), paikin)
    assert not _problems(SourceReference(id="paikin-2024", paragraph=9, keywords=("indivisible",)), paikin)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'"))


@needs_seeds
def test_the_scenario_quotes_no_run_of_eight_words_from_a_seed(scenario):
    """Only titles and names may match a seed word for word: every other text is paraphrase."""
    run = 8
    seen = {tuple(w[i:i + run]) for f in SEEDS.glob("*.txt")
            for w in [_words(f.read_text(encoding="utf-8"))] for i in range(len(w) - run + 1)}
    text = (Path(multitrack.__file__).parent / "scenario" / "builtin" / "european-security.yaml").read_text()
    osce = "Organization for Security and Co-operation in Europe"
    for name in [s.title for s in scenario.sources] + [osce]:
        text = re.sub(r"\W+".join(map(re.escape, _words(name))), " ", text, flags=re.IGNORECASE)
    quoted = []
    for number, line in enumerate(text.split("\n"), 1):
        w = _words(line)
        quoted += [f"line {number}: {' '.join(w[i:i + run])}" for i in range(len(w) - run + 1)
                   if tuple(w[i:i + run]) in seen]
    assert quoted == []


@needs_seeds
def test_silaevs_paragraph_is_cited_to_silaev_only(scenario):
    last = len(_paragraphs(_seed_text("000")))
    assert "Silaev" in _paragraphs(_seed_text("000"))[-1]
    cited = {r.id for _, r, s in _seed_refs(scenario) if s.seed == "000" and r.paragraph == last}
    assert cited == {"silaev-2024"}


@needs_seeds
def test_a_position_whose_actor_the_passage_never_names_is_marked_raises(scenario):
    for track in scenario.tracks:
        for issue in track.issues:
            for actor, pattern in NAMES.items():
                for path, ref in _refs(issue.positions.get(actor)):
                    source = scenario.source(ref.id)
                    if source.seed is None or ref.paragraph is None:
                        continue
                    text = _paragraphs(_seed_text(source.seed))[ref.paragraph - 1]
                    if not re.search(pattern, text, re.IGNORECASE):
                        assert ref.basis == "raises", f"{track.id}.{issue.id}.{actor}{path}"


# ---- the schema ----------------------------------------------------------------------------------

def _primer(citation: str) -> str:
    text = (Path(multitrack.__file__).parent / "scenario" / "builtin" / "border-talks.yaml").read_text()
    old = 'source: {id: primer, locator: "border track, inspections issue"}'
    assert text.count(old) == 1
    return text.replace(old, citation)


def test_basis_defaults_to_informs_and_takes_the_three_values():
    assert SourceReference(id="x").basis == "informs"
    for basis in ("states", "informs", "raises"):
        assert SourceReference(id="x", basis=basis).basis_words


def test_a_bad_basis_is_one_located_line():
    text = _primer('source: {id: primer, locator: "section 2", basis: proves}')
    line = 1 + text.split("\n").index(next(x for x in text.split("\n") if "basis: proves" in x))
    with pytest.raises(ScenarioError) as info:
        loads(text, "primer.yaml")
    message = str(info.value)
    assert "\n" not in message
    assert f"primer.yaml:{line}:" in message and "source.basis" in message and "proves" in message


def test_a_keyword_of_two_words_is_refused():
    text = _primer('source: {id: primer, paragraph: 2, keywords: ["two words"]}')
    with pytest.raises(ScenarioError, match=r"keywords\[0\].*not a single word"):
        loads(text, "primer.yaml")


def test_keywords_without_a_paragraph_are_refused():
    with pytest.raises(ScenarioError, match="need the paragraph"):
        loads(_primer("source: {id: primer, keywords: [zone]}"), "primer.yaml")


@pytest.mark.parametrize(("year", "date", "before"), [
    (2022, "2022-02-23", True), (2022, "2022-02-24", False), (2022, "2022-01", True),
    (2022, "2022-02", False), (2021, None, True), (2022, None, False), (2023, "2023-04-02", False)])
def test_pre_invasion_from_the_date_or_the_year(year, date, before):
    source = Source(id="s", title="t", publisher="p", year=year, date=date)
    assert source.pre_invasion is before
    assert ("before the full-scale invasion" in source.citation()) is before


def test_a_date_outside_the_calendar_is_refused():
    text = _primer('source: {id: primer, locator: "section 2"}').replace(
        "    year: 2026\n", '    year: 2026\n    date: "2026-02-30"\n', 1)
    with pytest.raises(ScenarioError, match="not a calendar date"):
        loads(text, "primer.yaml")


# ---- the report ----------------------------------------------------------------------------------

def test_a_finding_resting_on_a_pre_invasion_source_says_so(scenario):
    rows = [(e.path, source_words(e.source, scenario)) for g in provenance_groups(scenario)
            for e in g.entries if e.source is not None]
    moratorium = [w for p, w in rows if "accession-moratorium.positions.RUS" in p]
    assert moratorium and all("written before 24 February 2022" in locator
                              and "before the full-scale invasion" in cited for cited, locator in moratorium)
    later = [w for p, w in rows if "tracks.guarantees" in p and "aljazeera" in w[0].lower()]
    assert all("written before" not in locator for _, locator in later)
    hungary = [w for p, w in rows if ".positions.HUN" in p]
    assert hungary and all("raises the issue" in locator for _, locator in hungary)


def test_the_brief_line_names_the_tracks_resting_on_pre_invasion_texts(scenario):
    line = pre_invasion_line(scenario)
    assert "before the full-scale invasion of 24 February 2022" in line and "Menon" in line
    assert "Al Jazeera" not in line and "Paikin" not in line
    borders = next(t for t in scenario.tracks if t.id == "borders")
    assert pre_invasion_sources(scenario, borders) == ()
    opening = next(t for t in scenario.tracks if t.id == "opening")
    assert pre_invasion_sources(scenario, opening) == ("graham-menon-2022",)
