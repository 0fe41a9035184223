"""A procedural model of EU legislation: the Commission proposes, the Council votes by its rule,
the Parliament vetoes under codecision, all against the reference point.

Literature: Steunenberg (1994), "Decision making under different institutional arrangements:
legislation by the European Community", *Journal of Institutional and Theoretical Economics*
150(4); Crombez (1996), "Legislative procedures in the European Community", *British Journal of
Political Science* 26(2); Crombez (1997), "The co-decision procedure in the European Union",
*Legislative Studies Quarterly* 22(1); Tsebelis and Garrett (2000), "Legislative politics in the
European Union", *European Union Politics* 1(1); tested on the DEU data by Steunenberg and Selck
(2006), "Testing procedural models of EU legislative decision-making", ch. 3 of Thomson, Stokman,
Achen and Koenig (eds.), *The European Union Decides*, Cambridge UP; overview in Crombez and
Vangerven (2014), *European Union Politics* 15(2). In the comparisons of that book the
compromise models forecast better than the procedural ones; this one is here as a candidate, not
because it is expected to win.

One dimension per issue, the reference point ``q`` (DEU ``rp``), symmetric distance preferences:
an actor at ``x`` prefers ``p`` to ``q`` exactly when ``|x - p| <= |x - q|``, that is when ``p``
lies between ``q`` and its reflection ``2x - q`` (indifference counts as yes).

* **Council.** A proposal to the right of ``q`` passes when the members that prefer it hold a
  qualified majority. Counting members from the right, the *pivot* of rightward moves is the
  member at which the coalition first qualifies; moves to the right pass up to the pivot's
  reflection of ``q``. Leftward moves likewise with the pivot counted from the left. Under
  unanimity the pivots are the most extreme members on each side. So the Council accepts the
  interval ``[min(q, 2 L - q), max(q, 2 R - q)]`` with ``R`` the rightward and ``L`` the leftward
  pivot (Crombez 1996; Tsebelis and Garrett 2000).
* **Qualified majority** (the issue's covariate ``unanimity`` 0): recognised from the member
  states' capabilities (the Council vote shares of :mod:`multitrack.forecast.council`): the
  fifteen under Amsterdam, 62 of 87 votes; Nice, 232 of 321 votes (25 members), 255 of 345 (27),
  260 of 352 (28), leaving out Nice's majority-of-members and 62 %-of-population clauses (they
  hardly ever bind); from November 2014 (the Lisbon proxy shares) the Lisbon double majority
  itself, 55 % of the members and 65 % of the population (Eurostat 2016, as in ``council.py``),
  with a blocking minority of at least four members (Art. 16(4) TEU; the Nice-rule requests
  possible until March 2017 are not modelled). Capabilities that match none of these (hand-made
  issues) are read as vote shares with a threshold of ``ProceduralConfig.threshold`` (71 %).
* **Members without a position** are indifferent and vote yes (they count towards every
  coalition); a member with capability 0 is not a member. Unanimity is the threshold of all the
  votes: an indifferent member does not block (abstention does not prevent unanimity,
  Art. 238(4) TFEU).
* **Council amendment** (``amendment=True``): the Council can amend the Commission's proposal by
  unanimity, so the proposal must lie in the Council's Pareto set, the span of the members'
  positions (Crombez 1996; Steunenberg 1994); where that leaves nothing the Parliament accepts,
  the constraint is dropped.
* **Parliament.** Under codecision (covariate ``codecision`` 1) the Parliament (actor ``ep``)
  accepts only proposals it prefers to ``q``: ``codecision="veto"`` reads codecision as the
  Commission setting the agenda for two veto players, Council and Parliament;
  ``codecision="conciliation"`` as bargaining between them in which the Commission's proposal no
  longer matters (Crombez 1997; Crombez (2000), "Institutional reform and co-decision in the
  European Union", *Constitutional Political Economy* 11(1); Tsebelis and Garrett 2000): the
  outcome splits the difference between the Parliament's position and the nearest point of the
  Council's qualified-majority core (between ``R`` and ``L``), kept within what both accept
  (split the difference is this code's choice of a bargaining solution). Under consultation the
  Parliament is heard and does not constrain; a Parliament without a position never does.
* **The Commission** (actor ``com``) is the agenda setter; its DEU position (coded from its
  proposal) is read as its ideal point, and the outcome is the point closest to it that the
  Council (and under codecision the Parliament) accepts.

Fallback: where the reference point is unknown (about a quarter of DEU III) or the Commission has
no position, the procedural model has no game to solve, and the forecast is the compromise model's
(capability x salience weighted mean; Achen 2006). :func:`procedural` says which issues fell back
and why. A covariate that is NaN reads as consultation and as qualified majority.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .compromise import weighted_mean
from .council import POPULATION_2016, member_shares
from .readers import IssueSet
from .trainable import FittedForecast, TrainableModel, register

SETTER = "com"
PARLIAMENT = "ep"

#: Qualified-majority thresholds on the share of Council votes, by the membership of the time.
QMV_EU15 = 62 / 87
QMV_NICE = {25: 232 / 321, 27: 255 / 345, 28: 260 / 352}
#: The Lisbon double majority (Art. 16(4) TEU, Art. 238(3) TFEU).
LISBON_MEMBERS = 0.55
LISBON_POPULATION = 0.65
LISBON_BLOCKING = 4
#: Reference dates of the vote-share regimes of ``council.py`` and their thresholds.
_REGIMES = ((dt.date(2000, 1, 1), "eu15"), (dt.date(2005, 1, 1), "nice25"), (dt.date(2010, 1, 1), "nice27"),
            (dt.date(2014, 1, 1), "nice28"), (dt.date(2016, 1, 1), "lisbon"))
_TOL = 1e-9

CODECISION_GAMES = ("veto", "conciliation")


@dataclass(frozen=True)
class ProceduralConfig:
    """The open choices of the procedural model (see the module docstring)."""

    codecision: str = "veto"        # "veto" (Commission sets the agenda) or "conciliation"
    amendment: bool = True          # the Council amends by unanimity: proposals in its Pareto set
    threshold: float = 0.71         # QMV share for capabilities that match no known regime

    def __post_init__(self) -> None:
        if self.codecision not in CODECISION_GAMES:
            raise ValueError(f"codecision must be one of {CODECISION_GAMES}, not {self.codecision!r}")
        if not 0.5 < self.threshold <= 1.0:
            raise ValueError("the qualified-majority threshold must lie in (0.5, 1]")


@dataclass(frozen=True)
class CouncilRule:
    """Per issue: the thresholds a coalition of members must reach on each criterion (shares of
    the total) and the fewest members a blocking minority needs (0: no such clause)."""

    votes: np.ndarray       # share of capabilities
    members: np.ndarray     # share of member states
    population: np.ndarray  # share of population
    blocking: np.ndarray    # int


@dataclass(frozen=True)
class ProceduralResult:
    """The procedural model's forecasts and where they came from."""

    outcome: np.ndarray
    fallback: np.ndarray                 # True where the compromise model gave the forecast
    reasons: tuple[str, ...]             # per issue: "" or why it fell back
    regime: tuple[str, ...]              # per issue: the Council rule used

    def fallback_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.reasons:
            if r:
                out[r] = out.get(r, 0) + 1
        return out


