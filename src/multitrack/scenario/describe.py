"""Short plain-text descriptions of scenario parts, shared by every renderer."""

from __future__ import annotations

from .estimates import Choice, EstimateModel, Fixed, Normal, Pert, Triangular, Uniform
from .issues import IssueModel, NumericIssue, OptionIssue
from .positions import Position, RedLineModel
from .tracks import Qualified, Track, Weighted


def estimate_text(est: EstimateModel | str) -> str:
    """``0.7``, ``0.7 (pert 0.5-0.9)``, ``12 (normal sd 3)`` ...; an estimate that loads on a common
    factor names it with its loading: ``15 (triangular 10-20; factor russia-hardline +0.5)``."""
    text = _distribution_text(est)
    factor = getattr(est, "factor", None)
    if factor is not None and text.endswith(")"):
        text = f"{text[:-1]}; factor {factor.id} {factor.loading:+g})"
    return text


def _distribution_text(est: EstimateModel | str) -> str:
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
        sep = " < " if getattr(issue, "kind", None) == "ordinal" else " | "
        return sep.join(issue.options)
    assert isinstance(issue, NumericIssue)
    unit = f" {issue.unit}" if issue.unit else ""
    return f"{issue.low:g}-{issue.high:g}{unit}"


def red_line_text(line: RedLineModel) -> str:
    t = estimate_text(line.threshold)
    text = {"equals": f"never {t}", "below": f"never below {t}", "above": f"never above {t}"}[line.relation]
    return text if line.when is None else f"{text} {line.when.text}"


def position_text(issue: IssueModel, pos: Position) -> str:
    """One line: the shape of the actor's preference, its red lines, and its salience."""
    if pos.shape == "values":
        assert pos.values is not None
        shape = _table_text(pos.values)
    elif pos.shape == "ideal":
        assert pos.ideal is not None
        shape = f"ideal {estimate_text(pos.ideal)}"
        if pos.loss.value == "quadratic":
            shape += " (quadratic loss)"
    elif pos.shape == "monotone":
        assert pos.monotone is not None
        shape = "more is better" if pos.monotone.value == "increasing" else "less is better"
    else:
        assert pos.points is not None
        shape = _curve_text(pos.points)
    parts = [shape] + [red_line_text(r) for r in pos.red_lines]
    return "; ".join(parts) + f" · salience {estimate_text(pos.salience)}"


def _tied_best(values: list[float]) -> list[int]:
    """Indices of the largest values, ties within rounding included."""
    top = max(values)
    tol = 1e-9 * max(1.0, max(abs(v) for v in values))
    return [k for k, v in enumerate(values) if v >= top - tol]


def _table_text(table: dict) -> str:
    """``prefers b``; ``prefers a or b (tied)``; ``indifferent: values every option alike`` (an
    actor whose values tie across all options prefers none of them)."""
    options = list(table)
    best = _tied_best([table[o].nominal for o in options])
    if len(best) == len(options):
        return "indifferent: values every option alike"
    if len(best) > 1:
        return f"prefers {' or '.join(options[k] for k in best)} (tied)"
    return f"prefers {options[best[0]]}"


def _curve_text(points: list) -> str:
    """``peaks at 20 (curve)``, ``best from 10 to 20 (curve)`` on a flat top, ``indifferent: a flat
    curve`` when every point is worth the same."""
    xs = [x for x, _ in points]
    best = _tied_best([y.nominal for _, y in points])
    if len(best) == len(points):
        return "indifferent: a flat curve"
    if len(best) == 1:
        return f"peaks at {xs[best[0]]:g} (curve)"
    if best == list(range(best[0], best[-1] + 1)):  # neighbouring points: a plateau
        return f"best from {xs[best[0]]:g} to {xs[best[-1]]:g} (curve)"
    return f"peaks at {' and '.join(f'{xs[k]:g}' for k in best)} (curve)"


