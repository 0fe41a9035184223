"""Benchmark multitrack's GMCR stability analysis (Nash, GMR, SMR, SEQ, SIM, SEQ&SIM) on synthetic
4-DM conflicts.

Each size runs in a child process pinned to one core with one numba thread (peak RSS from
getrusage). The peer, gmcr-py (GMCR+), runs headless from its own throw-away venv
(default benchmarks/.bench-work/venv-gmcr; --venv). Everything the script writes goes under
benchmarks/.bench-work.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".bench-work"
GMCR_VENV = WORK / "venv-gmcr"  # --venv replaces it (see main)
GMCR_SRC = GMCR_VENV / "gmcr-py"
#: Where a local copy of gmcr-py is looked for first: --gmcr-mirror, else $GMCR_PY_MIRROR, else this
#: path. A bare git directory (its HEAD is read) or a checked-out folder with the solver files.
GMCR_MIRROR = Path(os.environ.get("GMCR_PY_MIRROR", "/work/.mirror/onp+gmcr-py/repo/.git"))
GMCR_URL = "https://github.com/onp/gmcr-py"
GMCR_FILES = [
    "data_01_conflictModel.py", "data_02_conflictSolvers.py", "data_03_gmcrUtilities.py", "version.py",
]
CONCEPTS = ("nash", "gmr", "smr", "seq")
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NUMBA_NUM_THREADS": "1"}
TARGET_S = 10.0  # issue 20: 2^20 states, 4 DMs, every concept in at most 10 s on one core

# Runs inside the gmcr-py venv with cwd = its source; reads a GMCR+ file, prints JSON.
PEER_DRIVER = r"""
import json, sys, time, contextlib, io
import numpy as np
with contextlib.redirect_stdout(io.StringIO()):
    import data_01_conflictModel as m, data_02_conflictSolvers as s
    c = m.ConflictModel(); c.json_import(json.load(open(sys.argv[1])))
    t0 = time.perf_counter(); sol = s.LogicalSolver(c); t1 = time.perf_counter()
    out, table = {}, {}
    for name in ("nash", "gmr", "smr", "seq"):
        f = getattr(sol, name)
        table[name] = np.array([[f(dm, k)[0] for dm in sol.effectiveDMs] for k in range(len(c.feasibles))])
        out[name] = np.flatnonzero(table[name].all(axis=1)).tolist()
    t2 = time.perf_counter()
    if sys.argv[2:] == ["sim"]:  # untimed: SIM, and SEQ&SIM as gmcr-py combines them (SEQ or SIM per DM)
        states = range(len(c.feasibles))
        table["sim"] = np.array([[sol.sim(dm, k)[0] for dm in sol.effectiveDMs] for k in states])
        out["sim"] = np.flatnonzero(table["sim"].all(axis=1)).tolist()
        out["seq_sim"] = np.flatnonzero((table["seq"] | table["sim"]).all(axis=1)).tolist()
        # gmcr-py's sim() builds one itertools.product of the opponents' answers and walks it
        # for every improvement of the focal DM, so after the first improvement the iterator is
        # spent. Run once more with the product as a list: that is the definition it means.
        product = s.itertools.product
        s.itertools.product = lambda *a: list(product(*a))
        fixed = np.array([[sol.sim(dm, k)[0] for dm in sol.effectiveDMs] for k in states])
        s.itertools.product = product
        out["sim_reusable"] = np.flatnonzero(fixed.all(axis=1)).tolist()
        out["seq_sim_reusable"] = np.flatnonzero((table["seq"] | fixed).all(axis=1)).tolist()
