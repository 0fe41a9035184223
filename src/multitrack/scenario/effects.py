"""Cross-track effects: an outcome agreed on one track moves what an actor makes of another track.

Written at the top level of a scenario::

    cross_track:
      - id: china-presses-moscow
        title: China pressing Moscow to settle
        from: {track: guarantees, issue: china-stance, values: [presses-moscow-to-settle]}
        to: {track: ukraine-status, actor: RUS, no_deal: -0.15}
        source: {id: aljazeera-2023, locator: "..."}
        estimated: true

The effect holds in a draw where the ``from`` track agrees on one of the given values of its
issue (no issue: wherever the track agrees at all). The ``to`` track is then evaluated with the
actor's no-deal value or reservation value moved by the stated amount, on the actor's normalised
scale of that track (0 = its worst outcome there, 1 = its best), or its salience of an issue (or
of every issue it holds a position on) multiplied by the stated factor. A ``from`` track is
solved before every track it moves, so the effects may not run in a circle.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import LocatedValueError
from .estimates import Estimate
from .ids import Id
from .issues import Issue, check_value
from .sources import SourceRef
from .tracks import Track

#: What an effect can move on the ``to`` track, in the order the fields are read.
SHIFTS = ("no_deal", "reservation", "salience")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class EffectFrom(_Frozen):
    """Where an effect starts: a track agreeing, optionally on given values of one of its issues."""

    track: Id
    issue: Id | None = Field(None, description="An issue of the track (default: the effect holds "
                             "wherever the track agrees).")
    values: list[str | float] | None = Field(None, min_length=1, description="Values of the issue on which "
                                             "the effect holds: option names, or numbers on a numeric "
                                             "issue's grid (default: any agreed value).")

    @model_validator(mode="after")
    def _values_need_issue(self) -> EffectFrom:
        if self.values is not None and self.issue is None:
            raise LocatedValueError("values: needs the issue: they belong to", ("values",))
        return self


class EffectTo(_Frozen):
    """What an effect moves: one actor's no-deal value, reservation value or salience on a track."""

    track: Id
    actor: Id
    no_deal: Estimate | None = Field(None, description="Added to the actor's no-deal value, on its "
                                     "normalised scale of the track (negative: failure worth less, so "
                                     "it settles more readily); its reservation value moves with it "
                                     "unless the track states one.")
    reservation: Estimate | None = Field(None, description="Added to the actor's reservation value, on "
                                         "its normalised scale of the track.")
    salience: Estimate | None = Field(None, description="Multiplies the actor's salience of ``issue`` "
                                      "(default: of every issue of the track it holds a position on).")
    issue: Id | None = Field(None, description="For salience: the issue whose salience is scaled.")

    @property
    def kind(self) -> str:
        """Which of :data:`SHIFTS` the effect moves."""
        return next(k for k in SHIFTS if getattr(self, k) is not None)

    @property
    def amount(self):
        return getattr(self, self.kind)

    @model_validator(mode="after")
    def _one_shift(self) -> EffectTo:
        given = [k for k in SHIFTS if getattr(self, k) is not None]
        if len(given) != 1:
            raise LocatedValueError(f"give exactly one of {', '.join(SHIFTS)}; found "
                                    f"{', '.join(given) if given else 'none'}", ())
        if self.issue is not None and given[0] != "salience":
            raise LocatedValueError("issue: applies only to a salience effect", ("issue",))
        if self.salience is not None and self.salience.support[0] < 0:
            raise LocatedValueError("a salience factor cannot be negative", ("salience",))
        return self


class CrossTrackEffect(_Frozen):
    """One track's outcome shifting an actor's no-deal value, reservation value or salience on
    another track (e.g. China's stance on guarantees and Russia's no-deal value on Ukraine's
    status, seed 002)."""

    id: Id
    title: str | None = Field(None, min_length=1, description="What the effect is, in a few words "
                              "(e.g. 'China pressing Moscow to settle').")
    from_: EffectFrom = Field(alias="from")
    to: EffectTo
    source: SourceRef | None = None
    estimated: bool | None = Field(None, description="True when the size of the shift is the analyst's "
                                   "judgement rather than a figure stated in the source.")
    note: str | None = None


