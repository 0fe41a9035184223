"""Cross-track effects in the preference model: where one track agrees on given values, an actor's
no-deal value, reservation value or salience on another track moves
(:mod:`multitrack.scenario.effects`).

The shifts are stated on the actor's normalised scale of the ``to`` track, like its no-deal value
(0 = its worst outcome there, 1 = its best), so a shift ``s`` adds ``s * (u_max - u_min)`` raw
points in each draw. A no-deal shift moves the disagreement point and, unless the track states a
reservation value for the actor, the reservation value that derives from it; a salience factor
rebuilds the actor's utilities with the scaled weight (and so its status-quo utility and the raw
no-deal point on the new scale). Everything is an array operation over the draws: an effect that
holds in some draws and not others moves only those rows.

In the process analysis the ``from`` track's compromise of each draw decides; in the agreement
space its central compromise (:func:`holds_at`). A ``from`` track is solved before the tracks
it moves (:func:`multitrack.scenario.effects.track_order`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np

from ..results import LinkEffect
from ..scenario.effects import CrossTrackEffect, track_order
from ..scenario.issues import OptionIssue
from ..scenario.model import Scenario
from ..scenario.tracks import Track
from .draws import DrawValues
from .preferences import Preferences, track_preferences

#: Builds a track's preference model from (possibly scaled) draws, with the same parties and grid.
Rebuild = Callable[[DrawValues], Preferences]


def effects_into(scenario: Scenario, track_id: str) -> tuple[CrossTrackEffect, ...]:
    """The effects that move ``track_id``, in file order."""
    return tuple(e for e in scenario.cross_track if e.to.track == track_id)


def _matches(track: Track, effect: CrossTrackEffect, issue_index: int, axis: np.ndarray) -> np.ndarray:
    """(n values,) which values on the issue's axis the effect names."""
    issue = track.issues[issue_index]
    out = np.zeros(len(axis), dtype=bool)
    for v in effect.from_.values or []:
        x = float(issue.options.index(v)) if isinstance(issue, OptionIssue) else float(v)  # type: ignore[arg-type]
        out |= np.isclose(axis, x, rtol=0.0, atol=1e-9 * max(1.0, abs(x)))
    return out


def holds(effect: CrossTrackEffect, track: Track, axes: Sequence[np.ndarray], agreed: np.ndarray,
          choice: np.ndarray) -> np.ndarray:
    """(D,) whether the effect holds in each draw: the ``from`` track (``track``, with its issues'
    ``axes``) agreed (``agreed`` (D,)) on one of the named values (``choice`` (D, I): each draw's
    compromise as value indices)."""
    agreed = np.asarray(agreed, dtype=bool)
    if effect.from_.issue is None or effect.from_.values is None:
        return agreed.copy()
    i = [x.id for x in track.issues].index(effect.from_.issue)
    named = _matches(track, effect, i, np.asarray(axes[i], dtype=float))
    k = np.asarray(choice)[:, i]
    return agreed & (k >= 0) & named[np.maximum(k, 0)]


def holds_at(effect: CrossTrackEffect, track: Track, outcome: Mapping[str, Any] | None) -> bool:
    """Whether the effect holds at one compromise of the ``from`` track (issue id -> value as
    written; None: the track agrees nothing)."""
    if outcome is None:
        return False
    if effect.from_.issue is None or effect.from_.values is None:
        return True
    got = outcome.get(effect.from_.issue)
    for v in effect.from_.values:
        if isinstance(v, str) or isinstance(got, str):
            if got == v:
                return True
        elif got is not None and np.isclose(float(got), float(v), rtol=0.0, atol=1e-9 * max(1.0, abs(v))):
            return True
    return False


class _Scaled(DrawValues):
    """The run's draws with some estimates (saliences) multiplied by a factor per draw."""

    def __init__(self, base: DrawValues, factors: Mapping[int, np.ndarray]) -> None:  # noqa: D107
        self.base = base
        self.size = base.size
        self.factors = dict(factors)

    def __call__(self, est, block: int = 0) -> np.ndarray:
        out = self.base(est, block)
        f = self.factors.get(id(est))
        return out if f is None else out * f