print(json.dumps({"setup_s": t1 - t0, "solve_s": t2 - t1, "equilibria": out}))
"""


def synthetic(n_options: int, seed: int):
    """A 4-DM conflict with n_options/4 options each and random option-prioritization preferences."""
    from multitrack.stability import Conflict, DecisionMaker, OptionPrioritization

    rng = random.Random(seed * 1000 + n_options)
    per = n_options // 4
    names = [f"o{k + 1}" for k in range(n_options)]
    dms = []
    for d in range(4):
        statements = tuple(_random_statement(rng, names) for _ in range(per + 2))
        owned = tuple(names[d * per : (d + 1) * per])
        dms.append(DecisionMaker(f"DM{d + 1}", owned, OptionPrioritization(statements)))
    return Conflict(tuple(dms))


def _random_statement(rng: random.Random, names: list[str]) -> str:
    """A random statement: 1 to 3 (possibly negated) options joined by & or |."""
    lits = [("-" if rng.random() < 0.4 else "") + rng.choice(names) for _ in range(rng.randint(1, 3))]
    return f" {rng.choice('&|')} ".join(lits)


def child(n_options: int, seed: int, out_dir: str | None, sim: bool = False) -> None:
    """Run one size on one core; print JSON with times (wall and CPU), states, peak RSS and
    equilibria. The kernels are loaded from numba's cache (or compiled) on a small conflict
    first, timed apart as `warm_s`: that is a once-per-installation cost, not the analysis's."""
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT / "src"))
    import numpy as np

    from multitrack.stability import analyse

    t0 = time.perf_counter()
    analyse(synthetic(8, seed).build(), (*CONCEPTS, "sim", "seq_sim"))
    warm_s = time.perf_counter() - t0
    conflict = synthetic(n_options, seed)
    c0, t0 = time.process_time(), time.perf_counter()
    model = conflict.build()
    t1 = time.perf_counter()
    result = analyse(model, CONCEPTS)
    t2, c2 = time.perf_counter(), time.process_time()
    sim_s = sim_cpu = None
    if sim:  # SIM and SEQ&SIM (the stability analysis's defaults beside the four), timed apart
        sim_table = analyse(model, ("sim",)).stable("sim")
        both = result.stable("seq") | sim_table  # SEQ&SIM: stable under SEQ or under SIM
        sim_s, sim_cpu = time.perf_counter() - t2, time.process_time() - c2
        eq_sim = {"sim": np.flatnonzero(sim_table.all(axis=1)).tolist(),
                  "seq_sim": np.flatnonzero(both.all(axis=1)).tolist()}
    if out_dir:
        from multitrack.stability.gmcr_plus import write_gmcr_plus

        Path(out_dir, f"synthetic_{n_options}.gmcr").write_text(write_gmcr_plus(conflict))
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    eq = {c: result.equilibria(c).tolist() for c in CONCEPTS} | (eq_sim if sim else {})
    print(json.dumps({"states": model.n_states, "build_s": t1 - t0, "analyse_s": t2 - t1,
                      "cpu_s": c2 - c0, "rss_gib": rss_kib / 2**20, "sim_s": sim_s, "sim_cpu_s": sim_cpu,
                      "warm_s": warm_s, "equilibria": eq}))


def run_child(n_options: int, seed: int, out_dir: Path, sim: bool = False) -> dict:
    """Run `child` in a fresh process so peak RSS belongs to this size alone."""
    cmd = [sys.executable, __file__, "--child", str(n_options), "--seed", str(seed), "--out", str(out_dir)]
    cmd += ["--sim"] if sim else []
    cmd = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *cmd]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, env={**os.environ, **ONE_CORE})
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- end to end

# Runs one command in a child and prints its wall seconds and peak RSS (the children's maxrss).
TIMER = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t0
use = resource.getrusage(resource.RUSAGE_CHILDREN)
rss, cpu = use.ru_maxrss / 2**20, use.ru_utime + use.ru_stime
print(json.dumps({"rc": proc.returncode, "wall_s": wall, "cpu_s": cpu, "rss_gib": rss,
                  "err": (proc.stderr.strip().splitlines() or [""])[-1]}))
