"""Slack: harmless quoting of hostile documents, admin actions, file upload, and Socket Mode."""

import json
import threading
import time

import pytest

from avtalebot.wiring import build_app
from bot.app import build_bolt_app
from tests.slack_fake import command_body, event_body, mention
from tests.slack_harness import SECRET, TOKEN, bot_settings

pytestmark = pytest.mark.integration


def _mrkdwn_texts(obj) -> list[str]:
    found = []
    if isinstance(obj, dict):
        if obj.get("type") == "mrkdwn":
            found.append(obj.get("text", ""))
        for v in obj.values():
            found += _mrkdwn_texts(v)
    elif isinstance(obj, list):
        for v in obj:
            found += _mrkdwn_texts(v)
    return found


def test_planted_mentions_and_links_are_quoted_harmlessly(bot, fake, tmp_path):
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "ungdomsloftet.txt").write_text(
        "Ungdomsløftet i Agder\n\nUngdomsløftet er et tilbud til <!channel> og <@U0ADMIN> om oppfølging av "
        "unge ledige, se <https://evil.example/login|klikk her> og *viktig* _info_.\n",
        encoding="utf-8",
    )
    assert bot.syncer.sync([planted]).ok
    bot.send_event(mention("Hva er Ungdomsløftet i Agder?", "123.000"))
    args = fake.wait_for("chat.postMessage")[0]["args"]
    assert "<!channel>" not in args["text"] and "&lt;!channel&gt;" in args["text"]
    assert "<@U0ADMIN>" not in args["text"] and "<https://evil" not in args["text"]
    for text in _mrkdwn_texts(args["blocks"]):
        assert "<!" not in text and "<http" not in text and "<@U0ADMIN" not in text
    assert args["unfurl_links"] is False and args["unfurl_media"] is False
    assert "Ungdomsløftet er et tilbud" in json.dumps(args["blocks"], ensure_ascii=False)


def test_reindex_only_for_admins(bot, fake):
    status, body, _ = bot.send_form(command_body("/avtale-reindex", "", fake.url + "/response/9", user="U1"))
    assert status == 200 and "bare administratorer" in body
    time.sleep(0.8)
    assert fake.calls_to("response_url") == []
    status, body, _ = bot.send_form(
        command_body("/avtale-reindex", "", fake.url + "/response/10", user="UADMIN")
    )
    assert status == 200 and "Reindekserer" in body
    summary = fake.wait_for("response_url", timeout=60)[0]["args"]["text"]
    assert "5 dokumenter" in summary and "feilet: 0" in summary


def test_file_shared_in_admin_channel_is_ingested(bot, fake):
    fake.files["ny-avtale.txt"] = (
        b"Ny samarbeidsavtale for Agder\n\nNAV Agder og Agder fylkeskommune signerte 3. mars 2025 en avtale om "
        b"Jobbsjansen for unge. Samarbeidsavtalen gjelder ut 2028.\n"
    )
    files = [
        {
            "id": "F1",
            "name": "ny-avtale.txt",
            "url_private_download": fake.url + "/files/ny-avtale.txt",
        }
    ]
    share = {
        "type": "message",
        "subtype": "file_share",
        "channel": "CADMIN",
        "channel_type": "channel",
        "user": "UADMIN",
        "ts": "321.000",
        "files": files,
        "text": "",
    }
    bot.send_event(share)
    reply = fake.wait_for("chat.postMessage", timeout=60)[0]["args"]
    assert reply["thread_ts"] == "321.000" and "Lagt til: 1" in reply["text"]
    download = fake.calls_to("file_download")[0]
    assert download["auth"] == f"Bearer {TOKEN}"
    bot.send_event(mention("Hvor lenge gjelder avtalen for Agder?", "322.000"))
    answer = fake.wait_for("chat.postMessage", 2)[1]["args"]
    assert "2028" in answer["text"]


def test_file_from_non_admin_gets_polite_refusal(bot, fake):
    share = {
        "type": "message",
        "subtype": "file_share",
        "channel": "CADMIN",
        "channel_type": "channel",
        "user": "U1",
        "ts": "331.000",
        "text": "",
        "files": [{"id": "F2", "name": "x.txt", "url_private_download": fake.url + "/files/x.txt"}],
    }
    bot.send_event(share)
    reply = fake.wait_for("chat.postMessage")[0]["args"]
    assert "bare administratorer" in reply["text"] and fake.calls_to("file_download") == []


def test_socket_mode_end_to_end(fake, e5_data, e5_embedder, tmp_path):
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from websockets.sync.server import serve

    from avtalebot.sync import Syncer

    acks: list[dict] = []
    envelope = {
        "envelope_id": "env-1",
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": json.loads(event_body(mention("Hva er YrkesKomp?", "777.000"), "EvSock")),
    }

    def handler(ws):
        ws.send(json.dumps({"type": "hello", "num_connections": 1}))
        ws.send(json.dumps(envelope))
        try:
            for message in ws:
                acks.append(json.loads(message))
        except Exception:
            pass

    server = serve(handler, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.ws_url = f"ws://127.0.0.1:{server.socket.getsockname()[1]}/link"
    settings = bot_settings(e5_data, fake).model_copy(
        update={"slack_app_token": None, "slack_signing_secret": None}
    )
    core = build_app(settings, embedder=e5_embedder)
    app, _ = build_bolt_app(
        settings=settings,
        answerer=core.answerer,
        live=core.live,
        syncer=Syncer(settings, core.layout, e5_embedder),
        socket_mode=True,
    )
    sm = SocketModeHandler(app, "xapp-test-app-token")
    try:
        sm.connect()
        post = fake.wait_for("chat.postMessage", timeout=30)
        assert post and "innvandrere med lite skolebakgrunn" in post[0]["args"]["text"]
        assert any(a.get("envelope_id") == "env-1" for a in acks)
        opened = fake.calls_to("apps.connections.open")[0]
        assert opened["auth"] == "Bearer xapp-test-app-token"
    finally:
        sm.close()
        server.shutdown()


def test_logs_never_contain_tokens(caplog):
    import logging

    from bot import logsafe

    f = logsafe.RedactSecrets([SECRET])
    rec = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s secret %s", (TOKEN, SECRET), None)
    f.filter(rec)
    assert (
        TOKEN not in rec.getMessage() and SECRET not in rec.getMessage() and "[redacted]" in rec.getMessage()
    )
