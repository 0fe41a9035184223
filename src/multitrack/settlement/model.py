"""The settlement as one model: the validated scenario and the run's one set of draws, read by
every analysis of a run (each track's preference model is read through it as well)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..scenario.model import Scenario
from .draws import DEFAULT_CHUNK, DEFAULT_DRAWS, DEFAULT_SEED, DrawValues, RunDraws, uncertain_inputs
from .preferences import Preferences, track_preferences


@dataclass(frozen=True, eq=False)
class Settlement:
    """What every analysis of a run reads: the scenario and the run's draws (``draws`` draws of
    every uncertain estimate from ``seed``), so that two analyses see the same draw of a shared
    estimate and their per-draw results can be joined draw by draw."""

    scenario: Scenario
    run: RunDraws
    _preferences: dict = field(default_factory=dict, init=False, repr=False)  # (track, grid) -> model

    @classmethod
    def from_scenario(cls, scenario: Scenario, *, draws: int | None = None, seed: int | None = None,
                      chunk_size: int | None = None, once_if_certain: bool = False) -> Settlement:
        """The settlement of ``scenario`` with ``draws`` draws from ``seed`` in chunks of
        ``chunk_size`` (defaults: :data:`DEFAULT_DRAWS`, :data:`DEFAULT_SEED`, 1000); with
        ``once_if_certain`` a scenario with no uncertain input evaluates once: every draw would be
        the same, so one draw is the whole answer (:attr:`evaluated_once` says so)."""
        n = DEFAULT_DRAWS if draws is None else draws
        if once_if_certain and n > 1 and not uncertain_inputs(scenario):
            n = 1
        run = RunDraws(scenario, n,
                       DEFAULT_SEED if seed is None else seed,
                       DEFAULT_CHUNK if chunk_size is None else chunk_size)
        return cls(scenario, run)

    @property
    def draws(self) -> int:
        return self.run.draws

    @property
    def evaluated_once(self) -> bool:
        """True when the scenario has no uncertain input and the run is one evaluation."""
        return not self.run.inputs and self.run.draws == 1

    @property
    def seed(self) -> int:
        return self.run.seed

    def central(self) -> DrawValues:
        """Every estimate at its nominal value (one draw)."""
        return DrawValues.central(self.scenario)

    def preferences(self, track_id: str, grid_points: int | None = None) -> Preferences:
        """The preference model of a track's own forum at the central values (built once per
        track and grid; :func:`multitrack.settlement.preferences.track_preferences`)."""
        key = (track_id, grid_points)
        if key not in self._preferences:
            track = next(t for t in self.scenario.tracks if t.id == track_id)
            self._preferences[key] = track_preferences(self.scenario, track, self.central(),
                                                       grid_points=grid_points)
        return self._preferences[key]


def settlement_of(scenario: Scenario, settlement: Settlement | None) -> Settlement:
    """The run's settlement, or one with the default draws when an analysis is called on its own
    with only a scenario; a settlement of another scenario is refused."""
    if settlement is None:
        return Settlement.from_scenario(scenario)
    if settlement.scenario is not scenario:
        raise ValueError("the settlement was built from another scenario than the one analysed")
    return settlement