"""


def multitrack_cli() -> list[str]:
    """The `multitrack` command of this checkout (its venv's script, else `python -m multitrack`)."""
    script = Path(sys.executable).parent / "multitrack"
    return [str(script)] if script.exists() else [sys.executable, "-m", "multitrack"]


def timed(cmd: list[str]) -> dict:
    """Wall time and peak RSS of `cmd`, pinned to one core with one numba thread."""
    pin = ["taskset", "-c", str(min(os.sched_getaffinity(0)))]
    env = {**os.environ, **ONE_CORE, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([*pin, sys.executable, "-c", TIMER, *cmd], capture_output=True, text=True, env=env,
                          check=False)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def end_to_end(n_options: int, work: Path) -> list[tuple[str, dict]]:
    """`multitrack analyze --only stability` as a user runs it on the conflict the size wrote
    (`synthetic_N.gmcr`): on the GMCR+ file itself, and on the scenario `multitrack import gmcr
    --status-quo` makes of it (nobody's option taken today), which adds the status quo analysis.
    Each writes results.json and report.html under .bench-work."""
    gmcr = work / f"synthetic_{n_options}.gmcr"
    scenario = work / f"synthetic_{n_options}.yaml"
    cli = multitrack_cli()
    made = subprocess.run([*cli, "import", "gmcr", str(gmcr), "--status-quo", "N" * n_options, "-o",
                           str(scenario), "--force"], capture_output=True, text=True, check=False)
    rows = []
    for name, path in (("GMCR+ file", gmcr), ("scenario with status quo", scenario)):
        if path == scenario and made.returncode != 0:
            rows.append((name, {"rc": made.returncode, "err": made.stderr.strip()[-200:]}))
            continue
        out = work / f"analyze_{n_options}_{'gmcr' if path == gmcr else 'yaml'}"
        rows.append((name, timed([*cli, "analyze", str(path), "--only", "stability", "--no-record", "-q",
                                  "--out", str(out)])))
    return rows


def _end_to_end_lines(n_options: int, work: Path) -> None:
    for name, res in end_to_end(n_options, work):
        what = f"2^{n_options} states, `multitrack analyze --only stability` on the {name}"
        if res.get("rc") != 0:
            print(f"[MISS] {what}: failed: {res.get('err')}")
            continue
        mark = "PASS" if res["wall_s"] <= TARGET_S else "MISS"
        print(f"[{mark}] {what}: {res['wall_s']:.2f} s wall, {res['cpu_s']:.2f} s CPU (start-up, load, "
              f"analysis, results.json and report.html), peak RSS {res['rss_gib']:.2f} GiB "
              f"(<= {TARGET_S:.0f} s, one core, load {_load()})")


# --------------------------------------------------------------------------- peer


def peer_python(mirror: Path = GMCR_MIRROR) -> tuple[Path | None, str]:
    """Create (once) the gmcr-py venv and source copy; return its python or why not."""
    py = GMCR_VENV / "bin" / "python"
    try:
        if not py.exists():
            venv.EnvBuilder(with_pip=True).create(GMCR_VENV)
        if not (GMCR_SRC / GMCR_FILES[0]).exists():
            _get_gmcr_source(mirror)
        if subprocess.run([py, "-c", "import numpy"], check=False, capture_output=True).returncode != 0:
            _install_numpy(py)
        return py, ""
    except (OSError, subprocess.CalledProcessError) as exc:
        return None, (f"cannot set up gmcr-py venv: {exc} (no gmcr-py at {mirror} and no clone from "
                      f"{GMCR_URL}; point --gmcr-mirror or GMCR_PY_MIRROR at a copy)")


def _get_gmcr_source(mirror: Path) -> None:
    """Copy gmcr-py's solver sources (never into the package) from a local mirror or GitHub."""
    GMCR_SRC.mkdir(parents=True, exist_ok=True)
    if (mirror / GMCR_FILES[0]).exists():  # a checked-out folder
        for name in GMCR_FILES:
            (GMCR_SRC / name).write_bytes((mirror / name).read_bytes())
    elif mirror.exists():  # a git directory
        git = ["git", "--git-dir", str(mirror), "archive", "HEAD", *GMCR_FILES]
        archive = subprocess.run(git, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(GMCR_SRC)], input=archive, check=True)
    else:
        clone = ["git", "clone", "--depth", "1", GMCR_URL, str(GMCR_SRC)]
        subprocess.run(clone, check=True, capture_output=True)


def _install_numpy(py: Path) -> None:
    """numpy from the index; offline, fall back to the main venv's numpy through a .pth file."""
    pip = subprocess.run([py, "-m", "pip", "install", "-q", "numpy"], check=False, capture_output=True)
    if pip.returncode == 0:
        return
    import numpy

    site = subprocess.run([py, "-c", "import site; print(site.getsitepackages()[0])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "main-numpy.pth").write_text(str(Path(numpy.__file__).parent.parent) + "\n")


def run_peer(py: Path, gmcr_file: Path, timeout: float, sim: bool = False) -> dict:
    """Drive gmcr-py's LogicalSolver headless (no tkinter) on one GMCR+ file, on one core;
    with `sim`, also its SIM and SEQ&SIM equilibria (after the timed part)."""
    cmd = ["taskset", "-c", str(min(os.sched_getaffinity(0))), str(py), "-c", PEER_DRIVER, str(gmcr_file)]
    cmd += ["sim"] if sim else []
    try:
        proc = subprocess.run(cmd, check=False, cwd=GMCR_SRC, capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, **ONE_CORE})
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def peer_skip_reason(states: int) -> str | None:
    """gmcr-py keeps two dense int64 N x N matrices per DM; skip sizes that cannot fit."""
    gib = 4 * 2 * states**2 * 8 / 2**30
    return f"gmcr-py needs ~{gib:,.0f} GiB of dense N x N matrices" if gib > 8 else None


# --------------------------------------------------------------------------- report


def _agreement(ours: dict, theirs: dict) -> str:
    diffs = [c for c in (*CONCEPTS, "sim", "seq_sim") if c in ours and c in theirs and ours[c] != theirs[c]]
    if not diffs:
        return "equilibria agree" + (" (SIM and SEQ&SIM too)" if "sim" in theirs else "")
    return "equilibria differ: " + ", ".join(_difference(c, ours, theirs) for c in diffs)


def _difference(c: str, ours: dict, theirs: dict) -> str:
    text = f"{c} (ours {len(ours[c])}, gmcr-py {len(theirs[c])}"
    if f"{c}_reusable" in theirs:  # see PEER_DRIVER: gmcr-py's SIM with its spent iterator fixed
        same = theirs[f"{c}_reusable"] == ours[c]
        text += f"; with its answer iterator reusable: {'equal' if same else 'still differ'}"
    return text + ")"


def _peer_line(res: dict, py: Path | None, why: str, gmcr_file: Path, timeout: float) -> str:
    if py is None:
        return f"  peer: skipped ({why})"
    reason = peer_skip_reason(res["states"])
    if reason:
        return f"  peer: skipped ({reason})"
    peer = run_peer(py, gmcr_file, timeout, sim="sim" in res["equilibria"])
    if "timeout" in peer:
        ratio = peer["timeout"] / (res["build_s"] + res["analyse_s"])
        return f"  gmcr-py: did not finish in {peer['timeout']:.0f} s (ratio > {ratio:,.0f}x)"
    if "error" in peer:
        return f"  gmcr-py: failed: {peer['error']}"
    total = peer["setup_s"] + peer["solve_s"]
    ratio = total / (res["build_s"] + res["analyse_s"])
    return (f"  gmcr-py: {total:8.2f} s (reachability {peer['setup_s']:.2f} s)  "
            f"ratio {ratio:,.0f}x  {_agreement(res['equilibria'], peer['equilibria'])}")


def main() -> int:
    global GMCR_VENV, GMCR_SRC
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--max-options", type=int, default=20, help="largest size to run (20 needs ~GiBs)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-peer", action="store_true", help="skip gmcr-py")
    ap.add_argument("--peer-timeout", type=float, default=300.0)
    ap.add_argument("--gmcr-mirror", type=Path, default=GMCR_MIRROR,
                    help="local copy of gmcr-py: a git directory or a checked-out folder (default: "
                         "$GMCR_PY_MIRROR, else %(default)s); without one the script clones it from GitHub")
    ap.add_argument("--venv", type=Path, default=GMCR_VENV,
                    help="throw-away virtual environment for gmcr-py (default: %(default)s)")
    ap.add_argument("--sim-max-options", type=int, default=20,
                    help="also time SIM and SEQ&SIM up to this size (the 2^20 target counts them)")
    ap.add_argument("--no-end-to-end", action="store_true",
                    help="skip timing `multitrack analyze --only stability` on the largest size")
    ap.add_argument("--sim", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.seed, args.out, args.sim)
        return 0
    GMCR_VENV, GMCR_SRC = args.venv.resolve(), args.venv.resolve() / "gmcr-py"
    work = WORK
    work.mkdir(exist_ok=True)
    py, why = (None, "--no-peer") if args.no_peer else peer_python(args.gmcr_mirror)
    sizes = [n for n in (8, 12, 16, 20) if n <= args.max_options]
    print(f"4 DMs, option prioritization (seed {args.seed}), concepts {', '.join(CONCEPTS)} (+ SIM, SEQ&SIM "
          f"up to {args.sim_max_options} options), one core; load {_load()}")
    results = {}
    for n in sizes:
        res = run_child(n, args.seed, work, sim=n <= args.sim_max_options)
        if "error" in res:
            print(f"{n:2d} options: failed: {res['error']}")
            continue
        results[n] = res
        print(f"{n:2d} options {res['states']:>8,} states: build {res['build_s']:7.3f} s  "
              f"analyse {res['analyse_s']:7.3f} s"
              + (f"  SIM+SEQ&SIM {res['sim_s']:6.3f} s" if res.get("sim_s") is not None else "")
              + f"  peak RSS {res['rss_gib']:.2f} GiB  (kernels loaded in {res['warm_s']:.2f} s)")
        print(_peer_line(res, py, why, work / f"synthetic_{n}.gmcr", args.peer_timeout))
    _growth(results)
    _targets(results)
    big = max(results, default=None)
    if big is not None and not args.no_end_to_end:
        _end_to_end_lines(big, work)
    return 0


def _growth(results: dict) -> None:
    keys = sorted(results)
    for a, b in itertools.pairwise(keys):
        ta = results[a]["build_s"] + results[a]["analyse_s"]
        tb = results[b]["build_s"] + results[b]["analyse_s"]
        states = results[b]["states"] / results[a]["states"]
        print(f"growth {a}->{b} options: states x{states:.0f}, time x{tb / ta:.1f}")


def _load() -> str:
    """The 1-minute load average and the cores: timings under load are slower than quiet ones."""
    return f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def _targets(results: dict) -> None:
    if 16 in results:
        t = results[16]["build_s"] + results[16]["analyse_s"]
        mark = "PASS" if t < 10 else "MISS"
        print(f"[{mark}] 2^16 states, 4 DMs, Nash+GMR+SMR+SEQ in {t:.2f} s (< 10 s, one core)")
    if 20 in results:
        res = results[20]
        rss = res["rss_gib"]
        if res.get("sim_s") is None:
            print("[MISS] 2^20 states, every concept: SIM not run (--sim-max-options below 20)")
        else:
            wall = res["build_s"] + res["analyse_s"] + res["sim_s"]
            cpu = res["cpu_s"] + res["sim_cpu_s"]
            mark = "PASS" if wall <= TARGET_S else "MISS"
            print(f"[{mark}] 2^20 states, 4 DMs, Nash+GMR+SMR+SEQ+SIM+SEQ&SIM (build included)"
                  f" in {wall:.2f} s wall, {cpu:.2f} s CPU (<= {TARGET_S:.0f} s, one core, "
                  f"load {_load()})")
        print(f"[{'PASS' if rss < 16 else 'MISS'}] 2^20 states within 16 GiB: peak RSS {rss:.2f} GiB")


if __name__ == "__main__":
    sys.exit(main())
