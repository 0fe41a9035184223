#!/usr/bin/env python
"""Benchmark multitrack's agreement-space engine against NegMAS 0.16, side by side.

Run with the project's interpreter (multitrack installed):

    .venv/bin/python benchmarks/bench_agreement_space.py            # everything
    .venv/bin/python benchmarks/bench_agreement_space.py --quick    # no 10^6-outcome NegMAS runs
    .venv/bin/python benchmarks/bench_agreement_space.py --only t4- --no-big  # issue 20, target 4

NegMAS (AGPL-3.0) is never imported here nor by multitrack: this script creates a throw-away
virtual environment (``benchmarks/.venv-negmas`` by default, reused when it already holds
negmas 0.16.0) and runs ``negmas_worker.py`` in it as a subprocess. Domains go to the worker as
files (.npz utility tables, or a Genius / GeniusWeb folder); timings and results come back as
JSON. See README.md beside this file for what is compared and the targets.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# One core for our side (and, inherited, for the NegMAS worker too). Must precede numpy/numba.
for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NEGMAS_VERSION = "0.16.0"
WORKER = HERE / "negmas_worker.py"
DECIMALS = 9  # utility vectors are compared as sets after rounding to this many places

# -------------------------------------------------------------------------------------------
# Domains
# -------------------------------------------------------------------------------------------


def random_domain(seed: int, n_parties: int, n_issues: int, n_values: int = 10):
    """Weights (n_parties, n_issues), each party's summing to 1, and per-issue values
    (n_parties, n_values), uniform on [0, 1). Party j's utility of value v of issue i is
    weights[j, i] * values[i][j, v]; an outcome's utility is the sum over issues."""
    rng = np.random.default_rng([seed, n_parties, n_issues, n_values])
    weights = rng.uniform(size=(n_parties, n_issues))
    weights /= weights.sum(axis=1, keepdims=True)
    values = [rng.uniform(size=(n_parties, n_values)) for _ in range(n_issues)]
    return weights, values


def tables_of(weights: np.ndarray, values: list[np.ndarray]) -> list[np.ndarray]:
    return [weights[:, i, None] * v for i, v in enumerate(values)]


def shaped_domain(seed: int, n_parties: int, shape: tuple[int, ...], conflicting: bool):
    """Like ``random_domain`` (weights summing to 1 per party, values on [0, 1)) but with issues
    of the given sizes. Conflicting: per issue one random value order, which the even parties
    follow and the odd parties reverse (0.9 of the value), plus a little independent noise (0.1)
    per party, so that almost every outcome trades one side off against the other and the
    frontier is large; independent: every party's values drawn on their own."""
    rng = np.random.default_rng([seed, n_parties, len(shape), math.prod(shape), int(conflicting)])
    weights = rng.uniform(size=(n_parties, len(shape)))
    weights /= weights.sum(axis=1, keepdims=True)
    values = []
    for n in shape:
        if conflicting:
            base = rng.uniform(size=n)
            opposed = np.array([base if j % 2 == 0 else 1.0 - base for j in range(n_parties)])
            values.append(0.9 * opposed + 0.1 * rng.uniform(size=(n_parties, n)))
        else:
            values.append(rng.uniform(size=(n_parties, n)))
    return weights, values


#: Issue 20, target 4: (name, parties, issue sizes, conflicting, least ratio of NegMAS's
#: frontier + Nash time to ours). 240,000 = 10*10*10*8*6*5; 10^6 = six issues of 10.
TARGET4 = (
    ("t4-5p-240k-independent", 5, (10, 10, 10, 8, 6, 5), False, 50),
    ("t4-5p-240k-conflicting", 5, (10, 10, 10, 8, 6, 5), True, 50),
    ("t4-2p-1e6-independent", 2, (10,) * 6, False, 100),
    ("t4-2p-1e6-conflicting", 2, (10,) * 6, True, 100),
)


def big_domain(seed: int, n_parties: int = 3, n_issues: int = 7):
    """The 10^7-outcome job's domain: random tables and, per party, a random reservation value
    between 35% and 55% of the way from its worst to its best outcome."""
    weights, values = random_domain(seed + 7, n_parties, n_issues)
    tables = tables_of(weights, values)
    lo = np.sum([t.min(axis=1) for t in tables], axis=0)
    hi = np.sum([t.max(axis=1) for t in tables], axis=0)
    rng = np.random.default_rng([seed, 10 ** 7])
    reservation = lo + rng.uniform(0.35, 0.55, size=n_parties) * (hi - lo)
    return tables, reservation


# -------------------------------------------------------------------------------------------
# Timing helpers
# -------------------------------------------------------------------------------------------


def best_of(fn: Callable[[], object], warmup: int, repeat: int) -> tuple[object, float]:
    out = None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, min(times)


def best_of_clocks(fn: Callable[[], object], warmup: int, repeat: int) -> tuple[object, float, float]:
    """Like ``best_of``, also the least CPU time of this process (process_time) over the runs."""
    out = None
    for _ in range(warmup):
        out = fn()
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return out, min(wall), min(cpu)


def fmt_time(t: float | None) -> str:
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.0f} us"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def fmt_ratio(r: float | None, lower_bound: bool = False) -> str:
    if r is None:
        return "-"
    s = f"{r:,.0f}x" if r >= 10 else f"{r:.1f}x"
    return ("> " + s) if lower_bound else s


def fmt_count(n: int) -> str:
    if n >= 10_000 and n == 10 ** round(math.log10(n)):
        return f"1e{round(math.log10(n))}"
    return f"{n:,}"


def yes_no(b: bool | None) -> str:
    return "-" if b is None else ("yes" if b else "NO")


