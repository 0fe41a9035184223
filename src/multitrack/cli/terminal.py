"""Terminal renderers: rich tables for scenarios and results, designed for 80 columns.

Every text a scenario provides (names, titles, notes, and the sentences built from them) is printed
as plain text: control characters shown by their escape (`visible`), never parsed as rich markup
(`safe` where a line mixes it with markup of ours). Tables have few columns; text columns wrap
and fold long words (ids are never cut short) and number columns never wrap.
"""

from __future__ import annotations

import re
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..overview import OverviewResult
from ..scenario import describe
from ..scenario.model import Scenario

#: How each verdict word is coloured (the words themselves come from the overview result).
_VERDICT_STYLE = {"can agree": "green", "blocked": "red", "status quo only": "yellow", "not known": "dim"}

#: Characters a terminal acts on rather than shows: C0 controls but tab and newline, DEL, C1
#: controls (ESC starts the sequences that recolour, move the cursor or retitle the window), the
#: Unicode line and paragraph separators, and the bidirectional overrides and isolates that
#: reorder what follows them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_code(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object) -> str:
    """Scenario text as a terminal may show it: each control character other than newline and tab
    replaced by its Python escape (ESC by the four characters ``\\x1b``), so that a file cannot
    recolour, move or retitle the reader's terminal."""
    return _CONTROL.sub(_escape_code, str(text))


def safe(text: object) -> str:
    """Scenario text to put inside a line of rich markup: `visible`, then its square brackets
    escaped, so that "[draft]" prints as written and "[/]" cannot end (or break) our markup."""
    return escape(visible(text))


def cell(text: object, style: str = "") -> Text:
    """A table cell, title or line of plain text: shown as written (`visible`), never read as markup."""
    return Text(visible(text), style=style)


def _say(console: Console, text: object, style: str = "", indent: int = 0) -> None:
    """A paragraph of plain text wrapped at word boundaries to the terminal's width, optionally indented."""
    body = cell(text, style)
    console.print(Padding(body, (0, 0, 0, indent), expand=False) if indent else body)


class _Table(Table):
    """A table whose number columns are exactly as wide as their longest cell (or the longest word of
    their header, which wraps): they never wrap, fold or lose a digit, and the text columns share the
    rest of the width."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.numbers: set[int] = set()  # the indices of the number columns

    def __rich_console__(self, console, options):
        for k, column in enumerate(self.columns):
            if k in self.numbers:
                cells = [c.plain if isinstance(c, Text) else str(c) for c in column.cells]
                head = column.header.plain.split() if isinstance(column.header, Text) else [""]
                column.width = max([cell_len(line) for c in cells for line in c.splitlines()]
                                   + [cell_len(w) for w in head] + [1])
        yield from super().__rich_console__(console, options)


def _table(title: object = None, *, lines: bool = False, caption: object = None, **kw: Any) -> Table:
    """A left-titled table; its title and caption are plain text."""
    return _Table(title=title if title is None or isinstance(title, Text) else cell(title),
                  title_justify="left", show_lines=lines,
                  caption=None if caption is None else cell(caption), **kw)


def _text_column(table: Table, header: object, **kw: Any) -> None:
    """A column of words: wrapped, and a word longer than the column (an id) folded, never cut."""
    table.add_column(cell(header), overflow="fold", **kw)


def _number_column(table: Table, header: object, **kw: Any) -> None:
    """A column of numbers, as wide as its longest (see `_Table`); its header may wrap."""
    kw.setdefault("justify", "right")
    table.add_column(cell(header), overflow="fold", **kw)
    if isinstance(table, _Table):
        table.numbers.add(len(table.columns) - 1)


def _row(table: Table, *cells: object, **kw: Any) -> None:
    table.add_row(*[c if isinstance(c, Text) else cell(c) for c in cells], **kw)


def _heading(title: object, note: object = "", style: str = "bold") -> Text:
    """A title with a dim note after it: "Border security (border)"."""
    return Text.assemble((visible(title), style), *([("  " + visible(note), "dim")] if note else []))


def show_scenario(console: Console, scenario: Scenario) -> None:
    """The scenario's actors, then per track its issues, each with every participant's stance (one
    line per participant, so that a track with many participants still fits 80 columns), then the
    track's rule, vetoes and no-deal values; then the factors and the conflicts."""
    as_of = f", as of {scenario.as_of}" if scenario.as_of else ""
    console.print(_heading(scenario.title, f"({scenario.id}{as_of})"))
    actors = _table("Actors")
    for col in ("id", "name", "kind", "capability", "members"):
        _text_column(actors, col)
    for actor in scenario.actors:
        _row(actors, actor.id, actor.name, actor.kind.value, describe.estimate_text(actor.capability),
             ", ".join(actor.members))
    console.print(actors)
    names = {a.id: a.name for a in scenario.actors}
    for track in scenario.tracks:
        console.print(_track_table(track, names))
        if track.forum:
            _say(console, f"forum: {track.forum}", indent=2)
        # who must accept, who can block, what no deal is worth
        for line in describe.track_lines(track, names):
            _say(console, line, indent=2)
    show_scenario_factors(console, scenario)
    show_conflicts(console, scenario)


