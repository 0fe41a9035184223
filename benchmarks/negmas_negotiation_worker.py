"""NegMAS side of ``bench_negotiation.py``: runs time-dependent negotiators in NegMAS's
SAOMechanism and reports outcomes and timings as JSON.

Run ONLY with the interpreter of the throw-away venv the benchmark creates
(``benchmarks/.venv-negmas-0.16``); negmas is AGPL and multitrack never imports it.

    python negmas_negotiation_worker.py JOB.json RESULT.json

JOB.json: {"domains": [{"name", "path", "web": bool} or {"name", "tables", "reservation"}],
"assignments": {"name": [[exponent, ...], ...]} (one NegMAS aspiration exponent per party, in
profile order), "deadline": steps, "eps": tolerance, "repeat": {"name": n}}. A domain given by
``tables`` is linear-additive: per issue a list of per-party value lists (issue i's values are
named "0", "1", ...), a party's utility the plain sum over issues, its reserved value from
``reservation``. For every domain and assignment the worker runs the negotiation
``repeat`` times, each with a fresh mechanism and fresh negotiators (as a tournament does), and
reports the agreement (value labels per issue), the step, each party's utility of it, and the
mean wall time per negotiation (perf_counter).
"""

from __future__ import annotations

import json
import os
import sys
import time
import warnings


def genius_scale(ufuns) -> None:
    """Genius evaluates a discrete issue as evaluation / largest evaluation of that issue;
    NegMAS's XML loader keeps the raw evaluations. Rescale in place so both sides negotiate
    over the same utility functions."""
    from negmas.preferences.value_fun import TableFun

    for u in ufuns:
        for fun in getattr(u, "values", []):
            if isinstance(fun, TableFun) and fun.mapping:
                top = max(fun.mapping.values())
                if top > 0:
                    for key in list(fun.mapping):
                        fun.mapping[key] = fun.mapping[key] / top


def from_tables(tables, reservation):
    """A linear-additive domain from per-issue value tables: issue i's values are "0", "1", ...;
    party j's utility is the sum over issues of tables[i][j][value] (weights 1)."""
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun

    issues = [make_issue([str(v) for v in range(len(t[0]))], name=f"i{i}") for i, t in enumerate(tables)]
    outcome_space = make_os(issues)
    ufuns = []
    for j, r in enumerate(reservation):
        values = [TableFun({str(v): float(x) for v, x in enumerate(t[j])}) for t in tables]
        ufuns.append(LinearAdditiveUtilityFunction(values=values, weights=[1.0] * len(tables),
                                                   outcome_space=outcome_space, reserved_value=float(r)))
    return outcome_space, ufuns


def main(job_path: str, out_path: str) -> None:
    warnings.filterwarnings("ignore")
    import negmas
    from negmas.inout import Scenario
    from negmas.sao import SAOMechanism, TimeBasedConcedingNegotiator

    job = json.load(open(job_path))
    result = {"negmas_version": negmas.__version__, "domains": {}}
    for dom in job["domains"]:
        if "tables" in dom:
            outcome_space, ufuns = from_tables(dom["tables"], dom["reservation"])
        else:
            loader = Scenario.from_geniusweb_folder if dom["web"] else Scenario.from_genius_folder
            s = loader(dom["path"], ignore_discount=True, ignore_reserved=False)
            outcome_space, ufuns = s.outcome_space, list(s.ufuns)
            if not dom["web"]:
                genius_scale(ufuns)
        for u in ufuns:
            if u.reserved_value is None:
                u.reserved_value = float("-inf")
        issues = list(outcome_space.issues)
        runs = []
        repeat = int(job["repeat"].get(dom["name"], 1))
        for exps in job["assignments"][dom["name"]]:
            times = []
            rec = None
            for _ in range(repeat):
                t0 = time.perf_counter()
                m = SAOMechanism(outcome_space=outcome_space, n_steps=job["deadline"], time_limit=None)
                for j, (u, e) in enumerate(zip(ufuns, exps)):
                    m.add(TimeBasedConcedingNegotiator(offering_curve=float(e), stochastic=False,
                                                       eps=float(job["eps"]), name=f"p{j}"), ufun=u)
                state = m.run()
                times.append(time.perf_counter() - t0)
                agreement = state.agreement
                rec = {"exponents": exps, "agreed": agreement is not None, "step": state.step,
                       "agreement": None if agreement is None else [str(v) for v in agreement],
                       "utility": None if agreement is None else [float(u(agreement)) for u in ufuns]}
            rec["seconds"] = sum(times) / len(times)
            rec["first_seconds"] = times[0]
            runs.append(rec)
            print(f"[negmas] {dom['name']} {exps}: {rec['agreed']} step {rec['step']} "
                  f"{rec['seconds']:.4f} s", file=sys.stderr, flush=True)
        result["domains"][dom["name"]] = {"issues": [i.name for i in issues], "runs": runs,
                                           "reserved": [float(u.reserved_value) for u in ufuns]}
        tmp = out_path + ".tmp"
        json.dump(result, open(tmp, "w"))
        os.replace(tmp, out_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: negmas_negotiation_worker.py JOB.json RESULT.json")
    main(sys.argv[1], sys.argv[2])
