"""Waiting for a server a test started (the bot's health endpoint) to answer."""

from __future__ import annotations

import time
import urllib.request


def wait_health(port: int, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered on 127.0.0.1:{port}/health within {timeout:.0f} s")


