"""Guarantees whose terms come from a track's outcome (issue 16): the tripwire the guarantees track
agrees, whether alliance members' troops are present, and what that does to the defence clause.

A crisis with ``track:`` names the track; a guarantee's ``from_track`` says which of its terms
follow that track's outcome and through which unit mapping (docs/deterrence.md). Draw by draw
and design by design the terms are the mapping of the outcome the design agrees in that draw;
where the track does not agree the no-deal terms hold (the mapping of the issues' status quo,
unless ``no_deal`` states them). Everything is computed on whole arrays of draws (and of
candidate outcomes), never draw by draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..scenario.model import Scenario
from ..scenario.security import Crisis, Presence, TermFromTrack
from ..scenario.tracks import Track
from ..settlement.draws import DrawValues
from ..settlement.preferences import issue_axis, on_axis

#: Candidate outcomes of the linked issues the frontier walks at most (refused above, with its size).
MAX_CANDIDATES = 20_000


@dataclass(frozen=True)
class CrisisLink:
    """A crisis tied to a track: the issues its guarantees read and how each term follows them."""

    scenario: Scenario
    crisis: Crisis
    track: Track
    issues: tuple  # the linked issues (scenario issue objects), in track order
    axes: dict[str, np.ndarray]  # linked issue id -> its values on its axis (option rank or number)

    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    def keys(self) -> tuple[str, ...]:
        """'<guarantee>.<term>' for every term the track sets."""
        return tuple(f"{g.id}.{t}" for g in self.crisis.guarantees if g.from_track is not None
                     for t in g.from_track.terms)

    def terms_at(self, values: DrawValues, outcome: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The linked terms where the track's outcome is ``outcome`` (linked issue id -> values on its
        axis, any shape that broadcasts with the draws, draws last)."""
        out: dict[str, np.ndarray] = {}
        issues = {i.id: i for i in self.issues}
        for g in self.crisis.guarantees:
            link = g.from_track
            if link is None:
                continue
            present = None if link.presence is None else \
                presence_mask(link.presence, issues[link.presence.issue], outcome[link.presence.issue])
            for name, term in link.terms.items():
                issue = issues.get(term.issue) if term.issue is not None else None
                x = None if term.issue is None else outcome[term.issue]
                out[f"{g.id}.{name}"] = term_value(term, issue, x, present, values)
        return out

    def status_quo(self, values: DrawValues) -> dict[str, np.ndarray]:
        """Each linked issue's status quo on its axis, by draw (an uncertain status quo varies)."""
        return {i.id: on_axis(i, i.status_quo, values) for i in self.issues if i.has_status_quo}

    def no_deal_terms(self, values: DrawValues) -> dict[str, np.ndarray]:
        """The linked terms where the track does not agree: ``no_deal`` where stated, else the
        mappings at the status quo."""
        sq = self.status_quo(values)
        at_sq = self.terms_at(values, sq) if len(sq) == len(self.issues) else {}
        out = {}
        for g in self.crisis.guarantees:
            if g.from_track is None:
                continue
            for name in g.from_track.terms:
                key = f"{g.id}.{name}"
                est = g.from_track.no_deal.get(name)
                out[key] = values(est) if est is not None else at_sq[key]
        return out

    def linked_terms(self, values: DrawValues, outcome: Mapping[str, np.ndarray],
                     agreed: np.ndarray) -> dict[str, np.ndarray]:
        """The terms by draw: those of the agreed outcome where ``agreed``, the no-deal terms elsewhere."""
        sq = self.status_quo(values)
        filled = {iid: np.where(agreed, np.nan_to_num(outcome[iid], nan=0.0), sq.get(iid, 0.0))
                  for iid in self.issue_ids}
        deal, none = self.terms_at(values, filled), self.no_deal_terms(values)
        return {k: np.where(agreed, deal[k], none[k]) for k in deal}


def crisis_link(scenario: Scenario, crisis: Crisis) -> CrisisLink | None:
    """The crisis's link to its track (None: no guarantee takes terms from a track)."""
    if crisis.track is None or not any(g.from_track is not None for g in crisis.guarantees):
        return None
    track = next(t for t in scenario.tracks if t.id == crisis.track)
    wanted = set()
    for g in crisis.guarantees:
        if g.from_track is not None:
            wanted |= {t.issue for t in g.from_track.terms.values() if t.issue is not None}
            if g.from_track.presence is not None:
                wanted.add(g.from_track.presence.issue)
    issues = tuple(i for i in track.issues if i.id in wanted)
    axes = {i.id: issue_axis(i, scenario.settings) for i in issues}
    return CrisisLink(scenario, crisis, track, issues, axes)


