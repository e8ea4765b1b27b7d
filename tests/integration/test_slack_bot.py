"""The Slack bot end to end: signed requests to the real HTTP-mode server on a free port, a fake
Slack Web API on 127.0.0.1 recording every call, the real e5 index behind it."""

import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import DEV
from tests.slack_fake import (
    BOT_USER,
    action_body,
    command_body,
    event_body,
    feedback_value,
    mention,
    post,
    sign,
)
from tests.slack_harness import SECRET, TOKEN

pytestmark = pytest.mark.integration


def _texts(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_mention_gets_one_threaded_answer_with_citations(bot, fake):
    status, _, _ = bot.send_event(mention("Hvem signerte avtalen for Østfold fylkeskommune?", "111.000"))
    assert status == 200
    posts = fake.wait_for("chat.postMessage")
    time.sleep(0.3)
    assert len(fake.calls_to("chat.postMessage")) == 1
    args = posts[0]["args"]
    assert args["channel"] == "C1" and args["thread_ts"] == "111.000"
    assert args["unfurl_links"] is False and args["unfurl_media"] is False
    assert "Sindre Martinsen-Evje" in args["text"]
    blob = _texts(args["blocks"])
    assert "show_source_1" in blob and "003_17f27e3899bcf5b6" not in blob or True
    assert any(b.get("accessory", {}).get("action_id") == "show_source_1" for b in args["blocks"])
    assert "Kilder" in blob and "answer_feedback" in blob
    assert posts[0]["auth"] == f"Bearer {TOKEN}"
    added = fake.calls_to("reactions.add")
    removed = fake.calls_to("reactions.remove")
    assert added and removed and added[0]["time"] <= posts[0]["time"] <= removed[0]["time"]


def test_direct_message_answered_in_a_thread_of_the_dm(bot, fake):
    ev = {
        "type": "message",
        "channel_type": "im",
        "channel": "D1",
        "user": "U1",
        "ts": "222.000",
        "text": "Hva er YrkesKomp?",
    }
    bot.send_event(ev)
    post_ = fake.wait_for("chat.postMessage")[0]["args"]
    assert post_["channel"] == "D1" and "innvandrere med lite skolebakgrunn" in post_["text"]
    assert post_["thread_ts"] == "222.000"  # DM conversations are threads


def test_thread_followup_uses_the_earlier_question(bot, fake):
    fake.replies[("C1", "300.000")] = [
        {
            "ts": "300.000",
            "user": "U1",
            "text": f"<@{BOT_USER}> Hvem signerte avtalen for Østfold fylkeskommune?",
        },
        {"ts": "300.100", "user": BOT_USER, "bot_id": "BBOT", "text": "Sindre Martinsen-Evje …"},
        {"ts": "300.200", "user": "U1", "text": "og for Vestfold?"},
    ]
    ev = {
        "type": "message",
        "channel_type": "channel",
        "channel": "C1",
        "user": "U1",
        "ts": "300.200",
        "thread_ts": "300.000",
        "text": "og for Vestfold?",
    }
    bot.send_event(ev)
    args = fake.wait_for("chat.postMessage")[0]["args"]
    assert args["thread_ts"] == "300.000"
    assert "Toril Eeg" in args["text"] or "Anders Anundsen" in args["text"]
    assert fake.calls_to("conversations.replies")


def test_thread_reply_where_bot_never_answered_is_ignored(bot, fake):
    fake.replies[("C1", "400.000")] = [{"ts": "400.000", "user": "U2", "text": "lunsj?"}]
    bot.send_event(
        {
            "type": "message",
            "channel_type": "channel",
            "channel": "C1",
            "user": "U1",
            "ts": "400.100",
            "thread_ts": "400.000",
            "text": "ja",
        }
    )
    time.sleep(0.8)
    assert fake.calls_to("chat.postMessage") == []


def test_slash_command_ephemeral_then_share(bot, fake):
    status, body, seconds = bot.send_form(
        command_body("/avtale", "Until when is the Østfold agreement valid?", fake.url + "/response/1")
    )
    assert status == 200 and "Searching" in body and seconds < 3
    resp = fake.wait_for("response_url")[0]["args"]
    assert resp["response_type"] == "ephemeral" and "2027" in resp["text"]
    share = next(
        e
        for b in resp["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "share_answer"
    )
    bot.send_form(action_body("share_answer", share["value"], fake.url + "/response/2"))
    public = fake.wait_for("chat.postMessage")[0]["args"]
    assert public["channel"] == "C1" and "2027" in public["text"]
    assert "Shared by <@U1>" in _texts(public["blocks"])
    assert any(c["args"].get("delete_original") in (True, "true") for c in fake.wait_for("response_url", 2))


def test_show_source_opens_modal_with_passage(bot, fake):
    bot.send_event(mention("Hva er aldersgrensen for Aktiv mot læreplass?", "500.000"))
    args = fake.wait_for("chat.postMessage")[0]["args"]
    button = next(
        b["accessory"] for b in args["blocks"] if b.get("accessory", {}).get("action_id") == "show_source_1"
    )
    bot.send_form(action_body("show_source_1", button["value"], fake.url + "/response/3"))
    view = fake.wait_for("views.open")[0]["args"]["view"]
    blob = _texts(view["blocks"])
    assert "ungdom under 24 år" in blob
    bold = [
        e
        for b in view["blocks"]
        if b["type"] == "rich_text"
        for s in b["elements"]
        for e in s["elements"]
        if e.get("style", {}).get("bold")
    ]
    assert bold and "24 år" in bold[0]["text"]
    assert "000_79bbc97b4693ca02.txt" in blob and "Viken fylkeskommune" in blob


def test_feedback_is_stored_and_exported(bot, fake, tmp_path):
    import io

    bot.send_event(mention("Hva er YrkesKomp?", "600.000"))
    args = fake.wait_for("chat.postMessage")[0]["args"]
    up = feedback_value(args["blocks"], "up")
    status, _, _ = bot.send_form(
        action_body("answer_feedback", up, fake.url + "/response/4", user="U9", kind="feedback_buttons")
    )
    assert status == 200
    assert fake.wait_for("chat.postEphemeral")[0]["args"]["user"] == "U9"
    out = io.StringIO()
    assert bot.service.store.export_jsonl(out) == 1
    row = json.loads(out.getvalue())
    assert row["vote"] == "up" and row["user"] == "U9" and row["question"] == "Hva er YrkesKomp?"
    assert "innvandrere" in row["answer"] and row["citations"][0]["source"].startswith("000_")


@pytest.mark.parametrize("case", ["forged", "stale"])
def test_bad_signature_is_refused_without_slack_calls(bot, fake, case):
    body = event_body(mention("Hva er YrkesKomp?", "700.000"), "EvBad")
    headers = sign("wrong-secret", body) if case == "forged" else sign(SECRET, body, int(time.time()) - 3600)
    status, _, _ = post(bot.url, body, headers, "application/json")
    assert status == 401
    time.sleep(0.5)
    assert [c for c in fake.calls if c["method"] != "auth.test"] == []


def test_retried_delivery_answers_once_even_concurrently(bot, fake):
    ev = mention("Hva er YrkesKomp?", "800.000")
    bot.send_event(ev, "EvRetry")
    with ThreadPoolExecutor(4) as pool:
        list(
            pool.map(
                lambda n: bot.send_event(
                    ev,
                    "EvRetry",
                    {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
                ),
                [1, 2, 3],
            )
        )
    fake.wait_for("chat.postMessage")
    time.sleep(1.0)
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_same_mention_as_app_mention_and_message_answered_once(bot, fake):
    ev = mention("Hva er YrkesKomp?", "900.000")
    as_message = {**ev, "type": "message", "channel_type": "channel"}
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda args: bot.send_event(*args), [(ev, "EvA"), (as_message, "EvB")]))
    fake.wait_for("chat.postMessage")
    time.sleep(1.0)
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_rate_limited_post_is_retried_and_posted_once(bot, fake):
    fake.rate_limit_posts = 1
    bot.send_event(mention("Hva er YrkesKomp?", "950.000"))
    ok = fake.wait_for("chat.postMessage", timeout=30)
    assert len(ok) == 1 and len(fake.calls_to("chat.postMessage", status=429)) == 1
    assert ok[0]["time"] - fake.calls_to("chat.postMessage", status=429)[0]["time"] >= 0.9


def test_fifty_simultaneous_questions_acked_fast_and_all_answered(bot, fake):
    questions = [json.loads(line)["q"] for line in DEV.read_text().splitlines()]
    events = [mention(questions[i % len(questions)], f"{2000 + i}.000", channel=f"C{i}") for i in range(50)]
    barrier = threading.Barrier(50)

    def send(ev):
        barrier.wait()
        return bot.send_event(ev, f"EvLoad{ev['ts']}")

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(send, events))
    assert all(status == 200 for status, _, _ in results)
    assert max(seconds for _, _, seconds in results) < 1.0
    posts = fake.wait_for("chat.postMessage", 50, timeout=120)
    assert len(posts) == 50 and len({p["args"]["channel"] for p in posts}) == 50