def _track_table(track, names: dict[str, str]) -> Table:
    """One row per issue: the issue with its values and status quo, and every participant's stance."""
    title = Text.assemble((visible(track.title), "bold"), (f" ({visible(track.id)})", "dim"),
                          *([(" deferred", "yellow")] if track.deferred else []))
    table = _table(title, lines=True)
    # a track without a status quo (a negotiation game, a Genius domain) names none, not even here
    _text_column(table, "issue (values; status quo)" if track.has_status_quo else "issue (values)", ratio=2)
    _text_column(table, "stances (veto players marked)", ratio=3)
    for issue in track.issues:
        about = Text(visible(issue.label), style="bold")
        about.append(f"\n{visible(describe.domain_text(issue))}", style="dim")
        if track.has_status_quo:  # a track without one (a negotiation game, a Genius domain) shows none
            about.append(f"\nstatus quo: {visible(describe.status_quo_text(issue))}", style="dim")
        stances = Text()
        for k, a in enumerate(track.participants):
            pos = issue.positions.get(a)
            stances.append(("\n" if k else "") + visible(names[a]), style="bold")
            if a in track.vetoes:
                stances.append(" (veto)", style="red")
            stances.append(": " + (visible(describe.position_text(issue, pos)) if pos else "-"))
        table.add_row(about, stances)
    return table


def show_scenario_factors(console: Console, scenario: Scenario) -> None:
    """Per common factor: its title, note and source, and every estimate that loads on it (those
    of sections the summary does not print, such as a crisis's terms, included)."""
    from ..factors import factor_loadings
    from ..report.factors_section import LOADINGS

    loadings = factor_loadings(scenario)
    for f in scenario.factors:
        table = _table(Text.assemble("Factor: ", (visible(f.title), "bold"), (f" ({visible(f.id)})", "dim")))
        _text_column(table, "estimate", ratio=3)
        _number_column(table, "loading")
        _text_column(table, "moves", ratio=1)
        _text_column(table, "field", ratio=2)
        for e in loadings[f.id]:
            _row(table, e.label, f"{e.loading:+g}", e.moves, e.field)
        console.print(table)
        if f.note:
            _say(console, f.note.strip(), indent=2)
        if f.source:
            where = f", {f.source.locator}" if f.source.locator else ""
            _say(console, f"source: {f.source.id}{where}", indent=2)
        _say(console, LOADINGS if loadings[f.id] else "No uncertain estimate loads on this factor.",
             style="dim", indent=2)


def show_conflicts(console: Console, scenario: Scenario) -> None:
    """Per conflict: each decision maker's options (numbered as in statements) and
    preferences, then its size, rules, status quo, misperceptions and coalitions."""
    from ..stability.summary import conflict_lines, conflict_model, preferences_text

    names = {a.id: a.name for a in scenario.actors}
    for c in scenario.conflicts:
        model = conflict_model(c)
        title = Text.assemble("Conflict: ", (visible(c.title), "bold"), (f" ({visible(c.id)})", "dim"))
        table = _table(title, lines=True)
        for col in ("decision maker", "options (number id: title)", "preferences"):
            _text_column(table, col)
        number = 0
        for dm in c.decision_makers:
            options = []
            for o in dm.options:
                number += 1
                options.append(f"{number} {o.id}: {o.title}")
            _row(table, f"{names.get(dm.id, dm.id)} ({dm.id})", "\n".join(options),
                 preferences_text(c.preferences[dm.id]))
        console.print(table)
        for line in conflict_lines(c, names, model):
            _say(console, line, indent=2)


