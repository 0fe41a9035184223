"""Report section of the conflict-stability analysis: per conflict the states each decision maker
misperceives, a table of states with stability per decision maker and concept, the status quo
paths in words, the state graph and, where the conflict lists coalitions, the same table for the
players of the coalition structure with its equilibria."""

from __future__ import annotations

import heapq
from collections.abc import Iterable

import plotly.graph_objects as go
from markupsafe import escape

from ..scenario.model import Scenario
from ..stability.analysis import CONCEPT_TITLES, ConflictStability, StabilityResult
from .charts import _LAYOUT, _html
from .sections import section_renderer
from .wording import Words

SHOWN_STATES = 64  # beyond this many states, show only those that matter


def _names(scenario: Scenario) -> dict[str, str]:
    return Words(scenario).actors


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _change_words(c: ConflictStability, changed: tuple[str, ...]) -> str:
    titles = {o: t for o, t, _ in c.options}
    return _join([(f"takes '{titles[x[1:]]}'" if x[0] == "+" else f"withdraws '{titles[x[1:]]}'")
                  for x in changed])


def few(labels, limit: int = 12) -> str:
    """A readable list of state labels: the first `limit`, then how many more."""
    labels = list(labels)
    if not labels:
        return "none"
    more = f" and {len(labels) - limit:,} more" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more


def path_sentences(c: ConflictStability, names: dict[str, str], limit: int = 20) -> list[str]:
    """One sentence per equilibrium reachable from the status quo: who moves, in order."""
    if c.status_quo is None:
        return []
    out = []
    reach_sets = {k: set(eqs) for k, eqs in c.reachable_equilibria.items()}
    concepts = {lab: [CONCEPT_TITLES[k] for k, eqs in reach_sets.items() if lab in eqs] for lab in c.paths}
    for label, steps in list(c.paths.items())[:limit]:
        kinds = ", ".join(concepts[label])
        if not steps:
            out.append(f"The status quo {label} is itself an equilibrium ({kinds}).")
            continue
        moves = [f"{names.get(s.mover, s.mover)} {_change_words(c, s.changed)} ({s.state})" for s in steps]
        out.append(f"From {c.status_quo}, " + "; then ".join(moves)
                   + f", reaching the equilibrium {label} ({kinds}).")
    if len(c.paths) > limit:
        out.append(f"... and {len(c.paths) - limit:,} more reachable equilibria (all in results.json).")
    reached = {e for eqs in c.reachable_equilibria.values() for e in eqs} if c.left_out else set()
    unreached = sorted({e for eqs in c.equilibria.values() for e in eqs} - set(c.paths) - reached)
    if unreached:
        out.append(f"Not reachable from {c.status_quo} by unilateral improvements: {few(unreached)}.")
    return out


def equilibria_sentence(c: ConflictStability) -> str:
    parts = [f"{CONCEPT_TITLES[k]}: {few(v)}" for k, v in c.equilibria.items()]
    return "Equilibria — " + "; ".join(parts) + "."


def numbered(c: ConflictStability, labels: Iterable[str], limit: int = 12) -> str:
    """State labels, each with its GMCR+ state number (its place among the feasible states,
    from 1): the first `limit`, then how many more."""
    labels = list(labels)
    index = {label: c.number(k) for k, label in enumerate(c.states)} if labels else {}
    return few([f"{label} (state {index[label]})" for label in labels], limit)


def misperception_sentences(c: ConflictStability, names: dict[str, str]) -> list[str]:
    """One sentence per decision maker with misperceived states (GMCR+ hypergame data)."""
    out = []
    for dm, states in c.misperceived.items():
        who = names.get(dm, dm)
        if len(states) == 1:
            out.append(f"{who} misperceives the state {numbered(c, states)} and cannot move to or from it.")
        else:
            out.append(f"{who} misperceives {len(states):,} states and cannot move to or from any of them: "
                       f"{numbered(c, states)}.")
    return out


def player_name(player: str, names: dict[str, str]) -> str:
    """A player of the coalition structure (members' ids joined by " + ") in the actors' names."""
    return " + ".join(names.get(m, m) for m in player.split(" + "))


