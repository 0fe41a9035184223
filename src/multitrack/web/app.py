"""The FastAPI app: routes that load, edit and analyse a scenario per browser session.

Every POST changes only the caller's own session (making one when the cookie names none) and
answers with a redirect to the page (or JSON when asked for it); GETs never change anything but the
session's message queue, and a GET without a session makes none (it sees an empty page).
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import PurePosixPath

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .._version import __version__
from ..errors import ScenarioError
from ..report.html import render_html
from ..scenario import builtins
from . import draft as drafts
from . import pages, proposing
from .editing import EditError, add_red_line, apply_fields, apply_memberships, parse_key, remove_red_line
from .guards import Guard
from .limits import RunRefused, check_space, check_time, check_work, run_options
from .runner import Job, recorder
from .sessions import COOKIE, Session, SessionStore
from .settings import WebSettings


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """A new app with its own sessions; ``settings`` holds the limits (defaults: WebSettings())."""
    settings = settings or WebSettings()
    app = FastAPI(title="multitrack", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.sessions = SessionStore(settings.max_sessions)
    app.state.gate = threading.Semaphore(settings.max_concurrent_runs)
    app.state.env = pages.environment()
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(Guard, max_body=settings.max_body_bytes,
                       note=f" (scenario files up to {pages.size_text(settings.max_upload_bytes)})")
    _routes(app)
    app.get("/static/plotly.js", include_in_schema=False)(_plotly)
    app.mount("/static", StaticFiles(packages=[("multitrack.web", "static")]), name="static")
    return app


def _routes(app: FastAPI) -> None:
    app.get("/", response_class=HTMLResponse)(index)
    app.post("/scenario/builtin")(load_builtin)
    app.post("/scenario/upload")(upload)
    app.post("/scenario/edit")(edit)
    app.post("/run")(run)
    app.post("/cancel")(cancel)
    app.post("/proposals/evaluate")(evaluate)
    app.get("/progress")(progress)
    app.get("/results", response_class=HTMLResponse)(results)
    app.get("/download/scenario.yaml")(download_yaml)
    app.get("/download/report.html")(download_report)


# ---- sessions ----------------------------------------------------------------------------------

def _session(request: Request) -> tuple[Session, bool]:
    """For a POST: the caller's session, or a new stored one (True) when the cookie names none."""
    store: SessionStore = request.app.state.sessions
    session = store.get(request.cookies.get(COOKIE))
    return (session, False) if session is not None else (store.create(), True)


def _viewed(request: Request) -> Session:
    """For a GET: the caller's session, or a throw-away empty one that is never stored (so a
    cookie-less request leaves no state behind and cannot push another session out)."""
    session = request.app.state.sessions.get(request.cookies.get(COOKIE))
    return session if session is not None else Session("")


def _answer(response: Response, session: Session, new: bool) -> Response:
    """Set the session cookie on a new session's first answer; nothing the app answers is cached."""
    if new:
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="strict", path="/")
    response.headers["cache-control"] = "no-store"
    return response


def _back(request: Request, session: Session, new: bool) -> Response:
    """After a POST: JSON for scripts that ask for it, else a redirect to the page."""
    if "application/json" in request.headers.get("accept", ""):
        status = session.job.status().to_dict() if session.job else {"state": "idle"}
        return _answer(JSONResponse({"status": status, "messages": session.take_messages()}), session, new)
    return _answer(RedirectResponse("/", status_code=303), session, new)


# ---- pages -------------------------------------------------------------------------------------

def index(request: Request) -> Response:
    session, new = _viewed(request), False
    with session.lock:
        html = pages.page(request.app.state.env, session, request.app.state.settings)
    return _answer(HTMLResponse(html), session, new)


def results(request: Request) -> Response:
    session, new = _viewed(request), False
    with session.lock:
        html = pages.results(request.app.state.env, session)
    return _answer(HTMLResponse(html), session, new)


def progress(request: Request) -> Response:
    session = request.app.state.sessions.get(request.cookies.get(COOKIE))
    status = session.job.status().to_dict() if session and session.job else {"state": "idle"}
    if session is not None:
        with session.lock:
            session.collect()
            status["results_current"] = session.results_current
    return JSONResponse(status, headers={"cache-control": "no-store"})


