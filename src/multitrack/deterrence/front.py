"""A thin front over the plain functions, in the manner of Nashpy's `Game` (Knight & Campbell
2018, *Journal of Open Source Software* 3(30)): hold a crisis game, ask it questions."""

from __future__ import annotations

from collections.abc import Mapping

from multitrack.deterrence.curves import DeterrenceCurve, deterrence_curve
from multitrack.deterrence.finite import FiniteCrisis, to_finite
from multitrack.deterrence.general import PureEquilibrium, pure_pbe
from multitrack.deterrence.model import CrisisGame, Guarantee
from multitrack.deterrence.outcome import DeterrenceOutcome
from multitrack.deterrence.solve import solve


class Deterrence:
    """Front for one crisis game: closed-form equilibria, curves, and the general-solver check.

    >>> from multitrack.deterrence import Deterrence, Guarantee
    >>> d = Deterrence([Guarantee("eu", credibility=0.3, cost_resolute=1, cost_irresolute=6,
    ...                           stake=2, audience_cost=1, tripwire_cost=0.5, war_cost=10)],
    ...                challenger_value=4)
    >>> bool(d.solve().deterred), bool(d.solve({"eu.tripwire": 6}).deterred)
    (False, True)
    """

    def __init__(self, guarantors: list[Guarantee] | tuple[Guarantee, ...] | CrisisGame,
                 challenger_value: float = 1.0) -> None:
        self.game = guarantors if isinstance(guarantors, CrisisGame) else CrisisGame(
            tuple(guarantors), challenger_value)

    def __repr__(self) -> str:
        return f"Deterrence({self.game!r})"

    def solve(self, draws: Mapping[str, object] | None = None) -> DeterrenceOutcome:
        """Closed-form equilibrium for each draw (solve.solve)."""
        return solve(self.game, draws)

    def curve(self, parameter: str, values: object,
              draws: Mapping[str, object] | None = None) -> DeterrenceCurve:
        """P(deterrence) as `parameter` sweeps `values` (curves.deterrence_curve)."""
        return deterrence_curve(self.game, parameter, values, draws)

    def finite(self, draws: Mapping[str, object] | None = None, index: int = 0) -> FiniteCrisis:
        """The game at one draw as a finite game with a chance move (finite.to_finite)."""
        return to_finite(self.game, draws, index)

    def equilibria(self, draws: Mapping[str, object] | None = None,
                   index: int = 0) -> tuple[PureEquilibrium, ...]:
        """Pure PBE of the game at one draw by the general solver (general.pure_pbe)."""
        return pure_pbe(self.finite(draws, index))
