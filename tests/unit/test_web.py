"""The review site's views, access control and escaping, in process (FastAPI TestClient) over a
real index built with the hash embedder."""

from __future__ import annotations

import json
import shutil

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from avtalebot.feedback import FeedbackStore  # noqa: E402
from avtalebot.settings import Settings  # noqa: E402
from avtalebot.sync import Syncer  # noqa: E402
from avtalebot.wiring import build_app  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.fakes import HashEmbeddings  # noqa: E402
from vectorstore.snapshots import Layout  # noqa: E402
from web.app import create_app  # noqa: E402
from web.auth import COOKIE, Auth  # noqa: E402

TOKEN = "correct horse battery staple"
HOSTILE = (
    "Hostile agreement\n\nSamarbeidsavtalen om sikkerhet gjelder alle parter. "
    '&lt;script&gt;window.pwned=1&lt;/script&gt; og " onmouseover="window.pwned=3" og '
    "[klikk](javascript:window.pwned=4) her.\n"
)


@pytest.fixture
def site(tmp_path):
    folder, data = tmp_path / "docs", tmp_path / "data"
    folder.mkdir()
    for name in (
        "a02_rogaland-samarbeidsavtale-2021-2024.pdf",
        "a09_rogaland-samarbeidsavtale-2025-2027.html",
    ):
        shutil.copy(ROOT / "eval" / "agreements" / name, folder / name)
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    settings = Settings(data_dir=data, embedder="hash")
    assert Syncer(settings, Layout(data), HashEmbeddings()).sync([folder]).ok
    core = build_app(settings, embedder=HashEmbeddings())
    store = FeedbackStore(data / "feedback.sqlite")

    def make(**auth_kw):
        auth = Auth(**{"token": TOKEN, "proxy_header": None, "proxies": (), **auth_kw})
        return TestClient(
            create_app(answerer=core.answerer, live=core.live, layout=core.layout, store=store, auth=auth)
        )

    yield make, core, store
    store.close()