def show_overview(console: Console, result: OverviewResult, scenario: Scenario) -> None:
    """Each track's verdict, veto players, size and the reason for the verdict."""
    table = _table("Tracks at a glance", expand=True)
    _text_column(table, "track", ratio=2)
    table.add_column("verdict", no_wrap=True)
    _text_column(table, "veto players", ratio=2)
    _number_column(table, "outcomes")
    _text_column(table, "why", ratio=5)
    for t in result.tracks:
        word = t.verdict.word
        _row(table, t.title, cell(word, _VERDICT_STYLE[word]), ", ".join(t.veto_players), f"{t.n_outcomes:,}",
             t.verdict.reason)
    console.print(table)


#: A number as the result tables print it: "1,234", "-0.5", "62%", "100%*", "+0.40", "10.5 †", "—".
_NUMBER = re.compile(r"^(?:[-+−~<>]?[\d.,]+(?:e[-+]?\d+)?%?\*?(?: †)?|[-—–]|n/a|nan)?$")


def _numbers(values: list[str]) -> bool:
    """Whether a column holds only numbers (and dashes): then it is right-aligned and never wraps."""
    return all(_NUMBER.match(v.strip()) for v in values)


def _rows_table(title: object, rows: list[dict[str, str]] | tuple[list[str], list[list[str]]]) -> Table:
    """A table of words: rows as dicts of column -> text (or columns and lists of cells); a column
    of numbers never wraps, every other one wraps and folds long words."""
    if isinstance(rows, tuple):
        cols, body = list(rows[0]), [list(r) for r in rows[1]]
    else:
        cols, body = (list(rows[0]) if rows else []), [list(r.values()) for r in rows]
    table = _table(title)
    for k, col in enumerate(cols):
        values = [str(r[k]) for r in body]
        if values and _numbers(values):
            _number_column(table, col, justify="left")
        else:
            _text_column(table, col)
    for r in body:
        _row(table, *r)
    return table


def show_generic(console: Console, name: str, result: Any) -> None:
    """Fallback for results without their own terminal renderer: the result's main table."""
    frame = result.to_frame()
    cols = [str(c) for c in frame.columns]
    rows = [[f"{v:.3g}" if isinstance(v, float) else str(v) for v in row]
            for row in frame.head(30).itertuples(index=False)]
    console.print(_rows_table(name, (cols, rows)))


def _renderers() -> dict[type, Any]:
    """Result type -> the function that prints it."""
    from ..consistency import ConsistencyResult
    from ..deterrence.analysis import DeterrenceResult
    from ..escalation.analysis import EscalationResult
    from ..factors import FactorsResult
    from ..forecast.analysis import ForecastResult
    from ..hinges import HingesResult
    from ..negotiation.analysis import NegotiationAnalysisResult
    from ..process import ProcessResult
    from ..selfdetermination.analysis import SelfDeterminationResult
    from ..space import AgreementSpaceResult
    from ..stability.analysis import StabilityResult

    return {OverviewResult: show_overview, AgreementSpaceResult: show_agreement,
            ProcessResult: show_process, StabilityResult: show_stability,
            DeterrenceResult: show_deterrence, EscalationResult: show_escalation,
            SelfDeterminationResult: show_self_determination, ForecastResult: show_forecast,
            NegotiationAnalysisResult: show_negotiation, ConsistencyResult: show_consistency,
            FactorsResult: show_factors, HingesResult: show_hinges}


def show_hinges(console: Console, result, scenario: Scenario) -> None:
    """What each headline hinges on: its switching values, a sentence per headline."""
    from ..hinges import hinge_sentence

    for h in result.hinges:
        _say(console, f"- {hinge_sentence(h)}", indent=2)
        if h.note:
            _say(console, h.note, style="dim", indent=4)
    for note in result.notes:
        _say(console, note, style="dim", indent=2)


