"""The review pages: inbox, event (with decisions), company, network and sources.

Server-rendered HTML (Jinja2, autoescaped) over services.review; every asset is
in this package. Requests without a valid session go to the login page and read
nothing; decisions need the form token of the session and the event's version as
the reviewer saw it, so a concurrent decision is shown, never overwritten.
"""

from __future__ import annotations

import base64
import functools
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from .. import db
from ..errors import ConfigError, ConflictError, NotFoundError, TieupError, TransientError, ValidationError
from ..evidence import mark_evidence
from ..report import parse_since
from ..services import review as review_service
from ..vocabulary import DEAL_LABELS, DEAL_STATUSES, DEAL_TYPES, STATUS_TERMS
from .auth import Authenticator, Reviewer, csrf_token, csrf_valid

HERE = Path(__file__).parent
PAGE_SIZE = 50
SECURITY_HEADERS = {
    # no inline script or style: everything comes from /static; the network picture is a data: URI
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; "
                               "form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class LoginRequired(Exception):
    """The request carries no valid session."""


class NotAllowed(Exception):
    """A logged-in user the auth manager does not let read the review pages."""

    def __init__(self, reviewer: Reviewer):
        super().__init__(reviewer.name)
        self.reviewer = reviewer


@dataclass(frozen=True)
class AppConfig:
    """What the face serving the app provides."""

    authenticator: Authenticator
    database_url: Callable[[], str | None]     # read per connection, so settings can change
    csrf_key: Callable[[], bytes]              # called once, on the first page


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) with a host, else None (rendered as text, never as a link)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_url"] = safe_url
    env.filters["deal_label"] = lambda t: DEAL_LABELS.get(t, t)
    env.filters["parties"] = lambda p: " × ".join(p or [])
    env.filters["value"] = lambda v: " × ".join(v) if isinstance(v, list) else ("–" if v is None else v)
    env.filters["when"] = lambda t: f"{t:%Y-%m-%d %H:%M}" if t else "–"
    env.globals.update(DEAL_TYPES=DEAL_TYPES, DEAL_STATUSES=DEAL_STATUSES, DEAL_LABELS=DEAL_LABELS,
                       STATUS_LABELS={t.name: t.label for t in STATUS_TERMS},
                       REVIEW_STATES=review_service.REVIEW_STATES, DECIDED=review_service.DECIDED_STATES,
                       urlencode=urlencode)
    return env


class _Login:
    """Checks the database login once per process (see services.review.check_app_login)."""

    def __init__(self):
        self.checked: set[str] = set()
        self.lock = threading.Lock()

    def check(self, url: str, conn) -> None:
        if url in self.checked:
            return
        review_service.check_app_login(conn)
        with self.lock:
            self.checked.add(url)


