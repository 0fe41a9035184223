"""The inverse question: which demotions make a desired state an equilibrium."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.scenario.option_form import Conflict, DecisionMaker, Payoffs
from multitrack.stability.concepts import analyse
from multitrack.stability.examples import prisoners_dilemma
from multitrack.stability.inverse import what_it_takes


def test_prisoners_dilemma_cooperation():
    # Both cooperating (NN) is not Nash stable: each would rather defect alone (YN for A, NY for B,
    # payoff 4 > 3). It is GMR stable already (the other's defection answers a defection).
    model = prisoners_dilemma().build()
    changes = {(c.concept, c.dm): c for c in what_it_takes(model, "NN")}
    a, b = model.dm_names
    assert changes[("nash", a)].demote == ("YN",) and changes[("nash", a)].gap == 1
    assert changes[("nash", b)].demote == ("NY",)
    assert all(changes[(c, dm)].demote == () for c in ("gmr", "smr", "seq") for dm in (a, b))


def _demoted(model, change, desired: int):
    """The model with i's payoff of each demoted state set to the desired state's payoff."""
    payoff = model.payoff.copy()
    i = model.dm_names.index(change.dm)
    for label in change.demote:
        payoff[model.state(label), i] = payoff[desired, i]
    from dataclasses import replace
    return replace(model, payoff=payoff, _cache={})


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["nash", "gmr", "smr", "seq"]))
def test_the_demotions_make_the_state_stable(seed, concept):
    rng = np.random.default_rng(seed)
    payoffs = [Payoffs(tuple(float(x) for x in rng.integers(0, 5, 2 ** 6))) for _ in range(3)]
    conflict = Conflict(tuple(DecisionMaker(f"d{k}", tuple(f"o{k}{j}" for j in range(2)), payoffs[k])
                              for k in range(3)))
    model = conflict.build()
    s = int(rng.integers(model.n_states))
    for change in what_it_takes(model, s, (concept,)):
        fixed = _demoted(model, change, s)
        i = model.dm_names.index(change.dm)
        assert analyse(fixed, (concept,)).stable(concept)[s, i]
        if not change.demote:
            assert analyse(model, (concept,)).stable(concept)[s, i]