def show_consistency(console: Console, result, scenario: Scenario) -> None:
    """The run's closing block: what each link changed, a sentence per link, then the
    consistency check's warnings (and the variants a scenario declares on purpose)."""
    from ..report.summary import CONSISTENCY_LABELS

    if result.link_effects:
        console.print("[bold]What the links between tracks and analyses changed[/]")
        for link in result.link_effects:
            _say(console, f"- {link.sentence}", indent=2)
    found = len(result.warnings)
    head = f"{found} contradiction{'s' if found != 1 else ''} found" if found else "no contradiction found"
    console.print(Text.assemble(("Consistency check", "bold"), f": {head}; checked: ",
                                visible(", ".join(result.checked))))
    for w in result.warnings + result.variants:
        style = "yellow" if w.kind != "declared-variant" else "dim"
        label = visible(CONSISTENCY_LABELS.get(w.kind, w.kind))
        line = Text.assemble((label, style), ": ", visible(w.sentence))
        console.print(Padding(line, (0, 0, 0, 2), expand=False))
    for note in result.notes:
        _say(console, note, style="dim", indent=2)


def show_result(console: Console, name: str, result: Any, scenario: Scenario) -> None:
    """Print a result with its own renderer, or as a generic table for analyses without one."""
    render = _renderers().get(type(result))
    if render is None:
        show_generic(console, name, result)
    else:
        render(console, result, scenario)


def show_negotiation(console: Console, result, scenario: Scenario) -> None:
    """Per track: how the talks go with every party on one strategy, and the tournament table."""
    from ..report.negotiation_section import run_sentence, strategy_table, track_notes
    from ..report.wording import Words

    words = Words(scenario)
    for t in result.tracks:
        if t.skipped:
            _say(console, f"{t.title}: not simulated ({t.skipped})", style="dim")
            continue
        console.print(_rows_table(f"Negotiation: {t.title}", strategy_table(t.strategies, t.any_deal)))
        for note in track_notes(t):
            _say(console, note)
        _say(console, run_sentence(t, words))


def show_stability(console: Console, result, scenario: Scenario) -> None:
    """Per conflict: each state (GMCR+ number and Y/N label) with the decision makers for which
    it is stable under each concept, and the same per player when the conflict has coalitions."""
    from ..report.stability_section import equilibria_sentence, path_sentences, shown_states
    from ..stability.analysis import CONCEPT_TITLES

    names = {a.id: a.name for a in scenario.actors}
    for note in result.notes:
        _say(console, note, style="dim")
    for c in result.conflicts:
        shown = shown_states(c)
        caption = (f"{len(shown)} of {c.total_states:,} states shown (status quo, paths, equilibria)"
                   if len(shown) < c.total_states else None)
        console.print(_stability_table(console, f"Conflict stability: {c.title}", c, shown,
                                       result.concepts, c.decision_makers, c.stable, c.equilibria, caption),
                      crop=False)
        _say(console, "#: GMCR+ state number; options: " + ", ".join(f"{o} ({dm})" for o, _, dm in c.options))
        for dm, states in c.misperceived.items():
            _say(console, f"{names.get(dm, dm)} misperceives {', '.join(states)} (no move to or from them)")
        _say(console, equilibria_sentence(c))
        for note in c.left_out:
            _say(console, note + ".", style="dim")
        for line in path_sentences(c, names):
            _say(console, line, indent=2)
        if c.coalitions:
            concepts = tuple(k for k in result.concepts if k in c.coalition_stable)
            console.print(_stability_table(console, f"Coalition stability: {c.title}", c, shown,
                                           concepts, c.coalitions, c.coalition_stable, c.coalition_equilibria,
                                           caption),
                          crop=False)
            _say(console, "Players: the coalitions analysed as one each (a coalition improves when every "
                 "member gains), every other decision maker alone. Equilibria — " + "; ".join(
                     f"{CONCEPT_TITLES[k]}: {', '.join(c.coalition_equilibria[k]) or 'none'}"
                     for k in concepts) + ".")
        for note in c.coalition_notes:
            _say(console, note, style="dim")