# -------------------------------------------------------------------------------------------
# The NegMAS side: a throw-away venv and a worker subprocess
# -------------------------------------------------------------------------------------------


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def negmas_version_in(venv: Path) -> str | None:
    py = venv_python(venv)
    if not py.exists():
        return None
    r = subprocess.run([str(py), "-c", "import negmas; print(negmas.__version__)"],
                       check=False, capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def ensure_negmas_venv(venv: Path, log: Path) -> Path:
    """The venv's interpreter, after creating the venv and installing negmas if needed."""
    if negmas_version_in(venv) == NEGMAS_VERSION:
        print(f"NegMAS {NEGMAS_VERSION}: reusing {venv}")
        return venv_python(venv)
    print(f"NegMAS {NEGMAS_VERSION}: setting up {venv} (pip log in {log}) ...", flush=True)
    with open(log, "w") as fh:
        if not venv_python(venv).exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, stdout=fh, stderr=fh)
        r = subprocess.run([str(venv_python(venv)), "-m", "pip", "install", f"negmas=={NEGMAS_VERSION}"],
                           stdout=fh, stderr=fh, check=False)
    if r.returncode != 0 or negmas_version_in(venv) != NEGMAS_VERSION:
        sys.exit(f"could not install negmas=={NEGMAS_VERSION} into {venv}; see {log}")
    return venv_python(venv)