def create_app(config: AppConfig) -> FastAPI:
    """The review app; mount it where it is served (the Airflow plugin mounts it at /tieup)."""
    app = FastAPI(title="tieup review", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = _templates()
    login = _Login()
    key = functools.cache(config.csrf_key)

    @contextmanager
    def connection():
        url = config.database_url()
        if not url:
            raise ConfigError("the review app has no database: set TIEUP_REVIEW_DATABASE_URL to a login "
                              "that is a member of tieup_reviewer (make run does this)")
        conn = db.connect(url, application_name="tieup-review-web")
        try:
            login.check(url, conn)
            yield conn
        finally:
            conn.close()

    def render(request: Request, reviewer: Reviewer, name: str, status: int = 200, **context) -> HTMLResponse:
        base = request.scope.get("root_path", "").rstrip("/")
        page = templates.get_template(name).render(
            base=base, reviewer=reviewer, csrf=csrf_token(key(), reviewer), **context)
        return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)

    def failure(request: Request, reviewer: Reviewer, exc: Exception) -> HTMLResponse:
        status = {NotFoundError: 404, ConflictError: 409, ValidationError: 400, ConfigError: 503,
                  TransientError: 503}.get(type(exc), 400 if isinstance(exc, ValidationError) else 500)
        return render(request, reviewer, "error.html", status=status, message=str(exc))

    async def reviewer_of(request: Request) -> Reviewer:
        reviewer = await config.authenticator.reviewer(request)
        if reviewer is None:
            raise LoginRequired()
        if not reviewer.can_read:
            raise NotAllowed(reviewer)
        return reviewer

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, exc: NotAllowed):
        return render(request, exc.reviewer, "error.html", status=403,
                      message=f"{exc.reviewer.name} is not allowed to use the review pages "
                              "(ask for the 'tieup review' permission)")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired):
        next_url = str(request.url) if request.method == "GET" else str(request.url_for("inbox"))
        return RedirectResponse(config.authenticator.login_url(next_url), status_code=303,
                                headers=SECURITY_HEADERS)

    @app.get("/", name="inbox")
    async def inbox(request: Request):
        reviewer = await reviewer_of(request)
        return await _threaded(lambda: _inbox(request, reviewer))

    def _inbox(request: Request, reviewer: Reviewer):
        q = request.query_params
        form = {k: q.get(k, "") for k in ("state", "deal_type", "status", "company", "since")}
        if "state" not in q:
            form["state"] = "pending"
        try:
            filters = review_service.InboxFilter(
                state=form["state"] or None, deal_type=form["deal_type"] or None,
                status=form["status"] or None, company=form["company"].strip() or None,
                since=parse_since(form["since"], datetime.now(timezone.utc)) if form["since"] else None)
            after = _parse_after(q.get("after"))
            with connection() as conn:
                page = review_service.inbox(conn, filters, after, PAGE_SIZE)
        except TieupError as exc:
            return failure(request, reviewer, exc)
        next_query = None
        if page.next_after:
            next_query = urlencode({**form, "after": f"{page.next_after[0].isoformat()}_{page.next_after[1]}"})
        return render(request, reviewer, "inbox.html", page=page, form=form, next_query=next_query,
                      paged=bool(after), done=q.get("done"))

    @app.get("/event/{event_id}", name="event")
    async def event(request: Request, event_id: int):
        reviewer = await reviewer_of(request)
        return await _threaded(lambda: _event_page(request, reviewer, event_id))

    def _event_page(request: Request, reviewer: Reviewer, event_id: int, *, message: str | None = None,
                    status: int = 200, form: dict | None = None):
        try:
            with connection() as conn:
                view = review_service.show_event(conn, event_id)
                companies = review_service.company_names(conn)
                next_id = review_service.next_pending(conn, event_id)
        except TieupError as exc:
            return failure(request, reviewer, exc)
        texts = {a["article_id"]: mark_evidence(view.texts.get(a["article_id"], ""), a["evidence"])
                 for a in view.articles}
        done = request.query_params.get("done")
        return render(request, reviewer, "event.html", status=status, view=view, ev=view.event,
                      texts=texts, companies=companies, next_id=next_id, message=message,
                      done=done if done and status == 200 else None, form=form or {})

    @app.post("/event/{event_id}/decide", name="decide")
    async def decide(request: Request, event_id: int):
        reviewer = await reviewer_of(request)
        fields = [(k, v) for k, v in (await request.form()).multi_items() if isinstance(v, str)]
        form = dict(fields)
        parties = [v.strip() for k, v in fields if k == "party" and v.strip()]
        return await _threaded(lambda: _decide(request, reviewer, event_id, form, parties))

    def _decide(request: Request, reviewer: Reviewer, event_id: int, form: dict, parties: list[str]):
        if not csrf_valid(key(), reviewer, form.get("csrf")):
            return render(request, reviewer, "error.html", status=403,
                          message="this form was not sent by your review page (its token is missing or "
                                  "belongs to another session); nothing was recorded: reload the event")
        if not reviewer.can_decide:
            return render(request, reviewer, "error.html", status=403,
                          message=f"{reviewer.name} may read but not decide reviews; nothing was recorded")
        action = form.get("action", "")
        try:
            kwargs = _decision(action, form, parties)
            with connection() as conn:
                if action == "correct":
                    kwargs = _only_changes(review_service.event(conn, event_id), kwargs)
                review_service.decide(conn, event_id, action, reviewer.name, **kwargs)
                next_id = review_service.next_pending(conn, event_id)
        except ConflictError as exc:       # shown with the event as it is now, to decide again
            return _event_page(request, reviewer, event_id, message=str(exc), status=409)
        except ValidationError as exc:     # shown with what the reviewer typed, to fix it
            return _event_page(request, reviewer, event_id, message=f"not recorded: {exc}", status=400,
                               form=form | {"parties": parties})
        except TieupError as exc:
            return failure(request, reviewer, exc)
        base = request.scope.get("root_path", "").rstrip("/")
        done = urlencode({"done": f"{event_id}:{action}"})
        target = f"{base}/event/{next_id}?{done}" if next_id else f"{base}/?{done}"
        return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)

    @app.get("/company", name="company")
    async def company(request: Request):
        reviewer = await reviewer_of(request)
        name = request.query_params.get("name", "").strip()

        def page():
            if not name:
                return failure(request, reviewer, ValidationError("no company named: /company?name=Honda"))
            try:
                with connection() as conn:
                    view = review_service.company(conn, name)
            except TieupError as exc:
                return failure(request, reviewer, exc)
            return render(request, reviewer, "company.html", view=view)
        return await _threaded(page)

    @app.get("/network", name="network")
    async def network(request: Request):
        reviewer = await reviewer_of(request)
        q = request.query_params
        form = {"since": q.get("since", "30d") or "30d", "deal_type": q.get("deal_type", ""),
                "company": q.get("company", "").strip()}

        def page():
            now = datetime.now(timezone.utc)
            try:
                since = parse_since(form["since"], now)
                with connection() as conn:
                    built, png = review_service.network(conn, since, now, deal_type=form["deal_type"] or None,
                                                        company=form["company"] or None)
            except TieupError as exc:
                return failure(request, reviewer, exc)
            picture = base64.b64encode(png).decode() if png else None
            return render(request, reviewer, "network.html", report=built, picture=picture, form=form,
                          max_drawn=review_service.NETWORK_MAX_RELATIONSHIPS)
        return await _threaded(page)

    @app.get("/sources", name="sources")
    async def sources(request: Request):
        reviewer = await reviewer_of(request)

        def page():
            try:
                with connection() as conn:
                    feeds = review_service.sources(conn)
            except TieupError as exc:
                return failure(request, reviewer, exc)
            return render(request, reviewer, "sources.html", feeds=feeds)
        return await _threaded(page)

    return app


