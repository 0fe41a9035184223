"""Conflicts in option form (the Graph Model for Conflict Resolution) inside a scenario file.

Each conflict names its decision makers (actors of the scenario), the options each controls,
which combinations are infeasible, which options cannot be undone, every decision maker's
preferences (option prioritization, a ranking of states, or payoffs), and the status quo.
Statements use option ids with ``not``, ``and``, ``or``, ``if``, ``iff`` and brackets.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..errors import LocatedValueError
from . import option_form as core
from .empty import empty_dict, empty_list
from .ids import Id
from .sources import SourceRef

#: An option id: a letter, then letters, digits or ``_`` (no ``-``, which negates in statements).
OptionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$", strict=True)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ConflictOption(_Frozen):
    """An option a decision maker controls: taken (Y) or not (N)."""

    id: OptionId
    title: str = Field(min_length=1)


class ConflictDecisionMaker(_Frozen):
    """A decision maker: an actor of the scenario and the options it controls."""

    id: Id = Field(description="An actor id of the scenario.")
    options: list[ConflictOption] = Field(min_length=1)


class MutuallyExclusiveRule(_Frozen):
    mutually_exclusive: list[OptionId] = Field(min_length=2)


class AtLeastOneRule(_Frozen):
    at_least_one: list[OptionId] = Field(min_length=1)


class RequiresBody(_Frozen):
    option: OptionId
    condition: str = Field(min_length=1, description="A statement that must hold when the option is taken.")


class RequiresRule(_Frozen):
    requires: RequiresBody


class StatementRule(_Frozen):
    statement: str = Field(min_length=1, description="Every state where this statement holds is infeasible.")


InfeasibleRule = MutuallyExclusiveRule | AtLeastOneRule | RequiresRule | StatementRule


class IrreversibleOption(_Frozen):
    """``forward``: once taken, the option cannot be withdrawn; ``backward``: once withdrawn,
    it cannot be taken again."""

    option: OptionId
    direction: Literal["forward", "backward"] = "forward"


class ConflictPreferences(_Frozen):
    """One decision maker's preferences, in exactly one of three forms."""

    prioritization: list[str] | None = Field(
        None, description="Preference statements, most important first (Fang et al. 2003 scoring).")
    ranking: list[list[str]] | None = Field(
        None, description="Tiers of Y/N state labels, most preferred first; a tier's states tie.")
    payoffs: dict[str, float] | None = Field(
        None, description="A number per Y/N state label (higher is better); every feasible state.")
    note: str | None = None
    source: SourceRef | None = None

    @model_validator(mode="after")
    def _one(self) -> ConflictPreferences:
        given = [k for k in ("prioritization", "ranking", "payoffs") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of prioritization, ranking or payoffs")
        return self


class Conflict(_Frozen):
    """A conflict in option form, analysed by the graph model's stability concepts."""

    id: Id
    title: str = Field(min_length=1)
    description: str | None = None
    source: SourceRef | None = None
    track: Id | None = Field(None, description="The track of the scenario this conflict belongs to.")
    decision_makers: list[ConflictDecisionMaker] = Field(min_length=2)
    infeasible: list[InfeasibleRule] = Field(default_factory=empty_list)
    irreversible: list[IrreversibleOption] = Field(default_factory=empty_list)
    preferences: dict[Id, ConflictPreferences] = Field(
        description="Per decision maker id: its preferences.")
    status_quo: dict[OptionId, bool] | str | None = Field(
        None, description="Today's state: {option id: true/false} (missing options false) or a Y/N label.")
    misperceptions: dict[Id, list[str]] = Field(
        default_factory=empty_dict,
        description="Per decision maker id: statements; a state where one holds is "
        "misperceived by that decision maker, which cannot move to or from it (GMCR+ hypergame data).")
    coalitions: list[Annotated[list[Id], Field(min_length=2)]] = Field(
        default_factory=empty_list,
        description="Coalitions of decision makers analysed as players (each decision "
        "maker in at most one; the others act alone), as in a GMCR+ file.")

    @property
    def option_ids(self) -> list[str]:
        return [o.id for dm in self.decision_makers for o in dm.options]

    def status_quo_label(self) -> str | None:
        """The status quo as a Y/N label over all options in decision-maker order."""
        if self.status_quo is None:
            return None
        if isinstance(self.status_quo, str):
            return self.status_quo.strip().upper()
        return "".join("Y" if self.status_quo.get(o, False) else "N" for o in self.option_ids)


def check_conflicts(conflicts: list[Conflict], actors: set[str], tracks: set[str]) -> None:
    """Cross-references and statements of every conflict, as located errors."""
    seen: set[str] = set()
    for i, c in enumerate(conflicts):
        here = ("conflicts", i)
        if c.id in seen:
            raise LocatedValueError(f"conflict id {c.id!r} is used twice", here + ("id",))
        seen.add(c.id)
        if c.track is not None and c.track not in tracks:
            raise LocatedValueError(f"{c.track!r} is not a track of the scenario", here + ("track",))
        dms: set[str] = set()
        options: set[str] = set()
        for j, dm in enumerate(c.decision_makers):
            if dm.id not in actors:
                raise LocatedValueError(f"{dm.id!r} is not an actor of the scenario",
                                        here + ("decision_makers", j, "id"))
            if dm.id in dms:
                raise LocatedValueError(f"decision maker {dm.id!r} is listed twice",
                                        here + ("decision_makers", j, "id"))
            dms.add(dm.id)
            for k, o in enumerate(dm.options):
                if o.id in options:
                    raise LocatedValueError(f"option id {o.id!r} is used twice in this conflict",
                                            here + ("decision_makers", j, "options", k, "id"))
                options.add(o.id)
        names = c.option_ids

        # the loop's values are bound as defaults (B023), though both helpers run within this iteration
        def parse(text: str, path: tuple, names: list[str] = names, here: tuple = here) -> None:
            try:
                core.parse_statement(text, names)
            except ValueError as exc:
                raise LocatedValueError(str(exc), here + path) from None

        def known(option: str, path: tuple, options: set[str] = options, here: tuple = here) -> None:
            if option not in options:
                raise LocatedValueError(f"{option!r} is not an option of this conflict", here + path)

        for k, rule in enumerate(c.infeasible):
            if isinstance(rule, MutuallyExclusiveRule):
                for m, option in enumerate(rule.mutually_exclusive):
                    known(option, ("infeasible", k, "mutually_exclusive", m))
            elif isinstance(rule, AtLeastOneRule):
                for m, option in enumerate(rule.at_least_one):
                    known(option, ("infeasible", k, "at_least_one", m))
            elif isinstance(rule, RequiresRule):
                known(rule.requires.option, ("infeasible", k, "requires", "option"))
                parse(rule.requires.condition, ("infeasible", k, "requires", "condition"))
            else:
                parse(rule.statement, ("infeasible", k, "statement"))
        for k, irr in enumerate(c.irreversible):
            known(irr.option, ("irreversible", k, "option"))
        for dm_id in c.preferences:
            if dm_id not in dms:
                raise LocatedValueError(f"{dm_id!r} is not a decision maker of this conflict",
                                        here + ("preferences", dm_id))
        for dm_id in (d.id for d in c.decision_makers):
            if dm_id not in c.preferences:
                raise LocatedValueError(f"no preferences for decision maker {dm_id!r}",
                                        here + ("preferences",))
            pref = c.preferences[dm_id]
            for k, text in enumerate(pref.prioritization or []):
                parse(text, ("preferences", dm_id, "prioritization", k))
            labels: list[tuple[tuple[str | int, ...], str]] = [
                (("ranking", t, m), lab) for t, tier in enumerate(pref.ranking or [])
                for m, lab in enumerate(tier)]
            labels += [(("payoffs", lab), lab) for lab in (pref.payoffs or {})]
            for path, lab in labels:
                _check_label(lab, len(names), here + ("preferences", dm_id) + path)
        for dm_id, texts in c.misperceptions.items():
            if dm_id not in dms:
                raise LocatedValueError(f"{dm_id!r} is not a decision maker of this conflict",
                                        here + ("misperceptions", dm_id))
            for k, text in enumerate(texts):
                parse(text, ("misperceptions", dm_id, k))
        grouped: set[str] = set()
        for k, group in enumerate(c.coalitions):
            for m, dm_id in enumerate(group):
                if dm_id not in dms:
                    raise LocatedValueError(f"{dm_id!r} is not a decision maker of this conflict",
                                            here + ("coalitions", k, m))
                if dm_id in grouped:
                    raise LocatedValueError(f"decision maker {dm_id!r} is in two coalitions",
                                            here + ("coalitions", k, m))
                grouped.add(dm_id)
        sq = c.status_quo_label()
        if sq is not None:
            where = here + ("status_quo",)
            if isinstance(c.status_quo, dict):
                for option in c.status_quo:
                    known(option, ("status_quo", option))
            else:
                _check_label(sq, len(names), where)
        try:
            codes = to_core(c).check()  # what building it checks, without numpy for a small conflict
        except ValueError as exc:
            raise LocatedValueError(str(exc), here) from None
        if sq is not None and status_quo_state(sq, codes, len(names)) is None:
            raise LocatedValueError(f"the status quo {sq} is an infeasible state", here + ("status_quo",))


def status_quo_state(label: str, codes: list[int], n: int) -> int | None:
    """The feasible state (an index into ``codes``, increasing) with this Y/N label, or None when
    the label is no state or an infeasible one (as ``ConflictModel.state`` refuses it)."""
    try:
        code = core._code_of_label(label, n)
    except ValueError:
        return None
    k = bisect_left(codes, code)
    return k if k < len(codes) and codes[k] == code else None


def to_core(spec: Conflict) -> core.Conflict:
    """The conflict in option form (:mod:`multitrack.scenario.option_form`): decision makers named
    by actor id, options by option id (titles kept), in the order of the file; misperceptions and
    coalitions too."""
    dms = tuple(core.DecisionMaker(dm.id, tuple(o.id for o in dm.options),
                                   _preferences(spec.preferences[dm.id]),
                                   titles=tuple(o.title for o in dm.options),
                                   misperceived=tuple(spec.misperceptions.get(dm.id, ())))
                for dm in spec.decision_makers)
    conditions: list[core.Condition] = []
    for rule in spec.infeasible:
        if isinstance(rule, MutuallyExclusiveRule):
            conditions.append(core.MutuallyExclusive(tuple(rule.mutually_exclusive)))
        elif isinstance(rule, AtLeastOneRule):
            conditions.append(core.AtLeastOne(tuple(rule.at_least_one)))
        elif isinstance(rule, RequiresRule):
            conditions.append(core.Requires(rule.requires.option, rule.requires.condition))
        else:
            conditions.append(core.Infeasible(rule.statement))
    irreversible = tuple(core.Irreversible(i.option, i.direction) for i in spec.irreversible)
    index = {dm.id: d for d, dm in enumerate(spec.decision_makers)}
    coalitions = tuple(tuple(index[m] for m in group) for group in spec.coalitions)
    return _Checked(dms=dms, conditions=tuple(conditions), irreversible=irreversible, coalitions=coalitions)


def _preferences(pref: ConflictPreferences
                 ) -> core.OptionPrioritization | core.StateRanking | core.LabelPayoffs:
    if pref.prioritization is not None:
        return core.OptionPrioritization(tuple(pref.prioritization))
    if pref.ranking is not None:
        return core.StateRanking(tuple(tuple(tier) for tier in pref.ranking))
    assert pref.payoffs is not None  # the model allows exactly one of the three
    return core.LabelPayoffs(tuple((label, float(value)) for label, value in pref.payoffs.items()))


class _Checked(core.Conflict):
    """A conflict in option form whose build also refuses payoff tables that miss a feasible state."""

    def build(self) -> core.ConflictModel:
        model = super().build()
        if math.isnan(float(model.payoff.sum())):
            import numpy as np

            bad = np.argwhere(np.isnan(model.payoff))[0]
            raise ValueError(f"payoffs of {model.dm_names[bad[1]]} miss the feasible state "
                             f"{model.label(int(bad[0]))}")
        return model

    def _check_payoffs(self, codes: list[int], gaps: list[int | None]) -> None:
        """:meth:`build`'s refusal in :meth:`check`: the first feasible state, then the first DM,
        whose payoffs are missing."""
        missing = [(s, d) for d, s in enumerate(gaps) if s is not None]
        if missing:
            s, d = min(missing)
            raise ValueError(f"payoffs of {self.dms[d].name} miss the feasible state "
                             f"{core._label_of_code(codes[s], len(self.option_names))}")


def _check_label(label: str, n: int, path: tuple) -> None:
    text = label.strip().upper()
    if len(text) != n or set(text) - {"Y", "N"}:
        raise LocatedValueError(f"state label {label!r} must be {n} characters of Y/N, one per option", path)
