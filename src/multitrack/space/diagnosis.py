"""What blocks a deal: minimal sets of constraints whose removal opens an agreement space,
and, for each constraint alone, the smallest relaxation that would.

A deal is an outcome that passes the decision rule, is not the status quo itself, and gives
at least one participant strictly more than its disagreement point (its stated no-deal value,
else the status quo): an opening that admits only the status quo, or only outcomes nobody
prefers to no deal, opens nothing, and the diagnosis never presents it as a deal.

The constraints are the veto players' red lines and reservation values. Minimal sets are
found breadth-first by size (every subset of one size is tried before the next, supersets of
sets already found are skipped): the minimal correction sets of the infeasible constraint
system (Liffiton and Sakallah 2008, "Algorithms for computing minimal unsatisfiable subsets of
constraints", Journal of Automated Reasoning 40(1), 1-33).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from .acceptance import tolerance
from .track_space import TrackSpace

#: A constraint: ("red_line", k) for space.red_lines[k], or ("reservation", actor index).
Constraint = tuple[str, int]
Feasible = Callable[[TrackSpace], bool]


@dataclass(frozen=True)
class Relaxation:
    """The smallest change of one constraint that opens the space on its own."""

    constraint: Constraint
    opens: bool
    new_threshold: object | None = None   # red lines: the moved threshold (option or number)
    move: float | None = None             # red lines: distance moved (units, or option steps)
    reduction: float | None = None        # reservation: raw points given up
    reduction_normalised: float | None = None


@dataclass(frozen=True)
class Blockage:
    constraints: tuple[Constraint, ...]
    minimal_sets: tuple[tuple[Constraint, ...], ...]
    searched_up_to: int
    complete: bool
    relaxations: tuple[Relaxation, ...]


def status_quo_flat(space: TrackSpace) -> int | None:
    """The status quo's outcome number (row-major over the issues); None without a status quo on
    the grid."""
    index = [int(k) for k in space.status_quo_index if k is not None]
    if not space.has_status_quo or len(index) < len(space.status_quo_index):
        return None
    return int(np.ravel_multi_index(tuple(index), space.shape))


def deal_mask(space: TrackSpace, utility: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """(m,) which outcomes (raw utilities (n_actors, m), outcome numbers (m,)) are deals: not the
    status quo, and strictly better than the disagreement point for at least one participant."""
    sq = status_quo_flat(space)
    gains = utility > (space.baseline + tolerance(space))[:, None]
    ok = gains.any(axis=0)
    return ok if sq is None else ok & (np.asarray(flat) != sq)


def constraints_of(space: TrackSpace) -> list[Constraint]:
    """The veto players' red lines and reservation values (everyone's if nobody holds a veto); a
    red line conditional on another issue is one constraint (one whose condition is on another
    track's issue, only where that track's outcome meets it)."""
    who = set(space.rule.vetoes or range(space.n_actors))
    lines = [("red_line", k) for k, ref in enumerate(space.red_lines) if ref.actor in who and ref.in_force]
    return lines + [("reservation", a) for a in sorted(who)]


def relaxed(space: TrackSpace, removed: tuple[Constraint, ...]) -> TrackSpace:
    return space.without(lines=[k for kind, k in removed if kind == "red_line"],
                         reservations=[a for kind, a in removed if kind == "reservation"])


def minimal_blocking_sets(space: TrackSpace, feasible: Feasible, *, max_size: int = 3,
                          max_checks: int = 5000) -> tuple[tuple[tuple[Constraint, ...], ...], int, bool]:
    """Minimal sets of constraints whose removal makes ``feasible`` true.

    Returns the sets, the largest size searched completely, and whether the search covered
    every size up to the number of constraints (so that no larger minimal set was missed).
    """
    cons = constraints_of(space)
    found: list[tuple[Constraint, ...]] = []
    checks = 0
    searched = 0
    for size in range(1, min(max_size, len(cons)) + 1):
        for subset in combinations(cons, size):
            if any(set(f) <= set(subset) for f in found):
                continue
            checks += 1
            if checks > max_checks:
                return tuple(found), searched, False
            if feasible(relaxed(space, subset)):
                found.append(subset)
        searched = size
    # a larger minimal set cannot hold a constraint that opens the space alone
    alone = {f[0] for f in found if len(f) == 1}
    return tuple(found), searched, searched >= len([c for c in cons if c not in alone])


def smallest_line_move(space: TrackSpace, k: int, feasible: Feasible) -> Relaxation:
    """How far red line ``k`` must move (others unchanged) to open the space."""
    ref = space.red_lines[k]
    axis = space.axes[ref.issue]
    if ref.relation == "equals":
        opens = feasible(space.without(lines=[k]))
        return Relaxation(("red_line", k), opens)
    # candidate thresholds in the relaxing direction, nearest first
    if ref.relation == "below":
        cands = np.sort(axis[axis < ref.axis_value])[::-1]
    else:
        cands = np.sort(axis[axis > ref.axis_value])
    if cands.size == 0 or not feasible(space.without(moved={k: float(cands[-1])})):
        return Relaxation(("red_line", k), False)
    lo, hi = 0, cands.size - 1  # first index that opens lies in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if feasible(space.without(moved={k: float(cands[mid])})):
            hi = mid
        else:
            lo = mid + 1
    t = float(cands[lo])
    labels = space.labels[ref.issue]
    new = labels[int(np.flatnonzero(np.isclose(axis, t))[0])]
    return Relaxation(("red_line", k), True, new_threshold=new, move=abs(t - ref.axis_value))


def smallest_reservation_cut(space: TrackSpace, a: int,
                             best_utility: Callable[[TrackSpace, int], float | None]) -> Relaxation:
    """How much actor ``a`` must lower its reservation value (others unchanged) to open the space.

    ``best_utility(space, a)`` is a's highest utility over the outcomes that pass the rule
    when a's own reservation constraint is dropped (None if there is none).
    """
    best = best_utility(space.without(reservations=[a]), a)
    if best is None:
        return Relaxation(("reservation", a), False)
    cut = max(0.0, float(space.reservation[a] - best))
    span = float(space.u_max[a] - space.u_min[a]) or 1.0
    return Relaxation(("reservation", a), True, reduction=cut, reduction_normalised=cut / span)