def coalition_concepts(c: ConflictStability, concepts: tuple[str, ...]) -> tuple[str, ...]:
    """The concepts the coalition analysis holds results for, in the analysis's order."""
    return tuple(k for k in concepts if k in c.coalition_stable)


def coalition_sentences(c: ConflictStability, names: dict[str, str], concepts: tuple[str, ...]) -> list[str]:
    """Who the players of the coalition structure are, and its equilibria under each concept."""
    if not c.coalitions:
        return []
    groups = [player_name(p, names) for p in c.coalitions if p not in c.decision_makers]
    alone = [names.get(p, p) for p in c.coalitions if p in c.decision_makers]
    act = "acts as one player" if len(groups) == 1 else "each act as one player"
    rest = f", and {_join(alone)} {'plays' if len(alone) == 1 else 'play'} alone" if alone else ""
    out = [f"In the coalition analysis {_join(groups)} {act}{rest}. A coalition moves by its members' moves "
           "in turn and improves only to a state that every member prefers (Kilgour, Hipel, Fang & Peng "
           "2001; Inohara & Hipel 2008)."]
    shown = coalition_concepts(c, concepts)
    if shown:
        parts = [f"{CONCEPT_TITLES[k]}: {numbered(c, c.coalition_equilibria[k])}" for k in shown]
        out.append("Equilibria of this coalition structure (stable for every player) — " + "; ".join(parts)
                   + ".")
    return out


def note_sentence(note: str) -> str:
    """An analysis note as a sentence: capital first letter, full stop at the end."""
    text = note.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


@section_renderer(StabilityResult)
def stability_section(result: StabilityResult, scenario: Scenario) -> str:
    names = _names(scenario)
    parts = ["<p class='caption'>Graph model for conflict resolution (Fang, Hipel &amp; Kilgour 1993): a "
             "state is stable for a party when it has no unilateral improvement (Nash), or every improvement "
             "can be sanctioned by the others' moves (GMR), even allowing its counter-move (SMR), or by the "
             "others' own improvements (SEQ). An equilibrium is stable for every party.</p>"]
    parts += [f"<p class='caption'>{escape(n)}</p>" for n in result.notes]
    for c in result.conflicts:
        parts.append(_conflict(c, result.concepts, names, scenario))
    return "".join(parts)


def _conflict(c: ConflictStability, concepts: tuple[str, ...], names: dict[str, str],
              scenario: Scenario) -> str:
    words = Words(scenario)
    track = f" (track: {escape(words.tracks.get(c.track, c.track))})" if c.track else ""
    head = [f"<h3 id='conflict-{escape(c.id)}'>{escape(c.title)}{track}</h3>"]
    head += [f"<p>{escape(s)}</p>" for s in misperception_sentences(c, names)]
    head.append(f"<p>{escape(equilibria_sentence(c))}</p>")
    sentences = path_sentences(c, names)
    if sentences:
        head.append("<p>From the status quo:</p><ul>"
                    + "".join(f"<li>{escape(s)}</li>" for s in sentences) + "</ul>")
    shown = shown_states(c)
    if len(shown) < c.total_states:
        head.append(f"<p class='caption'>{c.total_states:,} feasible states are too many to read: the table "
                    f"and the graph show the {len(shown)} that matter (the status quo, the equilibria and "
                    "the states on the paths from the status quo, as many as fit); "
                    + ("every state is in results.json.</p>" if not c.left_out else
                       "results.json lists more of them.</p>"))
    head += [f"<p class='caption'>{escape(note_sentence(n))}</p>" for n in c.left_out]
    return "".join(head) + _table(c, concepts, names, shown) + _graph(c, names, shown) + \
        _coalitions(c, concepts, names, shown)


def _coalitions(c: ConflictStability, concepts: tuple[str, ...], names: dict[str, str],
                shown: tuple[str, ...]) -> str:
    """The coalition analysis of a conflict that lists coalitions; nothing for one that does not."""
    if not c.coalitions:
        return ""
    parts = [f"<h4 id='coalitions-{escape(c.id)}'>Coalition stability</h4>"]
    parts += [f"<p>{escape(s)}</p>" for s in coalition_sentences(c, names, concepts)]
    shown_concepts = coalition_concepts(c, concepts)
    if shown_concepts:
        players = tuple(player_name(p, names) for p in c.coalitions)
        parts.append(_grid(c, shown_concepts, shown, players, c.coalition_stable, c.coalition_equilibria,
                           f"coalition-states-{c.id}", ()))
        parts.append("<p class='caption'>The same states for the players of the coalition structure: ✓ = "
                     "stable for that player under that concept; E = equilibrium of the structure.</p>")
    parts += [f"<p class='caption'>{escape(note_sentence(n))}</p>" for n in c.coalition_notes]
    return "".join(parts)


