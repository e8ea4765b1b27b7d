"""A fake Slack Web API on 127.0.0.1 that records every call (as bolt-python's own tests do),
plus helpers to sign requests the way Slack does."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BOT_USER = "UBOT"
BOT_ID = "BBOT"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.replies: dict[tuple[str, str], list[dict]] = {}
        self.files: dict[str, bytes] = {}
        self.redirects: dict[str, str] = {}  # file name -> where a download of it is redirected
        self.rate_limit_posts = 0  # answer this many chat.postMessage calls with 429 first
        self.refuse: dict[str, str] = {}  # method -> the error Slack answers it with (ok: false)
        self.locales: dict[str, str] = {}  # user -> locale that users.info reports
        self.ws_url = ""
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._ts = 1000
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.url + "/api/"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def record(self, entry: dict) -> None:
        with self._cond:
            self.calls.append(entry)
            self._cond.notify_all()

    def calls_to(self, method: str, status: int | None = 200) -> list[dict]:
        with self._lock:
            return [
                c for c in self.calls if c["method"] == method and (status is None or c["status"] == status)
            ]

    def wait_for(self, method: str, n: int = 1, timeout: float = 20.0) -> list[dict]:
        deadline = time.time() + timeout
        with self._cond:
            while True:
                got = [c for c in self.calls if c["method"] == method and c["status"] == 200]
                if len(got) >= n or time.time() > deadline:
                    return got
                self._cond.wait(timeout=0.05)

    def _next_ts(self) -> str:
        with self._lock:
            self._ts += 1
            return f"1700000000.{self._ts:06d}"

    def _respond(self, method: str, args: dict) -> tuple[int, dict, dict]:
        if method in self.refuse:
            return 200, {}, {"ok": False, "error": self.refuse[method]}
        if method == "chat.startStream":
            return 200, {}, {"ok": True, "channel": args.get("channel"), "ts": self._next_ts()}
        if method == "users.info":
            user = args.get("user", "")
            return 200, {}, {"ok": True, "user": {"id": user, "locale": self.locales.get(user, "nb-NO")}}
        if method == "auth.test":
            return (
                200,
                {},
                {
                    "ok": True,
                    "user_id": BOT_USER,
                    "bot_id": BOT_ID,
                    "team_id": "T1",
                    "user": "avtalebot",
                },
            )
        if method == "chat.postMessage":
            with self._lock:
                limited = self.rate_limit_posts > 0
                self.rate_limit_posts -= 1 if limited else 0
            if limited:
                return 429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}
            return 200, {}, {"ok": True, "channel": args.get("channel"), "ts": self._next_ts()}
        if method == "conversations.replies":
            return (
                200,
                {},
                {
                    "ok": True,
                    "messages": self.replies.get((args.get("channel"), args.get("ts")), []),
                },
            )
        if method == "apps.connections.open":
            return 200, {}, {"ok": True, "url": self.ws_url}
        return 200, {}, {"ok": True}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _reply(self, status, headers, body: bytes, ctype="application/json"):
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                fake.record(
                    {
                        "method": "file_download",
                        "path": self.path,
                        "status": 200,
                        "time": time.time(),
                        "auth": self.headers.get("Authorization", ""),
                    }
                )
                if name in fake.redirects:
                    self._reply(302, {"Location": fake.redirects[name]}, b"", "text/plain")
                    return
                data = fake.files.get(name)
                self._reply(200 if data is not None else 404, {}, data or b"", "application/octet-stream")

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                path, _, query = self.path.partition("?")
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                args.update({k: v[0] for k, v in urllib.parse.parse_qs(query).items()})
                for key in ("blocks", "view"):
                    if isinstance(args.get(key), str):
                        args[key] = json.loads(args[key])
                if path.startswith("/response/"):
                    method, status, headers, body = "response_url", 200, {}, {"ok": True}
                else:
                    method = path[len("/api/") :]
                    status, headers, body = fake._respond(method, args)
                fake.record(
                    {
                        "method": method,
                        "args": args,
                        "response": body,
                        "status": status,
                        "time": time.time(),
                        "auth": self.headers.get("Authorization", ""),
                    }
                )
                self._reply(status, headers, json.dumps(body).encode())

        return Handler


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


def post(url: str, body: str, headers: dict[str, str], content_type: str) -> tuple[int, str, float]:
    """POST and return (status, body, seconds until the response arrived)."""
    req = urllib.request.Request(
        url, data=body.encode(), method="POST", headers={"Content-Type": content_type, **headers}
    )
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode(), time.perf_counter() - t0
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), time.perf_counter() - t0


def event_body(event: dict, event_id: str) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": "T1", "user_id": BOT_USER, "is_bot": True}],
        }
    )


def mention(text: str, ts: str, channel: str = "C1", user: str = "U1", thread_ts: str | None = None) -> dict:
    ev = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        ev["thread_ts"] = thread_ts
    return ev


def feedback_value(blocks: list[dict], vote: str = "up") -> str:
    """The value of the 👍 (up) or 👎 (down) of an answer's feedback_buttons."""
    return next(
        e["positive_button" if vote == "up" else "negative_button"]["value"]
        for b in blocks
        if b["type"] == "context_actions"
        for e in b["elements"]
        if e["type"] == "feedback_buttons"
    )


def action_body(
    action_id: str, value: str, response_url: str, channel: str = "C1", user: str = "U1", kind: str = "button"
) -> str:
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "api_app_id": "A1",
        "team": {"id": "T1"},
        "channel": {"id": channel},
        "trigger_id": "trigger-1",
        "response_url": response_url,
        "container": {"type": "message", "channel_id": channel, "message_ts": "1.0"},
        "actions": [
            {
                "type": kind,
                "action_id": action_id,
                "value": value,
                "block_id": "b1",
                "action_ts": str(time.time()),
            }
        ],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def command_body(command: str, text: str, response_url: str, user: str = "U1", channel: str = "C1") -> str:
    return urllib.parse.urlencode(
        {
            "command": command,
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": "T1",
            "response_url": response_url,
            "trigger_id": f"trigger-{response_url.rsplit('/', 1)[-1]}",  # one per command, same on replay
            "api_app_id": "A1",
            "token": "legacy",
        }
    )
