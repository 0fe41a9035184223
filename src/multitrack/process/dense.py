"""The process kernel's evaluation written as whole-array operations over (draws x outcomes), for
any array module ``xp`` with numpy's interface: numpy itself, or CuPy on a GPU
(:mod:`multitrack.process.kernel_gpu`). It gives what :func:`multitrack.process.kernel.solve_batch`
gives (who accepts, whether the forum's rule is met, the egalitarian compromise of Kalai 1977,
"Proportional solutions to bargaining situations", Econometrica 45), not approximately but with
the same floating-point operations in the same order:

- a party's utility of an outcome is summed issue by issue from the first issue, as the kernel's
  odometer sums it, so every comparison with a reservation value sees the same number;
- the outcomes are enumerated breadth-first one issue at a time, and a prefix of values is dropped
  where, in every draw of the block, a veto player's red lines forbid it or no completion reaches
  the veto player's reservation value (the kernel's pruning, same test); in the draws where such a
  prefix stays, the same test masks it, so the kernel's skipped outcomes are exactly the masked ones;
- the kernel picks its compromise in one pass with a slack of 1e-12 on the smallest gain and on
  the total gain. Here each draw's largest smallest gain M, the largest total gain S among the
  outcomes reaching M and the first outcome with both are reduced over the outcomes; that is the
  kernel's choice exactly when no passing outcome lies within the slack below M (or, among those at
  M, below S). Those near ties are detected with the kernel's own float tests, and the draws that
  have one are handed back to the caller (``redo``), which solves them with the kernel.

Memory is bounded: draws go in blocks and prefixes in chunks of at most ``budget`` (draw, outcome)
cells per array.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..settlement.preferences import RULE_QUALIFIED, RULE_WEIGHTED, Preferences, tolerance
from .joint import joint_arrays

#: (draw, outcome) cells per array in one step when the caller names no budget: 512 kB of float64,
#: which keeps numpy's temporaries in the CPU caches (measured fastest of 2^16 .. 2^22 on one core).
BUDGET = 1 << 16

#: Outcomes per step that a block of draws leaves room for where the budget allows (fewer draws per
#: block, more outcomes per step: fewer Python steps, and prefixes dropped for the whole block sooner).
COLUMNS = 4096

#: The kernel's slack on gains (smallest and total) when it compares candidate compromises.
SLACK = 1e-12


@dataclass(frozen=True)
class DenseDraws:
    """What the dense evaluation found, on the host (numpy), in the kernel's layout; ``redo`` (D,)
    marks the draws with a near tie, whose other fields are not final (the caller re-solves them)."""

    agreed: np.ndarray
    n_pass: np.ndarray
    choice: np.ndarray
    utility: np.ndarray   # raw utilities at the compromise (not yet the disagreement point where not agreed)
    level: np.ndarray
    redo: np.ndarray


def solve_dense(space: Preferences, xp: Any = np, budget: int = BUDGET) -> DenseDraws:
    """Evaluate every outcome of ``space`` in every draw with array module ``xp`` (numpy or cupy),
    in blocks of draws and chunks of outcomes of at most ``budget`` cells per array."""
    d_n, a_n, i_n, v_n = space.tables.shape
    sizes = [int(n) for n in space.sizes]
    step = int(max(1, min(d_n, budget // max(max(sizes), COLUMNS))))
    parts = [_solve_block(space, xp, lo, min(d_n, lo + step), budget) for lo in range(0, d_n, step)]
    fields = zip(*[(p.agreed, p.n_pass, p.choice, p.utility, p.level, p.redo) for p in parts], strict=True)
    return DenseDraws(*(np.concatenate(f) for f in fields))


@dataclass
class _Prefixes:
    """Outcomes fixed on issues 0..k-1 (value ``digits`` (P, k)), with per draw and party the partial
    utility ``part`` (Db, A, P), ``alive`` (Db, P) (not pruned), and for the parties without a veto
    ``kept`` (Db, N, P): none of their red lines broken so far."""

    digits: Any
    part: Any
    alive: Any
    kept: Any


@dataclass
class _Block:
    """One block of draws on the device: the kernel's inputs, sliced and with derived arrays."""

    t: Any          # (Db, A, I, V) tables
    kept_by: Any    # (Db, N, I, V) what the red lines of the N parties without a veto allow
    open_: Any      # (Db, I, V) values no veto player's red line forbids
    suffix: Any     # (Db, I + 1, A) best utility a veto player can still add from issue k on
    r: Any          # (Db, A) reservation
    tol: Any        # (Db, A)
    bar: Any        # (Db, A) reservation - tolerance, as the kernel computes it
    inv_span: Any   # (Db, A)
    j_own: Any      # (Db, L, V)
    j_holds: Any    # (L, V)
    j_where: np.ndarray   # (L, 3) on the host
    veto: list[int]
    other: list[int]      # parties without a veto
    bargain: list[int]
    sizes: list[int]