def council_regime(issues: IssueSet) -> tuple[str, ...]:
    """The Council voting regime of each issue, recognised from the members' capabilities:
    ``eu15``, ``nice25``, ``nice27``, ``nice28``, ``lisbon``, or ``shares`` (none of them)."""
    members = [k for k, a in enumerate(issues.actors) if a not in (SETTER, PARLIAMENT)]
    names = [issues.actors[k] for k in members]
    caps = np.nan_to_num(issues.capabilities[:, members])
    out = np.full(len(issues), "shares", dtype=object)
    for date, regime in _REGIMES:
        shares = member_shares(date)
        if not set(shares) <= set(names):
            continue
        ref = np.array([shares.get(a, 0.0) for a in names])
        total = caps.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            match = np.all(np.abs(caps / np.where(total > 0, total, 1.0) - ref) < 1e-9, axis=1)
        out[match & (total[:, 0] > 0)] = regime
    return tuple(out)


def council_rule(issues: IssueSet,
                 config: ProceduralConfig | None = None) -> tuple[CouncilRule, tuple[str, ...]]:
    """The Council's decision rule per issue: unanimity where the covariate says so, otherwise the
    qualified majority of the issue's regime (:func:`council_regime`)."""
    cfg = config or ProceduralConfig()
    regime = council_regime(issues)
    n = len(issues)
    votes = np.full(n, cfg.threshold)
    members = np.zeros(n)
    population = np.zeros(n)
    blocking = np.zeros(n, dtype=int)
    for k, r in enumerate(regime):
        if r == "eu15":
            votes[k] = QMV_EU15
        elif r.startswith("nice"):
            votes[k] = QMV_NICE[int(r[4:])]
        elif r == "lisbon":
            votes[k], members[k], population[k], blocking[k] = 0.0, LISBON_MEMBERS, LISBON_POPULATION, \
                LISBON_BLOCKING
    unanimous = issues.covariate("unanimity") == 1
    votes = np.where(unanimous, 1.0, votes)
    members = np.where(unanimous, 0.0, members)
    population = np.where(unanimous, 0.0, population)
    blocking = np.where(unanimous, 0, blocking)
    labels = tuple("unanimity" if u else r for u, r in zip(unanimous, regime, strict=True))
    return CouncilRule(votes, members, population, blocking), labels


