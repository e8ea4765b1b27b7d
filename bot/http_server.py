"""HTTP mode: a threading server that hands POST /slack/events to Bolt (events, commands, interactions)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from slack_bolt import App, BoltRequest

EVENTS_PATH = "/slack/events"


def _handler_for(app: App):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # request lines are not logged (no payloads in logs)
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
            self.send_response(status)
            for k, vs in (headers or {}).items():
                for v in vs if isinstance(vs, list | tuple) else [vs]:
                    if k.lower() != "content-length":
                        self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/health":
                self._send(200, b"ok", {"Content-Type": "text/plain"})
            else:
                self._send(404)

        def do_POST(self):
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            if path != EVENTS_PATH:
                self._send(404)
                return
            headers = {k.lower(): [v] for k, v in self.headers.items()}
            resp = app.dispatch(BoltRequest(body=body, query=query, headers=headers))
            payload = resp.body if isinstance(resp.body, str) else str(resp.body)
            self._send(resp.status, payload.encode("utf-8"), resp.headers)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a burst of deliveries must queue in the kernel, not be reset


class BoltHTTPServer:
    """Many requests at once (ThreadingHTTPServer), so acknowledgements never queue behind answers."""

    def __init__(self, app: App, host: str, port: int) -> None:
        self._server = _Server((host, port), _handler_for(app))
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
