"""Score the forecast models on the part of DEU III that the training file leaves out.

The shared training file (``shared/data/deu3/deu3_train.tsv``) holds 261 of DEU III's issues,
whole proposals. This script takes a complete copy of DEU III (Arregui and Perarnaud 2021,
doi:10.34810/data53, CC BY 4.0; any export ``multitrack backtest deu`` reads), keeps the issues
of the proposals the training file does not contain, writes them as a tab-separated file under
``benchmarks/.bench-work/`` and runs

    multitrack backtest deu HELD_OUT --train TRAIN

so that every model with free parameters is fitted on the training file only and scored on
decisions it has never seen. It prints the backtest table and whether the lead model lies at
least one point of MAE below the compromise model on the held-out issues (issue 21's goal). The
lead model is the one with the lowest cross-validated error on the *training* file -- chosen
before the held-out issues are scored; picking the model that happens to score best on the
held-out issues would be a choice made on the test set, and is printed only for comparison.

Rows without a proposal id (a copy may carry an extra line of country data under the header) are
left out and counted. The held-out file is not kept in the repository: nothing in the package
may be tuned on it.

    .venv/bin/python benchmarks/deu_heldout.py FULL_DEU3 [--train TRAIN] [--seed 0] [--boot 2000]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".bench-work"


def _default_train() -> Path:
    for base in (HERE.parent / "shared", HERE.parent.parent / "shared"):
        if (base / "data/deu3/deu3_train.tsv").exists():
            return base / "data/deu3/deu3_train.tsv"
    return HERE.parent.parent / "shared/data/deu3/deu3_train.tsv"


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = max("\t,;", key=first.count)
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [h.strip().lower() for h in table[0]]
    return header, [r for r in table[1:] if any(c.strip() for c in r)]


def held_out(full: Path, train: Path, out: Path) -> dict[str, int]:
    """Write the issues of ``full`` whose proposal is not in ``train``; counts of what was done."""
    header, rows = _rows(full)
    t_header, t_rows = _rows(train)
    k, tk = header.index("prnr"), t_header.index("prnr")
    seen = {r[tk].strip() for r in t_rows}
    no_id = [r for r in rows if not r[k].strip()]
    kept = [r for r in rows if r[k].strip() and r[k].strip() not in seen]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(header)
        w.writerows(kept)
    return {"rows": len(rows), "without proposal id": len(no_id),
            "in training proposals": len(rows) - len(no_id) - len(kept), "held out": len(kept),
            "held-out proposals": len({r[k].strip() for r in kept})}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("full", type=Path, help="a complete DEU III file")
    ap.add_argument("--train", type=Path, default=_default_train())
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--boot", type=int, default=2000)
    args = ap.parse_args(argv)
    out = WORK / "deu3_heldout.tsv"
    counts = held_out(args.full, args.train, out)
    print("held-out file:", out, json.dumps(counts))
    report = WORK / "deu3_heldout.json"
    exe = Path(sys.executable).with_name("multitrack")
    cmd = [str(exe), "backtest", "deu", str(out), "--train", str(args.train), "--seed", str(args.seed),
           "--boot", str(args.boot), "--json", str(report)]
    print("$", " ".join(cmd), flush=True)
    rc = subprocess.call(cmd)
    if rc != 0:
        return rc
    data = json.loads(report.read_text())
    rows = {r["model"]: r for r in data["rows"]}
    trained = [r for r in data["rows"] if r["model"] != "mean" and r["cv_mae"] is not None]
    lead = min(trained, key=lambda r: r["cv_mae"]["value"])
    luckiest = min((r for r in data["rows"] if r["model"] != "mean"), key=lambda r: r["mae"]["value"])
    base = rows["mean"]["mae"]["value"]
    diff = lead["diff_vs_mean"]
    verdict = "PASS" if diff["value"] <= -1.0 else "MISS"
    print(f"compromise model on the held-out issues: MAE {base:.2f}")
    print(f"lead model (lowest cross-validated MAE on the training file, {lead['cv_mae']['value']:.2f}): "
          f"{lead['model']}: held-out MAE {lead['mae']['value']:.2f}, difference to the compromise model "
          f"{diff['value']:+.2f} [{diff['low']:+.2f}, {diff['high']:+.2f}]")
    print(f"goal (at least 1 point below the compromise model on held-out issues): {verdict}")
    if luckiest["model"] != lead["model"]:
        d = luckiest["diff_vs_mean"]
        print(f"(for comparison only, chosen on the held-out issues: {luckiest['model']} "
              f"{luckiest['mae']['value']:.2f}, {d['value']:+.2f} [{d['low']:+.2f}, {d['high']:+.2f}])")
    return 0


if __name__ == "__main__":
    sys.exit(main())
