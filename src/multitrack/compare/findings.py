"""The headline findings of one run, as a flat set of :class:`Finding` records.

One extractor reads the plain results document (each analysis's ``to_dict()``, as ``results.json``
and the run registry hold it), so an in-memory run and a recorded run are read the same way.
A finding's ``kind`` says how a change in it is judged: ``verdict`` (a word; any change is a
flip), ``share`` (a share of draws, with its Monte Carlo error), ``mean`` (a mean over draws,
with its Monte Carlo error) and ``structural`` (a figure or label the same in every draw: any
change is real).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The horizon of the escalation headline, in months (ten years).
WAR_HORIZON = 120
#: Switching inputs named per hinge headline.
HINGE_INPUTS = 3


@dataclass(frozen=True)
class Finding:
    """One headline figure of a run: ``value`` a number or a word, ``text`` how it reads."""

    id: str
    label: str
    value: float | str
    kind: str  # verdict, share, mean, structural
    mc_error: float | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "value": self.value, "kind": self.kind,
                "mc_error": self.mc_error, "text": self.text}


def extract_results(results: Mapping[str, Any]) -> dict[str, Finding]:
    """The findings of an in-memory run (analysis name -> result with ``to_dict()``)."""
    return extract({name: result.to_dict() for name, result in results.items()})


def extract(analyses: Mapping[str, Any]) -> dict[str, Finding]:
    """The findings of a results document's ``analyses`` (analysis name -> plain dict), by id."""
    titles = _track_titles(analyses)
    out: list[Finding] = []
    for reader in (_verdicts, _deals, _designs, _deterrence, _escalation, _forecasts, _hinges):
        out.extend(reader(analyses, titles))
    return {f.id: f for f in out}


def _track_titles(analyses: Mapping[str, Any]) -> dict[str, str]:
    titles: dict[str, str] = {}
    for name in ("overview", "agreement"):
        for track in (analyses.get(name) or {}).get("tracks") or []:
            titles.setdefault(track.get("track_id"), track.get("title") or track.get("track_id"))
    return titles


def percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def _verdicts(analyses, titles):
    for track in (analyses.get("overview") or {}).get("tracks") or []:
        word = (track.get("verdict") or {}).get("word")
        if word:
            tid = track["track_id"]
            yield Finding(f"track:{tid}/verdict", titles.get(tid, tid), word, "verdict", None, word)


def _deals(analyses, titles):
    for track in (analyses.get("agreement") or {}).get("tracks") or []:
        tid = track["track_id"]
        nash = next((s for s in track.get("solutions") or [] if s.get("concept") == "nash"), None)
        if nash and nash.get("outcome"):
            terms = "; ".join(f"{k} {_term(v)}" for k, v in nash["outcome"].items())
            yield Finding(f"track:{tid}/deal", f"{titles.get(tid, tid)} (Nash deal)", terms, "structural",
                          None, terms)


def _term(value: Any) -> str:
    return number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _estimate(est: Any) -> tuple[float, float | None] | None:
    """(value, Monte Carlo error) of an estimate dict; error None when structural."""
    if not isinstance(est, dict) or not isinstance(est.get("value"), (int, float)):
        return None
    error = est.get("mc_error") if est.get("kind") != "structural" else None
    return float(est["value"]), (float(error) if isinstance(error, (int, float)) else None)


def _designs(analyses, titles):
    designs = (analyses.get("process") or {}).get("designs") or []
    means = []
    for i, design in enumerate(designs):
        name = design["design"]
        est = _estimate(design.get("mean_agreed"))
        if est is not None:
            means.append((est[0], name))
            yield Finding(f"design:{name}/tracks-agreed", f"{name} design: tracks agreed", est[0], "mean",
                          est[1], f"{number(est[0])} tracks agreed on average")
        if i:  # the tracks' own shares are read under the first design (as modelled: in parallel)
            continue
        for tid, share in (design.get("p_track") or {}).items():
            est = _estimate(share)
            if est is not None:
                yield Finding(f"track:{tid}/agreed", titles.get(tid, tid), est[0], "share", est[1],
                              f"agreed in {percent(est[0])} of draws")
    if means:
        best = max(v for v, _ in means)
        leaders = ", ".join(n for v, n in means if v == best)
        yield Finding("designs/lead", "Leading process design", leaders, "structural", None,
                      f"{leaders} leads")


def _deterrence(analyses, titles):
    for crisis in (analyses.get("deterrence") or {}).get("crises") or []:
        est = _estimate(crisis.get("deterred"))
        if est is not None:
            yield Finding(f"crisis:{crisis['id']}/deterred", crisis.get("title") or crisis["id"], est[0],
                          "share", est[1], f"deterred in {percent(est[0])} of draws")


def _escalation(analyses, titles):
    cells = (analyses.get("escalation") or {}).get("cells") or []
    for scenario, words in (("none", "with no measures"), ("package", "with the measures as agreed")):
        cell = next((c for c in cells if c.get("scenario") == scenario and c.get("theatre") == "combined"
                     and c.get("horizon") == WAR_HORIZON and c.get("rung") == "war"), None)
        if cell is None or not isinstance(cell.get("mean"), (int, float)):
            continue
        error = cell.get("mc_error") if cell.get("kind") != "structural" else None
        yield Finding(f"escalation/war-risk/{scenario}", f"Ten-year war risk {words}", float(cell["mean"]),
                      "share", error, f"{100 * cell['mean']:.1f}%")


def _forecasts(analyses, titles):
    for issue in (analyses.get("forecast") or {}).get("issues") or []:
        lead = issue.get("model_range") or {}
        value = lead.get("headline")
        if not isinstance(value, (int, float)):
            continue
        unit = f" {issue['unit']}" if issue.get("unit") else ""
        text = f"{number(value)}{unit} ({lead.get('headline_model')} model)" + _beyond(issue, lead, unit)
        yield Finding(f"forecast:{issue['issue']}", f"Forecast of {issue.get('title') or issue['issue']}",
                      f"{number(value)} {lead.get('headline_model')}", "structural", None, text)


def _beyond(issue, lead, unit: str) -> str:
    """Where the headline forecast lies beyond a veto player's red line: whose, and the forecast
    conditional on agreement ("none" where no value satisfies every veto player)."""
    model = lead.get("headline_model")
    actors = sorted({b.get("actor") for b in issue.get("beyond_red_lines") or [] if b.get("model") == model})
    if not actors:
        return ""
    found: dict[str, Any] = next((a for a in issue.get("agreed") or [] if a.get("model") == model), {})
    agreed = found.get("nominal")
    given = f"{number(agreed)}{unit}" if isinstance(agreed, (int, float)) else "none"
    return f", beyond the red line of {', '.join(actors)}; conditional on agreement: {given}"


def _hinges(analyses, titles):
    for hinge in (analyses.get("hinges") or {}).get("hinges") or []:
        labels = [s.get("label") for s in hinge.get("switches") or [] if s.get("label")][:HINGE_INPUTS]
        text = "hinges on " + ", ".join(labels) if labels else "steady over the inputs searched"
        value = "; ".join(sorted(labels))  # which inputs, not their order (that moves with the draws)
        label = hinge.get("headline") or hinge["id"]
        yield Finding(f"hinge:{hinge['id']}", label, value, "structural", None, text)
