"""Calibration of the escalation ladder from conflict data (the I/O boundary, apart from the model).

Reads the COW MID v5 and Gibler-Miller-Little MID dispute files and the ICB v14 crisis file,
estimates base rates with intervals, and maps them to monthly transition probabilities.
Sources: Palmer et al. (2022); Gibler, Miller & Little (2016); Brecher & Wilkenfeld (2000).
See docs/escalation.md for what these data can and cannot support.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from multitrack.calibration.estimates import Estimate, difference, icb_estimates, mid_estimates, share
from multitrack.calibration.intervals import bootstrap, newcombe, wilson
from multitrack.calibration.mapping import (
    ICB_RUNGS,
    MID_RUNGS,
    TransitionEstimate,
    fit_ladder,
    icb_transitions,
    mid_transitions,
    occupied_months,
)
from multitrack.calibration.readers import CalibrationDataError, read_icb, read_mid
from multitrack.datasets import conflict_data_root

DEFAULT_DATA_DIR = conflict_data_root()  # $MULTITRACK_DATA, else the copy shipped in the package
SOURCES = {
    "cow": ("conflict/cow_mid_disps.csv", "COW MID v5 (Palmer et al. 2022)"),
    "gml": ("conflict/gml_mid_disps.csv", "GML MID (Gibler, Miller & Little 2016)"),
    "icb": ("conflict/icb1v14.csv", "ICB v14 (Brecher & Wilkenfeld 2000; codebook v14)"),
}


@dataclass(frozen=True)
class CalibrationResult:
    """Base-rate estimates and monthly transition estimates, keyed by dataset ('cow', 'gml', 'icb')."""

    estimates: dict[str, tuple[Estimate, ...]]
    transitions: dict[str, tuple[TransitionEstimate, ...]]

    def rows(self) -> list[dict]:
        """Flat table of every estimate (kind 'base rate' or 'monthly transition')."""
        out = [{"dataset": d, "kind": "base rate", **e.as_dict()}
               for d, es in self.estimates.items() for e in es]
        out += [{"dataset": d, "kind": "monthly transition", "name": t.transition, **t.as_dict()}
                for d, ts in self.transitions.items() for t in ts]
        return out

    def transition_entries(self, dataset: str = "gml") -> dict[str, dict]:
        """Transition -> {value, low, high, source, note}, ready to write into a scenario file."""
        return {t.transition: {k: v for k, v in t.as_dict().items() if k != "transition"}
                for t in self.transitions[dataset]}


def calibrate(data_dir: str | Path = DEFAULT_DATA_DIR, *, level: float = 0.9, seed: int = 0,
              reps: int = 2000) -> CalibrationResult:
    """Read the three files under ``data_dir`` and estimate everything (seeded bootstraps)."""
    root = Path(data_dir)
    estimates, transitions = {}, {}
    for key in ("cow", "gml"):
        path, source = SOURCES[key]
        df = read_mid(root / path)
        estimates[key] = tuple(mid_estimates(df, source, level, seed))
        transitions[key] = tuple(mid_transitions(df, source, reps=reps, level=level, seed=seed))
    path, source = SOURCES["icb"]
    icb = read_icb(root / path)
    estimates["icb"] = tuple(icb_estimates(icb, source, level))
    transitions["icb"] = tuple(icb_transitions(icb, source, reps=reps, level=level, seed=seed))
    return CalibrationResult(estimates, transitions)


__all__ = [
    "DEFAULT_DATA_DIR", "ICB_RUNGS", "MID_RUNGS", "SOURCES", "CalibrationDataError", "CalibrationResult",
    "Estimate", "TransitionEstimate", "bootstrap", "calibrate", "difference", "fit_ladder", "icb_estimates",
    "icb_transitions", "mid_estimates", "mid_transitions", "newcombe", "occupied_months", "read_icb",
    "read_mid", "share", "wilson",
]
