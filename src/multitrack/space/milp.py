"""Exact optimisation over spaces too large to enumerate: mixed-integer programming (HiGHS
through scipy.optimize.milp).

One binary per issue value, one value per issue; red lines fix binaries to 0; a red line
conditional on another issue is the implication "condition holds -> value allowed", linear in
the binaries (the forbidden values and the condition's values sum to at most 1, or at most 2
with the party's acceptance indicator under a qualified or weighted rule); reservation
values are linear constraints because utilities are additive. Under a qualified or weighted
rule, a binary per non-veto participant says whether it accepts (big-M on its reservation
value). Objectives: the utilitarian sum, or the egalitarian minimum gain over reservation.
"""

from __future__ import annotations

import numpy as np

from .acceptance import tolerance
from .track_space import TrackSpace


class MilpUnfinished(RuntimeError):
    """The solver hit its time limit (or failed) before proving its answer."""


def milp_solve(space: TrackSpace, objective: str = "feasible", *,
               reservation: np.ndarray | None = None, time_limit: float = 60.0) -> np.ndarray | None:
    """Value indices (n_issues,) of an outcome that passes the rule and is best for
    ``objective`` (feasible, utilitarian or egalitarian); None if no outcome passes."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # on first use: it takes 0.15 s to import

    r = space.reservation if reservation is None else reservation
    tol = tolerance(space)
    sizes = space.shape
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    n_x = int(offsets[-1])
    vetoes = list(space.rule.vetoes)
    voters = [a for a in range(space.n_actors) if a not in vetoes] if space.rule.kind != "unanimity" else []
    n_y = len(voters)
    n = n_x + n_y + 1  # last variable: t (egalitarian level)
    utility_rows = np.zeros((space.n_actors, n))
    ub = np.ones(n)
    for i, (t, allowed) in enumerate(zip(space.tables, space.allowed, strict=True)):
        utility_rows[:, offsets[i]:offsets[i + 1]] = t
        for a in vetoes:
            ub[offsets[i]:offsets[i + 1]][~allowed[a]] = 0.0
    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(row: np.ndarray, low: float, high: float) -> None:
        """One constraint ``low <= row @ x <= high``."""
        rows.append(row)
        lo.append(low)
        hi.append(high)

    for i in range(len(sizes)):  # one value per issue
        row = np.zeros(n)
        row[offsets[i]:offsets[i + 1]] = 1
        add(row, 1, 1)
    for a in vetoes:
        add(utility_rows[a], r[a] - tol[a], np.inf)
    for k, own in space.joint:  # a red line conditional on another issue: not both at once
        ref = space.red_lines[k]
        row = np.zeros(n)
        row[offsets[ref.issue] + np.flatnonzero(~own)] = 1
        row[offsets[ref.when_issue] + np.flatnonzero(np.asarray(ref.when_holds, dtype=bool))] = 1
        if ref.actor in voters:
            row[n_x + voters.index(ref.actor)] = 1
        if ref.actor in vetoes or ref.actor in voters:
            rows.append(row)
            lo.append(-np.inf)
            hi.append(1 if ref.actor in vetoes else 2)
    for j, p in enumerate(voters):
        y = n_x + j
        for i, allowed in enumerate(space.allowed):
            for v in np.flatnonzero(~allowed[p]):
                row = np.zeros(n)
                row[y], row[offsets[i] + v] = 1, 1
                add(row, -np.inf, 1)
        big_m = max(0.0, r[p] - space.u_min[p]) + 1.0
        row = utility_rows[p].copy()
        row[y] = -big_m
        add(row, r[p] - tol[p] - big_m, np.inf)
    if space.rule.kind == "qualified":
        row = np.zeros(n)
        row[n_x:n_x + n_y] = 1
        add(row, space.rule.min_participants - len(vetoes), np.inf)
    elif space.rule.kind == "weighted":
        w = space.rule.weights
        assert w is not None  # a weighted rule always carries its weights
        row = np.zeros(n)
        row[n_x:n_x + n_y] = w[voters]
        add(row, space.rule.threshold - w[vetoes].sum() - 1e-12, np.inf)
    c = np.zeros(n)
    lb = np.zeros(n)
    bargainers = list(space.bargainers)
    span = np.where(space.u_max > space.u_min, space.u_max - space.u_min, 1.0)
    if objective == "utilitarian":
        for b in bargainers:
            c -= utility_rows[b] / span[b]
    elif objective == "egalitarian":
        c[-1] = -1
        lb[-1], ub[-1] = -np.inf, np.inf
        for b in bargainers:  # (U_b - r_b) / span_b >= t
            row = utility_rows[b] / span[b]
            row[-1] = -1
            add(row, r[b] / span[b], np.inf)
    else:
        ub[-1] = 0
    integrality = np.ones(n)
    integrality[-1] = 0
    res = milp(c, constraints=LinearConstraint(np.array(rows), lo, hi), integrality=integrality,
               bounds=Bounds(lb, ub), options={"time_limit": time_limit})
    if res.status == 2:  # infeasible: no outcome passes the rule
        return None
    if res.status != 0 or res.x is None:
        raise MilpUnfinished(f"HiGHS stopped without a proven optimum ({res.message})")
    x = res.x
    return np.array([int(np.argmax(x[offsets[i]:offsets[i + 1]])) for i in range(len(sizes))])