def run_worker(python: Path, job: dict, work: Path, name: str, timeout: float) -> dict:
    """Run negmas_worker.py on one job. On timeout: {"timeout": True, ...} with whatever the
    worker had written (sizes, labels, tables) and how far its pareto_frontier runs got."""
    job_file, out_file = work / f"{name}.job.json", work / f"{name}.negmas.json"
    err_file = work / f"{name}.negmas.log"
    job_file.write_text(json.dumps(job))
    out_file.unlink(missing_ok=True)
    with open(err_file, "w") as err:
        proc = subprocess.Popen([str(python), str(WORKER), str(job_file), str(out_file)],
                                stdout=err, stderr=err, start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            killed_at = time.time()
            os.killpg(proc.pid, signal.SIGKILL)  # the worker we started, and only it
            proc.wait()
            partial = json.loads(out_file.read_text()) if out_file.exists() else {}
            return {**partial, "timeout": True, **frontier_progress(err_file.read_text(), killed_at)}
    if rc != 0 or not out_file.exists():
        tail = err_file.read_text().strip().splitlines()[-3:]
        return {"error": f"worker exited {rc}: " + " | ".join(tail)}
    return json.loads(out_file.read_text())


def frontier_progress(log: str, killed_at: float) -> dict:
    """From a killed worker's log: durations of its finished pareto_frontier runs (timed and
    warm-up) and, for a run cut short, how long it had been running."""
    timed = [float(x) for x in re.findall(r"done pareto_frontier timed run \S+ in ([\d.]+) s", log)]
    warm = [float(x) for x in re.findall(r"done pareto_frontier warm-up run \S+ in ([\d.]+) s", log)]
    starts = re.findall(r"start pareto_frontier \S+ run \S+ at wall ([\d.]+)", log)
    running = None
    if len(starts) > len(timed) + len(warm):
        running = killed_at - float(starts[-1])
    return {"timed_runs": timed, "warmup_runs": warm, "running_for": running}


# -------------------------------------------------------------------------------------------
# Comparison
# -------------------------------------------------------------------------------------------


def vectors(space, index: np.ndarray) -> set[tuple[float, ...]]:
    """Utility vectors of outcomes (value indices), evaluated with the space's tables, rounded."""
    index = np.asarray(index, dtype=np.int64).reshape(-1, len(space.tables))
    if index.shape[0] == 0:
        return set()
    u = np.round(space.utilities_of(index).T, DECIMALS) + 0.0
    return set(map(tuple, u.tolist()))


def near_miss(a: set, b: set, tol: float = 1e-8) -> bool:
    """Whether every vector of a has one of b within tol and vice versa (rounding-edge check)."""
    if not a or not b:
        return not a and not b
    A, B = np.array(sorted(a)), np.array(sorted(b))
    d = np.abs(A[:, None, :] - B[None, :, :]).max(axis=2) if A.size * B.shape[0] < 5e7 else None
    return d is not None and bool((d.min(axis=1) <= tol).all() and (d.min(axis=0) <= tol).all())


def affine_scale(x_tables: list[np.ndarray], y_tables: list[np.ndarray]) -> float | None:
    """a > 0 such that each y table = a * x table + (a constant per issue), else None."""
    x = np.concatenate([t - t.mean() for t in x_tables])
    y = np.concatenate([t - t.mean() for t in y_tables])
    if not np.any(np.abs(x) > 1e-12):
        return 1.0 if not np.any(np.abs(y) > 1e-12) else None
    a = float(x @ y / (x @ x))
    scale = max(np.abs(y).max(), 1e-12)
    return a if a > 0 and np.abs(y - a * x).max() <= 1e-9 * scale else None


@dataclass
class Row:
    group: str
    name: str
    outcomes: int
    parties: int
    mt_size: int | None = None
    nm_size: int | None = None
    frontier_agree: bool | None = None
    nash_agree: bool | None = None
    mt_frontier: float | None = None
    nm_frontier: float | None = None
    mt_nash: float | None = None
    nm_nash: float | None = None
    frontier_noise: int = 0        # NegMAS points dominated once float noise is rounded away
    nash_noise: bool = False       # Nash points differ only by a tie in the Nash product
    nm_status: str = "ok"          # ok | timeout | skipped | error
    nm_lower_bound: float | None = None  # timeout before any timed run: a run took at least this
    mt_both: float | None = None   # frontier + Nash timed together (target 4 rows), wall clock
    nm_both: float | None = None
    mt_both_cpu: float | None = None  # the same, CPU time of the process
    nm_both_cpu: float | None = None
    target: float | None = None    # least ratio asked of nm_both / mt_both
    load: str = ""                 # 1/5/15-minute load averages when our side was timed
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.mt_frontier is None or self.mt_frontier <= 0:
            return None
        if self.nm_frontier is not None:
            return self.nm_frontier / self.mt_frontier
        if self.nm_lower_bound is not None:
            return self.nm_lower_bound / self.mt_frontier
        return None

    @property
    def nash_ratio(self) -> float | None:
        if self.nm_nash is None or not self.mt_nash:
            return None
        return self.nm_nash / self.mt_nash


def run_multitrack(space, warmup: int, repeat: int):
    from multitrack.space import agreement_frontier, choose

    frontier, t_front = best_of(lambda: agreement_frontier(space), warmup, repeat)
    d = np.zeros(space.n_actors)  # NegMAS's Nash disagreement point: each party's worst utility

    def nash() -> int:
        return choose("nash", space.normalise(frontier.utility).T, d)

    pick, t_nash = best_of(nash, warmup, repeat)
    return frontier, int(pick), t_front, t_nash


def undominated(vecs: set) -> set:
    """The vectors of a set that no other vector of it dominates (exact comparison)."""
    if not vecs:
        return set()
    P = np.array(sorted(vecs))
    keep = [i for i, p in enumerate(P) if not np.any(np.all(P >= p, axis=1) & np.any(P > p, axis=1))]
    return set(map(tuple, P[keep].tolist()))


def negmas_noise(nm_utility: np.ndarray, extra: list[int]) -> float:
    """In NegMAS's own utilities (rows: its frontier points): for each point in ``extra``, the
    least amount by which it beats, on its best party, another of NegMAS's frontier points that
    dominates it once differences below 1e-9 (relative) are ignored; the largest over ``extra``
    (inf if some point has no such dominator). Tiny values mean NegMAS kept points that only
    float noise in the last bits saves from being dominated."""
    U = np.asarray(nm_utility, dtype=float)
    tol = 1e-9 * max(1.0, float(np.abs(U).max())) if U.size else 0.0
    worst = 0.0
    for p in extra:
        dom = np.all(U >= U[p] - tol, axis=1) & np.any(U > U[p] + tol, axis=1)
        if not dom.any():
            return float("inf")
        worst = max(worst, float(np.min(np.max(U[p] - U[dom], axis=1))))
    return worst


def nash_products(space, index: np.ndarray) -> np.ndarray:
    """Nash products (disagreement: each party's worst utility), normalised, of outcomes."""
    index = np.asarray(index, dtype=np.int64).reshape(-1, len(space.tables))
    return np.prod(space.normalise(space.utilities_of(index)), axis=0)


def compare(row: Row, space, frontier, pick: int, nm: dict, to_space_index: Callable | None = None) -> None:
    """Fill the agreement columns: NegMAS's frontier and Nash outcomes and ours, evaluated
    with the same tables (``space``'s), as sets of rounded utility vectors."""
    conv = to_space_index or (lambda idx: np.asarray(idx, dtype=np.int64))
    nm_front = conv(nm["frontier_index"])
    nm_nash = conv(nm["nash_index"])
    ours, theirs = vectors(space, frontier.index), vectors(space, nm_front)
    row.nm_size = len(nm["frontier_index"])
    row.frontier_agree = ours == theirs
    if not row.frontier_agree:
        # NegMAS compares floats exactly: of two outcomes whose utilities are mathematically
        # equal for one party, the one with the larger float noise in the last bits survives
        # as "undominated". Rounding shows them dominated; multitrack compares to 12 places.
        each = [next(iter(vectors(space, nm_front[i:i + 1]))) for i in range(nm_front.shape[0])]
        extra = [i for i, v in enumerate(each) if v not in ours]
        U = np.asarray(nm["frontier_utility"], dtype=float)
        margin = negmas_noise(U, extra) if undominated(theirs) == ours == undominated(ours) else math.inf
        scale = max(1.0, float(np.abs(U).max())) if U.size else 1.0
        if margin <= 1e-12 * scale:
            row.frontier_agree = True
            row.frontier_noise = len(theirs - ours)
            row.notes.append(f"frontiers equal once {row.frontier_noise} NegMAS point(s) are dropped that "
                             f"are dominated after rounding to {DECIMALS} places. NegMAS compares floats "
                             "exactly: in its own utilities each such point beats a frontier point that "
                             f"dominates it by at most {margin:.1e} (float noise in the last bits)")
        else:
            extra, missing = len(ours - theirs), len(theirs - ours)
            edge = " (all within 1e-8: rounding edge)" if near_miss(ours, theirs) else ""
            row.notes.append(f"frontier differs: {extra} vector(s) only in multitrack's, {missing} only in "
                             f"NegMAS's{edge}")
    if len(theirs) != row.nm_size:
        row.notes.append(f"NegMAS frontier has {row.nm_size} outcomes but {len(theirs)} distinct vectors")
    our_nash = vectors(space, frontier.index[pick:pick + 1])
    row.nash_agree = bool(our_nash) and our_nash <= vectors(space, nm_nash)
    if len(nm["nash_index"]) > 1:
        row.notes.append(f"NegMAS returned {len(nm['nash_index'])} Nash points")
    if not row.nash_agree and len(nm_nash):
        ours_p = float(nash_products(space, frontier.index[pick:pick + 1])[0])
        theirs_p = float(nash_products(space, nm_nash).max())
        if abs(ours_p - theirs_p) <= 1e-9 * max(abs(theirs_p), 1e-300):
            row.nash_agree = True
            row.nash_noise = True
            row.notes.append(f"Nash points differ but their Nash products are equal to 1e-9 ({ours_p:.15g} "
                             f"vs {theirs_p:.15g}): a tie, broken differently")
        else:
            row.notes.append(f"Nash differs: multitrack {sorted(our_nash)} (product {ours_p:.15g}) vs NegMAS "
                             f"{sorted(vectors(space, nm_nash))} (product {theirs_p:.15g})")


def fill_negmas(row: Row, nm: dict, timeout: float) -> bool:
    """Timing columns from the worker's answer; False when there is nothing to compare."""
    if nm.get("timeout"):
        row.nm_status = "timeout"
        done = nm.get("timed_runs") or []
        if done:
            row.nm_frontier = min(done)
            row.notes.append(f"NegMAS hit the {timeout:.0f} s limit after {len(done)} timed pareto_frontier "
                             "run(s): its time is the best of those; nothing compared")
        else:
            seen = [t for t in (nm.get("warmup_runs") or []) + [nm.get("running_for")] if t]
            row.nm_lower_bound = max(seen) if seen else None
            took = (f"; one of its runs took at least {row.nm_lower_bound:.1f} s (the ratio shown assumes "
                    "a timed run would take as long)") if row.nm_lower_bound else ""
            row.notes.append(f"NegMAS hit the {timeout:.0f} s limit before finishing a timed pareto_frontier "
                             f"run{took}; nothing compared")
        return False
    if "error" in nm:
        row.nm_status = "error"
        row.notes.append("NegMAS " + nm["error"])
        return False
    if "skipped" in nm:
        row.nm_status = "skipped"
        row.notes.append("NegMAS skipped: " + nm["skipped"])
        return False
    row.nm_frontier, row.nm_nash = min(nm["t_frontier"]), min(nm["t_nash"])
    if nm.get("note"):
        row.notes.append("NegMAS: " + nm["note"])
    return True


# -------------------------------------------------------------------------------------------
# Random domains
# -------------------------------------------------------------------------------------------


def bench_random(args, python: Path | None, work: Path) -> list[Row]:
    from multitrack.space import TrackSpace

    rows = []
    for n_issues in (4, 5, 6):
        for k in (2, 3, 4):
            name = f"random-{k}p-1e{n_issues}"
            if args.only and not re.search(args.only, name):
                continue
            weights, values = random_domain(args.seed, k, n_issues)
            space = TrackSpace.from_tables(tables_of(weights, values))
            row = Row("random", name, space.size, k)
            print(f"  {name}: multitrack ...", end="", flush=True)
            frontier, pick, row.mt_frontier, row.mt_nash = run_multitrack(space, args.warmup, args.repeat)
            row.mt_size = frontier.size
            print(f" {fmt_time(row.mt_frontier)}; NegMAS ...", end="", flush=True)
            if python is None:
                row.nm_status = "skipped"
                row.notes.append("NegMAS not run (--no-negmas)")
            elif args.quick and space.size >= 10 ** 6:
                row.nm_status = "skipped"
                row.notes.append("NegMAS not run (--quick)")
            else:
                npz = work / f"{name}.npz"
                np.savez(npz, weights=weights, **{f"values_{i}": v for i, v in enumerate(values)})
                nm = run_worker(python, {"source": "npz", "path": str(npz), "warmup": args.warmup,
                                         "repeat": args.repeat}, work, name, args.timeout)
                if fill_negmas(row, nm, args.timeout):
                    compare(row, space, frontier, pick, nm)
                    # Sanity: NegMAS's own utilities of its frontier are ours, to the last bits.
                    got = np.array(nm["frontier_utility"]).reshape(-1, k)
                    idx = np.asarray(nm["frontier_index"], dtype=np.int64).reshape(-1, n_issues)
                    if got.size and np.abs(got - space.utilities_of(idx).T).max() > 1e-12:
                        row.notes.append("NegMAS's utilities differ from the tables' (>1e-12)")
            print(f" {row.nm_status if row.nm_status != 'ok' else fmt_time(row.nm_frontier)}", flush=True)
            rows.append(row)
    return rows


def load_now() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench_target4(args, python: Path | None, work: Path) -> list[Row]:
    """Issue 20, target 4: frontier and Nash point timed together, on seeded 5-party 240,000-
    and 2-party 10^6-outcome domains, each with independent and with conflicting preferences.
    NegMAS runs ``--t4-repeat`` timed run(s) and no warm-up here (it has nothing to compile,
    and its conflicting 5-party frontier alone takes minutes)."""
    from multitrack.space import TrackSpace, agreement_frontier, choose

    rows = []
    for name, k, shape, conflicting, target in TARGET4:
        if args.only and not re.search(args.only, name):
            continue
        weights, values = shaped_domain(args.seed, k, shape, conflicting)
        space = TrackSpace.from_tables(tables_of(weights, values))
        row = Row("target4", name, space.size, k, target=target)
        print(f"  {name}: multitrack ...", end="", flush=True)
        d = np.zeros(k)

        def both(space=space, d=d):
            f = agreement_frontier(space)
            return f, choose("nash", space.normalise(f.utility).T, d)

        (frontier, pick), row.mt_both, row.mt_both_cpu = best_of_clocks(both, args.warmup, args.repeat)
        row.load = load_now()
        _, row.mt_frontier = best_of(lambda space=space: agreement_frontier(space), 0, args.repeat)
        _, row.mt_nash = best_of(lambda f=frontier, s=space, d=d: choose("nash", s.normalise(f.utility).T, d),
                                 0, args.repeat)
        row.mt_size = frontier.size
        print(f" {fmt_time(row.mt_both)} (load {row.load}); NegMAS ...", end="", flush=True)
        if python is None:
            row.nm_status = "skipped"
            row.notes.append("NegMAS not run (--no-negmas)")
        elif args.quick and space.size >= 10 ** 6:
            row.nm_status = "skipped"
            row.notes.append("NegMAS not run (--quick)")
        else:
            npz = work / f"{name}.npz"
            np.savez(npz, weights=weights, **{f"values_{i}": v for i, v in enumerate(values)})
            job = {"source": "npz", "path": str(npz), "warmup": 0, "repeat": args.t4_repeat}
            nm = run_worker(python, job, work, name, args.timeout)
            if fill_negmas(row, nm, args.timeout):
                row.nm_both = min(a + b for a, b in zip(nm["t_frontier"], nm["t_nash"], strict=True))
                if "cpu_frontier" in nm:
                    pairs = zip(nm["cpu_frontier"], nm["cpu_nash"], strict=True)
                    row.nm_both_cpu = min(a + b for a, b in pairs)
                compare(row, space, frontier, int(pick), nm)
            elif row.nm_lower_bound is not None:
                row.nm_both = row.nm_lower_bound  # the frontier alone took at least this
        print(f" {row.nm_status if row.nm_status != 'ok' else fmt_time(row.nm_both)}", flush=True)
        rows.append(row)
    return rows


def print_target4(rows: list[Row]) -> None:
    """Frontier + Nash together: both times, the ratio and PASS/MISS against the target."""
    t4 = [r for r in rows if r.group == "target4"]
    if not t4:
        return
    print("\nIssue 20, target 4: Pareto frontier + Nash point, timed together (best of runs). PASS/MISS "
          "goes by wall-clock time, as the issue states the target; CPU time of each process is shown too, "
          "since it depends less on how loaded the machine is. In brackets: the frontier and the Nash point "
          "each timed on its own.")
    head = ("domain", "outcomes", "frontier MT/NM", "agree", "Nash agree", "NegMAS", "multitrack",
            "ratio", "target", "CPU: NegMAS", "multitrack", "ratio", "load (1/5/15 min)")
    body = []
    for r in t4:
        lower = r.nm_status == "timeout" and r.nm_both is not None
        ratio = r.nm_both / r.mt_both if r.nm_both and r.mt_both else None
        if ratio is None:
            verdict = f"n/a ({r.nm_status})"
        else:
            verdict = f"{'PASS' if ratio >= r.target else 'MISS'} >= {r.target:.0f}x"
        sizes = f"{r.mt_size}/{'-' if r.nm_size is None else r.nm_size}"
        nm_t = ("> " if lower else "") + fmt_time(r.nm_both) if r.nm_both else r.nm_status
        agree = yes_no(r.frontier_agree) + ("*" if r.frontier_noise else "")
        nash = yes_no(r.nash_agree) + ("*" if r.nash_noise else "")
        body.append((r.name, fmt_count(r.outcomes), sizes, agree, nash, nm_t,
                     f"{fmt_time(r.mt_both)} ({fmt_time(r.mt_frontier)} + {fmt_time(r.mt_nash)})",
                     fmt_ratio(ratio, lower), verdict, fmt_time(r.nm_both_cpu), fmt_time(r.mt_both_cpu),
                     fmt_ratio(r.nm_both_cpu / r.mt_both_cpu if r.nm_both_cpu and r.mt_both_cpu else None),
                     r.load))
    widths = [max(len(h), *(len(b[c]) for b in body)) for c, h in enumerate(head)]
    for cells in [head, tuple("-" * w for w in widths), *body]:
        pairs = enumerate(zip(cells, widths, strict=True))
        padded = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs)
        print("  " + "  ".join(padded))