async def _threaded(fn):
    """Run a blocking page function (psycopg2) in the thread pool, off the event loop."""
    from starlette.concurrency import run_in_threadpool
    return await run_in_threadpool(fn)


def _parse_after(text: str | None) -> tuple | None:
    if not text:
        return None
    seen, _, event_id = text.rpartition("_")
    try:
        return datetime.fromisoformat(seen), int(event_id)
    except ValueError as exc:
        raise ValidationError(f"not a page key: {text!r}") from exc


def _decision(action: str, form: dict, parties: list[str]) -> dict:
    """The keyword arguments of services.review.decide from a submitted form."""
    try:
        version = int(form.get("version", ""))
    except ValueError as exc:
        raise ValidationError("the form carries no event version; reload the event") from exc
    kwargs = {"note": form.get("note", "").strip() or None, "expected_version": version}
    if action == "correct":
        kwargs.update(parties=parties or None, deal_type=form.get("deal_type") or None,
                      status=form.get("status") or None, event_date=_form_date(form.get("event_date", "")))
    return kwargs


def _only_changes(current: dict, kwargs: dict) -> dict:
    corrections = {k: kwargs.pop(k) for k in ("parties", "deal_type", "status", "event_date")}
    changed = review_service.changed_values(current, **corrections)
    if not changed:
        raise ValidationError("nothing to correct: change the parties, deal type, status or date "
                              "(to accept the event as it is, confirm it)")
    return kwargs | changed


def _form_date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(f"not a YYYY-MM-DD date: {text!r}") from exc
