"""Things in a valid scenario that are probably not what the author meant.

Plain Python over a handful of numbers per issue: ``multitrack validate`` prints these warnings,
and its start-up imports no numpy (issue 20). ``tests/test_startup.py`` holds them to the numpy
formulas they were first written with.
"""

from __future__ import annotations

import math
from bisect import bisect_right

from ..errors import Problem
from .issues import OptionIssue
from .model import Scenario
from .positions import Position
from .provenance import citations
from .tracks import Track


def scenario_warnings(scenario: Scenario) -> list[Problem]:
    """Veto players without any stance on their track, positions without a source, participants
    of a track without a status quo who state no reservation value, and disagreement points that
    are probably not what the author meant (see ``no_deal_warnings``)."""
    out: list[Problem] = []
    for t, track in enumerate(scenario.tracks):
        out += no_deal_warnings(track, t)
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
                span = (max(v.nominal for v in pos.values.values())
                        - min(v.nominal for v in pos.values.values()))
                tables.append((j, span))
            elif pos.shape in ("ideal", "monotone"):
                shaped = True
        big = [(j, span) for j, span in tables if span > 2]
        if shaped and big:
            j, span = big[0]
            out.append(Problem(f"{actor!r} values options on a scale of {span:g} points here but its "
                               "ideal-point or monotone positions on this track on a 0-1 scale, so the "
                               "tables outweigh the saliences; write value tables from 0 to 1",
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
        grid = [float(v) for v in issue.values_on_grid(scenario.settings.grid_points)]
        step = (issue.high - issue.low) / (len(grid) - 1)
        tol = 1e-9 * max(1.0, abs(issue.low), abs(issue.high))
        sq = getattr(issue, "status_quo", None)
        if sq is not None and not isinstance(sq, str):
            x = float(sq.nominal)
            if min(abs(g - x) for g in grid) > tol:
                below = max(g for g in grid if g < x)
                out.append(Problem(f"status quo {x:g} lies between the grid points {below:g} and "
                                   f"{below + step:g}, so no outcome of the analyses equals it; move it onto "
                                   "the grid, or set the issue's grid so that a point falls on it",
                                   here + ("status_quo",)))
        if issue.kind != "continuous":
            continue  # every whole number is on an integer issue's grid
        # red lines that always apply (a conditional one leaves the window open elsewhere)
        windows = [(_window(issue.positions[a].plain_red_lines), (a,)) for a in issue.positions
                   if issue.positions[a].plain_red_lines]
        vetoes = [a for a in track.vetoes if a in issue.positions and issue.positions[a].plain_red_lines]
        if len(vetoes) > 1:  # what the veto players' red lines leave together
            lo = max(_window(issue.positions[a].plain_red_lines)[0] for a in vetoes)
            hi = min(_window(issue.positions[a].plain_red_lines)[1] for a in vetoes)
            windows.append(((lo, hi), tuple(vetoes)))
        seen = set()
        for (lo, hi), who in windows:
            lo, hi = max(lo, issue.low), min(hi, issue.high)
            if hi < lo - tol or hi - lo >= step - tol or (lo, hi) in seen:
                continue
            points = sum(1 for g in grid if g >= lo - tol and g <= hi + tol)
            if points and hi - lo <= tol:
                continue  # a single allowed value that lies on the grid
            seen.add((lo, hi))
            whose = f"the red lines of {who[0]!r} leave" if len(who) == 1 else \
                f"the red lines of the veto players {', '.join(repr(a) for a in who)} leave together"
            seen_text = ("no grid point in it, so they find the issue blocked by red lines" if not points
                         else f"only {points} grid point{'' if points == 1 else 's'} in it")
            if hi - lo <= tol:
                window, advice = f"only {lo:g}", f"give the issue a grid that holds {lo:g}"
            else:
                finer = math.ceil((issue.high - issue.low) / (hi - lo)) + 1
                window, advice = f"{lo:g}-{hi:g} open", f"give the issue a finer grid (grid: {finer} or more)"
            path = here + (("positions", who[0], "red_lines") if len(who) == 1 else ())
            out.append(Problem(f"{whose} {window}, narrower than the grid step {step:g}: the analyses see "
                               f"{seen_text}; {advice}", path))
    return out


def _window(red_lines) -> tuple[float, float]:
    """The interval an actor's 'below' and 'above' red lines leave (nominal thresholds)."""
    lo, hi = -math.inf, math.inf
    for line in red_lines:
        if line.relation == "below":
            lo = max(lo, float(line.threshold.nominal))
        elif line.relation == "above":
            hi = min(hi, float(line.threshold.nominal))
    return lo, hi


def no_deal_warnings(track: Track, t: int) -> list[Problem]:
    """Where "no deal" on a track probably does not mean what the file makes it mean.

    - The status quo is a veto player's best value on every issue it cares about, and the track
      states neither a no-deal nor a reservation value for it: failure then costs it nothing, so
      it accepts no change.
    - The status quo breaks a veto player's red line (and the track states neither value for it):
      the player does not accept things as they stand, so failure cannot mean that the status quo
      simply continues; the analyses would still measure its gains from the status quo.
    - The track is marked as costly to fail but gives nobody a no-deal value.
    Thresholds and values at their nominal (central) estimates.
    """
    here = ("tracks", t)
    if track.deferred:
        return []
    out = []
    if track.costly_failure and not track.no_deal:
        out.append(Problem("the track is marked costly_failure: true but gives no no_deal value, so its "
                           "failure still costs nobody anything in the analyses; state what failure is worth "
                           "to the parties", here + ("costly_failure",)))
    if not track.has_status_quo:
        return out
    for actor in track.vetoes:
        if actor in track.no_deal or actor in track.reservation_values:
            continue  # the file says what no deal is worth to it
        held = [(j, issue, issue.positions[actor]) for j, issue in enumerate(track.issues)
                if actor in issue.positions]
        broken = [(j, issue) for j, issue, pos in held if _status_quo_breaks(issue, pos)]
        if broken:
            j, issue = broken[0]
            out.append(Problem(f"the status quo breaks a red line of veto player {actor!r} on {issue.id!r}: "
                               "it would never sign things as they stand, so no deal cannot mean for it "
                               "that the status quo simply continues; give its no_deal value (what failure "
                               "of the track is worth to it)",
                               here + ("issues", j, "positions", actor, "red_lines")))
        elif held and all(_best_at_status_quo(issue, pos) for _, issue, pos in held):
            out.append(Problem(f"the status quo is the best value of veto player {actor!r} on every issue it "
                               "cares about, so failure costs it nothing and it accepts no change; if "
                               "failure means more than things staying as they are (a war going on, "
                               "sanctions kept), give its no_deal value",
                               here + ("no_deal",)))
    return out


def _axis(issue, value) -> float:
    """An option's rank or a number (an estimate at its nominal value)."""
    if isinstance(issue, OptionIssue):
        return float(issue.options.index(value))
    return float(getattr(value, "nominal", value))


def _status_quo_breaks(issue, pos: Position) -> bool:
    """Whether the issue's status quo breaks one of the position's red lines (those that always
    apply: whether a conditional one does depends on another issue)."""
    x = _axis(issue, issue.status_quo)
    for line in pos.plain_red_lines:
        v = _axis(issue, line.threshold)
        if (line.relation == "equals" and _isclose(x, v)) or (line.relation == "below" and x < v - 1e-12) \
                or (line.relation == "above" and x > v + 1e-12):
            return True
    return False


def _isclose(x: float, v: float) -> bool:
    """``numpy.isclose(x, v)`` with its default tolerances (relative 1e-5 of ``v``, absolute 1e-8)."""
    if math.isinf(x) or math.isinf(v):
        return x == v
    return abs(x - v) <= 1e-8 + 1e-5 * abs(v)


def _best_at_status_quo(issue, pos: Position) -> bool:
    """Whether the status quo is worth at least as much to the position as any other value of the
    issue (its options, or its range's ends and the turning points of its curve)."""
    sq = _axis(issue, issue.status_quo)
    if isinstance(issue, OptionIssue):
        xs = [float(k) for k in range(len(issue.options))]
    else:
        xs = [float(issue.low), float(issue.high)] + [float(p[0]) for p in pos.points or []]
        if pos.ideal is not None:
            xs.append(_axis(issue, pos.ideal))
        xs = [x for x in xs if issue.low <= x <= issue.high]
    worth = [_nominal_value(issue, pos, x) for x in [*xs, sq]]
    return worth[-1] >= max(worth[:-1]) - 1e-9


def _nominal_value(issue, pos: Position, x: float) -> float:
    """The position's value of the point ``x`` at nominal estimates, up to a positive factor (all
    that comparing two values needs): a table, an ideal point's closeness, a monotone slope or a
    piecewise-linear curve."""
    if pos.values is not None:
        return float(pos.values[issue.options[round(x)]].nominal)
    if pos.monotone is not None:
        return x if pos.monotone.value == "increasing" else -x
    if pos.ideal is not None:
        return -abs(x - _axis(issue, pos.ideal))
    assert pos.points is not None
    return _interp(x, [float(p[0]) for p in pos.points], [float(p[1].nominal) for p in pos.points])


def _interp(x: float, xp: list[float], fp: list[float]) -> float:
    """``numpy.interp(x, xp, fp)`` for increasing ``xp``, step for step: the ends outside the
    range, a point's own value on it, else the line through its two neighbours."""
    if x > xp[-1]:
        return fp[-1]
    if x < xp[0]:
        return fp[0]
    j = bisect_right(xp, x) - 1
    if j == len(xp) - 1 or xp[j] == x:
        return fp[j]
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    value = slope * (x - xp[j]) + fp[j]
    if math.isnan(value):
        value = slope * (x - xp[j + 1]) + fp[j + 1]
        if math.isnan(value) and fp[j] == fp[j + 1]:
            value = fp[j]
    return value
