"""Every outcome of a track, for every draw, in compiled code: who accepts, whether the forum's
rule is met, and the egalitarian compromise (Kalai 1977, "Proportional solutions to bargaining
situations", Econometrica 45: the outcome that maximises the smallest normalised gain over
reservation among the bargainers; ties go to the larger total gain, then the first outcome).

The outcomes are walked like an odometer, keeping partial sums per issue, so each outcome
costs O(parties) rather than O(parties x issues); values a veto player's red lines forbid are
skipped before the walk. A red line conditional on another issue of the track forbids values
only in some outcomes, so it is checked at each leaf of the walk instead.

Large tracks under a unanimity rule without such joint red lines go to the block kernel
(:mod:`.kernel_blocks`), which gives the same answers and skips the subtrees whose outcomes all
pass and cannot move the compromise.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..progress import ProgressCallback, report
from ..settlement.preferences import RULE_QUALIFIED, RULE_UNANIMITY, RULE_WEIGHTED, Preferences, tolerance
from .joint import joint_arrays
from .kernel_blocks import solve_unanimity
from .leaf import advance, beats, gains, keep


@dataclass(frozen=True)
class TrackDraws:
    """Per draw: agreed or not, outcomes passing the rule, the compromise and its utilities."""

    agreed: np.ndarray     # (D,) bool: an outcome passes the rule and some bargainer gains
    n_pass: np.ndarray     # (D,) outcomes passing the rule (the win-set)
    choice: np.ndarray     # (D, I) value index per issue of the compromise (-1: none)
    utility: np.ndarray    # (D, A) raw utilities at the compromise (the disagreement point where not agreed)
    level: np.ndarray      # (D,) the compromise's smallest normalised gain among the bargainers (-inf: none)


#: Threads that walk the draws of one space in parallel when a run stays in one process; the
#: kernel releases the GIL, and every draw is computed alone, so results do not depend on it.
THREADS = min(4, os.cpu_count() or 1)


#: Outcome-draws solved between two progress events (a block of draws): a huge track reports
#: every few seconds instead of going silent; results do not depend on it.
PROGRESS_BLOCK = 20_000_000

#: The block kernel (:mod:`.kernel_blocks`) takes tracks of at least this many outcome-draws
#: under a unanimity rule without joint red lines. Measured (CPU time, one thread, two opposed
#: veto players): from 3 outcomes x 1 draw (1.1x) through 625 x 500 (1.5x) and 10^4 x 500
#: (2.5x) to 390,625 x 1,000 (6x) it is never the slower, so it takes every such track.
BLOCKS_FROM = 0


def solve_batch(space: Preferences, threads: int = 1, progress: ProgressCallback | None = None,
                blocks: bool | None = None, device: str | None = None) -> TrackDraws:
    """Evaluate the preference model ``space`` in every draw (split over ``threads`` threads):
    acceptance and the decision rule as :func:`multitrack.settlement.preferences.accepts` and
    ``rule_passes`` define them, compiled. ``progress`` hears of every block of draws solved
    (about :data:`PROGRESS_BLOCK` outcome-draws each); ``blocks`` forces the block kernel on
    (where it applies) or off (None: by size). ``device`` ``cpu``, ``gpu`` or ``auto`` (None: the
    ``MULTITRACK_DEVICE`` variable, else auto) may send a big space to a GPU (:mod:`.kernel_gpu`)."""
    if device != "cpu":  # the optional GPU path: same answers; CuPy is looked for only for big spaces
        from .kernel_gpu import solve_on_gpu, use_gpu
        if use_gpu(device, space.n_outcomes * space.draws):
            cpu = lambda s: solve_batch(s, threads, blocks=blocks, device="cpu")  # noqa: E731 - near ties
            return TrackDraws(*solve_on_gpu(space, cpu))
    lo, hi = space.u_min, space.u_max
    span = np.where(hi > lo, hi - lo, 1.0)
    tol = tolerance(lo, hi)
    veto = space.veto
    bargain = veto.copy() if veto.any() else np.ones(len(space.parties), dtype=bool)
    d_n, a_n, i_n, v_n = space.tables.shape
    out = (np.zeros(d_n, dtype=bool), np.zeros(d_n, dtype=np.int64), np.full((d_n, i_n), -1, dtype=np.int64),
           np.zeros((d_n, a_n)), np.full(d_n, -np.inf))
    inputs = (np.ascontiguousarray(space.tables), np.ascontiguousarray(space.allowed), np.ascontiguousarray(
        space.reservation), np.ascontiguousarray(tol), np.ascontiguousarray(1.0 / span))
    rule = space.rule
    weights = np.zeros(len(space.parties)) if rule.weights is None else rule.weights.astype(float)
    fixed = (veto, bargain, rule.code, rule.min_participants, weights, float(rule.threshold))
    j_where, j_own, j_holds = joint_arrays(space)
    simple = rule.code == RULE_UNANIMITY and len(j_where) == 0
    use_blocks = simple and (space.n_outcomes * d_n >= BLOCKS_FROM if blocks is None else blocks)

    def run(lo_d: int, hi_d: int) -> None:
        t, al, r, tl, isp = (x[lo_d:hi_d] for x in inputs)
        if use_blocks:
            solve_unanimity(t, al, space.sizes, r, tl, veto, bargain, isp, *(o[lo_d:hi_d] for o in out),  # type: ignore[call-arg]
                            np.zeros((i_n, v_n), dtype=np.int64), np.zeros(i_n, dtype=np.int64),
                            np.zeros((i_n + 1, a_n)), np.zeros(i_n, dtype=np.int64), np.zeros((i_n + 1, a_n)),
                            np.zeros((i_n, a_n)), np.zeros((i_n, a_n)), np.zeros(a_n),
                            np.zeros(i_n, dtype=np.int64))
            return
        work = (np.zeros((i_n, v_n), dtype=np.int64), np.zeros(i_n, dtype=np.int64), np.zeros((i_n + 1, a_n)),
                np.zeros(i_n, dtype=np.int64), np.zeros((i_n + 1, a_n)), np.ones((i_n + 1, a_n), dtype=bool),
                np.ones(a_n, dtype=bool))
        _solve(t, al, space.sizes, r, tl, *fixed, isp, j_where, j_own[lo_d:hi_d], j_holds,  # type: ignore[call-arg]
               *(o[lo_d:hi_d] for o in out), *work)

    def run_rows(lo_d: int, hi_d: int) -> None:
        n = hi_d - lo_d  # threads only where each gets about a million outcome-draws or more
        parts = min(threads, n, max(1, space.n_outcomes * n // 1_000_000))
        cuts = lo_d + np.linspace(0, n, parts + 1).astype(int)
        if len(cuts) > 2:
            with ThreadPoolExecutor(len(cuts) - 1) as pool:
                list(pool.map(run, cuts[:-1], cuts[1:]))
        else:
            run(lo_d, hi_d)

    step = max(1, PROGRESS_BLOCK // max(1, space.n_outcomes))
    task = f"track {space.track_id}"
    for start in range(0, d_n, step):
        run_rows(start, min(d_n, start + step))
        report(progress, task, min(d_n, start + step), d_n)
    agreed, n_pass, choice, utility, level = out
    utility = np.where(agreed[:, None], utility, space.disagreement)
    return TrackDraws(agreed, n_pass, choice, utility, level)


@njit(cache=True, nogil=True)
def _solve(tables, allowed, sizes, reservation, tol, veto, bargain, rule, min_count, weights, threshold,
           inv_span, j_where, j_own, j_holds, agreed, n_pass, choice, utility, level,
           vals, counts, suffix, digit, part, okp, jok):  # pragma: no cover - compiled
    """Fill the outputs (agreed ... level) draw by draw, using the work arrays (vals ... jok);
    one compiled function with no allocation inside, which keeps the first compilation short.
    Joint red lines (``j_where`` party, issue, condition issue; ``j_own`` allowed values where the
    condition holds; ``j_holds``) cannot be cut before the walk: they are checked at each leaf."""
    d_n, a_n, i_n = tables.shape[0], tables.shape[1], tables.shape[2]
    for d in range(d_n):
        t, al, r, tl, isp = tables[d], allowed[d], reservation[d], tol[d], inv_span[d]
        empty = False
        for i in range(i_n):  # per issue, the values no veto player's red line forbids
            counts[i] = 0
            for v in range(sizes[i]):
                ok = True
                for a in range(a_n):
                    if veto[a] and not al[a, i, v]:
                        ok = False
                        break
                if ok:
                    vals[i, counts[i]] = v
                    counts[i] += 1
            if counts[i] == 0:
                empty = True
        if empty:
            continue
        for a in range(a_n):  # best utility a veto player can still add from issue k on
            suffix[i_n, a] = 0.0
        for k in range(i_n - 1, -1, -1):
            for a in range(a_n):
                top = -np.inf
                for j in range(counts[k]):
                    if t[a, k, vals[k, j]] > top:
                        top = t[a, k, vals[k, j]]
                suffix[k, a] = suffix[k + 1, a] + top
        for a in range(a_n):
            part[0, a] = 0.0
            okp[0, a] = True
        for i in range(i_n):
            digit[i] = 0
        passed_n = 0
        improving = False
        best_min, best_sum = -np.inf, -np.inf
        k = 0
        while True:
            v = vals[k, digit[k]]
            reachable = True
            for a in range(a_n):
                part[k + 1, a] = part[k, a] + t[a, k, v]
                okp[k + 1, a] = okp[k, a] and al[a, k, v]
                if veto[a] and part[k + 1, a] + suffix[k + 1, a] < r[a] - tl[a]:
                    reachable = False  # no completion satisfies this veto player: skip the subtree
            if reachable and k < i_n - 1:
                k += 1
                digit[k] = 0
                continue
            if reachable:
                passed = True
                count, weight = 0, 0.0
                for a in range(a_n):
                    jok[a] = True
                for q in range(j_where.shape[0]):
                    if j_holds[q, vals[j_where[q, 2], digit[j_where[q, 2]]]] and \
                            not j_own[d, q, vals[j_where[q, 1], digit[j_where[q, 1]]]]:
                        jok[j_where[q, 0]] = False
                for a in range(a_n):
                    if okp[i_n, a] and jok[a] and part[i_n, a] >= r[a] - tl[a]:
                        count += 1
                        weight += weights[a]
                    elif veto[a]:
                        passed = False
                        break
                if passed and rule == RULE_QUALIFIED and count < min_count:
                    passed = False
                if passed and rule == RULE_WEIGHTED and weight < threshold - 1e-12:
                    passed = False
                if passed:
                    passed_n += 1
                    g_min, g_sum, improves = gains(part, i_n, r, isp, tl, bargain)
                    if improves:
                        improving = True
                    if beats(g_min, g_sum, best_min, best_sum):
                        best_min, best_sum = g_min, g_sum
                        keep(choice, utility, d, vals, digit, part, i_n)
            k = advance(digit, counts, k)
            if k < 0:
                break
        n_pass[d] = passed_n
        agreed[d] = improving
        level[d] = best_min


def warm_up() -> None:
    """Compile the kernel on a one-outcome space (numba caches it on disk for later runs)."""
    solve_batch(Preferences.from_arrays(np.ones((1, 2, 1, 1)), track_id="warm-up"))