# -------------------------------------------------------------------------------------------
# Genius domains
# -------------------------------------------------------------------------------------------


def _norm(s: object) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(s).lower())


def label_mapping(space, names: list[str], labels: list[list[str]]):
    """Per NegMAS issue, (our issue position, {NegMAS value index: our value index})."""
    ours_labels = [[_norm(v) for v in ls] for ls in space.labels]
    ours_ids = [_norm(i) for i in space.issue_ids]
    used, out = set(), []
    for pos, (name, ls) in enumerate(zip(names, labels, strict=True)):
        want = [_norm(v) for v in ls]
        cands = [i for i, iid in enumerate(ours_ids) if iid == _norm(name) and i not in used]
        cands += [i for i, ol in enumerate(ours_labels) if sorted(ol) == sorted(want) and i not in used]
        if not cands and pos < len(ours_labels) and pos not in used and len(ours_labels[pos]) == len(want):
            cands = [pos]  # same position, same number of values: labels presumably rewritten
        if not cands:
            raise ValueError(f"issue {name!r} has no counterpart in multitrack's import")
        i = cands[0]
        used.add(i)
        if sorted(ours_labels[i]) == sorted(want):
            vmap = {a: ours_labels[i].index(v) for a, v in enumerate(want)}
        elif len(ours_labels[i]) == len(want):
            vmap = {a: a for a in range(len(want))}
        else:
            raise ValueError(f"issue {name!r}: values {ls} vs multitrack's {list(space.labels[i])}")
        out.append((i, vmap))
    if len(out) != len(space.tables):
        raise ValueError("issue counts differ")
    return out