def presence_mask(presence: Presence, issue, x: np.ndarray) -> np.ndarray:
    """Whether the troops count as present at the issue's value ``x`` (on its axis)."""
    x = np.asarray(x, dtype=float)
    if presence.above is not None:
        return x > presence.above
    options = getattr(issue, "options", None)
    marks = [float(options.index(v)) if options is not None else float(v) for v in presence.values or ()]
    return np.any(np.isclose(x[..., None], np.asarray(marks)), axis=-1)


def term_value(term: TermFromTrack, issue, x: np.ndarray | None, present: np.ndarray | None,
               values: DrawValues) -> np.ndarray:
    """One term at the issue's value ``x`` (or by ``present``), by draw."""
    if term.map is not None:
        assert x is not None
        x = np.asarray(x, dtype=float)
        out = np.zeros(np.broadcast_shapes(x.shape, (values.size,)))
        for k, option in enumerate(issue.options):
            out = np.where(x == k, values(term.map[option]), out)
        return out
    if term.linear is not None:
        assert x is not None
        (x0, x1), (to0, to1) = term.linear.from_, term.linear.to
        # the share of the way from the first anchor to the second, held at 0 and 1 beyond them;
        # the term's values at the anchors are estimates, (D,) by draw, so the slope may vary by draw
        t = np.clip((np.asarray(x, dtype=float) - x0) / (x1 - x0), 0.0, 1.0)
        y0, y1 = values(to0), values(to1)
        got = y0 + t * (y1 - y0)
        return np.broadcast_to(got, np.broadcast_shapes(got.shape, (values.size,))).copy()
    assert present is not None and term.when_present is not None and term.otherwise is not None
    return np.where(present, values(term.when_present), values(term.otherwise))


# --------------------------------------------------------------------------- outcomes by draw


@dataclass(frozen=True)
class TrackOutcomes:
    """What one design agrees on the linked track, by draw: whether it agrees and, where it does,
    each linked issue's value on its axis (NaN where it does not)."""

    design: str
    agreed: np.ndarray              # (D,) bool
    outcome: dict[str, np.ndarray]  # linked issue id -> (D,) float

    def rows(self, start: int, stop: int) -> TrackOutcomes:
        return TrackOutcomes(self.design, self.agreed[start:stop],
                             {k: v[start:stop] for k, v in self.outcome.items()})


def designs_in(per_draw, track_id: str) -> tuple[str, ...]:
    """The designs whose per-draw choices on ``track_id`` the process result holds."""
    names = per_draw.names()
    return tuple(n.split(".", 1)[0] for n in names
                 if n.endswith(f".choice.{track_id}") and n.count(".") >= 2
                 and n[:-len(f".choice.{track_id}")].count(".") == 0)


def outcomes_from_process(link: CrisisLink, per_draw, tracks: tuple[str, ...], design: str) -> TrackOutcomes:
    """A design's outcome of the linked track in every draw, from the process analysis's per-draw
    arrays ("<design>.agreed", "<design>.choice.<track>", "<design>.value.<track>.<issue>")."""
    track = link.track
    agreed = np.asarray(per_draw[f"{design}.agreed"])[:, tracks.index(track.id)].astype(bool)
    choice = np.asarray(per_draw[f"{design}.choice.{track.id}"])
    order = [i.id for i in track.issues]
    outcome = {}
    for issue in link.issues:
        key = f"{design}.value.{track.id}.{issue.id}"
        if getattr(issue, "options", None) is None and key in per_draw:
            x = np.asarray(per_draw[key], dtype=float)
        else:
            c = choice[:, order.index(issue.id)]
            axis = link.axes[issue.id]
            x = np.where(c >= 0, axis[np.clip(c, 0, len(axis) - 1)], np.nan)
        outcome[issue.id] = x
        agreed = agreed & np.isfinite(x)
    return TrackOutcomes(design, agreed, outcome)


def central_compromise(scenario: Scenario, track: Track) -> tuple[bool, np.ndarray]:
    """Whether the track agrees at the central estimates, and the value index per issue of its
    compromise (the process analysis's egalitarian compromise, Kalai 1977; -1 where none)."""
    from ..process.kernel import solve_batch
    from ..settlement.preferences import track_preferences

    got = solve_batch(track_preferences(scenario, track))
    return bool(got.agreed[0]), np.asarray(got.choice[0])


