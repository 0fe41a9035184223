"""The built-in scenarios' sources are real references (issue 22, item 6): no entry whose title,
author, publisher, kind, locator or address looks like a placeholder ("TBD", "example", "n/a",
"various", "unknown", an empty or bracketed text, a made-up address), in the sources list or in
any citation's locator. The check is written here, apart from the library, so that a placeholder
cannot come back unnoticed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from pydantic import BaseModel

import multitrack
from multitrack.scenario import SourceReference, builtins

#: Words that stand in for a value nobody looked up.
PLACEHOLDER = re.compile(r"(?<!\w)(tbd|tba|todo|fixme|x{3,}|example|n/?a|various|unknown|placeholder|lorem|"
                         r"ipsum|untitled|anonymous|anon|someone|somewhere|foo|bar|baz|dummy|sample)(?!\w)"
                         r"|\?\?|\.\.\.|\u2026", re.IGNORECASE)
#: Hosts no real document lives at (RFC 2606 and RFC 6761 names, local names).
MADE_UP_HOST = re.compile(r"(^|\.)example\.(com|org|net)$|(^|\.)(example|test|invalid|localhost|local)$"
                          r"|^(\d+\.){3}\d+$", re.IGNORECASE)
TEXT_FIELDS = ("title", "author", "publisher", "kind", "locator")


def placeholder_problems(field: str, value: str | None) -> list[str]:
    """Why one field's text looks like a placeholder (empty when it does not)."""
    if value is None:
        return []
    text = value.strip()
    if not text:
        return [f"{field} is empty"]
    if field == "url":
        parts = urlsplit(text)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or "." not in host or MADE_UP_HOST.search(host):
            return [f"url {text!r} is not a real address"]
        return [f"url {text!r} holds {m.group(0)!r}" for m in [PLACEHOLDER.search(parts.path)] if m]
    if text.startswith("[") and text.endswith("]"):
        return [f"{field} {text!r} is a bracketed stand-in"]
    return [f"{field} {text!r} holds {m.group(0)!r}" for m in [PLACEHOLDER.search(text)] if m]


def _refs(node: object, path: str = "") -> list[tuple[str, SourceReference]]:
    """Every citation inside ``node`` with its path, by a walk of the model."""
    if isinstance(node, SourceReference):
        return [(path, node)]
    if isinstance(node, BaseModel):
        return [r for name in type(node).model_fields for r in _refs(getattr(node, name), f"{path}.{name}")]
    if isinstance(node, dict):
        return [r for k, v in node.items() for r in _refs(v, f"{path}.{k}")]
    if isinstance(node, (list, tuple)):
        return [r for i, v in enumerate(node) for r in _refs(v, f"{path}[{i}]")]
    return []


def scenario_problems(scenario) -> list[str]:
    """Every placeholder-looking text among a scenario's sources and its citations' locators."""
    found = [f"source {s.id}: {p}" for s in scenario.sources
             for field in (*TEXT_FIELDS, "url") for p in placeholder_problems(field, getattr(s, field))]
    return found + [f"{path} ({ref.id}): {p}" for path, ref in _refs(scenario)
                    for p in placeholder_problems("locator", ref.locator)]


@pytest.mark.parametrize("name", builtins.names())
def test_no_built_in_source_looks_like_a_placeholder(name):
    assert scenario_problems(multitrack.load(name)) == []


@pytest.mark.parametrize(("field", "value"), [
    ("title", "TBD"), ("author", "various"), ("publisher", "unknown (web article)"), ("publisher", "n/a"),
    ("title", "[Ukraine's place in the 2022 Russia-West security talks]"), ("locator", ""),
    ("locator", "  "), ("title", "An example report"), ("author", "N/A"), ("kind", "todo"),
    ("url", "https://example.com/report.pdf"), ("url", "http://www.example.org/x"), ("url", "localhost/a"),
    ("url", "https://reports.test/a"), ("url", "https://nowhere"), ("url", "www.ips-journal.eu/a"),
    ("url", "https://www.ips-journal.eu/TBD"), ("title", "Report ..."),
])
def test_placeholders_are_caught(field, value):
    assert placeholder_problems(field, value)


@pytest.mark.parametrize(("field", "value"), [
    ("title", "Where would a new global security architecture leave Ukraine?"),
    ("publisher", "International Politics and Society (IPS Journal), Friedrich-Ebert-Stiftung"),
    ("author", "Michael Brecher, Jonathan Wilkenfeld et al."), ("locator", "incident list, Black Sea"),
    ("url", "https://www.aljazeera.com/opinions/2023/5/10/to-achieve-peace-both-ukraine-and-russia-must-feel-secure"),
    ("title", "Vienna Document 2011 on Confidence- and Security-Building Measures"), ("author", None),
])
def test_real_references_pass(field, value):
    assert placeholder_problems(field, value) == []


def test_the_scenario_check_reads_sources_and_citation_locators():
    text = builtins.text("border-talks")
    broken = text.replace("publisher: multitrack (built-in scenarios)", "publisher: TBD").replace(
        "            source: primer\n          south:\n            salience: {dist",
        "            source: {id: primer, locator: n/a}\n          south:\n            salience: {dist", 1)
    assert broken.count("TBD") == 1 and "locator: n/a" in broken
    problems = scenario_problems(multitrack.loads(broken, "broken.yaml"))
    assert problems == ["source primer: publisher 'TBD' holds 'TBD'",
                        ".tracks[0].issues[0].positions.north.source (primer): locator 'n/a' holds 'n/a'"]
