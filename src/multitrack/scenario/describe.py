"""Short plain-text descriptions of scenario parts, shared by every renderer."""

from __future__ import annotations

from .estimates import Choice, EstimateModel, Fixed, Normal, Pert, Triangular, Uniform
from .issues import IssueModel, NumericIssue, OptionIssue
from .positions import Position, RedLineModel


def estimate_text(est: EstimateModel | str) -> str:
    """``0.7``, ``0.7 (pert 0.5-0.9)``, ``12 (normal sd 3)`` ..."""
    if isinstance(est, str):
        return est
    if isinstance(est, Fixed):
        return f"{est.value:g}"
    if isinstance(est, Normal):
        return f"{est.mean:g} (normal, sd {est.sd:g})"
    if isinstance(est, Uniform):
        return f"{est.nominal:g} (uniform {est.low:g}-{est.high:g})"
    if isinstance(est, (Triangular, Pert)):
        return f"{est.mode:g} ({est.dist} {est.low:g}-{est.high:g})"
    if isinstance(est, Choice):
        return f"{est.nominal:g} (one of {', '.join(f'{v:g}' for v in est.values)})"
    return str(est)


def domain_text(issue: IssueModel) -> str:
    """``a | b | c``, ``a < b < c`` or ``0-30 years``."""
    if isinstance(issue, OptionIssue):
        sep = " < " if issue.kind == "ordinal" else " | "
        return sep.join(issue.options)
    assert isinstance(issue, NumericIssue)
    unit = f" {issue.unit}" if issue.unit else ""
    return f"{issue.low:g}-{issue.high:g}{unit}"


def red_line_text(line: RedLineModel) -> str:
    t = estimate_text(line.threshold)  # type: ignore[arg-type]
    return {"equals": f"never {t}", "below": f"never below {t}", "above": f"never above {t}"}[line.relation]


def position_text(issue: IssueModel, pos: Position) -> str:
    """One line: the shape of the actor's preference, its red lines, and its salience."""
    if pos.shape == "values":
        assert pos.values is not None
        best = max(pos.values, key=lambda o: pos.values[o].nominal)  # type: ignore[index]
        shape = f"prefers {best}"
    elif pos.shape == "ideal":
        shape = f"ideal {estimate_text(pos.ideal)}"  # type: ignore[arg-type]
        if pos.loss.value == "quadratic":
            shape += " (quadratic loss)"
    elif pos.shape == "monotone":
        shape = "more is better" if pos.monotone.value == "increasing" else "less is better"  # type: ignore[union-attr]
    else:
        assert pos.points is not None
        best_x = max(pos.points, key=lambda p: p[1].nominal)[0]
        shape = f"peaks at {best_x:g} (curve)"
    parts = [shape] + [red_line_text(r) for r in pos.red_lines]
    return "; ".join(parts) + f" · salience {estimate_text(pos.salience)}"


def status_quo_text(issue: IssueModel) -> str:
    sq = issue.status_quo  # type: ignore[attr-defined]
    return estimate_text(sq)
