"""Checks of conditional red lines (``red_lines: [{below: 20, when: {issue: ..., in: [...]}}]``):
the condition names an issue of the scenario other than the line's own, and values that issue
can take. Run by the scenario's cross-reference validator, so a bad condition gets one line
naming the file, the line and the field."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import LocatedValueError
from .issues import Issue, check_value
from .positions import RedLineCondition
from .tracks import Track


def check_red_line_conditions(tracks: Sequence[Track]) -> None:
    """Raise :class:`LocatedValueError` at the first condition in ``tracks`` (the scenario's, in
    order) that names an unknown issue, the line's own issue, or a value its issue cannot take."""
    issues = {issue.id: issue for track in tracks for issue in track.issues}
    for t, track in enumerate(tracks):
        for j, issue in enumerate(track.issues):
            for actor, pos in issue.positions.items():
                for k, line in enumerate(pos.red_lines):
                    if line.when is None:
                        continue
                    path = ("tracks", t, "issues", j, "positions", actor, "red_lines", k, "when")
                    _check(line.when, issue.id, issues, [i.id for i in track.issues], path)


def _check(cond: RedLineCondition, own: str, issues: dict[str, Issue], here: list[str],
           path: tuple) -> None:
    if cond.issue == own:
        raise LocatedValueError(f"the condition names the red line's own issue {own!r}; a condition "
                                "is on another issue", path + ("issue",))
    target = issues.get(cond.issue)
    if target is None:
        raise LocatedValueError(f"{cond.issue!r} is not an issue of the scenario (issues of this track: "
                                f"{', '.join(here)})", path + ("issue",))
    if cond.in_ is not None:
        if target.kind == "continuous":
            raise LocatedValueError(f"{cond.issue!r} is continuous: give the condition as below: or "
                                    "above:, not a list of values", path + ("in",))
        for m, value in enumerate(cond.in_):
            check_value(target, value, path + ("in", m))
        return
    if target.kind == "categorical":
        raise LocatedValueError(f"'{cond.relation}' needs ordered values; {cond.issue!r} is categorical, "
                                "so name its options with in:", path + (cond.relation,))
    check_value(target, getattr(cond, cond.relation), path + (cond.relation,))
