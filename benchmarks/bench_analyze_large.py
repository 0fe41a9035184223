"""Whole ``multitrack analyze`` on large imported Genius domains: seconds per analysis and in all,
against the issue-20 targets (<= 15 s at 390,625 outcomes, <= 30 s at 10^6 outcomes).

    .venv/bin/python benchmarks/bench_analyze_large.py [--only 8x5,6x10,4track,8x5-uncertain]
                                                       [--draws 1000] [--seed 7] [--cli]

The domains are written by a seeded generator in Genius XML (a domain file and two linear-additive
profiles with opposed evaluations) under ``benchmarks/.bench-work/analyze-large``, then imported
as a user would, with ``multitrack import genius FOLDER -o FILE.yaml``:

- ``8x5``: 8 issues of 5 values (390,625 outcomes), 2 parties, nothing uncertain;
- ``6x10``: 6 issues of 10 values (10^6 outcomes), 2 parties, nothing uncertain;
- ``4track``: four such 6 x 10 domains as the four tracks of one scenario (the same two parties);
- ``8x5-uncertain``: the 8 x 5 domain whose reservation values and issue weights are estimates
  (uniform and PERT), so every one of the draws differs.

Each scenario is analysed in this process the way ``multitrack analyze --no-record`` runs it
(``run_all`` on the run's settlement, then ``write_report``), with every analysis timed on its own.
``--cli`` also times the command itself in a subprocess (wall clock, start-up included). No peer
tool runs a whole analysis, so there is no side-by-side peer here.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / ".bench-work" / "analyze-large"
TARGETS = {"8x5": 15.0, "8x5-uncertain": 15.0, "6x10": 30.0, "4track": None}
SHAPES = {"8x5": (8, 5, 1), "8x5-uncertain": (8, 5, 1), "6x10": (6, 10, 1), "4track": (6, 10, 4)}


# ---- the generator -----------------------------------------------------------------------------------

def _domain_xml(name: str, issues: int, values: int) -> str:
    rows = ['<negotiation_template>', f'<utility_space number_of_issues="{issues}">',
            f'<objective description="" etype="objective" index="0" name={quoteattr(name)} type="objective">']
    for i in range(issues):
        rows.append(f'  <issue etype="discrete" index="{i + 1}" name="issue{i + 1}" type="discrete" '
                    'vtype="discrete">')
        rows += [f'    <item index="{v + 1}" value="v{v + 1}"/>' for v in range(values)]
        rows.append('  </issue>')
    rows += ['</objective>', '</utility_space>', '</negotiation_template>']
    return "\n".join(rows) + "\n"


def _profile_xml(name: str, evaluations: np.ndarray, weights: np.ndarray, reservation: float) -> str:
    rows = ['<utility_space>', f'<reservation value="{reservation:.4f}"/>',
            f'<objective index="0" etype="objective" type="objective" description="" name={quoteattr(name)}>']
    for i, row in enumerate(evaluations):
        rows.append(f'  <issue index="{i + 1}" etype="discrete" type="discrete" vtype="discrete" '
                    f'name="issue{i + 1}">')
        rows += [f'    <item index="{v + 1}" value="v{v + 1}" evaluation="{int(e)}"/>'
                 for v, e in enumerate(row)]
        rows.append('  </issue>')
    rows += [f'<weight index="{i + 1}" value="{w:.6f}"/>' for i, w in enumerate(weights)]
    rows += ['</objective>', '</utility_space>']
    return "\n".join(rows) + "\n"


def write_domain(folder: Path, name: str, issues: int, values: int, rng: np.random.Generator) -> None:
    """A Genius XML domain and two profiles (buyer, seller): the seller's evaluations are the buyer's
    reversed, with noise, so the parties conflict on every issue; reservation values 0.3-0.45."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}_domain.xml").write_text(_domain_xml(name, issues, values))
    base = np.sort(rng.integers(1, 100, size=(issues, values)), axis=1)
    for party, evaluations in (("buyer", base), ("seller", base[:, ::-1] + rng.integers(0, 10, base.shape))):
        weights = rng.dirichlet(np.ones(issues))
        (folder / f"{name}_{party}.xml").write_text(
            _profile_xml(name, evaluations, weights, float(rng.uniform(0.3, 0.45))))


def _import(folder: Path, out: Path) -> None:
    """``multitrack import genius FOLDER -o OUT --force`` as a user runs it."""
    exe = Path(sys.executable).with_name("multitrack")
    subprocess.run([str(exe), "import", "genius", str(folder), "-o", str(out), "--force", "--year", "2026"],
                   check=True, stdout=subprocess.DEVNULL)


def _uncertain(data: dict, rng: np.random.Generator) -> dict:
    """The scenario with every reservation value a uniform estimate and every salience a PERT one."""
    for track in data["tracks"]:
        for aid, r in list(track["reservation_values"].items()):
            track["reservation_values"][aid] = {"dist": "uniform", "low": round(max(r - 0.1, 0), 4),
                                                "high": round(r + 0.1, 4)}
        for issue in track["issues"]:
            for position in issue["positions"].values():
                w = float(position["salience"])
                spread = float(rng.uniform(0.2, 0.5))
                position["salience"] = {"dist": "pert", "low": round(w * (1 - spread), 6),
                                        "mode": round(w, 6), "high": round(w * (1 + spread), 6)}
    return data


def _four_tracks(parts: list[dict]) -> dict:
    """One scenario whose tracks are the imported one-track scenarios (same two parties)."""
    tracks = [part["tracks"][0] for part in parts]
    data = parts[0]
    data["tracks"] = []
    for k, track in enumerate(tracks):
        track["id"] = f"track{k + 1}"
        track["title"] = f"Track {k + 1}"
        for issue in track["issues"]:
            issue["id"] = f"t{k + 1}-{issue['id']}"
        data["tracks"].append(track)
    data["id"] = "genius-4track"
    data["title"] = "Four imported 6 x 10 Genius domains as four tracks"
    return data


