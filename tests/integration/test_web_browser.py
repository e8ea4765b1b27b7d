"""The review site end to end in a real browser (Debian's chromium driven by Playwright): log in,
ask, follow a citation to the highlighted passage, list documents, label an answer on /review and
find the label in `avtalebot feedback export --eval`; a hostile document renders inert.
Screenshots of every page go to <test output folder>/screenshots."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from avtalebot.settings import Settings
from avtalebot.sync import Syncer
from avtalebot.wiring import build_app
from tests.conftest import CORPUS, free_port
from vectorstore.snapshots import Layout

pytestmark = pytest.mark.integration
TOKEN = "review-secret-for-tests"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
HOSTILE = (
    "Fiendtlig avtale\n\nDenne avtalen om datasikkerhet gjelder alle. "
    '&lt;script&gt;window.pwned=1&lt;/script&gt; og " onmouseover="window.pwned=3" x=" og '
    "[klikk her](javascript:window.pwned=4) og <b onmouseover=window.pwned=5>fet</b> tekst.\n"
)


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    return path


@pytest.fixture
def site(tmp_path, e5_data, e5_embedder):
    import uvicorn

    from web.serve import build_site

    hostile = tmp_path / "hostile"
    hostile.mkdir()
    (hostile / "fiendtlig.txt").write_text(HOSTILE, encoding="utf-8")
    settings = Settings(data_dir=e5_data, web_token=TOKEN)
    assert Syncer(settings, Layout(e5_data), e5_embedder).sync([CORPUS, hostile]).ok
    app = build_site(settings, build_app(settings, embedder=e5_embedder))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", e5_data
    server.should_exit = True
    thread.join(timeout=10)


def test_review_site_in_a_browser(site, tmp_path):
    from playwright.sync_api import sync_playwright

    base, data = site
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        try:
            page.goto(base + "/")
            assert "/login" in page.url
            page.screenshot(path=shots / "1-login.png")
            page.fill("input[name=name]", "Kari Reviewer")
            page.fill("input[name=token]", TOKEN)
            page.click("button[type=submit]")
            page.fill("input[name=q]", "Hva er aldersgrensen for Aktiv mot læreplass?")
            page.press("input[name=q]", "Enter")
            page.wait_for_selector("#answer a.cite")
            assert "24 år" in page.inner_text("#answer")
            page.screenshot(path=shots / "2-answer.png", full_page=True)

            page.click("#answer a.cite >> nth=0")
            hit = page.wait_for_selector("mark#hit")
            assert "24 år" in hit.inner_text()
            top, bottom, height = page.evaluate(
                "() => { const r = document.querySelector('mark#hit').getBoundingClientRect();"
                " return [r.top, r.bottom, window.innerHeight]; }"
            )
            assert 0 <= top and bottom <= height, "the highlighted passage is not in view"
            page.screenshot(path=shots / "3-passage.png")
            passage_link = page.url

            page.goto(base + "/documents")
            assert page.locator("table tr").count() == 7  # header + 5 sample texts + the hostile one
            page.screenshot(path=shots / "4-documents.png", full_page=True)

            page.goto(base + "/review")
            item = page.locator("div.item[id^=a-]").first
            assert "Aktiv mot læreplass" in item.inner_text()
            item.locator("input[value=wrong]").check()
            item.locator("input[name=link]").fill(passage_link)
            item.locator("button[type=submit]").click()
            page.wait_for_selector("p.review-label")
            assert "Kari Reviewer" in page.inner_text("p.review-label")
            page.screenshot(path=shots / "5-review.png", full_page=True)

            page.goto(base + "/documents")
            page.click("text=Fiendtlig avtale")
            page.wait_for_selector("#doctext")
            page.hover("#doctext")
            page.click("#doctext")
            assert page.evaluate("() => window.pwned") is None and not dialogs
            assert "<script>window.pwned=1</script>" not in page.content()
            assert "javascript:window.pwned=4" in page.inner_text("#doctext")  # shown as text, not a link
            assert page.locator("#doctext a").count() == 0
            page.screenshot(path=shots / "6-hostile.png", full_page=True)
        finally:
            browser.close()
    exported = subprocess.run(
        [sys.executable, "-m", "avtalebot", "--data-dir", str(data), "feedback", "export", "--eval"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert any(
        r["q"] == "Hva er aldersgrensen for Aktiv mot læreplass?" and r["reviewer"] == "Kari Reviewer"
        for r in rows
    )
    assert sorted(f.name for f in shots.iterdir()) == [
        "1-login.png", "2-answer.png", "3-passage.png", "4-documents.png", "5-review.png", "6-hostile.png"
    ]  # fmt: skip
    print(f"\nscreenshots: {shots}")
