"""The seam that pins a track's outcome for the analyses that read it.

Deterrence (a guarantee's ``from_track`` terms) and escalation (measures a track agrees) read a
track's agreed outcome by draw from the process analysis's per-draw record: ``<design>.agreed``
(draws, tracks), ``<design>.choice.<track>`` (draws, issues: value indices, -1 for none) and
``<design>.value.<track>.<issue>`` (draws) under the main design, parallel talks. A proposal is
handed to them as exactly that record: its outcome where the track's rule carries it in that
draw, no deal elsewhere. Only crises and measures tied to a touched track are reported; the
others would read "no deal" on their untouched tracks, which is not the proposal's doing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import numpy as np

from ..montecarlo.perdraw import PerDraw
from ..scenario.model import Scenario
from ..settlement import Settlement
from ..settlement.preferences import Preferences
from .result import Effect

MAIN_DESIGN = "parallel"


@dataclass(frozen=True)
class PinnedOutcome:
    """A stand-in process result: the touched tracks' agreed outcomes by draw, nothing else."""

    tracks: tuple[str, ...]
    per_draw: PerDraw


def pinned_outcome(settlement: Settlement,
                   passing: Mapping[str, tuple[np.ndarray, np.ndarray, Preferences]]) -> PinnedOutcome:
    """The per-draw record of ``passing`` (track -> (passes (D,), value indices (I,), model))."""
    tracks = tuple(passing)
    d = settlement.draws
    agreed = np.column_stack([passing[t][0] for t in tracks]) if tracks else np.zeros((d, 0), bool)
    arrays: dict[str, np.ndarray] = {f"{MAIN_DESIGN}.agreed": agreed}
    for t in tracks:
        ok, x, prefs = passing[t]
        arrays[f"{MAIN_DESIGN}.choice.{t}"] = np.where(ok[:, None], x[None, :], -1).astype(np.int64)
        for i, iid in enumerate(prefs.issue_ids):
            arrays[f"{MAIN_DESIGN}.value.{t}.{iid}"] = np.where(ok, float(prefs.axes[i][x[i]]), np.nan)
    return PinnedOutcome(tracks, PerDraw.of(arrays, d, settlement.seed))


def linked_effects(scenario: Scenario, settlement: Settlement,
                   passing: Mapping[str, tuple[np.ndarray, np.ndarray, Preferences]]
                   ) -> tuple[tuple[Effect, ...], tuple[str, ...]]:
    """The headlines of deterrence and escalation that read a touched track, with the proposal
    pinned as the agreed outcome, and a note where no analysis reads the touched tracks."""
    touched = set(passing)
    crises = [c for c in scenario.deterrence if c.track in touched
              and any(g.from_track is not None for g in c.guarantees)]
    spec = scenario.escalation
    measures = [m for m in (spec.measures if spec else ()) if m.track in touched]
    if not crises and not measures:
        return (), (f"No deterrence term or escalation measure reads track(s) {', '.join(sorted(touched))}.",)
    upstream = {"process": pinned_outcome(settlement, passing)}
    out: list[Effect] = []
    if crises:
        from ..deterrence.analysis import DeterrenceResult, deterrence_analysis

        det = cast(DeterrenceResult, deterrence_analysis(scenario, settlement=settlement, upstream=upstream))
        for c in crises:
            got = det.crisis(c.id)
            no_deal = got.link.no_deal.value if got.link is not None else None
            out.append(Effect("deterrence", f"crisis:{c.id}", f"{c.challenger} deterred in '{c.title}'",
                              got.deterred.value, no_deal, "no deal"))
    if measures:
        from ..escalation.analysis import EscalationResult, escalation_analysis

        esc = cast(EscalationResult, escalation_analysis(scenario, settlement=settlement, upstream=upstream))
        heads = {k: float(np.mean(v)) for k, v in esc.headlines().items()}
        none = next((v for k, v in heads.items() if k.endswith("no measures")), None)
        for label, value in heads.items():
            if not label.endswith("no measures"):
                out.append(Effect("escalation", "escalation", label, value, none, "no measures"))
        for m in measures:
            try:
                mif = esc.measure_in_force(m.id)
            except KeyError:
                continue
            out.append(Effect("escalation", f"measure:{m.id}",
                              f"'{m.id}' in force (share of its stated effect)", mif.strength, None))
    return tuple(out), ()
