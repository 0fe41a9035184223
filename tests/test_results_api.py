"""The results as a library user meets them: a built-in name where a scenario goes, every record
(nested ones too) with ``to_dict()`` and ``to_frame()``, an unknown id answered with a KeyError
that lists the known ids, and one name per analysis wherever it appears."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

import multitrack
from multitrack.results import UnknownIdError, by_id


@pytest.fixture(scope="module")
def european():
    """Every analysis on the built-in scenario (few draws: the shapes are what is tested)."""
    return multitrack.analyze("european-security", draws=40, seed=5)


def records(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every dataclass instance inside ``value`` (fields, tuples, lists, dict values), with its path."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield path, value
        for f in dataclasses.fields(value):
            yield from records(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from records(v, f"{path}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for k, v in enumerate(value):
            yield from records(v, f"{path}[{k}]")


def test_analyze_takes_a_built_in_name_as_load_does():
    by_name = multitrack.analyze("border-talks", only=["overview", "agreement"])
    by_model = multitrack.analyze(multitrack.load("border-talks"), only=["overview", "agreement"])
    assert by_name["agreement"].to_dict() == by_model["agreement"].to_dict()
    with pytest.raises(multitrack.ScenarioError):
        multitrack.analyze("no-such-scenario")


def applicable(scenario) -> set[str]:
    return {s.name for s in multitrack.analyses() if s.applies is None or s.applies(scenario)}


def test_every_analysis_ran_on_the_built_in_scenario(european):
    assert set(european) == applicable(multitrack.load("european-security")) and len(european) >= 9


def test_every_record_reachable_from_the_results_has_to_dict_and_to_frame(european):
    first: dict[type, tuple[str, Any]] = {}
    for name, result in european.items():
        for path, record in records(result, name):
            first.setdefault(type(record), (path, record))
    assert len(first) > 30  # the walk reaches the nested records, not only the top ones
    for cls, (path, record) in first.items():
        assert callable(getattr(record, "to_dict", None)), f"{cls.__qualname__} at {path}: no to_dict()"
        assert callable(getattr(record, "to_frame", None)), f"{cls.__qualname__} at {path}: no to_frame()"
        json.dumps(record.to_dict(), allow_nan=False)  # plain data, JSON-ready
        assert isinstance(record.to_frame(), pd.DataFrame)


# --------------------------------------------------------------------------- unknown ids


def _accessors(results, scenario):
    """Every accessor that looks a record up by id, with a wrong id."""
    overview, agreement = results["overview"], results["agreement"]
    forecast, negotiation = results["forecast"], results["negotiation"]
    issue = forecast.issues[0].issue
    yields = [
        ("track", lambda: overview.track("atlantis")),
        ("issue", lambda: overview.tracks[0].issue("atlantis")),
        ("track", lambda: agreement.track("atlantis")),
        ("solution", lambda: agreement.track("opening").solution("atlantis")),
        ("design", lambda: results["process"].design("atlantis")),
        ("issue", lambda: forecast.issue("atlantis")),
        ("model", lambda: forecast.issue(issue).model("atlantis")),
        ("conflict", lambda: results["stability"].conflict("atlantis")),
        ("crisis", lambda: results["deterrence"].crisis("atlantis")),
        ("scenario", lambda: results["escalation"].risk("atlantis", "combined", 120, "war")),
        ("rung", lambda: results["escalation"].risk("none", "combined", 120, "atlantis")),
        ("measure", lambda: results["escalation"].effect("atlantis", "combined", 120, "war")),
        ("case", lambda: results["self-determination"].case("atlantis")),
        ("track", lambda: negotiation.track("atlantis")),
        ("strategy", lambda: negotiation.tracks[0].run("atlantis")),
        ("actor", lambda: scenario.actor("atlantis")),
        ("track", lambda: scenario.track("atlantis")),
        ("source", lambda: scenario.source("atlantis")),
        ("per-draw array", lambda: next(r.per_draw for r in results.values()
                                        if getattr(r, "per_draw", None) is not None)["atlantis"]),
    ]
    return yields


def test_an_unknown_id_raises_a_key_error_listing_the_known_ids(european):
    scenario = multitrack.load("european-security")
    for what, call in _accessors(european, scenario):
        with pytest.raises(KeyError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"no {what} 'atlantis'; known {what}s: "), message
        assert len(message) > len(f"no {what} 'atlantis'; known {what}s: none"), message


def test_a_known_id_is_found_and_the_message_names_every_known_one():
    assert by_id([("a", 1), ("b", 2)], "b", lambda x: x[0], "track") == ("b", 2)
    with pytest.raises(UnknownIdError, match=r"^no track 'c'; known tracks: a, b$"):
        by_id([("a", 1), ("b", 2)], "c", lambda x: x[0], "track")


# --------------------------------------------------------------------------- one name per analysis


def test_each_analysis_goes_by_one_name(tmp_path):
    """The registry's name is the results key, the report's section id, the progress task of
    the analysis and its key in results.json (and the --only / --set name the CLI checks against
    the registry)."""
    from multitrack.report.files import write_report

    scenario = multitrack.load("european-security")
    tasks: set[str] = set()
    results = multitrack.analyze(scenario, draws=40, seed=5, progress=lambda e: tasks.add(e.task))
    names = applicable(scenario)
    assert set(results) == names
    assert names <= tasks  # every analysis reports progress, under its own name
    # finer heartbeats inside an analysis (issue 20) go under the analysis's name or, for a
    # track's solves, "track <id>"; nothing else
    extra = {t for t in tasks - names if not t.startswith("track ")}
    assert all(any(t.startswith(n) for n in names) for t in extra), extra
    assert any(t.startswith("track ") for t in tasks)  # the kernel reports per block of solves
    paths = write_report(tmp_path, scenario, results)
    html = paths["html"].read_text(encoding="utf-8")
    assert all(f'id="analysis-{name}"' in html for name in names)
    assert set(json.loads(paths["json"].read_text(encoding="utf-8"))["analyses"]) == names
