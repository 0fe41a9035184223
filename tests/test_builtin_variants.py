"""The built-in european-security scenario's named variants (a hard-line and a pragmatic Russia, the
US commitment fading) and its process designs in stages (signals first, easy steps first).

Each variant is run on the same small number of draws as the scenario as written, and the test
checks the direction of the headline the variant is meant to move, not its size."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace

import numpy as np
import pytest

from multitrack.analysis import run_all, run_settlement
from multitrack.process import designs
from multitrack.scenario import load
from multitrack.scenario.setpath import load_with

NAME = "european-security"
DRAWS = 200
SEED = 7


@cache
def _results(variant: str | None) -> dict:
    scenario = load(NAME) if variant is None else load_with(NAME, (), variant)
    settlement = run_settlement(scenario, DRAWS, SEED)
    return run_all(scenario, only=["process", "deterrence"], settlement=settlement)


def _agreed(variant: str | None, track: str) -> float:
    parallel = next(d for d in _results(variant)["process"].designs if d.design == "parallel")
    return parallel.p_track[track].value


def _deterred(variant: str | None, crisis: str) -> float:
    return next(c for c in _results(variant)["deterrence"].crises if c.id == crisis).deterred.value


@pytest.mark.parametrize("variant", ["hardline-russia", "pragmatic-russia", "us-commitment-fades"])
def test_each_variant_is_declared_sourced_and_valid(variant):
    declared = {v.id: v for v in load(NAME).variants}
    assert variant in declared
    assert declared[variant].sets and declared[variant].source is not None and declared[variant].estimated
    load_with(NAME, (), variant)  # every path exists and every value is valid


def test_hardline_russia_lowers_agreement_on_ukraines_status():
    assert _agreed("hardline-russia", "ukraine-status") < _agreed(None, "ukraine-status") - 0.3


def test_hardline_russia_weakens_deterrence_of_a_renewed_offensive():
    assert _deterred("hardline-russia", "renewed-offensive") <= _deterred(None, "renewed-offensive")


def test_pragmatic_russia_opens_the_2021_demands_track():
    assert _agreed(None, "russian-demands-2021") == 0
    assert _agreed("pragmatic-russia", "russian-demands-2021") > 0.3
    assert _agreed("pragmatic-russia", "ukraine-status") >= _agreed(None, "ukraine-status")


def test_fading_us_commitment_leaves_washington_less_to_gain_from_pressing_moscow():
    faded = _deterred("us-commitment-fades", "pressure-on-moscow")
    assert faded > _deterred(None, "pressure-on-moscow") + 0.1


def test_the_process_comparison_has_the_two_stage_and_easy_first_designs():
    result = _results(None)["process"]
    names = {d.design: d for d in result.designs}
    for name in ("parallel", "package", "partial-package", "sequential", "easy-first",
                 "sequence:signals-first", "sequence:easy-steps-first"):
        assert name in names
    signals = names["sequence:signals-first"]
    assert signals.tracks[0] == "opening" and "ukraine-status" in signals.tracks
    assert "signals-first" in signals.label and "opening ->" in signals.label
    easy = names["sequence:easy-steps-first"]
    assert easy.tracks.index("intermediate-missiles") < easy.tracks.index("ukraine-status")
    claims = {c.claim for c in result.claims}
    assert "sequence:signals-first-beats-parallel" in claims


def test_a_stage_moves_every_track_in_it_by_the_earlier_stages_only(monkeypatch):
    """Hand-worked: A always fails; B clears a bar of 0.05, C one of 0.15; each failure raises the
    bar by 0.1. One at a time, B sees one failure (bar 0.1) and fails, so C sees two (bar 0.2) and
    fails too. In stages (A, then B and C together) both see only A's failure: B still fails, C
    agrees."""
    level = {"A": -1.0, "B": 0.05, "C": 0.15}
    spaces = {t: SimpleNamespace(name=t) for t in level}
    alone = {t: SimpleNamespace(agreed=np.array([level[t] >= 0]), level=level[t]) for t in level}

    def after(space, result, c, threads, progress=None):
        return SimpleNamespace(agreed=np.array([result.level >= c[0]]), level=result.level)

    monkeypatch.setattr(designs, "_after", after)
    penalty = np.array([0.1])
    strict = designs.sequential(["A", "B", "C"], spaces, alone, penalty)
    staged = designs.sequential(["A", ("B", "C")], spaces, alone, penalty)
    assert [bool(strict[t].agreed[0]) for t in "ABC"] == [False, False, False]
    assert [bool(staged[t].agreed[0]) for t in "ABC"] == [False, False, True]


def test_a_named_sequence_must_name_active_tracks_once():
    base = load(NAME)
    doc = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    doc["process"]["sequences"] = [{"id": "bad", "stages": ["opening", ["opening", "guarantees"]]}]
    with pytest.raises(ValueError, match="listed twice"):
        type(base).model_validate(doc)
    doc["process"]["sequences"] = [{"id": "bad", "stages": ["borders"]}]
    with pytest.raises(ValueError, match="deferred"):
        type(base).model_validate(doc)
