"""What the page shows of a scenario, built from its plain data so that an invalid file still gets
a form: actors, tracks (who sits, who holds a veto), issues and every position as form fields,
with each loader problem placed next to the field (or the nearest enclosing part) it concerns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem, format_path
from ..scenario import Scenario
from .editing import RELATIONS, Path, field_key, red_line_parts

_PARAMS = ("value", "mean", "sd", "low", "mode", "high", "lamb")


@dataclass
class InputView:
    """One form control: ``name`` tells the server its kind and path; ``key`` is its path as JSON."""

    key: str
    name: str
    label: str
    value: str
    choices: list[str] | None = None  # a select of options when given


@dataclass
class EstimateView:
    """A number, an option or a distribution's parameters, anchored at the estimate's own path."""

    key: str
    inputs: list[InputView]
    dist: str = ""     # "" for a plain number or option
    note: str = ""     # parts shown but not editable here


@dataclass
class RedLineView:
    key: str
    relation: str
    relations: tuple[str, ...]
    threshold: EstimateView


@dataclass
class PositionView:
    key: str
    actor: str
    actor_name: str
    veto: bool
    salience: EstimateView
    shape: str
    shape_items: list[tuple[str, EstimateView]]
    shape_text: str
    red_lines: list[RedLineView]


@dataclass
class IssueView:
    key: str
    id: str
    title: str
    kind: str
    domain: str
    status_quo: EstimateView | None  # None: the track has no status quo
    positions: list[PositionView]


@dataclass
class TrackView:
    key: str
    id: str
    title: str
    participants: list[str]
    vetoes: list[str]
    rule: str
    deferred: bool
    issues: list[IssueView]
    # per actor: (actor id, name, no-deal value, its cost per month or None)
    no_deal: list[tuple[str, str, EstimateView, EstimateView | None]] = field(default_factory=list)
    reservations: list[tuple[str, str, EstimateView]] = field(default_factory=list)  # (id, name, value)
    # who sits and who holds a veto, as checkboxes: (actor id, name, sits, holds a veto)
    members: list[tuple[str, str, bool, bool]] = field(default_factory=list)
    participants_key: str = ""
    vetoes_key: str = ""
    participant_ids: str = ""    # as shown, comma-separated (the L: field's value)
    veto_ids: str = ""


@dataclass
class GuaranteeView:
    key: str
    id: str
    title: str
    guarantor: str
    kind: str
    terms: list[tuple[str, EstimateView]]   # (term, its estimate) as the file gives them


@dataclass
class CrisisView:
    """A crisis of the deterrence analysis: the challenger's prize and each guarantee's terms."""

    key: str
    id: str
    title: str
    challenger: str
    target: str
    prize: EstimateView
    guarantees: list[GuaranteeView]


@dataclass
class TheatreView:
    key: str
    id: str
    title: str
    up: list[tuple[str, EstimateView]]     # (transition 'from->to', its monthly probability)
    down: list[tuple[str, EstimateView]]


@dataclass
class MeasureView:
    key: str
    id: str
    title: str
    track: str
    effects: list[tuple[str, str, EstimateView]]   # (transition, theatres it acts in, factor)


@dataclass
class EscalationView:
    key: str
    theatres: list[TheatreView]
    measures: list[MeasureView]


@dataclass
class FormView:
    """The whole scenario as the page shows it, and the problems placed by field."""

    title: str
    actors: list[dict[str, str]]
    tracks: list[TrackView]
    crises: list[CrisisView] = field(default_factory=list)
    escalation: EscalationView | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)

    def errors_at(self, key: str) -> list[str]:
        return self.errors.get(key, [])


class _Builder:
    """Walks the plain data once, remembering every path the page can show an error at."""

    def __init__(self, data: dict, scenario: Scenario | None) -> None:
        self.data, self.scenario = data, scenario
        self.anchors: set[Path] = set()
        self.names = {a.get("id"): str(a.get("name") or a.get("id")) for a in _list(data.get("actors"))
                      if isinstance(a, dict)}

    def anchor(self, path: Path) -> str:
        self.anchors.add(path)
        return field_key(path)

    def form(self) -> FormView:
        actors = [{"id": _text(a.get("id")), "name": _text(a.get("name")), "kind": _text(a.get("kind")),
                   "capability": _estimate_text(a.get("capability"))} for a in _list(self.data.get("actors"))
                  if isinstance(a, dict)]
        tracks = [self.track(t, track) for t, track in enumerate(_list(self.data.get("tracks")))
                  if isinstance(track, dict)]
        crises = [self.crisis(c, crisis) for c, crisis in enumerate(_list(self.data.get("deterrence")))
                  if isinstance(crisis, dict)]
        ladder = self.data.get("escalation")
        return FormView(_text(self.data.get("title")), actors, tracks, crises,
                        self.escalation(ladder) if isinstance(ladder, dict) else None)

    def crisis(self, c: int, crisis: dict) -> CrisisView:
        """A crisis's prize for the challenger and the terms of each guarantee, as form fields."""
        path = ("deterrence", c)
        cid = _text(crisis.get("id"))
        guarantees = []
        for g, guarantee in enumerate(_list(crisis.get("guarantees"))):
            if not isinstance(guarantee, dict):
                continue
            where = path + ("guarantees", g)
            gid = _text(guarantee.get("id"))
            terms = guarantee.get("terms")
            items = [(str(name), self.estimate(where + ("terms", name), value, f"{gid} {name}", None))
                     for name, value in (terms.items() if isinstance(terms, dict) else [])]
            guarantees.append(GuaranteeView(self.anchor(where), gid, _text(guarantee.get("title") or gid),
                                            _text(guarantee.get("guarantor")),
                                            _text(guarantee.get("kind") or "custom"), items))
        prize = self.estimate(path + ("challenger_value",), crisis.get("challenger_value"),
                              f"{cid} challenger value", None)
        return CrisisView(self.anchor(path), cid, _text(crisis.get("title") or cid),
                          _text(crisis.get("challenger")), _text(crisis.get("target")), prize, guarantees)

    def escalation(self, ladder: dict) -> EscalationView:
        """Each theatre's monthly transition estimates and each measure's effect factors."""
        theatres = []
        for t, theatre in enumerate(_list(ladder.get("theatres"))):
            if not isinstance(theatre, dict):
                continue
            where = ("escalation", "theatres", t)
            tid = _text(theatre.get("id"))
            moves = {}
            for way in ("up", "down"):
                listed = theatre.get(way)
                moves[way] = [(str(step), self.estimate(where + (way, step), value, f"{tid} {step}", None))
                              for step, value in (listed.items() if isinstance(listed, dict) else [])]
            theatres.append(TheatreView(self.anchor(where), tid, _text(theatre.get("title") or tid),
                                        moves["up"], moves["down"]))
        measures = []
        for m, measure in enumerate(_list(ladder.get("measures"))):
            if not isinstance(measure, dict):
                continue
            where = ("escalation", "measures", m)
            mid = _text(measure.get("id"))
            effects = []
            for e, effect in enumerate(_list(measure.get("effects"))):
                if isinstance(effect, dict):
                    step = _text(effect.get("transition"))
                    acts = ", ".join(_text(x) for x in _list(effect.get("theatres"))) or "all theatres"
                    effects.append((step, acts, self.estimate(where + ("effects", e, "factor"),
                                                              effect.get("factor"), f"{mid} {step} factor",
                                                              None)))
            measures.append(MeasureView(self.anchor(where), mid, _text(measure.get("title") or mid),
                                        _text(measure.get("track")), effects))
        return EscalationView(self.anchor(("escalation",)), theatres, measures)

    def track(self, t: int, track: dict) -> TrackView:
        path = ("tracks", t)
        participants = [p for p in _list(track.get("participants")) if isinstance(p, str)]
        vetoes, rule = self.vetoes_and_rule(t, track, participants)
        issues = [self.issue(path + ("issues", i), issue, vetoes)
                  for i, issue in enumerate(_list(track.get("issues"))) if isinstance(issue, dict)]
        view = TrackView(self.anchor(path), _text(track.get("id")),
                         _text(track.get("title") or track.get("id")),
                         [self.names.get(p, p) for p in participants], [self.names.get(v, v) for v in vetoes],
                         rule, bool(track.get("deferred")), issues, self.no_deal(path, track),
                         self.reservations(path, track))
        view.members = [(str(a), name, a in participants, a in vetoes) for a, name in self.names.items()
                        if isinstance(a, str)]
        view.participants_key = self.anchor(path + ("participants",))
        view.vetoes_key = self.anchor(path + ("veto_players",))
        view.participant_ids, view.veto_ids = ",".join(participants), ",".join(vetoes)
        return view

    def no_deal(self, path: Path, track: dict) -> list[tuple[str, str, EstimateView, EstimateView | None]]:
        """Each actor's no-deal value (and cost per month of talks, when given) as form fields."""
        out = []
        listed = track.get("no_deal")
        for actor, entry in (listed.items() if isinstance(listed, dict) else []):
            where = path + ("no_deal", actor)
            name = self.names.get(actor, str(actor))
            if isinstance(entry, dict) and "value" in entry:
                cost = (self.estimate(where + ("cost_per_month",), entry["cost_per_month"],
                                      f"{actor} no-deal cost per month", None)
                        if entry.get("cost_per_month") is not None else None)
                out.append((str(actor), name, self.estimate(where + ("value",), entry["value"],
                                                            f"{actor} no-deal value", None), cost))
            else:
                value = self.estimate(where, entry, f"{actor} no-deal value", None)
                out.append((str(actor), name, value, None))
        return out

    def reservations(self, path: Path, track: dict) -> list[tuple[str, str, EstimateView]]:
        """Each actor's reservation value on the track as form fields."""
        listed = track.get("reservation_values")
        return [(str(actor), self.names.get(actor, str(actor)),
                 self.estimate(path + ("reservation_values", actor), value, f"{actor} reservation value",
                               None))
                for actor, value in (listed.items() if isinstance(listed, dict) else [])]

    def vetoes_and_rule(self, t: int, track: dict, participants: list[str]) -> tuple[list[str], str]:
        if self.scenario is not None:
            model = self.scenario.tracks[t]
            return model.vetoes, _rule_text(model.decision_rule)
        rule = track.get("decision_rule")
        kind = rule.get("kind", "unanimity") if isinstance(rule, dict) else "unanimity"
        listed = track.get("veto_players")
        vetoes = [v for v in _list(listed) if isinstance(v, str)] if listed is not None else (
            participants if kind == "unanimity" else [])
        return vetoes, str(kind)

    def issue(self, path: Path, issue: dict, vetoes: list[str]) -> IssueView:
        options = [o for o in _list(issue.get("options")) if isinstance(o, str)] or None
        kind = _text(issue.get("kind"))
        positions = issue.get("positions")
        if not isinstance(positions, dict):
            positions = {}
        views = [self.position(path + ("positions", actor), issue, pos, actor in vetoes, options)
                 for actor, pos in positions.items() if isinstance(pos, dict)]
        return IssueView(self.anchor(path), _text(issue.get("id")),
                         _text(issue.get("title") or issue.get("id")),
                         kind, _domain(issue, options),
                         self.estimate(path + ("status_quo",), issue.get("status_quo"), "status quo", options)
                         if issue.get("status_quo") is not None else None, views)

    def position(self, path: Path, issue: dict, pos: dict, veto: bool,
                 options: list[str] | None) -> PositionView:
        actor = str(path[-1])
        shape = next((k for k in ("values", "ideal", "monotone", "points") if k in pos), "")
        items: list[tuple[str, EstimateView]] = []
        text = ""
        if shape == "values" and isinstance(pos["values"], dict):
            items = [(str(o), self.estimate(path + ("values", o), v, str(o), None))
                     for o, v in pos["values"].items()]
        elif shape == "ideal":
            items = [("", self.estimate(path + ("ideal",), pos["ideal"], "ideal", options))]
        elif shape == "monotone":
            text = "more is better" if pos["monotone"] == "increasing" else "less is better"
        elif shape == "points":
            text = "utility curve through " + ", ".join(f"({_text(p[0])}, {_text(p[1])})"
                                                        for p in _list(pos["points"])
                                                        if isinstance(p, list) and len(p) == 2)
        relations = ("equals",) if issue.get("kind") == "categorical" else RELATIONS
        lines = [self.red_line(path + ("red_lines", j), line, relations, options)
                 for j, line in enumerate(_list(pos.get("red_lines")))]
        return PositionView(self.anchor(path), actor, self.names.get(actor, actor), veto,
                            self.estimate(path + ("salience",), pos.get("salience"), "salience", None),
                            shape, items, text, lines)

    def red_line(self, path: Path, line: Any, relations: tuple[str, ...],
                 options: list[str] | None) -> RedLineView:
        relation, threshold = red_line_parts(line)
        where = path + (relation,) if isinstance(line, dict) else path
        return RedLineView(self.anchor(path), relation, relations,
                           self.estimate(where, threshold, "threshold", options))

    def estimate(self, path: Path, value: Any, label: str, options: list[str] | None) -> EstimateView:
        """Inputs for an option name, a number, or each parameter of a distribution."""
        key = self.anchor(path)
        if options is not None and not isinstance(value, (dict, list)):
            shown = _text(value)
            choices = options if shown in options else [shown] + options
            return EstimateView(key, [InputView(key, "s:" + key, label, shown, choices)])
        if isinstance(value, dict):
            inputs = [self.number(path + (p,), value[p], p)
                      for p in _PARAMS if p in value and _scalar(value[p])]
            note = ("one of " + ", ".join(_text(v) for v in _list(value.get("values")))
                    if "values" in value else "")
            return EstimateView(key, inputs, _text(value.get("dist", "fixed")), note)
        if _scalar(value):
            return EstimateView(key, [self.number(path, value, label)])
        return EstimateView(key, [], note=f"{_text(value)} (edit this in the file)")

    def number(self, path: Path, value: Any, label: str) -> InputView:
        key = self.anchor(path)
        return InputView(key, "n:" + key, label, _text(value))