# ---- loading -----------------------------------------------------------------------------------

async def load_builtin(request: Request) -> Response:
    session, new = _session(request)
    form = await request.form(max_files=0, max_fields=10)
    name = str(form.get("name", ""))
    if not name:  # the picker's uploaded-file entry names no built-in
        session.say("error", "pick a built-in scenario to load")
        return _back(request, session, new)
    if name not in builtins.names():
        session.say("error", f"no built-in scenario called {name[:60]!r}")
        return _back(request, session, new)
    loaded = await run_in_threadpool(drafts.from_text, builtins.text(name), f"{name}.yaml",
                                     f"built-in {name}")
    _replace(session, loaded)
    return _back(request, session, new)


async def upload(request: Request) -> Response:
    session, new = _session(request)
    settings: WebSettings = request.app.state.settings
    form = await request.form(max_files=1, max_fields=10)
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        session.say("error", "choose a scenario file to upload")
        return _back(request, session, new)
    name = client_file_name(file.filename)
    raw = await file.read(settings.max_upload_bytes + 1)
    if len(raw) > settings.max_upload_bytes:
        session.say("error", f"{name}: refused: larger than this server's limit of "
                             f"{pages.size_text(settings.max_upload_bytes)} for scenario files")
        return _back(request, session, new)
    try:
        text = raw.decode("utf-8-sig")
        loaded = await run_in_threadpool(drafts.from_text, text, name, f"upload {name}")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        session.say("error", f"{name}:{line}: the file is not UTF-8 text")
    except ScenarioError as exc:
        session.say("error", exc.one_line())
    else:
        _replace(session, loaded)
    return _back(request, session, new)


def client_file_name(filename: str) -> str:
    """The base name of the client's file name, for messages only (never used as a path)."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    shown = "".join(c if c.isprintable() else "?" for c in base)[:100]
    return shown or "upload.yaml"


def _replace(session: Session, loaded: drafts.Draft) -> None:
    """Make ``loaded`` the session's scenario, forgetting the old one's run and results."""
    with session.lock:
        session.forget_results()
        loaded.version = (session.draft.version + 1) if session.draft else 1
        session.draft = loaded  # its problems show above the form and next to their fields


# ---- editing and running -----------------------------------------------------------------------

async def edit(request: Request) -> Response:
    session, new = _session(request)
    form = await request.form(max_files=0, max_fields=20_000)
    await run_in_threadpool(_edit, request, session, form)
    return _back(request, session, new)


def _edit(request: Request, session: Session, form: FormData) -> None:
    """Apply the form to the session's scenario (a new version when anything changed); run if asked."""
    with session.lock:
        draft = session.draft
        if draft is None:
            session.say("error", "load a scenario first")
            return
        session.draws, session.seed = _text(form.get("draws")), _text(form.get("seed"))
        if _text(form.get("version")) != str(draft.version):
            session.say("error", "the scenario changed since this page was shown (in another tab?); "
                                 "these edits were not applied")
            return
        try:
            changed = _apply(draft, form)
        except EditError as exc:
            session.say("error", f"edits not applied: {exc}")
            return
        if changed is not None:
            session.draft = changed
        if form.get("do") == "run":
            start_run(request, session)


def _apply(draft: drafts.Draft, form: FormData) -> drafts.Draft | None:
    """The edited draft, or None when the form changes nothing; the edits are made on the round-trip
    tree of the draft's text, so the downloaded YAML keeps the original's comments."""
    data = drafts.working_tree(draft)
    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    changed = apply_fields(data, fields) + apply_memberships(data, fields)
    if form.get("add"):
        add_red_line(data, parse_key(str(form.get("add"))))
        changed += 1
    if form.get("remove"):
        remove_red_line(data, parse_key(str(form.get("remove"))))
        changed += 1
    return drafts.edited(draft, data) if changed else None


async def run(request: Request) -> Response:
    session, new = _session(request)
    form = await request.form(max_files=0, max_fields=10)
    if "draws" in form:
        session.draws, session.seed = _text(form.get("draws")), _text(form.get("seed"))
    await run_in_threadpool(_start_locked, request, session)
    return _back(request, session, new)


