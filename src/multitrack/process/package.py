"""The single package: one agreement over the union of every track's issues that needs every
veto player of every track, solved exactly per draw by mixed-integer programming (HiGHS).

Utilities are additive, so an actor's package utility is the sum of its track utilities and its
package reservation value the sum of its track reservation values: a gain on one track can pay
for a loss on another. A veto player of any track holds a veto over the whole package, so its
red lines bind on every issue it holds a position on, including tracks where it had no veto.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from ..progress import ProgressCallback
from ..settlement.preferences import DecisionRuleArrays, Party, Preferences, RedLine
from ..space.acceptance import tolerance
from ..space.milp import milp_solve
from ..space.track_space import RedLineRef, TrackSpace
from .kernel import solve_batch


@dataclass(frozen=True)
class PackageDraws:
    """Per draw: whether the package is agreed, and what it does on each track."""

    agreed: np.ndarray   # (D,)
    moved: np.ndarray    # (D, T) the agreed package changes someone's utility on the track
    gain: np.ndarray     # (D, T, n_actors) raw gain over the disagreement point per track (0: no deal)
    span: np.ndarray     # (D, n_actors) each actor's utility range over the package
    choice: np.ndarray   # (D, I) value index per issue of the package, tracks' issues in order (-1: none)


#: Packages with at most this many outcomes that every veto player's red lines allow are
#: enumerated for all draws at once in compiled code; larger ones are solved draw by draw with HiGHS
#: (which the package search can stop early), except a package of one track (see :func:`enumerated`).
ENUMERATION_LIMIT = 200_000


def enumerated(outcomes: int, n_tracks: int, limit: int = ENUMERATION_LIMIT) -> bool:
    """Whether a package of ``n_tracks`` tracks with ``outcomes`` allowed outcomes is solved by the
    compiled walk rather than HiGHS (``limit`` 0: never). A one-track package is the track itself,
    which the analysis already walks for the parallel design, so walking it again at most doubles
    that cost (an imported 390,625-outcome track: 45 s with HiGHS draw by draw, under 1 s walked);
    a raised limit for several tracks made the built-in scenario's package search 4.5x slower."""
    return limit > 0 and (outcomes <= limit or n_tracks == 1)


def solve_package(spaces: list[Preferences], actors: tuple[str, ...], time_limit: float = 60.0,
                  enumeration_limit: int = ENUMERATION_LIMIT, threads: int = 1,
                  progress: ProgressCallback | None = None) -> PackageDraws:
    """Solve the package in every draw of the tracks' batch spaces (their own forums): in compiled
    code when :func:`enumerated` says so for the outcomes every veto player's red lines allow (the
    kernel skips the others), else draw by draw with HiGHS."""
    batch = package_batch(spaces, actors)
    if enumerated(allowed_outcomes(batch), len(spaces), enumeration_limit):
        return _enumerated(batch, spaces, actors, threads, progress)
    d_n, t_n = spaces[0].draws, len(spaces)
    agreed = np.zeros(d_n, dtype=bool)
    moved = np.zeros((d_n, t_n), dtype=bool)
    gain = np.zeros((d_n, t_n, len(actors)))
    span = np.zeros((d_n, len(actors)))
    choice = np.full((d_n, sum(len(s.sizes) for s in spaces)), -1, dtype=np.int64)
    span[:] = batch.u_max - batch.u_min
    for d, deal in package_by_draw(spaces, actors, np.flatnonzero(may_pass(batch)), time_limit):
        if deal is not None:
            agreed[d] = True
            choice[d], gain[d], moved[d] = deal
    return PackageDraws(agreed, moved, gain, span, choice)


def package_by_draw(spaces: list[Preferences], actors: tuple[str, ...], draws, time_limit: float = 60.0
                    ) -> Iterator[tuple[int, tuple[np.ndarray, np.ndarray, np.ndarray] | None]]:
    """Each of ``draws`` in turn, solved with HiGHS: the draw and, where the package is agreed,
    its deal (value index per issue), each actor's gain on each track (T, A) and whether it
    moves each track (T,); None where it is not agreed. A caller may stop between draws."""
    for d in (int(k) for k in draws):
        space = package_space(spaces, actors, d)
        index = _solve_one(space, time_limit)
        if index is None:
            yield d, None
            continue
        gain = _track_gains(space, spaces, index, d)
        tol = 1e-9 * np.maximum(np.abs(gain).max(), 1.0)
        yield d, (index, gain, np.any(np.abs(gain) > tol, axis=1))


