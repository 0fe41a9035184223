"""A mediator's single negotiating text (Raiffa 1982, The Art and Science of Negotiation,
Harvard University Press, ch. 14; the procedure the United States used at Camp David in 1978).

The mediator holds one text, an outcome. Each step it considers every text that differs from
the current one on a single issue. A party *vetoes* a proposed text that lowers its utility
below the current text's or breaks one of its red lines; otherwise it accepts. Only veto
players' vetoes block (other participants' answers are recorded). Among the unvetoed texts that
make at least one veto player strictly better off, the mediator moves to the one with the
largest sum of the veto players' normalised gains (``choice="best"``) or to a random one
(``choice="random"``, seeded). It stops when every single-issue change is vetoed or helps no
one: a text no veto player wants to leave and, by construction, none is worse off than at the
start. The deal is that text if the parties that find it acceptable (reservation value and red
lines) meet the track's decision rule (every veto player, and the qualified majority or the
weighted threshold where the rule has one), else there is none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .domain import NegotiationDomain
from .protocol import NegotiationResult, Offer, _opt, discounted, measure, rule_text


@dataclass(frozen=True)
class MediatorConfig:
    """``start``: the first text: the status quo outcome (each issue's first value where the
    status quo is not on the grid; a random outcome, drawn from the seed, on a track without a
    status quo), a random outcome, or an outcome number. ``max_rounds``:
    steps before the mediator stops anyway. ``record_offers``: keep every text."""

    start: Literal["status_quo", "random"] | int = "status_quo"
    choice: Literal["best", "random"] = "best"
    max_rounds: int = 1000
    record_offers: bool = False

    def __post_init__(self) -> None:
        if self.choice not in ("best", "random"):
            raise ValueError(f"unknown choice {self.choice!r}")
        if self.max_rounds < 0:
            raise ValueError("max_rounds must not be negative")


def _neighbours(domain: NegotiationDomain, flat: int) -> np.ndarray:
    """Outcome numbers of every text that differs from ``flat`` on exactly one issue."""
    idx = np.unravel_index(flat, domain.shape)
    strides = np.cumprod((1,) + domain.shape[::-1])[:-1][::-1]
    out = []
    for i, n in enumerate(domain.shape):
        values = np.arange(n)
        values = values[values != idx[i]]
        out.append(flat + (values - idx[i]) * strides[i])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def mediate(domain: NegotiationDomain, *, config: MediatorConfig | None = None,
            seed: int = 0) -> NegotiationResult:
    """Run the single negotiating text procedure on ``domain``."""
    config = config or MediatorConfig()
    rng = np.random.default_rng(seed)
    if config.start == "status_quo" and domain.has_status_quo:
        text = domain.start if domain.start is not None else 0
    elif config.start in ("random", "status_quo"):  # no status quo: no outcome has a claim to go first
        text = int(rng.integers(domain.n_outcomes))
    else:
        text = int(config.start)
        if not 0 <= text < domain.n_outcomes:
            raise ValueError(f"start outcome {text} is not in the domain")
    req = np.zeros(domain.n_parties, dtype=bool)
    req[list(domain.required)] = True
    U, allowed = domain.utility, domain.allowed
    span = domain.span
    tol = 1e-9 * np.maximum(np.abs(U).max(axis=0), 1.0)
    texts = [text]
    rounds = 0
    while rounds < config.max_rounds:
        cand = _neighbours(domain, text)
        delta = U[cand] - U[text]
        veto = (delta < -tol) | ~allowed[cand]
        blocked = veto[:, req].any(axis=1)
        improves = (delta[:, req] > tol[req]).any(axis=1)
        ok = np.flatnonzero(~blocked & improves)
        if ok.size == 0:
            break
        if config.choice == "best":
            score = (delta[ok][:, req] / span[req]).sum(axis=1)
            pick = ok[int(np.argmax(np.round(score, 12)))]
        else:
            pick = ok[int(rng.integers(ok.size))]
        text = int(cand[pick])
        texts.append(text)
        rounds += 1
    agreed = domain.passes(text)
    m = measure(domain, np.array([agreed]), np.array([text]))
    accepted = tuple(bool(a) for a in domain.acceptable[text])
    # the text is settled at once, before any round of talks: no discounting (t = 0)
    disc = discounted(domain, m["utility"], np.array([1]), np.array([-1]), 1)
    offers: tuple[Offer, ...] = ()
    if config.record_offers:
        nu = domain.normalise(U[texts])
        offers = tuple(Offer(r, "mediator", t, tuple(map(float, nu[r]))) for r, t in enumerate(texts))
    return NegotiationResult(
        protocol="single_text", strategies=("mediator",) * domain.n_parties, parties=domain.parties,
        agreed=agreed, status="agreed" if agreed else "broken", round=rounds if agreed else None,
        outcome=text if agreed else None, outcome_values=domain.outcome(text) if agreed else None,
        utility=tuple(map(float, m["utility"][0])), normalised=tuple(map(float, m["normalised"][0])),
        gain=tuple(map(float, m["gain"][0])), accepted_by=accepted if agreed else (None,) * domain.n_parties,
        distance_pareto=_opt(m["distance_pareto"][0]), distance_nash=_opt(m["distance_nash"][0]),
        n_offers=len(texts), offers=offers, votes=accepted, discounted=tuple(map(float, disc[0])),
        rule=rule_text(domain))
