"""`avtalebot bench --chroma-server`: the scaling phases against a real `chroma run` server, as the
replicas in docker-compose.yml use one, with the server's own memory measured. The bot processes
then hold no vectors; what the server holds is what a deployment has to size (docs/scaling.md)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from avtalebot.errors import AvtalebotError


@dataclass
class ChromaServer:
    host: str
    port: int
    pid: int
    path: Path

    def env(self) -> dict[str, str]:
        return {"AVTALEBOT_CHROMA_HOST": self.host, "AVTALEBOT_CHROMA_PORT": str(self.port)}

    def rss_mb(self) -> float:
        """Resident memory of the server and its children now (psutil: the bench extra)."""
        import psutil

        proc = psutil.Process(self.pid)
        return round(sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 1e6, 1)

    def disk_mb(self) -> float:
        return round(sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file()) / 1e6, 1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def chroma_server(work: Path, timeout_s: float = 60.0) -> Iterator[ChromaServer]:
    """A fresh server on 127.0.0.1 with its data under <work>/chroma-server, stopped on exit."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    path = work / "chroma-server"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    port = _free_port()
    log = open(path.parent / "chroma-server.log", "w")
    cmd = [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise AvtalebotError(f"the Chroma server did not start; see {log.name}") from None
                time.sleep(0.2)
        yield ChromaServer("127.0.0.1", port, proc.pid, path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