def package_batch(spaces: list[Preferences], actors: tuple[str, ...]) -> Preferences:
    """The package over all draws as one :class:`Preferences` (unanimity of every veto player)."""
    where = {a: k for k, a in enumerate(actors)}
    d_n, a_n = spaces[0].draws, len(actors)
    sizes = np.concatenate([s.sizes for s in spaces])
    v_max = int(sizes.max())
    tables = np.zeros((d_n, a_n, len(sizes), v_max))
    allowed = np.zeros((d_n, a_n, len(sizes), v_max), dtype=bool)
    reservation, no_deal = np.zeros((d_n, a_n)), np.zeros((d_n, a_n))
    veto = np.zeros(a_n, dtype=bool)
    start = 0
    for s in spaces:
        rows = [where[p.name] for p in s.parties]
        n, v = len(s.sizes), s.tables.shape[3]
        for i, size in enumerate(s.sizes):
            allowed[:, :, start + i, :size] = True
        tables[:, rows, start:start + n, :v] = s.tables
        allowed[:, rows, start:start + n, :v] = s.allowed
        reservation[:, rows] += s.reservation
        no_deal[:, rows] += s.disagreement
        veto[[where[p.name] for p in s.parties if p.veto]] = True
        start += n
    return Preferences(
        track_id="package", forum_id="package",
        parties=tuple(Party(a, a, 0, bool(veto[k])) for k, a in enumerate(actors)),
        issue_ids=tuple(i for s in spaces for i in s.issue_ids),
        labels=tuple(v for s in spaces for v in s.labels),
        tables=tables, allowed=allowed, sizes=sizes, reservation=reservation, disagreement=no_deal,
        rule=DecisionRuleArrays("unanimity", tuple(int(k) for k in np.flatnonzero(veto))),
        axes=tuple(x for s in spaces for x in s.axes), red_lines=package_joint_lines(spaces, actors))


def package_joint_lines(spaces: list[Preferences], actors: tuple[str, ...]) -> tuple[RedLine, ...]:
    """The tracks' red lines conditional on another issue of their track, renumbered to the
    package's issues and parties (they bind in the package as on their track)."""
    where = {a: k for k, a in enumerate(actors)}
    out, start = [], 0
    for s in spaces:
        out += [replace(x, issue=x.issue + start, party=where[s.parties[x.party].name],
                        when_issue=x.when_issue + start) for x in s.joint_lines]
        start += len(s.sizes)
    return tuple(out)


def may_pass(batch: Preferences, tol: np.ndarray | None = None) -> np.ndarray:
    """(D,) cheap necessary conditions in every draw at once: every issue keeps a value all veto
    players allow, and each veto player can reach its reservation value on those values (less
    ``tol`` (D, A), by default 1e-9 of its best utility there; the compiled walk allows
    ``batch.tolerance``, which is never smaller)."""
    veto = batch.veto
    ok = np.asarray(np.all(batch.allowed[:, veto], axis=1) if veto.any() else batch.allowed.any(axis=1))
    for i, size in enumerate(batch.sizes):
        ok[:, i, size:] = False
    possible = np.all(np.any(ok, axis=2), axis=1)
    best = np.where(ok[:, None], batch.tables, -np.inf).max(axis=3).sum(axis=2)
    tol = 1e-9 * np.maximum(np.abs(best), 1.0) if tol is None else tol
    reach = np.all((best >= batch.reservation - tol)[:, veto], axis=1)
    return possible & reach


def allowed_outcomes(batch: Preferences) -> int:
    """The most outcomes in any draw made of values that no veto player's red lines forbid."""
    veto = batch.veto
    ok = np.all(batch.allowed[:, veto], axis=1) if veto.any() else batch.allowed.any(axis=1)
    counts = ok.sum(axis=2).max(axis=0) if batch.draws else batch.sizes
    return math.prod(int(n) for n in counts)


def _enumerated(batch: Preferences, spaces: list[Preferences], actors: tuple[str, ...],
                threads: int = 1, progress: ProgressCallback | None = None) -> PackageDraws:
    """Small packages: every outcome of every draw in compiled code."""
    result = solve_batch(batch, threads, progress)
    d_n, t_n = batch.draws, len(spaces)
    gain = np.zeros((d_n, t_n, len(actors)))
    where = {a: k for k, a in enumerate(actors)}
    start = 0
    hit = result.agreed
    for k, s in enumerate(spaces):
        n = len(s.sizes)
        rows = [where[p.name] for p in s.parties]
        idx = np.maximum(result.choice[:, start:start + n], 0)
        u = sum(np.take_along_axis(s.tables[:, :, i, :], idx[:, i][:, None, None], axis=2)[:, :, 0]
                for i in range(n))
        gain[:, k, rows] = np.where(hit[:, None], u - s.disagreement, 0.0)
        start += n
    tol = 1e-9 * np.maximum(np.abs(gain).max(axis=(1, 2)), 1.0)
    moved = hit[:, None] & np.any(np.abs(gain) > tol[:, None, None], axis=2)
    choice = np.where(hit[:, None], result.choice, -1)
    return PackageDraws(hit, moved, gain, batch.u_max - batch.u_min, choice)


