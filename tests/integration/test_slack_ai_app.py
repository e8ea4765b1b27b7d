"""Slack's surface for AI apps, at the HTTP level: signed events to the real HTTP-mode bot, and
what reached the loopback fake Web API (prompts, status, titles, the Home tab, native streams)."""

from __future__ import annotations

import json
import re
import time

import pytest
from slack_sdk import WebClient

from avtalebot.types import Answer, DocRecord
from bot.escape import escape_markdown
from bot.streaming import AnswerStream
from ingest.text import detect_lang
from tests.slack_fake import action_body, feedback_value

pytestmark = pytest.mark.integration
HOSTILE = "Se <!channel> og <@U0BOSS> *nå*: [klikk](https://evil.example) <https://evil.example|her> `kode`"


def _dm(text: str, ts: str, thread_ts: str | None = None, user: str = "U1") -> dict:
    ev = {"type": "message", "channel_type": "im", "channel": "D1", "user": user, "ts": ts, "text": text}
    return ev | ({"thread_ts": thread_ts} if thread_ts else {})


def test_messages_tab_and_assistant_thread_get_prompts_in_the_users_language(bot, fake):
    fake.locales["UEN"] = "en-GB"
    bot.send_event({"type": "app_home_opened", "user": "UEN", "channel": "D7", "tab": "messages"})
    (call,) = fake.wait_for("assistant.threads.setSuggestedPrompts")
    args = call["args"]
    assert args["channel_id"] == "D7" and "thread_ts" not in args
    assert 1 <= len(args["prompts"]) <= 4 and args["title"].startswith("Ask about")
    assert all(detect_lang(p["message"]) == "en" for p in args["prompts"]), args["prompts"]

    bot.send_event({
        "type": "assistant_thread_started",
        "assistant_thread": {"user_id": "U1", "channel_id": "D1", "thread_ts": "800.000", "context": {}},
    })  # fmt: skip
    calls = fake.wait_for("assistant.threads.setSuggestedPrompts", 2)
    nb = calls[1]["args"]
    assert nb["thread_ts"] == "800.000" and nb["title"].startswith("Spør om")  # locale nb-NO
    # each suggested prompt, in every language, is a question the index answers (about a county it
    # covers with an agreement in force), so a first click is never "Jeg fant ikke noe om dette"
    for lang in ("nb", "nn", "en"):
        for prompt in bot.service.assistant.prompts(lang):
            assert detect_lang(prompt["message"]) == lang, prompt
            answer = bot.service.answer(prompt["message"], None)
            assert not answer.abstained and answer.citations, prompt


def test_dm_in_an_assistant_thread_shows_a_status_then_the_answer_and_gets_a_title(bot, fake):
    bot.send_event(_dm("Hva er aldersgrensen for Aktiv mot læreplass?", "810.100", thread_ts="810.000"))
    (post_,) = fake.wait_for("chat.postMessage")
    statuses = fake.calls_to("assistant.threads.setStatus")
    working = [c for c in statuses if c["args"]["status"]]
    assert working and working[0]["time"] <= post_["time"]
    assert working[0]["args"]["thread_ts"] == "810.000" and working[0]["args"]["loading_messages"]
    deadline = time.time() + 5
    while time.time() < deadline and not [c for c in fake.calls_to("assistant.threads.setStatus") if not c["args"]["status"]]:
        time.sleep(0.05)
    cleared = [c for c in fake.calls_to("assistant.threads.setStatus") if not c["args"]["status"]]
    assert cleared and cleared[0]["time"] >= post_["time"]
    assert fake.calls_to("reactions.add") == []  # the status replaces the ⏳ here
    assert post_["args"]["thread_ts"] == "810.000" and "24" in post_["args"]["text"]
    blocks = post_["args"]["blocks"]
    assert any(b.get("accessory", {}).get("action_id") == "show_source_1" for b in blocks)  # its citation
    assert feedback_value(blocks, "up").endswith(":up")  # Slack's feedback_buttons
    (title,) = fake.calls_to("assistant.threads.setTitle")
    assert title["args"]["title"].startswith("Hva er aldersgrensen")


def test_a_refused_status_falls_back_to_the_reaction(bot, fake):
    fake.refuse["assistant.threads.setStatus"] = "not_allowed_token_type"
    bot.send_event(_dm("Hva er YrkesKomp?", "820.000"))
    fake.wait_for("chat.postMessage")
    time.sleep(0.3)
    assert fake.calls_to("reactions.add") and fake.calls_to("reactions.remove")


def test_feedback_buttons_are_stored_and_old_buttons_still_work(bot, fake):
    bot.send_event(_dm("Hva er YrkesKomp?", "830.000"))
    blocks = fake.wait_for("chat.postMessage")[0]["args"]["blocks"]
    up = feedback_value(blocks, "up")
    bot.send_form(action_body("answer_feedback", up, fake.url + "/response/9", user="U5", kind="feedback_buttons"))
    answer_id = up.rsplit(":", 1)[0]
    old = f"{answer_id}:down"  # a message posted before feedback_buttons had ordinary buttons
    bot.send_form(action_body("feedback_down", old, fake.url + "/response/10", user="U6"))
    fake.wait_for("chat.postEphemeral", 2)
    votes = {(r["user"], r["vote"]) for r in bot.service.store.records()}
    assert {("U5", "up"), ("U6", "down")} <= votes


