"""The review site (FastAPI + Jinja2, server-rendered, no JavaScript): ask, read a cited passage in
its document, list documents and the last reindex, and label answers for calibration."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from avtalebot.answer.validity import statuses
from avtalebot.feedback import FeedbackStore
from avtalebot.status import document_rows
from avtalebot.sync_log import read_last_sync
from web.auth import COOKIE, SESSION_S, Auth
from web.labels import WEB_LABELS, pick_lang

log = logging.getLogger("avtalebot.web")
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_SPAN = re.compile(r"^(\d{1,9})-(\d{1,9})$")  # bounded: a 5,000-digit number is no offset
_CITE = re.compile(r"\[(\d+)\]")


def create_app(*, answerer, live, layout, store: FeedbackStore, auth: Auth) -> FastAPI:
    app = FastAPI(title="avtalebot", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def user_of(request: Request) -> str | None:
        return auth.user_of(
            cookie=request.cookies.get(COOKIE),
            authorization=request.headers.get("authorization"),
            client=request.client.host if request.client else None,
            headers=request.headers,
        )

    def page(request: Request, name: str, user: str, **context) -> HTMLResponse:
        lang = pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"))
        return TEMPLATES.TemplateResponse(
            request,
            name,
            {"t": WEB_LABELS[lang], "lang": lang, "user": user, "csrf": auth.csrf(user, request.cookies.get(COOKIE)), **context},
        )

    def login_first(request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.get("/health", response_class=PlainTextResponse)
    def health() -> str:
        return "ok"

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/", failed: int = 0):
        lang = pick_lang(request.query_params.get("lang"), request.headers.get("accept-language"))
        context = {
            "t": WEB_LABELS[lang],
            "lang": lang,
            "next": _safe_next(next),
            "failed": failed,
            "user": None,
        }
        return TEMPLATES.TemplateResponse(request, "login.html", context)

    @app.post("/login")
    def login(request: Request, token: str = Form(""), name: str = Form(""), next: str = Form("/")):
        address = request.client.host if request.client else "?"
        if not auth.throttle.allowed(address):
            log.warning("login refused: too many failed attempts (from %s)", address)
            return PlainTextResponse("too many failed logins: wait a few minutes", status_code=429)
        if not auth.check_token(token):
            auth.throttle.failed(address)
            log.warning("failed login from %s", address)
            return RedirectResponse(f"/login?failed=1&next={quote(_safe_next(next))}", status_code=303)
        response = RedirectResponse(_safe_next(next), status_code=303)
        secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
        cookie = auth.session_cookie(name or "reviewer")
        response.set_cookie(COOKIE, cookie, max_age=SESSION_S, httponly=True, samesite="lax", secure=secure)
        log.info("login: %s", auth.user_from_cookie(cookie))
        return response

    @app.post("/logout")
    def logout(request: Request, csrf: str = Form("")):
        user = user_of(request)
        if user is None or not auth.check_csrf(user, request.cookies.get(COOKIE), csrf):
            return PlainTextResponse("forbidden", status_code=403)
        auth.end_session(request.cookies.get(COOKIE))  # the cookie is worthless from now on
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        user = user_of(request)
        return login_first(request) if user is None else page(request, "ask.html", user, q="", answer=None)

    @app.get("/ask", response_class=HTMLResponse)
    def ask_link(request: Request, q: str = ""):
        """A link to a question answers it; only the form (a POST) puts the answer up for review."""
        user = user_of(request)
        if user is None:
            return login_first(request)
        if not q.strip():
            return RedirectResponse("/", status_code=303)
        answer = answerer.answer(q)
        return page(request, "ask.html", user, q=q, answer=answer, text=linked_answer(answer))

    @app.post("/ask", response_class=HTMLResponse)
    def ask(request: Request, q: str = Form(""), csrf: str = Form("")):
        user = user_of(request)
        if user is None:
            return login_first(request)
        if not auth.check_csrf(user, request.cookies.get(COOKIE), csrf):
            return PlainTextResponse("forbidden", status_code=403)
        if not q.strip():
            return RedirectResponse("/", status_code=303)
        answer = answerer.answer(q)
        store.save_answer(q, answer, user=user, channel="web", thread_ts="")
        return page(request, "ask.html", user, q=q, answer=answer, text=linked_answer(answer))

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str, span: str = ""):
        user = user_of(request)
        if user is None:
            return login_first(request)
        index = live.retriever().index
        doc = index.docs.get(doc_id)
        if doc is None:
            return PlainTextResponse("not found", status_code=404)
        text = index.doc_text(doc_id)
        m = _SPAN.match(span)
        start, end = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        state = statuses(index.docs, date.today())
        status, newer = state.get(doc_id, ("unknown", ""))
        older = [index.docs[d] for d, (_, n) in state.items() if n == doc_id]
        meta = doc.meta
        return page(
            request, "doc.html", user, doc=doc, meta=meta, status=status,
            newer=index.docs.get(newer), older=older, before=text[:start], hit=text[start:end],
            after=text[end:] if end > start else text[start:],
        )  # fmt: skip

    @app.get("/doc/{doc_id}/original")
    def original(request: Request, doc_id: str) -> Response:
        if user_of(request) is None:
            return login_first(request)
        doc = live.retriever().index.docs.get(doc_id)
        path = Path(doc.path) if doc and doc.path else None
        if doc is None or path is None or not path.is_file() or _sha256(path) != doc.content_hash:
            return PlainTextResponse(
                "the original file is no longer where it was indexed from", status_code=404
            )
        return FileResponse(path, filename=doc.source)

    @app.get("/documents", response_class=HTMLResponse)
    def documents(request: Request):
        user = user_of(request)
        if user is None:
            return login_first(request)
        try:
            rows, snapshot_id = document_rows(layout, date.today())
        except Exception:  # no index yet
            rows, snapshot_id = [], None
        by_source = {d.source: d_id for d_id, d in live.retriever().index.docs.items()} if rows else {}
        return page(
            request, "documents.html", user, rows=rows, snapshot_id=snapshot_id, ids=by_source,
            last=read_last_sync(layout.root),
        )  # fmt: skip

    from web.review import register_review

    register_review(
        app, store=store, auth=auth, user_of=user_of, page=page, login_first=login_first, live=live
    )
    return app


def linked_answer(answer) -> Markup:
    """The answer text, escaped, with each [n] a link to its passage in the document."""
    by_n = {c.n: c for c in answer.citations}

    def link(m: re.Match) -> str:
        c = by_n.get(int(m.group(1)))
        if c is None:
            return m.group(0)
        href = f"/doc/{quote(c.doc_id)}?span={c.start}-{c.end}#hit"
        return f'<a class="cite" href="{escape(href)}">[{c.n}]</a>'

    return Markup(_CITE.sub(link, str(escape(answer.text))).replace("\n", "<br>\n"))


def _safe_next(target: str) -> str:
    """Only a path on this site ('/review'), never '//host' or 'https://…'."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
