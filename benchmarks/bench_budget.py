"""Issue 20, target 2: the run's estimate against the measured time, and the refusal up front.

For each case it prints, per analysis, the estimate of :mod:`multitrack.budget` beside the
measured CPU and wall seconds and their ratio (a ratio above 1 overestimates). Then it checks the
targets: a 12-issue x 20-option track (4.1e15 outcomes) is refused by ``multitrack analyze`` in
one line with exit status 2, in under 5 s of CPU (start-up included); a 390,625-outcome x
1,000-draw run is not refused.
No peer tool estimates runs, so nothing runs beside it. Scratch files go to
``benchmarks/.bench-work``.

    .venv/bin/python benchmarks/bench_budget.py            # every case, measured
    .venv/bin/python benchmarks/bench_budget.py --quick    # only the small cases measured
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".bench-work"
sys.path.insert(0, str(HERE.parent / "src"))

import multitrack  # noqa: E402
from multitrack import analysis, budget  # noqa: E402
from multitrack.scenario import load  # noqa: E402

PERT = "{dist: pert, low: 0.2, mode: 0.5, high: 0.8}"


def big_track(issues: int, options: int, uncertain: bool = True) -> str:
    """One track of two parties: ``issues`` ordinal issues of ``options`` options each; the first
    issue's salience is uncertain unless ``uncertain`` is False."""
    opts = ", ".join(f"o{j}" for j in range(options))
    lines = ["version: 1", "id: big", "title: A big synthetic track", "actors:",
             "  - {id: a, name: A, kind: state, capability: 1}",
             "  - {id: b, name: B, kind: state, capability: 1}",
             "tracks:", "  - id: big", "    title: Big", "    participants: [a, b]", "    issues:"]
    for i in range(issues):
        sal = PERT if uncertain and i == 0 else f"{0.3 + 0.1 * (i % 5)}"
        lines += [f"      - id: i{i}", "        kind: ordinal", f"        options: [{opts}]",
                  "        status_quo: o0", "        positions:",
                  f"          a: {{salience: {sal}, ideal: o0}}",
                  f"          b: {{salience: 0.5, ideal: o{options - 1}}}"]
    return "\n".join(lines) + "\n"


def measure(scenario, draws: int) -> dict[str, tuple[float, float]]:
    """(CPU, wall) seconds of each analysis of one run_all."""
    times: dict[str, tuple[float, float]] = {}
    original = analysis._run_specs

    def timed(scenario, specs, *rest):
        originals = {spec.name: spec.run for spec in specs}
        for spec in specs:
            def run(*args, _f=spec.run, _name=spec.name, **kwargs):
                cpu, wall = time.process_time(), time.perf_counter()
                out = _f(*args, **kwargs)
                times[_name] = (time.process_time() - cpu, time.perf_counter() - wall)
                return out
            object.__setattr__(spec, "run", run)
        try:
            return original(scenario, specs, *rest)
        finally:
            for spec in specs:
                object.__setattr__(spec, "run", originals[spec.name])

    analysis._run_specs = timed
    try:
        analysis.run_all(scenario, draws=draws)
    finally:
        analysis._run_specs = original
    return times


def table(name: str, scenario, draws: int, run: bool) -> None:
    est = budget.estimate(scenario, draws, budget.plan(scenario))
    print(f"\n{name}: {draws:,} draws; estimate {est.seconds:.1f} s; largest term: {est.dominant}")
    measured = measure(scenario, draws) if run else {}
    print(f"  {'analysis':20} {'estimate s':>11} {'cpu s':>8} {'wall s':>8} {'est/cpu':>8}")
    for analysis_name, seconds in est.per_analysis().items():
        cpu, wall = measured.get(analysis_name, (float("nan"), float("nan")))
        ratio = seconds / cpu if cpu and cpu == cpu and cpu > 0.05 else float("nan")
        print(f"  {analysis_name:20} {seconds:11.2f} {cpu:8.2f} {wall:8.2f} {ratio:8.2f}")
    if measured:
        total_cpu = sum(c for c, _ in measured.values())
        total_wall = sum(w for _, w in measured.values())
        print(f"  {'total':20} {est.seconds:11.2f} {total_cpu:8.2f} {total_wall:8.2f}")


def refusal_target() -> None:
    WORK.mkdir(exist_ok=True)
    path = WORK / "budget-4e15.yaml"
    path.write_text(big_track(12, 20), encoding="utf-8")
    exe = Path(sys.executable).with_name("multitrack")
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([str(exe), "analyze", str(path), "--no-record", "-o", str(WORK / "budget-report")],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "400"})
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    lines = (done.stdout + done.stderr).strip().splitlines()
    ok = done.returncode == 2 and len(lines) == 1 and "4.1e15 outcomes" in lines[0] and cpu < 5
    print(f"\n[{'PASS' if ok else 'MISS'}] 12 issues x 20 options (4.1e15 outcomes) refused at once "
          f"(< 5 s CPU): exit {done.returncode} after {cpu:.2f} s CPU, {seconds:.2f} s wall (the whole "
          "command, start-up included), in one line:")
    print(f"  {lines[0] if lines else '(no output)'}")
    scenario = multitrack.loads(big_track(8, 5))
    try:
        est = budget.check_run(scenario, 1000)
        print(f"[PASS] 390,625 outcomes x 1,000 draws not refused (estimate {est.seconds:.1f} s, limit "
              f"{budget.DEFAULT_TIME_LIMIT:g} s)")
    except budget.RunTooLarge as exc:
        print(f"[MISS] 390,625 outcomes x 1,000 draws refused: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="measure only the small cases")
    args = parser.parse_args()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    cases = [("border-talks", load("border-talks"), 1000, True),
             ("european-security", load("european-security"), 1000, True),
             ("synthetic 8 x 5 (390,625 outcomes), no uncertain input",
              multitrack.loads(big_track(8, 5, uncertain=False)), 1000, True),
             ("synthetic 8 x 5 (390,625 outcomes)", multitrack.loads(big_track(8, 5)), 1000, not args.quick),
             ("synthetic 6 x 10 (10^6 outcomes)", multitrack.loads(big_track(6, 10)), 200, not args.quick)]
    for name, scenario, draws, run in cases:
        table(name, scenario, draws, run)
    refusal_target()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")


if __name__ == "__main__":
    main()