def _start_locked(request: Request, session: Session) -> None:
    with session.lock:
        start_run(request, session)


def start_run(request: Request, session: Session, proposals: tuple | None = None) -> None:
    """Start the analyses of the session's scenario in the background (or, given ``proposals``,
    their evaluation), unless over a limit."""
    settings: WebSettings = request.app.state.settings
    draft = session.draft
    if draft is None or draft.scenario is None:
        session.say("error", "not run: fix the scenario's errors first")
        return
    try:
        draws = run_options(session.draws, session.seed, settings)
        check_work(draft.scenario, draws["draws"], check_space(draft.scenario, settings), settings)
        check_time(draft.scenario, draws["draws"], settings)
    except RunRefused as exc:
        session.say("error", f"not run: {exc}")
        return
    if session.job is not None:
        session.job.cancel()
    record = (recorder(settings.db, draft.text, draft.origin)
              if settings.record_runs and proposals is None else None)
    session.job = Job(draft.scenario, draws, draft.version, request.app.state.gate, record,
                      time_limit=settings.max_run_seconds, proposals=proposals).start()


def cancel(request: Request) -> Response:
    session, new = _session(request)
    with session.lock:
        if session.job is not None and session.job.active:
            session.job.cancel()
            session.say("info", "cancelling the run")
    return _back(request, session, new)


async def evaluate(request: Request) -> Response:
    session, new = _session(request)
    form = await request.form(max_files=0, max_fields=5_000)
    await run_in_threadpool(_evaluate_locked, request, session, form)
    return _back(request, session, new)


def _evaluate_locked(request: Request, session: Session, form: FormData) -> None:
    """Evaluate the form's proposals (or a pasted proposal file) on the session's scenario, in the
    run process like any run: the same draws, limits and Cancel (docs/proposals.md)."""
    with session.lock:
        draft = session.draft
        if draft is None or draft.scenario is None:
            session.say("error", "not evaluated: load a scenario and fix its errors first")
            return
        if session.job is not None and session.job.active:
            session.say("error", "not evaluated: a run is going; wait for it or cancel it")
            return
        pasted = _text(form.get("proposal_file")) or ""
        try:
            if pasted.strip():
                proposals = proposing.from_pasted(pasted, draft.scenario)
            else:
                fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
                proposals = proposing.from_form(fields, draft.scenario)
        except ScenarioError as exc:
            session.say("error", f"not evaluated: {exc.one_line()}")
            return
        except EditError as exc:
            session.say("error", f"not evaluated: {exc}")
            return
        start_run(request, session, proposals)


# ---- downloads ---------------------------------------------------------------------------------

def download_yaml(request: Request) -> Response:
    session, new = _viewed(request), False
    draft = session.draft
    if draft is None or draft.scenario is None:
        return _answer(_refusal("There is no valid scenario to download; fix its errors first."),
                       session, new)
    # the text that was validated: the file as loaded, or the edited data as written by ruamel.yaml
    return _answer(_attachment(draft.text, draft.download_name, "application/yaml"), session, new)


def download_report(request: Request) -> Response:
    session, new = _viewed(request), False
    with session.lock:
        session.collect()
        if not session.results_current:
            return _answer(_refusal("Run the analyses on the current scenario first."), session, new)
        scenario, found = session.results_scenario, session.results
    assert scenario is not None and found is not None  # results_current says so
    html = render_html(scenario, found)
    return _answer(_attachment(html, f"report-{scenario.id}.html", "text/html"), session, new)


def _attachment(text: str, name: str, media: str) -> Response:
    return Response(text, media_type=f"{media}; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def _refusal(text: str) -> Response:
    return Response(text, status_code=409, media_type="text/plain; charset=utf-8")


@lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    from ..report.charts import draw_script

    return (get_plotlyjs() + "\n" + draw_script()).encode()


def _plotly(request: Request) -> Response:
    """plotly.js from the installed plotly package: the page never loads scripts from elsewhere."""
    return Response(_plotly_js(), media_type="text/javascript",
                    headers={"cache-control": "public, max-age=86400"})


def _text(value) -> str | None:
    return value if isinstance(value, str) else None
