"""HTTP mode: a threading server that hands POST /slack/events to Bolt (events, commands, interactions).

Before anything is parsed, a request must be small enough (MAX_BODY, else 413) and signed with the
signing secret over its raw bytes within five minutes (else 401): an unsigned or malformed body
never reaches a parser, never costs more than MAX_BODY of memory, and never logs a traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from slack_bolt import App, BoltRequest

EVENTS_PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # Slack's own payloads are far smaller
MAX_SKEW_S = 300
log = logging.getLogger(__name__)


def signature_ok(secret: str, raw: bytes, timestamp: str | None, signature: str | None, now: float) -> bool:
    """Slack's v0 signature, computed over the raw body bytes."""
    if not timestamp or not signature or not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_SKEW_S:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _handler_for(app: App, secret: str):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # request lines are not logged (no payloads in logs)
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict | None = None, close: bool = False) -> None:
            self.send_response(status)
            for k, vs in (headers or {}).items():
                for v in vs if isinstance(vs, list | tuple) else [vs]:
                    if k.lower() != "content-length":
                        self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/health":
                self._send(200, b"ok", {"Content-Type": "text/plain"})
            else:
                self._send(404)

        def do_POST(self):
            path, _, query = self.path.partition("?")
            declared = self.headers.get("Content-Length")
            if declared is None or not declared.strip().isdigit():
                self._send(411 if declared is None else 400, b"bad Content-Length", close=True)
                return
            length = int(declared)
            if length > MAX_BODY:
                self._send(413, b"request body too large", close=True)  # never read
                return
            raw = self.rfile.read(length) if length else b""
            if path != EVENTS_PATH:
                self._send(404)
                return
            ts, sig = self.headers.get("X-Slack-Request-Timestamp"), self.headers.get("X-Slack-Signature")
            if not signature_ok(secret, raw, ts, sig, time.time()):
                self._send(401, b"invalid signature")
                return
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError:
                self._send(400, b"body is not UTF-8")
                return
            headers = {k.lower(): [v] for k, v in self.headers.items()}
            try:
                resp = app.dispatch(BoltRequest(body=body, query=query, headers=headers))
            except Exception as exc:  # a signed but malformed body: one line, no traceback, no payload
                log.warning("rejected a signed request that could not be parsed (%s)", type(exc).__name__)
                self._send(400, b"malformed request")
                return
            payload = resp.body if isinstance(resp.body, str) else str(resp.body)
            self._send(resp.status, payload.encode("utf-8"), resp.headers)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a burst of deliveries must queue in the kernel, not be reset


class BoltHTTPServer:
    """Many requests at once (ThreadingHTTPServer), so acknowledgements never queue behind answers."""

    def __init__(self, app: App, host: str, port: int, *, signing_secret: str) -> None:
        if not signing_secret:
            raise ValueError("HTTP mode needs the signing secret")
        self._server = _Server((host, port), _handler_for(app, signing_secret))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def start_background(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="slack-http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
