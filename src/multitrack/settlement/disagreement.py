"""Disagreement points: what each party gets if a track fails, in its raw points, per draw.

A track's ``no_deal`` values are written on each actor's normalised scale of the track (0 = its
worst outcome on the table, 1 = its best). Here they become raw points with the party's own
lowest and highest utility over the track in that draw, ``u_min + (v - c * m) * (u_max - u_min)``,
where ``c`` is the no-deal cost per month and ``m`` the months the talks last: a war that goes
on while the parties talk makes failure worse the longer the talks take. The bargaining
solutions measure every gain from this point (Nash 1950, "The bargaining problem",
Econometrica 18(2), 155-162), and the preference model takes it as the reservation value
where the scenario states none.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..scenario.tracks import Track
from .draws import DrawValues


def no_deal_normalised(track: Track, actor: str, values: DrawValues, block: int = 0) -> np.ndarray | None:
    """(D,) the actor's no-deal value on its normalised scale of the track, after the cost of the
    months of talks; None when the track states none for the actor."""
    stated = track.no_deal.get(actor)
    if stated is None:
        return None
    out = np.asarray(values(stated.value, block), dtype=float).copy()
    if stated.cost_per_month is not None and track.talks_months is not None:
        # the months of talks are the track's, one figure for every party (block 0)
        out -= values(stated.cost_per_month, block) * values(track.talks_months, 0)
    return out


def disagreement_points(track: Track, parties_like: Sequence[str], values: DrawValues,
                        u_min: np.ndarray, u_max: np.ndarray, blocks: Sequence[int] | None = None
                        ) -> np.ndarray:
    """(D, A) each party's disagreement value in raw points, NaN where the track gives the actor
    it stands for (``parties_like``) no no-deal value.

    ``u_min`` and ``u_max`` are the parties' lowest and highest raw utility over the track in each
    draw, (D, A) or (A,); ``blocks`` gives each party's block of draw columns (a member of a
    member group draws its own values; default 0 for everyone)."""
    d, a_n = values.size, len(parties_like)
    lo = np.broadcast_to(np.asarray(u_min, dtype=float), (d, a_n))
    hi = np.broadcast_to(np.asarray(u_max, dtype=float), (d, a_n))
    out = np.full((d, a_n), np.nan)
    for a, actor in enumerate(parties_like):
        v = no_deal_normalised(track, actor, values, 0 if blocks is None else blocks[a])
        if v is not None:
            out[:, a] = lo[:, a] + v * (hi[:, a] - lo[:, a])
    return out
