"""The questions the seed documents raise, as data (issue 19, item 3): each with the documents
that raise it (source ids of the scenario), the analyses whose results answer it, how, and the
hinges that say what its answer turns on. The answers are computed in :mod:`.answers`; nothing
here holds a finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Question:
    """One question: ``subject`` names the scenario's parts it is about (a track, an issue, a
    crisis, a cross-track effect, values to test); ``hinges`` are prefixes of the hinges
    analysis's headline ids that bear on it ("{track}": each track the answer's figures name)."""

    id: str
    asks: str
    raised_by: tuple[str, ...]
    results: tuple[str, ...]
    how: str
    hinges: tuple[str, ...] = ()
    subject: dict[str, Any] = field(default_factory=dict)


QUESTIONS: tuple[Question, ...] = (
    Question("parallel-or-package", "Does a parallel-track design beat a grand bargain?",
             ("paikin-2024", "talks-2022"), ("process", "hinges"),
             "Tracks agreed on average with every track on its own (parallel) against one package of "
             "all of them, on the same draws; the best partial package beside them.",
             hinges=("designs/",)),
    Question("binding-red-line", "Which red line binds?",
             ("paikin-2024", "graham-menon-2022", "talks-2022"), ("agreement", "hinges"),
             "For each blocked track of the settlement, the smallest sets of red lines that block it "
             "(whose, on which issue) and the single relaxations that open a deal.",
             hinges=("track:{track}/",)),
    Question("moratorium", "What does a 20-25-year moratorium on accession do to the deal space?",
             ("graham-menon-2022", "paikin-2024"), ("process", "proposals"),
             "The status track evaluated as a proposal with the moratorium fixed at each length: the "
             "share of draws in which its best completion passes and each party's acceptance.",
             hinges=("track:ukraine-status/",),
             subject={"track": "ukraine-status", "issue": "accession-moratorium", "values": (20, 25)}),
    Question("guarantee", "What guarantee would make Ukraine secure without making Russia insecure?",
             ("aljazeera-2023", "paikin-2024"), ("agreement", "deterrence", "process"),
             "Whether the guarantees track has an outcome every decider accepts; how often a renewed "
             "offensive is deterred under the terms it agrees; the smallest force that deters against "
             "Russia's red line on it.",
             hinges=("renewed-offensive/", "track:guarantees/"),
             subject={"track": "guarantees", "crisis": "renewed-offensive"}),
    Question("cbms-and-war", "Whether and how much do confidence-building measures lower the risk of war?",
             ("paikin-2024",), ("escalation", "hinges"),
             "The chance that any theatre reaches war within the longest horizon: no measures, the "
             "measures as agreed in parallel talks, and all of them in force at full effect.",
             hinges=("escalation/",)),
    Question("us-russia-table", "Does a US-Russia table agree where a multilateral one stalls, and would "
             "its deal survive ratification?", ("graham-menon-2022", "talks-2022"), ("process",),
             "Per track with forums: agreement at the bilateral table against the multilateral ones on "
             "the same draws, and agreement once the parties it binds must ratify.",
             hinges=("track:{track}/",)),
    Question("china-pressure", "What could China's pressure change?", ("aljazeera-2023",),
             ("process", "deterrence"),
             "The cross-track effect of China pressing Moscow: in what share of draws it fires and what "
             "it changes on the track it moves.",
             hinges=("pressure-on-moscow/",),
             subject={"effect": "china-presses-moscow", "crisis": "pressure-on-moscow"}),
)
