"""Model variants: named alternatives where the data or the literature support more than one
defensible choice (MID or ICB calibration of the escalation ladder, the deterrence model's utility
scale). Each variant changes some inputs of a section; the analyses run every variant on the run's
own draws and report the range of each headline across them beside the interval over the inputs.

A changed input is either a replacement estimate (drawn at the same quantile as the input it
replaces, so that the variants differ by the model choice only and not by chance) or a multiplier
on the input as drawn. Variants live outside the run's draws: adding one changes no other number.

A variant may instead (or also) change any value of the scenario by path (``set:``, see
:mod:`.setpath`), e.g. a harder Russian floor on the moratorium. Such a *scenario variant* may
change the structure (red lines, participants, options), so it is not run on the same draws
beside the others: it is run on its own, with ``analyze --variant NAME`` (its model changes
then become the main model), and it is left out of the ranges across model variants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import LocatedValueError
from .empty import empty_dict, empty_list
from .estimates import Estimate, EstimateModel
from .idpath import SetPathError, parse_path
from .ids import Id
from .security import GUARANTEE_TERMS, SHARE_TERMS, Crisis, Escalation
from .sources import SourceRef

#: The scenario as written, always the first of the variants compared.
BASE = "base"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, populate_by_name=True)


class Change(_Frozen):
    """One input changed by a variant: ``value`` replaces it (an estimate, drawn at the quantile of
    the input it replaces), or ``factor`` multiplies it draw by draw."""

    value: Estimate | None = Field(None, description="The alternative estimate of the input.")
    factor: float | None = Field(None, gt=0, description="A multiplier on the input as drawn.")
    theatres: list[Id] = Field(default_factory=empty_list, description="Escalation: theatres it acts in "
                               "(default: all).")
    note: str | None = None
    source: SourceRef | None = None

    @model_validator(mode="after")
    def _one(self) -> Change:
        if (self.value is None) == (self.factor is None):
            raise LocatedValueError("give either value (an alternative estimate) or factor (a multiplier)",
                                    ("value",))
        return self

    def high(self, base: EstimateModel) -> float:
        """The largest value the changed input can take."""
        if self.value is not None:
            return self.value.support[1]
        assert self.factor is not None
        return self.factor * base.support[1]

    def low(self, base: EstimateModel) -> float:
        if self.value is not None:
            return self.value.support[0]
        assert self.factor is not None
        return self.factor * base.support[0]


class EscalationChanges(_Frozen):
    """Changed monthly transition probabilities, by transition ('from->to')."""

    transitions: dict[str, Change] = Field(min_length=1)


class DeterrenceChanges(_Frozen):
    """Changed terms of the crises' guarantees (by term, in every guarantee that states it) and of
    the challenger's prize; ``crises`` limits the change to named crises (default: all)."""

    challenger_value: Change | None = None
    terms: dict[str, Change] = Field(default_factory=empty_dict)
    crises: list[Id] = Field(default_factory=empty_list)


class ModelVariant(_Frozen):
    """A named alternative model: its changes per section, why it is defensible and who says so.
    ``estimated: true`` when the alternative is the analyst's judgement informed by the source,
    false when the source states the alternative values."""

    id: Id
    title: str = Field(min_length=1)
    description: str | None = None
    estimated: bool = False
    escalation: EscalationChanges | None = None
    deterrence: DeterrenceChanges | None = None
    sets: dict[str, Any] = Field(default_factory=empty_dict, alias="set", description="Scenario values "
                                 "changed by path (PATH: VALUE, as with --set); such a variant is run "
                                 "with analyze --variant, not beside the others.")
    note: str | None = None
    source: SourceRef | None = None

    @model_validator(mode="after")
    def _something(self) -> ModelVariant:
        if self.escalation is None and self.deterrence is None and not self.sets:
            raise LocatedValueError("a variant changes at least one section (escalation, deterrence) "
                                    "or sets scenario values (set)", ("id",))
        for path in self.sets:
            try:
                parse_path(path, "set:")
            except SetPathError as exc:
                raise LocatedValueError(str(exc), ("set", path)) from None
            if path.split(".")[0].split("[")[0] == "variants":
                raise LocatedValueError("a variant cannot change the variants", ("set", path))
        return self

    @property
    def is_model_variant(self) -> bool:
        """Run on the run's own draws beside the scenario as written (it sets no scenario value)."""
        return not self.sets


def model_variants(variants: Sequence[ModelVariant]) -> tuple[ModelVariant, ...]:
    """The variants compared on the same draws: those that set no scenario value."""
    return tuple(v for v in variants if v.is_model_variant)