def build(kind: str, seed: int) -> Path:
    """The scenario file for ``kind`` (generated and imported on first use)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    issues, values, tracks = SHAPES[kind]
    out = WORK / f"{kind}.yaml"
    if out.exists():
        return out
    rng = np.random.default_rng([seed, issues, values, tracks])
    parts = []
    for k in range(tracks):
        folder = WORK / f"{kind}-genius-{k + 1}"
        shutil.rmtree(folder, ignore_errors=True)
        write_domain(folder, f"large{issues}x{values}", issues, values, rng)
        imported = WORK / f"{kind}-imported-{k + 1}.yaml"
        _import(folder, imported)
        parts.append(yaml.load(imported.read_text()))
    data = _four_tracks(parts) if tracks > 1 else parts[0]
    if kind.endswith("uncertain"):
        data = _uncertain(data, rng)
    with out.open("w") as fh:
        yaml.dump(data, fh)
    return out


# ---- timing --------------------------------------------------------------------------------------------

def analyse(path: Path, draws: int, seed: int) -> tuple[dict[str, float], dict[str, float], float]:
    """(seconds per analysis, seconds of the other steps, total) of one in-process analyze run: the
    other steps are importing the analyses (first run only), loading the scenario and making its
    draws, what ``run_all`` spends outside the analyses (warm-up threads and the compiler process
    starting, the analyses waiting on it) and writing the report."""
    from multitrack import analysis
    from multitrack.analysis import available, run_all, run_settlement
    from multitrack.montecarlo import make_executor
    from multitrack.report import write_report
    from multitrack.scenario import load

    times: dict[str, float] = {}

    def timed(name, run):
        @functools.wraps(run)  # keeps its module: where run_all looks for its cached kernels
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return run(*args, **kwargs)
            finally:
                times[name] = time.perf_counter() - start
        return wrapper

    start = time.perf_counter()
    specs = available()
    t_import = time.perf_counter() - start
    scenario = load(str(path))
    settlement = run_settlement(scenario, draws, seed)
    t_load = time.perf_counter() - start - t_import
    saved = dict(analysis._REGISTRY)
    t0 = time.perf_counter()
    for spec in specs:
        analysis._REGISTRY[spec.name] = dataclasses.replace(spec, run=timed(spec.name, spec.run))
    try:
        with make_executor(1, None) as executor:
            results = run_all(scenario, executor=executor, precompile=True, settlement=settlement)
    finally:
        analysis._REGISTRY.clear()
        analysis._REGISTRY.update(saved)
    t_run = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_report(WORK / f"report-{path.stem}", scenario, results, format="html")
    t_report = time.perf_counter() - t0
    steps = {"import the analyses": t_import, "load + draws": t_load,
             "run_all outside analyses": t_run - sum(times.values()), "write the report": t_report}
    return times, steps, time.perf_counter() - start


def cli_wall(path: Path, draws: int, seed: int) -> float:
    exe = Path(sys.executable).with_name("multitrack")
    start = time.perf_counter()
    subprocess.run([str(exe), "analyze", str(path), "--no-record", "-q", "--draws", str(draws),
                    "--seed", str(seed), "-o", str(WORK / f"cli-report-{path.stem}")],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(SHAPES), help="comma-separated: " + ", ".join(SHAPES))
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cli", action="store_true", help="also time `multitrack analyze` in a subprocess")
    ap.add_argument("--regenerate", action="store_true", help="write and import the domains again")
    args = ap.parse_args()
    kinds = [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in SHAPES]
    if unknown:
        ap.error(f"unknown --only {', '.join(unknown)}")
    WORK.mkdir(parents=True, exist_ok=True)
    if args.regenerate:
        for kind in kinds:
            (WORK / f"{kind}.yaml").unlink(missing_ok=True)
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs, draws {args.draws}, "
          f"seed {args.seed}")
    rows = []
    for kind in kinds:
        path = build(kind, args.seed)
        issues, values, tracks = SHAPES[kind]
        times, steps, total = analyse(path, args.draws, args.seed)
        print(f"\n{kind}: {tracks} track(s) of {issues} issues x {values} values = {values ** issues:,} "
              f"outcomes each; load average {os.getloadavg()[0]:.2f}")
        for name, seconds in sorted(times.items(), key=lambda kv: -kv[1]):
            print(f"  {name:<26} {seconds:8.2f} s")
        for name, seconds in steps.items():
            print(f"  ({name}){'':<{24 - len(name)}} {seconds:8.2f} s")
        target = TARGETS[kind]
        verdict = "" if target is None else f"  [{'PASS' if total <= target else 'MISS'} <= {target:g} s]"
        print(f"  {'total (in process)':<26} {total:8.2f} s{verdict}")
        wall = cli_wall(path, args.draws, args.seed) if args.cli else None
        if wall is not None:
            verdict = "" if target is None else f"  [{'PASS' if wall <= target else 'MISS'} <= {target:g} s]"
            print(f"  {'multitrack analyze':<26} {wall:8.2f} s wall{verdict}")
        rows.append((kind, total, wall, target))
    print(f"\nsummary (load average {os.getloadavg()[0]:.2f})")
    for kind, total, wall, target in rows:
        shown = f"{total:.2f} s in process" + ("" if wall is None else f", {wall:.2f} s CLI")
        print(f"  {kind:<14} {shown}" + ("" if target is None else f"  target <= {target:g} s"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