def solve_batch_dense(space: Preferences, redo_with: Callable[[Preferences], Any], xp: Any = np,
                      budget: int = BUDGET, stats: dict | None = None) -> tuple[np.ndarray, ...]:
    """The fields of :func:`multitrack.process.kernel.solve_batch`'s ``TrackDraws`` (agreed, n_pass,
    choice, utility, level) from the dense evaluation; the draws with a near tie are solved by
    ``redo_with`` (the compiled kernel) on those draws alone (their number goes to ``stats["redo"]``)."""
    got = solve_dense(space, xp, budget)
    agreed, n_pass, choice, utility, level = got.agreed, got.n_pass, got.choice, got.utility, got.level
    redo = np.flatnonzero(got.redo)
    if stats is not None:
        stats["redo"] = int(redo.size)
    if redo.size:
        again = redo_with(take_draws(space, redo))
        agreed[redo], n_pass[redo], choice[redo] = again.agreed, again.n_pass, again.choice
        utility[redo], level[redo] = again.utility, again.level
    utility = np.where(agreed[:, None], utility, space.disagreement)
    return agreed, n_pass, choice, utility, level


def take_draws(space: Preferences, index: np.ndarray) -> Preferences:
    """The same model over the draws ``index`` only (every per-draw array sliced, red lines too)."""
    def cut(x):
        return None if x is None else x[index]
    lines = tuple(replace(x, axis_value=x.axis_value[index], applies=cut(x.applies)) for x in space.red_lines)
    return replace(space, tables=space.tables[index], allowed=space.allowed[index],
                   reservation=space.reservation[index], disagreement=space.disagreement[index],
                   red_lines=lines, status_quo_utility=cut(space.status_quo_utility),
                   status_quo_axis=cut(space.status_quo_axis), no_deal=cut(space.no_deal),
                   capability=cut(space.capability))


def _block(space: Preferences, xp: Any, lo: int, hi: int) -> _Block:
    u_lo, u_hi = space.u_min[lo:hi], space.u_max[lo:hi]
    span = np.where(u_hi > u_lo, u_hi - u_lo, 1.0)
    tol = tolerance(u_lo, u_hi)
    r = space.reservation[lo:hi]
    veto = space.veto
    bargain = veto.copy() if veto.any() else np.ones(space.n_parties, dtype=bool)
    t, allowed = space.tables[lo:hi], space.allowed[lo:hi]
    sizes = [int(n) for n in space.sizes]
    v_n = t.shape[3]
    in_range = np.arange(v_n)[None, :] < np.array(sizes)[:, None]           # (I, V)
    open_ = np.logical_and.reduce(allowed[:, veto], axis=1) & in_range if veto.any() else \
        np.broadcast_to(in_range, (hi - lo, *in_range.shape)).copy()
    suffix = np.zeros((hi - lo, len(sizes) + 1, space.n_parties))
    for k in range(len(sizes) - 1, -1, -1):  # the kernel's order: the sum grows from the last issue
        top = np.where(open_[:, None, k, :], t[:, :, k, :], -np.inf).max(axis=2)
        suffix[:, k] = suffix[:, k + 1] + top
    j_where, j_own, j_holds = joint_arrays(space)
    dev = xp.asarray
    def who(mask: np.ndarray) -> list[int]:
        return [int(a) for a in np.flatnonzero(mask)]
    return _Block(dev(t), dev(allowed[:, ~veto]), dev(open_), dev(suffix), dev(r), dev(tol), dev(r - tol),
                  dev(1.0 / span), dev(j_own[lo:hi]), dev(j_holds), j_where, who(veto), who(~veto),
                  who(bargain), sizes)


def _grow(b: _Block, xp: Any, pre: _Prefixes, k: int) -> _Prefixes:
    """Every prefix of ``pre`` extended by each value of issue ``k``, pruned as the kernel prunes."""
    n = b.sizes[k]
    db, a_n, p = pre.part.shape
    part = (pre.part[:, :, :, None] + b.t[:, :, k, None, :n]).reshape(db, a_n, p * n)
    alive = (pre.alive[:, :, None] & b.open_[:, None, k, :n]).reshape(db, p * n)
    for a in b.veto if k + 1 < len(b.sizes) else ():  # (at the last issue this is the acceptance test)
        alive &= ~(part[:, a] + b.suffix[:, k + 1, a, None] < b.bar[:, a, None])  # no completion reaches it
    kept = (pre.kept[:, :, :, None] & b.kept_by[:, :, k, None, :n]).reshape(db, len(b.other), p * n)
    values = xp.tile(xp.arange(n, dtype=xp.int64), p)[:, None]
    digits = xp.concatenate([xp.repeat(pre.digits, n, axis=0), values], axis=1)
    return _Prefixes(digits, part, alive, kept)


