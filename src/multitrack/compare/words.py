"""One sentence per change: "Ukraine's status: agreed in 96% of draws -> 61%"."""

from __future__ import annotations

from .changes import Change

#: Joins the terms of a deal in a finding's text.
TERMS = "; "


def sentence(change: Change, because: str | None = None) -> str:
    """The change in one line; ``because`` (the inputs that differ) in brackets when given."""
    if change.a is None:
        body = f"{change.label}: new: {change.b.text}"  # type: ignore[union-attr]
    elif change.b is None:
        body = f"{change.label}: gone (was {change.a.text})"
    else:
        body = f"{change.label}: {moved(change.a.text, change.b.text)}"
    return f"{body} ({because})" if because else body


def moved(before: str, after: str) -> str:
    """``agreed in 96% of draws -> 61%`` when one word changed; of a deal, only the terms that
    changed (``accession-moratorium 15 -> 20``); else ``before -> after``."""
    a, b = before.split(TERMS), after.split(TERMS)
    if len(a) == len(b) > 1:
        return TERMS.join(moved(x, y) for x, y in zip(a, b, strict=True) if x != y)
    wa, wb = before.split(" "), after.split(" ")
    differ = [i for i, (x, y) in enumerate(zip(wa, wb, strict=False)) if x != y]
    if len(wa) == len(wb) and len(differ) == 1:
        return f"{before} -> {wb[differ[0]]}"
    return f"{before} -> {after}"


def summary_line(n_real: int, n_noise: int) -> str:
    """How many changes are real and how many were suppressed as noise."""
    if not n_real:
        head = "no change beyond noise"
    else:
        head = f"{n_real} headline change{'s' if n_real != 1 else ''}"
    return f"{head}; {n_noise} change{'s' if n_noise != 1 else ''} within the Monte Carlo noise suppressed"
