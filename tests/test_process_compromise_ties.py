"""The process kernel's egalitarian compromise on small integer tables where outcomes tie: the
largest smallest gain wins, a tie on it goes to the larger total gain, a tie on both to the first
outcome (docs/process-designs.md). Random decimal tables never tie, so these are worked by hand."""

import numpy as np
import pytest

from multitrack.process import solve_batch
from multitrack.process.batch_space import BatchSpace


def _space(a: list[int], b: list[int]) -> BatchSpace:
    """One issue with len(a) values, two veto players a and b with these utility tables, both
    reservation values 0, every value allowed."""
    v = len(a)
    tables = np.array([[[a], [b]]], dtype=float)  # (draws 1, actors 2, issues 1, values v)
    assert tables.shape == (1, 2, 1, v)
    return BatchSpace.from_arrays(tables)


@pytest.mark.parametrize("a, b, choice, utility, level", [
    # Both tables span 3 points, so a normalised gain is utility / 3. Smallest gains: 0, 1/3, 1/3, 0.
    # Values 1 and 2 tie on it; their total gains are 2/3 and 1, so value 2 (utilities 1, 2) wins.
    ([0, 1, 1, 3], [3, 1, 2, 0], 2, (1.0, 2.0), 1 / 3),
    # The same with the better of the tied pair listed first: still the one with the larger total.
    ([0, 1, 1, 3], [3, 2, 1, 0], 1, (1.0, 2.0), 1 / 3),
    # Values 1 (1, 2) and 2 (2, 1) tie on the smallest gain (1/3) and on the total (1): the first.
    ([0, 1, 2, 3], [3, 2, 1, 0], 1, (1.0, 2.0), 1 / 3),
    # The smallest gain comes first: both tables span 4; value 1 (4, 1) has the larger total gain
    # (5/4 against 1) but the smaller smallest gain (1/4 against 1/2), so value 2 (2, 2) wins.
    ([0, 4, 2, 1], [4, 1, 2, 0], 2, (2.0, 2.0), 1 / 2),
])
def test_egalitarian_compromise_breaks_ties_on_total_gain_then_order(a, b, choice, utility, level):
    res = solve_batch(_space(a, b))
    assert res.agreed[0] and res.n_pass[0] == len(a)
    assert res.choice[0, 0] == choice
    assert tuple(res.utility[0]) == utility
    assert res.level[0] == pytest.approx(level)
