"""HTML of the page and of the results fragment, from a session (templates do the layout)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..analysis import available
from ..montecarlo.stats import MC, SPREAD, STRUCTURAL
from ..overview import OverviewResult
from ..report import html as _report_html  # noqa: F401  (registers the report's section renderers)
from ..report.sections import render_section
from ..scenario import builtins
from . import proposing
from .compare_view import comparison
from .kinds import KIND_WORDS, count_kinds, kinds_words, total_kinds
from .sessions import Session
from .settings import WebSettings
from .views import form_view


def environment() -> Environment:
    env = Environment(loader=PackageLoader("multitrack.web", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.globals.update(pct=percent, outcome_text=outcome_text)
    return env


@cache
def builtin_choices() -> tuple[tuple[str, str], ...]:
    """Each built-in scenario's name and title for the picker, read once: parsing the shipped files
    took 0.4 s of every page view, so 210 cookie-less image requests cost the server 17 s."""
    return tuple((name, builtins.describe(name)) for name in builtins.names())


def percent(share: float) -> str:
    """A share of draws as people read it: ``96%``; ``<1%`` and ``>99%`` near the ends."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{100 * share:.0f}%"


def outcome_text(outcome: dict) -> str:
    """An outcome ``{issue: value}`` as ``issue = value, ...``."""
    return ", ".join(f"{issue} = {value:g}" if isinstance(value, float) else f"{issue} = {value}"
                     for issue, value in outcome.items())


def page(env: Environment, session: Session, settings: WebSettings) -> str:
    """The whole page: scenario picker, the scenario as a form, the run panel and the results."""
    session.collect()
    draft = session.draft
    form = form_view(draft.data, draft.scenario, draft.problems) if draft else None
    status = session.job.status().to_dict() if session.job else {"state": "idle"}
    return env.get_template("page.html").render(
        draft=draft, form=form, messages=session.take_messages(), status=status,
        builtins=builtin_choices(),
        draws=session.draws if session.draws is not None else settings.default_draws,
        seed=session.seed if session.seed is not None else settings.default_seed,
        settings=settings, results=Markup(results(env, session)), size_text=size_text,
        proposal_tracks=proposing.choices(draft.scenario) if draft and draft.scenario else [],
        slots=range(1, proposing.SLOTS + 1))


def results(env: Environment, session: Session) -> str:
    """The results fragment: a verdict per track, then each analysis's report section."""
    session.collect()
    extra = {"evaluation": session.evaluation, "comparison": comparison(session),
             "evaluation_current": session.draft is not None
             and session.evaluation_version == session.draft.version}
    if session.results is None:
        return env.get_template("results.html").render(sections=None, **extra)
    scenario = session.results_scenario
    assert scenario is not None  # results always come with the scenario they were computed on
    titles = {spec.name: spec.title for spec in available()}
    sections = [(name, titles.get(name, name), render_section(result, scenario),
                 kinds_words(count_kinds(result))) for name, result in session.results.items()]
    total = total_kinds(session.results)
    key = [(kind, *KIND_WORDS[kind], total[kind]) for kind in (STRUCTURAL, SPREAD, MC) if total[kind]]
    return env.get_template("results.html").render(
        sections=sections, verdicts=verdicts(session.results), current=session.results_current,
        scenario=scenario, kinds=key, **extra)


def verdicts(results: dict[str, Any]) -> list[dict[str, str]]:
    """Per track, the verdict the overview result gives it (the report prints the same)."""
    overview = next((r for r in results.values() if isinstance(r, OverviewResult)), None)
    if overview is None:
        return []
    return [{"id": t.track_id, "title": t.title, "status": t.verdict.slug, "words": t.verdict.word,
             "reason": t.verdict.reason} for t in overview.tracks]


def size_text(n: int) -> str:
    """A byte count as people read it: ``1 MiB``, ``2 KiB``."""
    return f"{n / 1024 / 1024:g} MiB" if n >= 1024 * 1024 else f"{n / 1024:g} KiB"