def _stability_table(console: Console, title: str, c, shown, concepts, players, stable, equilibria,
                     caption: str | None) -> Table:
    """States as rows, concepts as columns, each cell the players for which the state is
    stable ("EQ all" at an equilibrium); labels and names are never cut short."""
    from ..stability.analysis import CONCEPT_TITLES

    table = _table(title, caption=caption)
    _number_column(table, "#")
    table.add_column("state", no_wrap=True)
    for k in concepts:
        _text_column(table, CONCEPT_TITLES[k])
    index = {label: k for k, label in enumerate(c.states)}
    eq_sets = {k: set(equilibria[k]) for k in concepts}
    for label in shown:
        s = index[label]
        cells: list[object] = []
        for k in concepts:
            who = "\n".join(p for i, p in enumerate(players) if stable[k][s][i])
            cells.append(Text.assemble(("EQ", "bold green"), " all") if label in eq_sets[k] else who)
        _row(table, str(c.number(s)), label + (" (sq)" if label == c.status_quo else ""), *cells)
    longest = max((len(w) for p in players for w in p.split()), default=1)
    needed = (len(str(c.total_states)) + len(c.states[0]) + 5 + len(concepts) * longest
              + 3 * (len(concepts) + 2) + 1)
    if needed > console.width:  # wider than the terminal (printed uncropped) rather than cut short
        table.width = needed
    return table


def show_agreement(console: Console, result, scenario: Scenario) -> None:
    """Per track: how many outcomes pass, the Nash compromise (an issue a line), and whether it passes the
    indivisible-security test (the track's verdict is the overview's, printed in Tracks at a glance)."""
    from ..report.wording import Words, fmt

    words = Words(scenario)
    table = _table("Agreement space per track", lines=True, expand=True)
    _text_column(table, "track", ratio=3)
    _text_column(table, "outcomes passing", ratio=2)
    _text_column(table, "Nash compromise", ratio=5)
    _text_column(table, "indivisible security", width=len("indivisible"))
    notes = []
    for t in result.tracks:
        if t.deferred:
            _row(table, t.title, cell("deferred: not analysed", "dim"), "", "")
            continue
        passing = "n/a" if t.n_agreeable is None else f"{t.n_agreeable:,} of {t.n_outcomes:,}"
        nash = next((s for s in t.solutions if s.concept == "nash"), None)
        # issue=value as negotiate writes an outcome, one issue per line
        compromise = "\n".join(f"{k}={fmt(v)}" for k, v in nash.outcome.items()) if nash else ""
        secure = "" if nash is None else ("passes" if nash.indivisible else
                                          "fails: " + ", ".join(nash.below_baseline))
        _row(table, t.title, passing, compromise, secure)
        if words.compromise(t):
            notes.append((t.title, "the compromise against no deal", words.compromise(t)))
        if t.diagnosis is not None:
            notes.append((t.title, "what blocks a deal", words.diagnosis(t)))
        if t.notes:
            notes.append((t.title, "note", list(t.notes)))
    console.print(table)
    for title, heading, sentences in notes:
        console.print(Text.assemble((visible(title), "bold"), f": {heading}"))
        for s in sentences:
            _say(console, f"- {s}", indent=2)


