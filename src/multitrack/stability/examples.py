"""Classic conflicts in option form (two-DM games and the Elmira case), for tests and docs.

Each DM has one option (defect / dare); states are labelled by option, e.g. "YN" = the
first DM takes its option, the second does not. Payoffs are ordinal, 4 = best.
"""

from __future__ import annotations

from multitrack.scenario.option_form import (
    AtLeastOne,
    Conflict,
    DecisionMaker,
    Irreversible,
    MutuallyExclusive,
    Payoffs,
    StateRanking,
)


def two_by_two(p_a: tuple, p_b: tuple, option_a: str = "a_defects", option_b: str = "b_defects") -> Conflict:
    """Two DMs A and B with one option each; payoffs by state code 0=NN, 1=YN, 2=NY, 3=YY."""
    return Conflict(
        dms=(
            DecisionMaker("A", (option_a,), Payoffs(tuple(p_a))),
            DecisionMaker("B", (option_b,), Payoffs(tuple(p_b))),
        )
    )


def prisoners_dilemma() -> Conflict:
    """Prisoner's Dilemma: each prefers defecting alone > both cooperate > both defect > sucker."""
    return two_by_two((3, 4, 1, 2), (3, 1, 4, 2))


def chicken() -> Conflict:
    """Chicken: each prefers daring alone > both swerve > swerving alone > both dare."""
    return two_by_two((3, 4, 2, 1), (3, 2, 4, 1), "a_dares", "b_dares")


# Published state numbers 1..9 of the Elmira conflict as Y/N labels over the options
# (modify, delay, accept, abandon, insist). State 9 is Uniroyal abandoning Elmira, whatever
# the others do: in option form it is the four abandon states, which every DM ranks equal.
ELMIRA_STATES = (
    ("NYNNN",), ("YYNNN",), ("NNYNN",), ("YNYNN",),
    ("NYNNY",), ("YYNNY",), ("NNYNY",), ("YNYNY",),
    ("NNNYN", "YNNYN", "NNNYY", "YNNYY"),
)


def elmira() -> Conflict:
    """The Elmira groundwater conflict (Fang, Hipel & Kilgour 1993, Interactive Decision
    Making, Wiley; Hipel, Fang, Kilgour & Haight 1993, Environmental conflict resolution
    using the graph model, Proc. IEEE SMC): the Ministry of the Environment may modify its
    control order, Uniroyal may delay by appeal, accept the order or abandon Elmira, and the
    local government may insist on the original order. Moves are one-way as in the published
    graph: a modification, an acceptance, an abandonment or an insistence is never undone.
    Rankings are the published ones, most preferred first, by state number."""
    def ranking(order: tuple[int, ...]) -> StateRanking:
        return StateRanking(tuple(ELMIRA_STATES[k - 1] for k in order))

    return Conflict(
        dms=(
            DecisionMaker("MoE", ("modify",), ranking((7, 3, 4, 8, 5, 1, 2, 6, 9))),
            DecisionMaker("UR", ("delay", "accept", "abandon"), ranking((1, 4, 8, 5, 9, 3, 7, 2, 6))),
            DecisionMaker("LG", ("insist",), ranking((7, 3, 5, 1, 8, 6, 4, 2, 9))),
        ),
        conditions=(
            MutuallyExclusive(("delay", "accept", "abandon")),
            AtLeastOne(("delay", "accept", "abandon")),
        ),
        irreversible=(
            Irreversible("modify"), Irreversible("delay", "backward"),
            Irreversible("abandon"), Irreversible("insist"),
        ),
    )


def elmira_state_number(model, state: int) -> int:
    """The published state number (1..9) of a state of the Elmira model."""
    label = model.label(int(state))
    return next(k + 1 for k, labels in enumerate(ELMIRA_STATES) if label in labels)