def outcomes_from_compromise(link: CrisisLink, agreed: bool, choice: np.ndarray, draws: int) -> TrackOutcomes:
    """The central compromise in every draw (used when the process analysis did not run)."""
    order = [i.id for i in link.track.issues]
    outcome = {i.id: np.full(draws, link.axes[i.id][choice[order.index(i.id)]] if agreed else np.nan)
               for i in link.issues}
    return TrackOutcomes("central compromise", np.full(draws, agreed), outcome)


# --------------------------------------------------------------------------- candidates for the frontier


@dataclass(frozen=True)
class Candidates:
    """Outcomes of the track to test: every combination of the linked issues' values, the other
    issues at ``rest`` (the central compromise, else the status quo)."""

    index: np.ndarray                 # (m, I) value index per issue of the track
    outcome: dict[str, np.ndarray]    # linked issue id -> (m,) values on its axis
    labels: tuple[dict, ...]          # per candidate, linked issue -> value as written
    rest: dict                        # the other issues' values, as written
    rest_from: str                    # "central compromise", "status quo" or "first value"


def candidates(scenario: Scenario, link: CrisisLink, compromise: np.ndarray | None) -> Candidates:
    """Every combination of the linked issues' values (refused above MAX_CANDIDATES)."""
    from ..settlement.preferences import issue_values

    track = link.track
    order = [i.id for i in track.issues]
    sizes = [len(link.axes[i.id]) for i in link.issues]
    m = int(np.prod(sizes))
    if m > MAX_CANDIDATES:
        raise ValueError(f"the linked issues of crisis {link.crisis.id!r} have {m:,} combinations; the "
                         f"frontier walks at most {MAX_CANDIDATES:,}")
    grid = np.stack(np.meshgrid(*[np.arange(n) for n in sizes], indexing="ij"), -1).reshape(-1, len(sizes))
    base, rest_from = _rest(scenario, track, compromise)
    index = np.tile(base, (m, 1))
    for k, issue in enumerate(link.issues):
        index[:, order.index(issue.id)] = grid[:, k]
    written = {i.id: issue_values(i, scenario.settings) for i in track.issues}
    labels = tuple({i.id: _plain(written[i.id][row[k]]) for k, i in enumerate(link.issues)} for row in grid)
    rest = {iid: _plain(written[iid][base[j]]) for j, iid in enumerate(order) if iid not in link.issue_ids}
    outcome = {i.id: link.axes[i.id][grid[:, k]] for k, i in enumerate(link.issues)}
    return Candidates(index, outcome, labels, rest, rest_from)


def _rest(scenario: Scenario, track: Track, compromise: np.ndarray | None) -> tuple[np.ndarray, str]:
    if compromise is not None and np.all(compromise >= 0):
        return np.asarray(compromise, dtype=np.int64), "central compromise"
    if track.has_status_quo:
        central = DrawValues.central(scenario)
        base = [int(np.argmin(np.abs(issue_axis(i, scenario.settings)
                                     - on_axis(i, i.status_quo, central)[0])))
                for i in track.issues]
        return np.asarray(base, dtype=np.int64), "status quo"
    return np.zeros(len(track.issues), dtype=np.int64), "first value"


def _plain(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def pareto(points: np.ndarray) -> np.ndarray:
    """Indices of the points (m, 2) that no other point matches on both and beats on one,
    best first by the sum (ties by the first column)."""
    p = np.asarray(points, dtype=float)
    ge = np.all(p[:, None, :] >= p[None, :, :], axis=2)
    gt = np.any(p[:, None, :] > p[None, :, :], axis=2)
    dominated = np.any(ge & gt, axis=0)
    keep = np.flatnonzero(~dominated)
    # one point per distinct pair of values, the first candidate holding it
    _, first = np.unique(p[keep], axis=0, return_index=True)
    keep = keep[np.sort(first)]
    return keep[np.lexsort((-p[keep, 0], -p[keep].sum(axis=1)))]


__all__ = ["MAX_CANDIDATES", "Candidates", "CrisisLink", "TrackOutcomes", "candidates", "central_compromise",
           "crisis_link", "designs_in", "outcomes_from_compromise", "outcomes_from_process", "pareto",
           "presence_mask", "term_value"]