def pivots(x: np.ndarray, weights: np.ndarray, thresholds: np.ndarray,
           blocking: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The Council's pivots per issue: ``(right, left)``.

    ``x`` (issues, members): positions, NaN for an indifferent member (it votes yes);
    ``weights`` (criteria, issues, members): each member's weight on each criterion, 0 for
    non-members; ``thresholds`` (criteria, issues): the share of each criterion's total a
    coalition needs; ``blocking`` (issues,): a proposal also passes when fewer than this many
    members oppose it. ``right`` is the position of the member at which, counting the members
    from the right (the indifferent ones counted from the start), every criterion is first met:
    proposals to the right of the reference point ``q`` pass up to ``2 right - q``. ``left``
    mirrors it. ``+inf`` / ``-inf`` where the indifferent members alone qualify (no limit).
    """
    x = np.asarray(x, dtype=float)
    n, m = x.shape
    w = np.asarray(weights, dtype=float).reshape(-1, n, m)
    total = w.sum(axis=2, keepdims=True)
    w = w / np.where(total > 0, total, 1.0)
    t = np.asarray(thresholds, dtype=float).reshape(-1, n)
    block = np.zeros(n, dtype=int) if blocking is None else np.asarray(blocking, dtype=int)
    member = w.sum(axis=0) > 0
    placed = member & ~np.isnan(x)
    offset = np.where(member & np.isnan(x), w, 0.0).sum(axis=2)        # (criteria, issues)
    n_placed = placed.sum(axis=1)
    free = np.all(offset >= t - _TOL, axis=0) | (n_placed < block) | ~member.any(axis=1)  # nobody can stop
    out = []
    for sign in (-1.0, 1.0):  # -1: count from the right (rightward moves); +1: from the left
        key = np.where(placed, sign * np.nan_to_num(x), np.inf)
        order = np.argsort(key, axis=1, kind="stable")
        xs = np.take_along_axis(np.where(placed, x, np.nan), order, axis=1)
        ws = np.take_along_axis(np.where(placed[None], w, 0.0), np.broadcast_to(order, w.shape), axis=2)
        cum = offset[:, :, None] + np.cumsum(ws, axis=2)
        rank = np.arange(1, m + 1)[None, :]
        ok = np.all(cum >= t[:, :, None] - _TOL, axis=0) | (n_placed[:, None] - rank < block[:, None])
        ok &= rank <= n_placed[:, None]
        k = np.argmax(ok, axis=1)
        pivot = np.where(ok.any(axis=1), xs[np.arange(n), k], np.nan)
        out.append(np.where(free, -sign * np.inf, pivot))
    return out[0], out[1]


def _reflect_interval(x: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What an actor at ``x`` weakly prefers to ``q``: between ``q`` and ``2x - q``."""
    r = 2.0 * x - q
    return np.minimum(q, r), np.maximum(q, r)


def solve(setter: np.ndarray, parliament: np.ndarray, members: np.ndarray, weights: np.ndarray,
          thresholds: np.ndarray, status_quo: np.ndarray, codecision: np.ndarray,
          config: ProceduralConfig | None = None, blocking: np.ndarray | None = None) -> np.ndarray:
    """The procedural outcome per issue (NaN where ``setter`` or ``status_quo`` is NaN).

    ``setter``, ``parliament``, ``status_quo``, ``codecision`` (bool): (issues,); ``members``
    (issues, members) with NaN for indifferent members; ``weights``/``thresholds``/``blocking`` as
    for :func:`pivots`. A NaN ``parliament`` never vetoes.
    """
    cfg = config or ProceduralConfig()
    q = np.asarray(status_quo, dtype=float)
    c = np.asarray(setter, dtype=float)
    e = np.asarray(parliament, dtype=float)
    members = np.asarray(members, dtype=float)
    cod = np.asarray(codecision, dtype=bool) & ~np.isnan(e)
    right, left = pivots(members, weights, thresholds, blocking)
    with np.errstate(invalid="ignore"):
        lo = np.where(np.isneginf(left), -np.inf, np.minimum(q, 2.0 * left - q))
        hi = np.where(np.isposinf(right), np.inf, np.maximum(q, 2.0 * right - q))
        e_lo, e_hi = _reflect_interval(e, q)
        lo = np.where(cod, np.maximum(lo, e_lo), lo)
        hi = np.where(cod, np.minimum(hi, e_hi), hi)
        joint_lo, joint_hi = lo, hi
        if cfg.amendment:
            member = np.asarray(weights, dtype=float).reshape(-1, *members.shape).sum(axis=0) > 0
            placed = member & ~np.isnan(members)
            a_lo = np.maximum(lo, np.min(np.where(placed, members, np.inf), axis=1))
            a_hi = np.minimum(hi, np.max(np.where(placed, members, -np.inf), axis=1))
            fits = a_lo <= a_hi  # False also where no member has a position: no constraint
            lo, hi = np.where(fits, a_lo, lo), np.where(fits, a_hi, hi)
        outcome = np.clip(c, lo, hi)
        if cfg.codecision == "conciliation":
            nearest = np.clip(e, np.minimum(right, left), np.maximum(right, left))
            bargain = np.clip((e + nearest) / 2.0, joint_lo, joint_hi)
            outcome = np.where(cod, bargain, outcome)
    return np.where(np.isnan(c) | np.isnan(q), np.nan, outcome)


def procedural(issues: IssueSet, config: ProceduralConfig | None = None) -> ProceduralResult:
    """The procedural model on every issue, falling back to the compromise model where the
    reference point is unknown or the Commission has no position."""
    cfg = config or ProceduralConfig()
    actors = list(issues.actors)
    n = len(issues)
    member_idx = [k for k, a in enumerate(actors) if a not in (SETTER, PARLIAMENT)]
    c = issues.positions[:, actors.index(SETTER)] if SETTER in actors else np.full(n, np.nan)
    e = issues.positions[:, actors.index(PARLIAMENT)] if PARLIAMENT in actors else np.full(n, np.nan)
    x = issues.positions[:, member_idx]
    caps = np.nan_to_num(issues.capabilities[:, member_idx])
    rule, regime = council_rule(issues, cfg)
    is_member = (caps > 0).astype(float)
    pop = np.array([POPULATION_2016.get(issues.actors[k], 0.0) for k in member_idx])
    weights = np.stack([caps, is_member, is_member * pop[None, :]])
    thresholds = np.stack([rule.votes, rule.members, rule.population])
    q = np.asarray(issues.status_quo, dtype=float)
    cod = issues.covariate("codecision") == 1
    solved = solve(c, e, x, weights, thresholds, q, cod, cfg, rule.blocking)
    base = np.asarray(weighted_mean(issues.positions, issues.saliences, issues.capabilities), dtype=float)
    reasons = tuple("reference point unknown" if np.isnan(q[i]) else
                    "Commission without a position" if np.isnan(c[i]) else "" for i in range(n))
    fallback = np.array([bool(r) for r in reasons], dtype=bool)
    return ProceduralResult(np.where(fallback, base, solved), fallback, reasons, regime)


#: The settings ``fit`` chooses between.
GRID = tuple(ProceduralConfig(codecision=g, amendment=a) for g in CODECISION_GAMES for a in (True, False))


def fit_procedural(train: IssueSet, seed: int = 0) -> FittedForecast:
    """Choose the codecision game and the amendment rule by the lowest training MAE (ties: the
    first in :data:`GRID`). A setting has no parameter learnt from data, so its error on held-out
    proposals is its error on them whatever the training folds; choosing by training MAE is
    therefore choosing by grouped cross-validation on the training issues. ``seed`` is unused."""
    errors = [float(np.nanmean(np.abs(procedural(train, cfg).outcome - train.outcome))) for cfg in GRID]
    best = GRID[int(np.nanargmin(errors))]
    used = procedural(train, best)
    chosen = f"codecision={best.codecision}, amendment={'on' if best.amendment else 'off'}"
    params = {"codecision": best.codecision, "amendment": best.amendment,
              "training_fallbacks": used.fallback_counts(), "training_issues": len(train),
              "training_mae": dict(zip([f"{g.codecision}/{'amend' if g.amendment else 'no-amend'}"
                                        for g in GRID], errors, strict=True))}
    return FittedForecast("procedural", chosen, lambda issues: procedural(issues, best).outcome, params)


PROCEDURAL = register(TrainableModel(
    "procedural",
    "Steunenberg (1994); Crombez (1996, 1997); Tsebelis and Garrett (2000); tested in Steunenberg and "
    "Selck (2006), ch. 3 of Thomson, Stokman, Achen and Koenig (eds.), The European Union Decides, "
    "Cambridge UP",
    fit_procedural,
    choices=("Commission's DEU position read as its ideal point",
             "members without a position vote yes; Nice's member and population clauses left out",
             "codecision as Commission-set veto game or Council-Parliament conciliation (chosen by training "
             "error)", "Council amendment by unanimity on or off (chosen by training error)",
             "compromise model where the reference point or the Commission's position is unknown"),
    summary="Commission as agenda setter, Council pivots by QMV/unanimity, Parliament veto under codecision",
))

__all__ = ["CODECISION_GAMES", "GRID", "PROCEDURAL", "CouncilRule", "ProceduralConfig", "ProceduralResult",
           "council_regime", "council_rule", "fit_procedural", "pivots", "procedural", "solve"]
