"""NegMAS side of ``bench_agreement_space.py``.

Run ONLY with the interpreter of the throw-away NegMAS virtual environment that the benchmark
creates (``benchmarks/.venv-negmas``). It imports negmas, which multitrack itself never does.

    python negmas_worker.py JOB.json RESULT.json

JOB.json: {"source": "npz" | "genius" | "geniusweb", "path": ..., "warmup": 1, "repeat": 3,
           "max_outcomes": 20000000}

- npz: random linear-additive domain written by the benchmark: ``weights`` (n_parties, n_issues)
  and ``values_<i>`` (n_parties, n_values_of_issue_i); party j's utility of an outcome is
  sum_i weights[j, i] * values_i[j, value index]. Issue i is ``make_issue(n_values)``, so its
  values are the integers 0 .. n_values - 1 (value = index).
- genius / geniusweb: a scenario folder read by NegMAS's own loaders, discounting and
  reserved values ignored (every outcome counts).

RESULT.json gets the frontier and Nash outcomes as value indices (in the order NegMAS lists
each issue's values), the value labels, every party's per-issue utility table as NegMAS
evaluates it, and the timings: ``pareto_frontier`` and ``nash_points``, each run ``warmup``
times untimed and then ``repeat`` times timed (wall clock, perf_counter, in ``t_*``; CPU time of
the process, process_time, in ``cpu_*``). Progress goes to stderr.
Only NegMAS's public API is used.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import warnings


def log(msg: str) -> None:
    print(f"[negmas-worker] {msg}", file=sys.stderr, flush=True)


def load_npz(path: str):
    import numpy as np
    from negmas.outcomes import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction

    data = np.load(path)
    weights = data["weights"]
    k, n = weights.shape
    values = [data[f"values_{i}"] for i in range(n)]
    issues = [make_issue(values[i].shape[1], name=f"i{i}") for i in range(n)]
    ufuns = []
    for j in range(k):
        vfuns = [{v: float(values[i][j, v]) for v in range(values[i].shape[1])} for i in range(n)]
        ufuns.append(LinearAdditiveUtilityFunction(
            values=vfuns, weights=[float(w) for w in weights[j]], issues=issues, name=f"p{j}"))
    return issues, ufuns


def load_folder(path: str, web: bool):
    from negmas.inout import Scenario

    if web:
        s = Scenario.from_geniusweb_folder(path, ignore_discount=True, ignore_reserved=True)
    else:
        s = Scenario.from_genius_folder(path, ignore_discount=True, ignore_reserved=True)
    if s is None:
        raise RuntimeError(f"NegMAS could not load {path}")
    ufuns = list(s.ufuns)
    if not web:
        genius_evaluations(ufuns)
    return list(s.outcome_space.issues), ufuns


def genius_evaluations(ufuns) -> None:
    """Divide each discrete issue's evaluations by their largest, in place. Genius's
    EvaluatorDiscrete does this when it evaluates a bid (utility = sum of weight * evaluation /
    largest evaluation); NegMAS's XML loader keeps the raw evaluations, which reweights the
    issues. Without this the two sides would be timing different utility functions."""
    from negmas.preferences.value_fun import TableFun

    for u in ufuns:
        for fun in getattr(u, "values", []):
            if isinstance(fun, TableFun) and fun.mapping:
                top = max(fun.mapping.values())
                if top > 0:
                    for key in list(fun.mapping):
                        fun.mapping[key] = fun.mapping[key] / top


def timed(fn, warmup: int, repeat: int, label: str):
    """Run fn warmup + repeat times; the timed runs' durations, wall clock (perf_counter) and CPU
    time of this process (process_time, less sensitive to a loaded machine). Each run's start
    (wall clock) and duration go to stderr, so that a caller that kills us at its time limit knows
    how far we got."""
    out = None
    times, cpu = [], []
    for r in range(warmup + repeat):
        kind = "warm-up" if r < warmup else "timed"
        log(f"start {label} {kind} run {r + 1}/{warmup + repeat} at wall {time.time():.3f}")
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if r >= warmup:
            times.append(dt)
            cpu.append(dc)
        log(f"done {label} {kind} run {r + 1}/{warmup + repeat} in {dt:.6f} s")
    return out, times, cpu


def write(result: dict, path: str) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(result, fh)
    os.replace(tmp, path)


def main(job_path: str, result_path: str) -> None:
    warnings.filterwarnings("ignore")
    import negmas
    from negmas.outcomes.issue_ops import discretize_and_enumerate_issues
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import nash_points, pareto_frontier

    with open(job_path) as fh:
        job = json.load(fh)
    warmup, repeat = int(job.get("warmup", 1)), int(job.get("repeat", 3))
    result: dict = {"negmas_version": negmas.__version__, "source": job["source"], "path": job["path"]}

    t0 = time.perf_counter()
    if job["source"] == "npz":
        issues, ufuns = load_npz(job["path"])
    else:
        issues, ufuns = load_folder(job["path"], web=job["source"] == "geniusweb")
    result["load_s"] = time.perf_counter() - t0
    # Every outcome counts: no reserved value. NegMAS's GeniusWeb loader leaves reserved_value
    # at None when told to ignore it, and pareto_frontier turns None into NaN (then no outcome
    # is rational and the frontier comes back empty), so set -inf explicitly.
    fixed = [u.name for u in ufuns if u.reserved_value is None]
    for u in ufuns:
        u.reserved_value = float("-inf")
    if fixed:
        result["note"] = (f"the loader left reserved_value None on {len(fixed)} ufun(s) "
                          "(ignore_reserved=True); set to -inf, since pareto_frontier reads None as NaN "
                          "and then returns an empty frontier")
    n_outcomes = math.prod(int(i.cardinality) for i in issues)
    result.update(n_outcomes=n_outcomes, n_parties=len(ufuns), issue_names=[i.name for i in issues],
                  ufun_types=[type(u).__name__ for u in ufuns])
    values = [list(i.all) if i.is_discrete() else [] for i in issues]
    result["labels"] = [[str(v) for v in vs] for vs in values]

    if not all(isinstance(u, LinearAdditiveUtilityFunction) for u in ufuns):
        result["skipped"] = "not linear-additive: " + ", ".join(sorted(set(result["ufun_types"])))
    elif n_outcomes > int(job.get("max_outcomes", 20_000_000)):
        result["skipped"] = f"{n_outcomes:,} outcomes: too many for NegMAS to enumerate"
    if "skipped" in result:
        log(result["skipped"])
        write(result, result_path)
        return

    # Each party's per-issue utility (weight * value function), as NegMAS evaluates it.
    result["tables"] = [[[float(u.weights[i] * u.values[i](v)) for v in values[i]] for u in ufuns]
                        for i in range(len(issues))]
    write({**result, "partial": True}, result_path)  # what a caller that times us out can still use

    log(f"{n_outcomes:,} outcomes, {len(ufuns)} parties: pareto_frontier")
    (front_u, front_i), t_front, c_front = timed(lambda: pareto_frontier(ufuns, issues=issues), warmup,
                                                 repeat, "pareto_frontier")
    result["t_frontier"], result["cpu_frontier"] = t_front, c_front
    nash, t_nash, c_nash = timed(lambda: nash_points(ufuns, front_u, issues=issues), warmup, repeat,
                                 "nash_points")
    result["t_nash"], result["cpu_nash"] = t_nash, c_nash

    # pareto_frontier returns indices into the enumeration of the issues; rebuild that list
    # (same call, same arguments as inside pareto_frontier) to turn them into outcomes.
    outcomes = discretize_and_enumerate_issues(issues, max_cardinality=float("inf"))
    pos = [{v: k for k, v in enumerate(vs)} for vs in values]

    def as_index(outcome) -> list[int]:
        return [pos[i][v] for i, v in enumerate(outcome)]

    front_outcomes = [outcomes[int(k)] for k in front_i]
    result["frontier_index"] = [as_index(o) for o in front_outcomes]
    result["frontier_utility"] = [list(map(float, p)) for p in front_u]
    result["nash_index"] = [as_index(front_outcomes[k]) for _, k in nash]
    result["nash_utility"] = [list(map(float, p)) for p, _ in nash]
    write(result, result_path)
    log("done")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: negmas_worker.py JOB.json RESULT.json")
    main(sys.argv[1], sys.argv[2])
