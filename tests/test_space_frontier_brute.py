"""The product frontier (merging per-issue frontiers) against brute force over every outcome,
for 2 to 6 parties: the same outcomes, in the same order, with the same representative of
each utility vector."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.space import TrackSpace, agreement_frontier, choose


def every_outcome(space: TrackSpace) -> tuple[np.ndarray, np.ndarray]:
    """All value-index rows, in lexicographic order over the issues taken smallest first (the
    merge order), and their utilities (N, k)."""
    merge = sorted(range(len(space.shape)), key=lambda i: space.shape[i])
    rows = np.array(list(itertools.product(*[range(space.shape[i]) for i in merge])))
    idx = np.empty_like(rows)
    idx[:, merge] = rows
    return idx, space.utilities_of(idx).T


def brute_frontier(space: TrackSpace) -> np.ndarray:
    """Outcomes no other outcome beats (>= for all, > for one), one per utility vector: the
    first in merge order. Integer utilities, so equality is exact."""
    idx, u = every_outcome(space)
    ge = np.all(u[:, None, :] >= u[None, :, :], axis=2)
    differs = np.any(u[:, None, :] != u[None, :, :], axis=2)
    earlier = np.arange(len(u))[:, None] < np.arange(len(u))[None, :]
    beaten = ge & (differs | earlier)
    np.fill_diagonal(beaten, False)
    return idx[~beaten.any(axis=0)]


@st.composite
def product_spaces(draw, conflicting=False):
    k = draw(st.integers(2, 6))
    shape = draw(st.lists(st.integers(1, 6), min_size=1, max_size=5).filter(lambda s: np.prod(s) <= 1500))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    levels = draw(st.integers(2, 12))
    tables = []
    for n in shape:
        t = rng.integers(0, levels, size=(k, n)).astype(float)
        if conflicting:  # odd parties rank the values in reverse of the even ones
            t[1::2] = levels - 1 - t[0]
        tables.append(t)
    return TrackSpace.from_tables(tables)


@settings(max_examples=150, deadline=None)
@given(st.one_of(product_spaces(), product_spaces(conflicting=True)))
def test_product_frontier_is_the_brute_force_frontier(space):
    f = agreement_frontier(space)
    assert f.method == "decomposition"
    expected = brute_frontier(space)
    assert f.index.tolist() == expected.tolist()
    assert np.allclose(f.utility, space.utilities_of(expected))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(0, 2**32 - 1), st.booleans())
def test_float_product_frontier_and_nash_match_brute_force(k, seed, conflicting):
    rng = np.random.default_rng(seed)
    shape = rng.integers(2, 7, size=rng.integers(2, 5))
    base = [rng.random(n) for n in shape]
    tables = [np.array([(b if j % 2 == 0 or not conflicting else 1 - b) * rng.uniform(0.5, 1.5)
                        + 0.1 * rng.random(n) for j in range(k)]) for b, n in zip(base, shape, strict=True)]
    space = TrackSpace.from_tables(tables)
    f = agreement_frontier(space)
    idx, u = every_outcome(space)
    beaten = np.array([np.any(np.all(u >= p, axis=1) & np.any(u > p, axis=1)) for p in u])
    want = {tuple(np.round(p, 9)) for p in u[~beaten]}
    assert {tuple(np.round(p, 9)) for p in f.utility.T} == want
    assert f.size == len(want)
    d = np.zeros(k)
    pick = choose("nash", space.normalise(f.utility).T, d)
    chosen = space.normalise(f.utility).T[pick]
    assert np.prod(chosen) >= np.prod(space.normalise(u.T), axis=0).max() - 1e-12
