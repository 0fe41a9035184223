"""Start-up time of the command line (issue 20, target 3: ``--help`` and ``validate FILE`` in 0.3 s).

Each case runs as a fresh process, N times. The best wall time is the figure that counts,
because start-up is what a user waits for. The best CPU time (user + system, from
``getrusage``) is printed too, since it moves less when other work shares the machine. The
cases: bare Python (the floor), ``import multitrack``, ``multitrack --help``, ``multitrack
validate european-security``, and ``validate`` on a user's file (a copy of the built-in scenario
in ``benchmarks/.bench-work``). No peer tool has a start-up to compare with, so there is no
ratio column. ``--before DIR`` runs the same cases on another checkout's ``src`` (for example
``git archive HEAD~1``) in the same run, for a before/after ratio. ``--breakdown`` lists where
``validate``'s import time goes, from ``python -X importtime``.

    .venv/bin/python benchmarks/bench_startup.py [--repeat N] [--before DIR] [--breakdown]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".bench-work"
TARGET_S = 0.3
#: Packages the start-up must not import (issue 20: only where used). numpy too: neither ``--help``
#: nor ``validate`` needs it (validate counts a conflict's states and finds warnings in plain Python).
HEAVY = ("numba", "scipy", "pandas", "plotly", "dask", "fastapi", "sqlalchemy", "matplotlib", "numpy")


def cases(user_file: Path) -> list[tuple[str, list[str], bool]]:
    """(label, python arguments, held to the 0.3 s target)."""
    return [
        ("python -c pass (floor)", ["-c", "pass"], False),
        ("import multitrack", ["-c", "import multitrack"], False),
        ("multitrack --help", ["-m", "multitrack", "--help"], True),
        ("validate european-security", ["-m", "multitrack", "validate", "european-security"], True),
        ("validate <user file>", ["-m", "multitrack", "validate", str(user_file)], True),
    ]


def child_env(src: Path | None) -> dict[str, str]:
    """The environment of a measured process: bytecode cached (as an installed package has it;
    under ``.bench-work/pycache``, so the source tree stays clean), ``src`` first on the path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
    if src is not None:
        env["PYTHONPATH"] = str(src) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_once(args: list[str], src: Path | None) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh ``python ARGS``."""
    env = child_env(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=WORK)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(args: list[str], repeat: int, src: Path | None) -> tuple[float, float]:
    run_once(args, src)  # warm-up: writes the bytecode and fills the file cache
    runs = [run_once(args, src) for _ in range(repeat)]
    return min(w for w, _ in runs), min(c for _, c in runs)


def heavy_imports(args: list[str], src: Path | None) -> list[str]:
    """Heavy packages that ``python -X importtime ARGS`` imported."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True,
                          env=child_env(src), cwd=WORK)
    names = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in done.stderr.splitlines()
             if line.startswith("import time:") and line.count("|") == 2}
    return sorted(names & set(HEAVY))


def breakdown(args: list[str]) -> list[tuple[str, float]]:
    """Seconds of import time by top-level package (the sum of its modules' own times, so each
    second is counted once), from one ``python -X importtime ARGS``, largest first."""
    done = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True,
                          env=child_env(None), cwd=WORK)
    out: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, _, name = line[len("import time:"):].split("|")
        try:
            seconds = int(own) / 1e6
        except ValueError:  # the header line
            continue
        top = name.strip().split(".")[0]
        out[top] = out.get(top, 0.0) + seconds
    return sorted(out.items(), key=lambda kv: -kv[1])


def work_seconds() -> list[tuple[str, float]]:
    """The steps of ``validate european-security`` after the imports, timed in one process."""
    code = "\n".join([
        "import importlib, time",
        "from multitrack.scenario import builtins as B, yaml_source as Y",
        "from multitrack.scenario.warnings import scenario_warnings",
        "L = importlib.import_module('multitrack.scenario.load')",
        "text = B.text('european-security')",
        "t0 = time.perf_counter()",
        "doc = Y.read_yaml(text, 'european-security')",
        "t1 = time.perf_counter()",
        "s = L.from_document(doc)",
        "t2 = time.perf_counter()",
        "scenario_warnings(s)",
        "t3 = time.perf_counter()",
        "from multitrack.scenario.conflict_counts import conflict_counts",
        "[conflict_counts(c) for c in s.conflicts]",
        "t4 = time.perf_counter()",
        "Y.read_yaml_reference(text, 'x')",
        "t5 = time.perf_counter()",
        "print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)"])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=WORK, check=True,
                          env=child_env(None))
    read, validate, warn, counts, reference = (float(x) for x in done.stdout.split())
    return [("read YAML (libyaml)", read), ("validate models (pydantic, first use)", validate),
            ("warnings", warn), ("count each conflict's states", counts),
            ("(read YAML with ruamel, as before)", reference)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per case; the best counts (default 7)")
    parser.add_argument("--before", type=Path, help="a checkout of the code before, run in the same session "
                        "(its src/ is put first on PYTHONPATH)")
    parser.add_argument("--breakdown", action="store_true", help="list validate's import time by package")
    opts = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    source = resources.files("multitrack.scenario.builtin") / "european-security.yaml"
    user_file = WORK / "my-scenario.yaml"
    with resources.as_file(source) as path:
        shutil.copy(path, user_file)
    before_src = None if opts.before is None else (opts.before / "src").resolve()
    load = os.getloadavg()
    print(f"start-up, best of {opts.repeat} fresh processes; load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} on {os.cpu_count()} CPUs; bytecode cached; no peer tool exists for start-up")
    head = f"{'case':<28} {'wall s':>7} {'cpu s':>7}"
    if before_src is not None:
        head += f" {'before s':>9} {'cpu s':>7} {'ratio':>6}"
    print(head + "  heavy imports / target")
    for label, args, targeted in cases(user_file):
        wall, cpu = best(args, opts.repeat, None)
        line = f"{label:<28} {wall:7.3f} {cpu:7.3f}"
        if before_src is not None:
            old_wall, old_cpu = best(args, max(1, opts.repeat // 2), before_src)
            line += f" {old_wall:9.3f} {old_cpu:7.3f} {old_wall / wall:5.1f}x"
        heavy = heavy_imports(args, None)
        verdict = f"[{'PASS' if wall <= TARGET_S else 'MISS'} <= {TARGET_S} s]" if targeted else ""
        print(f"{line}  {','.join(heavy) or 'none'} {verdict}".rstrip())
    if opts.breakdown:
        parts = breakdown(["-m", "multitrack", "validate", "european-security"])
        print(f"\nvalidate european-security, one run: import time by package (python -X importtime, "
              f"own times summed; {sum(t for _, t in parts):.3f} s in all)")
        for name, seconds in parts[:12]:
            print(f"  {name:<40} {seconds:6.3f}")
        print("after the imports (one process, first call):")
        for name, seconds in work_seconds():
            print(f"  {name:<40} {seconds:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
