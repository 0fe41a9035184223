"""Process-design Monte Carlo past one core: draws per second on one pinned core and on two local
single-threaded Dask workers, for the chunk phase and for the whole run, the speed-up
[PASS/MISS >= 1.7x, issue 20 target 6], and whether both give the same bytes.

    .venv/bin/python benchmarks/bench_process.py [--scenario european-security] [--draws 20000]
                                                 [--chunk 1000] [--seed 1] [--workers 2] [--big 0]

No peer tool computes this analysis (parallel vs package vs sequence vs linked designs with
forums, on common random numbers), so multitrack is compared with itself across executors.
The one-core run is pinned to CPU 0 (``sched_setaffinity``, as ``taskset -c 0``) with one kernel
thread; the pin is lifted before the workers start, so that they can use the other cores.
Numba compilation and cluster start-up are done before any timing (a warm-up run on each).
"""

from __future__ import annotations

import argparse
import json
import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[var] = "1"   # one thread per process, inherited by the Dask workers

from multitrack.montecarlo import DaskExecutor, SerialExecutor  # noqa: E402
from multitrack.process import compare_designs  # noqa: E402
from multitrack.scenario import load  # noqa: E402
from multitrack.settlement import Settlement  # noqa: E402


class Clock:
    """Times the whole run and, from the first to the last progress event of each task, its
    phases: the pilot's draws, the package search, the chunks and the drivers' tests."""

    PHASES = {"process pilot": "pilot", "process package search": "package search",
              "process drivers": "drivers' tests"}

    def __init__(self) -> None:
        self.seen: dict[str, list[float]] = {}

    def __call__(self, event) -> None:
        self.seen.setdefault(event.task, []).append(time.perf_counter())

    def seconds(self, task: str) -> float:
        times = self.seen.get(task, [0.0])
        return times[-1] - times[0]

    @property
    def chunk_seconds(self) -> float:
        return self.seconds("process")

    def phases(self) -> str:
        return ", ".join(f"{words} {self.seconds(task):.2f} s" for task, words in self.PHASES.items())


def timed(scenario, settlement, executor) -> tuple[float, Clock, bytes]:
    """Whole-run seconds, the phases' clock and the result's JSON bytes."""
    clock = Clock()
    start = time.perf_counter()
    result = compare_designs(scenario, settlement=settlement, executor=executor, threads=1, progress=clock)
    whole = time.perf_counter() - start
    return whole, clock, json.dumps(result.to_dict(), sort_keys=True).encode()


def pinned() -> bool:
    """Pin this process to CPU 0 if the system allows it."""
    try:
        os.sched_setaffinity(0, {0})
    except (AttributeError, OSError):
        return False
    return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="european-security")
    ap.add_argument("--draws", type=int, default=20_000, help="draws of each timed run (at least 20,000 for "
                    "the target)")
    ap.add_argument("--chunk", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--big", type=int, default=0, help="then this many draws on the workers (0: skip)")
    args = ap.parse_args()
    scenario = load(args.scenario)
    run = Settlement.from_scenario(scenario, draws=args.draws, chunk_size=args.chunk, seed=args.seed)
    warm = Settlement.from_scenario(scenario, draws=args.chunk, chunk_size=args.chunk, seed=args.seed + 1)
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    print(f"scenario {args.scenario}: {len(scenario.active_tracks)} tracks, every design and forum; "
          f"{args.draws:,} draws in chunks of {args.chunk:,}; {len(cores)} CPUs; "
          f"load {os.getloadavg()[0]:.2f}")

    is_pinned = pinned()
    timed(scenario, warm, SerialExecutor())
    t_one, clock_one, b_one = timed(scenario, run, SerialExecutor())
    c_one = clock_one.chunk_seconds
    if is_pinned:
        os.sched_setaffinity(0, set(cores))
    where = "CPU 0, pinned" if is_pinned else "not pinned: no sched_setaffinity here"
    print(f"one core ({where}, 1 thread): whole {t_one:7.2f} s = {args.draws / t_one:7,.0f} draws/s; "
          f"chunk phase {c_one:7.2f} s = {args.draws / c_one:7,.0f} draws/s")

    with DaskExecutor.local(args.workers) as pool:
        timed(scenario, warm, pool)
        t_n, clock_n, b_n = timed(scenario, run, pool)
        c_n = clock_n.chunk_seconds
        print(f"{args.workers} Dask workers (1 thread each): whole {t_n:7.2f} s = {args.draws / t_n:7,.0f} "
              f"draws/s; chunk phase {c_n:7.2f} s = {args.draws / c_n:7,.0f} draws/s")
        whole, chunks = t_one / t_n, c_one / c_n
        print(f"speed-up, chunk phase: {chunks:.2f}x")
        print(f"speed-up, whole run:   {whole:.2f}x  [{'PASS' if whole >= 1.7 else 'MISS'}: target >= 1.7x "
              f"on 2 workers]")
        print(f"outside the chunk phase: one core {t_one - c_one:.2f} s ({clock_one.phases()}); "
              f"{args.workers} workers {t_n - c_n:.2f} s ({clock_n.phases()})")
        same = b_one == b_n
        print(f"identical results (one core, {args.workers} workers; {len(b_n):,} bytes of JSON): "
              f"{'yes' if same else 'NO'}")
        if args.big:
            big = Settlement.from_scenario(scenario, draws=args.big, chunk_size=args.chunk, seed=args.seed)
            t_big, clock_big, _ = timed(scenario, big, pool)
            c_big = clock_big.chunk_seconds
            print(f"{args.big:,} draws on {args.workers} workers: whole {t_big:.1f} s "
                  f"({args.big / t_big:,.0f} draws/s), chunk phase {c_big:.1f} s")
    print(f"load at the end {os.getloadavg()[0]:.2f}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