def shown_states(c: ConflictStability, limit: int = SHOWN_STATES) -> tuple[str, ...]:
    """All states of a small conflict; of a large one, the status quo, the states on its paths
    and the equilibria (those under more concepts first), at most `limit`, in state order."""
    if len(c.states) <= limit:
        return tuple(c.states)
    sets = [set(v) for v in c.equilibria.values()]
    count = {s: sum(s in v for v in sets) for s in c.states}
    on_paths = [st.state for steps in c.paths.values() for st in steps]
    if c.left_out:  # a large conflict: whole paths only, as many as fit beside the status quo
        on_paths, room = [], limit - 1
        for steps in c.paths.values():
            states = [st.state for st in steps if st.state not in on_paths]
            if len(states) <= room:
                on_paths += states
                room -= len(states)
    first = ([c.status_quo] if c.status_quo else []) + on_paths
    ranked = sorted((s for s in c.states if count[s]), key=lambda s: -count[s])
    keep = list(dict.fromkeys(first + ranked))[:limit]
    order = {s: k for k, s in enumerate(c.states)}
    return tuple(sorted(keep, key=order.__getitem__))


def _table(c: ConflictStability, concepts: tuple[str, ...], names: dict[str, str],
           shown: tuple[str, ...]) -> str:
    players = tuple(names.get(d, d) for d in c.decision_makers)
    legend = "; ".join(f"{o} = {t} ({names.get(dm, dm)})" for o, t, dm in c.options)
    options = tuple((o, f"{t} ({names.get(dm, dm)})") for o, t, dm in c.options)
    return (_grid(c, concepts, shown, players, c.stable, c.equilibria, f"states-{c.id}", options)
            + f"<p class='caption'>States by option taken (Y) or not (N): {escape(legend)}. # = the state's "
            "number in GMCR+ (its place among the feasible states); ✓ = stable for that party under that "
            "concept; E = equilibrium.</p>")