def _login(client: TestClient, name: str = "Kari") -> None:
    r = client.post("/login", data={"token": TOKEN, "name": name, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_nothing_without_logging_in(site):
    make, core, _ = site
    client = make()
    for path in (
        "/",
        "/ask?q=x",
        "/documents",
        "/review",
        f"/doc/{next(iter(core.live.retriever().index.docs))}",
    ):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    bad = client.post("/login", data={"token": "wrong", "next": "/review"}, follow_redirects=False)
    assert "failed=1" in bad.headers["location"] and COOKIE not in bad.cookies
    ok = client.post(
        "/login", data={"token": TOKEN, "name": "Kari", "next": "//evil.example/x"}, follow_redirects=False
    )
    assert ok.headers["location"] == "/"  # never an open redirect
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Secure" not in cookie
    assert client.get("/review").status_code == 200
    behind_https = make().post(
        "/login",
        data={"token": TOKEN, "next": "/"},
        headers={"x-forwarded-proto": "https"},
        follow_redirects=False,
    )
    assert "Secure" in behind_https.headers["set-cookie"]
    forged = make()
    forged.cookies.set(COOKIE, "Kari|9999999999|" + "0" * 64)
    assert forged.get("/review", follow_redirects=False).status_code == 303


def test_bearer_token_and_trusted_proxy_header(site):
    make, _, _ = site
    assert make().get("/documents", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert (
        make().get("/documents", headers={"Authorization": "Bearer nope"}, follow_redirects=False).status_code
        == 303
    )
    proxied = {"X-Forwarded-User": "ola@nav.no"}
    untrusted = make(proxy_header="X-Forwarded-User", proxies=("10.0.0.1",))
    assert untrusted.get("/documents", headers=proxied, follow_redirects=False).status_code == 303
    trusted = make(proxy_header="X-Forwarded-User", proxies=("testclient",))
    assert "ola@nav.no" in trusted.get("/documents", headers=proxied).text


def test_document_page_marks_the_span_and_escapes_everything(site):
    make, core, _ = site
    client = make()
    _login(client)
    index = core.live.retriever().index
    doc_id = next(d for d, r in index.docs.items() if r.source == "hostile.txt")
    text = index.doc_text(doc_id)
    start = text.index("Samarbeidsavtalen")
    r = client.get(f"/doc/{doc_id}?span={start}-{start + 17}")
    assert r.status_code == 200 and '<mark id="hit">Samarbeidsavtalen</mark>' in r.text
    assert "script-src 'none'" in r.headers["content-security-policy"]
    assert (
        "<script" not in r.text and 'onmouseover="window' not in r.text and 'href="javascript' not in r.text
    )
    assert "&amp;lt;script&amp;gt;" in r.text and "&#34; onmouseover=&#34;" in r.text
    old = next(d for d, r in index.docs.items() if r.source.startswith("a02"))
    page = client.get(f"/doc/{old}").text
    assert 'id="status">erstattet' in page and "a09_rogaland-samarbeidsavtale-2025-2027.html" in page
    assert client.get(f"/doc/{old}?lang=en").text.count("Superseded by") == 1
    assert 'id="obligations"' in page and 'innen 14 dager etter at avbruddet er registrert</a>' in page
    assert 'id="contacts"' in page and "Per Egil Sandvik" in page
    original = client.get(f"/doc/{old}/original")
    assert original.status_code == 200 and original.content[:4] == b"%PDF"


def test_documents_page_lists_status_and_the_last_reindex(site):
    make, _, _ = site
    client = make()
    _login(client)
    page = client.get("/documents").text
    assert "a02_rogaland-samarbeidsavtale-2021-2024.pdf" in page and "status-superseded" in page
    assert 'id="last-sync"' in page and "3 lagt til" in page


def test_review_labels_need_csrf_and_reach_the_eval_export(site):
    make, core, store = site
    client = make()
    _login(client, "Reviewer One")
    q = "Hvem er kontaktperson for Arbeidslivsklassen i Rogaland?"
    assert 'id="answer"' in client.get("/ask", params={"q": q}).text
    assert store.answers() == []  # a link answers; it writes nothing
    assert client.post("/ask", data={"q": q}).status_code == 403  # the form needs its CSRF token
    csrf = client.get("/").text.split('name="csrf" value="')[1].split('"')[0]
    assert 'id="answer"' in client.post("/ask", data={"q": q, "csrf": csrf}).text
    (row,) = store.answers()
    assert row["channel"] == "web" and row["user"] == "Reviewer One"
    index = core.live.retriever().index
    a09 = next(d for d, r in index.docs.items() if r.source.startswith("a09"))
    start = index.doc_text(a09).index("Kari Oftedal Risa |")
    form = {"verdict": "wrong", "link": f"http://127.0.0.1/doc/{a09}?span={start}-{start + 60}#hit"}
    assert client.post(f"/review/{row['id']}", data=form, follow_redirects=False).status_code == 403
    page = client.get("/review").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    assert (
        client.post(f"/review/{row['id']}", data={**form, "csrf": csrf}, follow_redirects=False).status_code
        == 303
    )
    assert "Reviewer One" in client.get("/review?show=all").text
    (label,) = store.eval_rows()
    assert label["source"] == "a09_rogaland-samarbeidsavtale-2025-2027.html"
    assert label["answer_any"] == ["Kari Oftedal Risa | Rådgiver, Arbeidslivsklassen | Rogaland"]
    assert json.loads(json.dumps(label))["q"].startswith("Hvem er kontaktperson")


def test_review_lists_tentative_answers_on_their_own(site):
    from avtalebot.types import Answer

    make, _, store = site
    client = make()
    _login(client)
    store.save_answer("Usikkert spørsmål?", Answer("kanskje [1]", (), False, True), user="U", channel="C", thread_ts="1")
    store.save_answer("Sikkert spørsmål?", Answer("svar [1]"), user="U", channel="C", thread_ts="2")
    page = client.get("/review?show=tentative").text
    assert "Usikkert spørsmål?" in page and "Sikkert spørsmål?" not in page and "usikkert" in page
    assert "Sikkert spørsmål?" in client.get("/review?show=all").text


def test_wrong_tokens_are_throttled_and_then_even_the_right_one_waits(site):
    make, _, _ = site
    client = make()
    codes = [
        client.post("/login", data={"token": f"guess{i}", "next": "/"}, follow_redirects=False).status_code
        for i in range(40)
    ]
    assert codes[:5] == [303] * 5 and set(codes[5:]) == {429}
    right = client.post("/login", data={"token": TOKEN, "next": "/"}, follow_redirects=False)
    assert right.status_code == 429 and COOKIE not in right.cookies


def test_logout_revokes_the_session_and_its_csrf_token(site):
    make, _, _ = site
    client = make()
    _login(client)
    old_cookie = client.cookies.get(COOKIE)
    csrf = client.get("/").text.split('name="csrf" value="')[1].split('"')[0]
    other = make()  # another session with the same name gets its own CSRF token
    _login(other)
    assert csrf != other.get("/").text.split('name="csrf" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    replay = make()
    replay.cookies.set(COOKIE, old_cookie)
    assert replay.get("/review", follow_redirects=False).status_code == 303  # the cookie is worthless


def test_malformed_input_is_refused_not_a_server_error(site):
    make, core, _ = site
    client = make()
    raw = f"{COOKIE}=Kari|9999999999|søkøåæ".encode()
    assert client.get("/review", headers=[(b"cookie", raw)], follow_redirects=False).status_code == 303
    _login(client)
    doc = next(iter(core.live.retriever().index.docs))
    assert client.get(f"/doc/{doc}", params={"span": "9" * 5000 + "-1"}).status_code == 200


def test_a_short_token_is_refused_at_start(tmp_path):
    from pydantic import SecretStr

    from avtalebot.errors import ConfigError
    from web.serve import build_site

    settings = Settings(data_dir=tmp_path / "data", embedder="hash", web_token=SecretStr("x"))
    with pytest.raises(ConfigError, match="at least 16"):
        build_site(settings, core=object())
