#!/usr/bin/env python
"""Benchmark multitrack's negotiation simulator against NegMAS 0.16.0 on Genius domains and on
random multilateral domains.

    .venv/bin/python benchmarks/bench_negotiation.py            # every domain that fits
    .venv/bin/python benchmarks/bench_negotiation.py --quick    # without Travel (188,160 outcomes)

Domains: every Genius XML or GeniusWeb JSON domain folder in the shared data (those with more
outcomes than a negotiation enumerates are listed and skipped), and random linear-additive
domains with three to five parties (seeded). The same time-dependent strategies (Boulware,
linear, conceder: NegMAS polynomial aspiration exponents 4, 1 and 0.25, i.e. Faratin's e = 0.25,
1 and 4) play every assignment on each domain with the same deadline (100 rounds) and the same
tolerance (1e-4), in NegMAS's SAOMechanism and in ``multitrack.negotiation`` with
``ProtocolConfig.negmas`` (what ``--tolerance 1e-4`` selects on the command line). Discounting is
off on both sides. The script checks that agreements, rounds and outcomes match and prints the
time per negotiation of both and the ratio (target: multitrack at least 20 times faster).

NegMAS (AGPL-3.0) is never imported here nor by multitrack: the script creates the throw-away
venv ``benchmarks/.venv-negmas-0.16`` (with a ``.gitignore`` of ``*`` inside, so git never sees
it), installs ``negmas==0.16.0`` into it and runs ``negmas_negotiation_worker.py`` there as a
subprocess; domains travel as folder paths or value tables, results come back as JSON in
``benchmarks/.bench-work``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORKER = HERE / "negmas_negotiation_worker.py"
NEGMAS_SPEC = "negmas==0.16.0"
#: name -> NegMAS polynomial aspiration exponent (NegMAS's named curves); Faratin's e = 1 / exponent
CURVES = {"boulware": 4.0, "linear": 1.0, "conceder": 0.25}
#: random multilateral domains: (name, parties, values per issue, seed, reservation values' share of
#: each party's range)
RANDOM = [("random-3p", 3, (4, 5, 6), 1, (0.2, 0.5)), ("random-4p", 4, (3, 4, 5), 2, (0.2, 0.5)),
          ("random-4p-b", 4, (6, 6), 3, (0.2, 0.5)), ("random-5p", 5, (3, 4, 6), 4, (0.05, 0.25))]


def genius_folders(genius: Path) -> list[tuple[str, bool]]:
    """Every domain folder: (name, GeniusWeb JSON?)."""
    out = []
    for d in sorted(genius.iterdir(), key=lambda p: p.name.lower()):
        if d.is_dir() and any(d.glob("*.xml")) or d.is_dir() and any(d.glob("*.json")):
            out.append((d.name, not any(d.glob("*.xml"))))
    return out


def random_tables(k: int, sizes: tuple[int, ...], seed: int,
                  share: tuple[float, float] = (0.2, 0.5)) -> tuple[list[np.ndarray], np.ndarray]:
    """Per issue a (k, n_values) table of weighted values (weights sum to 1 per party) and reservation
    values at a random share (within ``share``) of each party's range."""
    rng = np.random.default_rng([seed, 2024])
    w = rng.dirichlet(np.ones(len(sizes)), size=k)          # (k, issues)
    tables = [np.round(w[:, i:i + 1] * rng.uniform(size=(k, n)), 6) for i, n in enumerate(sizes)]
    lo = sum(t.min(axis=1) for t in tables)
    hi = sum(t.max(axis=1) for t in tables)
    reservation = np.round(lo + rng.uniform(*share, size=k) * (hi - lo), 6)
    return tables, reservation


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def negmas_version(venv: Path) -> str | None:
    py = venv_python(venv)
    if not py.exists():
        return None
    r = subprocess.run([str(py), "-c", "import negmas; print(negmas.__version__)"], capture_output=True,
                       text=True, check=False)
    return r.stdout.strip() if r.returncode == 0 else None


def ensure_venv(venv: Path, log: Path) -> Path:
    version = negmas_version(venv)
    if version and version.startswith("0.16"):
        print(f"NegMAS {version}: reusing {venv}")
        return venv_python(venv)
    print(f"setting up {venv} with {NEGMAS_SPEC} (pip log: {log}) ...", flush=True)
    with open(log, "w") as fh:
        if not venv_python(venv).exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, stdout=fh, stderr=fh)
        (venv / ".gitignore").write_text("*\n")
        subprocess.run([str(venv_python(venv)), "-m", "pip", "install", NEGMAS_SPEC], stdout=fh, stderr=fh,
                       check=False)
    version = negmas_version(venv)
    if not version:
        sys.exit(f"could not install {NEGMAS_SPEC} into {venv}; see {log}")
    if not version.startswith("0.16"):
        print(f"NOTE: NegMAS 0.16 was not available; using {version}")
    return venv_python(venv)


def assignments(n_parties: int) -> list[tuple[str, ...]]:
    import itertools

    return list(itertools.product(CURVES, repeat=n_parties))