def show_process(console: Console, result, scenario: Scenario) -> None:
    """Designs side by side (numbered columns, keyed below, to fit 80 columns), each track's chance
    under each, the forums, and the claims answered."""
    from ..report.process_words import (
        DESIGN_NAMES,
        SHORT_KEY,
        claim_question,
        claim_sentence,
        deal_lines,
        draws_words,
        pct_short,
    )
    from ..report.wording import Words

    words = Words(scenario)
    table = _table(f"Process designs over {draws_words(result.draws)} (seed {result.seed}; {SHORT_KEY})",
                   box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    _text_column(table, "track")
    for k, _ in enumerate(result.designs, start=1):
        _number_column(table, str(k))
    for t in result.tracks:
        _row(table, words.tracks.get(t, t), *[pct_short(d.p_track[t]) for d in result.designs])
    means = [f"{d.mean_agreed.value:.2f}" + "*" * d.mean_agreed.structural for d in result.designs]
    _row(table, cell("tracks agreed (mean)", "bold"), *means)
    _row(table, cell("at least one", "bold"), *[pct_short(d.p_any) for d in result.designs])
    _row(table, cell("all", "bold"), *[pct_short(d.p_all) for d in result.designs])
    console.print(table)
    _say(console, "Designs: " + "; ".join(f"{k} {DESIGN_NAMES[d.design]}"
                                          for k, d in enumerate(result.designs, start=1)) + ".", style="dim")
    console.print("[bold]What each design agrees, issue by issue[/] (most frequent option or mean "
                  "where agreed)")
    for line in deal_lines(result, words):
        _say(console, line)
    for fc in result.forums:
        ratify = any(f.p_ratified is not None for f in fc.forums)
        cols = ["forum", "parties", "agrees", *(["agreed and ratified"] if ratify else []),
                "win-set (share of outcomes)"]
        rows = [[f.title, str(f.parties), pct_short(f.p_agree),
                 *([pct_short(f.p_ratified) if f.p_ratified is not None else "-"] if ratify else []),
                 f"{f.winset.value:.1%}"] for f in fc.forums]
        console.print(_rows_table(f"Forums for {words.tracks.get(fc.track, fc.track)}", (cols, rows)))
    for claim in result.claims:
        console.print(Text.assemble((visible(claim_question(result, claim, words)), "bold"), " ",
                                    visible(claim_sentence(result, claim, words))))
    _show_drivers(console, result, words)


def _show_drivers(console: Console, result, words) -> None:
    """Only the inputs that drive a result beyond chance, with their effect and Holm p; one
    sentence where none does."""
    from ..report.process_words import NO_DRIVERS, driver_rows

    rows = driver_rows(result, words)
    if not rows:
        _say(console, NO_DRIVERS)
        return
    console.print(_rows_table("What drives agreement (permutation test, Holm's correction at 1%)", rows))


def show_deterrence(console: Console, result, scenario: Scenario) -> None:
    """Per crisis: how often deterrence holds and why it fails, and each guarantee's chance of responding."""
    from ..report.deterrence_section import (
        crisis_sentence,
        frontier_rows,
        guarantee_rows,
        link_sentences,
        nominal_sentence,
    )
    from ..report.process_words import draws_words

    names = {a.id: a.name for a in scenario.actors}
    for note in result.notes:
        _say(console, note, style="dim")
    for c in result.crises:
        console.print(cell(c.title, "bold"))
        _say(console, crisis_sentence(c, names))
        _say(console, nominal_sentence(c), style="dim")
        for sentence in link_sentences(c):
            _say(console, sentence)
        front = frontier_rows(c)
        if front:
            console.print(_rows_table("Deterrence and acceptability: the best outcomes", front))
        rows = guarantee_rows(c, names)
        if rows:
            console.print(_rows_table(f"Guarantees ({draws_words(result.draws)}, seed {result.seed}; "
                                      "averages with their spread over the inputs)", rows))
    _show_variants(console, result.variants, scenario)


def show_escalation(console: Console, result, scenario: Scenario) -> None:
    """The headline risk, the risk by theatre and horizon, and what each measure takes off."""
    from ..escalation.risk import BASELINE, PACKAGE
    from ..report.escalation_section import effect_rows, headline, link_sentences, shown_rungs

    _say(console, headline(result), style="bold")
    package = PACKAGE in result.scenarios
    risk = _table("Escalation risk by theatre and horizon (mean" + (
        ": no measures → all measures)" if package else ", no measures)"))
    _text_column(risk, "theatre")
    _number_column(risk, "months")
    for rung in shown_rungs(result):
        _text_column(risk, rung, justify="right")
    for t, title in result.theatres.items():
        for k, h in enumerate(result.horizons):
            cells = []
            for rung in shown_rungs(result):
                text = f"{100 * result.risk(BASELINE, t, h, rung).mean:.1f}%"
                if package:
                    text += f" → {100 * result.risk(PACKAGE, t, h, rung).mean:.1f}%"
                cells.append(text)
            _row(risk, title if k == 0 else "", str(h), *cells, end_section=k == len(result.horizons) - 1)
    console.print(risk)
    rows = effect_rows(result)
    if rows:
        console.print(_rows_table("Risk reduction by measure, any theatre, longest horizon", rows))
    for sentence in link_sentences(result):
        _say(console, sentence)
    _show_variants(console, result.variants, scenario)
    _say(console, f"Ranges are the central {round(100 * result.level)}% of each figure's spread over the "
         "uncertain inputs, not Monte Carlo error; a figure without one is the same in every draw "
         "(structural); 'any theatre' assumes the theatres escalate "
         "independently; the lower rungs and the measures' effects are judgement (see the "
         "scenario's sources).", style="dim")


def _show_variants(console: Console, ranges, scenario: Scenario | None = None) -> None:
    """Each headline across the model variants, beside its interval over the inputs; with the
    scenario, each variant's reasons and source."""
    from ..report.variant_words import range_sentence, variant_rows

    for v in ranges:
        _say(console, range_sentence(v))
        console.print(_rows_table(f"{v.headline}, by model variant", variant_rows(v, scenario)))


def show_self_determination(console: Console, result, scenario: Scenario) -> None:
    """Past cases against the criteria, with symbols and the count met."""
    from ..report.selfdetermination_section import LEGEND, case_label, symbol

    table = _table("Criteria for legitimate self-determination, applied to past cases")
    _text_column(table, "case", ratio=1)
    for k, _ in enumerate(result.criteria, start=1):  # numbered columns, keyed below, to fit a terminal
        _number_column(table, str(k), justify="center")
    _number_column(table, "met")
    for case in result.cases:
        _row(table, case_label(case), *[symbol(case, c.id) for c in result.criteria],
             f"{case.met} of {case.assessed}")
    console.print(table)
    _say(console, "; ".join(f"{k} {c.label}" for k, c in enumerate(result.criteria, start=1)) + ".")
    _say(console, LEGEND, style="dim")


def show_forecast(console: Console, result, scenario: Scenario) -> None:
    """Each numeric issue, by track: the status quo, every model's central forecast and the Nash
    solution; the models' range, an issue a line, under the table (to fit 80 columns)."""
    from ..report.forecast_section import (
        AGREED_LABEL,
        acceptable_text,
        agreed_central,
        agreed_range_text,
        agreed_sentence,
        agreement_words,
        beyond_words,
        bounded,
        by_track,
        flag,
        headline_words,
        issue_label,
        model_name,
        model_range_text,
        num,
        plain,
        solution_text,
    )
    from ..report.wording import Words

    if not result.issues:
        _say(console, "No numeric issue to forecast.", style="dim")
        return
    tracks = Words(scenario).tracks
    table = _table(f"Forecasts of the numeric issues (central values; {round(100 * result.level)}% "
                   f"intervals over {result.draws:,} draws in results.json)", box=box.SIMPLE_HEAD,
                   pad_edge=False)
    _text_column(table, "issue", ratio=1, min_width=16)
    with_sq = any(i.status_quo is not None for i in result.issues)  # none on games, Genius domains
    if with_sq:
        _number_column(table, "status quo")
    for m in result.models:
        _number_column(table, f"{m} (lead)" if m == result.lead and len(result.models) > 1 else m)
    _number_column(table, "Nash")
    ranges: list[tuple[str, str]] = []
    for track, issues in by_track(result).items():
        _row(table, cell(tracks.get(track, track), "bold"))
        for k, i in enumerate(issues):
            sq = [plain(i.status_quo) if i.status_quo is not None else ""] if with_sq else []
            last = k == len(issues) - 1
            central = [num(i, i.model(m).nominal) + flag(i, m) for m in result.models]
            _row(table, issue_label(i), *sq, *central, solution_text(i, "nash"),
                 end_section=last and not bounded(i))
            if model_range_text(i):
                ranges.append((issue_label(i), model_range_text(i)))
            if bounded(i):  # the forecasts conditional on agreement, within the acceptable set
                _row(table, f"↳ {AGREED_LABEL} (acceptable: {acceptable_text(i)})",
                     *([""] if with_sq else []),
                     *[agreed_central(i, i.on_agreement(m)) for m in result.models], "", end_section=last)
                if agreed_range_text(i):
                    ranges.append((f"{issue_label(i)}, {AGREED_LABEL}", agreed_range_text(i)))
    console.print(table)
    if ranges:
        console.print("[bold]Model range[/] (the lowest and highest central forecast, and the models "
                      "that give them)")
        for label, span in ranges:
            _say(console, f"{label}: {span}", indent=2)
    words = Words(scenario).actors
    for i in result.issues:  # the headline model beyond a red line: say so, and where an agreement lands
        beyond = beyond_words(i, result.lead, words)
        if beyond:
            _say(console, f"{i.title}: {model_name(result.lead)}'s forecast lies {beyond}. "
                 + agreed_sentence(i, result.lead, words))
    _say(console, headline_words(result) + agreement_words(result), style="dim")
    _say(console, "mean: the compromise model (capability x salience weighted mean); median: weighted "
         "median; challenge: expected-utility challenge model; condorcet: probabilistic Condorcet "
         "model; Nash: the Nash bargaining solution of the track's agreement space (— where the "
         "agreement space gives none).", style="dim")
    for note in result.notes:
        _say(console, note, style="dim")


def show_factors(console: Console, result, scenario: Scenario) -> None:
    """Per common factor: what it stands for, the estimates it moves with their loadings, and how
    the headline numbers move with it over the draws, strongest first."""
    from ..report.factors_section import (
        LOADINGS,
        effects_caption,
        intro,
        shown_effects,
        source_text,
        strongest_sentence,
        value,
    )

    for f in result.factors:
        console.print(_heading(f.title, f"({f.id})"))
        if f.note:
            _say(console, f.note.strip())
        if f.source:
            _say(console, f"Source: {source_text(f, scenario)}", style="dim")
        _say(console, strongest_sentence(f, result.draws), style="bold")
        if f.estimates:
            moved = _table("Estimates the factor moves", expand=True)
            _text_column(moved, "estimate", ratio=1)
            _number_column(moved, "loading")
            moved.add_column("moves", no_wrap=True)
            for e in f.estimates:
                _row(moved, e.label, f"{e.loading:+.2g}", e.moves)
            console.print(moved)
            _say(console, LOADINGS, style="dim")
        shown = shown_effects(f)
        if shown:
            title = f"Headline numbers by the factor ({result.draws:,} draws, seed {result.seed})"
            table = _table(title, expand=True)
            table.add_column(Text.assemble("headline ", ("(analysis)", "dim")), ratio=1, overflow="fold")
            for col in ("rank corr.", "strength", "Holm p", "factor low", "factor high"):
                if col == "strength":
                    _text_column(table, col)
                else:
                    _number_column(table, col)
            for e in shown:
                _row(table, Text.assemble(visible(e.label), (f" ({visible(e.analysis)})", "dim")),
                     f"{e.rank_correlation:+.2f}", e.strength, f"{e.p_value:.2g}", value(e, e.low_third),
                     value(e, e.high_third))
            console.print(table)
            _say(console, "factor low / high: the headline's mean when the factor is in its lowest / highest "
                 "third of draws. " + effects_caption(f), style="dim")
    _say(console, intro(result), style="dim")
    for note in result.notes:
        _say(console, note, style="dim")


def show_evaluation(console: Console, result) -> None:
    """Proposals ranked: per track the outcome and share passing, per party the share accepting
    and why not, the effects on linked analyses and the nearest passing outcomes."""
    console.print(f"[bold]Proposals on {safe(result.scenario)}[/bold] ({result.draws} draws, seed "
                  f"{result.seed}); ranked by {safe(result.ranking)}")
    for p in result.proposals:
        console.print(f"\n[bold]{p.rank}. {safe(p.id)}[/bold]: {safe(p.title)} -- every track passes in "
                      f"{_pct(p.joint)} of draws; mean party acceptance {_pct(p.mean_acceptance)}")
        for t in p.tracks:
            terms = ", ".join(f"{k} {v}" for k, v in t.outcome.items())
            left = f" (left open, best completion: {', '.join(t.open_issues)})" if t.open_issues else ""
            _say(console, f"Track {t.track}: {terms}{left}; passes in {_pct(t.passes)}", indent=2)
            table = _table(show_edge=False, pad_edge=False)
            _text_column(table, "party")
            table.add_column("veto", no_wrap=True)
            _number_column(table, "accepts")
            _text_column(table, "why not (share of draws)")
            for v in t.parties:
                why = "; ".join(f"{r.detail} ({_pct(r.share)})" for r in v.reasons) or "-"
                _row(table, v.party, "yes" if v.veto else "", _pct(v.accepts), why)
            console.print(table)
            for r in t.blocked_by:
                _say(console, f"blocked: {r.detail} in {_pct(r.share)} of draws", indent=4)
            for n in t.nearest:
                change = ", ".join(f"{k} {a} -> {b}" for k, (a, b) in n.changes.items())
                _say(console, f"nearer to passing: {change} (passes in {_pct(n.passes)})", indent=4)
            if t.note:
                _say(console, t.note, indent=4)
        for e in p.effects:
            base = "" if e.baseline is None else f" ({e.baseline_label}: {_pct(e.baseline)})"
            _say(console, f"{e.analysis}: {e.headline}: {_pct(e.with_proposal)}{base}", indent=2)
        for note in p.notes:
            _say(console, note, style="dim", indent=2)


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"