def _track_gains(space: TrackSpace, spaces: list[Preferences], index: np.ndarray, d: int) -> np.ndarray:
    """(T, n_actors): each actor's gain over its disagreement point on each track's issues."""
    out = np.zeros((len(spaces), space.n_actors))
    start = 0
    for k, s in enumerate(spaces):
        n = len(s.sizes)
        u = np.sum([space.tables[start + i][:, index[start + i]] for i in range(n)], axis=0)
        rows = [space.actors.index(p.name) for p in s.parties]
        out[k, rows] = u[rows] - s.disagreement[d]
        start += n
    return out


def package_space(spaces: list[Preferences], actors: tuple[str, ...], d: int) -> TrackSpace:
    """The package in draw ``d`` as one :class:`TrackSpace` over all actors."""
    where = {a: k for k, a in enumerate(actors)}
    n = len(actors)
    tables, allowed, labels, issue_ids = [], [], [], []
    reservation, no_deal = np.zeros(n), np.zeros(n)
    vetoes: set[int] = set()
    for s in spaces:
        rows = [where[p.name] for p in s.parties]
        reservation[rows] += s.reservation[d]
        no_deal[rows] += s.disagreement[d]
        vetoes.update(where[p.name] for p in s.parties if p.veto)
        for i, size in enumerate(s.sizes):
            t = np.zeros((n, size))
            m = np.ones((n, size), dtype=bool)
            t[rows] = s.tables[d, :, i, :size]
            m[rows] = s.allowed[d, :, i, :size]
            tables.append(t)
            allowed.append(m)
            labels.append(s.labels[i])
            issue_ids.append(s.issue_ids[i])
    joint = package_joint_lines(spaces, actors)
    axes = tuple(x for s in spaces for x in s.axes)
    refs = tuple(RedLineRef(x.issue, x.party, x.number, x.relation, x.threshold, float(x.axis_value[d]),
                            x.condition, x.when_issue, tuple(bool(h) for h in x.when_holds))  # type: ignore[union-attr]
                 for x in joint)
    masks = tuple(x.mask(axes[x.issue])[d] for x in joint)
    return TrackSpace(
        track_id="package", actors=actors, issue_ids=tuple(issue_ids), labels=tuple(labels),
        tables=tuple(tables), allowed=tuple(allowed), reservation=reservation, status_quo_utility=no_deal,
        status_quo_index=(None,) * len(tables), rule=DecisionRuleArrays("unanimity", tuple(sorted(vetoes))),
        capability=np.ones(n), red_lines=refs, line_masks=masks, axes=axes,
        joint=tuple(enumerate(masks)))


def _solve_one(space: TrackSpace, time_limit: float) -> np.ndarray | None:
    """The egalitarian compromise (value index per issue) if one passes and someone gains; if the
    best minimum gain is zero, the largest total gain decides whether anyone can gain at all."""
    if not _may_pass(space):
        return None
    for objective in ("egalitarian", "utilitarian"):
        index = milp_solve(space, objective, time_limit=time_limit)
        if index is None:
            return None
        if _gains(space, space.utilities_of(index)[:, 0]):
            return index
    return None


def _gains(space: TrackSpace, u: np.ndarray) -> bool:
    b = list(space.bargainers)
    tol = tolerance(space)
    return bool(np.any(u[b] - space.reservation[b] > tol[b]))


def _may_pass(space: TrackSpace) -> bool:
    """Cheap necessary conditions: every issue keeps a value all veto players allow, and each
    veto player can reach its reservation value on those values."""
    vetoes = list(space.rule.vetoes)
    best = np.zeros(space.n_actors)
    for t, m in zip(space.tables, space.allowed, strict=True):
        ok = np.all(m[vetoes], axis=0) if vetoes else np.ones(t.shape[1], bool)
        if not ok.any():
            return False
        best += t[:, ok].max(axis=1)
    tol = 1e-9 * np.maximum(np.abs(best), 1.0)
    return bool(np.all(best[vetoes] >= space.reservation[vetoes] - tol[vetoes]))