def shifted(scenario: Scenario, track: Track, prefs: Preferences, values: DrawValues,
            where: Sequence[tuple[CrossTrackEffect, np.ndarray]], rebuild: Rebuild) -> Preferences:
    """``prefs`` of ``track`` with each effect of ``where`` applied in the draws its mask (D,)
    marks: saliences first (one rebuild with every factor), then the no-deal and reservation
    shifts on the resulting scale."""
    factors: dict[int, np.ndarray] = {}
    for effect, mask in where:
        if effect.to.kind != "salience":
            continue
        s = np.where(mask, values(effect.to.amount), 1.0)
        for issue in track.issues:
            pos = issue.positions.get(effect.to.actor)
            if pos is not None and effect.to.issue in (None, issue.id):
                factors[id(pos.salience)] = factors.get(id(pos.salience), 1.0) * s
    out = prefs
    if factors:
        again = rebuild(_Scaled(values, factors))
        out = replace(prefs, tables=again.tables, reservation=again.reservation,
                      disagreement=again.disagreement, no_deal=again.no_deal,
                      status_quo_utility=again.status_quo_utility)
    moves = [(e, m) for e, m in where if e.to.kind != "salience" and np.any(m)]
    if not moves:
        return out
    reservation, disagreement = out.reservation.copy(), out.disagreement.copy()
    no_deal = np.full(reservation.shape, np.nan) if out.no_deal is None else out.no_deal.copy()
    span = out.u_max - out.u_min
    for effect, mask in moves:
        for a, party in enumerate(out.parties):
            if party.like != effect.to.actor:
                continue
            delta = np.where(mask, values(effect.to.amount, party.block), 0.0) * span[:, a]
            if effect.to.kind == "reservation":
                reservation[:, a] += delta
                continue
            no_deal[:, a] = np.where(np.isfinite(no_deal[:, a]), no_deal[:, a], disagreement[:, a]) + delta
            disagreement[:, a] += delta
            if effect.to.actor not in track.reservation_values:
                reservation[:, a] += delta
    return replace(out, reservation=reservation, disagreement=disagreement, no_deal=no_deal)


def apply_in_draws(scenario: Scenario, tracks: Sequence[Track], values: DrawValues,
                   spaces: dict[str, Preferences], solved: dict[str, Any],
                   solve: Callable[[Preferences], Any], rebuild: Callable[[Track, DrawValues], Preferences]
                   ) -> dict[str, np.ndarray]:
    """Apply every effect to the tracks it moves, in place: tracks in an order that solves each
    ``from`` track first, each moved track shifted where its effects hold and solved again
    (``solve``: the process kernel; ``rebuild``: the track's model from scaled draws). Returns, per
    effect, ``cross-track.<id>.holds`` (D,) and ``cross-track.<id>.agreed-without`` (D,): whether
    the moved track agreed before any effect on it was applied."""
    by_id = {t.id: t for t in tracks}
    out: dict[str, np.ndarray] = {}
    for t in track_order(list(by_id), list(scenario.cross_track)):
        effects = [e for e in effects_into(scenario, t) if e.from_.track in by_id]
        if not effects:
            continue
        where = []
        for e in effects:
            src, got = by_id[e.from_.track], solved[e.from_.track]
            mask = holds(e, src, spaces[src.id].axes, got.agreed, got.choice)
            where.append((e, mask))
            out[f"cross-track.{e.id}.holds"] = mask
            out[f"cross-track.{e.id}.agreed-without"] = np.asarray(solved[t].agreed, dtype=bool).copy()
        if not any(np.any(m) for _, m in where):
            continue
        track = by_id[t]
        spaces[t] = shifted(scenario, track, spaces[t], values, where, partial(rebuild, track))
        solved[t] = solve(spaces[t])
    return out


