"""Hostile requests to the Slack bot: bad bodies refused before parsing, a replayed slash command
answered once, file names escaped, a download redirected to another host refused."""

from __future__ import annotations

import http.client
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

from tests.slack_fake import command_body, post, sign
from tests.slack_harness import SECRET, TOKEN

pytestmark = pytest.mark.integration


def _raw(url: str, head: str, body: bytes = b"") -> int:
    """Send hand-written request headers (e.g. a broken Content-Length) and return the status."""
    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.putrequest("POST", u.path, skip_accept_encoding=True)
    for line in head.strip().splitlines():
        k, v = line.split(":", 1)
        conn.putheader(k.strip(), v.strip())
    conn.endheaders(body or None)
    status = conn.getresponse().status
    conn.close()
    return status


# 7. The signature is checked over the raw bytes before anything is parsed; bodies are capped.
def test_bad_bodies_are_refused_before_parsing_without_tracebacks(bot, fake, caplog):
    caplog.set_level(logging.DEBUG)
    assert post(bot.url, "{not json", {}, "application/json")[0] == 401
    assert post(bot.url, "payload=%7Bbroken", {}, "application/x-www-form-urlencoded")[0] == 401
    forged = sign("wrong-secret", "{}")
    assert post(bot.url, "{}", forged, "application/json")[0] == 401
    stale = sign(SECRET, "{}", timestamp=int(time.time()) - 3600)
    assert post(bot.url, "{}", stale, "application/json")[0] == 401
    assert post(bot.url, "{not json", sign(SECRET, "{not json"), "application/json")[0] == 400
    bad_utf8 = b'{"type": "\xff\xfe"}'
    head = "\n".join(f"{k}: {v}" for k, v in sign(SECRET, bad_utf8.decode("latin-1")).items())
    assert _raw(bot.url, f"Content-Type: application/json\nContent-Length: {len(bad_utf8)}\n{head}", bad_utf8) in (
        400,
        401,
    )
    assert _raw(bot.url, "Content-Type: application/json\nContent-Length: abc") == 400
    assert _raw(bot.url, "Content-Type: application/json\nContent-Length: 52428800") == 413  # body never sent
    import urllib.request

    with urllib.request.urlopen(bot.url.replace("/slack/events", "/health"), timeout=10) as resp:
        assert resp.status == 200  # the server is still serving
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert fake.calls_to("chat.postMessage") == []


# 8. A replayed slash command is answered once.
def test_replayed_slash_command_is_answered_once(bot, fake):
    body = command_body("/avtale", "Hva er YrkesKomp?", fake.url + "/response/42")
    headers = sign(SECRET, body)
    for _ in range(3):
        status, _, _ = post(bot.url, body, headers, "application/x-www-form-urlencoded")
        assert status == 200
    assert len(fake.wait_for("response_url", timeout=30)) >= 1
    time.sleep(1.5)
    assert len(fake.calls_to("response_url")) == 1


# 6. File names from outside never become mentions in what the bot posts.
def test_file_names_are_escaped_in_admin_messages(bot, fake, tmp_path):
    share = {
        "type": "message",
        "subtype": "file_share",
        "channel": "CADMIN",
        "channel_type": "channel",
        "user": "UADMIN",
        "ts": "501.000",
        "text": "",
        "files": [{"id": "F9", "name": "<!channel> varsel.exe", "url_private_download": fake.url + "/files/x"}],
    }
    bot.send_event(share)
    reply = fake.wait_for("chat.postMessage")[0]["args"]["text"]
    assert "<!channel>" not in reply and "&lt;!channel&gt; varsel.exe" in reply
    (tmp_path / "corpus" / "<!here> tom.txt").write_text("", encoding="utf-8")
    status, _, _ = bot.send_form(command_body("/avtale-reindex", "", fake.url + "/response/77", user="UADMIN"))
    assert status == 200
    summary = fake.wait_for("response_url", timeout=90)[0]["args"]["text"]
    assert "<!here>" not in summary and "&lt;!here&gt; tom.txt" in summary


# 9. A download redirected to another host is not followed with the bot token.
def test_download_redirect_to_another_host_is_refused(bot, fake):
    stolen: list[str] = []

    class Thief(BaseHTTPRequestHandler):
        def do_GET(self):
            stolen.append(self.headers.get("Authorization", ""))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *a):
            pass

    thief = ThreadingHTTPServer(("127.0.0.1", 0), Thief)
    threading.Thread(target=thief.serve_forever, daemon=True).start()
    try:
        fake.redirects["avtale.txt"] = f"http://localhost:{thief.server_address[1]}/steal"
        share = {
            "type": "message",
            "subtype": "file_share",
            "channel": "CADMIN",
            "channel_type": "channel",
            "user": "UADMIN",
            "ts": "601.000",
            "text": "",
            "files": [{"id": "F7", "name": "avtale.txt", "url_private_download": fake.url + "/files/avtale.txt"}],
        }
        bot.send_event(share)
        reply = fake.wait_for("chat.postMessage")[0]["args"]["text"]
    finally:
        thief.shutdown()
        thief.server_close()
    assert "redirected to another host" in reply
    assert stolen == []  # the other host never saw a request, let alone the token
    first_hop = fake.calls_to("file_download")
    assert len(first_hop) == 1 and first_hop[0]["auth"] == f"Bearer {TOKEN}"  # only Slack's host had it