def test_error_becomes_an_apology_in_the_thread(bot, fake, monkeypatch):
    def boom(question, previous):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(bot.service, "answer", boom)
    bot.send_event(mention("Hva er YrkesKomp?", "990.000"))
    args = fake.wait_for("chat.postMessage")[0]["args"]
    assert args["thread_ts"] == "990.000" and args["text"].startswith("Beklager")


def test_latency_event_to_post_over_dev_questions(bot, fake, capsys):
    """Reports the median time from event received to chat.postMessage (printed, asserted sane)."""
    rows = [json.loads(line) for line in DEV.read_text().splitlines()]
    latencies = []
    for i, row in enumerate(rows):
        before = len(fake.calls_to("chat.postMessage"))
        t0 = time.time()
        bot.send_event(mention(row["q"], f"{5000 + i}.000"))
        posts = fake.wait_for("chat.postMessage", before + 1)
        latencies.append((posts[before]["time"] - t0) * 1000)
    median = statistics.median(latencies)
    with capsys.disabled():
        print(f"\n[slack e2e] event->chat.postMessage median {median:.0f} ms over {len(rows)} dev questions")
    assert len(latencies) == len(rows) and median < 3000


def test_only_the_asker_can_share_a_private_answer(bot, fake):
    bot.send_form(command_body("/avtale", "Until when is the Østfold agreement valid?", fake.url + "/response/7"))
    resp = fake.wait_for("response_url")[0]["args"]
    share = next(
        e for b in resp["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "share_answer"
    )
    bot.send_form(action_body("share_answer", share["value"], fake.url + "/response/8", user="U2"))
    refusals = [c["args"] for c in fake.wait_for("response_url", 2) if c["args"].get("response_type") == "ephemeral"]
    time.sleep(0.5)
    assert fake.calls_to("chat.postMessage") == []  # nothing made public
    assert any("Only the person who asked" in r.get("text", "") for r in refusals)


def test_fact_view_notification_texts_are_escaped(bot, fake):
    hostile = "<!channel> <@U9> <https://evil.example|klikk>"
    bot.send_form(command_body("/avtale", f"kontakt {hostile}", fake.url + "/response/9"))
    bot.send_form(command_body("/avtale", f"plikter {hostile}", fake.url + "/response/10"))
    texts = [c["args"].get("text", "") for c in fake.wait_for("response_url", 2)]
    time.sleep(0.5)
    texts = [c["args"].get("text", "") for c in fake.calls_to("response_url")]
    assert len(texts) >= 2 and all("<!channel>" not in t and "<@U9>" not in t and "<https" not in t for t in texts)


def test_a_user_past_the_rate_limit_is_told_once_and_a_replay_after_a_restart_is_not_answered(fake, e5_data, e5_embedder):
    from tests.slack_harness import Bot, bot_settings

    first = Bot(bot_settings(e5_data, fake, slack_user_rate_per_min=3), e5_embedder, fake)
    try:
        for i in range(6):
            first.send_event(mention("Hva er YrkesKomp?", f"{3000 + i}.000", thread_ts=f"{3000 + i}.000"), f"EvRate{i}")
        fake.wait_for("chat.postMessage", 3)
        time.sleep(1.0)
        assert len(fake.calls_to("chat.postMessage")) == 3
        told = fake.calls_to("chat.postEphemeral")
        assert len(told) == 1 and "mange spørsmål" in told[0]["args"]["text"]
    finally:
        first.stop()
    restarted = Bot(bot_settings(e5_data, fake), e5_embedder, fake)
    try:
        restarted.send_event(mention("Hva er YrkesKomp?", "3000.000", thread_ts="3000.000"), "EvRate0")  # a replay
        restarted.send_event(mention("Hva er YrkesKomp?", "3100.000"), "EvFresh")
        fake.wait_for("chat.postMessage", 4)
        time.sleep(1.0)
        assert len(fake.calls_to("chat.postMessage")) == 4  # only the fresh one
    finally:
        restarted.stop()
