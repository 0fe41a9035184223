"""The skyline kernel against the definition, checked pair by pair (O(n^2)) on small sets.

The rule: a row is kept unless another row is at least as good for everyone and either better for
someone or equal to it and earlier (so exactly one row of each distinct undominated vector stays:
the first). Values are compared after rounding to 12 places of their column's largest magnitude.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.space.skyline import LEAF_SIZE, WITNESSES, _build_tree, _tree_skyline, pareto_mask


def rounded(points: np.ndarray) -> np.ndarray:
    scale = np.abs(points).max(axis=0)
    scale[~(scale > 0)] = 1.0
    return np.round(points / scale, 12) + 0.0


def brute_mask(points: np.ndarray) -> np.ndarray:
    """Row i stays unless some j != i has p_j >= p_i everywhere and (p_j != p_i or j < i)."""
    p = rounded(points) if points.size else points
    n = p.shape[0]
    ge = np.all(p[:, None, :] >= p[None, :, :], axis=2)  # ge[j, i]: row j >= row i everywhere
    differs = np.any(p[:, None, :] != p[None, :, :], axis=2)
    earlier = np.arange(n)[:, None] < np.arange(n)[None, :]
    beaten = ge & (differs | earlier)
    np.fill_diagonal(beaten, False)
    return ~beaten.any(axis=0)


@st.composite
def point_sets(draw, min_k=1, max_k=6, max_n=160):
    """Few distinct levels per column (many ties and exact duplicates), some rows repeated
    further, on a scale that may be tiny, large or negative."""
    k = draw(st.integers(min_k, max_k))
    n = draw(st.integers(0, max_n))
    levels = draw(st.integers(1, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pts = rng.integers(0, levels, size=(n, k)).astype(float)
    if n and draw(st.booleans()):
        copies = rng.integers(0, n, size=rng.integers(1, n + 1))
        pts = np.concatenate([pts, pts[copies]])
        pts = pts[rng.permutation(pts.shape[0])]
    scale = draw(st.sampled_from([1.0, 1e-3, 2100.0, -1.0]))
    shift = draw(st.sampled_from([0.0, 0.5, -3.0]))
    return pts * scale + shift


@settings(max_examples=300, deadline=None)
@given(point_sets())
def test_pareto_mask_is_the_pairwise_definition(points):
    assert pareto_mask(points).tolist() == brute_mask(points).tolist()


@settings(max_examples=200, deadline=None)
@given(point_sets(min_k=3), st.sampled_from([1, 2, 3, LEAF_SIZE, 1000]),
       st.sampled_from(["none", "sum", "any"]))
def test_tree_kernel_is_the_pairwise_definition_at_any_leaf_size(points, leaf, witnesses):
    # leaf 1-3: deep trees, every comparison through the boxes; 1000: one leaf, all pairs. The
    # rows checked first ("strong") may be none, those of largest sum, or any: never the answer.
    p = np.ascontiguousarray(rounded(points)) if points.size else points.reshape(0, points.shape[1])
    n = p.shape[0]
    strong = {"none": np.zeros(0, dtype=np.int64), "sum": np.argsort(-p.sum(axis=1))[:WITNESSES],
              "any": np.random.default_rng(n).permutation(n)[: n // 2]}[witnesses].astype(np.int64)
    assert _tree_skyline(p, strong, leaf).tolist() == brute_mask(points).tolist()


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 6), st.integers(200, 700), st.integers(0, 2**32 - 1), st.booleans())
def test_larger_float_sets_with_conflicting_columns(k, n, seed, conflict):
    # Conflicting columns (the odd ones mirror the even ones, plus noise) put many points on
    # the frontier, as conflicting preferences do: the hard case for a skyline.
    rng = np.random.default_rng(seed)
    base = rng.random((n, 1))
    if conflict:
        cols = [(base if d % 2 == 0 else 1 - base) + 0.05 * rng.random((n, 1)) for d in range(k)]
        pts = np.hstack(cols)
    else:
        pts = rng.random((n, k))
    pts = np.concatenate([pts, pts[: n // 10]])  # exact duplicates as well
    assert pareto_mask(pts).tolist() == brute_mask(pts).tolist()


@pytest.mark.parametrize("k", [3, 5])
def test_lopsided_tree_outgrows_its_first_node_arrays(k):
    # Values halving along the first column, the others nearly flat: each midpoint cut splits
    # off few points, so the tree is deep and lopsided, with more nodes than first allotted
    # (two per leaf of 16). The mask must not care.
    n = 120
    pts = np.ones((n, k))
    pts[:, 0] = 0.5 ** (np.arange(n) % 40)
    pts[:, 1] += np.arange(n)[::-1] * 1e-5     # trades off against the first column...
    pts[:, 2:] += (np.arange(n) % 3)[:, None] * 1e-5  # ...with ties in the rest
    p = np.ascontiguousarray(rounded(pts))
    nodes = _build_tree(p, np.arange(n), LEAF_SIZE)[2].shape[0]
    assert nodes > max(16, 2 * (n // LEAF_SIZE) + 1)
    mask = pareto_mask(pts)
    assert mask.tolist() == brute_mask(pts).tolist()
    assert 0 < mask.sum() < n


def test_hand_made_duplicates_keep_the_first_row():
    pts = np.array([[1.0, 2.0, 3.0],
                    [3.0, 2.0, 1.0],
                    [1.0, 2.0, 3.0],    # copy of row 0: dropped
                    [1.0, 2.0, 2.0],    # dominated by row 0
                    [2.0, 2.0, 2.0],
                    [3.0, 2.0, 1.0]])   # copy of row 1: dropped
    assert pareto_mask(pts).tolist() == [True, True, False, False, True, False]


def test_equal_after_rounding_counts_as_equal():
    # 1e-14 apart on a scale of 1: the same vector to 12 places, so the later one goes.
    pts = np.array([[0.3, 0.7, 0.5], [0.3 + 1e-14, 0.7, 0.5], [0.2, 0.8, 0.5]])
    assert pareto_mask(pts).tolist() == [True, False, True]