def _words(scenario: Scenario, effect: CrossTrackEffect) -> tuple[str, str, str]:
    """The effect's subject ('China pressing Moscow to settle'), its verb ('lowers') and what it
    moves, in words."""
    to = effect.to
    actor = scenario.actor(to.actor).name
    track = scenario.track(to.track).title
    nominal = float(to.amount.nominal)
    if to.kind == "salience":
        verb = "scales"
        what = f"the weight {actor} gives {to.issue or 'its issues'} on {track} by {nominal:g}"
    else:
        noun = "no-deal value" if to.kind == "no_deal" else "reservation value"
        verb = "lowers" if nominal < 0 else "raises"
        what = f"{actor}'s {noun} on {track} (by {abs(nominal):.2f} of its range)"
    src = effect.from_
    on = f" on {', '.join(str(v) for v in src.values)}" if src.values else ""
    return effect.title or f"Agreement on {src.track}{on}", verb, what


def process_links(scenario: Scenario, arrays: Mapping[str, np.ndarray]) -> tuple[LinkEffect, ...]:
    """A sentence per effect from the process arrays: in what share of draws it held and how the
    moved track's agreement rate (tracks in parallel) changed."""
    out = []
    for e in scenario.cross_track:
        mask = arrays.get(f"cross-track.{e.id}.holds")
        before = arrays.get(f"cross-track.{e.id}.agreed-without")
        after = arrays.get("parallel.agreed")
        if mask is None or before is None or after is None:
            continue
        tracks = [t.id for t in scenario.active_tracks]
        now = np.asarray(after)[:, tracks.index(e.to.track)]
        subject, verb, what = _words(scenario, e)
        b, a, share = float(np.mean(before)), float(np.mean(now)), float(np.mean(mask))
        out.append(LinkEffect(
            "cross-track", _source(e), f"track:{e.to.track}/actor:{e.to.actor}/{e.to.kind}",
            f"{subject} {verb} {what} in {share:.0%} of draws; the track then agrees in {a:.1%} of draws "
            f"instead of {b:.1%}.", b, a))
    return tuple(out)


def central_link(scenario: Scenario, effect: CrossTrackEffect, held: bool) -> LinkEffect:
    """The sentence for the agreement space, where one central compromise of the ``from`` track
    decides whether the effect holds."""
    subject, verb, what = _words(scenario, effect)
    if held:
        text = f"{subject} {verb} {what}: the {effect.from_.track} track's central compromise has it."
    else:
        text = (f"{subject} would {verb[:-1]} {what}, but the {effect.from_.track} track's central "
                "compromise does not have it, so nothing moved.")
    return LinkEffect("cross-track", _source(effect), f"track:{effect.to.track}/actor:{effect.to.actor}/"
                      f"{effect.to.kind}", text, None, None)


def _source(effect: CrossTrackEffect) -> str:
    src = effect.from_
    return f"track:{src.track}" + (f"/issue:{src.issue}" if src.issue else "")


def shift_central(scenario: Scenario, track: Track, prefs: Preferences,
                  compromise: Callable[[Track], Mapping[str, Any] | None] | None,
                  grid_points: int | None = None) -> tuple[Preferences, tuple[LinkEffect, ...]]:
    """``prefs`` of ``track`` at the central values (one draw) with the effects that hold at the
    ``from`` tracks' central compromises (``compromise``: a track -> its compromise, issue id ->
    value; None: no effect is read, as when the agreement space analyses a ``from`` track
    for another track), and a sentence per effect."""
    effects = effects_into(scenario, track.id)
    if not effects or compromise is None:
        return prefs, ()
    found: dict[str, Mapping[str, Any] | None] = {}
    where, links = [], []
    for e in effects:
        if e.from_.track not in found:
            found[e.from_.track] = compromise(scenario.track(e.from_.track))
        held = holds_at(e, scenario.track(e.from_.track), found[e.from_.track])
        where.append((e, np.array([held])))
        links.append(central_link(scenario, e, held))
    values = DrawValues.central(scenario)

    def rebuild(v: DrawValues) -> Preferences:
        return track_preferences(scenario, track, v, prefs.parties, grid_points=grid_points)

    return shifted(scenario, track, prefs, values, where, rebuild), tuple(links)
