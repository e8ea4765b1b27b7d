"""A loopback OpenAI-compatible server answering from a script (the model the generated-answer
tests talk to over real HTTP), and the question and signer those tests use."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Q = "Hvem signerte avtalen for Østfold fylkeskommune?"
NAME = "Sindre Martinsen-Evje"


def passage_with(body: dict, phrase: str) -> int:
    """The number the prompt gave the passage containing `phrase`."""
    user = body["messages"][-1]["content"]
    for block in user.split("\n\n["):
        m = re.match(r"\[?(\d+)\]", block)
        if m and phrase in block:
            return int(m.group(1))
    raise AssertionError(f"no passage with {phrase!r} in the prompt")


class FakeOpenAI:
    """/v1/chat/completions (and Azure's /openai/deployments/<d>/chat/completions) answering from a
    script: each step is a reply text, a function of the request body, or (status, raw body, delay)."""

    def __init__(self, script: list) -> None:
        self.script, self.requests = list(script), []
        self.piece, self.piece_delay = 12, 0.0  # streamed replies: characters per event, pause between
        self.stall_s = 0.0  # streamed replies: this long of SSE keep-alive comments (every 0.5 s) first
        fake = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(
                    {
                        "path": self.path,
                        "body": body,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
                step = fake.script.pop(0) if len(fake.script) > 1 else fake.script[0]
                status, raw, delay = (200, None, 0.0) if not isinstance(step, tuple) else step
                if raw is None:
                    content = step(body) if callable(step) else step
                    raw = json.dumps({
                        "id": "c1", "object": "chat.completion", "created": 1, "model": body.get("model", "m"),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": content}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    })  # fmt: skip
                time.sleep(delay)
                if body.get("stream") and status == 200:
                    return self._stream(json.loads(raw)["choices"][0]["message"]["content"])
                out = raw.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:
                    pass  # the client gave up (budget exceeded)

            def _stream(self, content: str) -> None:
                """Server-sent events, a few characters at a time, as OpenAI streams."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                stall_until = time.monotonic() + fake.stall_s
                while time.monotonic() < stall_until:  # the connection alive, nothing said
                    try:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.5)
                pieces = [content[i : i + fake.piece] for i in range(0, len(content), fake.piece)]
                for piece in [*pieces, None]:
                    delta = {"content": piece} if piece is not None else {}
                    event = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None if piece else "stop"}]}  # fmt: skip
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                    time.sleep(fake.piece_delay if piece else 0)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
