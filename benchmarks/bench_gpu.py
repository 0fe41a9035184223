"""Issue 20, target 7: the process kernel's outcome x draw evaluation on the CPU (the compiled
kernel, one thread and the default threads), as dense array work in numpy on the CPU, and as the
same dense work in CuPy on a GPU where one is present, on one 2-party track of 8 issues x 5 values
(390,625 outcomes) with uncertain utilities in every draw. Prints outcome-draws per second, the
GPU's speed-up over the best CPU figure, whether every answer is identical (win-set sizes,
agreement and compromise exactly; utilities and levels to 1e-12), and [PASS/MISS] for target 7
(GPU identical and faster). Without a GPU it prints the CPU figures and "GPU: not present".

    .venv/bin/python benchmarks/bench_gpu.py [--quick] [--draws 1000] [--share 0.3] [--sweep]

On the device machine (no network; its python3 has numpy, numba and CuPy but not pydantic or
ruamel.yaml): first, here, ``--fetch-wheels`` puts those wheels under benchmarks/.bench-work/wheels;
then, there, with that folder carried:

    python3 -m pip install -q --no-index --no-deps --target /tmp/site benchmarks/.bench-work/wheels/*.whl \
        && PYTHONPATH=src:/tmp/site python3 benchmarks/bench_gpu.py --quick

``--sweep`` also compares numpy-dense with the CPU kernel on smaller tracks of other shapes (more
parties, more values, each rule), to see whether dense work ever pays on a CPU.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
try:
    import multitrack  # noqa: F401
except ImportError:  # run from a checkout without the package installed (the device machine)
    sys.path.insert(0, str(HERE.parent / "src"))

import numpy as np  # noqa: E402

from multitrack.process import kernel, kernel_gpu  # noqa: E402
from multitrack.process.dense import solve_batch_dense  # noqa: E402
from multitrack.settlement.preferences import DecisionRuleArrays, Party, Preferences  # noqa: E402

WHEELS = HERE / ".bench-work" / "wheels"
PINS = ("pydantic==2.14.4", "pydantic_core==2.50.5", "annotated-types==0.8.0", "typing-inspection==0.4.5",
        "ruamel.yaml==0.19.1", "typing_extensions==4.16.0")


def track(draws: int, parties: int = 2, issues: int = 8, values: int = 5, share: float = 0.3, seed: int = 1,
          rule: str = "unanimity") -> Preferences:
    """A track whose parties pull against each other (party 1 mirrors party 0, others at random),
    each value's utility drawn around its central value in every draw, and reservation values at
    ``share`` of each party's range (0: accept anything the red lines allow)."""
    rng = np.random.default_rng(seed)
    base = rng.random((1, parties, issues, values))
    if parties > 1:
        base[:, 1] = 1.0 - base[:, 0]
    weight = rng.random((1, parties, issues, 1))
    tables = (base + 0.1 * rng.standard_normal((draws, parties, issues, values))) * weight
    lo, hi = tables.min(axis=3).sum(axis=2), tables.max(axis=3).sum(axis=2)
    names = [Party(f"p{a}", f"p{a}", 0, a < 2) for a in range(parties)]
    vetoes = tuple(range(min(2, parties)))
    if rule == "qualified":
        arrays = DecisionRuleArrays(rule, vetoes, min_participants=max(1, parties - 1))
    elif rule == "weighted":
        arrays = DecisionRuleArrays(rule, vetoes, weights=np.full(parties, 1.0 / parties), threshold=0.6)
    else:
        arrays = DecisionRuleArrays(rule, vetoes)
    return Preferences.from_arrays(tables, reservation=lo + share * (hi - lo), parties=names, rule=arrays)


def same(a: kernel.TrackDraws, b: kernel.TrackDraws) -> bool:
    exact = all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("agreed", "n_pass", "choice"))
    return exact and all(np.allclose(getattr(a, f), getattr(b, f), rtol=1e-12, atol=1e-12)
                         for f in ("utility", "level"))


def cpu_kernel(space: Preferences, threads: int = 1) -> kernel.TrackDraws:
    return kernel.solve_batch(space, threads, device="cpu")


def dense(space: Preferences, **kwargs) -> kernel.TrackDraws:
    """The dense evaluation in numpy, near ties settled by the CPU kernel."""
    return kernel.TrackDraws(*solve_batch_dense(space, cpu_kernel, **kwargs))


def timed(fn, repeat: int):
    """Best wall seconds over ``repeat`` runs, the CPU seconds of that run, and its result."""
    best = (np.inf, 0.0, None)
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if wall < best[0]:
            best = (wall, cpu, out)
    return best


def rate(space: Preferences, seconds: float) -> str:
    return f"{space.n_outcomes * space.draws / seconds:,.0f}"