def ours(domain, names, deadline, eps, repeat):
    """multitrack: results per assignment, and timings (warm single call, warm batch, cold)."""
    from multitrack.negotiation import NegotiationDomain, ProtocolConfig, Strategy, negotiate, negotiate_many

    # NegMAS's agents: their clock, acceptance, tie order and the inverter's 1e-6 slack below its floor
    cfg = ProtocolConfig.negmas(deadline=deadline, tolerance=eps)
    strat = {n: Strategy.time_dependent(1.0 / e, name=n) for n, e in CURVES.items()}
    plays = [[strat[n] for n in a] for a in names]
    results = [negotiate(domain, p, config=cfg) for p in plays]  # warm-up: compile, sort, frontier
    t0 = time.perf_counter()
    for _ in range(repeat):
        results = [negotiate(domain, p, config=cfg) for p in plays]
    single = (time.perf_counter() - t0) / (repeat * len(plays))
    batch_n = max(1, 2000 // len(plays))
    negotiate_many(domain, plays, config=cfg)
    t0 = time.perf_counter()
    negotiate_many(domain, plays * batch_n, config=cfg)
    batch = (time.perf_counter() - t0) / (batch_n * len(plays))
    t0 = time.perf_counter()
    for p in plays:  # a fresh domain each time: sorting and the Pareto reference included
        fresh = NegotiationDomain.from_utilities(domain.utility, reservation=domain.reservation,
                                                 shape=domain.shape)
        negotiate(fresh, p, config=cfg)
    cold = (time.perf_counter() - t0) / len(plays)
    bare = dataclasses.replace(cfg, distances=False)
    t0 = time.perf_counter()
    for p in plays:  # a fresh domain each time, and no Pareto frontier: what NegMAS's run computes
        fresh = NegotiationDomain.from_utilities(domain.utility, reservation=domain.reservation,
                                                 shape=domain.shape)
        negotiate(fresh, p, config=bare)
    cold_bare = (time.perf_counter() - t0) / len(plays)
    return results, single, batch, (cold, cold_bare)


def compare(domain, mine, theirs):
    """Per assignment: (agreement same, round same, outcome same, outcome differs only by a tie)."""
    rows = []
    labels = [[str(v) for v in vs] for vs in domain.labels]
    for r, t in zip(mine, theirs):
        same_agree = r.agreed == t["agreed"]
        both = r.agreed and t["agreed"]
        same_round = (not r.agreed and not t["agreed"]) or (both and r.round == t["step"] - 1)
        same_out, tie = True, False
        if r.agreed and t["agreed"]:
            try:
                idx = [labels[i].index(v) for i, v in enumerate(t["agreement"])]
                other = int(np.ravel_multi_index(idx, domain.shape))
            except ValueError:
                other = None
            same_out = other == r.outcome
            if not same_out and other is not None:
                tie = bool(np.isclose(domain.utility[other], domain.utility[r.outcome], atol=1e-9).any())
        rows.append((same_agree, same_round, same_out, tie))
    return rows


def fmt(t: float) -> str:
    return f"{t * 1e6:.0f} us" if t < 1e-3 else (f"{t * 1e3:.2f} ms" if t < 1 else f"{t:.2f} s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip Travel (188,160 outcomes)")
    ap.add_argument("--deadline", type=int, default=100)
    ap.add_argument("--eps", type=float, default=1e-4)
    ap.add_argument("--repeat", type=int, default=3, help="NegMAS runs per assignment on small domains")
    ap.add_argument("--genius-dir", type=Path, default=None)
    ap.add_argument("--venv", type=Path, default=HERE / ".venv-negmas-0.16")
    ap.add_argument("--work-dir", type=Path, default=HERE / ".bench-work")
    args = ap.parse_args()
    from multitrack.errors import ScenarioError
    from multitrack.interop import genius_scenario
    from multitrack.negotiation import NegotiationDomain
    from multitrack.negotiation.domain import MAX_OUTCOMES
    from multitrack.space import TrackSpace

    candidates = (REPO / "shared/data/genius", REPO.parent / "shared/data/genius",
                  Path("/work/shared/data/genius"))
    genius = args.genius_dir or next((p for p in candidates if p.is_dir()), None)
    if genius is None:
        sys.exit("no Genius domains found (--genius-dir)")
    args.work_dir.mkdir(parents=True, exist_ok=True)
    python = ensure_venv(args.venv, args.work_dir / "negotiation-pip.log")
    loaded, entries, skipped = {}, [], []
    for n, web in genius_folders(genius):
        if args.quick and n == "Travel":
            continue
        try:  # discounting off: NegMAS's loader is told to ignore it too
            domain = NegotiationDomain.from_scenario(genius_scenario(genius / n))
            loaded[n] = dataclasses.replace(domain, discount=None)
        except (ValueError, OSError, ScenarioError) as exc:  # too large, or not linear-additive
            skipped.append(f"{n}: {' '.join(str(exc).split())[:160]}")
            continue
        entries.append({"name": n, "path": str(genius / n), "web": web})
    for n, k, sizes, seed, share in RANDOM:
        tables, reservation = random_tables(k, sizes, seed, share)
        space = TrackSpace.from_tables(tables, reservation=reservation)
        loaded[n] = NegotiationDomain.from_track_space(space)
        entries.append({"name": n, "tables": [t.tolist() for t in tables],
                        "reservation": reservation.tolist()})
    order = [e["name"] for e in entries]
    names = {n: assignments(loaded[n].n_parties) for n in order}
    repeat = {n: (args.repeat if loaded[n].n_outcomes <= 10_000 else 1) for n in order}
    job = {"domains": entries, "assignments": {n: [[CURVES[s] for s in a] for a in names[n]] for n in order},
           "deadline": args.deadline, "eps": args.eps, "repeat": repeat}
    print(f"domains: {len(order)} ({sum('tables' in e for e in entries)} random); "
          f"skipped: {len(skipped)} (not linear-additive, or more than the {MAX_OUTCOMES:,} outcomes "
          "a negotiation enumerates)")
    job_file, out_file = args.work_dir / "negotiation.job.json", args.work_dir / "negotiation.negmas.json"
    job_file.write_text(json.dumps(job))
    print(f"NegMAS runs (deadline {args.deadline} rounds, eps {args.eps}) ...", flush=True)
    with open(args.work_dir / "negotiation.negmas.log", "w") as log:
        rc = subprocess.run([str(python), str(WORKER), str(job_file), str(out_file)], stdout=log, stderr=log,
                            check=False).returncode
    if rc != 0:
        sys.exit(f"NegMAS worker failed ({rc}); see {args.work_dir / 'negotiation.negmas.log'}")
    negmas = json.loads(out_file.read_text())
    print(f"NegMAS {negmas['negmas_version']}; multitrack on one core; times are per negotiation\n")
    head = (f"{'domain':16} {'outcomes':>8} {'k':>2} {'runs':>4} {'deals':>5} {'agree':>7} {'round':>7} "
            f"{'outcome':>7} "
            f"{'NegMAS':>9} {'ours':>8} {'ours batch':>10} {'ours cold':>9} {'cold bare':>9} {'ratio':>7} "
            f"{'ratio cold':>10} {'ratio bare':>10}")
    print(head)
    print("-" * len(head))
    all_ok, ratios, bare_ratios, notes = True, [], [], []
    for n in order:
        d = loaded[n]
        mine, single, batch, (cold, bare) = ours(d, names[n], args.deadline, args.eps, repeat=5)
        theirs = negmas["domains"][n]["runs"]
        cmp = compare(d, mine, theirs)
        agree = sum(c[0] for c in cmp)
        rnd = sum(c[1] for c in cmp)
        out = sum(c[2] for c in cmp)
        ties = sum(c[3] for c in cmp)
        if agree < len(cmp) or rnd < len(cmp) or out + ties < len(cmp):
            all_ok = False
        if ties:
            notes.append(f"{n}: {ties} outcome(s) differ only among outcomes the offering party "
                         "values equally")
        t_neg = float(np.mean([t["seconds"] for t in theirs]))
        ratio, ratio_cold, ratio_bare = t_neg / single, t_neg / cold, t_neg / bare
        ratios.append(ratio)
        m = len(cmp)
        deals = sum(bool(t["agreed"]) for t in theirs)
        print(f"{n:16} {d.n_outcomes:>8} {d.n_parties:>2} {m:>4} {deals:>5} {agree:>3}/{m:<3} "
              f"{rnd:>3}/{m:<3} {out:>3}/{m:<3} {fmt(t_neg):>9} {fmt(single):>8} {fmt(batch):>10} "
              f"{fmt(cold):>9} {fmt(bare):>9} "
              f"{ratio:>6.0f}x {ratio_cold:>9.1f}x {ratio_bare:>9.1f}x")
        bare_ratios.append(ratio_bare)
    print()
    print("deals: NegMAS runs that end in a deal. agree/round/outcome: assignments where both agree (or")
    print("both fail), in the same round (NegMAS step - 1), on the same outcome. ours: one negotiate()")
    print("call on a prepared domain;")
    print("batch: negotiate_many;")
    print("cold: a fresh domain each time (sorting offers and the Pareto reference included), as NegMAS")
    print("builds its inverter anew for every negotiation; cold bare: the same without the distances to")
    print("the Pareto frontier and Nash point (NegMAS computes none). ratio = NegMAS / ours.")
    print(f"smallest ratio with a fresh domain and no distances (NegMAS's own work): {min(bare_ratios):.1f}x")
    for note in notes:
        print("note:", note)
    for note in skipped:
        print("skipped:", note)
    worst = min(ratios)
    print(f"\n[{'PASS' if worst >= 20 else 'FAIL'}] at least 20x faster per negotiation on every domain "
          f"(smallest ratio {worst:.0f}x)")
    print(f"[{'PASS' if all_ok else 'FAIL'}] agreements, rounds and outcomes match NegMAS")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
