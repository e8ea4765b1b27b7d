"""/review: the answers people got (Slack and the site) with their feedback; a reviewer marks one
right or wrong and may give the passage that should have been cited. Labels are stored with the
feedback and exported in the eval format (`avtalebot feedback export --eval`)."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urlparse

from fastapi import FastAPI, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse

from web.auth import COOKIE

log = logging.getLogger("avtalebot.web")
_DOC_LINK = re.compile(r"/doc/([0-9a-f]+)")


def register_review(app: FastAPI, *, store, auth, user_of, page, login_first, live) -> None:
    @app.get("/review")
    def review(request: Request, show: str = "all", doc: str = "", day_from: str = "", day_to: str = ""):
        user = user_of(request)
        if user is None:
            return login_first(request)
        rows = [a for a in store.answers() if _keep(a, show, doc, day_from, day_to)]
        sources = sorted({c["source"] for a in store.answers() for c in a["citations"]})
        return page(
            request, "review.html", user, rows=rows, show=show, doc=doc, sources=sources,
            day_from=day_from, day_to=day_to,
        )  # fmt: skip

    @app.post("/review/{answer_id}")
    def label(
        request: Request,
        answer_id: str,
        csrf: str = Form(""),
        verdict: str = Form(""),
        cited: str = Form(""),
        link: str = Form(""),
    ):
        user = user_of(request)
        if user is None or not auth.check_csrf(user, request.cookies.get(COOKIE), csrf):
            return PlainTextResponse("forbidden (log in again)", status_code=403)
        loaded = store.load_answer(answer_id)
        if loaded is None or verdict not in ("right", "wrong"):
            return PlainTextResponse("unknown answer or verdict", status_code=400)
        passage = _passage(loaded[1], cited, link, live)
        if link and passage is None:
            return PlainTextResponse(
                "the passage link is not a /doc/…?span=START-END link of this site", status_code=400
            )
        store.add_review(answer_id, verdict, user, passage)
        log.info(
            "review by %s: answer %s marked %s%s",
            user,
            answer_id,
            verdict,
            " with a passage" if passage else "",
        )
        return RedirectResponse(
            f"/review?show={request.query_params.get('show', 'all')}#a-{answer_id}", status_code=303
        )


def _keep(a: dict, show: str, doc: str, day_from: str, day_to: str) -> bool:
    if show == "down" and "down" not in a["votes"]:
        return False
    if show == "declined" and not a["abstained"]:
        return False
    if show == "tentative" and not a["tentative"]:
        return False
    if show == "unreviewed" and a["review"] is not None:
        return False
    if doc and doc not in {c["source"] for c in a["citations"]}:
        return False
    day = a["time"][:10]
    return not (day_from and day < day_from) and not (day_to and day > day_to)


def _passage(answer, cited: str, link: str, live) -> dict | None:
    """The passage a reviewer gave: one of the answer's citations, or a link to a span on the site."""
    if cited:
        c = next((c for c in answer.citations if str(c.n) == cited), None)
        if c is not None:
            return {"source": c.source, "doc_id": c.doc_id, "start": c.start, "end": c.end, "quote": c.quote}
    if not link:
        return None
    url = urlparse(link.strip())
    m = _DOC_LINK.search(url.path)
    span = parse_qs(url.query).get("span", [""])[0]
    if not m or not re.fullmatch(r"\d{1,9}-\d{1,9}", span):
        return None
    index = live.retriever().index
    doc = index.docs.get(m.group(1))
    if doc is None:
        return None
    start, end = (int(x) for x in span.split("-"))
    text = index.doc_text(m.group(1))
    if not 0 <= start < end <= len(text):
        return None
    return {
        "source": doc.source,
        "doc_id": m.group(1),
        "start": start,
        "end": end,
        "quote": text[start:end],
    }