def form_view(data: Any, scenario: Scenario | None, problems: list[Problem]) -> FormView | None:
    """The page's view of ``data`` with ``problems`` placed; None when the data is no mapping."""
    if not isinstance(data, dict):
        return None
    builder = _Builder(data, scenario)
    view = builder.form()
    for problem in problems:
        anchor = _nearest(problem.path, builder.anchors)
        text = _field_message(problem)
        if anchor is None:
            view.unplaced.append(f"{format_path(problem.path)}: {text}" if problem.path else text)
        else:
            view.errors.setdefault(field_key(anchor), []).append(text)
    return view


def _nearest(path: Path, anchors: set[Path]) -> Path | None:
    """The longest anchor that is ``path`` or contains it."""
    for cut in range(len(path), 0, -1):
        if path[:cut] in anchors:
            return path[:cut]
    return None


def _field_message(problem: Problem) -> str:
    where = f" (line {problem.line})" if problem.line is not None else ""
    return " ".join(problem.message.split()) + where


def _rule_text(rule: Any) -> str:
    kind = getattr(rule, "kind", "unanimity")
    if kind == "qualified":
        return f"qualified: veto players plus at least {rule.min_participants} participants"
    if kind == "weighted":
        return f"weighted: weights reach {rule.threshold:g}"
    return "unanimity of the veto players"


def _domain(issue: dict, options: list[str] | None) -> str:
    if options is not None:
        return (" < " if issue.get("kind") == "ordinal" else " | ").join(options)
    bounds = _list(issue.get("range"))
    unit = f" {issue['unit']}" if isinstance(issue.get("unit"), str) else ""
    return f"{_text(bounds[0])} to {_text(bounds[1])}{unit}" if len(bounds) == 2 else ""


def _estimate_text(value: Any) -> str:
    """``3.8 (pert 3.2 to 4.8)`` for a distribution; the plain value otherwise."""
    if not isinstance(value, dict):
        return _text(value)
    centre = next((value[k] for k in ("value", "mode", "mean") if k in value), None)
    if value.get("dist", "fixed") == "fixed":
        return _text(centre)
    spread = (f" {_text(value.get('low'))} to {_text(value.get('high'))}"
              if "low" in value and "high" in value else "")
    return f"{_text(centre)} ({value.get('dist', 'fixed')}{spread})".replace(" ()", "").strip()


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _scalar(value: Any) -> bool:
    return isinstance(value, (int, float, str)) and not isinstance(value, bool)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        shown = repr(value)
        return shown.removesuffix(".0")
    return str(value)
