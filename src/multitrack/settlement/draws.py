"""The run's one set of draws: every uncertain estimate of the scenario, in file order, and the
values each draw gives it. Every analysis of a run reads the same numbers (common random numbers
across analyses), so per-draw results of two analyses can be joined draw by draw."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
from pydantic import BaseModel

from ..errors import format_path
from ..montecarlo.chunks import ChunkTask, plan_chunks
from ..scenario.estimates import EstimateModel
from ..scenario.model import Scenario
from ..scenario.sources import SourceReference


@dataclass(frozen=True)
class UncertainInput:
    """One distribution of the scenario: where it sits and a short label for charts."""

    path: tuple
    label: str
    estimate: EstimateModel
    source: SourceReference | None = None   # its own citation, or the nearest enclosing one

    @property
    def field(self) -> str:
        return format_path(self.path)


def uncertain_inputs(scenario: Scenario, sections: tuple[str, ...] | None = None
                     ) -> tuple[UncertainInput, ...]:
    """Every estimate that is a real distribution, in the order the file states them; all
    sections of the scenario unless ``sections`` names some. The model variants' alternative
    estimates are not inputs of their own: each is drawn at the quantile of the input it replaces."""
    return tuple(UncertainInput(path, _label(scenario, path), est, src)
                 for path, est, src in _estimates(scenario, (), None)
                 if est.is_uncertain and path[0] != "variants" and (sections is None or path[0] in sections))


class DrawValues:
    """Look up an estimate's draws: a column of the input matrix, or its nominal value repeated
    when it is not uncertain. ``block`` picks a group member's own columns (block b holds
    columns ``b * n_inputs .. (b + 1) * n_inputs - 1``).

    Built from values (``DrawValues(inputs, matrix)``) or, by the run's draws, from normal
    scores whose columns are turned into values only when an analysis reads them."""

    def __init__(self, inputs: tuple[UncertainInput, ...], matrix: np.ndarray) -> None:
        self.size = matrix.shape[0]
        self.n_inputs = len(inputs)
        self.inputs = inputs
        self._column = {id(inp.estimate): k for k, inp in enumerate(inputs)}
        self._values: np.ndarray | None = matrix
        self._scores: np.ndarray | None = None
        self._cache: dict[int, np.ndarray] = {}

    @classmethod
    def from_scores(cls, inputs: tuple[UncertainInput, ...], scores: np.ndarray) -> DrawValues:
        """Values from standard normal scores (draws, inputs * blocks): column k of block b is
        ``inputs[k].estimate.ppf(Phi(score))``, computed on first use."""
        out = cls(inputs, np.zeros((scores.shape[0], 0)))
        out._values, out._scores = None, scores
        return out

    @classmethod
    def central(cls, scenario: Scenario | None = None) -> DrawValues:
        """One draw (D = 1) with every estimate at its nominal value: the central values."""
        return cls((), np.zeros((1, 0)))

    def __call__(self, est: EstimateModel, block: int = 0) -> np.ndarray:
        k = self._column.get(id(est))
        if k is None:
            return np.full(self.size, float(est.nominal))
        return self._col(k + block * self.n_inputs)

    def quantile(self, est: EstimateModel, block: int = 0) -> np.ndarray | None:
        """The quantile (in (0, 1)) at which each draw takes the estimate, or None when it is not
        an input drawn from scores: what another estimate must be read at to be drawn "the same"."""
        k = self._column.get(id(est))
        if k is None or self._scores is None:
            return None
        return _probability(self._scores[:, k + block * self.n_inputs])

    def _col(self, c: int) -> np.ndarray:
        if self._values is not None:
            return self._values[:, c]
        got = self._cache.get(c)
        if got is None:
            assert self._scores is not None
            got = self.inputs[c % self.n_inputs].estimate.ppf(_probability(self._scores[:, c]))
            got.flags.writeable = False  # shared by every reader of the run: nobody may change it
            self._cache[c] = got
        return got

    @property
    def blocks(self) -> int:
        """Blocks of columns held: 1 (the actors' own) plus one per group member."""
        held = self._values if self._values is not None else self._scores
        assert held is not None  # values or scores, never neither
        width = held.shape[1]
        return width // self.n_inputs if self.n_inputs else 1

    @property
    def matrix(self) -> np.ndarray:
        """Every column of every block as values (draws, inputs * blocks)."""
        if self._values is not None:
            return self._values
        return self.block(slice(0, self.blocks))

    def block(self, which: int | slice = 0) -> np.ndarray:
        """The values of one block of columns (draws, inputs), or of a range of blocks."""
        blocks = range(self.blocks)[which] if isinstance(which, slice) else [which]
        cols = [self._col(b * self.n_inputs + k) for b in blocks for k in range(self.n_inputs)]
        return np.column_stack(cols) if cols else np.zeros((self.size, 0))

    def rows(self, start: int, stop: int) -> DrawValues:
        """The same look-up on draws ``start .. stop - 1`` only."""
        if self._values is not None:
            return DrawValues(self.inputs, self._values[start:stop])
        assert self._scores is not None
        out = DrawValues.from_scores(self.inputs, self._scores[start:stop])
        out._cache = {c: v[start:stop] for c, v in self._cache.items()}
        return out


    def take(self, rows: np.ndarray) -> DrawValues:
        """The same look-up on the draws ``rows`` only (an index array), columns still turned into
        values only when read."""
        if self._values is not None:
            return DrawValues(self.inputs, self._values[rows])
        assert self._scores is not None
        out = DrawValues.from_scores(self.inputs, self._scores[rows])
        out._cache = {c: v[rows] for c, v in self._cache.items()}
        return out


def _probability(z: np.ndarray) -> np.ndarray:
    """Phi(z), kept inside (0, 1) so that no inverse distribution function returns infinity.
    scipy is imported here, on first use, so that loading a scenario does not wait for it."""
    from scipy.special import ndtr

    return np.clip(ndtr(z), _TINY, 1.0 - _TINY)


_TINY = 1e-15


def member_blocks(scenario: Scenario) -> dict[tuple[str, str, str, int], int]:
    """Each group member's own block of input columns, by (track, forum, group, member): within a
    forum the members are numbered 1, 2, ... across its groups (0 is the actors' own block), so
    the alternative forums of a track are compared on the same draws of their members."""
    out = {}
    for track in scenario.tracks:
        for forum in track.forums:
            k = 1
            for g in forum.member_groups:
                for m in range(g.count):
                    out[(track.id, forum.id, g.id, m)] = k
                    k += 1
    return out


#: The run's draws when nobody says otherwise: enough for stable shares (a proportion near one
#: half has a standard error of 1.6 points), few enough that ``multitrack analyze`` on the
#: built-in scenario stays near ten seconds.
DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20240601
DEFAULT_CHUNK = 1000
MAX_DRAWS = 100_000_000


@dataclass(frozen=True, eq=False)
class RunDraws:
    """The run's one set of draws: ``draws`` draws of every uncertain estimate of the scenario
    (all sections, in file order), from ``seed``, in chunks of ``chunk_size``.

    Chunk c's numbers come from ``SeedSequence(seed).spawn(n_chunks)[c]``, split further into
    one stream for the factors and one per block of columns; the plan depends only on (draws,
    chunk_size, seed), so draw k of an estimate is the same number in every analysis of the
    run, and the first n draws are the same in a run of n draws (:meth:`first`).

    Correlated estimates (Gaussian copula): an estimate with ``factor: {id, loading}`` has the
    normal score z = loading * F + sqrt(1 - loading^2) * e, with F the factor's score in that draw
    (shared by every estimate and every block) and e its own; its value is the inverse
    distribution function at Phi(z). Without a factor z = e, so the estimates are independent.
    See Nelsen (2006), An Introduction to Copulas, 2nd ed., Springer, sec. 2.9 and 3.1."""

    scenario: Scenario
    draws: int
    seed: int = DEFAULT_SEED
    chunk_size: int = DEFAULT_CHUNK

    def __post_init__(self) -> None:
        if not 1 <= self.draws <= MAX_DRAWS:
            raise ValueError(f"draws must be from 1 to {MAX_DRAWS:,}, got {self.draws}")
        if self.seed < 0:
            raise ValueError(f"seed must be 0 or more, got {self.seed}")
        if self.chunk_size < 1:
            raise ValueError(f"chunk_size must be 1 or more, got {self.chunk_size}")

    def __getstate__(self) -> dict:  # the cached look-ups are rebuilt where the draws land
        return {k: getattr(self, k) for k in ("scenario", "draws", "seed", "chunk_size")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    @cached_property
    def inputs(self) -> tuple[UncertainInput, ...]:
        """Every uncertain estimate of the scenario, in file order (the columns of a block)."""
        return uncertain_inputs(self.scenario)

    @cached_property
    def factors(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.scenario.factors)

    @cached_property
    def blocks(self) -> dict[tuple[str, str, str, int], int]:
        """Each group member's block of columns (see :func:`member_blocks`)."""
        return member_blocks(self.scenario)

    @property
    def n_blocks(self) -> int:
        """Blocks of columns in a chunk: the actors' own and one per member of the largest forum."""
        return 1 + max(self.blocks.values(), default=0)

    def key(self, est: EstimateModel) -> str | None:
        """The estimate's stable key (its field path), or None when it is not uncertain."""
        return next((inp.field for inp in self.inputs if inp.estimate is est), None)

    def tasks(self) -> list[ChunkTask]:
        """The run's chunks (the same list whoever asks)."""
        return plan_chunks(self.draws, self.chunk_size, self.seed)

    def first(self, n: int) -> RunDraws:
        """The first ``n`` draws of this run (all of them when it has fewer): for an analysis
        that can afford fewer draws, never a different sample."""
        return self if n >= self.draws else replace(self, draws=n)

    def chunk(self, task: ChunkTask) -> DrawValues:
        """The values of the chunk's draws, every block of columns (computed when read)."""
        return DrawValues.from_scores(self.inputs, self._chunk_scores(task))

    def values(self) -> DrawValues:
        """The values of every draw of the run at once (for analyses with few draws)."""
        parts = [self._chunk_scores(t) for t in self.tasks()]
        return DrawValues.from_scores(self.inputs, np.concatenate(parts, axis=0))

    def _chunk_scores(self, task: ChunkTask) -> np.ndarray:
        """(chunk draws, columns): the chunk's scores, every block of columns."""
        f = self.factor_scores(task)
        return np.concatenate([self._scores(task, b, f) for b in range(self.n_blocks)], axis=1)

    def factor_scores(self, task: ChunkTask) -> np.ndarray:
        """(chunk draws, factors): each factor's standard normal score in the chunk's draws."""
        return _stream(task, 0).standard_normal((task.size, len(self.factors)))

    def factor_draws(self) -> np.ndarray:
        """(draws, factors): each factor's score in every draw of the run."""
        parts = [self.factor_scores(t) for t in self.tasks()]
        return np.concatenate(parts, axis=0) if parts else np.zeros((0, len(self.factors)))

    @cached_property
    def _loadings(self) -> tuple[np.ndarray, np.ndarray]:
        """Per input column: the index of its factor (-1: none) and its loading."""
        index = {f: k for k, f in enumerate(self.factors)}
        which = np.array([index[i.estimate.factor.id] if i.estimate.factor else -1 for i in self.inputs],
                         dtype=int)
        load = np.array([i.estimate.factor.loading if i.estimate.factor else 0.0 for i in self.inputs])
        return which, load

    def _scores(self, task: ChunkTask, block: int, factor_scores: np.ndarray) -> np.ndarray:
        """(chunk draws, inputs): normal scores of one block, each row drawn in turn (so the
        first rows do not depend on the chunk's size)."""
        e = _stream(task, 1 + block).standard_normal((task.size, len(self.inputs)))
        which, load = self._loadings
        if not (which >= 0).any():
            return e
        f = np.where(which >= 0, factor_scores[:, np.maximum(which, 0)] if self.factors else 0.0, 0.0)
        return load * f + np.sqrt(1.0 - load * load) * e


def _stream(task: ChunkTask, k: int) -> np.random.Generator:
    """The chunk's k-th stream: child k of the chunk's seed sequence."""
    seq = np.random.SeedSequence(task.seed.entropy, spawn_key=tuple(task.seed.spawn_key) + (k,))
    return np.random.Generator(np.random.PCG64(seq))


def _estimates(node: Any, path: tuple, source: SourceReference | None
               ) -> Iterator[tuple[tuple, EstimateModel, SourceReference | None]]:
    if isinstance(node, EstimateModel):
        yield path, node, node.source or source
    elif isinstance(node, BaseModel):
        own = getattr(node, "source", None)
        source = own if isinstance(own, SourceReference) else source
        for name, info in type(node).model_fields.items():
            yield from _estimates(getattr(node, name), path + (info.alias or name,), source)
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _estimates(v, path + (k,), source)
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _estimates(v, path + (i,), source)


def _label(scenario: Scenario, path: tuple) -> str:
    """A reader's label, such as ``RUS salience, deployment-zone``, rather than a field path."""
    if path[:1] == ("tracks",) and len(path) > 2:
        track = scenario.tracks[path[1]]
        if path[2] == "issues" and len(path) > 4:
            issue = track.issues[path[3]]
            if path[4] == "positions":
                return f"{path[5]} {_position_part(path[6:])}, {issue.id}"
            return f"{' '.join(str(p) for p in path[4:]).replace('_', ' ')}, {issue.id}"
        if path[2] == "reservation_values":
            return f"{path[3]} reservation value, {track.id}"
    if path[:1] == ("actors",) and len(path) > 2:
        return f"{scenario.actors[path[1]].id} {path[2]}"
    return format_path(path).replace("_", " ")


def _position_part(rest: tuple) -> str:
    if rest[:1] == ("values",):
        return f"value of {rest[1]}"
    if rest[:1] == ("red_lines",):
        return f"red line ({rest[-1]})"
    if rest[:1] == ("points",):
        return f"points at {rest[1]}"
    return " ".join(str(p) for p in rest).replace("_", " ")