def _grid(c: ConflictStability, concepts: tuple[str, ...], shown: tuple[str, ...], players: tuple[str, ...],
          stable: dict[str, tuple[tuple[bool, ...], ...]], equilibria: dict[str, tuple[str, ...]],
          table_id: str, options: tuple[tuple[str, str], ...]) -> str:
    """States as rows (GMCR+ number, label, one Y/N column per option given), then per concept
    and player whether the state is stable (✓), then per concept whether it is an equilibrium."""
    opt_head = "".join(f"<th title='{escape(t)}'>{escape(o)}</th>" for o, t in options)
    stab_head = "".join(f"<th>{escape(CONCEPT_TITLES[k])} {escape(p)}</th>"
                        for k in concepts for p in players)
    eq_head = "".join(f"<th>{escape(CONCEPT_TITLES[k])} eq.</th>" for k in concepts)
    rows = []
    index = {label: k for k, label in enumerate(c.states)}
    eq_sets = {k: set(equilibria[k]) for k in concepts}
    for label in shown:
        s = index[label]
        is_eq = any(label in eq_sets[k] for k in concepts)
        cls = " class='equilibrium'" if is_eq else ""
        sq = " (status quo)" if label == c.status_quo else ""
        cells = "".join(f"<td>{ch}</td>" for ch in label) if options else ""
        cells += "".join(f"<td>{'✓' if stable[k][s][p] else ''}</td>"
                         for k in concepts for p in range(len(players)))
        cells += "".join(f"<td>{'<b>E</b>' if label in eq_sets[k] else ''}</td>" for k in concepts)
        rows.append(f"<tr{cls}><td>{c.number(s)}</td><td><b>{label}</b>{sq}</td>{cells}</tr>")
    return (f"<div class='scroll'><table class='data stability' id='{escape(table_id)}'><thead><tr><th>#</th>"
            f"<th>State</th>{opt_head}{stab_head}{eq_head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _positions(shown: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """States in layers by the number of options taken, spread along each layer."""
    layers: dict[int, list[str]] = {}
    for label in shown:
        layers.setdefault(label.count("Y"), []).append(label)
    pos = {}
    for k, labels in layers.items():
        for i, label in enumerate(labels):
            pos[label] = (i - (len(labels) - 1) / 2, float(k))
    return pos


def _graph(c: ConflictStability, names: dict[str, str], shown: tuple[str, ...]) -> str:
    pos = _positions(shown)
    palette = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756"]
    traces, arrows = [], []
    for d, dm in enumerate(c.decision_makers):
        colour = palette[d % len(palette)]
        for a, b, mover in c.improvements:  # one arrow per improvement, from a to b
            if mover == dm and a in pos and b in pos:
                (x0, y0), (x1, y1) = pos[a], pos[b]
                arrows.append(dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                                   showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=1.2,
                                   arrowcolor=colour, standoff=8, startstandoff=6, text=""))
        traces.append(go.Scatter(x=[None], y=[None], mode="lines", name=f"improvement by {names.get(dm, dm)}",
                                 line=dict(color=colour, width=1.2), hoverinfo="skip"))
    path_states = {s.state for steps in c.paths.values() for s in steps}
    for label, steps in c.paths.items():
        assert c.status_quo is not None  # paths start at the status quo: a conflict without one has none
        if any(s.state not in pos for s in steps):  # a path of a large conflict the graph leaves out
            continue
        prev, xs, ys = c.status_quo, [], []
        for s in steps:
            xs += [pos[prev][0], pos[s.state][0], None]
            ys += [pos[prev][1], pos[s.state][1], None]
            prev = s.state
        if xs:
            traces.append(go.Scatter(x=xs, y=ys, mode="lines", name=f"path to {label}",
                                     line=dict(color="#222", width=3, dash="dot"), hoverinfo="skip"))
    eq = {e for v in c.equilibria.values() for e in v}
    colours = ["#e45756" if s in eq else "#444" if s == c.status_quo
               else "#bbb" if s not in path_states else "#888" for s in shown]
    size = [18 if s in eq or s == c.status_quo else 11 for s in shown]
    hover = [f"{s}" + (" equilibrium" if s in eq else "") + (" status quo" if s == c.status_quo else "")
             for s in shown]
    traces.append(go.Scatter(x=[pos[s][0] for s in shown], y=[pos[s][1] for s in shown], mode="markers+text",
                             text=list(shown), textposition="top center", name="states",
                             marker=dict(color=colours, size=size, line=dict(color="#222", width=1)),
                             hovertext=hover, hoverinfo="text"))
    fig = go.Figure(traces)
    layout = {**_LAYOUT, "height": 200 + 70 * (1 + max(int(p[1]) for p in pos.values()))}
    fig.update_layout(**layout, xaxis=dict(visible=False), yaxis=dict(title="options taken", dtick=1),
                      annotations=arrows)
    eq_text = ", ".join(heapq.nsmallest(24, eq)) + (f" and {len(eq) - 24} more" if len(eq) > 24 else "") \
        or "none"
    subset = f"{len(shown)} of {c.total_states} feasible states" if len(shown) < c.total_states else \
        f"{c.total_states} feasible states"
    caption = (f"State graph of '{c.title}': {subset}, layered by how many options are taken (bottom: none); "
               "an arrow leads from a state to one where a party is better off by moving alone, coloured by "
               f"that party. Equilibria under some concept (red): {eq_text}."
               + (f" The status quo is {c.status_quo} (dark); dotted lines are the shortest paths of "
                  "unilateral improvements from it to the reachable equilibria." if c.status_quo else ""))
    return f"<figure>{_html(fig, f'stability-{c.id}')}<figcaption>{escape(caption)}</figcaption></figure>"


__all__ = ["coalition_concepts", "coalition_sentences", "equilibria_sentence", "misperception_sentences",
           "note_sentence", "numbered", "path_sentences", "player_name", "shown_states", "stability_section"]