def genius_folders(root: Path) -> list[tuple[str, Path, str]]:
    out = []
    for d in sorted(p for p in root.iterdir() if p.is_dir()):
        files = {f.suffix.lower() for f in d.iterdir()}
        kind = "genius" if ".xml" in files else ("geniusweb" if ".json" in files else None)
        if kind:
            out.append((d.name, d, kind))
    return out


def multitrack_genius_space(folder: Path):
    from multitrack.interop import import_genius
    from multitrack.scenario.model import Scenario
    from multitrack.space import TrackSpace, build_track_space

    data = import_genius(folder)
    s = Scenario.model_validate(data)
    full = build_track_space(s, s.tracks[0])
    # Every outcome counts on both sides: reservation values dropped here, ignored by NegMAS.
    bare = TrackSpace.from_tables(list(full.tables), actors=full.actors)
    return full, bare


def bench_genius(args, python: Path | None, work: Path) -> tuple[list[Row], list[str]]:
    """Genius domains. multitrack's side reads each folder with ``multitrack.interop``; where
    that module is missing, or fails on a folder, the engine gets the per-issue tables NegMAS
    parsed instead (row marked "[NegMAS tables]": then only the engine is compared)."""
    from multitrack.space import TrackSpace

    notes: list[str] = []
    root = args.genius_dir
    if root is None or not root.is_dir():
        return [], [f"Genius domains: folder not found ({root}); skipped"]
    try:
        import multitrack.interop  # noqa: F401
        have_interop = True
    except ImportError as e:
        have_interop = False
        notes.append(f"multitrack.interop is not available ({e}): on the Genius domains multitrack's "
                     "engine got the utility tables NegMAS parsed (rows marked [NegMAS tables]); the "
                     "importer is not tested")
    rows = []
    for name, folder, kind in genius_folders(root):
        if args.only and not re.search(args.only, name):
            continue
        row = Row("genius", name + (" (GeniusWeb)" if kind == "geniusweb" else ""), 0, 0)
        print(f"  {name}: NegMAS ...", end="", flush=True)
        nm = None
        if python is not None:
            nm = run_worker(python, {"source": kind, "path": str(folder), "warmup": args.warmup,
                                     "repeat": args.repeat}, work, f"genius-{name}", args.timeout)
        negmas_ok = nm is not None and fill_negmas(row, nm, args.timeout)
        if nm is None:
            row.nm_status = "skipped"
        print(f" {row.nm_status if row.nm_status != 'ok' else fmt_time(row.nm_frontier)}; multitrack ...",
              end="", flush=True)
        full = space = mapping = None
        if have_interop:
            try:
                full, space = multitrack_genius_space(folder)
            except Exception as e:  # noqa: BLE001 - report whatever the importer says
                row.notes.append("multitrack.interop could not import it: "
                                 f"{type(e).__name__}: {str(e)[:300]}")
        if space is None and nm is not None and "tables" in nm:
            space = TrackSpace.from_tables([np.asarray(t, float) for t in nm["tables"]])
            mapping = [(i, {v: v for v in range(len(ls))}) for i, ls in enumerate(nm["labels"])]
            row.name += " [NegMAS tables]"
        if space is None:
            if nm and "n_outcomes" in nm:
                row.outcomes, row.parties = nm["n_outcomes"], nm["n_parties"]
            if row.nm_status == "timeout":
                row.nm_lower_bound = row.nm_frontier = None  # no multitrack time to compare with
            print(" not run", flush=True)
            rows.append(row)
            continue
        row.outcomes, row.parties = space.size, space.n_actors
        frontier, pick, row.mt_frontier, row.mt_nash = run_multitrack(space, args.warmup, args.repeat)
        row.mt_size = frontier.size
        print(f" {fmt_time(row.mt_frontier)}", flush=True)
        if not negmas_ok:
            rows.append(row)
            continue
        if nm["n_outcomes"] != space.size or nm["n_parties"] != space.n_actors:
            row.notes.append(f"sizes differ: NegMAS {nm['n_outcomes']} outcomes, {nm['n_parties']} parties")
        if mapping is None:
            try:
                mapping = label_mapping(full, nm["issue_names"], nm["labels"])
            except ValueError as e:
                row.notes.append(f"cannot line up NegMAS's issues with ours: {e}")
                rows.append(row)
                continue

        def to_ours(idx, mapping=mapping):
            idx = np.asarray(idx, dtype=np.int64).reshape(-1, len(mapping))
            out = np.zeros_like(idx)
            for a, (i, vmap) in enumerate(mapping):
                out[:, i] = [vmap[int(v)] for v in idx[:, a]]
            return out

        compare(row, space, frontier, pick, nm, to_ours)
        table_check(row, space, nm, mapping)
        rows.append(row)
    return rows, notes


