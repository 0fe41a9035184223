"""Pareto frontiers of a track: exact, by decomposition over issues or by enumeration.

Decomposition: with additive utilities on a product space, an outcome is Pareto-optimal only
if each of its issue values is Pareto-optimal among that issue's values (otherwise swapping
in a dominating value would dominate the outcome). So the frontier of the product is the
frontier of the sums of per-issue frontiers, built one issue at a time; constraints that only
ask for enough utility (reservation values) keep frontier points frontier points. This is
exact at any size as long as the intermediate frontiers stay small. Enumeration walks every
outcome in chunks and keeps a running frontier; it handles any acceptance rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from .acceptance import accepts, rule_met
from .enumeration import DEFAULT_CHUNK, Chunk, iter_chunks, unravel
from .skyline import pareto_mask
from .track_space import TrackSpace

#: Most candidate points one merge step of the decomposition may hold.
DEFAULT_MERGE_CAP = 4_000_000


class FrontierTooLarge(Exception):
    """The decomposition's intermediate frontier outgrew the cap."""


@dataclass(frozen=True, eq=False)
class Frontier:
    """Pareto-optimal outcomes among ``dims`` (participant indices), one per utility vector."""

    index: np.ndarray    # (m, n_issues) value indices
    utility: np.ndarray  # (n_actors, m) raw utilities of every participant
    dims: tuple[int, ...]
    method: str

    @property
    def size(self) -> int:
        return self.index.shape[0]


def _secondary(space: TrackSpace, dims: tuple[int, ...]) -> list[np.ndarray]:
    """Per issue, the others' summed normalised value: picks, among outcomes the bargainers
    value equally, the one best for everyone else."""
    others = [a for a in range(space.n_actors) if a not in dims]
    span = np.where(space.u_max > space.u_min, space.u_max - space.u_min, 1.0)
    return [(t[others] / span[others, None]).sum(axis=0) for t in space.tables]


def pareto_rows(points: np.ndarray, secondary: np.ndarray | None = None) -> np.ndarray:
    """Row indices of the undominated rows; among equal rows, the one with most ``secondary``."""
    if secondary is None:
        return np.flatnonzero(pareto_mask(points))
    order = np.argsort(-secondary, kind="stable")
    keep = pareto_mask(points[order])
    return np.sort(order[keep])


def product_frontier(space: TrackSpace, dims: tuple[int, ...], masks_from: tuple[int, ...], *,
                     cap: int = DEFAULT_MERGE_CAP) -> np.ndarray:
    """Value indices (m, n_issues) of the Pareto frontier among ``dims`` of the outcomes that
    break no red line of ``masks_from``, by decomposition over issues. Red lines of ``masks_from``
    conditional on another issue split the space into cases (each condition holds or not), each a
    product space again; the frontier is the frontier of the cases' frontiers."""
    joint = [(k, own) for k, own in space.joint if space.red_lines[k].actor in masks_from]
    if joint:
        return _frontier_by_cases(space, dims, masks_from, joint, cap)
    secondary = _secondary(space, dims)
    # With no one outside ``dims`` every secondary value is 0 and a stable sort on it changes
    # nothing: skip it (the same rows come out).
    tie_break = len(dims) < space.n_actors
    n = len(space.tables)
    acc_idx = np.zeros((1, n), dtype=np.int64)
    acc_u = np.zeros((1, len(dims)))
    acc_s = np.zeros(1)
    order = sorted(range(n), key=lambda i: space.shape[i])
    for i in order:
        ok = np.ones(space.shape[i], dtype=bool)
        for a in masks_from:
            ok &= space.allowed[i][a]
        values = np.flatnonzero(ok)
        if values.size == 0:
            return np.zeros((0, n), dtype=np.int64)
        u_i = space.tables[i][list(dims)][:, values].T
        s_i = secondary[i][values]
        keep = pareto_rows(u_i, s_i if tie_break else None)
        values, u_i, s_i = values[keep], u_i[keep], s_i[keep]
        m = acc_u.shape[0] * values.size
        if m > cap:
            raise FrontierTooLarge(f"{m:,} candidates when adding issue {space.issue_ids[i]!r}")
        cand_u = (acc_u[:, None, :] + u_i[None, :, :]).reshape(m, len(dims))
        cand_s = (acc_s[:, None] + s_i[None, :]).reshape(m)
        rows = pareto_rows(cand_u, cand_s if tie_break else None)
        left, right = np.divmod(rows, values.size)
        acc_idx = acc_idx[left].copy()
        acc_idx[:, i] = values[right]
        acc_u, acc_s = cand_u[rows], cand_s[rows]
    return acc_idx