def _compact(xp: Any, pre: _Prefixes) -> _Prefixes:
    """Only the prefixes some draw of the block still needs (order kept)."""
    keep = xp.nonzero(pre.alive.any(axis=0))[0]
    if int(keep.shape[0]) == int(pre.alive.shape[1]):
        return pre
    return _Prefixes(pre.digits[keep], pre.part[:, :, keep], pre.alive[:, keep], pre.kept[:, :, keep])


def _leaves(b: _Block, xp: Any, pre: _Prefixes, k: int, budget: int) -> Iterator[_Prefixes]:
    """The complete outcomes below ``pre`` (fixed on issues < k), in the kernel's order, in chunks."""
    if k == len(b.sizes):
        yield pre
        return
    db, p = pre.alive.shape
    step = max(1, budget // (db * b.sizes[k]))
    for lo in range(0, p, step):
        sub = _Prefixes(pre.digits[lo:lo + step], pre.part[:, :, lo:lo + step], pre.alive[:, lo:lo + step],
                        pre.kept[:, :, lo:lo + step])
        grown = _grow(b, xp, sub, k)
        if k + 1 < len(b.sizes):
            grown = _compact(xp, grown)
            if int(grown.digits.shape[0]) == 0:
                continue
        yield from _leaves(b, xp, grown, k + 1, budget)


@dataclass
class _Best:
    """Running per-draw reduction over the chunks seen so far: the largest smallest gain ``m`` and
    the largest below it ``m2``; among outcomes at ``m``, the largest total gain ``s`` and the
    largest below it ``s2``; the first outcome at (m, s) and the first at m (value indices)."""

    m: Any
    m2: Any
    s: Any
    s2: Any
    first_ms: Any
    first_m: Any


def _chunk_best(xp: Any, passed: Any, g_min: Any, g_sum: Any, digits: Any) -> _Best:
    """The reduction over one chunk. A draw where nothing passes has m = -inf, and its other fields
    are never read (:func:`_merge` and the final test look at draws with m > -inf only)."""
    ninf = -xp.inf
    gm = xp.where(passed, g_min, ninf)
    m = gm.max(axis=1)
    m2 = xp.where(gm < m[:, None], gm, ninf).max(axis=1)
    at_m = gm == m[:, None]
    gs = xp.where(at_m, g_sum, ninf)
    s = gs.max(axis=1)
    s2 = xp.where(gs < s[:, None], gs, ninf).max(axis=1)
    first_ms = digits[_first(xp, gs == s[:, None])]
    first_m = digits[_first(xp, at_m)]
    return _Best(m, m2, s, s2, first_ms, first_m)


def _first(xp: Any, mask: Any) -> Any:
    """(Db,) the first True column of each row (0 where none)."""
    return xp.argmax(mask if xp is np else mask.astype(xp.int8), axis=1)


def _merge(xp: Any, old: _Best, new: _Best) -> _Best:
    """The reduction over old's outcomes followed by new's (old come first in the kernel's order)."""
    ninf = -xp.inf
    m = xp.maximum(old.m, new.m)
    m2 = xp.maximum(xp.where(old.m < m, old.m, old.m2), xp.where(new.m < m, new.m, new.m2))
    o_top, n_top = (old.m == m) & (old.m > ninf), (new.m == m) & (new.m > ninf)
    s = xp.maximum(xp.where(o_top, old.s, ninf), xp.where(n_top, new.s, ninf))
    s2 = xp.maximum(xp.where(o_top, xp.where(old.s < s, old.s, old.s2), ninf),
                    xp.where(n_top, xp.where(new.s < s, new.s, new.s2), ninf))
    keep_ms = (o_top & (old.s == s)) | ~(n_top & (new.s == s))
    first_ms = xp.where(keep_ms[:, None], old.first_ms, new.first_ms)
    first_m = xp.where((o_top | ~n_top)[:, None], old.first_m, new.first_m)
    return _Best(m, m2, s, s2, first_ms, first_m)


def _evaluate(b: _Block, xp: Any, leaf: _Prefixes, rule, state: dict) -> None:
    """Acceptance, the rule and the gains on one chunk of complete outcomes; folds into ``state``."""
    part, digits = leaf.part, leaf.digits
    db = part.shape[0]
    a_n = part.shape[1]
    joint = [xp.ones((db, digits.shape[0]), dtype=bool) for _ in range(a_n)] if len(b.j_where) else None
    for q, (who, own, cond) in enumerate(b.j_where):
        broken = b.j_holds[q, digits[:, cond]][None, :] & ~b.j_own[:, q, digits[:, own]]
        joint[who] &= ~broken  # type: ignore[index]
    passed = leaf.alive.copy()
    accepts = []
    for a in range(a_n):
        acc = part[:, a] >= b.bar[:, a, None]
        if a in b.other:
            acc &= leaf.kept[:, b.other.index(a)]
        if joint is not None:
            acc &= joint[a]
        if a in b.veto:
            passed &= acc
        accepts.append(acc)
    code, min_count, weights, threshold = rule
    if code == RULE_QUALIFIED:
        count = xp.zeros(passed.shape, dtype=xp.int64)
        for acc in accepts:
            count += acc
        passed &= ~(count < min_count)
    if code == RULE_WEIGHTED:
        weight = xp.zeros(passed.shape)
        for a, acc in enumerate(accepts):  # summed in party order, as the kernel sums it
            weight = weight + acc * float(weights[a])  # the weight or 0.0: the kernel's sum, exactly
        passed &= ~(weight < threshold - 1e-12)
    state["n_pass"] += passed.sum(axis=1)
    keep = xp.nonzero(passed.any(axis=0))[0]
    if int(keep.shape[0]) == 0:
        return
    if int(keep.shape[0]) < 0.75 * passed.shape[1]:  # the gains only where some draw passes
        passed, part, digits = passed[:, keep], part[:, :, keep], digits[keep]
    g_min = g_sum = improving = None
    for a in b.bargain:  # the kernel's sum starts at 0.0, and 0.0 + g == g
        gain = part[:, a] - b.r[:, a, None]
        g = gain * b.inv_span[:, a, None]
        up = gain > b.tol[:, a, None]
        g_min, g_sum, improving = (g, g, up) if g_min is None else \
            (xp.minimum(g_min, g), g_sum + g, improving | up)
    state["agreed"] |= (passed & improving).any(axis=1)
    best = _chunk_best(xp, passed, g_min, g_sum, digits)
    state["best"] = best if state["best"] is None else _merge(xp, state["best"], best)


def _solve_block(space: Preferences, xp: Any, lo: int, hi: int, budget: int) -> DenseDraws:
    b = _block(space, xp, lo, hi)
    db, a_n, i_n = hi - lo, space.n_parties, len(b.sizes)
    rule = space.rule
    weights = np.zeros(a_n) if rule.weights is None else rule.weights.astype(float)
    code = (rule.code, rule.min_participants, weights, float(rule.threshold))
    empty = ~b.open_.any(axis=2).all(axis=1)
    root = _Prefixes(xp.zeros((1, 0), dtype=xp.int64), xp.zeros((db, a_n, 1)), ~empty[:, None],
                     xp.ones((db, len(b.other), 1), dtype=bool))
    state: dict = {"n_pass": xp.zeros(db, dtype=xp.int64), "agreed": xp.zeros(db, dtype=bool), "best": None}
    for leaf in _leaves(b, xp, root, 0, budget):
        _evaluate(b, xp, leaf, code, state)
    best = state["best"]
    host = _to_host(xp)
    n_pass, agreed = host(state["n_pass"]), host(state["agreed"])
    if best is None:  # nothing survived the pruning in any draw
        return DenseDraws(agreed, n_pass, np.full((db, i_n), -1, dtype=np.int64), np.zeros((db, a_n)),
                          np.full(db, -np.inf), np.zeros(db, dtype=bool))
    m, m2, s, s2 = (host(x) for x in (best.m, best.m2, best.s, best.s2))
    has = m > -np.inf
    drift = m > m - SLACK  # the kernel can move to a slightly smaller smallest gain for a larger total
    near = has & (m2 > -np.inf) & ((m2 > m - SLACK) | ~(m > m2 + SLACK))
    near |= has & drift & (s2 > -np.inf) & ~(s > s2 + SLACK)
    choice = np.where(drift[:, None], host(best.first_ms), host(best.first_m))
    choice = np.where(has[:, None], choice, -1).astype(np.int64)
    utility = _utility(space.tables[lo:hi], choice)
    return DenseDraws(agreed, n_pass, choice, np.where(has[:, None], utility, 0.0), m, near)


def _utility(tables: np.ndarray, choice: np.ndarray) -> np.ndarray:
    """(Db, A) raw utilities at ``choice`` (Db, I), summed from the first issue as the kernel sums."""
    d = np.arange(tables.shape[0])
    out = np.zeros(tables.shape[:2])
    for i in range(choice.shape[1]):
        out = out + tables[d, :, i, np.maximum(choice[:, i], 0)]
    return out


def _to_host(xp: Any):
    return np.asarray if xp is np else xp.asnumpy


__all__ = ["BUDGET", "DenseDraws", "solve_batch_dense", "solve_dense", "take_draws"]
