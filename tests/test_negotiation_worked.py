"""Issue 14, item 17: worked offer sequences for tit-for-tat (Faratin, Sierra and Jennings 1998,
imitative tactics, relative and absolute, in utility terms) and for the aspiration agent, checked
offer by offer against hand computation.

One issue of twelve values (outcome number = value). No reservation values, so each party
concedes between its best (1) and its worst (0) outcome:

    outcome   0     1     2     3     4     5     6     7     8     9     10    11
    u_A      1.00  0.95  0.84  0.76  0.62  0.55  0.41  0.36  0.22  0.15  0.07  0.00
    u_B      0.00  0.06  0.17  0.28  0.33  0.47  0.58  0.64  0.79  0.85  0.96  1.00

Seven rounds, A moves first. B concedes linearly on its own clock tau_B = min(1, (r + 1) / 6)
(its last answerable offer is in round 5): target 1 - tau_B = 0.8333, 0.6667, 0.5, 0.3333,
0.1667, 0 in rounds 0-5; it offers the lowest outcome worth at least that to it: 9 (0.85), 8 (0.79),
6 (0.58), 5 (0.47), 2 (0.17), 0. Those offers are worth 0.15, 0.22, 0.41, 0.55, 0.81, 1.00 to A.
B accepts an offer worth at least its own next offer to it (AC_next). A answers the same way.
"""

from __future__ import annotations

import numpy as np
import pytest

from multitrack.negotiation import NegotiationDomain, ProtocolConfig, Strategy, negotiate

U_A = [1.0, 0.95, 0.84, 0.76, 0.62, 0.55, 0.41, 0.36, 0.22, 0.15, 0.07, 0.0]
U_B = [0.0, 0.06, 0.17, 0.28, 0.33, 0.47, 0.58, 0.64, 0.79, 0.85, 0.96, 1.0]
DOMAIN = NegotiationDomain.from_utilities(np.array([U_A, U_B]).T, parties=("A", "B"))

# Tit-for-tat keeps a target x (start 1); once it has two offers from B it moves x by B's concession
# delta offers back: B's offers to A so far o_1, ..., o_k (utilities to A), the concession imitated is
# between o_{k-delta} and o_{k-delta+1}.
#   absolute: x <- x - (o_{k-delta+1} - o_{k-delta})
#   relative: x <- x * (1 - o_{k-delta+1}) / (1 - o_{k-delta})
#
# absolute, delta = 1:
#   r0: A opens with 0 (x = 1). B rejects (0 < 0.85), offers 9.            B's offers to A: 0.15
#   r1: one offer only: x = 1, A rejects 9 (0.15), offers 0. B offers 8.              0.15 0.22
#   r2: x = 1 - (0.22 - 0.15) = 0.93 -> lowest outcome >= 0.93 is 1 (0.95): A rejects 8, offers 1.
#       B: next 6 (0.58) > u_B(1) = 0.06, offers 6.                                   ... 0.41
#   r3: x = 0.93 - (0.41 - 0.22) = 0.74 -> 3 (0.76): offers 3. B: next 5 (0.47) > 0.28, offers 5.  0.55
#   r4: x = 0.74 - (0.55 - 0.41) = 0.60 -> 4 (0.62): A rejects 5 (0.55), offers 4. B: next 2 (0.17),
#       u_B(4) = 0.33 >= 0.17: B accepts. Deal on 4 in round 4.
# relative, delta = 1:
#   r2: x = 0.78 / 0.85 = 0.9176 -> 1 (0.95); offers 1. B offers 6.
#   r3: x = 0.9176 * 0.59 / 0.78 = 0.6941 -> 3 (0.76); offers 3. B offers 5.
#   r4: x = 0.6941 * 0.45 / 0.59 = 0.5294 -> next 5 (0.55); B's offer 5 is worth 0.55 >= 0.55:
#       A accepts. Deal on 5 in round 4.
# absolute, delta = 2 (needs three offers from B):
#   r2: two offers only: x = 1, A rejects 8, offers 0. B offers 6.                       0.15 0.22 0.41
#   r3: x = 1 - (0.22 - 0.15) = 0.93 -> 1 (0.95): offers 1. B offers 5.                           0.55
#   r4: x = 0.93 - (0.41 - 0.22) = 0.74 -> 3 (0.76): A rejects 5, offers 3; B: next 2 (0.17),
#       u_B(3) = 0.28 >= 0.17: B accepts. Deal on 3 in round 4.
HEAD = [(0, "A", 0), (0, "B", 9), (1, "A", 0), (1, "B", 8)]


