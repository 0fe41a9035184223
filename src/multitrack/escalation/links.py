"""Which confidence-building measures are in force in each draw, and at what strength.

A measure tied to a track is in force only in the draws (and process designs) in which that
track agrees, and its stated effect is scaled by the agreed value of its issue through the
measure's declared response (docs/escalation.md, "Measures the tracks agree on"). The agreed
terms come from the process analysis draw by draw (``<design>.agreed``,
``<design>.value.<track>.<issue>`` and ``<design>.choice.<track>``); where the process did not
run, the track's compromise at the central values decides, the same in every draw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..scenario.estimates import EstimateModel
from ..scenario.model import Scenario
from ..scenario.security import Escalation, Measure, response_estimates, response_issue

#: The draws of an estimate, by draw: the run's draws (a DrawValues) or a look-up of them.
ShareDraws = Callable[[EstimateModel], np.ndarray]

#: The design whose agreements the measures follow by default (the tracks talk side by side).
MAIN_DESIGN = "parallel"
#: The basis when the process analysis did not run: one compromise at the central values.
CENTRAL = "central"


@dataclass(frozen=True)
class DesignTerms:
    """What a design's agreements put in force, by draw: for each measure of the escalation
    section (in file order) whether its track agreed, the agreed value of its issue (a number on
    the issue's own axis, or an option's index; NaN where there is none) and its strength in
    [0, 1] (0 where not in force)."""

    design: str
    agreed: np.ndarray     # (M, D) bool; True in every draw for a measure tied to no track
    value: np.ndarray      # (M, D) float
    strength: np.ndarray   # (M, D) float


@dataclass(frozen=True)
class AgreedMeasures:
    """The agreed terms under every design read (the main one first) and the notes on where they
    come from."""

    linked: tuple[bool, ...]            # per measure: tied to a track
    designs: tuple[DesignTerms, ...]
    basis: str                          # "process" or CENTRAL
    notes: tuple[str, ...] = ()

    @property
    def any_linked(self) -> bool:
        return any(self.linked)

    def strengths(self) -> np.ndarray:
        """(G, M, D): the strength of every measure under every design."""
        return np.stack([d.strength for d in self.designs])


def response_share(scenario: Scenario, measure: Measure, value: np.ndarray, agreed: np.ndarray,
                   values: ShareDraws | None = None) -> np.ndarray:
    """The share of the stated effect in force, by draw: 0 where the track did not agree; else the
    response at the agreed ``value`` (linear between anchors and clamped beyond them; an option's
    share by its index), or 1 where the measure declares no response. The shares are estimates:
    with ``values`` (the run's draws) an uncertain share takes its value in each draw, without
    them its central value."""
    agreed = np.asarray(agreed, dtype=bool)
    response = measure.response
    if response is None:
        return agreed.astype(float)
    issue = response_issue(scenario, measure)
    safe = np.where(agreed & ~np.isnan(value), value, 0.0)
    draws = safe.shape[-1]

    def drawn(est) -> np.ndarray:  # (D,) the share by draw
        got = values(est) if values is not None else np.full(draws, float(est.nominal))
        return np.broadcast_to(np.asarray(got, dtype=float), (draws,))

    if response.anchors is not None:
        xs = np.asarray([x for x, _ in response.anchors], dtype=float)
        ss = np.stack([drawn(s) for _, s in response.anchors])              # (A, D)
        # linear between anchors, clamped beyond the first and the last, each draw its own shares
        k = np.clip(np.searchsorted(xs, safe, side="right") - 1, 0, len(xs) - 2)
        t = np.clip((safe - xs[k]) / (xs[k + 1] - xs[k]), 0.0, 1.0)
        cols = np.arange(draws)
        share = ss[k, cols] + t * (ss[k + 1, cols] - ss[k, cols])
    else:
        assert response.values is not None and issue is not None
        table = np.stack([drawn(response.values[o]) for o in issue.options])  # (O, D)
        share = table[np.clip(safe.astype(np.int64), 0, len(table) - 1), np.arange(draws)]
    return np.where(agreed & ~np.isnan(value), share, 0.0)


def value_words(scenario: Scenario, measure: Measure, value: float) -> str:
    """An agreed value in the issue's own words: '42 days', '100 km', 'baltic-agreement'."""
    issue = response_issue(scenario, measure)
    if issue is None or value != value:
        return ""
    options = getattr(issue, "options", None)
    if options is not None:
        return str(options[int(value)])
    unit = f" {issue.unit}" if getattr(issue, "unit", None) else ""
    return f"{value:.0f}{unit}" if abs(value - round(value)) < 1e-9 else f"{value:.3g}{unit}"


def from_process(scenario: Scenario, spec: Escalation, per_draw, tracks: Sequence[str], draws: int,
                 designs: Sequence[str], values: ShareDraws | None = None) -> AgreedMeasures | None:
    """The agreed terms of every design in ``designs`` that the process result holds (None when it
    lacks the main design's arrays: then the central compromise decides)."""
    notes = []
    read = []
    for design in designs:
        terms, missing = _design_terms(scenario, spec, per_draw, tracks, draws, design, values)
        if terms is None:
            if design == MAIN_DESIGN:
                return None
            notes.append(f"Measures under the {design} design are not shown: the process result holds no "
                         f"per-draw {missing!r}.")
            continue
        read.append(terms)
    for m in spec.measures:
        if m.track is not None and m.track not in tracks:
            notes.append(f"Measure {m.id!r}: track {m.track!r} is not negotiated in this run (deferred), so "
                         "the measure is never in force.")
    linked = tuple(m.track is not None for m in spec.measures)
    return AgreedMeasures(linked, tuple(read), "process", tuple(notes))


def _design_terms(scenario: Scenario, spec: Escalation, per_draw, tracks: Sequence[str], draws: int,
                  design: str, values: ShareDraws | None = None) -> tuple[DesignTerms | None, str]:
    key = f"{design}.agreed"
    if key not in per_draw:
        return None, key
    agreed_all = np.asarray(per_draw[key], dtype=bool)
    n_m = len(spec.measures)
    agreed, value = np.ones((n_m, draws), dtype=bool), np.full((n_m, draws), np.nan)
    for k, m in enumerate(spec.measures):
        if m.track is None:
            continue
        if m.track not in tracks:
            agreed[k] = False
            continue
        agreed[k] = agreed_all[:, tracks.index(m.track)]
        issue = response_issue(scenario, m)
        if issue is None:
            continue
        got, missing = _agreed_value(scenario, per_draw, design, m.track, issue.id)
        if got is None:
            return None, missing
        value[k] = np.where(agreed[k], got, np.nan)
    return DesignTerms(design, agreed, value, _strengths(scenario, spec, value, agreed, values)), ""


def _strengths(scenario: Scenario, spec: Escalation, value: np.ndarray, agreed: np.ndarray,
               values: ShareDraws | None = None) -> np.ndarray:
    """(M, D) every measure's strength by draw."""
    rows = [response_share(scenario, m, value[k], agreed[k], values) for k, m in enumerate(spec.measures)]
    return np.stack(rows) if rows else np.zeros((0, value.shape[1]))


def _agreed_value(scenario: Scenario, per_draw, design: str, track: str, issue_id: str
                  ) -> tuple[np.ndarray | None, str]:
    """(D,) the agreed value of an issue: a number on a number issue, an option's index on an
    option issue (NaN where the track did not agree)."""
    t = next(t for t in scenario.tracks if t.id == track)
    i = next(k for k, x in enumerate(t.issues) if x.id == issue_id)
    if hasattr(t.issues[i], "options"):
        key = f"{design}.choice.{track}"
        if key not in per_draw:
            return None, key
        idx = np.asarray(per_draw[key])[:, i].astype(float)
        return np.where(idx >= 0, idx, np.nan), ""
    key = f"{design}.value.{track}.{issue_id}"
    if key not in per_draw:
        return None, key
    return np.asarray(per_draw[key], dtype=float), ""


def from_central(scenario: Scenario, spec: Escalation, settlement, draws: int, why: str,
                 values: ShareDraws | None = None) -> AgreedMeasures:
    """The agreed terms when the process did not run: each linked measure's track agrees, or not,
    as its egalitarian compromise at the central values does (the process's own compromise, for one
    draw at the nominal values), the same in every draw."""
    from ..process.kernel import solve_batch  # the process's compromise, solved once at the central values

    n_m = len(spec.measures)
    agreed, value = np.ones((n_m, draws), dtype=bool), np.full((n_m, draws), np.nan)
    solved: dict[str, tuple[bool, np.ndarray, tuple]] = {}
    words = []
    for k, m in enumerate(spec.measures):
        if m.track is None:
            continue
        track = next(t for t in scenario.tracks if t.id == m.track)
        if m.track not in solved:
            if track not in scenario.active_tracks:
                solved[m.track] = (False, np.zeros(0, dtype=np.int64), ())
            else:
                prefs = settlement.preferences(m.track)
                result = solve_batch(prefs)
                solved[m.track] = (bool(result.agreed[0]), result.choice[0], prefs.labels)
        ok, choice, labels = solved[m.track]
        agreed[k] = ok
        issue = response_issue(scenario, m)
        if ok and issue is not None:
            i = next(j for j, x in enumerate(track.issues) if x.id == issue.id)
            label = labels[i][int(choice[i])]
            number = float(issue.options.index(label)) if hasattr(issue, "options") else float(label)
            value[k] = number
        words.append(f"{m.id}: " + (f"agreed, {value_words(scenario, m, value[k, 0])}".rstrip(", ")
                                    if ok else "no agreement"))
    strength = _strengths(scenario, spec, value, agreed, values)
    linked = tuple(m.track is not None for m in spec.measures)
    note = (f"{why} Each measure tied to a track is in force, or not, as its track's compromise at the "
            f"central values decides, the same in every draw ({'; '.join(dict.fromkeys(words))}).")
    return AgreedMeasures(linked, (DesignTerms(CENTRAL, agreed, value, strength),), CENTRAL,
                          (note,) if any(linked) else ())


def share_draws(spec: Escalation, settlement) -> Callable[[EstimateModel], np.ndarray] | None:
    """The run's draws of the responses' uncertain shares, read chunk by chunk and only for those
    estimates (None when every share is a plain number: then the central values serve)."""
    shares = [est for m in spec.measures if m.response is not None for est in response_estimates(m.response)
              if est.is_uncertain]
    run = getattr(settlement, "run", None)
    if not shares or run is None:
        return None
    parts: dict[int, list[np.ndarray]] = {id(est): [] for est in shares}
    for task in run.tasks():
        chunk = run.chunk(task)
        for est in shares:
            parts[id(est)].append(np.asarray(chunk(est), dtype=float))
    drawn = {k: np.concatenate(v) for k, v in parts.items()}

    def lookup(est: EstimateModel) -> np.ndarray:
        got = drawn.get(id(est))
        return got if got is not None else np.full(run.draws, float(est.nominal))
    return lookup


def agreed_measures(scenario: Scenario, spec: Escalation, settlement, draws: int,
                    upstream: Mapping | None, designs: Sequence[str]) -> AgreedMeasures:
    """The agreed terms from the process result where it ran, else from the central compromise."""
    linked = tuple(m.track is not None for m in spec.measures)
    if not any(linked):
        ones = np.ones((len(spec.measures), draws))
        return AgreedMeasures(linked, (DesignTerms(MAIN_DESIGN, ones.astype(bool), np.full_like(ones, np.nan),
                                                   ones),), "none")
    values = share_draws(spec, settlement)
    process = (upstream or {}).get("process")
    per_draw = getattr(process, "per_draw", None)
    if process is not None and per_draw is not None and per_draw.draws == draws:
        got = from_process(scenario, spec, per_draw, tuple(process.tracks), draws,
                           [MAIN_DESIGN] + [d for d in designs if d != MAIN_DESIGN], values)
        if got is not None:
            return got
        why = (f"The process result holds no per-draw agreed values of the measures' issues "
               f"('{MAIN_DESIGN}.value.<track>.<issue>').")
    elif per_draw is not None:
        why = f"The process ran on {per_draw.draws} draws, not this run's {draws}."
    else:
        why = "The process analysis did not run."
    return from_central(scenario, spec, settlement, draws, why, values)


__all__ = ["CENTRAL", "MAIN_DESIGN", "AgreedMeasures", "DesignTerms", "agreed_measures", "from_central",
           "from_process", "response_share", "value_words"]
