"""The process kernel on a big track with genuinely uncertain inputs (issue 20, target 1): the general
walk (``kernel._solve``) beside the block kernel (``kernel_blocks.solve_unanimity``) on the same draws,
times, ratio and whether every answer is identical; then the whole process analysis.

    .venv/bin/python benchmarks/bench_process_kernel.py [--draws 1000] [--issues 8] [--values 5]
                                                        [--seed 7] [--old-draws N] [--no-analysis]
                                                        [--old-analysis] [--enumerate-package]

The track: ``issues`` issues of ``values`` options (8 x 5 = 390,625 outcomes), two veto players
with opposed linear-additive value tables (each issue's table a party's own, the other's reversed
with noise); in every draw each issue weight and each reservation value is drawn anew (PERT around
the weight, uniform reservation at 30-45 % of the range), so no two draws are alike. Kernel times
are CPU seconds (``time.process_time``) of one thread, then wall seconds on the default threads.

The process analysis (``compare_designs``) runs the same track as a one-track scenario with the same
uncertainty; ``--old-analysis`` also runs it with the block kernel and the distinct-row path turned
off (the code as it was) for the ratio; ``--enumerate-package`` also runs it with packages of up to
10^7 outcomes enumerated in compiled code instead of solved draw by draw with HiGHS (the package of
a one-track scenario is that track: 390,625 outcomes, above the library's 200,000). No peer tool
computes this, so there is no peer column.
Scratch: ``benchmarks/.bench-work/process-kernel``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / ".bench-work" / "process-kernel"
TARGET_S = 5.0


def track_arrays(draws: int, issues: int, values: int, seed: int):
    """(tables (D, 2, I, V), reservation (D, 2)) of the opposed two-party track, every draw its own."""
    rng = np.random.default_rng([seed, issues, values])
    base = np.sort(rng.integers(1, 100, size=(issues, values)), axis=1) / 100.0
    other = (base[:, ::-1] + rng.integers(0, 10, base.shape) / 100.0)
    weights = rng.dirichlet(np.ones(issues), size=2)                      # (2, I)
    spread = rng.uniform(0.2, 0.5, size=(2, issues))
    low, high = weights * (1 - spread), weights * (1 + spread)
    w = rng.triangular(low, weights, high, size=(draws, 2, issues))      # PERT-like per draw
    tables = np.stack([w[:, 0, :, None] * base, w[:, 1, :, None] * other], axis=1)
    lo, hi = tables.min(axis=3).sum(axis=2), tables.max(axis=3).sum(axis=2)
    reservation = lo + rng.uniform(0.30, 0.45, size=(draws, 2)) * (hi - lo)
    return tables, reservation


def scenario_text(issues: int, values: int, seed: int) -> str:
    """The same kind of track as a one-track scenario whose weights and reservation values are estimates."""
    rng = np.random.default_rng([seed, issues, values, 1])
    base = np.sort(rng.integers(1, 100, size=(issues, values)), axis=1)
    other = base[:, ::-1] + rng.integers(0, 10, base.shape)
    weights = rng.dirichlet(np.ones(issues), size=2)
    opts = ", ".join(f"v{k + 1}" for k in range(values))
    rows = ["version: 1", "id: big-track", "title: one big track", "actors:",
            "  - {id: buyer, name: Buyer, kind: state}", "  - {id: seller, name: Seller, kind: state}",
            "tracks:", "  - id: deal", "    title: Deal", "    participants: [buyer, seller]",
            "    veto_players: [buyer, seller]", "    reservation_values:"]
    for party in ("buyer", "seller"):
        r = float(rng.uniform(0.30, 0.40))
        rows.append(f"      {party}: {{dist: uniform, low: {r - 0.05:.4f}, high: {r + 0.05:.4f}}}")
    rows.append("    issues:")
    for i in range(issues):
        rows += [f"      - id: i{i + 1}", "        kind: ordinal", f"        options: [{opts}]",
                 "        status_quo: v1", "        positions:"]
        for p, (party, table) in enumerate((("buyer", base), ("seller", other))):
            w = float(weights[p, i])
            vals = ", ".join(f"v{k + 1}: {table[i, k] / 100.0:.4f}" for k in range(values))
            pert = f"{{dist: pert, low: {0.7 * w:.6f}, mode: {w:.6f}, high: {1.3 * w:.6f}}}"
            rows += [f"          {party}:", f"            salience: {pert}",
                     f"            values: {{{vals}}}"]
    return "\n".join(rows) + "\n"


def same(a, b) -> bool:
    return (np.array_equal(a.agreed, b.agreed) and np.array_equal(a.n_pass, b.n_pass)
            and np.array_equal(a.choice, b.choice) and np.allclose(a.utility, b.utility, rtol=0, atol=1e-12)
            and np.allclose(a.level, b.level, rtol=0, atol=1e-12))


def bench_kernel(args) -> bool:
    from multitrack.process.kernel import THREADS, solve_batch
    from multitrack.settlement.preferences import Preferences

    tables, reservation = track_arrays(args.draws, args.issues, args.values, args.seed)
    space = Preferences.from_arrays(tables, reservation=reservation, track_id="big")
    warm = Preferences.from_arrays(tables[:2], reservation=reservation[:2])
    solve_batch(warm, blocks=False)
    solve_batch(warm, blocks=True)  # compile both first
    print(f"kernel: {space.n_outcomes:,} outcomes x {args.draws:,} draws, 2 veto players, load "
          f"{os.getloadavg()[0]:.2f}")
    t0 = time.process_time()
    new = solve_batch(space, 1, blocks=True)
    t_new = time.process_time() - t0
    w0 = time.perf_counter()
    solve_batch(space, THREADS, blocks=True)
    w_new = time.perf_counter() - w0
    old_draws = args.draws if args.old_draws is None else min(args.old_draws, args.draws)
    part = Preferences.from_arrays(tables[:old_draws], reservation=reservation[:old_draws], track_id="big")
    t0 = time.process_time()
    old = solve_batch(part, 1, blocks=False)
    t_old = (time.process_time() - t0) * args.draws / old_draws
    ok = same(old, solve_batch(part, 1, blocks=True))
    scaled = "" if old_draws == args.draws else f" (measured on {old_draws} draws, scaled)"
    print(f"  general walk (old)  {t_old:8.2f} s CPU, one thread{scaled}")
    print(f"  block kernel (new)  {t_new:8.2f} s CPU, one thread; {w_new:.2f} s wall on {THREADS} threads")
    print(f"  ratio {t_old / t_new:.1f}x; answers identical: {'yes' if ok else 'NO'}; win-set mean "
          f"{new.n_pass.mean() / space.n_outcomes:.1%}, agreed {new.agreed.mean():.1%}")
    verdict = "PASS" if max(t_new, w_new) <= TARGET_S else "MISS"
    print(f"  [{verdict}] kernel <= {TARGET_S:g} s for {space.n_outcomes:,} x {args.draws:,}; load "
          f"{os.getloadavg()[0]:.2f}")
    return ok


def bench_analysis(args) -> bool:
    import multitrack.process.kernel as kernel
    import multitrack.settlement.distinct as distinct
    from multitrack.process import compare_designs
    from multitrack.scenario import loads
    from multitrack.settlement import Settlement

    scenario = loads(scenario_text(args.issues, args.values, args.seed))
    settlement = Settlement.from_scenario(scenario, draws=args.draws, seed=args.seed)
    warm = Settlement.from_scenario(scenario, draws=2, seed=args.seed)
    compare_designs(scenario, settlement=warm)  # compiles the kernels
    print(f"\nprocess analysis (compare_designs): one track of {args.values ** args.issues:,} outcomes, "
          f"{args.draws:,} draws, load {os.getloadavg()[0]:.2f}")
    w0, c0 = time.perf_counter(), time.process_time()
    new = compare_designs(scenario, settlement=settlement)
    w_new, c_new = time.perf_counter() - w0, time.process_time() - c0
    print(f"  new: {w_new:8.2f} s wall, {c_new:.2f} s CPU")
    ok = True
    if args.old_analysis:
        saved = (kernel.BLOCKS_FROM, distinct.distinct_rows)
        kernel.BLOCKS_FROM = 1 << 62
        distinct.distinct_rows = lambda *a, **k: None  # type: ignore[assignment]
        try:
            w0, c0 = time.perf_counter(), time.process_time()
            old = compare_designs(scenario, settlement=settlement)
            w_old, c_old = time.perf_counter() - w0, time.process_time() - c0
        finally:
            kernel.BLOCKS_FROM, distinct.distinct_rows = saved
        ok = old.to_dict() == new.to_dict()
        print(f"  old: {w_old:8.2f} s wall, {c_old:.2f} s CPU; ratio {w_old / w_new:.1f}x wall; "
              f"identical result: {'yes' if ok else 'NO'}")
    verdict = "PASS" if w_new <= TARGET_S else "MISS"
    print(f"  [{verdict}] process analysis <= {TARGET_S:g} s; load {os.getloadavg()[0]:.2f}")
    if args.enumerate_package:
        ok = what_if_enumerated(scenario, settlement, new) and ok
    return ok


def what_if_enumerated(scenario, settlement, milp) -> bool:
    """The same analysis with packages of up to 10^7 outcomes enumerated by the compiled kernel
    instead of solved draw by draw with HiGHS (a proposal, not the library's setting)."""
    import multitrack.process.package as package
    import multitrack.process.search as search
    from multitrack.process import compare_designs

    defaults = package.solve_package.__defaults__
    limit = search.ENUMERATION_LIMIT
    assert defaults is not None
    package.solve_package.__defaults__ = (defaults[0], 10**7, *defaults[2:])
    search.ENUMERATION_LIMIT = 10**7
    try:
        w0, c0 = time.perf_counter(), time.process_time()
        got = compare_designs(scenario, settlement=settlement)
        w, c = time.perf_counter() - w0, time.process_time() - c0
    finally:
        package.solve_package.__defaults__ = defaults
        search.ENUMERATION_LIMIT = limit
    ok = got.to_dict() == milp.to_dict()
    verdict = "PASS" if w <= TARGET_S else "MISS"
    print(f"  what-if, packages enumerated up to 10^7 outcomes: {w:.2f} s wall, {c:.2f} s CPU; the same "
          f"result as with HiGHS: {'yes' if ok else 'NO'}  [{verdict}] <= {TARGET_S:g} s; load "
          f"{os.getloadavg()[0]:.2f}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--issues", type=int, default=8)
    ap.add_argument("--values", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--old-draws", type=int, default=None,
                    help="run the general walk on this many draws only and scale its time")
    ap.add_argument("--no-analysis", action="store_true", help="the kernel only")
    ap.add_argument("--old-analysis", action="store_true", help="also the analysis as the code was (slow)")
    ap.add_argument("--enumerate-package", action="store_true",
                    help="also the analysis with big packages enumerated instead of solved with HiGHS")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    ok = bench_kernel(args)
    if not args.no_analysis:
        ok = bench_analysis(args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
