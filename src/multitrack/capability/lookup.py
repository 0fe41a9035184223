"""Finding a country in the COW state list by code, abbreviation, name or a common alias.

Codes are the Correlates of War state numbers (COW State System Membership list, v2016).
"""

from __future__ import annotations

import re

import pandas as pd

from multitrack.capability.errors import CapabilityError

#: Common names and short forms that the COW list spells otherwise, mapped to COW codes.
ALIASES: dict[str, int] = {
    "us": 2, "usa": 2, "united states": 2, "america": 2, "u.s.": 2, "u.s.a.": 2,
    "canada": 20,
    "uk": 200, "u.k.": 200, "britain": 200, "great britain": 200, "united kingdom": 200,
    "netherlands": 210, "holland": 210, "belgium": 211, "france": 220, "spain": 230,
    "germany": 255, "federal republic of germany": 255, "west germany": 260, "frg": 260,
    "east germany": 265, "gdr": 265,
    "poland": 290, "austria": 305, "hungary": 310, "czechia": 316, "czech republic": 316,
    "slovakia": 317, "italy": 325, "serbia": 345, "yugoslavia": 345, "kosovo": 347,
    "greece": 350, "romania": 360, "moldova": 359,
    "russia": 365, "russian federation": 365, "ussr": 365, "soviet union": 365,
    "estonia": 366, "latvia": 367, "lithuania": 368, "ukraine": 369, "belarus": 370,
    "armenia": 371, "georgia": 372, "azerbaijan": 373, "finland": 375, "sweden": 380, "norway": 385,
    "turkey": 640, "turkiye": 640, "türkiye": 640, "iran": 630,
    "china": 710, "prc": 710, "people's republic of china": 710, "taiwan": 713,
    "kazakhstan": 705, "japan": 740, "india": 750,
}


def _norm(text: str) -> str:
    """Lower case, single spaces: how names are compared."""
    return re.sub(r"\s+", " ", text.strip().lower())


def country_name(code: int, states: pd.DataFrame) -> str:
    """The COW name of a code, e.g. 365 -> 'Russia'; unknown codes raise CapabilityError."""
    hit = states.loc[states["ccode"] == int(code), "statenme"]
    if hit.empty:
        raise CapabilityError(f"unknown COW country code: {code}")
    return str(hit.iloc[-1])


def resolve_country(query: int | str, states: pd.DataFrame) -> int:
    """A COW code from a code (365 or '365'), an abbreviation ('RUS'), a COW name or an alias."""
    if isinstance(query, bool):
        raise CapabilityError(f"not a country: {query!r}")
    if isinstance(query, int) or (isinstance(query, str) and query.strip().isdigit()):
        code = int(query)
        country_name(code, states)  # raises if unknown
        return code
    if not isinstance(query, str) or not query.strip():
        raise CapabilityError(f"not a country: {query!r}")
    key = _norm(query)
    if key in ALIASES:
        return ALIASES[key]
    for column in ("stateabb", "statenme"):
        hit = states.loc[states[column].astype(str).map(_norm) == key, "ccode"]
        if not hit.empty:
            return int(hit.iloc[-1])
    raise CapabilityError(f"unknown country: {query!r} (give a COW code, abbreviation or name)")