def table_check(row: Row, space, nm: dict, mapping) -> None:
    """Whether each NegMAS party's tables equal one of our parties' up to a positive scale and
    per-issue offsets (the frontier and Nash point do not change under those)."""
    nm_tables = [np.asarray(t, float) for t in nm["tables"]]  # per NegMAS issue: (k, n_values)
    k = space.n_actors
    unmatched = []
    for j in range(nm_tables[0].shape[0]):
        x = []
        for a, (_i, vmap) in enumerate(mapping):
            order = np.array([vmap[v] for v in range(nm_tables[a].shape[1])])
            row_j = np.empty(nm_tables[a].shape[1])
            row_j[order] = nm_tables[a][j]
            x.append(row_j)
        x_by_ours = [None] * len(mapping)
        for a, (i, _) in enumerate(mapping):
            x_by_ours[i] = x[a]
        ours_of = [[space.tables[i][p] for i in range(len(mapping))] for p in range(k)]
        if not any(affine_scale(x_by_ours, ours_of[p]) for p in range(k)):
            unmatched.append(j)
    if unmatched:
        row.notes.append(f"utility tables of NegMAS party {unmatched} match none of ours up to scale")


# -------------------------------------------------------------------------------------------
# The 10^7-outcome job (a child process of its own, for its peak memory)
# -------------------------------------------------------------------------------------------


def big_job(seed: int, warmup: int, repeat: int) -> dict:
    """Count, frontier and utilitarian + egalitarian solutions of a 10^7-outcome, 3-party space
    with reservation values; timed as best of ``repeat`` after ``warmup`` full runs."""
    from multitrack.space import TrackSpace, agreement_frontier, choose, count_space

    tables, r = big_domain(seed)
    space = TrackSpace.from_tables(tables, reservation=r)
    d = space.normalise(r)

    def job():
        t0 = time.perf_counter()
        counts = count_space(space)
        t1 = time.perf_counter()
        frontier = agreement_frontier(space)
        t2 = time.perf_counter()
        u = space.normalise(frontier.utility).T
        util, egal = choose("utilitarian", u, d), choose("egalitarian", u, d)
        t3 = time.perf_counter()
        return {"n_outcomes": counts.n_outcomes, "n_agreeable": counts.n_agreeable, "frontier": frontier.size,
                "utilitarian": u[util].tolist(), "egalitarian": u[egal].tolist(),
                "utilitarian_index": frontier.index[util].tolist(),
                "egalitarian_index": frontier.index[egal].tolist(),
                "t_count": t1 - t0, "t_frontier": t2 - t1, "t_choose": t3 - t2, "t_total": t3 - t0}

    for _ in range(warmup):
        job()
    runs = [job() for _ in range(repeat)]
    return min(runs, key=lambda x: x["t_total"])


