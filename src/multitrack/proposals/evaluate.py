"""Evaluate proposals with the settlement's one preference model over the run's draws.

Per touched track the proposal fixes some issues. Issues it leaves open take the completion
that the track's rule carries in the most draws (ties: the highest mean acceptance over the
parties, then the first in value order): the best outcome for the proposal's parties among those
matching what it fixes, one outcome for every draw. Each party accepts in a draw when
:meth:`~multitrack.settlement.preferences.Preferences.accepts` says so (no red line broken, at
least its reservation value); when it does not, the reasons are counted over the draws: each
red line it breaks (whose, on which issue, at what threshold) and a shortfall from its
reservation value (the mean gap on the party's 0-1 scale of the track). The rule's side (a veto
player rejecting, too few votes) is counted per track. A red line conditional on another
track's issue reads the proposal's value of that issue where the proposal fixes it.

Several proposals are ranked by the share of draws in which every touched track passes (joint
acceptance), then by the mean acceptance share of the touched tracks' parties, then by id.
Everything is one array operation over all draws per outcome and party, never a call per draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..scenario.model import Scenario
from ..scenario.tracks import Track
from ..settlement import Settlement, settlement_of
from ..settlement.draws import DrawValues
from ..settlement.preferences import Preferences, rule_passes, track_preferences
from .model import Proposal
from .nearest import BLOCK_CELLS, all_outcomes, nearest_passing
from .result import EvaluationResult, PartyVerdict, ProposalResult, Reason, TrackVerdict

#: Completions of a proposal's open issues tried at most (refused above, with the count).
MAX_COMPLETIONS = 200_000
Passing = tuple[np.ndarray, np.ndarray, Preferences]  # (D,) passes, (I,) value indices, the model
RANKING = ("joint acceptance (every touched track passes in the same draw), then mean party acceptance, "
           "then id")


def value_index(prefs: Preferences, i: int, value) -> int:
    """The index of a value as written (an option name or a number) on issue ``i``'s values."""
    labels = prefs.labels[i]
    if isinstance(value, str):
        return labels.index(value)
    return int(np.argmin(np.abs(np.asarray(prefs.axes[i], dtype=float) - float(value))))


def completions(prefs: Preferences, fixed: Mapping[str, object]) -> np.ndarray:
    """(m, I) every outcome that matches the fixed issues, the open ones in every combination."""
    sizes = np.array([1 if iid in fixed else int(n) for iid, n in zip(prefs.issue_ids, prefs.sizes,
                                                                         strict=True)])
    count = int(np.prod(sizes, dtype=np.int64))
    if count > MAX_COMPLETIONS:
        raise ValueError(f"track '{prefs.track_id}': the proposal leaves {count:,} completions of its open "
                         f"issues, more than the {MAX_COMPLETIONS:,} tried; fix more issues")
    index = all_outcomes(sizes)
    for i, iid in enumerate(prefs.issue_ids):
        if iid in fixed:
            index[:, i] = value_index(prefs, i, fixed[iid])
    return index