@pytest.mark.parametrize("relative, delta, offers, deal", [
    (False, 1, HEAD + [(2, "A", 1), (2, "B", 6), (3, "A", 3), (3, "B", 5), (4, "A", 4)], 4),
    (True, 1, HEAD + [(2, "A", 1), (2, "B", 6), (3, "A", 3), (3, "B", 5)], 5),
    (False, 2, HEAD + [(2, "A", 0), (2, "B", 6), (3, "A", 1), (3, "B", 5), (4, "A", 3)], 3),
])
def test_tit_for_tat_offers_by_hand(relative, delta, offers, deal):
    r = negotiate(DOMAIN, [Strategy.tit_for_tat(relative, delta), Strategy.linear()],
                  config=ProtocolConfig(deadline=7, record_offers=True))
    assert [(o.round, o.party, o.outcome) for o in r.offers] == offers
    assert (r.agreed, r.round, r.outcome) == (True, 4, deal)


# The aspiration agent (beta = 2, window 0.05, opponent model), on its clock tau_A = (r + 1) / 7:
# target 1 - tau**2, never below the best offer received; it offers the lowest outcome at least its
# target, or, within 0.05 above that one, the outcome whose value B offered most (B has offered none
# of them here, so the lowest); it accepts an offer worth at least the lowest outcome at its target.
#   r0: target 1 - 1/49 = 0.9796 -> 0 (1.00). B offers 9 (best received 0.15).
#   r1: target 1 - 4/49 = 0.9184 -> 1 (0.95); 9 (0.15) rejected; 1 offered. B offers 8 (0.22).
#   r2: target 1 - 9/49 = 0.8163 -> 2 (0.84). B offers 6 (0.41).
#   r3: target 1 - 16/49 = 0.6735 -> 3 (0.76). B offers 5 (0.55).
#   r4: 1 - 25/49 = 0.4898 is below the best received, 0.55: target 0.55 -> 5 (0.55); B's offer 5 is
#       worth 0.55: A accepts. Deal on 5 in round 4.
def test_aspiration_offers_by_hand():
    r = negotiate(DOMAIN, [Strategy.aspiration(), Strategy.linear()],
                  config=ProtocolConfig(deadline=7, record_offers=True))
    assert [(o.round, o.party, o.outcome) for o in r.offers] == [
        (0, "A", 0), (0, "B", 9), (1, "A", 1), (1, "B", 8), (2, "A", 2), (2, "B", 6), (3, "A", 3),
        (3, "B", 5)]
    assert (r.agreed, r.round, r.outcome) == (True, 4, 5)


# The aspiration agent's window on a two-issue domain, x in 0..2 and y in 0..1 (outcome 2x + y): among
# its outcomes within 0.05 of its range above the lowest at its target it offers the one whose issue
# values B has offered most, and it accepts any offer worth at least that lowest one, even when its
# pick is higher (comparing with the pick once made it reject an offer worth 0.994 of its range).
#   outcome   0      1      2      3      4      5
#   (x, y)  (0,0)  (0,1)  (1,0)  (1,1)  (2,0)  (2,1)
#   u_A      0.10   0.00   0.30   0.35   0.60   0.63     (range 0-0.63, window 0.05 * 0.63 = 0.0315)
#   u_B      0.40   1.00   0.30   0.00   0.70   0.20
# A: aspiration, first, tau_A = (r + 1) / 5, target 0.63 (1 - tau**2) = 0.6048, 0.5292, 0.4032, 0.2268.
# B: Boulware, tau_B = (r + 1) / 4, target 1 - tau**4 = 0.9961, 0.9375, 0.6836: offers 1, 1, 4.
#   r0: A: lowest >= 0.6048 is 5 (0.63); B has offered nothing: A offers 5. B rejects, offers 1.
#   r1: A: lowest >= 0.5292 is 4 (0.60); rejects 1 (0.00). Window 0.60-0.6315: 4 = (2,0) and
#       5 = (2,1); B's one offer (0,1) gives y = 1 a count of 1, (2,0) none: A offers 5. B offers 1.
#   r2: A: lowest >= 0.4032 is 4 again; window as before, y = 1 counted twice: A offers 5.
#       B (target 0.6836, next 4) rejects 5 (0.20) and offers 4 (2,0).
#   r3: the curve, 0.2268, is below the best offer received (0.60): target 0.60, lowest 4 (0.60).
#       B's 4 is worth 0.60 >= 0.60: A accepts, though its pick would be 5 ((2,1): counts x = 2 once,
#       y = 1 twice, against (2,0)'s x = 2 once, y = 0 once). Deal on 4 in round 3.
def test_aspiration_window_follows_the_opponent_model_and_accepts_at_its_target():
    u = np.array([[0.10, 0.00, 0.30, 0.35, 0.60, 0.63], [0.40, 1.00, 0.30, 0.00, 0.70, 0.20]]).T
    domain = NegotiationDomain.from_utilities(u, parties=("A", "B"), shape=(3, 2))
    r = negotiate(domain, [Strategy.aspiration(), Strategy.boulware()],
                  config=ProtocolConfig(deadline=5, record_offers=True))
    assert [(o.round, o.party, o.outcome) for o in r.offers] == [
        (0, "A", 5), (0, "B", 1), (1, "A", 5), (1, "B", 1), (2, "A", 5), (2, "B", 4)]
    assert (r.agreed, r.round, r.outcome) == (True, 3, 4)
