"""Negotiation strategies as small frozen settings; the compiled kernel reads them as numbers.

Every strategy offers only outcomes acceptable to its own party (utility at least the
reservation value, no red line broken), chooses by a *target utility* and accepts by AC_next
(Baarslag, Hindriks and Jonker 2014, "Effective acceptance conditions in multilateral
negotiation", Decision Support Systems 60): an offer at least as good, discounted, as the least it
is ready to offer next; at its last turn, when its counter-offer could not be answered, any
acceptable offer (not a hard-liner). Each party's time ``t`` is its own clock, which reaches 1 at
its last offer that can still be answered (see :class:`ProtocolConfig`).

- ``time_dependent``: Faratin, Sierra and Jennings (1998), "Negotiation decision functions for
  autonomous agents", Robotics and Autonomous Systems 24(3-4), 159-182. The target at time ``t``
  is ``u(t) = u_max - (u_max - u_res) * t ** (1 / e)``, ``u_res`` at ``t = 1`` (the tactic's
  deadline); ``e < 1`` Boulware (holds out, concedes near the deadline), ``e = 1`` linear,
  ``e > 1`` conceder.
- ``tit_for_tat``: the imitative tactics of the same paper, in utility terms: the party concedes
  as much as the others conceded to it ``delta`` offers ago, either the same amount of utility
  (absolute) or the same share of what they still withheld (relative).
- ``aspiration``: a Genius / NegMAS style aspiration agent: the polynomial aspiration curve
  ``u(t) = u_res + (u_max - u_res) * (1 - t ** beta)``, never asking for less than the best offer
  already received, and a frequency model of the others' offers that picks, among outcomes
  within ``window`` above the lowest at the target, the one the others seem to like best; it
  accepts any offer worth at least that lowest outcome.
- ``hardliner``: always its best outcome; accepts only that.
- ``random``: a uniformly random acceptable outcome; the baseline.

Named presets follow NegMAS's polynomial curves so that the benchmark can set both side by
side: Boulware ``e = 0.25`` (NegMAS exponent 4), linear ``e = 1``, conceder ``e = 4``
(NegMAS exponent 0.25).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Kind = Literal["time_dependent", "tit_for_tat", "aspiration", "hardliner", "random"]

# Codes and parameter slots shared with the kernel.
TIME_DEPENDENT, TFT_RELATIVE, TFT_ABSOLUTE, ASPIRATION, HARDLINER, RANDOM = range(6)
P_EXPONENT, P_WINDOW, P_MODEL, P_DELTA = range(4)
N_PARAMS = 4


@dataclass(frozen=True)
class Strategy:
    """How one party negotiates.

    ``exponent``: Faratin's ``e`` for ``time_dependent`` (must be > 0), the curve's power
    ``beta`` for ``aspiration`` (> 0). ``relative`` and ``delta``: tit-for-tat's form and how many
    of the others' offers back it imitates. ``window``: among outcomes whose utility lies within
    ``window`` (normalised 0-1 utility of this party) above the closest-above-target outcome,
    pick by the opponent model (``opponent_model``) or else the closest. ``name`` labels the
    strategy in tournaments.
    """

    kind: Kind = "time_dependent"
    exponent: float = 1.0
    relative: bool = True
    delta: int = 1
    window: float = 0.0
    opponent_model: bool = False
    name: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("time_dependent", "tit_for_tat", "aspiration", "hardliner", "random"):
            raise ValueError(f"unknown strategy kind {self.kind!r}")
        curve = self.kind in ("time_dependent", "aspiration")
        if curve and not (self.exponent > 0 and np.isfinite(self.exponent)):
            raise ValueError(f"{self.kind} needs a finite exponent > 0, got {self.exponent}")
        if self.delta < 1:
            raise ValueError("tit-for-tat delta must be at least 1")
        if not (0.0 <= self.window <= 1.0):
            raise ValueError("window is a normalised utility between 0 and 1")

    # ---- presets ---------------------------------------------------------------------------
    @classmethod
    def time_dependent(cls, e: float, name: str | None = None, **kw) -> Strategy:
        return cls("time_dependent", exponent=e, name=name, **kw)

    @classmethod
    def boulware(cls, e: float = 0.25, **kw) -> Strategy:
        return cls("time_dependent", exponent=e, name=kw.pop("name", "boulware"), **kw)

    @classmethod
    def linear(cls, **kw) -> Strategy:
        return cls("time_dependent", exponent=1.0, name=kw.pop("name", "linear"), **kw)

    @classmethod
    def conceder(cls, e: float = 4.0, **kw) -> Strategy:
        return cls("time_dependent", exponent=e, name=kw.pop("name", "conceder"), **kw)

    @classmethod
    def tit_for_tat(cls, relative: bool = True, delta: int = 1, **kw) -> Strategy:
        name = kw.pop("name", "tft_relative" if relative else "tft_absolute")
        return cls("tit_for_tat", relative=relative, delta=delta, name=name, **kw)

    @classmethod
    def aspiration(cls, beta: float = 2.0, window: float = 0.05, **kw) -> Strategy:
        return cls("aspiration", exponent=beta, window=window, opponent_model=kw.pop("opponent_model", True),
                   name=kw.pop("name", "aspiration"), **kw)

    @classmethod
    def hardliner(cls, **kw) -> Strategy:
        return cls("hardliner", name=kw.pop("name", "hardliner"), **kw)

    @classmethod
    def random(cls, **kw) -> Strategy:
        return cls("random", name=kw.pop("name", "random"), **kw)

    # ---- for the kernel --------------------------------------------------------------------
    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.kind == "time_dependent":
            return f"time_dependent(e={self.exponent:g})"
        if self.kind == "aspiration":
            return f"aspiration(beta={self.exponent:g})"
        if self.kind == "tit_for_tat":
            return f"tft_{'relative' if self.relative else 'absolute'}(delta={self.delta})"
        return self.kind

    @property
    def stochastic(self) -> bool:
        return self.kind == "random"

    @property
    def code(self) -> int:
        if self.kind == "tit_for_tat":
            return TFT_RELATIVE if self.relative else TFT_ABSOLUTE
        return {"time_dependent": TIME_DEPENDENT, "aspiration": ASPIRATION, "hardliner": HARDLINER,
                "random": RANDOM}[self.kind]

    def params(self) -> np.ndarray:
        p = np.zeros(N_PARAMS)
        p[P_EXPONENT] = self.exponent
        p[P_WINDOW] = self.window
        p[P_MODEL] = 1.0 if self.opponent_model else 0.0
        p[P_DELTA] = float(self.delta)
        return p


#: The strategies a default tournament plays.
DEFAULT_STRATEGIES = (Strategy.boulware(), Strategy.linear(), Strategy.conceder(),
                      Strategy.tit_for_tat(True), Strategy.tit_for_tat(False), Strategy.aspiration(),
                      Strategy.hardliner(), Strategy.random())


def encode(strategies) -> tuple[np.ndarray, np.ndarray]:
    """Kernel codes (n,) and parameters (n, N_PARAMS) of a sequence of strategies."""
    codes = np.array([s.code for s in strategies], dtype=np.int64)
    params = np.stack([s.params() for s in strategies]) if strategies else np.zeros((0, N_PARAMS))
    return codes, params
