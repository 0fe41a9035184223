"""The checks that read other analyses' results: forecasts beyond a veto player's red line,
deterrence under terms no agreement places, measures counted where their track failed.

Each reads the result it checks (and the process analysis's agreements by draw where it needs
them) and returns one :class:`ConsistencyWarning` per contradiction; a check whose inputs did not
run returns nothing and says so in a note.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..scenario.model import Scenario
from .result import ConsistencyWarning

MAIN_DESIGN = "parallel"


def _pct(x: float) -> str:
    return f"{x:.0%}" if x >= 0.01 or x == 0 else "<1%"


# --------------------------------------------------------------------------- forecasts


def forecast_warnings(forecast: Any) -> tuple[ConsistencyWarning, ...]:
    """One line per issue and veto player whose red line some model's forecast lies beyond."""
    out = []
    for issue in forecast.issues:
        by_actor: dict[str, list] = {}
        for b in getattr(issue, "beyond_red_lines", ()):
            by_actor.setdefault(b.actor, []).append(b)
        unit = f" {issue.unit}" if issue.unit else ""
        for actor, found in by_actor.items():
            words = {"below": "floor", "above": "ceiling", "equals": "excluded value"}[found[0].relation]
            models = ", ".join(f"{b.model} {b.forecast:.3g}" for b in found)
            share = max(b.share for b in found)
            out.append(ConsistencyWarning(
                "forecast-beyond-red-line",
                f"{issue.track}/{issue.issue}: forecasts ({models}{unit}) lie beyond veto player {actor}'s "
                f"{words} of {found[0].threshold:.3g}{unit} (in up to {_pct(share)} of draws), so no "
                "agreement on the track can land there.", actor, issue.track, issue.issue, share))
    return tuple(out)


# --------------------------------------------------------------------------- deterrence


def deterrence_warnings(scenario: Scenario, deterrence: Any) -> tuple[ConsistencyWarning, ...]:
    """Linked crises: draws in which the track failed yet deterrence differs from the no-deal
    terms' (per design). Unlinked crises: a tripwire force assumed in every draw while its
    guarantor negotiates on some track, which no agreement places."""
    out = []
    per_draw = getattr(deterrence, "per_draw", None)
    for crisis in scenario.deterrence:
        track = getattr(crisis, "track", None)
        if track is None:
            out += _unlinked(scenario, crisis)
        elif per_draw is not None:
            out += _linked(crisis, track, per_draw)
    return tuple(out)


def _unlinked(scenario: Scenario, crisis: Any) -> list[ConsistencyWarning]:
    out = []
    for g in crisis.guarantees:
        size = g.terms.get("tripwire")
        if size is None or getattr(g, "from_track", None) is not None or size.nominal <= 0:
            continue
        tables = [t.id for t in scenario.active_tracks if g.guarantor in t.participants]
        if tables:
            out.append(ConsistencyWarning(
                "deterrence-without-agreement",
                f"crisis {crisis.id}: deterrence counts {g.id}'s tripwire of {size.nominal:g} in every draw, "
                f"but no track's agreement places it (the crisis takes no terms from a track; {g.guarantor} "
                f"negotiates on {', '.join(tables)}).", g.guarantor, ",".join(tables), None, 1.0))
    return out


def _linked(crisis: Any, track: str, per_draw: Any) -> list[ConsistencyWarning]:
    out: list[ConsistencyWarning] = []
    no_deal_key = f"{crisis.id}/no-deal/deterred"
    prefix = f"{crisis.id}/design/"
    designs = sorted({n[len(prefix):].rsplit("/", 1)[0] for n in per_draw.names() if n.startswith(prefix)})
    if no_deal_key not in per_draw:
        return out
    no_deal = np.asarray(per_draw[no_deal_key], dtype=bool)
    for d in designs:
        agreed_key, hit_key = f"{prefix}{d}/agreed", f"{prefix}{d}/deterred"
        if agreed_key not in per_draw or hit_key not in per_draw:
            continue
        failed = ~np.asarray(per_draw[agreed_key], dtype=bool)
        wrong = failed & (np.asarray(per_draw[hit_key], dtype=bool) != no_deal)
        if wrong.any():
            share = float(wrong.mean())
            out.append(ConsistencyWarning(
                "deterrence-without-agreement",
                f"crisis {crisis.id} under {d}: in {int(wrong.sum())} draws ({_pct(share)}) track {track} "
                "fails but deterrence is not computed with the no-deal terms.", None, track, None, share))
    return out


# --------------------------------------------------------------------------- escalation


def measure_warnings(scenario: Scenario, escalation: Any, process: Any) -> tuple[ConsistencyWarning, ...]:
    """Measures tied to a track that count in draws where that track did not agree (parallel
    talks): read from the escalation result's strength by draw where it has one, else the measure
    counts in every draw and the process result says how often its track fails."""
    spec = scenario.escalation
    if spec is None or process is None or getattr(process, "per_draw", None) is None:
        return ()
    agreed_key = f"{MAIN_DESIGN}.agreed"
    if agreed_key not in process.per_draw:
        return ()
    agreed = np.asarray(process.per_draw[agreed_key], dtype=bool)
    tracks = tuple(process.tracks)
    esc_draws = getattr(escalation, "per_draw", None)
    strength_key = f"strength.{MAIN_DESIGN}"
    strength = None
    if esc_draws is not None and strength_key in esc_draws:
        strength = np.asarray(esc_draws[strength_key])
    out = []
    for k, m in enumerate(spec.measures):
        if m.track is None or m.track not in tracks:
            continue
        failed = ~agreed[:, tracks.index(m.track)]
        counted = np.ones(len(failed), dtype=bool) if strength is None else strength[:, k] > 0
        wrong = failed & counted
        if wrong.any():
            share = float(wrong.mean())
            how = (f"in every draw although its track {m.track} fails in {_pct(share)} of them"
                   if strength is None
                   else f"in {int(wrong.sum())} draws ({_pct(share)}) in which its track {m.track} fails")
            out.append(ConsistencyWarning("measure-without-agreement",
                                          f"measure {m.id} counts {how} under {MAIN_DESIGN} talks.",
                                          None, m.track, m.issue, share))
    return tuple(out)
