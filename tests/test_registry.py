"""Analyses are discovered, not listed by hand."""

import multitrack
from multitrack.analysis import available, register, run_all
from multitrack.results import Result


def test_overview_is_discovered():
    names = [spec.name for spec in multitrack.analyses()]
    assert "overview" in names


def test_a_registered_analysis_runs_and_reaches_results(primer):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Count(Result):
        actors: int

    @register("count-actors-test", "Count actors", order=999)
    def count(scenario, *, progress=None):
        """Count the actors."""
        return Count(len(scenario.actors))

    try:
        assert available()[-1].name == "count-actors-test"
        results = run_all(primer, only=["count-actors-test"])
        assert results["count-actors-test"].to_dict() == {"actors": 2}
        assert list(results["count-actors-test"].to_frame()["actors"]) == [2]
    finally:
        from multitrack import analysis
        analysis._REGISTRY.pop("count-actors-test")


def test_progress_callback_receives_events(primer):
    events = []
    run_all(primer, only=["overview"], progress=events.append)
    assert events and events[-1].done == events[-1].total