def best_completion(prefs: Preferences, index: np.ndarray) -> int:
    """The completion the rule carries in most draws (ties: highest mean acceptance, then first)."""
    if len(index) == 1:
        return 0
    step = max(1, BLOCK_CELLS // max(1, prefs.draws * prefs.n_parties))
    passes, accept = [], []
    for s in range(0, len(index), step):
        acc = prefs.accepts(index[s:s + step])
        passes.append(rule_passes(prefs.rule, acc).mean(axis=0))
        accept.append(acc.mean(axis=(0, 1)))
    p, a = np.concatenate(passes), np.concatenate(accept)
    return int(np.lexsort((np.arange(len(p)), -a, -p))[0])


def line_words(line) -> str:
    """A red line in words: 'nothing below 15' (an uncertain threshold at its median over the
    draws, marked so), 'not door-closed', with its condition where it has one."""
    if isinstance(line.threshold, str):
        at = line.threshold
    else:
        vals = np.asarray(line.axis_value, dtype=float)
        spread = "" if np.ptp(vals) == 0 else " (median threshold over the draws)"
        at = f"{float(np.median(vals)):.3g}{spread}"
    what = {"below": f"nothing below {at}", "above": f"nothing above {at}"}.get(line.relation, f"not {at}")
    cond = line.condition
    if cond is None:
        return what
    if cond.in_ is not None:
        when = f"{cond.issue} is {' or '.join(str(v) for v in cond.in_)}"
    else:
        when = f"{cond.issue} is below {cond.below}" if cond.below is not None else \
            f"{cond.issue} is above {cond.above}"
    return f"{what}, while {when}"


def red_line_reasons(prefs: Preferences, x: np.ndarray, a: int) -> list[Reason]:
    """Each red line of party ``a`` the outcome ``x`` (I,) breaks, with the share of draws."""
    out = []
    for line in prefs.red_lines:
        if line.party != a:
            continue
        kept = line.mask(prefs.axes[line.issue])[:, x[line.issue]]
        broken = ~kept
        if line.joint:
            assert line.when_holds is not None
            broken &= bool(line.when_holds[x[line.when_issue]])
        share = float(broken.mean())
        if share > 0:
            party, issue = prefs.parties[a].name, prefs.issue_ids[line.issue]
            out.append(Reason("red-line", party, issue, f"{party}'s red line on {issue}: {line_words(line)}",
                              share))
    return out


def track_verdict(track: Track, prefs: Preferences, fixed: Mapping[str, object], *, nearest: bool = True
                  ) -> TrackVerdict:
    """Who accepts the proposal's outcome of one track, over all draws, and why not."""
    index = completions(prefs, fixed)
    x = index[best_completion(prefs, index)]
    utility = prefs.utilities(x[None, :])[:, :, 0]            # (D, A)
    acc = prefs.accepts(x[None, :])[:, :, 0]
    passes = rule_passes(prefs.rule, acc[:, :, None])[:, 0]
    tol = prefs.tolerance
    gap = prefs.reservation - utility
    short = gap > tol
    scale = np.maximum(prefs.u_max - prefs.u_min, 1e-12)
    parties = []
    for a, party in enumerate(prefs.parties):
        reasons = red_line_reasons(prefs, x, a)
        if short[:, a].any():
            mean_gap = float((gap[:, a] / scale[:, a])[short[:, a]].mean())
            reasons.append(Reason("reservation", party.name, None,
                                  f"{party.name}: worth less than its reservation value (by "
                                  f"{mean_gap:.2f} of its range on the track, mean over those draws)",
                                  float(short[:, a].mean()), mean_gap))
        reasons.sort(key=lambda r: -r.share)
        parties.append(PartyVerdict(party.name, bool(prefs.veto[a]), float(acc[:, a].mean()), tuple(reasons)))
    blocked = _rule_reasons(prefs, acc)
    labels = {iid: _plain(prefs.labels[i][x[i]]) for i, iid in enumerate(prefs.issue_ids)}
    near, note = nearest_passing(track, prefs, x, beat=float(passes.mean())) if nearest else ((), None)
    return TrackVerdict(track=track.id, outcome=labels,
                        open_issues=tuple(i for i in prefs.issue_ids if i not in fixed),
                        passes=float(passes.mean()), parties=tuple(parties), blocked_by=blocked,
                        nearest=near, note=note)


def _rule_reasons(prefs: Preferences, acc: np.ndarray) -> tuple[Reason, ...]:
    """The rule's side: each veto player that rejects, and the votes short (shares of draws)."""
    out = []
    for v in prefs.rule.vetoes:
        share = float((~acc[:, v]).mean())
        if share > 0:
            name = prefs.parties[v].name
            out.append(Reason("veto", name, None, f"{name} holds a veto and rejects", share))
    rule = prefs.rule
    if rule.kind == "qualified":
        share = float((acc.sum(axis=1) < rule.min_participants).mean())
        if share > 0:
            out.append(Reason("rule", None, None, f"fewer than {rule.min_participants} participants accept",
                              share))
    elif rule.kind == "weighted":
        assert rule.weights is not None
        share = float((acc @ rule.weights < rule.threshold - 1e-12).mean())
        if share > 0:
            out.append(Reason("rule", None, None, f"the accepting weight falls short of {rule.threshold:g}",
                              share))
    return tuple(sorted(out, key=lambda r: -r.share))


def elsewhere_of(scenario: Scenario, proposal: Proposal, track: Track, draws: int
                 ) -> dict[str, tuple[object, np.ndarray]]:
    """The proposal's values of other tracks' issues, for red lines conditional on them."""
    out: dict[str, tuple[object, np.ndarray]] = {}
    for other in scenario.tracks:
        if other.id == track.id:
            continue
        for issue in other.issues:
            if issue.id in proposal.fixes(other.id):
                v = proposal.fixes(other.id)[issue.id]
                at = float(issue.options.index(v)) if isinstance(v, str) else float(v)  # type: ignore[union-attr]
                out[issue.id] = (issue, np.full(draws, at))
    return out


def proposal_passes(scenario: Scenario, proposal: Proposal, values: DrawValues, *, nearest: bool = True
                    ) -> tuple[tuple[TrackVerdict, ...], dict[str, Passing]]:
    """Every touched track's verdict, and per track the draws in which it passes, its outcome
    (value indices) and its preference model (what the linked analyses are run with)."""
    verdicts, passing = [], {}
    for track in scenario.tracks:
        fixed = proposal.fixes(track.id)
        if not fixed:
            continue
        prefs = track_preferences(scenario, track, values,
                                  elsewhere=elsewhere_of(scenario, proposal, track, values.size))  # type: ignore[arg-type]
        verdict = track_verdict(track, prefs, fixed, nearest=nearest)
        x = np.array([value_index(prefs, i, verdict.outcome[iid]) for i, iid in enumerate(prefs.issue_ids)])
        passes = rule_passes(prefs.rule, prefs.accepts(x[None, :]))[:, 0]
        verdicts.append(verdict)
        passing[track.id] = (passes, x, prefs)
    return tuple(verdicts), passing


def evaluate_proposals(scenario: Scenario, proposals: Sequence[Proposal], *,
                       settlement: Settlement | None = None, effects: bool = True,
                       nearest: bool = True) -> EvaluationResult:
    """Evaluate and rank ``proposals`` over the run's draws (``settlement``: default draws and
    seed); with ``effects`` the deterrence and escalation analyses that read a touched track are
    run with each proposal's outcome as the agreed outcome (:mod:`multitrack.proposals.pinned`)."""
    from .pinned import linked_effects
    from .readers import reading_effects

    settled = settlement_of(scenario, settlement)
    values = settled.run.values()
    scored = []
    for p in proposals:
        verdicts, passing = proposal_passes(scenario, p, values, nearest=nearest)
        joint = np.logical_and.reduce([v[0] for v in passing.values()])
        accepts = [pv.accepts for t in verdicts for pv in t.parties]
        found, notes = linked_effects(scenario, settled, passing) if effects else ((), ())
        if effects:
            read, read_notes = reading_effects(scenario, values, passing)
            found, notes = read + found, read_notes + (notes if not read else
                                                        tuple(n for n in notes if not n.startswith("No ")))
        scored.append(ProposalResult(id=p.id, title=p.title, rank=0, joint=float(np.mean(joint)),
                                     mean_acceptance=float(np.mean(accepts)) if accepts else 0.0,
                                     tracks=verdicts, effects=found, notes=notes))
    scored.sort(key=lambda r: (-r.joint, -r.mean_acceptance, r.id))
    ranked = tuple(ProposalResult(**{**{f: getattr(r, f) for f in r.__dataclass_fields__}, "rank": k + 1})
                   for k, r in enumerate(scored))
    return EvaluationResult(scenario=scenario.id, draws=settled.draws, seed=settled.seed, proposals=ranked,
                            ranking=RANKING)


def _plain(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
