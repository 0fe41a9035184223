"""Capabilities of the actors in EU legislative decisions: Council voting weights by date, and
fixed shares for the Commission and the European Parliament (see docs/forecasting.md).

Member states: their share of the Council votes under the rules in force when the proposal was
introduced - the weights of the Treaty of Amsterdam era for the fifteen (to 31 October 2004),
the Nice weights (from the enlargement of May 2004; Bulgaria and Romania from 2007,
Croatia 2013), and
for proposals from 1 November 2014 a proxy of the Lisbon double majority: half the member's
share of the population, half an equal share. The Commission gets the share of the largest
member state; the European Parliament the same under codecision and that of the smallest
member state under consultation (its opinion is heard, it cannot block).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

#: The DEU actor codes in file order: Commission, Parliament, then member states.
ACTORS = ("com", "ep", "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu",
          "ie", "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk")
MEMBERS = ACTORS[2:]

#: Council votes of the fifteen before 1 November 2004 (Treaty of Amsterdam; 87 votes).
VOTES_EU15 = {"de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8, "be": 5, "el": 5, "nl": 5, "pt": 5,
              "at": 4, "se": 4, "dk": 3, "ie": 3, "fi": 3, "lu": 2}
#: Council votes under the Treaty of Nice (in force for the 25 from 1 November 2004).
VOTES_NICE = {"de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "ro": 14, "nl": 13,
              "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "bu": 10, "se": 10,
              "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7, "cr": 7, "cy": 4, "ee": 4, "lv": 4,
              "lu": 4, "si": 4, "mt": 3}
#: Population on 1 January 2016 in millions (Eurostat, rounded), for the Lisbon proxy.
POPULATION_2016 = {"de": 82.2, "fr": 66.8, "uk": 65.4, "it": 60.7, "es": 46.4, "pl": 38.0,
                   "ro": 19.8, "nl": 17.0, "be": 11.3, "el": 10.8, "cz": 10.6, "pt": 10.3,
                   "se": 9.9, "hu": 9.8, "at": 8.7, "bu": 7.2, "dk": 5.7, "fi": 5.5, "sk": 5.4,
                   "ie": 4.7, "cr": 4.2, "lt": 2.9, "si": 2.1, "lv": 2.0, "ee": 1.3, "cy": 0.85,
                   "lu": 0.58, "mt": 0.43}

EU25_FROM = dt.date(2004, 5, 1)
EU27_FROM = dt.date(2007, 1, 1)
EU28_FROM = dt.date(2013, 7, 1)
LISBON_FROM = dt.date(2014, 11, 1)
EU15 = tuple(VOTES_EU15)
EU25 = EU15 + ("pl", "cz", "hu", "sk", "lt", "lv", "si", "ee", "cy", "mt")


ACCESSION = {**{m: dt.date(1995, 1, 1) for m in EU15}, **{m: EU25_FROM for m in EU25[15:]},
             "bu": EU27_FROM, "ro": EU27_FROM, "cr": EU28_FROM}


def members_on(date: dt.date) -> tuple[str, ...]:
    """Member states on a date (for the period DEU III covers, 1996-2019)."""
    if date < EU25_FROM:
        return EU15
    if date < EU27_FROM:
        return EU25
    if date < EU28_FROM:
        return EU25 + ("bu", "ro")
    return EU25 + ("bu", "ro", "cr")


def member_shares(date: dt.date) -> dict[str, float]:
    """Each member state's capability share (summing to 1) under the rules of ``date``."""
    members = members_on(date)
    if date < EU25_FROM:
        votes = {m: VOTES_EU15[m] for m in members}
    elif date < LISBON_FROM:
        # from May 2004 the Nice weights (formally from November; the months between used
        # transitional weights that this scheme does not model)
        votes = {m: VOTES_NICE[m] for m in members}
    else:
        pop = sum(POPULATION_2016[m] for m in members)
        return {m: 0.5 * POPULATION_2016[m] / pop + 0.5 / len(members) for m in members}
    total = sum(votes.values())
    return {m: v / total for m, v in votes.items()}


def capabilities(date: dt.date, procedure: str) -> np.ndarray:
    """Capabilities of the 30 DEU actors (``ACTORS`` order) for a proposal of ``date`` decided by
    ``procedure`` (COD codecision, otherwise consultation); 0 for states not yet members."""
    shares = member_shares(date)
    largest = max(shares.values())
    smallest = min(shares.values())
    out = np.zeros(len(ACTORS))
    for k, actor in enumerate(ACTORS):
        if actor == "com":
            out[k] = largest
        elif actor == "ep":
            out[k] = largest if procedure.upper() == "COD" else smallest
        else:
            out[k] = shares.get(actor, 0.0)
    return out
