"""Waiting for a server a test started (the bot's health endpoint) to answer."""

from __future__ import annotations

import subprocess
import time
import urllib.request


def wait_health(port: int, timeout: float = 90, process: subprocess.Popen | None = None) -> None:
    """Until /health answers 200; a process that exits first fails at once, with its last words."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            err = process.stderr.read() if process.stderr else ""  # the caller's cleanup still communicates
            raise AssertionError(f"the server for port {port} exited ({process.returncode}): {(err or '')[-2000:]}")
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered on 127.0.0.1:{port}/health within {timeout:.0f} s")
