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

import concurrent.futures as cf
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ..progress import ProgressCallback, report
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
        self._given = (x, seed, alpha, permutations)   # what a worker needs to make the same test
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
        request = self._request(outcome, labels, reach, top)
        if request is None:
            return ()
        if request.key not in self._seen:
            self._finish([request])
        return self._seen[request.key]

    def __reduce__(self):   # a worker rebuilds the prepared arrays from the inputs (fewer bytes to send)
        return DriverTest, self._given

    def prefetch(self, requests: list[tuple[np.ndarray, tuple[str, ...], np.ndarray | None, int]],
                 executor: Any = None, progress: ProgressCallback | None = None,
                 task: str = "drivers") -> None:
        """Test many results at once, each as :meth:`drivers` would (the same numbers), so that
        every block of permutations is made once for all of them rather than once per result;
        later :meth:`drivers` calls with the same arguments return the answers kept here. With
        several workers in ``executor`` the results are shared out among them, one share each
        (each worker makes the same permutations from the seed); ``progress`` hears of each
        block of permutations in this process, or of each share finished on the workers."""
        pending: dict[tuple, tuple] = {}
        for outcome, labels, reach, top in requests:
            request = self._request(outcome, labels, reach, top)
            if request is not None and request.key not in self._seen:
                pending.setdefault(request.key, (outcome, labels, reach, top))
        if not pending:
            return
        workers = getattr(executor, "workers", 1) if executor is not None else 1
        if workers == 1:   # one pass over the permutations, heard of block by block
            made = [r for r in (self._request(*args) for args in pending.values()) if r is not None]
            self._finish(made, lambda done: report(progress, task, done, self.b))
            return
        share = min(len(pending), workers)   # one share per worker: each makes the permutations once
        groups = [list(pending.values())[k::share] for k in range(share)]
        report(progress, task, 0, len(groups))
        futures = [executor.submit(_tested, self, group) for group in groups]
        try:
            for k, future in enumerate(cf.as_completed(futures)):
                self._seen.update(future.result())
                report(progress, task, k + 1, len(groups))
        finally:
            for future in futures:
                future.cancel()

    def _request(self, outcome: np.ndarray, labels: tuple[str, ...], reach: np.ndarray | None,
                 top: int) -> _Request | None:
        """One result to test, or None when it has no drivers to look for."""
        y = np.asarray(outcome, dtype=float)
        if self.k == 0 or y.size < 3 or np.ptp(y) == 0:
            return None
        cols = np.flatnonzero(self.varies & (True if reach is None else np.asarray(reach, dtype=bool)))
        if cols.size == 0:
            return None
        key = (hashlib.sha1(y.tobytes()).digest(), cols.tobytes(), labels, top)
        return _Request(key, y, cols, labels, top, y @ self.contrast[:, cols])

    def _finish(self, requests: list[_Request], tick: Callable[[int], None] | None = None) -> None:
        """Run the permutations of every request block by block, each block made once, then keep
        each request's drivers; ``tick(permutations done)`` after each block."""
        done = 0
        while done < self.b and any(r.live.size for r in requests):
            perm = self._block(done // self.rows)
            for r in requests:
                if r.live.size:
                    r.step(self.contrast, perm, done + perm.shape[0], self.b, self.alpha, self.n)
            done += perm.shape[0]
            if tick is not None:
                tick(done)
        for r in requests:
            self._seen[r.key] = self._drivers(r)

    def _drivers(self, r: _Request) -> tuple[Driver, ...]:
        y, cols, swing = r.y, r.cols, r.swing
        adjusted = holm(r.p_values(self.b))
        keep = np.flatnonzero(adjusted <= self.alpha)
        keep = keep[np.argsort(-np.abs(swing[keep]), kind="stable")][:r.top]
        rho = self._rank_correlations(y, cols[keep])
        lows = self._mean_where(y, self.low[:, cols[keep]])
        highs = self._mean_where(y, self.high[:, cols[keep]])
        return tuple(Driver(r.labels[cols[j]], float(rho[i]), float(lows[i]), float(highs[i]),
                            float(adjusted[j])) for i, j in enumerate(keep))

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


def _tested(test: DriverTest, requests: list[tuple]) -> dict[tuple, tuple[Driver, ...]]:
    """The drivers of each request (as :meth:`DriverTest.drivers` takes its arguments), by key."""
    made = [r for r in (test._request(*args) for args in requests) if r is not None]
    test._finish(made)
    return {r.key: test._seen[r.key] for r in made}


class _Request:
    """One result under test: its permutation p-values so far, with inputs leaving once they
    cannot be significant (exceedances only grow, so the p-value seen is a lower bound)."""

    def __init__(self, key: tuple, y: np.ndarray, cols: np.ndarray, labels: tuple[str, ...], top: int,
                 swing: np.ndarray) -> None:
        self.key, self.y, self.cols, self.labels, self.top, self.swing = key, y, cols, labels, top, swing
        self.exceed = np.zeros(cols.size)
        self.seen = np.zeros(cols.size)
        self.live = np.arange(cols.size)
        self.observed = np.abs(swing) * (1 - 1e-12)  # ties with the observed value count as exceedances
        values, counts = np.unique(y, return_counts=True)
        self.common = values[np.argmax(counts)]
        self.odd = np.flatnonzero(y != self.common)   # the contrasts sum to 0: only draws off the mode count

    def step(self, contrast: np.ndarray, perm: np.ndarray, done: int, b: int, alpha: float, n: int) -> None:
        """Count one block of permutations (``done``: permutations seen once it is counted)."""
        live, y, odd = self.live, self.y, self.odd
        weights = contrast[:, self.cols[live]]
        if odd.size * live.size <= n:  # few draws off the mode (a rare failure): gather them
            shuffled = np.abs(np.einsum("bdl,d->bl", weights[perm[:, odd]], y[odd] - self.common))
        else:
            shuffled = np.abs(y[perm] @ weights)
        self.exceed[live] += (shuffled >= self.observed[live]).sum(axis=0)
        self.seen[live] = done
        self.live = live[(self.exceed[live] + 1) / (b + 1) <= alpha]

    def p_values(self, b: int) -> np.ndarray:
        """An input that left early has p > alpha for sure; its estimate from the rows it saw is shown."""
        exceed, seen = self.exceed, self.seen
        return np.where(seen >= b, (exceed + 1) / (b + 1),
                        np.maximum((exceed + 1) / (seen + 1), (exceed + 1) / (b + 1)))


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
