"""The LLM answerer over HTTP against a loopback OpenAI-compatible server, and its guard rails."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import SecretStr

from avtalebot.answer.llm import LLMAnswerer, build_chat_model


class FakeOpenAI:
    """Answers /v1/chat/completions with queued replies and records each request body."""

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.requests: list[dict] = []
        fake = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                )
                content = fake.replies.pop(0)
                out = json.dumps(
                    {
                        "id": "c1",
                        "object": "chat.completion",
                        "created": 1,
                        "model": body["model"],
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": content},
                            }
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def extractive(answerer):
    return answerer


def test_llm_answer_over_http_keeps_citations(settings, extractive):
    server = FakeOpenAI(["Avtalen ble signert av fylkesordfører Sindre Martinsen-Evje [1]."])
    try:
        s = settings.model_copy(
            update={
                "answerer": "llm",
                "llm_base_url": server.base_url,
                "llm_model": "m1",
                "llm_api_key": SecretStr("sk-test"),
            }
        )
        llm = LLMAnswerer(extractive=extractive, chat_model=build_chat_model(s))
        ans = llm.answer("Hvem signerte avtalen for Østfold fylkeskommune?")
    finally:
        server.stop()
    assert ans.text == "Avtalen ble signert av fylkesordfører Sindre Martinsen-Evje [1]."
    assert [c.n for c in ans.citations] == [1] and ans.citations[0].source.startswith("003_")
    req = server.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer sk-test"
    prompt = json.dumps(req["body"]["messages"], ensure_ascii=False)
    assert "Sindre Martinsen-Evje" in prompt and "[1]" in prompt and "Norwegian Bokmål" in prompt


@pytest.mark.parametrize("reply", ["Det er Ola Nordmann.", "Det er Ola Nordmann [7]."])
def test_uncited_or_miscited_llm_answer_falls_back_to_quotes(extractive, reply):
    llm = LLMAnswerer(
        extractive=extractive, chat_model=GenericFakeChatModel(messages=iter([AIMessage(reply)]))
    )
    ans = llm.answer("Hvem signerte avtalen for Østfold fylkeskommune?")
    assert "Ola Nordmann" not in ans.text and "Sindre Martinsen-Evje" in ans.text


def test_llm_saying_not_in_sources_abstains(extractive):
    llm = LLMAnswerer(
        extractive=extractive,
        chat_model=GenericFakeChatModel(messages=iter([AIMessage("NOT_IN_SOURCES")])),
    )
    ans = llm.answer("Hva er YrkesKomp?")
    assert ans.abstained and ans.citations == ()
