"""Parse files in a child process with a time and a memory budget per file.

Every loader is written to be linear, but a loader is third-party code (pypdf, python-docx,
BeautifulSoup) reading files anyone can drop into the folder: a file that still stalls or swells
one of them must cost that file, not the sync. A thread cannot be stopped and a signal does not
interrupt C code, so the parse runs in a child process that is killed when its time is up and
whose address space is capped; the next file gets a fresh child. The child is started once per
`ParseWorker` (≈ 0.2 s, before the clock runs) and reused while it behaves.
"""

from __future__ import annotations

import multiprocessing
import resource
from multiprocessing.connection import Connection

from ingest.errors import IngestError
from ingest.types import ParsedDocument

_START_S = 60.0  # importing the loaders; not counted in a file's budget


def _serve(conn: Connection, memory_mb: int) -> None:
    """The child: parse each (data, source, path) it is sent, answer ("ok", doc) or ("error", why)."""
    if memory_mb:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from ingest import ocr
    from ingest.pipeline import parse_bytes

    ocr.on_page = lambda: conn.send(("alive", None))  # each page read by OCR restarts the clock
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:  # the parent has gone
            return
        if job is None:
            return
        data, source, path = job
        try:
            conn.send(("ok", parse_bytes(data, source, path)))
        except IngestError as exc:
            conn.send(("error", str(exc)))
        except MemoryError:
            conn.send(("error", f"reading it needed more than {memory_mb:,} MB (AVTALEBOT_PARSE_MEMORY_MB)"))
        except Exception as exc:  # a loader's own bug on a strange file: that file fails, not the sync
            conn.send(("error", f"could not be read ({type(exc).__name__}: {str(exc)[:200]})"))


class ParseWorker:
    """parse(data, source, path) -> ParsedDocument, or IngestError when the file fails, goes
    `seconds` without progress (a whole file, or one page of a scan read by OCR; 0: no budget,
    parsed in this process) or needs more than `memory_mb` (0: no cap)."""

    def __init__(self, *, seconds: float, memory_mb: int) -> None:
        self._seconds = seconds
        self._memory_mb = memory_mb
        self._proc: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def parse(self, data: bytes, source: str, path: str = "") -> ParsedDocument:
        if self._seconds <= 0:  # no budget: parsed in this process (a debugger reaches it)
            from ingest.pipeline import parse_bytes

            return parse_bytes(data, source, path)
        conn = self._started()
        try:
            conn.send((data, source, path))
            kind, value = "alive", None
            while kind == "alive":  # the budget counts from the last sign of progress
                ready = conn.poll(self._seconds)
                if not ready:
                    break
                kind, value = conn.recv()
        except (EOFError, OSError):
            self.close(kill=True)
            raise IngestError(
                f"reading it stopped the reader (over the {self._memory_mb:,} MB it may use? "
                "AVTALEBOT_PARSE_MEMORY_MB)"
            ) from None
        if not ready:
            self.close(kill=True)
            raise IngestError(
                f"took longer than {self._seconds:g} s to read (AVTALEBOT_PARSE_TIMEOUT_S): skipped, the rest indexed"
            )
        if kind == "error" or not isinstance(value, ParsedDocument):
            raise IngestError(str(value))
        return value

    def _started(self) -> Connection:
        if self._conn is not None and self._proc is not None and self._proc.is_alive():
            return self._conn
        self.close()
        ctx = multiprocessing.get_context("spawn")  # not fork: the parent holds threads and open stores
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, self._memory_mb), daemon=True, name="avtalebot-parse")
        proc.start()
        child.close()
        if not parent.poll(_START_S) or parent.recv()[0] != "ready":
            proc.kill()
            raise IngestError("the file reader process did not start")
        self._proc, self._conn = proc, parent
        return parent

    def close(self, kill: bool = False) -> None:
        """Stop the child (killed when it is stuck); a later parse starts a new one."""
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is not None and kill:
            proc.kill()
        if conn is not None:
            try:
                conn.send(None)
            except OSError:
                pass
            conn.close()
        if proc is not None:
            proc.join(timeout=0.5)
            if proc.is_alive():
                proc.kill()
                proc.join()

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