def check_variants(variants: Sequence[ModelVariant], escalation: Escalation | None,
                   deterrence: Sequence[Crisis]) -> None:
    """Ids unique and not 'base'; every change names a transition, theatre, crisis or term the
    scenario has; probabilities and shares stay in [0, 1], and on every rung the monthly chances
    of moving up and down still add up to at most 1 in every draw."""
    seen: set[str] = set()
    for v, variant in enumerate(variants):
        here: tuple = ("variants", v)
        if variant.id in seen or variant.id == BASE:
            raise LocatedValueError(f"variant id {variant.id!r} is used twice or reserved ('base')",
                                    here + ("id",))
        seen.add(variant.id)
        if variant.escalation is not None:
            _check_escalation(escalation, variant.escalation, here + ("escalation", "transitions"))
        if variant.deterrence is not None:
            _check_deterrence(deterrence, variant.deterrence, here + ("deterrence",))


def _check_escalation(spec: Escalation | None, changes: EscalationChanges, path: tuple) -> None:
    if spec is None:
        raise LocatedValueError("the scenario has no escalation section to vary", path)
    theatres = {t.id: t for t in spec.theatres}
    for name, change in changes.transitions.items():
        if not any(name in {**t.up, **t.down} for t in spec.theatres):
            raise LocatedValueError(f"{name!r} is not a transition of any theatre", path + (name,))
        for k, th in enumerate(change.theatres):
            if th not in theatres:
                raise LocatedValueError(f"{th!r} is not a theatre", path + (name, "theatres", k))
    for theatre in spec.theatres:
        for name, given in {**theatre.up, **theatre.down}.items():
            acting = _acting(changes, name, theatre.id)
            if acting is not None and (acting.low(given) < 0 or acting.high(given) > 1):
                raise LocatedValueError(f"in theatre {theatre.id!r} {name!r} would reach "
                                        f"{acting.high(given):g}; a monthly probability lies in [0, 1]",
                                        path + (name,))
        for a, b, c in _triples(spec.rungs):
            up, down = f"{b}->{c}", f"{b}->{a}"
            if up not in theatre.up or down not in theatre.down:
                continue
            moved = [n for n in (up, down) if _acting(changes, n, theatre.id) is not None]
            total = _high(changes, up, theatre.up[up], theatre.id) + _high(changes, down, theatre.down[down],
                                                                           theatre.id)
            if moved and total > 1 + 1e-12:
                raise LocatedValueError(
                    f"in theatre {theatre.id!r} the monthly chances of leaving rung {b!r} up and down can "
                    f"add up to {total:g} under this variant; together they must stay at most 1",
                    path + (moved[0],))


def _acting(changes: EscalationChanges, name: str, theatre: str) -> Change | None:
    """The change of a transition in a theatre, if the variant changes it there."""
    change = changes.transitions.get(name)
    return change if change is not None and (not change.theatres or theatre in change.theatres) else None


def _high(changes: EscalationChanges, name: str, given: EstimateModel, theatre: str) -> float:
    change = _acting(changes, name, theatre)
    return change.high(given) if change is not None else given.support[1]


def _triples(rungs: list[str]) -> list[tuple[str, str, str]]:
    return [(rungs[k - 1], rungs[k], rungs[k + 1]) for k in range(1, len(rungs) - 1)]


def _check_deterrence(deterrence: Sequence[Crisis], changes: DeterrenceChanges, path: tuple) -> None:
    if not deterrence:
        raise LocatedValueError("the scenario has no deterrence section to vary", path)
    crises = {c.id: c for c in deterrence}
    for k, c in enumerate(changes.crises):
        if c not in crises:
            raise LocatedValueError(f"{c!r} is not a crisis", path + ("crises", k))
    chosen = [crises[c] for c in changes.crises] or list(crises.values())
    for term, change in changes.terms.items():
        if term not in GUARANTEE_TERMS:
            raise LocatedValueError(f"{term!r} is not a term of a guarantee", path + ("terms", term))
        stated = [g.terms[term] for c in chosen for g in c.guarantees if term in g.terms]
        if not stated:
            raise LocatedValueError(f"no guarantee states {term!r}", path + ("terms", term))
        if term in SHARE_TERMS and any(change.low(s) < 0 or change.high(s) > 1 for s in stated):
            raise LocatedValueError(f"{term!r} is a share and must stay in [0, 1]", path + ("terms", term))
