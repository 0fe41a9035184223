"""What drives a result over the draws, kept apart from what merely correlates by chance.

An input *drives* a result when the result's mean differs between the draws in which the input
lies in its highest third and those in which it lies in its lowest third by more than shuffling
can explain. The statistic is that swing, ``mean(y | x high) - mean(y | x low)``, the quantity a
tornado chart shows (Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, Wiley, ch. 1:
the one-input-at-a-time contrast over the input's range, here taken from the Monte Carlo sample
itself). Its null distribution comes from a permutation test: the result is shuffled against the
inputs ``B`` times (the same permutations for every input and every result, drawn from the run's
seed) and the p-value is ``(1 + #{|swing*| >= |swing|}) / (B + 1)`` (Phipson and Smyth 2010,
Statistical Applications in Genetics and Molecular Biology 9(1): the +1 keeps the test exact).
Across the inputs of one result the p-values are corrected by Holm's step-down procedure (Holm
1979, Scandinavian Journal of Statistics 6: 65-70), which holds the chance of naming any
non-driver at ``alpha`` (1%) whatever the dependence between the tests.

Only inputs that can reach the result are tested (the caller says which), only inputs that vary,
and only results that vary: a result the same in every draw has no drivers, it is structural.

The permutations are evaluated in blocks, and an input leaves the test as soon as the exceedances
seen so far already put its p-value above ``alpha`` (a lower bound: exceedances only grow), so the
noise, which is most of the inputs, costs one block (Besag and Clifford 1991, Biometrika 78:
301-304, on stopping a Monte Carlo test early).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

from ..results import Result

#: Family-wise error rate of the test over one result's inputs: the chance that any input named is
#: noise. 1% rather than the customary 5%, so that a result with one real driver among many inputs
#: is reported with that driver alone in at least 99 runs of 100, not 95.
ALPHA = 0.01
#: Spawn key of the permutations' stream under the run's seed (apart from the chunks' streams).
_STREAM = (0x64726976,)
#: Most permutation indices held at once (rows times draws).
_HELD = 1 << 22


@dataclass(frozen=True)
class Driver(Result):
    """One input that drives one result: the result's mean with the input in its lowest and in
    its highest third of draws, Spearman's rank correlation (for reading), and the Holm-adjusted
    permutation p-value of the swing between the thirds."""

    input: str
    rank_correlation: float
    low_third: float    # result mean when the input is in its lowest third
    high_third: float   # result mean when the input is in its highest third
    p_value: float = 0.0  # Holm-adjusted permutation p-value of high_third - low_third

    @property
    def swing(self) -> float:
        return self.high_third - self.low_third

    def to_dict(self) -> dict:
        return {"input": self.input, "rank_correlation": self.rank_correlation,
                "low_third": self.low_third, "high_third": self.high_third, "p_value": self.p_value}


def permutations_needed(inputs: int, alpha: float = ALPHA) -> int:
    """Enough permutations that the smallest p-value, 1 / (B + 1), is half Holm's first threshold
    ``alpha / inputs``; at least 999."""
    return max(999, int(np.ceil(2 * max(inputs, 1) / alpha)) - 1)


class DriverTest:
    """The run's inputs (draws, K), prepared once and shared by every result whose drivers are
    sought: their thirds, ranks, and the seeded permutations of the draws."""

    def __init__(self, inputs: np.ndarray, seed: int, alpha: float = ALPHA,
                 permutations: int | None = None) -> None:
        x = np.asarray(inputs, dtype=float)
        self.n, self.k = x.shape
        self.alpha = alpha
        self.seed = seed
        self.b = permutations if permutations is not None else permutations_needed(self.k, alpha)
        self.varies = np.ptp(x, axis=0) > 0 if x.size else np.zeros(self.k, dtype=bool)
        order = rankdata(x, axis=0, method="ordinal") if x.size else np.zeros(x.shape)
        self.low, self.high = order <= self.n / 3, order > 2 * self.n / 3
        n_low, n_high = self.low.sum(axis=0), self.high.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.contrast = self.high / np.maximum(n_high, 1) - self.low / np.maximum(n_low, 1)
        ranks = rankdata(x, axis=0) if x.size else np.zeros(x.shape)
        self.centred = ranks - ranks.mean(axis=0)
        self.norm = np.sqrt((self.centred ** 2).sum(axis=0))
        self.rows = max(1, min(self.b, _HELD // max(self.n, 1)))
        self._blocks: list[np.ndarray] = []
        self._seen: dict[tuple, tuple[Driver, ...]] = {}  # the same result under several designs

    def drivers(self, outcome: np.ndarray, labels: tuple[str, ...], reach: np.ndarray | None = None,
                top: int = 8) -> tuple[Driver, ...]:
        """The significant drivers of ``outcome`` (D,) among the inputs ``reach`` marks (all when
        None), largest swing first, at most ``top``; none when the outcome does not vary."""
        y = np.asarray(outcome, dtype=float)
        if self.k == 0 or y.size < 3 or np.ptp(y) == 0:
            return ()
        cols = np.flatnonzero(self.varies & (True if reach is None else np.asarray(reach, dtype=bool)))
        if cols.size == 0:
            return ()
        key = (hashlib.sha1(y.tobytes()).digest(), cols.tobytes(), labels, top)
        if key not in self._seen:
            self._seen[key] = self._drivers(y, cols, labels, top)
        return self._seen[key]

    def _drivers(self, y: np.ndarray, cols: np.ndarray, labels: tuple[str, ...], top: int
                 ) -> tuple[Driver, ...]:
        swing = y @ self.contrast[:, cols]
        p = self._p_values(y, cols, swing)
        adjusted = holm(p)
        keep = np.flatnonzero(adjusted <= self.alpha)
        keep = keep[np.argsort(-np.abs(swing[keep]), kind="stable")][:top]
        rho = self._rank_correlations(y, cols[keep])
        lows = self._mean_where(y, self.low[:, cols[keep]])
        highs = self._mean_where(y, self.high[:, cols[keep]])
        return tuple(Driver(labels[cols[j]], float(rho[i]), float(lows[i]), float(highs[i]),
                            float(adjusted[j])) for i, j in enumerate(keep))

    def _p_values(self, y: np.ndarray, cols: np.ndarray, swing: np.ndarray) -> np.ndarray:
        """Permutation p-values of |swing|, with inputs leaving once they cannot be significant."""
        exceed = np.zeros(cols.size)
        seen = np.zeros(cols.size)
        live = np.arange(cols.size)
        observed = np.abs(swing) * (1 - 1e-12)  # ties with the observed value count as exceedances
        values, counts = np.unique(y, return_counts=True)
        common = values[np.argmax(counts)]
        odd = np.flatnonzero(y != common)   # the contrasts sum to 0: only draws off the mode count
        done = 0
        while done < self.b and live.size:
            perm = self._block(done // self.rows)
            weights = self.contrast[:, cols[live]]
            if odd.size * live.size <= self.n:  # few draws off the mode (a rare failure): gather them
                shuffled = np.abs(np.einsum("bdl,d->bl", weights[perm[:, odd]], y[odd] - common))
            else:
                shuffled = np.abs(y[perm] @ weights)
            exceed[live] += (shuffled >= observed[live]).sum(axis=0)
            done += perm.shape[0]
            seen[live] = done
            live = live[(exceed[live] + 1) / (self.b + 1) <= self.alpha]
        # an input that left early has p > alpha for sure; its estimate from the rows it saw is shown
        return np.where(seen >= self.b, (exceed + 1) / (self.b + 1),
                        np.maximum((exceed + 1) / (seen + 1), (exceed + 1) / (self.b + 1)))

    def _block(self, i: int) -> np.ndarray:
        """Block ``i`` of the permutations (rows, D): the same for every result and every call."""
        if i < len(self._blocks):
            return self._blocks[i]
        assert not self._blocks or i == len(self._blocks)  # kept blocks are made in order
        rows = min(self.rows, self.b - i * self.rows)
        seq = np.random.SeedSequence(self.seed, spawn_key=_STREAM + (i,))
        rng = np.random.Generator(np.random.PCG64(seq))
        block = rng.permuted(np.broadcast_to(np.arange(self.n, dtype=np.int32), (rows, self.n)), axis=1)
        if self.b * self.n <= 8 * _HELD:  # all the permutations fit: keep them for the next result
            self._blocks.append(block)
        return block

    def _rank_correlations(self, y: np.ndarray, cols: np.ndarray) -> np.ndarray:
        ry = rankdata(y)
        ry = ry - ry.mean()
        den = self.norm[cols] * np.sqrt((ry * ry).sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, (ry @ self.centred[:, cols]) / den, 0.0)

    @staticmethod
    def _mean_where(y: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return (y @ mask) / np.maximum(mask.sum(axis=0), 1)


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979): the i-th smallest times (m - i + 1), made
    monotone and capped at 1."""
    p = np.asarray(p, dtype=float)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = scaled
    return out


def drivers(inputs: np.ndarray | DriverTest, outcome: np.ndarray, labels: tuple[str, ...], top: int = 8,
            seed: int = 0, reach: np.ndarray | None = None) -> tuple[Driver, ...]:
    """The significant drivers of ``outcome`` among the columns of ``inputs`` (see the module)."""
    test = inputs if isinstance(inputs, DriverTest) else DriverTest(inputs, seed)
    return test.drivers(outcome, labels, reach, top)