def rule_text(track: Track, names: dict[str, str] | None = None) -> str:
    """The track's decision rule in words: who must accept for an outcome to pass."""
    names = names or {}
    rule = track.decision_rule
    vetoes = [names.get(a, a) for a in track.vetoes]
    if isinstance(rule, Qualified):
        return (f"qualified majority: at least {rule.min_participants} of the {len(track.participants)} "
                f"participants accept{', every veto player among them' if vetoes else ''}")
    if isinstance(rule, Weighted):
        weights = ", ".join(f"{names.get(a, a)} {w:g}" for a, w in rule.weights.items())
        return (f"weighted vote: the accepting participants' weights reach {rule.threshold:g} of "
                f"{sum(rule.weights.values()):g} ({weights})"
                f"{', every veto player among them' if vetoes else ''}")
    if len(vetoes) == len(track.participants):
        return "unanimity: every participant accepts"
    if not vetoes:
        return "unanimity of the veto players, and the track has none: every outcome passes the rule"
    return "unanimity of the veto players: every veto player accepts; the others' consent is not needed"


def veto_text(track: Track, names: dict[str, str] | None = None) -> str:
    """Who holds a veto on the track, or that nobody does."""
    names = names or {}
    if not track.vetoes:
        return ("none: the vote alone decides" if isinstance(track.decision_rule, (Qualified, Weighted))
                else "none")
    return ", ".join(names.get(a, a) for a in track.vetoes)


def reservation_text(track: Track, names: dict[str, str] | None = None) -> str:
    """What no deal is worth to each participant (in its own points): the values the file gives,
    those that follow its no-deal values, and what the others fall back on."""
    names = names or {}
    given = [f"{names.get(a, a)} {estimate_text(e)}" for a, e in track.reservation_values.items()]
    no_deal = [names.get(a, a) for a in track.participants
               if a in track.no_deal and a not in track.reservation_values]
    if no_deal:
        given.append(f"{', '.join(no_deal)}: {'its' if len(no_deal) == 1 else 'their'} no-deal value")
    rest = [names.get(a, a) for a in track.participants
            if a not in track.reservation_values and a not in track.no_deal]
    fallback = "utility of the status quo" if getattr(track, "has_status_quo", True) else \
        "worst outcome on the track (the track has no status quo)"
    if not rest:
        return "; ".join(given)
    if not given:
        return f"each participant's {fallback}"
    return "; ".join(given) + f"; {', '.join(rest)}: {'its' if len(rest) == 1 else 'their'} {fallback}"


def no_deal_text(track: Track, names: dict[str, str] | None = None) -> str:
    """What the track's failure is worth to each participant that states it (0-1 over the track),
    with its cost per month over the months of talks; "" when the track states none."""
    names = names or {}
    months = "" if track.talks_months is None else \
        f" over {estimate_text(track.talks_months)} months of talks"
    parts = []
    for a, nd in track.no_deal.items():
        cost = "" if nd.cost_per_month is None else f" less {estimate_text(nd.cost_per_month)} a month"
        judged = " (estimated)" if nd.estimated else ""
        parts.append(f"{names.get(a, a)} {estimate_text(nd.value)}{cost}{judged}")
    return "; ".join(parts) + months if parts else ""


def track_lines(track: Track, names: dict[str, str] | None = None) -> list[str]:
    """The decision rule, the veto players, the no-deal values and the reservation values of a
    track, one line each."""
    worth = "reservation values (what no deal is worth, in each participant's own points)"
    out = [f"decision rule: {rule_text(track, names)}", f"veto players: {veto_text(track, names)}"]
    failure = no_deal_text(track, names)
    if failure:
        costly = " (the sources call its failure costly)" if track.costly_failure else ""
        out.append(f"no deal{costly}, what failure is worth on each party's 0-1 scale of the track: "
                   f"{failure}")
    elif track.costly_failure:
        out.append("no deal: the sources call this track's failure costly, but it states no no-deal value")
    return out + [f"{worth}: {reservation_text(track, names)}"]


def status_quo_text(issue: IssueModel) -> str:
    """The status quo as written; empty on an issue of a track without a status quo."""
    sq = issue.status_quo
    return "" if sq is None else estimate_text(sq)
