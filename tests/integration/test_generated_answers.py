"""Generated answers end to end with the real e5 index and the shipped scorer: through the CLI and
through the Slack bot, against a loopback OpenAI-compatible server. No uncited or unsupported
sentence reaches the user or chat.postMessage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from bot.escape import escape_markdown
from tests.llm_fake import NAME, FakeOpenAI, Q, passage_with
from tests.slack_fake import mention
from tests.slack_harness import Bot, bot_settings

pytestmark = pytest.mark.integration
OUT_OF_SCOPE = "Hvor mange heiser har Oslo rådhus?"


def _ask(data, question: str, url: str | None) -> dict:
    env = {**os.environ}
    if url:
        env.update(
            {"AVTALEBOT_ANSWERER": "llm", "AVTALEBOT_LLM_BASE_URL": url + "/v1", "AVTALEBOT_LLM_API_KEY": "k"}
        )
    cli = [sys.executable, "-m", "avtalebot", "--data-dir", str(data), "ask", question, "--json"]
    res = subprocess.run(cli, capture_output=True, text=True, timeout=300, env=env)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_cli_generated_answers_are_checked(e5_data, tmp_path):
    server = FakeOpenAI([
        lambda b: f"Avtalen ble signert av {NAME} [{passage_with(b, NAME)}]. Den gjelder i 99 år [1].",
        lambda b: f"Avtalen ble signert av Ola Nordmann [{passage_with(b, NAME)}].",
        "NOT_IN_SOURCES",
        "NOT_IN_SOURCES",
    ])  # fmt: skip
    try:
        one = _ask(e5_data, Q, server.url)
        assert one["answer"].startswith(f"Avtalen ble signert av {NAME} [1].") and "99" not in one["answer"]
        assert NAME in one["citations"][0]["quote"]
        two = _ask(e5_data, Q, server.url)  # the first sentence fails: the checked quotes instead
        assert "Ola Nordmann" not in two["answer"] and two["answer"].startswith("(Sitater fra avtalene")
        three = _ask(e5_data, Q, server.url)  # the model declines, the extractive answer does not
        assert three["answer"].startswith("(Sitater fra avtalene") and not three["abstained"]
        assert _ask(e5_data, OUT_OF_SCOPE, None)["abstained"]
        four = _ask(e5_data, OUT_OF_SCOPE, server.url)  # both decline
        assert four["abstained"] and four["citations"] == []
        questions = tmp_path / "q.jsonl"
        row = {
            "q": Q,
            "lang": "nb",
            "source": "003_17f27e3899bcf5b6.txt",
            "answer_any": [NAME],
            "kind": "fact",
        }
        questions.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
        env = {**os.environ, "AVTALEBOT_ANSWERER": "llm", "AVTALEBOT_LLM_BASE_URL": server.url + "/v1"}
        cli = [
            sys.executable,
            "-m",
            "avtalebot",
            "--data-dir",
            str(e5_data),
            "eval",
            str(questions),
            "--json",
        ]
        res = subprocess.run(
            cli, capture_output=True, text=True, timeout=300, env={**env, "AVTALEBOT_LLM_API_KEY": "k"}
        )
        assert json.loads(res.stdout)["generated"] == {"fallback: model declined": 1, "not_in_sources": 1}
    finally:
        server.stop()


def _streaming_bot(fake, e5_data, e5_embedder):
    server = FakeOpenAI([
        lambda b: f"{NAME} signerte avtalen [{passage_with(b, NAME)}]. Han signerte den 3. mars 2031 "
        f"[{passage_with(b, NAME)}]. Fylkesordfører {NAME} signerte for Østfold fylkeskommune "
        f"[{passage_with(b, NAME)}]. Avtalen koster 4 750 000 kroner i året [{passage_with(b, NAME)}]. "
        f"Det var {NAME} [{passage_with(b, NAME)}].",
    ])  # fmt: skip  (the date 2031 and the amount are made up: neither may reach Slack)
    server.piece, server.piece_delay = 10, 0.12
    settings = bot_settings(e5_data, fake, answerer="llm", llm_base_url=server.url + "/v1", llm_api_key="k")
    return server, Bot(settings, e5_embedder, fake)


def test_slack_streams_checked_sentences_natively_and_stops_with_the_blocks(fake, e5_data, e5_embedder):
    server, bot = _streaming_bot(fake, e5_data, e5_embedder)
    try:
        bot.send_event(mention(f"<@UBOT> {Q}", "902.000"))
        (stop,) = fake.wait_for("chat.stopStream", timeout=60)
        (start,) = fake.calls_to("chat.startStream")
        appends = fake.calls_to("chat.appendStream")
        assert start["args"]["markdown_text"].startswith(escape_markdown(NAME)) and start["args"]["thread_ts"] == "902.000"
        assert start["args"]["recipient_user_id"] == "U1" and start["args"]["recipient_team_id"] == "T1"
        sent = [start, *appends, stop]
        assert [c["time"] for c in sent] == sorted(c["time"] for c in sent)  # start, appends, stop
        for made_up in ("2031", "750 000", "4750000"):  # never an unchecked sentence
            assert all(made_up not in json.dumps(c["args"], ensure_ascii=False) for c in sent), made_up
        shown = "".join(c["args"].get("markdown_text", "") for c in sent)
        assert "Fylkesordfører" in shown
        assert {c["args"]["ts"] for c in [*appends, stop]} == {start["response"]["ts"]}
        assert any(b["type"] == "context_actions" for b in stop["args"]["blocks"])  # sources and feedback
        assert fake.calls_to("chat.postMessage") == [] and fake.calls_to("chat.update") == []
    finally:
        bot.stop()
        server.stop()


def test_slack_streams_only_checked_sentences_at_most_once_a_second(fake, e5_data, e5_embedder):
    """Where Slack refuses native streaming: one message, updated in place at most once a second."""
    fake.refuse["chat.startStream"] = "method_not_supported_for_channel_type"
    server, bot = _streaming_bot(fake, e5_data, e5_embedder)
    try:
        bot.send_event(mention(f"<@UBOT> {Q}", "901.000"))
        (first,) = fake.wait_for("chat.postMessage", timeout=60)
        assert first["args"]["text"].startswith(NAME) and "2031" not in first["args"]["text"]
        deadline = time.time() + 60
        while time.time() < deadline and not any(
            u["args"].get("blocks") for u in fake.calls_to("chat.update")
        ):
            time.sleep(0.1)
        updates = fake.calls_to("chat.update")
        assert len(updates) >= 2 and len({u["args"]["ts"] for u in updates}) == 1  # one message, in place
        sent = [first, *updates]
        for made_up in ("2031", "750 000", "4750000"):
            assert all(made_up not in json.dumps(c["args"], ensure_ascii=False) for c in sent), made_up
        gaps = [b["time"] - a["time"] for a, b in zip(sent, sent[1:], strict=False)]
        assert min(gaps) >= 0.95, gaps  # at most one update a second
        final = updates[-1]["args"]
        assert "Fylkesordfører" in final["text"] and any(b["type"] == "context_actions" for b in final["blocks"])
        assert len(fake.calls_to("chat.postMessage")) == 1  # posted once, then updated in place
    finally:
        bot.stop()
        server.stop()


def test_slack_never_posts_an_unchecked_sentence(tmp_path, fake, e5_data, e5_embedder):
    server = FakeOpenAI([
        lambda b: f"{NAME} signerte avtalen [{passage_with(b, NAME)}]. Han signerte 3. mars 2031 [1]. "
        f"Fylkesordfører {NAME} signerte for Østfold fylkeskommune [{passage_with(b, NAME)}]. Ingen kilde her.",
    ])  # fmt: skip
    settings = bot_settings(
        e5_data, fake, answerer="llm", llm_base_url=server.url + "/v1", llm_api_key="k", llm_stream=False
    )
    bot = Bot(settings, e5_embedder, fake)
    try:
        bot.send_event(mention(f"<@UBOT> {Q}", "900.000"))
        post = fake.wait_for("chat.postMessage", timeout=60)[0]["args"]
        blob = post["text"] + json.dumps(post.get("blocks", []), ensure_ascii=False)
        assert NAME in post["text"] and "2031" not in blob and "Ingen kilde" not in blob
        assert "[1]" in post["text"] and fake.calls_to("chat.update") == []
    finally:
        bot.stop()
        server.stop()


def _good(b: dict) -> str:
    return f"{NAME} signerte avtalen [{passage_with(b, NAME)}]."


# case: (script, what must be in the answer, what must never reach the user)
CASES = {
    "correct": ([_good], NAME + " signerte avtalen [1].", None),
    "hallucinated number": ([lambda b: _good(b) + f" Den gjelder i 99 år [{passage_with(b, NAME)}]."], NAME, "99 år"),
    "name not in passage": ([lambda b: f"Avtalen ble signert av Ola Nordmann [{passage_with(b, NAME)}]."],
                            "(Sitater fra avtalene", "Ola Nordmann"),
    "no citation": ([lambda b: _good(b) + " Dette var en viktig dag."], NAME, "viktig dag"),
    "citation not given": ([f"{NAME} signerte avtalen [42]."], "(Sitater fra avtalene", "[42]"),
    "NOT_IN_SOURCES": (["NOT_IN_SOURCES"], "(Sitater fra avtalene", "NOT_IN_SOURCES"),
    "timeout": ([(200, None, 6.0), _good], "(Sitater fra avtalene", None),
    "429 then success": ([(429, '{"error": {"message": "slow down"}}', 0.0), _good], NAME + " signerte avtalen [1].", None),
    "malformed JSON": ([(200, "{not json", 0.0)], "(Sitater fra avtalene", None),
}  # fmt: skip


def test_every_scripted_case_through_the_cli_and_slack(e5_data, e5_embedder, fake):
    server = FakeOpenAI(["unused"])
    llm_env = {"AVTALEBOT_ANSWERER": "llm", "AVTALEBOT_LLM_BASE_URL": server.url + "/v1",
               "AVTALEBOT_LLM_API_KEY": "k", "AVTALEBOT_LLM_TIMEOUT_S": "3"}  # fmt: skip
    settings = bot_settings(e5_data, fake, answerer="llm", llm_base_url=server.url + "/v1", llm_api_key="k",
                            llm_timeout_s=3, llm_stream=False)  # fmt: skip
    bot = Bot(settings, e5_embedder, fake)
    try:
        for n, (case, (script, expected, never)) in enumerate(CASES.items()):
            server.script = list(script)
            cli = [sys.executable, "-m", "avtalebot", "--data-dir", str(e5_data), "ask", Q, "--json"]
            res = subprocess.run(
                cli, capture_output=True, text=True, timeout=300, env={**os.environ, **llm_env}
            )
            answer = json.loads(res.stdout)["answer"]
            assert answer.startswith(expected), (case, answer)
            assert never is None or never not in answer, case
            server.script = list(script)
            bot.send_event(mention(f"<@UBOT> {Q}", f"95{n}.000"))
            post = fake.wait_for("chat.postMessage", n + 1, timeout=60)[n]["args"]
            blob = post["text"] + json.dumps(post.get("blocks", []), ensure_ascii=False)
            assert post["text"].startswith(expected), (case, post["text"])
            assert never is None or never not in blob, case
    finally:
        bot.stop()
        server.stop()