#: Most red lines conditional on another issue the decomposition splits on (2**n cases).
MAX_CASE_SPLITS = 10


def _frontier_by_cases(space: TrackSpace, dims: tuple[int, ...], masks_from: tuple[int, ...],
                       joint: list[tuple[int, np.ndarray]], cap: int) -> np.ndarray:
    """The product frontier under joint red lines: in each case (a choice, for every joint line,
    of whether its condition holds), the condition's issue is restricted to the values where the
    choice is true and the line becomes a plain red line or none; the cases partition the
    outcomes, so the frontier of their frontiers is exact."""
    if len(joint) > MAX_CASE_SPLITS:
        raise FrontierTooLarge(f"{len(joint)} conditional red lines would split the space into "
                               f"{2 ** len(joint):,} cases")
    found = []
    for case in range(2 ** len(joint)):
        allowed = [a.copy() for a in space.allowed]
        for bit, (k, own) in enumerate(joint):
            ref = space.red_lines[k]
            holds = np.asarray(ref.when_holds, dtype=bool)
            if case >> bit & 1:
                allowed[ref.when_issue][ref.actor] &= holds
                allowed[ref.issue][ref.actor] &= own
            else:
                allowed[ref.when_issue][ref.actor] &= ~holds
        part = product_frontier(replace(space, allowed=tuple(allowed), joint=()), dims, masks_from, cap=cap)
        found.append(part)
    idx = np.concatenate(found)
    if not idx.shape[0]:
        return idx
    u = space.utilities_of(idx)[list(dims)].T
    sec = np.sum([s_i[idx[:, i]] for i, s_i in enumerate(_secondary(space, dims))], axis=0)
    return idx[np.sort(pareto_rows(u, sec))]


def agreement_frontier(space: TrackSpace, *, chunk_size: int = DEFAULT_CHUNK,
                       enumeration_limit: int | None = None, cap: int = DEFAULT_MERGE_CAP) -> Frontier:
    """The Pareto frontier among the bargainers of the outcomes that pass the decision rule."""
    dims = space.bargainers
    if space.rule.kind == "unanimity":
        vetoes = space.rule.vetoes
        idx = product_frontier(space, dims, vetoes, cap=cap)
        util = space.utilities_of(idx) if idx.size else np.zeros((space.n_actors, 0))
        if vetoes and idx.shape[0]:
            ok = accepts(space, util, np.ones_like(util, dtype=bool))[list(vetoes)].all(axis=0)
            idx, util = idx[ok], util[:, ok]
        return Frontier(idx, util, dims, "decomposition")
    if enumeration_limit is not None and space.size > enumeration_limit:
        raise FrontierTooLarge(f"the {space.rule.kind} rule needs enumeration of {space.size:,} outcomes")

    def passes(chunk: Chunk) -> np.ndarray:
        return rule_met(space, accepts(space, chunk.utility, chunk.allowed))

    return enumerated_frontier(space, passes, dims, chunk_size=chunk_size)


def enumerated_frontier(space: TrackSpace, passes: Callable[[Chunk], np.ndarray], dims: tuple[int, ...],
                        *, chunk_size: int = DEFAULT_CHUNK) -> Frontier:
    """Frontier among ``dims`` of the outcomes for which ``passes`` holds, by enumeration."""
    others = [a for a in range(space.n_actors) if a not in dims]
    span = np.where(space.u_max > space.u_min, space.u_max - space.u_min, 1.0)
    best_u = np.zeros((0, len(dims)))
    best_s = np.zeros(0)
    best_flat = np.zeros(0, dtype=np.int64)
    for chunk in iter_chunks(space, chunk_size):
        ok = passes(chunk)
        if not ok.any():
            continue
        cand_u = np.concatenate([best_u, chunk.utility[list(dims)][:, ok].T])
        cand_s = np.concatenate([best_s, (chunk.utility[others][:, ok] / span[others, None]).sum(axis=0)])
        cand_f = np.concatenate([best_flat, chunk.start + np.flatnonzero(ok)])
        rows = pareto_rows(cand_u, cand_s)
        best_u, best_s, best_flat = cand_u[rows], cand_s[rows], cand_f[rows]
    idx = unravel(space, best_flat) if best_flat.size else np.zeros((0, len(space.shape)), dtype=np.int64)
    util = space.utilities_of(idx) if idx.size else np.zeros((space.n_actors, 0))
    return Frontier(idx, util, dims, "enumeration")
