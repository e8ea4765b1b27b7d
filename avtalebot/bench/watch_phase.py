"""Bench phase `watch`: how soon a new agreement copied into a watched folder is answerable.

A real `avtalebot watch` process watches a copy of the size's corpus and index; this process holds
the answerer a running bot holds (a LiveIndex on the same data dir). Each new agreement is
written in a few pieces, as a copy does; the clock starts when the last piece is written and
closed, and stops when the snapshot holding the file is published (what a new CLI command would
answer from) and when the bot-like answerer first cites it."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

_PLACES = ["Finnmark", "Troms", "Nordland"]
_TEXT = (
    "Samarbeidsavtale om Jobbsjansen {n} i {place}\n\n§ 1 Parter\n\nAvtalen er inngått mellom NAV {place} "
    "og {place} fylkeskommune.\n\n§ 2 Kontakt\n\nKontaktperson for Jobbsjansen {n} er Ingrid Solberg{n}, "
    "rådgiver i NAV {place}.\n\n§ 3 Varighet\n\nAvtalen gjelder fra 1. januar 2026 til 31. desember 2029.\n"
)
_TIMEOUT_S = 120.0


def _copy_in_pieces(path: Path, text: str) -> float:
    data = text.encode("utf-8")
    with open(path, "wb") as fh:
        for i in range(4):
            fh.write(data[i * len(data) // 4 : (i + 1) * len(data) // 4])
            fh.flush()
            time.sleep(0.05)
    return time.perf_counter()


def phase_watch(size: int, work: Path, queries: int) -> dict:
    from avtalebot.settings import Settings
    from avtalebot.wiring import build_app
    from vectorstore.snapshots import Layout, read_pointer

    root = work / f"watch-{size}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(work / f"corpus-{size}", root / "corpus")
    shutil.copytree(work / f"ours-{size}", root / "data")
    settings = Settings(data_dir=root / "data")
    env = {**os.environ, "AVTALEBOT_DATA_DIR": str(root / "data")}
    watcher = subprocess.Popen(
        [sys.executable, "-m", "avtalebot", "watch", str(root / "corpus")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    published, answerable = [], []
    assert watcher.stderr is not None  # stderr=PIPE
    try:
        for line in watcher.stderr:  # the watcher's first sync (nothing changed) is done
            if "waiting for changes" in line:
                break
        app = build_app(settings)
        layout = Layout(root / "data")
        for n, place in enumerate(_PLACES, 1):
            name = f"jobbsjansen-{n}.txt"
            before = read_pointer(layout)
            t_end = _copy_in_pieces(root / "corpus" / name, _TEXT.format(n=n, place=place))
            t_pub = t_ans = None
            while (t_pub is None or t_ans is None) and time.perf_counter() - t_end < _TIMEOUT_S:
                if t_pub is None and read_pointer(layout) != before:
                    t_pub = time.perf_counter()
                answer = app.answerer.answer(f"Hvem er kontaktperson for Jobbsjansen {n} i {place}?")
                if t_ans is None and any(c.source == name for c in answer.citations):
                    t_ans = time.perf_counter()
                time.sleep(0.05)
            published.append(round((t_pub or float("inf")) - t_end, 2))
            answerable.append(round((t_ans or float("inf")) - t_end, 2))
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
    return {
        "size": size,
        "watch_published_s": statistics.median(published),
        "watch_answerable_s": statistics.median(answerable),
        "watch_answerable_max_s": max(answerable),
    }