def run_big_job(args) -> dict:
    """Run the 10^7 job in a fresh child (via a wrapper process whose only child it is) and
    get its result and peak RSS (ru_maxrss of the wrapper's children, after the job exits)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_big-job-wrapper", "--seed", str(args.seed),
           "--warmup", str(args.warmup), "--repeat", str(args.repeat)]
    r = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip()[-500:]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def big_job_wrapper(args) -> None:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--_big-job", "--seed", str(args.seed),
           "--warmup", str(args.warmup), "--repeat", str(args.repeat)]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, check=False, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(r.stderr)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    out["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    out["child_wall_s"] = wall
    print(json.dumps(out))


def check_big_job(seed: int, res: dict) -> list[str]:
    """Brute-force check of the 10^7 job, here in the parent (not timed, not measured)."""
    tables, r = big_domain(seed)
    k = len(r)
    lo = np.sum([t.min(axis=1) for t in tables], axis=0)
    hi = np.sum([t.max(axis=1) for t in tables], axis=0)
    span = hi - lo
    d = (r - lo) / span
    inner = np.zeros((k, 1))
    for t in tables[1:]:
        inner = (inner[:, :, None] + t[:, None, :]).reshape(k, -1)
    count, best_sum, best_min = 0, -np.inf, -np.inf
    for v0 in range(tables[0].shape[1]):
        u = inner + tables[0][:, v0, None]
        ok = np.all(u >= r[:, None], axis=0)
        count += int(ok.sum())
        if ok.any():
            un = (u[:, ok] - lo[:, None]) / span[:, None]
            best_sum = max(best_sum, float(un.sum(axis=0).max()))
            best_min = max(best_min, float((un - d[:, None]).min(axis=0).max()))
    problems = []
    if count != res["n_agreeable"]:
        problems.append(f"acceptable count {res['n_agreeable']:,} but brute force says {count:,}")
    if abs(sum(res["utilitarian"]) - best_sum) > 1e-9:
        problems.append(f"utilitarian sum {sum(res['utilitarian']):.12f} vs brute force {best_sum:.12f}")
    if abs(min(np.array(res["egalitarian"]) - d) - best_min) > 1e-9:
        problems.append(f"egalitarian min gain {min(np.array(res['egalitarian']) - d):.12f} "
                        f"vs brute force {best_min:.12f}")
    return problems


# -------------------------------------------------------------------------------------------
# Report
# -------------------------------------------------------------------------------------------

HEADER = ("domain", "outcomes", "parties", "frontier MT", "frontier NM", "agree", "Nash agree",
          "NegMAS frontier", "multitrack frontier", "ratio", "NegMAS Nash", "multitrack Nash", "ratio")


def table_rows(rows: list[Row], timeout: float) -> list[tuple[str, ...]]:
    out = []
    for r in rows:
        if r.nm_status == "timeout" and r.nm_frontier is not None:
            nm_t, ratio = fmt_time(r.nm_frontier) + " (limit)", fmt_ratio(r.ratio)
        elif r.nm_status == "timeout":
            nm_t, ratio = "timeout", (fmt_ratio(r.ratio, True) if r.ratio is not None else "-")
        elif r.nm_status != "ok":
            nm_t, ratio = r.nm_status, "-"
        else:
            nm_t, ratio = fmt_time(r.nm_frontier), fmt_ratio(r.ratio)
        out.append((r.name, fmt_count(r.outcomes) if r.outcomes else "-", str(r.parties or "-"),
                    "-" if r.mt_size is None else str(r.mt_size),
                    "-" if r.nm_size is None else str(r.nm_size),
                    yes_no(r.frontier_agree) + ("*" if r.frontier_noise else ""),
                    yes_no(r.nash_agree) + ("*" if r.nash_noise else ""),
                    nm_t, fmt_time(r.mt_frontier), ratio,
                    fmt_time(r.nm_nash) if r.nm_status == "ok" else r.nm_status, fmt_time(r.mt_nash),
                    fmt_ratio(r.nash_ratio) if r.nm_status == "ok" else "-"))
    return out


def print_table(rows: list[Row], timeout: float) -> None:
    body = table_rows(rows, timeout)
    widths = [max(len(h), *(len(b[c]) for b in body)) if body else len(h) for c, h in enumerate(HEADER)]

    def line(cells):
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs)

    print(line(HEADER))
    print("  ".join("-" * w for w in widths))
    group = None
    for r, b in zip(rows, body, strict=True):
        if group is not None and r.group != group:
            print()
        group = r.group
        print(line(b))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="skip the NegMAS runs on 10^6-outcome domains")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per NegMAS job (default 600)")
    p.add_argument("--repeat", type=int, default=3, help="timed runs per measurement; the best counts")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs before the timed ones")
    p.add_argument("--seed", type=int, default=2024, help="seed of the random domains")
    p.add_argument("--venv", type=Path, default=HERE / ".venv-negmas", help="NegMAS virtual environment")
    p.add_argument("--work-dir", type=Path, default=HERE / ".bench-work",
                   help="throw-away files: domains, worker jobs and logs, results.json")
    default_genius = next((c for c in (REPO / "shared/data/genius", REPO.parent / "shared/data/genius")
                           if c.is_dir()), None)
    p.add_argument("--genius-dir", type=Path, default=default_genius, help="folder of Genius domains")
    p.add_argument("--no-negmas", action="store_true", help="run our side only")
    p.add_argument("--no-big", action="store_true", help="skip the 10^7-outcome job")
    p.add_argument("--only", metavar="REGEX", help="run only the domains whose name matches (re.search)")
    p.add_argument("--t4-repeat", type=int, default=1,
                   help="timed NegMAS runs on the issue-20 target-4 domains (no warm-up; default 1)")
    p.add_argument("--_big-job", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--_big-job-wrapper", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args._big_job:
        print(json.dumps(big_job(args.seed, args.warmup, args.repeat)))
        return 0
    if args._big_job_wrapper:
        big_job_wrapper(args)
        return 0

    import multitrack

    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    print(f"multitrack agreement space vs NegMAS {NEGMAS_VERSION}  ({platform.python_implementation()} "
          f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs)")
    print(f"multitrack {getattr(multitrack, '__version__', '?')} from {Path(multitrack.__file__).parent}")
    print(f"Load averages (1/5/15 min) at start: {load_now()}")
    python = None if args.no_negmas else ensure_negmas_venv(args.venv, work / "pip-install.log")
    print(f"Timing: each side best of {args.repeat} run(s) after {args.warmup} untimed warm-up run(s) "
          "(numba compilation on our side and any caching on NegMAS's happen in the warm-up).")
    print("Only the frontier computation is timed (NegMAS: pareto_frontier(ufuns, issues=...), which "
          "enumerates and evaluates every outcome; multitrack: agreement_frontier(space)), and separately "
          "the Nash point (NegMAS: nash_points(ufuns, frontier, issues=...); multitrack: normalise + "
          "choose('nash')). Utility-function and space construction are not timed.")
    print("Threads: NUMBA_NUM_THREADS=OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1 on both sides; NegMAS runs "
          f"in its own process with a {args.timeout:.0f} s limit per domain.")
    print(f"Agreement: frontier outcomes of both sides evaluated with the same tables, compared as sets of "
          f"utility vectors rounded to {DECIMALS} places; Nash: multitrack's point is among NegMAS's "
          "nash_points. No reservation values on either side (every outcome counts); Nash disagreement "
          "point = each party's worst utility (what NegMAS uses when there is no reserved value).\n")

    rows: list[Row] = []
    notes: list[str] = []
    print("Genius domains:")
    g_rows, g_notes = bench_genius(args, python, work)
    rows += g_rows
    notes += g_notes
    if g_notes:
        print("  (see Notes)")
    print("Random linear-additive domains (10 values per issue):")
    rows += bench_random(args, python, work)
    print("Issue 20, target 4 (seeded 5-party 240,000- and 2-party 10^6-outcome domains):")
    rows += bench_target4(args, python, work)

    big = None
    if not args.no_big:
        print("10^7-outcome, 3-party job (child process) ...", flush=True)
        big = run_big_job(args)
        if "error" not in big:
            big["check_problems"] = check_big_job(args.seed, big)

    print()
    print_table(rows, args.timeout)
    print("\nMT = multitrack, NM = NegMAS; frontier sizes count Pareto-optimal outcomes, one per distinct "
          "utility vector; ratio = NegMAS time / multitrack time; yes* = equal only after float noise "
          "is rounded away (see Notes).")
    row_notes = [(r.name, n) for r in rows for n in r.notes]
    if row_notes or notes:
        print("\nNotes:")
        for name, n in row_notes:
            print(f"  - {name}: {n}")
        for n in notes:
            print(f"  - {n}")

    print_target4(rows)

    # ---- targets ------------------------------------------------------------------------
    print("\nTargets:")
    big_enough = [r for r in rows if r.outcomes >= 10 ** 5 and r.mt_frontier is not None]
    measured = [(r, r.ratio) for r in big_enough if r.ratio is not None]
    not_run = [r.name for r in big_enough if r.ratio is None]
    if measured:
        worst_row, worst = min(measured, key=lambda x: x[1])
        ok1 = worst >= 50
        extra = f"; NegMAS not run on {', '.join(not_run)}, so not checked there" if not_run else ""
        print(f"  [{'PASS' if ok1 else 'FAIL'}] >= 50x faster than NegMAS's pareto_frontier on every "
              f"domain of >= 1e5 outcomes: lowest ratio {fmt_ratio(worst, worst_row.nm_frontier is None)} "
              f"({worst_row.name}) over {len(measured)} domain(s){extra}")
    else:
        print("  [n/a ] >= 50x faster than NegMAS on domains of >= 1e5 outcomes: no NegMAS runs")
    for r in (r for r in rows if r.group == "target4"):
        ratio = r.nm_both / r.mt_both if r.nm_both and r.mt_both else None
        lower = "> " if r.nm_status == "timeout" else ""
        if ratio is None:
            print(f"  [n/a ] issue 20 target 4, {r.name}: frontier + Nash >= {r.target:.0f}x NegMAS: "
                  f"not compared ({r.nm_status})")
        else:
            ok = ratio >= r.target and r.frontier_agree is not False and r.nash_agree is not False
            print(f"  [{'PASS' if ok else 'MISS'}] issue 20 target 4, {r.name}: frontier + Nash >= "
                  f"{r.target:.0f}x NegMAS: {lower}{fmt_ratio(ratio)} ({fmt_time(r.mt_both)} vs "
                  f"{lower}{fmt_time(r.nm_both)})")
    r6 = next((r for r in rows if r.group == "random" and r.outcomes == 10 ** 6 and r.parties == 3), None)
    if r6 is not None:
        print(f"  [{'PASS' if r6.mt_frontier < 1 else 'FAIL'}] 1e6-outcome, 3-party frontier in < 1 s on one "
              f"core: {fmt_time(r6.mt_frontier)}")
    if big is not None:
        if "error" in big:
            print(f"  [FAIL] 1e7-outcome job failed: {big['error']}")
        else:
            rss = big["peak_rss_kib"] / 1024
            ok = big["t_total"] < 10 and rss < 2048 and not big["check_problems"]
            print(f"  [{'PASS' if ok else 'FAIL'}] 1e7-outcome, 3-party count + frontier + utilitarian + "
                  f"egalitarian in < 10 s with peak RSS < 2 GiB: {big['t_total']:.2f} s (count "
                  f"{big['t_count']:.2f} s, frontier {fmt_time(big['t_frontier'])}, choices "
                  f"{fmt_time(big['t_choose'])}), peak RSS {rss:,.0f} MiB of the child process (whole child "
                  f"incl. imports and warm-up, {big['child_wall_s']:.1f} s wall)")
            print(f"         {big['n_agreeable']:,} of {big['n_outcomes']:,} outcomes acceptable to all "
                  f"({big['n_agreeable'] / big['n_outcomes']:.1%}); frontier {big['frontier']} points; "
                  "brute-force check of count, utilitarian and egalitarian values: "
                  + ("agrees" if not big["check_problems"] else "; ".join(big["check_problems"])))

    compared = [r for r in rows if r.frontier_agree is not None]
    bad = [r.name for r in compared if not (r.frontier_agree and r.nash_agree)]
    print(f"\nComparisons: {len(compared)} domain(s) compared, "
          + ("all agree." if not bad else f"DISAGREEMENT on {', '.join(bad)}."))
    (work / "results.json").write_text(json.dumps(
        {"rows": [r.__dict__ for r in rows], "big": big, "notes": notes, "args": {
            k: str(v) for k, v in vars(args).items()}}, indent=1, default=str))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
