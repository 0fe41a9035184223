"""Process-design Monte Carlo: draws per second on one core, the speed-up from one to two Dask
workers, the time of 100,000 draws on two cores, and whether one and two workers give the same
bytes.

    .venv/bin/python benchmarks/bench_process.py [--scenario european-security] [--draws 20000]
                                                 [--big 100000] [--chunk 1000] [--seed 1]

No peer tool computes this analysis (parallel vs package vs sequence vs linked designs with
forums, on common random numbers), so the comparison is multitrack against itself across
executors. Cluster start-up and numba compilation are done before any timing (warm-up run).
"""

from __future__ import annotations

import argparse
import json
import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

from multitrack.montecarlo import DaskExecutor, SerialExecutor  # noqa: E402
from multitrack.process import compare_designs  # noqa: E402
from multitrack.process.kernel import THREADS  # noqa: E402
from multitrack.scenario import load  # noqa: E402
from multitrack.settlement import Settlement  # noqa: E402


def timed(scenario, settlement, executor, threads=None) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = compare_designs(scenario, settlement=settlement, executor=executor, threads=threads)
    return time.perf_counter() - start, json.dumps(result.to_dict(), sort_keys=True).encode()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="european-security")
    ap.add_argument("--draws", type=int, default=20_000, help="draws for the one-core and 1-vs-2-worker timings")
    ap.add_argument("--big", type=int, default=100_000, help="draws for the two-core run (0: skip)")
    ap.add_argument("--chunk", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    scenario = load(args.scenario)
    config = Settlement.from_scenario(scenario, draws=args.draws, chunk_size=args.chunk, seed=args.seed)
    warm = Settlement.from_scenario(scenario, draws=args.chunk, chunk_size=args.chunk, seed=args.seed + 1)
    print(f"scenario {args.scenario}: {len(scenario.active_tracks)} tracks, all four designs and every forum; "
          f"{os.cpu_count()} CPUs; chunks of {args.chunk} draws")

    serial = SerialExecutor()
    timed(scenario, warm, serial, threads=1)
    t_serial, b_serial = timed(scenario, config, serial, threads=1)
    print(f"one core, in process:  {args.draws:,} draws in {t_serial:.2f} s = {args.draws / t_serial:,.0f} draws/s")
    t_threads, b_threads = timed(scenario, config, serial)
    print(f"in process, default threads ({THREADS}): {t_threads:.2f} s = {args.draws / t_threads:,.0f} draws/s")

    with DaskExecutor.local(1) as one:
        timed(scenario, warm, one)
        t_one, b_one = timed(scenario, config, one)
    with DaskExecutor.local(2) as two:
        timed(scenario, warm, two)
        t_two, b_two = timed(scenario, config, two)
        print(f"Dask, 1 worker:        {t_one:.2f} s ({args.draws / t_one:,.0f} draws/s)")
        print(f"Dask, 2 workers:       {t_two:.2f} s ({args.draws / t_two:,.0f} draws/s)")
        speedup = t_one / t_two
        print(f"speed-up 1 -> 2 workers: {speedup:.2f}x  [{'PASS' if speedup >= 1.7 else 'MISS'}: target >= 1.7x]")
        same = b_serial == b_threads == b_one == b_two
        print(f"identical results (one thread, {THREADS} threads, 1 worker, 2 workers; {len(b_two):,} bytes of JSON): "
              f"{'yes' if same else 'NO'}")
        if args.big:
            big = Settlement.from_scenario(scenario, draws=args.big, chunk_size=args.chunk, seed=args.seed)
            t_big, _ = timed(scenario, big, two)
            print(f"{args.big:,} draws on 2 Dask workers: {t_big:.1f} s ({args.big / t_big:,.0f} draws/s)")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
