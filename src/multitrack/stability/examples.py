"""Classic two-DM conflicts in option form, for tests and documentation.

Each DM has one option (defect / dare); states are labelled by option, e.g. "YN" = the
first DM takes its option, the second does not. Payoffs are ordinal, 4 = best.
"""

from __future__ import annotations

from multitrack.stability.conflict import Conflict, DecisionMaker, Payoffs


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
