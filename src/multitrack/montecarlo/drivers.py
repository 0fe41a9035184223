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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ..progress import ProgressCallback, report
from ..results import Result
from .executors import shared

#: Family-wise error rate of the test over one result's inputs: the chance that any input named is
#: noise. 1% rather than the customary 5%, so that a result with one real driver among many inputs
#: is reported with that driver alone in at least 99 runs of 100, not 95.
ALPHA = 0.01
#: Spawn key of the permutations' stream under the run's seed (apart from the chunks' streams).
_STREAM = (0x64726976,)
#: Most permutation indices held at once (rows times draws).
_HELD = 1 << 22
#: Least work (permutations x draws x results) worth sharing out among an executor's workers.
_SHARED_OUT = 1 << 26
#: Most blocks of permutations in one task sent to a worker.
_MOST_PER_TASK = 4


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
        several workers in ``executor`` and enough work, the blocks of permutations are shared out
        among them (see :meth:`_finish_on`: the same numbers again); ``progress`` hears of each
        block of permutations counted."""
        pending: dict[tuple, tuple] = {}
        for outcome, labels, reach, top in requests:
            request = self._request(outcome, labels, reach, top)
            if request is not None and request.key not in self._seen:
                pending.setdefault(request.key, (outcome, labels, reach, top))
        if not pending:
            return
        made = [r for r in (self._request(*args) for args in pending.values()) if r is not None]
        workers = getattr(executor, "workers", 1) if executor is not None else 1
        if workers == 1 or self.b * self.n * len(made) < _SHARED_OUT:   # one pass, heard of block by block
            self._finish(made, lambda done: report(progress, task, done, self.b))
            return
        self._finish_on(executor, workers, made, lambda done: report(progress, task, done, self.b))

    def _finish_on(self, executor: Any, workers: int, requests: list[_Request],
                   tick: Callable[[int], None]) -> None:
        """As :meth:`_finish`, with the blocks of permutations shared out among the workers.

        Blocks are seeded one by one, so any worker makes block ``i`` as this process would, and
        the results are tested independently of each other, so each keeps its own place in the
        blocks (``at``). The blocks go out in waves; for each block a worker counts the
        exceedances of every input of a result still live when the wave began, and this process
        replays the blocks in order with the stopping rule of :meth:`_Request.step`, so that
        ``exceed`` and ``seen`` end as one pass leaves them. An input that leaves within a wave
        costs the rest of the wave, no more. One pass counts a block by gathering the draws off
        the mode once few enough inputs are live (:func:`_exceedances`); a result that reaches that
        point within a wave stops there and takes the next wave from that block, so that each
        block is counted the way one pass counts it. The fixed data (the contrasts, each result
        and its inputs) goes to every worker once."""
        data = shared(executor, _Counting(self.contrast, self.seed, self.b, self.rows, self.n,
                                          [(r.y, r.cols, r.observed, r.common, r.odd) for r in requests]))
        blocks = -(-self.b // self.rows)
        per = 1   # the first wave gives each worker one block: most inputs leave after it
        for r in requests:
            r.at = 0
        while True:
            going = [r for r in requests if r.live.size and r.at < blocks]
            if not going:
                break
            start = min(r.at for r in going)
            tick(min(self.b, start * self.rows))
            live = [(r.at, r.live if r.live.size and r.at < blocks else r.live[:0]) for r in requests]
            end = min(start + workers * per, blocks)
            spans = [(first, min(first + per, end)) for first in range(start, end, per)]
            futures = [executor.submit(_counted, data, first, last, live) for first, last in spans]
            try:
                for (first, last), future in zip(spans, futures, strict=True):
                    counted = future.result()
                    for i in range(first, last):
                        done = min(self.b, (i + 1) * self.rows)
                        for r, (_, at_start), counts in zip(requests, live, counted[i - first], strict=True):
                            r.take(i, at_start, counts, done, self.b, self.alpha)
            finally:
                for future in futures:
                    future.cancel()
            per = min(2 * per, _MOST_PER_TASK)
        tick(self.b)
        for r in requests:
            self._seen[r.key] = self._drivers(r)

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
        block = _permutations(self.seed, i, self.rows, self.b, self.n)
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


def _permutations(seed: int, i: int, rows: int, b: int, n: int) -> np.ndarray:
    """Block ``i`` of ``b`` permutations of ``n`` draws, ``rows`` a block, from its own stream."""
    seq = np.random.SeedSequence(seed, spawn_key=_STREAM + (i,))
    rng = np.random.Generator(np.random.PCG64(seq))
    count = min(rows, b - i * rows)
    return rng.permuted(np.broadcast_to(np.arange(n, dtype=np.int32), (count, n)), axis=1)


def _exceedances(contrast: np.ndarray, perm: np.ndarray, y: np.ndarray, cols: np.ndarray,
                 observed: np.ndarray, common: float, odd: np.ndarray) -> np.ndarray:
    """How many permutations of the block ``perm`` give a swing of ``y`` at least the observed
    one, for each input in ``cols`` (``observed`` their observed swings, already shrunk for ties)."""
    weights = contrast[:, cols]
    if odd.size * cols.size <= y.size:  # few draws off the mode (a rare failure): gather them
        shuffled = np.abs(np.einsum("bdl,d->bl", weights[perm[:, odd]], y[odd] - common))
    else:
        shuffled = np.abs(y[perm] @ weights)
    return (shuffled >= observed).sum(axis=0)


@dataclass(frozen=True, eq=False)
class _Counting:
    """What a worker needs to count exceedances, sent to it once per run: the inputs' contrasts,
    the permutations' seed and shape, and each result as (y, its inputs, their observed swings
    shrunk for ties, the most common value of y, the draws off it)."""

    contrast: np.ndarray
    seed: int
    b: int
    rows: int
    n: int
    requests: list[tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray]]


def _counted(data: _Counting, first: int, last: int,
             live: list[tuple[int, np.ndarray]]) -> list[list[np.ndarray]]:
    """For blocks ``first`` to ``last - 1``: each result's exceedances in the block, for the inputs
    ``live`` names for it (its first block to count, and positions among its inputs); none before
    that block or where it names none."""
    out = []
    for i in range(first, last):
        perm = _permutations(data.seed, i, data.rows, data.b, data.n)
        out.append([_exceedances(data.contrast, perm, y, cols[at], observed[at], common, odd)
                    if at.size and i >= start else np.zeros(0)
                    for (y, cols, observed, common, odd), (start, at) in zip(data.requests, live,
                                                                             strict=True)])
    return out


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
        self.at = 0   # the next block of permutations to count, where blocks are counted elsewhere

    def gathers(self, live: int) -> bool:
        """Whether a block is counted by gathering the draws off the mode with ``live`` inputs live."""
        return self.odd.size * live <= self.y.size

    def step(self, contrast: np.ndarray, perm: np.ndarray, done: int, b: int, alpha: float, n: int) -> None:
        """Count one block of permutations (``done``: permutations seen once it is counted)."""
        live = self.live
        counts = _exceedances(contrast, perm, self.y, self.cols[live], self.observed[live], self.common,
                              self.odd)
        self.replay(counts, done, b, alpha)

    def replay(self, counts: np.ndarray, done: int, b: int, alpha: float) -> None:
        """Add one block's exceedances ``counts`` of the live inputs; those that can no longer be
        significant leave."""
        live = self.live
        self.exceed[live] += counts
        self.seen[live] = done
        self.live = live[(self.exceed[live] + 1) / (b + 1) <= alpha]

    def take(self, i: int, at_start: np.ndarray, counts: np.ndarray, done: int, b: int, alpha: float) -> None:
        """Replay block ``i`` as counted elsewhere (``counts`` for the inputs ``at_start``), when it is
        this result's next block and was counted as one pass would count it now."""
        if self.at == i and self.live.size and self.gathers(at_start.size) == self.gathers(self.live.size):
            self.replay(counts[np.searchsorted(at_start, self.live)], done, b, alpha)
            self.at = i + 1

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