def test_home_tab_lists_what_the_bot_knows_and_the_last_reindex_for_admins(bot, fake):
    bot.send_event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    view = fake.wait_for("views.publish")[0]["args"]
    assert view["user_id"] == "U1" and view["view"]["type"] == "home"
    text = json.dumps(view["view"]["blocks"], ensure_ascii=False)
    assert "/avtale kontakt" in text and re.search(r"\d+ gjeldende", text)
    assert "Siste reindeksering" not in text  # not an admin
    assert all(b.get("text", {}).get("type", "plain_text") == "plain_text" for b in view["view"]["blocks"])

    bot.send_event({"type": "app_home_opened", "user": "UADMIN", "channel": "D2", "tab": "home"})
    admin_view = fake.wait_for("views.publish", 2)[1]["args"]["view"]
    assert "Siste reindeksering" in json.dumps(admin_view["blocks"], ensure_ascii=False)


def test_home_tab_shows_a_hostile_document_title_as_plain_text_only():
    from bot.home import home_view

    docs = {"d1": DocRecord(doc_id="d1", source="x.txt", title=HOSTILE, raw_meta={"parties": ["NAV Agder"]})}
    view = home_view(docs, lang="nb", last_sync={"failed": [["<!here>.pdf", "<@U1>"]]}, admin=True)
    hostile = [b for b in view["blocks"] if "<!channel>" in json.dumps(b) or "<!here>" in json.dumps(b)]
    assert len(hostile) == 2 and all(b["text"]["type"] == "plain_text" for b in hostile)


def test_escape_markdown_leaves_no_mention_link_or_formatting():
    out = escape_markdown(HOSTILE)
    for raw in ("<!channel>", "<@U0BOSS>", "<https://", "](", "*nå*", "`kode`", "https://"):
        assert raw not in out, raw
    assert "&lt;!channel&gt;" in out and "\\*nå\\*" in out


def test_native_stream_sends_only_what_it_is_shown_escaped_and_ends_with_the_blocks(fake):
    client = WebClient(token="xoxb-t", base_url=fake.base_url)
    out = AnswerStream(client, channel="C1", thread_ts="900.000", user="U1", team="T1")
    out.show("Første setning.")
    out.show(f"Første setning. {HOSTILE}.")
    tail = [{"type": "context_actions", "elements": []}]
    rest = out.finish(Answer(f"Første setning. {HOSTILE}.", (), False), full=[], tail=tail, fallback="x")
    assert rest == []
    started = fake.calls_to("chat.startStream")[0]
    start, append, stop = started["args"], fake.calls_to("chat.appendStream")[0]["args"], fake.calls_to("chat.stopStream")[0]["args"]
    assert start["recipient_user_id"] == "U1" and start["recipient_team_id"] == "T1"
    assert start["markdown_text"] == "Første setning."
    assert "&lt;!channel&gt;" in append["markdown_text"] and "<!channel>" not in append["markdown_text"]
    assert stop["ts"] == started["response"]["ts"] == append["ts"] and stop["blocks"] == tail
    assert "markdown_text" not in stop and fake.calls_to("chat.postMessage") == []


def test_a_refused_stream_falls_back_to_one_message_updated_in_place(fake):
    fake.refuse["chat.startStream"] = "method_not_supported_for_channel_type"
    client = WebClient(token="xoxb-t", base_url=fake.base_url)
    out = AnswerStream(client, channel="C1", thread_ts="910.000", user="U1", team="T1")
    out.show("Første setning.")
    out.show("Første setning. Andre setning.")
    full = [{"type": "section", "text": {"type": "plain_text", "text": "Første setning. Andre setning."}}]
    out.finish(Answer("Første setning. Andre setning.", (), False), full=full, tail=[], fallback="f")
    (posted,) = fake.calls_to("chat.postMessage")
    assert posted["args"]["text"] == "Første setning." and posted["args"]["thread_ts"] == "910.000"
    final = fake.calls_to("chat.update")[-1]["args"]
    assert final["ts"] == posted["response"]["ts"] and final["blocks"] == full
    assert fake.calls_to("chat.appendStream") == [] and fake.calls_to("chat.stopStream") == []


def test_a_follow_up_in_an_assistant_thread_reads_the_threads_earlier_question(bot, fake):
    fake.replies[("D1", "850.000")] = [
        {"ts": "850.100", "user": "U1", "text": "Hvem signerte avtalen for Østfold fylkeskommune?"},
        {"ts": "850.200", "user": "UBOT", "bot_id": "BBOT", "text": "Sindre Martinsen-Evje …"},
        {"ts": "850.300", "user": "U1", "text": "og for Vestfold?"},
    ]
    bot.send_event(_dm("og for Vestfold?", "850.300", thread_ts="850.000"))
    args = fake.wait_for("chat.postMessage")[0]["args"]
    assert args["thread_ts"] == "850.000"
    assert "Toril Eeg" in args["text"] or "Anders Anundsen" in args["text"]
    assert fake.calls_to("assistant.threads.setTitle") == []  # the thread has its title already
