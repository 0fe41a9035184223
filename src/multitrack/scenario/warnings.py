"""Things in a valid scenario that are probably not what the author meant."""

from __future__ import annotations

import numpy as np

from ..errors import Problem
from .model import Scenario
from .provenance import citations


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Veto players without any stance on their track, positions without a source, and participants
    of a track without a status quo who state no reservation value."""
    out: list[Problem] = []
    for t, track in enumerate(scenario.tracks):
        stated = {a for issue in track.issues for a in issue.positions}
        for actor in track.vetoes:
            if actor not in stated and not track.deferred:
                out.append(Problem(f"veto player {actor!r} states no position on any issue, so it "
                                   "accepts every outcome", ("tracks", t)))
        out += _mixed_scales(track, t)
        out += _grid_warnings(scenario, track, t)
        if not track.has_status_quo and not track.deferred:
            for actor in track.participants:
                if actor not in track.reservation_values:
                    out.append(Problem(f"the track has no status quo and {actor!r} no reservation value, so "
                                       "its disagreement value is its worst outcome and it accepts whatever "
                                       "its red lines allow", ("tracks", t, "reservation_values")))
        for j, issue in enumerate(track.issues):
            for actor, pos in issue.positions.items():
                if not citations(pos, issue, track):
                    out.append(Problem("position cites no source",
                                       ("tracks", t, "issues", j, "positions", actor)))
    return out


def _mixed_scales(track, t: int) -> list[Problem]:
    """An actor whose value tables go far beyond 0-1 while its other positions on the same track
    are ideal points or monotone preferences (valued 0-1): the tables then outweigh the
    saliences, which is rarely meant."""
    out = []
    for actor in track.participants:
        tables, shaped = [], False
        for j, issue in enumerate(track.issues):
            pos = issue.positions.get(actor)
            if pos is None:
                continue
            if pos.values is not None:
                span = max(v.nominal for v in pos.values.values()) - min(v.nominal for v in pos.values.values())
                tables.append((j, span))
            elif pos.shape in ("ideal", "monotone"):
                shaped = True
        big = [(j, span) for j, span in tables if span > 2]
        if shaped and big:
            j, span = big[0]
            out.append(Problem(f"{actor!r} values options on a scale of {span:g} points here but its ideal-point "
                               "or monotone positions on this track on a 0-1 scale, so the tables outweigh the "
                               "saliences; write value tables from 0 to 1",
                               ("tracks", t, "issues", j, "positions", actor, "values")))
    return out


def _grid_warnings(scenario: Scenario, track, t: int) -> list[Problem]:
    """Where the analyses' grid misses what the file says: a status quo between two grid points
    (no outcome equals it), and on a continuous issue a window that red lines leave open but that
    is narrower than the grid step (the analyses may see no value in it and call the issue
    blocked by red lines when it is not)."""
    out = []
    for j, issue in enumerate(track.issues):
        if issue.kind not in ("integer", "continuous"):
            continue
        here = ("tracks", t, "issues", j)
        grid = np.asarray(issue.values_on_grid(scenario.settings.grid_points), dtype=float)
        step = (issue.high - issue.low) / (len(grid) - 1)
        tol = 1e-9 * max(1.0, abs(issue.low), abs(issue.high))
        sq = getattr(issue, "status_quo", None)
        if sq is not None and not isinstance(sq, str):
            x = float(sq.nominal)
            if np.abs(grid - x).min() > tol:
                below = grid[grid < x].max()
                out.append(Problem(f"status quo {x:g} lies between the grid points {below:g} and {below + step:g}, "
                                   "so no outcome of the analyses equals it; move it onto the grid, or set the "
                                   "issue's grid so that a point falls on it", here + ("status_quo",)))
        if issue.kind != "continuous":
            continue  # every whole number is on an integer issue's grid
        windows = [(_window(issue.positions[a].red_lines), (a,)) for a in issue.positions
                   if issue.positions[a].red_lines]
        vetoes = [a for a in track.vetoes if a in issue.positions and issue.positions[a].red_lines]
        if len(vetoes) > 1:  # what the veto players' red lines leave together
            lo = max(_window(issue.positions[a].red_lines)[0] for a in vetoes)
            hi = min(_window(issue.positions[a].red_lines)[1] for a in vetoes)
            windows.append(((lo, hi), tuple(vetoes)))
        seen = set()
        for (lo, hi), who in windows:
            lo, hi = max(lo, issue.low), min(hi, issue.high)
            if hi < lo - tol or hi - lo >= step - tol or (lo, hi) in seen:
                continue
            points = int(np.sum((grid >= lo - tol) & (grid <= hi + tol)))
            if points and hi - lo <= tol:
                continue  # a single allowed value that lies on the grid
            seen.add((lo, hi))
            whose = f"the red lines of {who[0]!r} leave" if len(who) == 1 else \
                f"the red lines of the veto players {', '.join(repr(a) for a in who)} leave together"
            seen_text = "no grid point in it, so they find the issue blocked by red lines" if not points else \
                f"only {points} grid point{'' if points == 1 else 's'} in it"
            if hi - lo <= tol:
                window, advice = f"only {lo:g}", f"give the issue a grid that holds {lo:g}"
            else:
                finer = int(np.ceil((issue.high - issue.low) / (hi - lo))) + 1
                window, advice = f"{lo:g}-{hi:g} open", f"give the issue a finer grid (grid: {finer} or more)"
            path = here + (("positions", who[0], "red_lines") if len(who) == 1 else ())
            out.append(Problem(f"{whose} {window}, narrower than the grid step {step:g}: the analyses see "
                               f"{seen_text}; {advice}", path))
    return out


def _window(red_lines) -> tuple[float, float]:
    """The interval an actor's 'below' and 'above' red lines leave (nominal thresholds)."""
    lo, hi = -np.inf, np.inf
    for line in red_lines:
        if line.relation == "below":
            lo = max(lo, float(line.threshold.nominal))
        elif line.relation == "above":
            hi = min(hi, float(line.threshold.nominal))
    return lo, hi
