"""``multitrack brief SCENARIO``: the one-page brief in plain language, in the terminal, or written
as Markdown, HTML or a one-page PDF (printed by headless Chromium).

The command loads and runs the scenario exactly as ``analyze`` does; ``cli/app.py`` hands it its own
helpers (:func:`make_brief_command`) so that this module does not import the app that registers it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

_SET_HELP = "A scenario value by path or an analysis setting, as for analyze (repeatable)."


@dataclass(frozen=True)
class RunHelpers:
    """What ``analyze`` uses to read --set, load the changed scenario, run it and fail in one line."""

    split_sets: Callable[[list[str]], tuple[list[str], list[str]]]
    load_changed: Callable[[str, list[str], str | None], Any]
    settings: Callable[[list[str]], dict[str, dict[str, object]]]
    run: Callable[..., dict[str, Any]]
    run_draws: Callable[[int | None, int | None, int | None], dict[str, int]]
    fail: Callable[[str], None]
    out: Any


def make_brief_command(helpers: RunHelpers) -> Callable[..., None]:
    """The ``brief`` command, running scenarios with ``helpers``."""
    global _HELPERS
    _HELPERS = helpers
    return brief_command


_HELPERS: RunHelpers | None = None


def brief_command(
    scenario: str = typer.Argument("european-security", help="Built-in name or path to a YAML file."),
    setting: list[str] | None = typer.Option(None, "--set", help=_SET_HELP),
    variant: str | None = typer.Option(None, "--variant", help="Run the named variant of the scenario."),
    draws: int | None = typer.Option(None, "--draws", help="Draws of every uncertain estimate "
                                     "(default 1000)."),
    seed: int | None = typer.Option(None, "--seed", help="Root seed of the run's draws (default 20240601)."),
    markdown: Path | None = typer.Option(None, "--markdown", help="Write the brief as Markdown to "
                                         "this file."),
    html: Path | None = typer.Option(None, "--html", help="Write the brief as an HTML page to this file."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the brief as a one-page A4 PDF to this file "
                                    "(needs Chromium: /usr/bin/chromium)."),
) -> None:
    """The brief: what can be agreed and on what terms, what blocks (whose red line against whose),
    what each answer hinges on, the contradictions found, and which findings rest on sources and
    which on judgement. Printed to the terminal unless --markdown, --html or --pdf is given."""
    from ..brief import build_brief
    from ..errors import MultitrackError
    from ..report.brief_section import brief_markdown, brief_page, brief_text
    from ..report.files import atomic_write_text
    from ..report.pdf import chromium_path, html_to_pdf
    h = _HELPERS
    assert h is not None, "registered through make_brief_command"
    _fail, _load_changed, _run, _run_draws = h.fail, h.load_changed, h.run, h.run_draws
    _settings, _split_sets, out = h.settings, h.split_sets, h.out

    if pdf is not None:  # before the run: a missing browser is known at once
        try:
            chromium_path()
        except MultitrackError as exc:
            _fail(str(exc))
    scenario_sets, analysis_sets = _split_sets(setting or [])
    model = _load_changed(scenario, scenario_sets, variant)
    run = _run_draws(draws, seed, None)
    results = _run(model, None, _settings(analysis_sets), (draws, seed, None), 1, None, None,
                       quiet=True)
    brief = build_brief(model, results, run=f"Over {run['draws']:,} draws of the uncertain estimates "
                                           f"(seed {run['seed']}).")
    written = []
    try:
        if markdown is not None:
            atomic_write_text(markdown, f"# {brief.title}\n\n" + brief_markdown(brief))
            written.append(markdown)
        if html is not None:
            atomic_write_text(html, brief_page(brief))
            written.append(html)
        if pdf is not None:
            written.append(html_to_pdf(brief_page(brief), pdf))
    except OSError as exc:
        _fail(f"cannot write: {exc.strerror or exc}")
    except MultitrackError as exc:
        _fail(str(exc))
    if not written:
        for line in brief_text(brief):
            out.print(line, markup=False, soft_wrap=True)
    for path in written:
        out.print(f"wrote {path}", markup=False)