def check_cross_track(tracks: Sequence[Track], effects: Sequence[CrossTrackEffect]) -> None:
    """Raise :class:`LocatedValueError` at the first of a scenario's ``effects`` (its
    ``cross_track`` list, in order) that names an unknown or deferred track of its ``tracks``,
    an unknown issue or value, an actor who does not sit at the ``to`` track, a duplicate id,
    or that closes a circle of effects."""
    by_id = {t.id: t for t in tracks}
    seen: set[str] = set()
    for k, effect in enumerate(effects):
        path: tuple = ("cross_track", k)
        if effect.id in seen:
            raise LocatedValueError(f"effect id {effect.id!r} is used twice", path + ("id",))
        seen.add(effect.id)
        src = _track(by_id, effect.from_.track, path + ("from", "track"))
        if effect.from_.issue is not None:
            issue = _issue(src, effect.from_.issue, path + ("from", "issue"))
            for m, v in enumerate(effect.from_.values or []):
                check_value(issue, v, path + ("from", "values", m))
        dst = _track(by_id, effect.to.track, path + ("to", "track"))
        if dst.id == src.id:
            raise LocatedValueError("an effect runs from one track to another; this one names "
                                    f"{dst.id!r} twice", path + ("to", "track"))
        if effect.to.actor not in dst.participants:
            raise LocatedValueError(f"{effect.to.actor!r} does not sit at {dst.id!r} (its participants: "
                                    f"{', '.join(dst.participants)})", path + ("to", "actor"))
        if effect.to.issue is not None:
            issue = _issue(dst, effect.to.issue, path + ("to", "issue"))
            if effect.to.actor not in issue.positions:
                raise LocatedValueError(f"{effect.to.actor!r} holds no position on {issue.id!r}, so it has "
                                        "no salience there to scale", path + ("to", "issue"))
    cycle = _circle(effects)
    if cycle is not None:
        k, names = cycle
        raise LocatedValueError(f"cross-track effects run in a circle ({' -> '.join(names)}); a track "
                                "must be solved before the tracks it moves",
                                ("cross_track", k, "to", "track"))


def _track(tracks: dict[str, Track], track_id: str, path: tuple) -> Track:
    track = tracks.get(track_id)
    if track is None:
        raise LocatedValueError(f"{track_id!r} is not a track of the scenario (tracks: "
                                f"{', '.join(tracks)})", path)
    if track.deferred:
        raise LocatedValueError(f"track {track_id!r} is deferred: it is never negotiated, so it can "
                                "neither cause nor feel an effect", path)
    return track


def _issue(track: Track, issue_id: str, path: tuple) -> Issue:
    for issue in track.issues:
        if issue.id == issue_id:
            return issue
    raise LocatedValueError(f"{issue_id!r} is not an issue of track {track.id!r} (its issues: "
                            f"{', '.join(i.id for i in track.issues)})", path)


def _circle(effects: Sequence[CrossTrackEffect]) -> tuple[int, list[str]] | None:
    """The first effect (by index) that closes a circle of tracks, with the circle, or None."""
    edges: dict[str, list[tuple[str, int]]] = {}
    for k, e in enumerate(effects):
        edges.setdefault(e.from_.track, []).append((e.to.track, k))
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, trail: list[str]) -> tuple[int, list[str]] | None:
        state[node] = 1
        for nxt, k in edges.get(node, []):
            if state.get(nxt) == 1:
                path = trail + [node]
                return k, path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, trail + [node])
                if found is not None:
                    return found
        state[node] = 2
        return None

    for start in edges:
        if start not in state:
            found = visit(start, [])
            if found is not None:
                return found
    return None


def track_order(track_ids: list[str], effects: list[CrossTrackEffect]) -> list[str]:
    """The track ids with every effect's ``from`` track before its ``to`` track, otherwise in the
    given order (effects are checked acyclic when the scenario is validated)."""
    out: list[str] = []
    done: set[str] = set()
    before = {t: [e.from_.track for e in effects if e.to.track == t] for t in track_ids}

    def place(t: str) -> None:
        if t in done:
            return
        done.add(t)
        for f in before.get(t, []):
            if f in before:
                place(f)
        out.append(t)

    for t in track_ids:
        place(t)
    return out