def main_run(args) -> bool:
    space = track(args.draws, share=args.share, seed=args.seed)
    cpu_kernel(track(4, share=args.share, seed=args.seed))  # compile before timing
    print(f"track: {space.n_parties} parties, {len(space.sizes)} issues x {int(space.sizes[0])} values = "
          f"{space.n_outcomes:,} outcomes x {space.draws:,} draws; reservation values at {args.share:.2f} "
          "of the range")
    print("load: {:.2f} {:.2f} {:.2f}  cpus: {}".format(*os.getloadavg(), os.cpu_count()))
    rows = []
    wall, cpu, want = timed(lambda: cpu_kernel(space, 1), args.repeat)
    rows.append(("CPU kernel, 1 thread", wall, cpu, True))
    print(f"win-set: {want.n_pass.mean():,.0f} outcomes per draw on average; "
          f"agreed in {want.agreed.mean():.0%} of draws")
    wall_t, cpu_t, got = timed(lambda: cpu_kernel(space, kernel.THREADS), args.repeat)
    rows.append((f"CPU kernel, {kernel.THREADS} threads", wall_t, cpu_t, same(got, want)))
    if not args.no_numpy:
        stats: dict = {}
        wall_n, cpu_n, got = timed(lambda: dense(space, stats=stats), 1)
        rows.append((f"numpy-dense (near ties re-solved: {stats.get('redo', 0)})", wall_n, cpu_n,
                     same(got, want)))
    best_cpu = min(r[1] for r in rows[:2])
    gpu = kernel_gpu.gpu_present()
    if gpu:
        import cupy  # type: ignore[import-not-found]  # noqa: PLC0415
        kernel_gpu.solve_on_gpu(track(8, share=args.share, seed=args.seed), cpu_kernel)  # compile its kernels
        stats = {}
        def on_gpu() -> kernel.TrackDraws:
            return kernel.TrackDraws(*kernel_gpu.solve_on_gpu(space, cpu_kernel, stats))
        wall_g, cpu_g, got = timed(on_gpu, args.repeat)
        name = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
        rows.append((f"cupy-dense on {name} (near ties: {stats.get('redo', 0)})", wall_g, cpu_g,
                     same(got, want)))
    print(f"{'path':52} {'wall s':>8} {'CPU s':>8} {'per wall s':>14} {'per CPU s':>14}  identical")
    for name, wall, cpu, ok in rows:
        print(f"{name:52} {wall:8.3f} {cpu:8.3f} {rate(space, wall):>14} {rate(space, cpu):>14}  "
              f"{'yes' if ok else 'NO'}")
    print("(outcome-draws per second; on a loaded machine compare the CPU-second figures)")
    if not args.no_numpy:
        print(f"numpy-dense against the CPU kernel, 1 thread: {rows[0][1] / rows[2][1]:.2f}x wall, "
              f"{rows[0][2] / rows[2][2]:.2f}x CPU")
    if gpu:
        speed = best_cpu / rows[-1][1]
        verdict = "PASS" if rows[-1][3] and speed > 1.0 else "MISS"
        print(f"GPU against the best CPU kernel run: {speed:.1f}x  [{verdict}] target 7: same, and faster")
    else:
        print("GPU: not present  [not measured] target 7 (needs a CUDA device and CuPy)")
    return all(r[3] for r in rows)


def sweep(args) -> bool:
    """numpy-dense against the CPU kernel (one thread) on smaller tracks of other shapes."""
    print("\nsweep: numpy-dense against the CPU kernel, one thread, 50 draws, outcome-draws per CPU second")
    print(f"{'parties':>7} {'issues':>6} {'values':>6} {'rule':>10} {'share':>5} {'kernel/s':>14} "
          f"{'dense/s':>14} {'dense/kernel':>12} identical")
    ok = True
    for parties, issues, values in ((2, 8, 5), (2, 4, 20), (3, 6, 6), (5, 5, 6), (2, 2, 300)):
        for rule in ("unanimity", "qualified", "weighted"):
            if rule != "unanimity" and parties == 2:
                continue
            for share in (0.0, 0.3, 0.55):
                space = track(50, parties, issues, values, share, args.seed, rule)
                cpu_kernel(track(2, parties, issues, values, share, args.seed, rule))
                _, k_cpu, want = timed(lambda s=space: cpu_kernel(s, 1), 2)
                _, d_cpu, got = timed(lambda s=space: dense(s), 1)
                agree = same(got, want)
                ok &= agree
                print(f"{parties:7} {issues:6} {values:6} {rule:>10} {share:5.2f} {rate(space, k_cpu):>14} "
                      f"{rate(space, d_cpu):>14} {k_cpu / d_cpu:11.2f}x {'yes' if agree else 'NO'}")
    return ok


def fetch_wheels() -> None:
    """The pure-Python (and pydantic-core) wheels the device machine's python3 lacks, for CPython 3.12."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
           "--python-version", "3.12", "--implementation", "cp", "--platform", "manylinux_2_28_x86_64",
           "--platform", "manylinux_2_17_x86_64", "--platform", "manylinux2014_x86_64", "-d", str(WHEELS),
           *PINS]
    subprocess.run(cmd, check=True)
    print(f"wheels in {WHEELS}: " + ", ".join(sorted(p.name for p in WHEELS.glob("*.whl"))))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 draws instead of 1,000")
    ap.add_argument("--draws", type=int, default=None)
    ap.add_argument("--share", type=float, default=0.3, help="reservation values at this share of the range")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=2, help="best of N runs (numpy-dense runs once)")
    ap.add_argument("--no-numpy", action="store_true", help="skip the numpy-dense run")
    ap.add_argument("--sweep", action="store_true", help="numpy-dense against the kernel on other shapes too")
    ap.add_argument("--fetch-wheels", action="store_true", help="fetch the wheels the device lacks")
    args = ap.parse_args()
    if args.fetch_wheels:
        fetch_wheels()
        return 0
    args.draws = args.draws or (200 if args.quick else 1000)
    ok = main_run(args)
    if args.sweep:
        ok &= sweep(args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
